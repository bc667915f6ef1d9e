package eval

import (
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/internal/synth"
	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/model"
)

// demoEngine compiles the embedded demo account (docs/demo-account.md).
func demoEngine(t testing.TB) *Engine {
	t.Helper()
	accounts, err := demo.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	return NewEngine(accounts...)
}

// demoPrincipal finds a demo user or role by ARN.
func demoPrincipal(t testing.TB, e *Engine, arn string) *Principal {
	t.Helper()
	p, ok := e.Principal(arn)
	if !ok {
		t.Fatalf("no principal %s in the demo", arn)
	}
	return p
}

const (
	demoFelix   = "arn:aws:iam::210987654321:user/staff/felix.brandt"
	demoDana    = "arn:aws:iam::210987654321:user/staff/dana.whitfield"
	demoOmar    = "arn:aws:iam::210987654321:user/staff/omar.haddad"
	payrollKey  = "arn:aws:kms:eu-west-1:210987654321:key/6f1c2a4e-8d3b-4c1e-9a7f-2b5d8e0c4a13"
	payrollObjs = "arn:aws:s3:::tidewater-payroll/*"
)

// listed returns the resource access what-can lists for an action on a resource, if any.
func listed(acc []Access, action, resource string) (ResourceAccess, bool) {
	for _, a := range acc {
		if a.Action != action {
			continue
		}
		for _, r := range a.Resources {
			if r.Resource == resource {
				return r, true
			}
		}
	}
	return ResourceAccess{}, false
}

func condText(c *Expr) string {
	if c == nil || !c.IsOpen() {
		return ""
	}
	return c.String()
}

// A KMS key policy must allow a request even within the key's account; a statement naming
// the account lets IAM policies grant, and Felix's identity policy does, with MFA
// (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam).
// what-can and the access tree (WhatCanService, DeniedInService) must list kms:Decrypt on
// the payroll key, as can does, and must not call it denied.
func TestWhatCanListsWhatAKeyPolicyLetsIAMGrant(t *testing.T) {
	e := demoEngine(t)
	felix := demoPrincipal(t, e, demoFelix)
	for _, c := range []struct {
		ctx  map[string]string
		want string
	}{
		{nil, "Bool aws:MultiFactorAuthPresent [true]"},
		{map[string]string{"aws:MultiFactorAuthPresent": "true"}, ""},
	} {
		extra := NewContext()
		for k, v := range c.ctx {
			extra.Set(k, v)
		}
		r, ok := listed(e.WhatCan(felix, extra, Discovery), "kms:Decrypt", payrollKey)
		if !ok {
			t.Fatalf("context %v: what-can does not list kms:Decrypt on the payroll key", c.ctx)
		}
		if got := condText(r.Condition); got != c.want {
			t.Errorf("context %v: kms:Decrypt if %q, want %q", c.ctx, got, c.want)
		}
		if _, ok := listed(e.WhatCanService(felix, "kms", extra, Discovery), "kms:Decrypt", payrollKey); !ok {
			t.Errorf("context %v: the kms service of the tree does not list kms:Decrypt", c.ctx)
		}
		for _, d := range e.DeniedInService(felix, "kms", extra, Discovery) {
			if d.Action == "kms:Decrypt" {
				t.Errorf("context %v: the tree calls kms:Decrypt denied on %s", c.ctx, d.Resource)
			}
		}
	}
}

// A row's open conditions are exactly those of the explanation: Felix's s3:GetObject on the
// payroll objects also needs HTTPS, since the bucket policy denies aws:SecureTransport false
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
func TestWhatCanRowConditionsAreCans(t *testing.T) {
	e := demoEngine(t)
	felix := demoPrincipal(t, e, demoFelix)
	r, ok := listed(e.WhatCanService(felix, "s3", nil, Discovery), "s3:GetObject", payrollObjs)
	if !ok {
		t.Fatal("no s3:GetObject on the payroll objects")
	}
	can, err := e.Can(felix, "s3:GetObject", payrollObjs, nil, Options{Mode: Discovery})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := condText(r.Condition), condText(can.Condition); got != want || !strings.Contains(got, "aws:SecureTransport") {
		t.Errorf("row: if %q\ncan: if %q (must name aws:SecureTransport)", got, want)
	}
}

