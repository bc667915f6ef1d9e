package eval

import (
	"strings"
	"testing"
	"time"

	"github.com/iamscope/iamscope/model"
)

func mustPolicy(t *testing.T, doc string) *model.Policy {
	t.Helper()
	p, err := model.ParsePolicy([]byte(doc))
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	return p
}

func managed(t *testing.T, arn, doc string) *model.ManagedPolicy {
	name := arn[strings.LastIndexByte(arn, '/')+1:]
	return &model.ManagedPolicy{ARN: arn, Name: name, DefaultVersion: "v1",
		Versions: []model.PolicyVersion{{ID: "v1", IsDefault: true, Document: mustPolicy(t, doc)}}}
}

// smallAccount is an account built for the engine's account-level tests: a developer in a
// group, under a boundary; a role a user may assume; a bucket with a policy; an SCP.
func smallAccount(t *testing.T) *model.Account {
	const acct = "111111111111"
	a := &model.Account{ID: acct}
	a.Policies = []*model.ManagedPolicy{
		managed(t, "arn:aws:iam::111111111111:policy/dev-s3", `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::team-${aws:PrincipalTag/team}/*"},
			{"Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`),
		managed(t, "arn:aws:iam::111111111111:policy/boundary", `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":["s3:*","sts:AssumeRole"],"Resource":"*"}]}`),
		managed(t, "arn:aws:iam::111111111111:policy/assume", `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111111111111:role/deploy"}]}`),
	}
	a.Groups = []*model.Group{{ARN: "arn:aws:iam::111111111111:group/devs", Name: "devs", Path: "/",
		AttachedPolicies: []string{"arn:aws:iam::111111111111:policy/dev-s3"}}}
	a.Users = []*model.User{
		{ARN: "arn:aws:iam::111111111111:user/dana", Name: "dana", Path: "/", ID: "AIDADANA", Groups: []string{"devs"},
			AttachedPolicies: []string{"arn:aws:iam::111111111111:policy/assume"},
			Boundary:         "arn:aws:iam::111111111111:policy/boundary", Tags: []model.Tag{{Key: "team", Value: "payments"}}},
		{ARN: "arn:aws:iam::111111111111:user/eve", Name: "eve", Path: "/", ID: "AIDAEVE", Groups: []string{"devs"}},
	}
	a.Roles = []*model.Role{{ARN: "arn:aws:iam::111111111111:role/deploy", Name: "deploy", Path: "/", ID: "AROADEPLOY",
		TrustPolicy:    mustPolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`),
		InlinePolicies: []model.InlinePolicy{{Name: "deploy", Document: mustPolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)}}}}
	a.ResourcePolicies = []*model.ResourcePolicy{{ResourceARN: "arn:aws:s3:::public-site", Service: "s3",
		Document: mustPolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::public-site/*"}]}`)}}
	a.Organization = &model.Organization{ID: "o-abc", Levels: []model.OrgLevel{
		{ID: "r-root", Name: "Root", SCPs: []model.OrgPolicy{{ID: "p-full", Name: "FullAWSAccess", Document: mustPolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}}},
		{ID: acct, Name: "account", SCPs: []model.OrgPolicy{
			{ID: "p-full2", Name: "FullAWSAccess", Document: mustPolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)},
			{ID: "p-region", Name: "eu-only", Document: mustPolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["iam:*","sts:*","s3:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}`)}}},
	}}
	a.Index()
	return a
}

func newTestEngine(t *testing.T) *Engine {
	e := NewEngine(smallAccount(t))
	if len(e.Warnings) > 0 {
		t.Fatalf("warnings: %v", e.Warnings)
	}
	e.Now = func() time.Time { return time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC) }
	return e
}

func can(t *testing.T, e *Engine, who, action, resource string, extra *Context, mode Mode) *Result {
	t.Helper()
	p, ok := e.Principal(who)
	if !ok {
		t.Fatalf("no principal %s", who)
	}
	r, err := e.Can(p, action, resource, extra, Options{Mode: mode, Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestEngineCanUsesGroupsTagsAndBoundary(t *testing.T) {
	e := newTestEngine(t)
	const dana, eve = "arn:aws:iam::111111111111:user/dana", "arn:aws:iam::111111111111:user/eve"
	// The group policy's ${aws:PrincipalTag/team} resolves from dana's own tag.
	if r := can(t, e, dana, "s3:GetObject", "arn:aws:s3:::team-payments/report.csv", nil, Strict); r.Decision != Allowed {
		t.Errorf("dana on her team's bucket: %s (%s)", r.Decision, r.Explanation.Reason)
	}
	if r := can(t, e, dana, "s3:GetObject", "arn:aws:s3:::team-search/report.csv", nil, Strict); r.Decision != ImplicitlyDenied {
		t.Errorf("dana on another team's bucket: %s", r.Decision)
	}
	// eve has no team tag: the variable has no value and the statement matches nothing.
	if r := can(t, e, eve, "s3:GetObject", "arn:aws:s3:::team-/x", nil, Strict); r.Decision != ImplicitlyDenied {
		t.Errorf("eve without a tag: %s", r.Decision)
	}
	// iam:* needs MFA. Discovery mode: allowed if MFA for eve; dana's boundary has no iam:*.
	r := can(t, e, eve, "iam:CreateUser", "arn:aws:iam::111111111111:user/x", nil, Discovery)
	if r.Decision != Allowed || !r.Conditional() || !strings.Contains(r.Condition.String(), "aws:MultiFactorAuthPresent") {
		t.Errorf("eve iam:CreateUser: %s if %v", r.Decision, r.Condition)
	}
	if r := can(t, e, dana, "iam:CreateUser", "arn:aws:iam::111111111111:user/x", nil, Discovery); r.Decision != ImplicitlyDenied {
		t.Errorf("dana is bounded: %s", r.Decision)
	}
	mfa := NewContext()
	mfa.Set("aws:MultiFactorAuthPresent", "true")
	if r := can(t, e, eve, "iam:CreateUser", "arn:aws:iam::111111111111:user/x", mfa, Strict); r.Decision != Allowed {
		t.Errorf("eve with MFA: %s", r.Decision)
	}
}

func TestEngineCanRoleAndResourcePolicies(t *testing.T) {
	e := newTestEngine(t)
	const dana, eve, deploy = "arn:aws:iam::111111111111:user/dana", "arn:aws:iam::111111111111:user/eve", "arn:aws:iam::111111111111:role/deploy"
	// The trust policy names the account: the identity policy must allow too.
	if r := can(t, e, dana, "sts:AssumeRole", deploy, nil, Strict); r.Decision != Allowed {
		t.Errorf("dana assume deploy: %s (%s)", r.Decision, r.Explanation.Reason)
	}
	if r := can(t, e, eve, "sts:AssumeRole", deploy, nil, Strict); r.Decision != ImplicitlyDenied {
		t.Errorf("eve assume deploy: %s", r.Decision)
	}
	// A public bucket policy grants an object of the bucket to anyone.
	if r := can(t, e, eve, "s3:GetObject", "arn:aws:s3:::public-site/index.html", nil, Strict); r.Decision != Allowed {
		t.Errorf("eve public site: %s", r.Decision)
	}
	// The SCP confines everything but IAM, STS and S3 to eu-west-1.
	if r := can(t, e, deploy, "s3:GetObject", "arn:aws:s3:::any/x", nil, Strict); r.Decision != Allowed {
		t.Errorf("deploy s3: %s", r.Decision)
	}
	e2 := newTestEngine(t)
	p, _ := e2.Principal(deploy)
	p.Identity = append(p.Identity, mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`))
	e.gather(p)
	if r := can(t, e2, deploy, "ec2:StartInstances", "arn:aws:ec2:us-east-1:111111111111:instance/i-1", nil, Strict); r.Decision != ExplicitlyDenied {
		t.Errorf("deploy ec2 in us-east-1: %s", r.Decision)
	}
	if r := can(t, e2, deploy, "ec2:StartInstances", "arn:aws:ec2:eu-west-1:111111111111:instance/i-1", nil, Strict); r.Decision != Allowed {
		t.Errorf("deploy ec2 in eu-west-1: %s (%s)", r.Decision, r.Explanation.Reason)
	}
}

func mustCompile(t *testing.T, doc string) *Policy {
	t.Helper()
	p, err := ParseAndCompile("extra", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEngineWarnsOnMissingPolicies(t *testing.T) {
	a := smallAccount(t)
	a.Users[1].AttachedPolicies = append(a.Users[1].AttachedPolicies, "arn:aws:iam::111111111111:policy/gone")
	e := NewEngine(a)
	p, _ := e.Principal("arn:aws:iam::111111111111:user/eve")
	if len(p.Incomplete) != 1 || !strings.Contains(p.Incomplete[0], "policy/gone") {
		t.Errorf("incomplete = %v", p.Incomplete)
	}
}
