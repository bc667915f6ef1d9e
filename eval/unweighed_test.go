package eval

import (
	"slices"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/model"
)

// mentions reports whether some entry of list holds every one of the parts.
func mentions(list []string, parts ...string) bool {
	for _, s := range list {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(s, p)
		}
		if ok {
			return true
		}
	}
	return false
}

const badOperator = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*",
	"Condition":{"StringEqualsSomehow":{"aws:username":"eve"}}}]}`

// An identity policy with an operator the engine does not know is left out, and every answer
// about its principal names it: can, what-can, who-can and paths.
func TestUnknownOperatorMakesEveryAnswerAboutThePrincipalPartial(t *testing.T) {
	a := smallAccount(t)
	a.Users[1].InlinePolicies = []model.InlinePolicy{{Name: "odd", Document: mustPolicy(t, badOperator)}}
	e := NewEngine(a)
	eve, _ := e.Principal("arn:aws:iam::111111111111:user/eve")
	dana, _ := e.Principal("arn:aws:iam::111111111111:user/dana")
	if !mentions(eve.Incomplete, "inline policy odd of user eve", "StringEqualsSomehow") {
		t.Fatalf("eve.Incomplete = %q", eve.Incomplete)
	}
	r, err := e.Can(eve, "s3:GetObject", "arn:aws:s3:::x/y", nil, Options{Mode: Strict, Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	if !mentions(r.Unweighed, "inline policy odd", "unknown condition operator") || !mentions(r.Explanation.Unweighed, "inline policy odd") {
		t.Errorf("can: Unweighed = %q", r.Unweighed)
	}
	if got := e.UnweighedWhatCan(eve, true, nil, Discovery); !mentions(got, "inline policy odd") {
		t.Errorf("what-can: %q", got)
	}
	if got := e.UnweighedWhoCan("arn:aws:s3:::x/y"); !mentions(got, "inline policy odd") {
		t.Errorf("who-can: %q", got)
	}
	if got := e.UnweighedPaths(eve); !mentions(got, "inline policy odd") {
		t.Errorf("paths of eve: %q", got)
	}
	if got := e.UnweighedPaths(nil); !mentions(got, "inline policy odd") {
		t.Errorf("all paths: %q", got)
	}
	// dana's answers do not depend on eve's policy.
	if r, _ := e.Can(dana, "s3:GetObject", "arn:aws:s3:::x/y", nil, Options{}); r.Unweighed != nil {
		t.Errorf("dana's answer: Unweighed = %q", r.Unweighed)
	}
	if got := e.UnweighedWhatCan(dana, false, nil, Discovery); got != nil {
		t.Errorf("dana's what-can: %q", got)
	}
}

// The same operator in a managed policy, a group's policy, a boundary, a bucket policy, a trust
// policy and an SCP: each is named by the answers that depend on it.
func TestUnknownOperatorInEachPolicyType(t *testing.T) {
	const obj = "arn:aws:s3:::public-site/index.html"
	cases := []struct {
		name   string
		break_ func(a *model.Account)
		who    string // the principal asked about
		action string
		res    string
		want   string
	}{
		{"managed", func(a *model.Account) { a.Policies[2].Versions[0].Document = mustPolicy(t, badOperator) },
			"dana", "sts:AssumeRole", "arn:aws:iam::111111111111:role/deploy", "managed policy arn:aws:iam::111111111111:policy/assume: not compiled"},
		{"group", func(a *model.Account) { a.Policies[0].Versions[0].Document = mustPolicy(t, badOperator) },
			"eve", "s3:GetObject", obj, "managed policy arn:aws:iam::111111111111:policy/dev-s3"},
		{"boundary", func(a *model.Account) { a.Policies[1].Versions[0].Document = mustPolicy(t, badOperator) },
			"dana", "s3:GetObject", obj, "permission boundary arn:aws:iam::111111111111:policy/boundary: not compiled"},
		{"bucket", func(a *model.Account) { a.ResourcePolicies[0].Document = mustPolicy(t, badOperator) },
			"eve", "s3:GetObject", obj, "policy of arn:aws:s3:::public-site: not compiled"},
		{"trust", func(a *model.Account) { a.Roles[0].TrustPolicy = mustPolicy(t, badOperator) },
			"dana", "sts:AssumeRole", "arn:aws:iam::111111111111:role/deploy", "trust policy of role arn:aws:iam::111111111111:role/deploy"},
		{"scp", func(a *model.Account) { a.Organization.Levels[1].SCPs[1].Document = mustPolicy(t, badOperator) },
			"eve", "s3:GetObject", obj, "account 111111111111: SCP p-region (eu-only) at account"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := smallAccount(t)
			c.break_(a)
			e := NewEngine(a)
			p, _ := e.Principal("arn:aws:iam::111111111111:user/" + c.who)
			r, err := e.Can(p, c.action, c.res, nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !mentions(r.Unweighed, c.want) {
				t.Errorf("Unweighed = %q, want one naming %q", r.Unweighed, c.want)
			}
		})
	}
}

// Warnings of a live load name what could not be read: answers that depend on it say so, and
// only those.
func TestLoadWarningsReachTheAnswersThatDependOnThem(t *testing.T) {
	a := smallAccount(t)
	a.Warnings = []model.Warning{
		{Where: "organizations:ListRoots", Message: "access denied: AccessDenied", Missing: "SCPs and RCPs", Scope: model.ScopeAccount},
		{Where: "s3:GetBucketPolicy arn:aws:s3:::logs", Message: "access denied: AccessDenied", Missing: "bucket policy of arn:aws:s3:::logs",
			Scope: model.ScopeResource, About: "arn:aws:s3:::logs"},
		{Where: "kms:ListKeys", Message: "throttled", Missing: "KMS key policies", Scope: model.ScopeResource, About: "arn:aws:kms:eu-west-1:111111111111:*"},
		{Where: "iam:ListAccessKeys", Message: "throttled", Missing: "access keys of dana", Scope: model.ScopeNone},
		{Where: "RoleDetailList[0].RolePolicyList[1]", Message: "not an object", Missing: "inline policy x of role deploy",
			Scope: model.ScopePrincipal, About: "arn:aws:iam::111111111111:role/deploy"},
		{Where: "GroupDetailList[0]", Message: "not an object", Missing: "inline policy y of group devs",
			Scope: model.ScopePrincipal, About: "arn:aws:iam::111111111111:group/devs"},
	}
	e := NewEngine(a)
	eve, _ := e.Principal("arn:aws:iam::111111111111:user/eve")
	deploy, _ := e.Principal("arn:aws:iam::111111111111:role/deploy")
	ask := func(p *Principal, action, res string) []string {
		t.Helper()
		r, err := e.Can(p, action, res, nil, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return r.Unweighed
	}
	got := ask(eve, "s3:GetObject", "arn:aws:s3:::logs/2025/a.gz")
	for _, want := range []string{"SCPs and RCPs", "bucket policy of arn:aws:s3:::logs", "inline policy y of group devs"} {
		if !mentions(got, want) {
			t.Errorf("can on the bucket: %q lacks %q", got, want)
		}
	}
	if mentions(got, "KMS") || mentions(got, "access keys") || mentions(got, "role deploy") {
		t.Errorf("can on the bucket names what it does not depend on: %q", got)
	}
	got = ask(eve, "s3:GetObject", "arn:aws:s3:::other/a")
	if !mentions(got, "SCPs and RCPs") || mentions(got, "arn:aws:s3:::logs") {
		t.Errorf("can on another bucket: %q", got)
	}
	if got = ask(eve, "kms:Decrypt", "arn:aws:kms:eu-west-1:111111111111:key/k1"); !mentions(got, "KMS key policies") {
		t.Errorf("can on a key: %q", got)
	}
	if got = ask(deploy, "s3:ListBucket", "arn:aws:s3:::other"); !mentions(got, "inline policy x of role deploy") || mentions(got, "group devs") {
		t.Errorf("can of the role: %q", got)
	}
	// what-can weighs every resource policy; who-can every principal's policies.
	if got = e.UnweighedWhatCan(eve, false, nil, Discovery); !mentions(got, "bucket policy of arn:aws:s3:::logs") || !mentions(got, "KMS key policies") {
		t.Errorf("what-can: %q", got)
	}
	if got = e.UnweighedWhoCan("arn:aws:s3:::logs/x"); !mentions(got, "bucket policy of arn:aws:s3:::logs") || !mentions(got, "role deploy") || mentions(got, "KMS") {
		t.Errorf("who-can: %q", got)
	}
	// what-can of the group itself names the group's gap.
	g := e.GroupPrincipal(a.Groups[0], a.ID)
	if got = e.UnweighedWhatCan(g, false, nil, Discovery); !mentions(got, "inline policy y of group devs") || !mentions(got, "SCPs and RCPs") {
		t.Errorf("what-can of the group: %q", got)
	}
}

// A complete account answers with nothing unweighed.
func TestCompleteAccountHasNothingUnweighed(t *testing.T) {
	e := NewEngine(smallAccount(t))
	for _, p := range e.Principals() {
		r, err := e.Can(p, "s3:GetObject", "arn:aws:s3:::public-site/a", nil, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Unweighed != nil || e.UnweighedWhatCan(p, true, nil, Discovery) != nil || e.UnweighedPaths(p) != nil {
			t.Errorf("%s: something unweighed in a complete account", p.ARN)
		}
	}
	if got := e.UnweighedWhoCan("arn:aws:s3:::public-site/a"); got != nil {
		t.Errorf("who-can: %q", got)
	}
}

// A group with nothing missing of its own still stands in an account whose SCPs were not read.
func TestGroupStandInNamesItsAccountsGaps(t *testing.T) {
	a := smallAccount(t)
	a.Warnings = []model.Warning{{Where: "organizations:ListRoots", Message: "access denied", Missing: "SCPs and RCPs", Scope: model.ScopeAccount}}
	e := NewEngine(a)
	g := e.GroupPrincipal(a.Groups[0], a.ID)
	r, err := e.Can(g, "s3:GetObject", "arn:aws:s3:::b/k", nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !mentions(r.Unweighed, "SCPs and RCPs") {
		t.Errorf("the group's answer: Unweighed = %q", r.Unweighed)
	}
}

// Condition keys that Options.KnownKey does not know are named when a statement that could
// still apply weighs them and the request does not carry them, the same with and without the
// explanation: not for a statement whose action does not match, not after a condition already
// false, not when the request gives the key, and never without KnownKey.
func TestUnknownKeysAreNamed(t *testing.T) {
	identity := mustCompile(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransportt":"true"}}},
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{
			"StringEquals":{"aws:RequestedRegion":"eu-west-1"},"StringLike":{"aws:Typo2":"x"}}},
		{"Effect":"Deny","Action":"ec2:*","Resource":"*","Condition":{"Null":{"aws:Typo3":"true"}}}]}`)
	known := func(k string) bool {
		return !strings.Contains(strings.ToLower(k), "typo") && k != "aws:SecureTransportt"
	}
	in := &Input{Identity: []*Policy{identity}}
	ask := func(ctx *Context, opt Options) *Result {
		t.Helper()
		r, err := Evaluate(in, &Request{Principal: "arn:aws:iam::111122223333:user/u", Action: "s3:GetObject",
			Resource: "arn:aws:s3:::b/k", Context: ctx}, opt)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	region := func(r string) *Context { c := NewContext(); c.Set("aws:RequestedRegion", r); return c }
	for _, c := range []struct {
		name string
		ctx  *Context
		opt  Options
		want []string
	}{
		// aws:Typo2 comes after a false condition (the region): not weighed. The ec2 deny
		// does not apply to s3.
		{"strict, other region", region("us-east-1"), Options{Mode: Strict, KnownKey: known}, []string{"aws:SecureTransportt"}},
		{"strict, the region", region("eu-west-1"), Options{Mode: Strict, KnownKey: known}, []string{"aws:SecureTransportt", "aws:Typo2"}},
		{"discovery", NewContext(), Options{Mode: Discovery, KnownKey: known}, []string{"aws:SecureTransportt", "aws:Typo2"}},
		{"without KnownKey", region("eu-west-1"), Options{Mode: Strict}, nil},
	} {
		for _, explain := range []bool{false, true} {
			opt := c.opt
			opt.Explain = explain
			r := ask(c.ctx, opt)
			if !slices.Equal(r.UnknownKeys, c.want) {
				t.Errorf("%s (explain %v): unknown keys %q, want %q", c.name, explain, r.UnknownKeys, c.want)
			}
			if explain && !slices.Equal(r.Explanation.UnknownKeys, c.want) {
				t.Errorf("%s: explanation's unknown keys %q, want %q", c.name, r.Explanation.UnknownKeys, c.want)
			}
		}
	}
	given := region("eu-west-1")
	given.Set("aws:SecureTransportt", "true")
	given.Set("aws:Typo2", "x")
	if r := ask(given, Options{Mode: Strict, KnownKey: known}); r.UnknownKeys != nil || r.Decision != Allowed {
		t.Errorf("keys given: %s, unknown keys %q, want Allowed and none", r.Decision, r.UnknownKeys)
	}
}
