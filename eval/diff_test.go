package eval_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/synth"
	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/model"
)

// diffAccount is a small generated account, copied so that a test may change it, with what the
// mutations need on both sides: an administrator user and a Lambda role with administrator
// rights (targets of escalation), a user with no policy (who escalates), a user whose read is
// cut by a deny, a user under a permission boundary, a managed policy with two versions, a role
// trusted by EC2 only, and an organization whose root allows everything.
func diffAccount(t *testing.T) []*model.Account {
	t.Helper()
	accts := synthCopy(t, synth.Options{Roles: 24, Users: 12, Policies: 16, Seed: 5})
	a := accts[0]
	id := a.ID
	policy := func(name string, docs ...string) string {
		arn := "arn:aws:iam::" + id + ":policy/" + name
		mp := &model.ManagedPolicy{ARN: arn, Name: name, Path: "/", DefaultVersion: "v1"}
		for i, d := range docs {
			mp.Versions = append(mp.Versions, model.PolicyVersion{ID: fmt.Sprintf("v%d", i+1), IsDefault: i == 0, Document: parse(t, d)})
		}
		a.Policies = append(a.Policies, mp)
		return arn
	}
	admin := policy("diff-admin", allow("*", "*"))
	policy("diff-narrow", allow("s3:GetObject", "*"))
	policy("diff-wide", allow(`["s3:GetObject","s3:PutObject"]`, "*"))
	versioned := policy("diff-versioned", allow("s3:GetObject", "arn:aws:s3:::diff-bucket/*"), allow(`["s3:GetObject","s3:PutObject"]`, "arn:aws:s3:::diff-bucket/*"))
	user := func(name string, attached []string, boundary string, inline ...model.InlinePolicy) {
		a.Users = append(a.Users, &model.User{ARN: "arn:aws:iam::" + id + ":user/" + name, Name: name, Path: "/",
			ID: "AIDA" + strings.ToUpper(strings.ReplaceAll(name, "-", "")), AttachedPolicies: attached, Boundary: boundary, InlinePolicies: inline})
	}
	user("diff-root-admin", []string{admin}, "")
	user("diff-plain", nil, "")
	user("diff-escalator", nil, "")
	user("diff-reader", []string{versioned}, "",
		model.InlinePolicy{Name: "deny-secret", Document: parse(t, deny("s3:GetObject", "arn:aws:s3:::diff-bucket/secret/*"))})
	user("diff-bounded", nil, "arn:aws:iam::"+id+":policy/diff-narrow",
		model.InlinePolicy{Name: "s3-all", Document: parse(t, allow("s3:*", "*"))})
	role := func(name, service string, attached ...string) {
		a.Roles = append(a.Roles, &model.Role{ARN: "arn:aws:iam::" + id + ":role/" + name, Name: name, Path: "/",
			ID: "AROA" + strings.ToUpper(strings.ReplaceAll(name, "-", "")), AttachedPolicies: attached,
			TrustPolicy: parse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"`+service+`"},"Action":"sts:AssumeRole"}]}`)})
	}
	role("diff-lambda-admin", "lambda.amazonaws.com", admin)
	role("diff-vendor", "ec2.amazonaws.com")
	a.Organization = &model.Organization{ID: "o-diff", Levels: []model.OrgLevel{{ID: "r-diff", Name: "Root",
		SCPs: []model.OrgPolicy{{ID: "p-FullAWSAccess", Name: "FullAWSAccess", Document: parse(t, allow("*", "*"))}}}}}
	if w := a.Index(); len(w) > 0 {
		t.Fatalf("the test account does not index: %s", w[0])
	}
	return accts
}

// synthCopy returns a copy of the generated accounts the options describe, indexed, that a
// test may change.
func synthCopy(t *testing.T, opts synth.Options) []*model.Account {
	t.Helper()
	shared, err := synth.Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(shared)
	if err != nil {
		t.Fatal(err)
	}
	var accts []*model.Account
	if err := json.Unmarshal(raw, &accts); err != nil {
		t.Fatal(err)
	}
	for _, a := range accts {
		if w := a.Index(); len(w) > 0 {
			t.Fatalf("the generated account does not index: %s", w[0])
		}
	}
	return accts
}

func parse(t *testing.T, doc string) *model.Policy {
	t.Helper()
	p, err := model.ParsePolicy([]byte(doc))
	if err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	return p
}

// statementDoc writes a policy of one statement; action is a JSON string's text or a JSON array.
func statementDoc(effect, action, resource string) string {
	if !strings.HasPrefix(action, "[") {
		action = `"` + action + `"`
	}
	return `{"Version":"2012-10-17","Statement":[{"Effect":"` + effect + `","Action":` + action + `,"Resource":"` + resource + `"}]}`
}

func allow(action, resource string) string { return statementDoc("Allow", action, resource) }
func deny(action, resource string) string  { return statementDoc("Deny", action, resource) }

func findUser(t *testing.T, a *model.Account, name string) *model.User {
	t.Helper()
	for _, u := range a.Users {
		if u.Name == name {
			return u
		}
	}
	t.Fatalf("no user %s", name)
	return nil
}

func findRole(t *testing.T, a *model.Account, name string) *model.Role {
	t.Helper()
	for _, r := range a.Roles {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no role %s", name)
	return nil
}

// diffBoth diffs the two states incrementally and fully, and fails unless both answers agree.
func diffBoth(t *testing.T, before, after []*model.Account) *eval.AccountDiff {
	t.Helper()
	for _, a := range after {
		if w := a.Index(); len(w) > 0 {
			t.Fatalf("the changed account does not index: %s", w[0])
		}
	}
	inc := eval.Diff(eval.NewEngine(before...), eval.NewEngine(after...), eval.DiffOptions{Mode: eval.Discovery})
	full := eval.Diff(eval.NewEngine(before...), eval.NewEngine(after...), eval.DiffOptions{Mode: eval.Discovery, Full: true})
	if ji, jf := diffJSON(t, inc), diffJSON(t, full); ji != jf {
		t.Errorf("the incremental diff (%d principals decided) differs from the full one (%d):\nincremental %s\nfull        %s",
			inc.Recomputed, full.Recomputed, ji, jf)
	}
	return inc
}

// diffJSON writes a diff as JSON, leaving out how many principals it decided.
func diffJSON(t *testing.T, d *eval.AccountDiff) string {
	t.Helper()
	c := *d
	c.Recomputed = 0
	raw, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// TestDiffMutations changes a generated account in one way at a time and checks that the diff
// names exactly that change, attributes every difference to it, shows its effect, and that
// deciding only the principals the change touches gives the same answer as deciding everyone.
// The semantics weighed are AWS's: a managed policy's default version is the one in force
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html),
// an explicit deny wins and a boundary and SCPs cap identity policies
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html),
// a trust policy says who may assume a role
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html).
func TestDiffMutations(t *testing.T) {
	type check func(t *testing.T, d *eval.AccountDiff, a *model.Account)
	principal := func(t *testing.T, d *eval.AccountDiff, arn string) eval.PrincipalDiff {
		t.Helper()
		for _, p := range d.Principals {
			if p.ARN == arn {
				return p
			}
		}
		t.Fatalf("the diff does not list %s; it lists %d principal(s)", arn, len(d.Principals))
		return eval.PrincipalDiff{}
	}
	userARN := func(a *model.Account, name string) string { return "arn:aws:iam::" + a.ID + ":user/" + name }
	gainedAction := func(p eval.PrincipalDiff, action string) bool {
		for _, g := range p.Gained {
			if g.Action == action {
				return true
			}
		}
		return false
	}
	escalate := func(doc string, category catalog.EscalationCategory) (func(t *testing.T, a *model.Account), string, check) {
		return func(t *testing.T, a *model.Account) {
				u := findUser(t, a, "diff-escalator")
				u.InlinePolicies = append(u.InlinePolicies, model.InlinePolicy{Name: "escalate", Document: parse(t, doc)})
			}, eval.ChangeInlineAdded, func(t *testing.T, d *eval.AccountDiff, a *model.Account) {
				p := principal(t, d, userARN(a, "diff-escalator"))
				for _, o := range p.PathsOpened {
					if o.Category == category {
						return
					}
				}
				t.Errorf("no %s path opened for diff-escalator: %+v", category, p.PathsOpened)
			}
	}
	type mutation struct {
		name   string
		mutate func(t *testing.T, a *model.Account)
		kind   string
		check  check
	}
	var cases []mutation
	add := func(name string, m func(t *testing.T, a *model.Account), kind string, c check) {
		cases = append(cases, mutation{name, m, kind, c})
	}
	add("attach an admin policy", func(t *testing.T, a *model.Account) {
		u := findUser(t, a, "diff-plain")
		u.AttachedPolicies = append(u.AttachedPolicies, "arn:aws:iam::"+a.ID+":policy/diff-admin")
	}, eval.ChangeAttached, func(t *testing.T, d *eval.AccountDiff, a *model.Account) {
		if p := principal(t, d, userARN(a, "diff-plain")); p.Admin != "gained" {
			t.Errorf("diff-plain: admin %q, want gained", p.Admin)
		}
	})
	add("trust an outside account", func(t *testing.T, a *model.Account) {
		r := findRole(t, a, "diff-vendor")
		r.TrustPolicy = parse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},`+
			`{"Sid":"Vendor","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole"}]}`)
	}, eval.ChangeTrust, func(t *testing.T, d *eval.AccountDiff, a *model.Account) {
		want := []eval.OutsideChange{{Resource: "arn:aws:iam::" + a.ID + ":role/diff-vendor", Party: "999988887777", Kind: eval.GranteeAccount, Change: "admitted", Causes: []int{0}}}
		if fmt.Sprint(d.Outside) != fmt.Sprint(want) {
			t.Errorf("outside: %+v, want %+v", d.Outside, want)
		}
		if len(d.Principals) != 0 {
			t.Errorf("a trust to an outside account changes no loaded principal; the diff lists %+v", d.Principals)
		}
	})
	add("trust a user of the account", func(t *testing.T, a *model.Account) {
		r := findRole(t, a, "diff-vendor")
		r.TrustPolicy = parse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},`+
			`{"Effect":"Allow","Principal":{"AWS":"`+userARN(a, "diff-plain")+`"},"Action":"sts:AssumeRole"}]}`)
	}, eval.ChangeTrust, func(t *testing.T, d *eval.AccountDiff, a *model.Account) {
		p := principal(t, d, userARN(a, "diff-plain"))
		if len(p.HopsAdded) != 1 || p.HopsAdded[0].To != "arn:aws:iam::"+a.ID+":role/diff-vendor" || len(p.Gained) != 0 {
			t.Errorf("diff-plain: hops added %+v, gained %+v; want the hop to diff-vendor alone", p.HopsAdded, p.Gained)
		}
		if len(d.Outside) != 0 {
			t.Errorf("a trust to a user of the account admits no outside party; the diff lists %+v", d.Outside)
		}
	})
	m, k, c := escalate(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PutUserPolicy","Resource":"arn:aws:iam::*:user/diff-escalator"}]}`, catalog.SelfEscalation)
	add("open a self-escalation path", m, k, c)
	m, k, c = escalate(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::*:user/diff-root-admin"}]}`, catalog.PrincipalAccess)
	add("open a principal-access path", m, k, c)
	m, k, c = escalate(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/diff-lambda-admin"},`+
		`{"Effect":"Allow","Action":["lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"*"}]}`, catalog.NewPassRole)
	add("open a new-passrole path", m, k, c)
	m, k, c = escalate(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:UpdateFunctionCode","Resource":"*"}]}`, catalog.ExistingPassRole)
	add("open an existing-passrole path", m, k, c)
	add("remove a deny", func(t *testing.T, a *model.Account) {
		findUser(t, a, "diff-reader").InlinePolicies = nil
	}, eval.ChangeInlineRemoved, func(t *testing.T, d *eval.AccountDiff, a *model.Account) {
		p := principal(t, d, userARN(a, "diff-reader"))
		if len(p.Gained) != 1 || p.Gained[0].Action != "s3:GetObject" || len(p.Gained[0].Before.Except) != 1 || len(p.Gained[0].After.Except) != 0 {
			t.Errorf("diff-reader gained %+v; want s3:GetObject with the carve-out gone", p.Gained)
		}
	})
	add("change a boundary", func(t *testing.T, a *model.Account) {
		findUser(t, a, "diff-bounded").Boundary = "arn:aws:iam::" + a.ID + ":policy/diff-wide"
	}, eval.ChangeBoundary, func(t *testing.T, d *eval.AccountDiff, a *model.Account) {
		p := principal(t, d, userARN(a, "diff-bounded"))
		if !gainedAction(p, "s3:PutObject") || len(p.Lost) != 0 {
			t.Errorf("diff-bounded: gained %+v, lost %+v; want s3:PutObject gained, nothing lost", p.Gained, p.Lost)
		}
	})
	add("add an SCP deny", func(t *testing.T, a *model.Account) {
		root := &a.Organization.Levels[0]
		root.SCPs = append(root.SCPs, model.OrgPolicy{ID: "p-NoS3", Name: "NoS3", Document: parse(t, deny("s3:*", "*"))})
	}, eval.ChangeSCP, func(t *testing.T, d *eval.AccountDiff, a *model.Account) {
		p := principal(t, d, userARN(a, "diff-bounded"))
		if len(p.Lost) == 0 || len(p.Gained) != 0 {
			t.Errorf("diff-bounded: gained %+v, lost %+v; want its S3 access lost", p.Gained, p.Lost)
		}
		for _, l := range p.Lost {
			if l.Service != "s3" || l.After.Decision != eval.ExplicitlyDenied {
				t.Errorf("diff-bounded lost %s on %s, now %s; want only S3, explicitly denied", l.Action, l.Resource, l.After.Decision)
			}
		}
	})
	add("make a non-default version the default", func(t *testing.T, a *model.Account) {
		p, _ := a.Policy("arn:aws:iam::" + a.ID + ":policy/diff-versioned")
		p.DefaultVersion = "v2"
		p.Versions[0].IsDefault, p.Versions[1].IsDefault = false, true
	}, eval.ChangeDefaultVersion, func(t *testing.T, d *eval.AccountDiff, a *model.Account) {
		// The versions' statements have no Sid: the new one is added, the old one removed.
		if c := d.Policies[0]; c.Before != "v1" || c.After != "v2" || len(c.Statements) != 2 ||
			c.Statements[0].Change != "added" || c.Statements[1].Change != "removed" {
			t.Errorf("policy change %+v; want v1 -> v2, one statement added and one removed", c)
		}
		if p := principal(t, d, userARN(a, "diff-reader")); !gainedAction(p, "s3:PutObject") {
			t.Errorf("diff-reader gained %+v; want s3:PutObject", p.Gained)
		}
	})

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, after := diffAccount(t), diffAccount(t)
			tc.mutate(t, after[0])
			d := diffBoth(t, before, after)
			if len(d.Policies) != 1 || d.Policies[0].Kind != tc.kind {
				t.Fatalf("policy changes %+v; want exactly one, %s", d.Policies, tc.kind)
			}
			if len(d.Added)+len(d.Removed) != 0 {
				t.Errorf("principals added %v, removed %v; want none", d.Added, d.Removed)
			}
			for _, p := range d.Principals {
				if fmt.Sprint(p.Causes) != "[0]" {
					t.Errorf("%s: causes %v; want [0], the one change", p.ARN, p.Causes)
				}
			}
			for _, o := range d.Outside {
				if fmt.Sprint(o.Causes) != "[0]" {
					t.Errorf("outside %s %s: causes %v; want [0]", o.Resource, o.Party, o.Causes)
				}
			}
			tc.check(t, d, after[0])
		})
	}
}

