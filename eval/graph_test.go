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
	accounts := map[string][]*model.Account{"demo": demoAccounts}
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
	demoAccounts, err := demo.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	dense, err := synth.Load(synth.Options{Roles: 100, Users: 40, Policies: 50, Seed: 3, Shape: synth.Dense})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, accts := range [][]*model.Account{demoAccounts, dense} {
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
