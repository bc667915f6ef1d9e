package model

import (
	"strings"
	"testing"
)

// TestParseARN: an ARN is `arn:partition:service:region:account:resource`, and the resource
// keeps any further colons (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html).
func TestParseARN(t *testing.T) {
	ok := []struct {
		in   string
		want ARN
	}{
		{"arn:aws:s3:::bucket/key", ARN{"aws", "s3", "", "", "bucket/key"}},
		{"arn:aws:iam::111122223333:user/division/JaneDoe", ARN{"aws", "iam", "", "111122223333", "user/division/JaneDoe"}},
		{"arn:aws:lambda:us-east-1:111122223333:function:my-fn:PROD", ARN{"aws", "lambda", "us-east-1", "111122223333", "function:my-fn:PROD"}},
		{"arn:aws-cn:sqs:cn-north-1:111122223333:queue", ARN{"aws-cn", "sqs", "cn-north-1", "111122223333", "queue"}},
		{"arn:::::", ARN{}},
	}
	for _, c := range ok {
		got, err := ParseARN(c.in)
		if err != nil {
			t.Errorf("ParseARN(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("ParseARN(%q) = %+v, want %+v", c.in, got, c.want)
		}
		if got.String() != c.in {
			t.Errorf("ParseARN(%q).String() = %q", c.in, got.String())
		}
	}
	for _, in := range []string{"", "arn", "arn:aws:s3::bucket", "ARN:aws:s3:::bucket", "urn:aws:s3:::b:c", "lambda.amazonaws.com", "*"} {
		if a, err := ParseARN(in); err == nil {
			t.Errorf("ParseARN(%q) = %+v, want an error", in, a)
		} else if !strings.Contains(err.Error(), "is not an ARN") {
			t.Errorf("ParseARN(%q) error %q does not say why", in, err)
		}
	}
	if got := AccountOf("arn:aws:iam::111122223333:root"); got != "111122223333" {
		t.Errorf("AccountOf(root) = %q", got)
	}
	if got := AccountOf("arn:aws:s3:::bucket"); got != "" {
		t.Errorf("AccountOf(bucket) = %q, want none", got)
	}
	if got := AccountOf("bucket"); got != "" {
		t.Errorf("AccountOf(not an ARN) = %q, want none", got)
	}
}

// TestParseRequestPrincipal classifies every kind of caller
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns and
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
func TestParseRequestPrincipal(t *testing.T) {
	cases := []struct {
		in                        string
		kind                      PrincipalKind
		account, name, path, sess string
		iam, session, slr         bool
		roleARN                   string
	}{
		{in: "arn:aws:iam::111122223333:user/JaneDoe", kind: PrincipalUser, account: "111122223333", name: "JaneDoe", path: "/", iam: true},
		{in: "arn:aws:iam::111122223333:user/division_abc/subdivision_xyz/JaneDoe", kind: PrincipalUser, account: "111122223333", name: "JaneDoe", path: "/division_abc/subdivision_xyz/", iam: true},
		{in: "arn:aws:iam::111122223333:role/Admin", kind: PrincipalRole, account: "111122223333", name: "Admin", path: "/", iam: true, roleARN: "arn:aws:iam::111122223333:role/Admin"},
		{in: "arn:aws:iam::111122223333:role/team/Deploy", kind: PrincipalRole, account: "111122223333", name: "Deploy", path: "/team/", iam: true, roleARN: "arn:aws:iam::111122223333:role/team/Deploy"},
		{in: "arn:aws:iam::111122223333:role/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk", kind: PrincipalRole, account: "111122223333", name: "AWSServiceRoleForElasticBeanstalk", path: "/aws-service-role/elasticbeanstalk.amazonaws.com/", iam: true, slr: true, roleARN: "arn:aws:iam::111122223333:role/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk"},
		{in: "arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com", kind: PrincipalRoleSession, account: "111122223333", name: "Admin", sess: "alice@example.com", iam: true, session: true, roleARN: "arn:aws:iam::111122223333:role/Admin"},
		{in: "arn:aws-us-gov:sts::111122223333:assumed-role/Ops/s1", kind: PrincipalRoleSession, account: "111122223333", name: "Ops", sess: "s1", iam: true, session: true, roleARN: "arn:aws-us-gov:iam::111122223333:role/Ops"},
		{in: "arn:aws:sts::111122223333:federated-user/Bob", kind: PrincipalFederatedUser, account: "111122223333", name: "Bob", iam: true, session: true},
		{in: "arn:aws:iam::111122223333:root", kind: PrincipalRoot, account: "111122223333", iam: true},
		{in: "lambda.amazonaws.com", kind: PrincipalService},
		{in: "s3.amazonaws.com.cn", kind: PrincipalService},
		{in: "anonymous", kind: PrincipalAnonymous},
		{in: "*", kind: PrincipalAnonymous},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			p, err := ParseRequestPrincipal(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if p.Kind != c.kind || p.Account != c.account || p.Name != c.name || p.Path != c.path || p.Session != c.sess {
				t.Errorf("got kind %v account %q name %q path %q session %q\nwant kind %v account %q name %q path %q session %q",
					p.Kind, p.Account, p.Name, p.Path, p.Session, c.kind, c.account, c.name, c.path, c.sess)
			}
			if p.IsIAM() != c.iam || p.IsSession() != c.session || p.IsServiceLinkedRole() != c.slr {
				t.Errorf("IsIAM %v IsSession %v IsServiceLinkedRole %v, want %v %v %v", p.IsIAM(), p.IsSession(), p.IsServiceLinkedRole(), c.iam, c.session, c.slr)
			}
			if got := p.RoleARN(); got != c.roleARN {
				t.Errorf("RoleARN() = %q, want %q", got, c.roleARN)
			}
			wantARN := c.in
			if c.kind == PrincipalAnonymous {
				wantARN = "anonymous"
			}
			if p.ARN != wantARN {
				t.Errorf("ARN = %q, want %q", p.ARN, wantARN)
			}
		})
	}

	bad := map[string]string{
		"":                                     "is not an ARN, a service principal or \"anonymous\"",
		"alice":                                "is not an ARN, a service principal or \"anonymous\"",
		"111122223333":                         "is not an ARN, a service principal or \"anonymous\"",
		"arn:aws:iam::111122223333":            "is not an ARN",
		"arn:aws:iam:::user/alice":             "has no account",
		"arn:aws:s3:::bucket":                  "has no account",
		"arn:aws:iam::111122223333:group/devs": "is not an IAM user, role, root, role session or federated user ARN",
		"arn:aws:ec2:us-east-1:111122223333:instance/i-1": "is not an IAM user, role, root, role session or federated user ARN",
		"arn:aws:sts::111122223333:user/alice":            "is not an IAM user, role, root, role session or federated user ARN",
		"arn:aws:iam::111122223333:user/":                 "has no name",
		"arn:aws:iam::111122223333:user/path/":            "has no name",
		"arn:aws:iam::111122223333:role":                  "has no name",
		"arn:aws:sts::111122223333:federated-user/":       "has no name",
		"arn:aws:sts::111122223333:assumed-role/Admin":    "ends in assumed-role/ROLE/SESSION",
		"arn:aws:sts::111122223333:assumed-role//s":       "ends in assumed-role/ROLE/SESSION",
		"arn:aws:sts::111122223333:assumed-role/Admin/":   "ends in assumed-role/ROLE/SESSION",
	}
	for in, want := range bad {
		p, err := ParseRequestPrincipal(in)
		if err == nil {
			t.Errorf("ParseRequestPrincipal(%q) = %+v, want an error", in, p)
			continue
		}
		if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), `"`+in+`"`) {
			t.Errorf("ParseRequestPrincipal(%q) error %q; want it to quote the input and say %q", in, err, want)
		}
	}
}