// TestDiffIncrementalAgreesDense changes a generated account with a real account's trust (the
// Dense shape: wide sts:AssumeRole grants, roles trusting the account, each other and services,
// so chains reach far and escalation steps act on many targets) by handfuls of every kind of
// change mutateStep makes, and checks that deciding only the principals the changes touch
// gives the same diff as deciding everyone, paths through every chain included (diffBoth).
// The semantics weighed are those of TestDiffMutations.
func TestDiffIncrementalAgreesDense(t *testing.T) {
	opts := synth.Options{Roles: 160, Users: 60, Policies: 120, Seed: 9, Shape: synth.Dense}
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			before, after := synthCopy(t, opts), synthCopy(t, opts)
			rng := rand.New(rand.NewPCG(seed, 17))
			for i := range mutateKinds {
				mutateStep(t, after[0], rng, (i+int(seed))%mutateKinds)
			}
			d := diffBoth(t, before, after)
			if len(d.Policies) < mutateKinds/2 {
				t.Errorf("%d policy changes; the mutations made %d", len(d.Policies), mutateKinds)
			}
		})
	}
}

// TestDiffTargetWorth checks the principals a change reaches through escalation steps alone:
// their own policies do not change, but a principal their steps act on is worth something else
// as a target. Deciding only the touched principals must find them (diffBoth), and name the
// change that caused it. A path that takes another principal over must gain something, and
// one that writes a new version of a policy attached to it rewrites what it may do
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html).
func TestDiffTargetWorth(t *testing.T) {
	for _, tc := range []struct {
		name string
		// steps is the escalator's inline policy on both sides; change makes the target differ.
		steps  string
		change func(t *testing.T, a *model.Account)
		target string
	}{{
		name:  "the target can do more",
		steps: allow("iam:CreateAccessKey", "arn:aws:iam::*:user/diff-plain"),
		change: func(t *testing.T, a *model.Account) {
			u := findUser(t, a, "diff-plain")
			u.AttachedPolicies = append(u.AttachedPolicies, "arn:aws:iam::"+a.ID+":policy/diff-narrow")
		},
		target: "user/diff-plain",
	}, {
		name:  "a policy the escalator may rewrite is attached to the target",
		steps: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreatePolicyVersion","Resource":"*"},{"Effect":"Allow","Action":"iam:UpdateAssumeRolePolicy","Resource":"arn:aws:iam::*:role/diff-vendor"}]}`,
		change: func(t *testing.T, a *model.Account) {
			r := findRole(t, a, "diff-vendor")
			r.AttachedPolicies = append(r.AttachedPolicies, "arn:aws:iam::"+a.ID+":policy/diff-quiet")
		},
		target: "role/diff-vendor",
	}, {
		name:  "a group the escalator may join, with no members, gets a policy",
		steps: allow("iam:AddUserToGroup", "arn:aws:iam::*:group/diff-team"),
		change: func(t *testing.T, a *model.Account) {
			for _, g := range a.Groups {
				if g.Name == "diff-team" {
					g.AttachedPolicies = append(g.AttachedPolicies, "arn:aws:iam::"+a.ID+":policy/diff-narrow")
				}
			}
		},
		target: "group/diff-team",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			setup := func() []*model.Account {
				accts := diffAccount(t)
				a := accts[0]
				// A policy that gives nothing escalation weighs: attaching it changes no power.
				a.Policies = append(a.Policies, &model.ManagedPolicy{ARN: "arn:aws:iam::" + a.ID + ":policy/diff-quiet", Name: "diff-quiet", Path: "/",
					DefaultVersion: "v1", Versions: []model.PolicyVersion{{ID: "v1", IsDefault: true, Document: parse(t, allow("sqs:SendMessage", "*"))}}})
				a.Groups = append(a.Groups, &model.Group{ARN: "arn:aws:iam::" + a.ID + ":group/diff-team", Name: "diff-team", Path: "/", ID: "AGPADIFFTEAM"})
				u := findUser(t, a, "diff-escalator")
				u.InlinePolicies = append(u.InlinePolicies, model.InlinePolicy{Name: "steps", Document: parse(t, tc.steps)})
				if w := a.Index(); len(w) > 0 {
					t.Fatalf("the test account does not index: %s", w[0])
				}
				return accts
			}
			before, after := setup(), setup()
			tc.change(t, after[0])
			d := diffBoth(t, before, after)
			escalator := "arn:aws:iam::" + after[0].ID + ":user/diff-escalator"
			for _, p := range d.Principals {
				if p.ARN != escalator {
					continue
				}
				for _, o := range p.PathsOpened {
					if strings.HasSuffix(o.To, tc.target) {
						if fmt.Sprint(p.Causes) != "[0]" {
							t.Errorf("diff-escalator: causes %v, want [0]", p.Causes)
						}
						return
					}
				}
				t.Fatalf("diff-escalator opened %+v; want a path to %s", p.PathsOpened, tc.target)
			}
			t.Fatalf("the diff does not list diff-escalator: %s", diffJSON(t, d))
		})
	}
}

