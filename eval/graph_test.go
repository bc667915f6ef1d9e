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