func TestPrincipalKindString(t *testing.T) {
	want := map[PrincipalKind]string{
		PrincipalUnknown: "unknown", PrincipalUser: "user", PrincipalRole: "role",
		PrincipalRoleSession: "role session", PrincipalFederatedUser: "federated user",
		PrincipalRoot: "account root", PrincipalService: "service", PrincipalAnonymous: "anonymous",
		PrincipalKind(99): "unknown",
	}
	for k, s := range want {
		if k.String() != s {
			t.Errorf("PrincipalKind(%d).String() = %q, want %q", int(k), k.String(), s)
		}
	}
}

// TestParseARNSplitsAtFiveColons: ParseARN splits as strings.SplitN(s, ":", 6) does, the
// resource keeping every colon after the fifth.
// ARN format: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
func TestParseARNSplitsAtFiveColons(t *testing.T) {
	for _, in := range []string{
		"", ":", "arn", "arn:", "arn:aws", "arn:aws:s3", "arn:aws:s3:::", "arn:aws:s3:::b", "arn:aws:s3:::b:c:d",
		"arn:aws:iam::123456789012:role/x", "::::::", "arn:::::", "ARN:aws:s3:::b", "arn:aws:sts::1:assumed-role/r/s:t",
		"xarn:aws:s3:::b", "arn:aws:s3::b",
	} {
		parts := strings.SplitN(in, ":", 6)
		got, err := ParseARN(in)
		if ok := len(parts) == 6 && parts[0] == "arn"; ok != (err == nil) {
			t.Errorf("ParseARN(%q): error %v, want one: %v", in, err, !ok)
			continue
		}
		if err == nil {
			want := ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}
			if got != want {
				t.Errorf("ParseARN(%q) = %+v, want %+v", in, got, want)
			}
		}
	}
}