// TestDiffCategoriesCovered fails when the escalation catalogue has a category that
// TestDiffMutations does not open: credential-access has no path in the catalogue today.
func TestDiffCategoriesCovered(t *testing.T) {
	tested := map[catalog.EscalationCategory]bool{catalog.SelfEscalation: true, catalog.PrincipalAccess: true,
		catalog.NewPassRole: true, catalog.ExistingPassRole: true}
	for _, p := range catalog.EscalationPaths() {
		if !tested[p.Category] {
			t.Errorf("path %s is of category %s, which TestDiffMutations does not open", p.ID, p.Category)
		}
	}
}

// TestDiffIdentical: two copies of the same accounts differ in nothing.
func TestDiffIdentical(t *testing.T) {
	d := diffBoth(t, diffAccount(t), diffAccount(t))
	if !d.Empty() {
		t.Errorf("identical accounts differ: %s", diffJSON(t, d))
	}
}

// TestDiffRenamed renames every user and role the same way on both sides: the diff is the same,
// renamed.
func TestDiffRenamed(t *testing.T) {
	mutate := func(a *model.Account) {
		u := findUser(t, a, "diff-escalator")
		u.InlinePolicies = append(u.InlinePolicies, model.InlinePolicy{Name: "escalate",
			Document: parse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::*:user/diff-root-admin"}]}`)})
		p := findUser(t, a, "diff-plain")
		p.AttachedPolicies = append(p.AttachedPolicies, "arn:aws:iam::"+a.ID+":policy/diff-admin")
	}
	before, after := diffAccount(t), diffAccount(t)
	mutate(after[0])
	want := diffBoth(t, before, after)
	if want.Empty() {
		t.Fatal("the mutation changed nothing")
	}
	var names []string
	for _, u := range before[0].Users {
		names = append(names, regexp.QuoteMeta(u.Name))
	}
	for _, r := range before[0].Roles {
		names = append(names, regexp.QuoteMeta(r.Name))
	}
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	re := regexp.MustCompile(`/(` + strings.Join(names, "|") + `)([^A-Za-z0-9+=,.@_-]|$)`)
	rename := func(s string) string { return re.ReplaceAllString(s, "/${1}-renamed${2}") }
	renamedCopy := func(accts []*model.Account) []*model.Account {
		raw, err := json.Marshal(accts)
		if err != nil {
			t.Fatal(err)
		}
		var out []*model.Account
		if err := json.Unmarshal([]byte(rename(string(raw))), &out); err != nil {
			t.Fatal(err)
		}
		for _, a := range out {
			for _, u := range a.Users {
				u.Name = u.ARN[strings.LastIndex(u.ARN, "/")+1:]
			}
			for _, r := range a.Roles {
				r.Name = r.ARN[strings.LastIndex(r.ARN, "/")+1:]
			}
			if w := a.Index(); len(w) > 0 {
				t.Fatalf("renamed account does not index: %s", w[0])
			}
		}
		return out
	}
	got := diffBoth(t, renamedCopy(before), renamedCopy(after))
	sortByARN := func(d *eval.AccountDiff) {
		sort.Slice(d.Principals, func(i, j int) bool { return d.Principals[i].ARN < d.Principals[j].ARN })
	}
	var renamed eval.AccountDiff
	if err := json.Unmarshal([]byte(rename(diffJSON(t, want))), &renamed); err != nil {
		t.Fatal(err)
	}
	sortByARN(&renamed)
	sortByARN(got)
	if g, w := diffJSON(t, got), diffJSON(t, &renamed); g != w {
		t.Errorf("renamed accounts give\n%s\nwant the first diff renamed\n%s", g, w)
	}
	if !strings.Contains(diffJSON(t, got), "diff-plain-renamed") {
		t.Error("the renamed diff does not name diff-plain-renamed")
	}
}

// TestDiffCountsNoLossACoveringGrantKeeps: a pattern what-can no longer lists is decided on the
// later side as can decides it, and is no loss when a wider grant still covers it. In the demo
// a week ago, the developers' tw-developer-access v1 granted arn:aws:s3:::tidewater-dev-*; its
// v2 grants arn:aws:s3:::tidewater-* (TeamBuckets), which covers the dev buckets: can still
// allows them, so the diff must not list them as lost.
func TestDiffCountsNoLossACoveringGrantKeeps(t *testing.T) {
	before, err := demo.Before()
	if err != nil {
		t.Fatal(err)
	}
	after, err := demo.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	eb, ea := eval.NewEngine(before...), eval.NewEngine(after...)
	d := eval.Diff(eb, ea, eval.DiffOptions{Mode: eval.Discovery})
	dana, _ := ea.Principal("arn:aws:iam::210987654321:user/staff/dana.whitfield")
	for _, pd := range d.Principals {
		if pd.ARN != dana.ARN {
			continue
		}
		for _, c := range pd.Lost {
			if strings.Contains(c.Resource, "tidewater-dev-") {
				res, err := ea.Can(dana, c.Action, c.Resource, nil, eval.Options{Mode: eval.Discovery})
				if err != nil {
					t.Fatal(err)
				}
				t.Errorf("lost %s on %s (now %s), but can says %s", c.Action, c.Resource, c.After.Decision, res.Decision)
			}
		}
		return
	}
	t.Fatal("the diff names no change of dana.whitfield")
}