// A denied row is explained on the resource it names, and that explanation gives the row's
// decision and reason: Dana's boundary does not allow iam:ChangePassword, a pattern with a
// wildcard account stands for her own account, not for an account "*" across accounts
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html).
func TestDeniedRowsAreDecidedAsCanDecidesThem(t *testing.T) {
	e := demoEngine(t)
	dana := demoPrincipal(t, e, demoDana)
	found := false
	for _, d := range e.DeniedInService(dana, "iam", nil, Discovery) {
		r, err := e.Can(dana, d.Action, d.Resource, nil, Options{Mode: Discovery, Explain: true})
		if err != nil {
			t.Fatal(err)
		}
		if r.Decision != d.Decision {
			t.Errorf("%s on %s: row %v, can %v", d.Action, d.Resource, d.Decision, r.Decision)
		}
		if d.Action == "iam:ChangePassword" {
			found = true
			if !strings.Contains(r.Explanation.Reason, "permission boundary") {
				t.Errorf("iam:ChangePassword on %s: %s; want the permission boundary", d.Resource, r.Explanation.Reason)
			}
		}
	}
	if !found {
		t.Error("iam:ChangePassword is not among Dana's denied iam actions")
	}
}

// agreeContext is a request context the agreement test decides in.
type agreeContext struct {
	keys map[string]string
	mode Mode
}

var agreeContexts = []agreeContext{
	{nil, Discovery},
	{nil, Strict},
	{map[string]string{"aws:MultiFactorAuthPresent": "true"}, Discovery},
	{map[string]string{"aws:SecureTransport": "false"}, Strict},
	{map[string]string{"aws:MultiFactorAuthPresent": "true", "aws:SecureTransport": "true", "aws:RequestedRegion": "us-east-1"}, Strict},
	{map[string]string{"aws:SourceIp": "203.0.113.7", "aws:RequestedRegion": "eu-west-1"}, Discovery},
}

// agreementEngines returns the demo and a small generated account, compiled.
func agreementEngines(t *testing.T) []*Engine {
	dir := t.TempDir()
	path := filepath.Join(dir, "synth.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.Generate(f, synth.Options{Roles: 40, Users: 30, Policies: 60, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	generated, err := loader.LoadFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, acct := range generated {
		governGenerated(t, acct)
	}
	return []*Engine{demoEngine(t), NewEngine(generated...)}
}

