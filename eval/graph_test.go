package eval

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/iamscope/iamscope/internal/synth"
	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/model"
)

// TestGraphAgreesWithEachPrincipal: the shared assumption graph, which decides the hops to
// roles trusting an account once per class of alike principals, gives every principal the
// same hops and conditions as deciding each of its candidate roles with Can, on the demo and on
// generated accounts of the dense shape (roles trusting the root, principals allowed to assume
// any role, ABAC trust on principal tags), in both modes, with and without a context.
// Trust policies and role chaining:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
func TestGraphAgreesWithEachPrincipal(t *testing.T) {
	demoAccounts, err := demo.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	accounts := map[string][]*model.Account{"demo": demoAccounts}
	for _, seed := range []uint64{3, 4} {
		accts, err := synth.Load(synth.Options{Roles: 400, Users: 150, Policies: 200, Seed: seed, Shape: synth.Dense})
		if err != nil {
			t.Fatal(err)
		}
		accounts[fmt.Sprint("dense-", seed)] = accts
	}
	withMFA := NewContext()
	withMFA.Set("aws:MultiFactorAuthPresent", "true")
	for name, accts := range accounts {
		e := NewEngine(accts...)
		e.Now = func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
		ix := e.trust()
		classed := 0
		for _, extra := range []*Context{nil, withMFA} {
			for _, mode := range []Mode{Discovery, Strict} {
				for _, p := range e.order {
					if _, ok := e.assumeClassKey(p); ok {
						classed++
					}
					want := e.decideAssume(p, ix.candidates(p), extra, mode)
					got := e.assumable(p, extra, mode).all()
					if len(got) != len(want) {
						t.Errorf("%s %v %v: %s may assume %d roles by the graph, %d by Can", name, extra != nil, mode, p.ARN, len(got), len(want))
						continue
					}
					for i := range want {
						if got[i].role != want[i].role || fmt.Sprint(got[i].cond) != fmt.Sprint(want[i].cond) {
							t.Errorf("%s %v %v: %s: hop %d is %s [%v] by the graph, %s [%v] by Can", name, extra != nil, mode, p.ARN, i,
								got[i].role.ARN, got[i].cond, want[i].role.ARN, want[i].cond)
							break
						}
					}
				}
			}
		}
		if classed == 0 {
			t.Errorf("%s: no principal is in a class: the test weighs nothing", name)
		}
	}
}

// graphAccounts loads the generated accounts the graph's tests walk: dense (roles trusting
// the root, ABAC trust), root-trust (every role trusting the root) and wide-trust (trust naming
// many accounts).
func graphAccounts(t *testing.T) map[string][]*model.Account {
	accounts := map[string][]*model.Account{}
	for name, opts := range map[string]synth.Options{
		"dense":      {Roles: 400, Users: 150, Policies: 200, Seed: 3, Shape: synth.Dense},
		"root-trust": {Roles: 60, Users: 1, Seed: 1, Shape: synth.RootTrust},
		"wide-trust": {Roles: 20, Users: 5, Seed: 2, Shape: synth.WideTrust, TrustedAccounts: 50},
	} {
		accts, err := synth.Load(opts)
		if err != nil {
			t.Fatal(err)
		}
		accounts[name] = accts
	}
	return accounts
}

// TestReverseAgreesWithEachPrincipal: the graph's reverse side (who may assume a role in one
// hop), which decides only the hops a role's trust may admit, and for roles trusting an account
// one per class of its principals, lists for every role exactly the principals whose hops,
// decided one by one with Can, lead to it, with the same conditions: on a new graph, on one
// whose forward hops are partly decided (the class answers then come from them), and leaving
// out principals as who-can does. Demo, dense, root-trust and wide-trust accounts, both modes,
// with and without a context.
// Trust policies that name an account delegate to its identity policies:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
func TestReverseAgreesWithEachPrincipal(t *testing.T) {
	demoAccounts, err := demo.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	accounts := graphAccounts(t)
	accounts["demo"] = demoAccounts
	withMFA := NewContext()
	withMFA.Set("aws:MultiFactorAuthPresent", "true")
	text := func(hops []edge) string {
		var b strings.Builder
		for _, h := range hops {
			fmt.Fprintf(&b, "%s [%v]\n", h.role.ARN, h.cond)
		}
		return b.String()
	}
	for name, accts := range accounts {
		for _, extra := range []*Context{nil, withMFA} {
			for _, mode := range []Mode{Discovery, Strict} {
				truth := NewEngine(accts...)
				want := make([][]edge, len(truth.order))
				hops := 0
				for _, p := range truth.order {
					for _, h := range truth.decideAssume(p, truth.trust().candidates(p), extra, mode) {
						want[h.role.idx] = append(want[h.role.idx], edge{role: p, cond: h.cond})
						hops++
					}
				}
				if name != "demo" && hops == 0 {
					t.Fatalf("%s: no hop at all: the test weighs nothing", name)
				}
				cold, warm, skipping := NewEngine(accts...), NewEngine(accts...), NewEngine(accts...)
				for i, p := range warm.order {
					if i%2 == 0 {
						warm.graph(extra, mode).edges(p)
					}
				}
				for i, role := range truth.order {
					if role.Entity.Kind != model.EntityRole {
						continue
					}
					w := text(want[i])
					at := fmt.Sprintf("%s %v %v: %s", name, extra != nil, mode, role.ARN)
					if got := text(cold.graph(extra, mode).trustedBy(cold.order[i])); got != w {
						t.Errorf("%s: assumed by\n%swant\n%s", at, got, w)
					}
					if got := text(warm.graph(extra, mode).trustedBy(warm.order[i])); got != w {
						t.Errorf("%s (half the forward hops decided): assumed by\n%swant\n%s", at, got, w)
					}
					odd := make([]bool, len(truth.order))
					for j := range odd {
						odd[j] = j%2 == 1
					}
					var kept []edge
					for _, h := range want[i] {
						if !odd[h.role.idx] {
							kept = append(kept, h)
						}
					}
					if got, w := text(skipping.graph(extra, mode).trustedByUnless(skipping.order[i], odd)), text(kept); got != w {
						t.Errorf("%s (odd principals left out): assumed by\n%swant\n%s", at, got, w)
					}
				}
			}
		}
	}
}

