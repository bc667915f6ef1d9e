package eval

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/internal/synth"
	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/model"
)

// accessDigest writes every field of a what-can answer, the open conditions with the policy,
// statement and Sid each comes from (an answer shared between principals must not name
// another's policy).
func accessDigest(acc []Access) string {
	var b strings.Builder
	for _, a := range acc {
		fmt.Fprintf(&b, "%s %s %s via %d\n", a.Action, a.Service, a.Level, len(a.Via))
		for _, r := range a.Resources {
			fmt.Fprintf(&b, "  %s known=%v except=%q", r.Resource, r.Known, r.Except)
			if r.Condition != nil {
				fmt.Fprintf(&b, " if %s", r.Condition)
				for _, c := range r.Condition.Conditions() {
					fmt.Fprintf(&b, " [%s %s %d %s]", c.PolicyType, c.Policy, c.Statement, c.Sid)
				}
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// shareAccounts are the accounts the sharing tests ask every principal of: the demo, small
// generated accounts of each trust shape, and one built to tell alike principals apart.
func shareAccounts(t *testing.T) map[string][]*model.Account {
	t.Helper()
	out := map[string][]*model.Account{}
	var err error
	if out["demo"], err = demo.Accounts(); err != nil {
		t.Fatal(err)
	}
	for _, o := range []synth.Options{
		{Roles: 300, Users: 60, Policies: 120, Seed: 7},
		{Roles: 300, Users: 60, Policies: 120, Seed: 7, Shape: synth.Dense},
		{Roles: 60, Users: 1, Seed: 7, Shape: synth.RootTrust},
	} {
		shape := string(o.Shape)
		if shape == "" {
			shape = "sparse"
		}
		if out[shape+"-synth"], err = synth.Load(o); err != nil {
			t.Fatal(err)
		}
	}
	out["alike"] = alikeAccount(t)
	return out
}

// alikeAccount holds roles whose identity policies are the same text under different names,
// one of them named by a queue's policy, tagged differently where a policy reads the tag, and
// with conditions that carry their policy's name.
func alikeAccount(t *testing.T) []*model.Account {
	t.Helper()
	const acct = "123456789012"
	pol := func(doc string) *model.Policy { return mustPolicy(t, doc) }
	trust := pol(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`)
	plain := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","sqs:SendMessage"],"Resource":"*"}]}`
	conditional := `{"Version":"2012-10-17","Statement":[{"Sid":"MFA","Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
	tagged := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:123456789012:team-${aws:PrincipalTag/team}"}]}`
	a := &model.Account{ID: acct}
	for i, team := range []string{"red", "red", "blue", "red"} {
		name := fmt.Sprintf("role-%d", i)
		a.Roles = append(a.Roles, &model.Role{
			ARN: "arn:aws:iam::" + acct + ":role/" + name, Name: name, Path: "/", ID: fmt.Sprintf("AROA%d", i),
			TrustPolicy: trust, Tags: []model.Tag{{Key: "team", Value: team}},
			InlinePolicies: []model.InlinePolicy{
				{Name: "plain-" + name, Document: pol(plain)},
				{Name: "mfa-" + name, Document: pol(conditional)},
				{Name: "tagged", Document: pol(tagged)},
			},
		})
	}
	// role-3 is named by the queue's policy, which denies it what its identity allows.
	a.ResourcePolicies = append(a.ResourcePolicies, &model.ResourcePolicy{ResourceARN: "arn:aws:sqs:us-east-1:123456789012:jobs", Service: "sqs", Document: pol(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:role/role-3"},"Action":"sqs:*","Resource":"arn:aws:sqs:us-east-1:123456789012:jobs"}]}`)})
	return []*model.Account{a}
}

// TestWhatCanSharedAlikeStandsAlone checks that sharing the answers of alike principals
// changes no answer: every principal's what-can on an engine that answered every other first
// is, field by field, the answer of a new engine asked about it alone (every principal of the
// demo and the alike account, every eighth of the generated ones). It fails if the class of
// alike principals merged two that a policy tells apart (a queue's policy naming one, a tag a
// policy reads, a policy's name carried by an open condition).
func TestWhatCanSharedAlikeStandsAlone(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, accts := range shareAccounts(t) {
		t.Run(name, func(t *testing.T) {
			warm := NewEngine(accts...)
			warm.Now = func() time.Time { return at }
			for _, p := range warm.Principals() {
				warm.WhatCan(p, nil, Discovery)
			}
			for i, p := range warm.Principals() {
				if strings.HasSuffix(name, "synth") && i%8 != 0 {
					continue
				}
				alone := NewEngine(accts...)
				alone.Now = func() time.Time { return at }
				q, _ := alone.Principal(p.ARN)
				want := accessDigest(alone.WhatCan(q, nil, Discovery))
				if got := accessDigest(warm.WhatCan(p, nil, Discovery)); got != want {
					t.Errorf("%s: shared answer differs from its own\nshared:\n%s\nown:\n%s", p.ARN, got, want)
				}
			}
		})
	}
}

// TestWhatCanAlikeAccountAnswers checks the alike account's answers themselves: role-3 loses
// the queue whose policy denies it, the team tag picks each role's topic, and each role's
// open condition names its own policy.
func TestWhatCanAlikeAccountAnswers(t *testing.T) {
	e := NewEngine(alikeAccount(t)...)
	answer := func(role string) map[string]string {
		p, ok := e.Principal("arn:aws:iam::123456789012:role/" + role)
		if !ok {
			t.Fatalf("%s missing", role)
		}
		return accessSummary(e.WhatCan(p, nil, Discovery))
	}
	r0, r2, r3 := answer("role-0"), answer("role-2"), answer("role-3")
	if r0["sns:Publish"] != "arn:aws:sns:us-east-1:123456789012:team-red" || r2["sns:Publish"] != "arn:aws:sns:us-east-1:123456789012:team-blue" {
		t.Errorf("team topics: role-0 %q, role-2 %q", r0["sns:Publish"], r2["sns:Publish"])
	}
	if !strings.Contains(r3["sqs:SendMessage"], "jobs (its own policy keeps it out)") || r0["sqs:SendMessage"] != "*" {
		t.Errorf("the queue policy's deny of role-3: role-3 %q, role-0 %q", r3["sqs:SendMessage"], r0["sqs:SendMessage"])
	}
	for _, role := range []string{"role-0", "role-1"} {
		p, _ := e.Principal("arn:aws:iam::123456789012:role/" + role)
		if got := accessSummary(e.WhatCan(p, nil, Discovery))["dynamodb:GetItem"]; got != "* if Bool aws:MultiFactorAuthPresent [true]" {
			t.Errorf("%s dynamodb:GetItem: %q", role, got)
		}
		for _, a := range e.WhatCan(p, nil, Discovery) {
			for _, r := range a.Resources {
				if r.Condition == nil {
					continue
				}
				for _, c := range r.Condition.Conditions() {
					if c.Policy != "mfa-"+role && !strings.HasSuffix(c.Policy, ": mfa-"+role) {
						t.Errorf("%s %s: the condition names policy %q", role, a.Action, c.Policy)
					}
				}
			}
		}
	}
}

// TestWhatCanCountsAgree checks that WhatCanCounts counts, service by service, what WhatCan
// lists, for every principal of the sharing accounts, each on its own engine so that neither
// answer reuses the other's.
func TestWhatCanCountsAgree(t *testing.T) {
	for name, accts := range shareAccounts(t) {
		t.Run(name, func(t *testing.T) {
			listing, counting := NewEngine(accts...), NewEngine(accts...)
			for _, p := range listing.Principals() {
				var want []ServiceCount
				for _, a := range listing.WhatCan(p, nil, Discovery) {
					if n := len(want); n > 0 && want[n-1].Service == a.Service {
						want[n-1].Actions++
					} else {
						want = append(want, ServiceCount{Service: a.Service, Actions: 1})
					}
				}
				q, _ := counting.Principal(p.ARN)
				if got := counting.WhatCanCounts(q, nil, Discovery); !slices.Equal(got, want) {
					t.Errorf("%s: counted %v, listed %v", p.ARN, got, want)
				}
			}
		})
	}
}

// TestWhatCanTagSessionNeedsAnAllow checks the sts actions other than sts:AssumeRole on roles
// whose trust names the account only: such a trust delegates to the caller's identity
// policies, so a user none of whose statements allows sts:TagSession cannot tag a session of
// the role, while a user the trust names itself can without any, even outside its permission
// boundary (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required).
func TestWhatCanTagSessionNeedsAnAllow(t *testing.T) {
	const acct = "123456789012"
	pol := func(doc string) *model.Policy { return mustPolicy(t, doc) }
	a := &model.Account{ID: acct}
	a.Policies = []*model.ManagedPolicy{managed(t, "arn:aws:iam::123456789012:policy/assume-only",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)}
	for _, name := range []string{"plain", "named", "allowed", "bounded"} {
		u := &model.User{ARN: "arn:aws:iam::" + acct + ":user/" + name, Name: name, Path: "/", ID: "AIDA" + name}
		switch name {
		case "allowed":
			u.InlinePolicies = []model.InlinePolicy{{Name: "tag", Document: pol(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:TagSession","Resource":"arn:aws:iam::123456789012:role/by-account"}]}`)}}
		case "bounded":
			u.InlinePolicies = []model.InlinePolicy{{Name: "sts", Document: pol(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"}]}`)}}
			u.Boundary = "arn:aws:iam::123456789012:policy/assume-only"
		}
		a.Users = append(a.Users, u)
	}
	a.Roles = append(a.Roles,
		&model.Role{ARN: "arn:aws:iam::" + acct + ":role/by-account", Name: "by-account", Path: "/", ID: "AROA1",
			TrustPolicy: pol(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`)},
		&model.Role{ARN: "arn:aws:iam::" + acct + ":role/by-name", Name: "by-name", Path: "/", ID: "AROA2",
			TrustPolicy: pol(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:user/named","arn:aws:iam::123456789012:user/bounded"]},"Action":["sts:AssumeRole","sts:TagSession"]}]}`)})
	e := NewEngine(a)
	tags := func(user string) string {
		p, _ := e.Principal("arn:aws:iam::" + acct + ":user/" + user)
		return accessSummary(e.WhatCan(p, nil, Discovery))["sts:TagSession"]
	}
	if got := tags("plain"); got != "" {
		t.Errorf("plain user tags sessions of %q", got)
	}
	if got := tags("named"); got != "known arn:aws:iam::123456789012:role/by-name" {
		t.Errorf("the user the trust names: %q", got)
	}
	if got := tags("allowed"); !strings.Contains(got, "arn:aws:iam::123456789012:role/by-account") {
		t.Errorf("the user its policy allows: %q", got)
	}
	// Its boundary keeps the bounded user from tagging a session of the role that trusts its
	// account, not of the one whose trust names it.
	if got := tags("bounded"); got != "known arn:aws:iam::123456789012:role/by-name" {
		t.Errorf("the bounded user: %q", got)
	}
}

// TestWholeServiceAsEqualFold: wholeService answers as strings.EqualFold(a, service+":*"),
// Unicode case folding included (the Kelvin sign folds to k).
func TestWholeServiceAsEqualFold(t *testing.T) {
	for _, a := range []string{"s3:*", "S3:*", "s3:Get*", "s3*", "s3:**", "kms:*", "\u212Ams:*", "\u212Ams:Get", "ec2:*", "", "*", ":*"} {
		for _, service := range []string{"s3", "kms", "ec2", ""} {
			if got, want := wholeService(a, service), strings.EqualFold(a, service+":*"); got != want {
				t.Errorf("wholeService(%q, %q) = %v, want %v", a, service, got, want)
			}
		}
	}
}

// TestCoversWholeServiceAsEqualFold: a statement covers a service whole when one of its
// patterns is `*` or equals service+":*" under strings.EqualFold, whatever the case and
// however the patterns are mixed (the Kelvin sign folds to k; the long S to s).
func TestCoversWholeServiceAsEqualFold(t *testing.T) {
	lists := [][]string{{"s3:*"}, {"S3:*", "kms:Get*"}, {"s3:Get*", "s3*"}, {"*"}, {"ec2:Run*", "*"},
		{"\u212Ams:*"}, {"\u212Ams:Get"}, {"\u017F3:*"}, {"a:b:*"}, {":*"}, {}, {"EC2:*", "iam:PassRole"}}
	for _, actions := range lists {
		s := &statement{src: &model.Statement{Actions: actions}}
		for _, service := range []string{"s3", "kms", "ec2", "a:b", "", "\u212Ams"} {
			want := slices.ContainsFunc(actions, func(a string) bool { return a == "*" || strings.EqualFold(a, service+":*") })
			if got := s.coversWholeService(service); got != want {
				t.Errorf("coversWholeService(%q) of %q = %v, want %v", service, actions, got, want)
			}
		}
	}
}

// TestSTSSharedAgreesWithOwn checks the sts answers alike principals share (stsAnswer): for
// every principal, the shared answer with itself left out (withoutSelf), and its count, are
// the answer serviceAccess decides for that principal alone, field by field; asked in both
// orders, so that each class is decided on another member first. It fails if a member's own
// ARN is left in, if a role it may take on is lost with it, or if two principals a trust or a
// policy tells apart share. The root-trust account must share (every role trusts the root and
// may take on any): otherwise the test would compare nothing.
func TestSTSSharedAgreesWithOwn(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	accounts := shareAccounts(t)
	accounts["self-named"] = selfNamedAccount(t)
	for name, accts := range accounts {
		for _, reverse := range []bool{false, true} {
			e := NewEngine(accts...)
			e.Now = func() time.Time { return at }
			sts := e.shareIx().serviceIndex["sts"]
			svc := catalog.Services()[sts]
			ps := slices.Clone(e.Principals())
			if reverse {
				slices.Reverse(ps)
			}
			sharing := 0
			for _, p := range ps {
				base := func() *Context { return e.DeriveContext(p, "", nil) }
				own, n := e.serviceAccess(p, svc, base, nil, Options{Mode: Discovery}, false)
				_, counted := e.serviceAccess(p, svc, base, nil, Options{Mode: Discovery}, true)
				acc, m, shared := e.stsAnswer(p, nil, Discovery, sts, base, false)
				_, mc, _ := e.stsAnswer(p, nil, Discovery, sts, base, true)
				if shared {
					sharing++
					acc = withoutSelf(acc, p.ARN)
				}
				if got, want := accessDigest(acc), accessDigest(own); got != want || m != n || mc != counted {
					t.Errorf("%s %s (shared %v): %d actions (counted %d), want %d (counted %d)\nshared:\n%s\nown:\n%s", name, p.ARN, shared, m, mc, n, counted, got, want)
				}
			}
			if name == "root-trust-synth" && sharing < len(ps)/2 {
				t.Errorf("root-trust: %d of %d principals share their sts answer", sharing, len(ps))
			}
		}
	}
}

// selfNamedAccount holds roles that all trust the account root, one of whose policies names
// its own ARN as an sts:AssumeRole resource and one of whose policies reads its own ARN as a
// variable: neither may share (its own ARN is its own resource), the others may. Three more
// share a policy that denies taking on any role but team-a-*: team-a-1 may take on none (it
// would be itself), the two others only team-a-1.
func selfNamedAccount(t *testing.T) []*model.Account {
	t.Helper()
	const acct = "123456789012"
	pol := func(doc string) *model.Policy { return mustPolicy(t, doc) }
	trust := pol(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`)
	any := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession"],"Resource":"*"}]}`
	a := &model.Account{ID: acct}
	for i := range 4 {
		name := fmt.Sprintf("role-%d", i)
		arn := "arn:aws:iam::" + acct + ":role/" + name
		doc := any
		switch i {
		case 1:
			doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"` + arn + `"}]}`
		case 2:
			doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"${aws:PrincipalArn}"}]}`
		}
		a.Roles = append(a.Roles, &model.Role{ARN: arn, Name: name, Path: "/", ID: fmt.Sprintf("AROA%d", i), TrustPolicy: trust,
			InlinePolicies: []model.InlinePolicy{{Name: "p", Document: pol(doc)}}})
	}
	teamOnly := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"},
		{"Effect":"Deny","Action":"sts:AssumeRole","NotResource":"arn:aws:iam::123456789012:role/team-a-*"}]}`
	for i, name := range []string{"team-a-1", "other-1", "other-2"} {
		a.Roles = append(a.Roles, &model.Role{ARN: "arn:aws:iam::" + acct + ":role/" + name, Name: name, Path: "/", ID: fmt.Sprintf("AROB%d", i),
			TrustPolicy: trust, InlinePolicies: []model.InlinePolicy{{Name: "p", Document: pol(teamOnly)}}})
	}
	return []*model.Account{a}
}