// governGenerated gives a generated account what the generator does not: an organization with
// a region guard SCP and an RCP that refuses plain HTTP to S3, policies on some of the buckets
// its identity policies name (a deny of plain HTTP, a grant to one user), and key policies that
// let IAM policies grant, with MFA, on the keys they name.
func governGenerated(t *testing.T, a *model.Account) {
	t.Helper()
	buckets, keys := map[string]bool{}, map[string]bool{}
	look := func(p *model.Policy) {
		if p == nil {
			return
		}
		for _, st := range p.Statements {
			for _, r := range st.Resources {
				if b, ok := strings.CutPrefix(r, "arn:aws:s3:::"); ok && !strings.ContainsAny(b, "*?$") {
					b, _, _ = strings.Cut(b, "/")
					buckets[b] = true
				}
				if strings.HasPrefix(r, "arn:aws:kms:") && !strings.ContainsAny(r, "*?$") {
					keys[r] = true
				}
			}
		}
	}
	for _, mp := range a.Policies {
		look(mp.Default())
	}
	for _, u := range a.Users {
		for _, ip := range u.InlinePolicies {
			look(ip.Document)
		}
	}
	for _, r := range a.Roles {
		for _, ip := range r.InlinePolicies {
			look(ip.Document)
		}
	}
	if len(a.Users) == 0 || len(buckets) == 0 || len(keys) == 0 {
		t.Fatalf("account %s: %d users, %d buckets, %d keys: nothing to govern", a.ID, len(a.Users), len(buckets), len(keys))
	}
	grantee := a.Users[0].ARN
	for i, b := range slices.Sorted(maps.Keys(buckets)) {
		if i%2 == 1 {
			continue
		}
		a.ResourcePolicies = append(a.ResourcePolicies, &model.ResourcePolicy{ResourceARN: "arn:aws:s3:::" + b, Service: "s3",
			Document: mustParse(t, `{"Version":"2012-10-17","Statement":[
				{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::`+b+`","arn:aws:s3:::`+b+`/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},
				{"Effect":"Allow","Principal":{"AWS":"`+grantee+`"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::`+b+`/*"}]}`)})
	}
	for k := range keys {
		a.ResourcePolicies = append(a.ResourcePolicies, &model.ResourcePolicy{ResourceARN: k, Service: "kms",
			Document: mustParse(t, `{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+a.ID+`:root"},"Action":"kms:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`)})
	}
	a.Organization = &model.Organization{ID: "o-agree", Levels: []model.OrgLevel{{ID: "r-agree", Name: "root",
		SCPs: []model.OrgPolicy{
			{ID: "p-full", Name: "FullAWSAccess", Document: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)},
			{ID: "p-region", Name: "RegionGuard", Document: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["iam:*","sts:*","s3:ListAllMyBuckets"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","us-east-1"]}}}]}`)},
		},
		RCPs: []model.OrgPolicy{
			{ID: "p-tls", Name: "RequireTLS", Document: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}]}`)},
		}}}}
	a.Index()
}

// Every (action, resource) that what-can lists for a principal gets the same decision and the
// same open conditions from can, in the same context and mode: a random sample over the demo
// and a generated account (given an organization, bucket and key policies), with a fixed
// seed. IAMSCOPE_AGREE_SAMPLES sets the sample's size
// (default 1,500).
func TestWhatCanAgreesWithCan(t *testing.T) {
	want := 1500
	if s := os.Getenv("IAMSCOPE_AGREE_SAMPLES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("IAMSCOPE_AGREE_SAMPLES=%q: want a positive number", s)
		}
		want = n
	}
	rng := rand.New(rand.NewPCG(12, 2026))
	engines := agreementEngines(t)
	type combo struct {
		e     *Engine
		p     *Principal
		c     int
		pairs [][2]string // (action, resource) not checked yet
		conds []string
	}
	var combos []*combo
	for _, e := range engines {
		for _, p := range e.Principals() {
			for c := range agreeContexts {
				combos = append(combos, &combo{e: e, p: p, c: c})
			}
		}
	}
	rng.Shuffle(len(combos), func(i, j int) { combos[i], combos[j] = combos[j], combos[i] })
	checked, failures := 0, 0
	for round := 0; checked < want && len(combos) > 0; round++ {
		k := combos[round%len(combos)]
		ac := agreeContexts[k.c]
		extra := NewContext()
		for key, v := range ac.keys {
			extra.Set(key, v)
		}
		if k.pairs == nil {
			for _, a := range k.e.WhatCan(k.p, extra, ac.mode) {
				for _, r := range a.Resources {
					k.pairs = append(k.pairs, [2]string{a.Action, r.Resource})
					k.conds = append(k.conds, condText(r.Condition))
				}
			}
			if len(k.pairs) == 0 {
				combos = append(combos[:round%len(combos)], combos[round%len(combos)+1:]...)
				continue
			}
			rng.Shuffle(len(k.pairs), func(i, j int) {
				k.pairs[i], k.pairs[j] = k.pairs[j], k.pairs[i]
				k.conds[i], k.conds[j] = k.conds[j], k.conds[i]
			})
		}
		for range min(25, len(k.pairs), want-checked) {
			pair, cond := k.pairs[0], k.conds[0]
			k.pairs, k.conds = k.pairs[1:], k.conds[1:]
			checked++
			r, err := k.e.Can(k.p, pair[0], pair[1], extra, Options{Mode: ac.mode})
			switch {
			case err != nil:
				t.Errorf("%s %s %s %v: %v", k.p.ARN, pair[0], pair[1], ac.keys, err)
			case r.Decision != Allowed:
				t.Errorf("%s %s on %s (context %v, mode %v): what-can lists it, can says %v", k.p.ARN, pair[0], pair[1], ac.keys, ac.mode, r.Decision)
			case condText(r.Condition) != cond:
				t.Errorf("%s %s on %s (context %v, mode %v): what-can if %q, can if %q", k.p.ARN, pair[0], pair[1], ac.keys, ac.mode, cond, condText(r.Condition))
			default:
				continue
			}
			if failures++; failures > 20 {
				t.Fatal("too many disagreements")
			}
		}
		if len(k.pairs) == 0 {
			i := round % len(combos)
			combos = append(combos[:i], combos[i+1:]...)
		}
	}
	t.Logf("checked %d (action, resource) pairs that what-can lists against can", checked)
	if checked < want && testing.Verbose() {
		t.Logf("every listed pair was checked before the sample's %d", want)
	}
}

// A managed policy the source gave no name is explained by the name its ARN ends with, not as
// identity policy "" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns).
func TestExplanationNamesAPolicyWithoutName(t *testing.T) {
	doc, err := model.ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	const arn = "arn:aws:iam::123456789012:policy/team/ListBuckets"
	a := &model.Account{ID: "123456789012",
		Users:    []*model.User{{ARN: "arn:aws:iam::123456789012:user/u", Name: "u", Path: "/", AttachedPolicies: []string{arn}}},
		Policies: []*model.ManagedPolicy{{ARN: arn, DefaultVersion: "v1", Versions: []model.PolicyVersion{{ID: "v1", IsDefault: true, Document: doc}}}}}
	e := NewEngine(a)
	u, _ := e.Principal("arn:aws:iam::123456789012:user/u")
	r, err := e.Can(u, "s3:ListAllMyBuckets", "*", nil, Options{Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Explanation.Reason, `identity policy "ListBuckets"`) {
		t.Errorf("reason %q, want the policy named ListBuckets", r.Explanation.Reason)
	}
}

// Paths decide their steps and hops in the request's context and mode: with MFA given, Omar's
// role chain no longer hangs on aws:MultiFactorAuthPresent; with the region given, Dana's steps
// no longer hang on aws:RequestedRegion
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
func TestPathsAreDecidedInTheRequestContext(t *testing.T) {
	e := demoEngine(t)
	for _, c := range []struct {
		who, key, value string
	}{
		{demoOmar, "aws:MultiFactorAuthPresent", "true"},
		{demoDana, "aws:RequestedRegion", "eu-west-1"},
	} {
		p := demoPrincipal(t, e, c.who)
		mentions := func(escs []Escalation) bool {
			for _, esc := range escs {
				for _, h := range esc.Via {
					if strings.Contains(condText(h.Condition), c.key) {
						return true
					}
				}
				for _, s := range esc.Steps {
					if strings.Contains(condText(s.Condition), c.key) {
						return true
					}
				}
			}
			return false
		}
		if !mentions(e.Paths(p)) {
			t.Fatalf("%s: without context no path hangs on %s; the test shows nothing", c.who, c.key)
		}
		extra := NewContext()
		extra.Set(c.key, c.value)
		if escs := e.PathsIn(p, extra, Discovery); len(escs) == 0 || mentions(escs) {
			t.Errorf("%s with %s=%s: %d paths, still hanging on %s", c.who, c.key, c.value, len(escs), c.key)
		}
	}
}

// Every step of every path agrees with can asked in the step's context (the request's, with
// the step's own keys over it): the same decision and the same open conditions.
func TestPathStepsAgreeWithCan(t *testing.T) {
	e := demoEngine(t)
	steps := 0
	for _, ac := range agreeContexts {
		extra := NewContext()
		for k, v := range ac.keys {
			extra.Set(k, v)
		}
		for i, escs := range e.AllPathsIn(extra, ac.mode) {
			p := e.Principals()[i]
			for _, esc := range escs {
				if esc.Actor == nil {
					t.Fatalf("%s %s: no actor", p.ARN, esc.Path.ID)
				}
				for _, s := range esc.Steps {
					if esc.Path.ID == "sts-001" {
						continue // the hop of a chain, decided by RoleChains
					}
					steps++
					ctx := extra
					if s.Context != nil {
						ctx = s.Context.Over(extra)
					}
					r, err := e.Can(esc.Actor, s.Action, s.Resource, ctx, Options{Mode: ac.mode})
					if err != nil || r.Decision != Allowed || condText(r.Condition) != condText(s.Condition) {
						t.Errorf("%s %s step %s on %s (context %v): step if %q; can %v", esc.Actor.ARN, esc.Path.ID, s.Action, s.Resource, ac.keys, condText(s.Condition), r)
					}
				}
			}
		}
	}
	if steps == 0 {
		t.Fatal("no step checked")
	}
}

// loginAccount has a helpdesk user who may set and create any user's console password, and an
// administrator whose login profile is in the state given.
func loginAccount(t *testing.T, lp model.LoginProfile) *Engine {
	t.Helper()
	const acct = "123456789012"
	a := &model.Account{ID: acct, Users: []*model.User{
		{ARN: "arn:aws:iam::" + acct + ":user/helpdesk", Name: "helpdesk", Path: "/", InlinePolicies: []model.InlinePolicy{{Name: "passwords",
			Document: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:UpdateLoginProfile","iam:CreateLoginProfile"],"Resource":"*"}]}`)}}},
		{ARN: "arn:aws:iam::" + acct + ":user/admin", Name: "admin", Path: "/", LoginProfile: lp, InlinePolicies: []model.InlinePolicy{{Name: "all",
			Document: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}}},
	}}
	a.Index()
	return NewEngine(a)
}