// TestPrincipalContextKeys: every key a principal's context gives is one that
// inPrincipalContext names (the class key reads the context only for those), filed under its
// lower-cased name, for the users and roles of the demo and of a dense account with tags.
// The global condition keys of the principal:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principal-properties
func TestPrincipalContextKeys(t *testing.T) {
	seen := map[string]bool{}
	for _, accts := range taggedAccounts(t) {
		e := NewEngine(accts...)
		for _, p := range e.order {
			for _, en := range e.principalContext(p).entries {
				seen[en.lower] = true
				if en.lower != strings.ToLower(en.v.Key) {
					t.Errorf("%s: the principal's context files %s under %s", p.ARN, en.v.Key, en.lower)
				}
				if !inPrincipalContext(en.lower) {
					t.Errorf("%s: the principal's context gives %s, which inPrincipalContext leaves out", p.ARN, en.lower)
				}
			}
		}
	}
	for _, k := range []string{"aws:principalarn", "aws:username", "aws:userid"} {
		if !seen[k] {
			t.Errorf("no principal's context gives %s: the test weighs too little", k)
		}
	}
	for _, k := range []string{"aws:multifactorauthpresent", "aws:sourceip", "sts:externalid", "aws:requesttag/team"} {
		if inPrincipalContext(k) {
			t.Errorf("inPrincipalContext(%q) is true; it is no key of the principal", k)
		}
	}
}

// taggedAccounts returns the demo and a small dense account, whose principals have tags.
func taggedAccounts(t *testing.T) [][]*model.Account {
	demoAccounts, err := demo.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	dense, err := synth.Load(synth.Options{Roles: 100, Users: 40, Policies: 50, Seed: 3, Shape: synth.Dense})
	if err != nil {
		t.Fatal(err)
	}
	return [][]*model.Account{demoAccounts, dense}
}

// TestPrincipalTagAsContext: the value the class key reads for a principal tag key without
// making the principal's context (principalTag) is the one principalContext gives, for every
// tag of the demo's and a dense account's principals and for tags of one name in two cases
// (the last one counts), and a tag the principal lacks is absent from both.
// The aws:PrincipalTag/tag-key condition key:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltag
func TestPrincipalTagAsContext(t *testing.T) {
	twice := &model.Account{ID: "111122223333", Users: []*model.User{{Name: "twice", ARN: "arn:aws:iam::111122223333:user/twice",
		Tags: []model.Tag{{Key: "Team", Value: "first"}, {Key: "team", Value: "second"}, {Key: "Other", Value: "x"}}}}}
	tags := 0
	for _, accts := range append(taggedAccounts(t), []*model.Account{twice}) {
		e := NewEngine(accts...)
		for _, p := range e.order {
			var names []string
			switch p.Entity.Kind {
			case model.EntityUser:
				for _, tg := range p.Entity.User.Tags {
					names = append(names, strings.ToLower(tg.Key))
				}
			case model.EntityRole:
				for _, tg := range p.Entity.Role.Tags {
					names = append(names, strings.ToLower(tg.Key))
				}
			}
			for _, name := range append(names, "no-such-tag") {
				want, wantOK := e.principalContext(p).get("aws:principaltag/" + name)
				got, ok := principalTag(p, name)
				if ok != wantOK || fmt.Sprint(got.Values, got.Multi) != fmt.Sprint(want.Values, want.Multi) {
					t.Errorf("%s: tag %s is %v %v without the context, %v %v in it", p.ARN, name, got.Values, ok, want.Values, wantOK)
				}
				tags++
			}
		}
	}
	if got, _ := principalTag(NewEngine(twice).order[0], "team"); fmt.Sprint(got.Values) != "[second]" {
		t.Errorf("tags Team and team: principalTag gives %v, want the last, [second]", got.Values)
	}
	if tags < 100 {
		t.Errorf("only %d tags weighed: the test weighs too little", tags)
	}
}

