package eval

import (
	"testing"
)

// The decision benchmarks time Evaluate alone, on policies compiled once: a role session of a
// realistic account with three identity policies (with conditions and a policy variable), a
// bucket policy, a permission boundary, a session policy and two levels of SCPs, asked nine
// different requests in turn. BENCHMARKS.md reports them as decisions per second.

var benchPolicies = struct {
	identity, resource, boundary, session string
	scps                                  [2]string
}{
	identity: `[
	 {"Version":"2012-10-17","Statement":[
	  {"Sid":"TeamData","Effect":"Allow","Action":["s3:Get*","s3:List*"],
	   "Resource":["arn:aws:s3:::data-${aws:PrincipalTag/team}","arn:aws:s3:::data-${aws:PrincipalTag/team}/*"],
	   "Condition":{"StringEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}},
	  {"Sid":"NoDeleteWithoutMFA","Effect":"Deny","Action":"s3:Delete*","Resource":"*",
	   "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]},
	 {"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Action":"ec2:Describe*","Resource":"*",
	   "Condition":{"Bool":{"aws:SecureTransport":"true"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}},
	  {"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem","dynamodb:Query"],
	   "Resource":"arn:aws:dynamodb:*:111111111111:table/app-*",
	   "Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}}]},
	 {"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111111111111:jobs-*",
	   "Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}},
	  {"Effect":"Deny","NotAction":["s3:*","ec2:*","dynamodb:*","sqs:*","sts:GetCallerIdentity"],"Resource":"*"}]}]`,
	resource: `{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data-platform/*"},
	  {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::data-platform","arn:aws:s3:::data-platform/*"],
	   "Condition":{"Bool":{"aws:SecureTransport":"false"}}},
	  {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/partner"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data-platform/shared/*",
	   "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]}`,
	boundary: `{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Action":["s3:*","ec2:Describe*","dynamodb:*","sqs:*"],"Resource":"*"},
	  {"Effect":"Deny","Action":"iam:*","Resource":"*"}]}`,
	session: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*",
	  "Condition":{"StringLike":{"aws:RequestedRegion":"*-*-1"}}}]}`,
	scps: [2]string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[
		  {"Effect":"Allow","Action":"*","Resource":"*"},
		  {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}]}`,
	},
}

// benchInput compiles the benchmark's policies once.
func benchInput(b *testing.B) *Input {
	b.Helper()
	mustCompile := func(name, doc string) *Policy {
		p, err := ParseAndCompile(name, []byte(doc))
		if err != nil {
			b.Fatalf("%s: %v", name, err)
		}
		return p
	}
	raws, err := SplitCases([]byte(benchPolicies.identity))
	if err != nil {
		b.Fatal(err)
	}
	in := &Input{
		Resource:   mustCompile("bucket", benchPolicies.resource),
		Boundaries: []*Policy{mustCompile("boundary", benchPolicies.boundary)},
		Session:    mustCompile("session", benchPolicies.session),
		SCPs: [][]*Policy{
			{mustCompile("FullAWSAccess", benchPolicies.scps[0])},
			{mustCompile("regions", benchPolicies.scps[1])},
		},
	}
	for i, raw := range raws {
		in.Identity = append(in.Identity, mustCompile("identity-"+string(rune('a'+i)), string(raw)))
	}
	return in
}

// benchRequests are nine requests of the role session: allowed, denied by a condition, by the
// boundary, by an explicit deny, across the bucket policy.
func benchRequests() []*Request {
	const session = "arn:aws:sts::111111111111:assumed-role/analyst/alice"
	ctx := func(kv ...string) *Context {
		c := NewContext()
		c.Set("aws:PrincipalTag/team", "platform")
		c.Set("aws:SecureTransport", "true")
		c.Set("aws:SourceIp", "10.1.2.3")
		for i := 0; i+1 < len(kv); i += 2 {
			c.Set(kv[i], kv[i+1])
		}
		return c
	}
	tags := ctx("aws:RequestedRegion", "us-east-1")
	tags.SetMulti("aws:TagKeys", []string{"env", "team"})
	return []*Request{
		{Principal: session, Action: "s3:GetObject", Resource: "arn:aws:s3:::data-platform/reports/q1.csv", Context: ctx("aws:RequestedRegion", "us-east-1")},
		{Principal: session, Action: "s3:ListBucket", Resource: "arn:aws:s3:::data-platform", Context: ctx("aws:RequestedRegion", "eu-west-1")},
		{Principal: session, Action: "s3:DeleteObject", Resource: "arn:aws:s3:::data-platform/tmp/x", Context: ctx("aws:RequestedRegion", "us-east-1", "aws:MultiFactorAuthPresent", "false")},
		{Principal: session, Action: "ec2:DescribeInstances", Resource: "*", Context: ctx("aws:RequestedRegion", "us-east-1")},
		{Principal: session, Action: "dynamodb:PutItem", Resource: "arn:aws:dynamodb:us-east-1:111111111111:table/app-orders", Context: tags},
		{Principal: session, Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:111111111111:jobs-high", Context: ctx("aws:RequestedRegion", "us-east-1", "aws:CurrentTime", "2026-11-27T10:00:00Z", "aws:MultiFactorAuthAge", "120")},
		{Principal: session, Action: "iam:CreateUser", Resource: "arn:aws:iam::111111111111:user/mallory", Context: ctx("aws:RequestedRegion", "us-east-1")},
		{Principal: session, Action: "s3:GetObject", Resource: "arn:aws:s3:::data-platform/reports/q1.csv", Context: ctx("aws:RequestedRegion", "ap-south-2")},
		{Principal: session, Action: "s3:PutObject", Resource: "arn:aws:s3:::data-platform/reports/q2.csv", Context: ctx("aws:RequestedRegion", "us-east-1")},
	}
}

func benchmarkDecisions(b *testing.B, explain bool) {
	in := benchInput(b)
	reqs := benchRequests()
	opt := Options{Explain: explain}
	seen := map[Decision]bool{}
	for _, r := range reqs {
		res, err := Evaluate(in, r, opt)
		if err != nil {
			b.Fatal(err)
		}
		seen[res.Decision] = true
	}
	if len(seen) != 3 {
		b.Fatalf("the requests should meet all three decisions, got %v", seen)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := Evaluate(in, reqs[i%len(reqs)], opt); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "decisions/s")
}

// BenchmarkDecide: decisions without explanation, as bulk queries (who-can, what-can) ask.
func BenchmarkDecide(b *testing.B) { benchmarkDecisions(b, false) }

// BenchmarkDecideExplained: decisions with the full explanation, as the interface shows them.
func BenchmarkDecideExplained(b *testing.B) { benchmarkDecisions(b, true) }