// iam:UpdateLoginProfile changes a console password that exists (NoSuchEntity otherwise), and
// iam:CreateLoginProfile gives one to a user that has none (EntityAlreadyExists otherwise)
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateLoginProfile.html,
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html). A path
// works now only when the source says the login profile is as it needs; when it does not say
// (a dump), the path says what it needs.
func TestLoginProfilePathsNeedTheProfile(t *testing.T) {
	type state struct {
		found       bool
		exploitable bool
	}
	for _, c := range []struct {
		lp             model.LoginProfile
		update, create state
	}{
		{model.LoginProfileUnknown, state{true, false}, state{true, false}},
		{model.LoginProfilePresent, state{true, true}, state{false, false}},
		{model.LoginProfileAbsent, state{false, false}, state{true, true}},
	} {
		e := loginAccount(t, c.lp)
		hd, _ := e.Principal("arn:aws:iam::123456789012:user/helpdesk")
		got := map[string]state{}
		for _, esc := range e.Paths(hd) {
			for _, s := range esc.Steps {
				got[strings.ToLower(s.Action)] = state{true, esc.Exploitable}
				if !esc.Exploitable && !strings.Contains(esc.Needs, "console password") {
					t.Errorf("login profile %q, %s: needs %q", c.lp, esc.Path.ID, esc.Needs)
				}
			}
		}
		if got["iam:updateloginprofile"] != c.update {
			t.Errorf("login profile %q: UpdateLoginProfile path %+v, want %+v", c.lp, got["iam:updateloginprofile"], c.update)
		}
		if got["iam:createloginprofile"] != c.create {
			t.Errorf("login profile %q: CreateLoginProfile path %+v, want %+v", c.lp, got["iam:createloginprofile"], c.create)
		}
	}
}