// TestRoleChainsAgreeWithHopsDecided: the role chains of every principal, walked on a graph
// whose classes' hops a walk decides only to the roles it has not yet seen (the rest on a later
// walk), are those of a breadth-first walk over each principal's hops decided one by one with
// Can (ties by ARN): roles, chains and conditions, walking the principals in order and in
// reverse on new engines, on one whose hops are all decided first and on one that found first
// who may assume half the roles (the reverse side, which decides classes role by role), on
// dense, root-trust and wide-trust accounts, in both modes.
// Role chaining:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
func TestRoleChainsAgreeWithHopsDecided(t *testing.T) {
	for name, accts := range graphAccounts(t) {
		for _, mode := range []Mode{Discovery, Strict} {
			truth := NewEngine(accts...)
			hops := make([][]edge, len(truth.order))
			for _, p := range truth.order {
				hops[p.idx] = truth.decideAssume(p, truth.trust().candidates(p), nil, mode)
			}
			want := make([]string, len(truth.order))
			chained := 0
			for _, p := range truth.order {
				nodes := []reachNode{{p: p, parent: -1}}
				seen := map[*Principal]bool{p: true}
				for i := 0; i < len(nodes); i++ {
					for _, h := range hops[nodes[i].p.idx] {
						if !seen[h.role] {
							seen[h.role] = true
							nodes = append(nodes, reachNode{p: h.role, parent: i, cond: h.cond})
						}
					}
				}
				want[p.idx] = chainsText(reachesOf(nodes))
				if len(nodes) > 2 {
					chained++
				}
			}
			if chained == 0 {
				t.Fatalf("%s: no principal reaches two roles: the test weighs nothing", name)
			}
			inOrder, reversed, decided, assumers := NewEngine(accts...), NewEngine(accts...), NewEngine(accts...), NewEngine(accts...)
			for _, p := range decided.order {
				decided.assumable(p, nil, mode)
			}
			for i, p := range assumers.order {
				if i%2 == 0 && p.Entity.Kind == model.EntityRole {
					assumers.graph(nil, mode).trustedBy(p)
				}
			}
			for i := range truth.order {
				for _, run := range []struct {
					what string
					e    *Engine
					i    int
				}{{"in order", inOrder, i}, {"in reverse", reversed, len(truth.order) - 1 - i}, {"hops decided", decided, i},
					{"half the assumers found", assumers, i}} {
					p := run.e.order[run.i]
					if got := chainsText(run.e.RoleChains(p, nil, mode)); got != want[run.i] {
						t.Errorf("%s %v %s: %s reaches\n%swant\n%s", name, mode, run.what, p.ARN, got, want[run.i])
					}
				}
			}
		}
	}
}

// chainsText writes reaches one a line: the role and its chain, hop by hop with conditions.
func chainsText(reaches []Reach) string {
	var b strings.Builder
	for _, r := range reaches {
		b.WriteString(r.Role.ARN)
		for _, h := range r.Path {
			fmt.Fprintf(&b, " <- %s [%v]", h.From, h.Condition)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestAllPathsAgreesWithPathsIn: the paths of every principal, found together (each role's own
// paths first, principals that no role could give anything not walked), are each principal's
// PathsIn, on the demo, a dense and a root-trust account (where no role gives anything).
// Escalation through sts:AssumeRole:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html
func TestAllPathsAgreesWithPathsIn(t *testing.T) {
	for name, accts := range summaryAccounts(t) {
		all := NewEngine(accts...).AllPathsIn(nil, Discovery)
		one := NewEngine(accts...)
		for i, p := range one.order {
			var got, want strings.Builder
			for _, esc := range all[i] {
				fmt.Fprintf(&got, "%s %s %v %v\n", esc.Path.ID, esc.Target, esc.Targets, len(esc.Via))
			}
			for _, esc := range one.PathsIn(p, nil, Discovery) {
				fmt.Fprintf(&want, "%s %s %v %v\n", esc.Path.ID, esc.Target, esc.Targets, len(esc.Via))
			}
			if got.String() != want.String() {
				t.Errorf("%s: %s: AllPathsIn gives\n%s\nPathsIn gives\n%s", name, p.ARN, got.String(), want.String())
			}
		}
	}
}