// A Lambda function runs with its execution role, and whoever may update its code runs code
// as that role (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html).
// When the load knows a function that runs with the target role, the existing-passrole path
// names it and works now; when it knows none, the path says what it needs.
func TestExistingFunctionPathsNameTheFunction(t *testing.T) {
	const acct = "123456789012"
	const fn = "arn:aws:lambda:eu-west-1:" + acct + ":function:nightly"
	const role = "arn:aws:iam::" + acct + ":role/nightly-admin"
	build := func(functions []*model.Function) *Engine {
		a := &model.Account{ID: acct, Functions: functions,
			Users: []*model.User{{ARN: "arn:aws:iam::" + acct + ":user/dev", Name: "dev", Path: "/", InlinePolicies: []model.InlinePolicy{{Name: "lambda",
				Document: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:UpdateFunctionCode","lambda:InvokeFunction"],"Resource":"*"}]}`)}}}},
			Roles: []*model.Role{{ARN: role, Name: "nightly-admin", Path: "/",
				TrustPolicy:    mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
				InlinePolicies: []model.InlinePolicy{{Name: "all", Document: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}}}},
		}
		a.Index()
		return NewEngine(a)
	}
	for _, c := range []struct {
		functions   []*model.Function
		exploitable bool
		resource    string
	}{
		{nil, false, "*"},
		{[]*model.Function{{ARN: fn, Name: "nightly", Role: role}}, true, fn},
		{[]*model.Function{{ARN: fn, Name: "nightly", Role: "arn:aws:iam::" + acct + ":role/other"}}, false, "*"},
	} {
		e := build(c.functions)
		dev, _ := e.Principal("arn:aws:iam::" + acct + ":user/dev")
		found := 0
		for _, esc := range e.Paths(dev) {
			if esc.Path.ID != "lambda-003" && esc.Path.ID != "lambda-004" {
				continue
			}
			found++
			if esc.Exploitable != c.exploitable || esc.Target != role {
				t.Errorf("functions %v, %s: exploitable %v to %s (needs %q), want %v", c.functions, esc.Path.ID, esc.Exploitable, esc.Target, esc.Needs, c.exploitable)
			}
			for _, s := range esc.Steps {
				if s.Resource != c.resource {
					t.Errorf("functions %v, %s: %s on %s, want on %s", c.functions, esc.Path.ID, s.Action, s.Resource, c.resource)
				}
			}
		}
		if found != 2 {
			t.Errorf("functions %v: %d of lambda-003 and lambda-004", c.functions, found)
		}
	}
}

// When a path's most powerful target needs a resource the load does not know, the targets that
// work now are reported too: a known function running with a lesser role is a real path
// (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html).
func TestPathReportsTheTargetsThatWorkNow(t *testing.T) {
	const acct = "123456789012"
	const fn = "arn:aws:lambda:eu-west-1:" + acct + ":function:reports"
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	role := func(name, doc string) *model.Role {
		return &model.Role{ARN: "arn:aws:iam::" + acct + ":role/" + name, Name: name, Path: "/", TrustPolicy: mustParse(t, trust),
			InlinePolicies: []model.InlinePolicy{{Name: "p", Document: mustParse(t, doc)}}}
	}
	a := &model.Account{ID: acct, Functions: []*model.Function{{ARN: fn, Name: "reports", Role: "arn:aws:iam::" + acct + ":role/reports"}},
		Users: []*model.User{{ARN: "arn:aws:iam::" + acct + ":user/dev", Name: "dev", Path: "/", InlinePolicies: []model.InlinePolicy{{Name: "lambda",
			Document: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:UpdateFunctionCode","Resource":"*"}]}`)}}}},
		Roles: []*model.Role{
			role("admin", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`),
			role("reports", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`),
		}}
	a.Index()
	e := NewEngine(a)
	dev, _ := e.Principal("arn:aws:iam::" + acct + ":user/dev")
	got := map[string]bool{}
	for _, esc := range e.Paths(dev) {
		if esc.Path.ID == "lambda-003" {
			got[esc.Target] = esc.Exploitable
		}
	}
	want := map[string]bool{"arn:aws:iam::" + acct + ":role/admin": false, "arn:aws:iam::" + acct + ":role/reports": true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lambda-003 targets (exploitable) %v, want %v", got, want)
	}
}

// Every denied row of the demo's access trees (DeniedInService) gets the same decision from
// can on the resource it names, and no action is both listed and denied.
func TestDeniedRowsAgreeWithCan(t *testing.T) {
	e := demoEngine(t)
	rows := 0
	for _, ac := range []agreeContext{agreeContexts[0], agreeContexts[3]} {
		extra := NewContext()
		for k, v := range ac.keys {
			extra.Set(k, v)
		}
		for _, p := range e.Principals() {
			if e.IsAdmin(p) {
				continue // every action of every service: the what-can sample covers them
			}
			for _, svc := range e.AccessServices(p) {
				listedHere := map[string]bool{}
				for _, a := range e.WhatCanService(p, svc.Prefix, extra, ac.mode) {
					listedHere[a.Action] = true
				}
				for _, d := range e.DeniedInService(p, svc.Prefix, extra, ac.mode) {
					rows++
					if listedHere[d.Action] {
						t.Errorf("%s %s: both listed and denied (context %v)", p.ARN, d.Action, ac.keys)
					}
					r, err := e.Can(p, d.Action, d.Resource, extra, Options{Mode: ac.mode})
					if err != nil || r.Decision != d.Decision {
						t.Errorf("%s %s on %s (context %v, mode %v): row %v, can %v", p.ARN, d.Action, d.Resource, ac.keys, ac.mode, d.Decision, r)
					}
				}
			}
		}
	}
	if rows == 0 {
		t.Fatal("no denied row checked")
	}
	t.Logf("%d denied rows agree with can", rows)
}

// A resource pattern whose region is a wildcard stands for every region: aws:RequestedRegion
// is the region the request is sent to
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requestedregion),
// not "*". Kenji's team instances in any region are his where the RegionGuard SCP allows.
func TestWildcardRegionLeavesTheRegionOpen(t *testing.T) {
	e := demoEngine(t)
	kenji := demoPrincipal(t, e, "arn:aws:iam::210987654321:user/staff/kenji.sato")
	const instances = "arn:aws:ec2:*:210987654321:instance/*"
	r, ok := listed(e.WhatCan(kenji, nil, Discovery), "ec2:StartInstances", instances)
	if !ok || !strings.Contains(condText(r.Condition), "aws:RequestedRegion") {
		t.Fatalf("ec2:StartInstances on %s: listed %v, if %q; want it, hanging on aws:RequestedRegion", instances, ok, condText(r.Condition))
	}
	extra := NewContext()
	extra.Set("aws:RequestedRegion", "eu-west-1")
	can, err := e.Can(kenji, "ec2:StartInstances", instances, extra, Options{Mode: Discovery})
	if err != nil || can.Decision != Allowed || strings.Contains(condText(can.Condition), "aws:RequestedRegion") {
		t.Errorf("in eu-west-1: %v", can)
	}
}
