package eval

import (
	"fmt"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/internal/synth"
	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/model"
)

// summaryAccounts are the accounts the summary tests run on: the demo, a small dense account
// (roles trusting the root and earlier roles, many principals allowed to assume any role) and
// a root-trust account (every role reaches every role, none gives anything).
func summaryAccounts(t *testing.T) map[string][]*model.Account {
	t.Helper()
	demoAccounts, err := demo.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	dense, err := synth.Load(synth.Options{Roles: 300, Users: 100, Policies: 150, Seed: 5, Shape: synth.Dense})
	if err != nil {
		t.Fatal(err)
	}
	root, err := synth.Load(synth.Options{Roles: 60, Users: 1, Seed: 1, Shape: synth.RootTrust})
	if err != nil {
		t.Fatal(err)
	}
	return map[string][]*model.Account{"demo": demoAccounts, "dense": dense, "root-trust": root}
}

// TestPathSummaryAgreesWithRoleChains: a summary lists each reached role once, by the chain
// RoleChains gives it (every hop with its condition, so that the chain's condition is the
// conjunction of its hops'), keeps only roles that give something and the roles their chains
// pass through, and names only the role's own paths that exist; the summary of every principal
// found together is the one found alone. Role chaining:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html
func TestPathSummaryAgreesWithRoleChains(t *testing.T) {
	gaining := 0
	for name, accts := range summaryAccounts(t) {
		e := NewEngine(accts...)
		all := e.AllPathSummariesIn(nil, Discovery)
		for i, p := range e.order {
			s := &all[i]
			one := e.PathSummaryIn(p, nil, Discovery)
			if got, want := summaryText(s), summaryText(&one); got != want {
				t.Errorf("%s: %s: summary of every principal\n%s\nalone\n%s", name, p.ARN, got, want)
			}
			chains := map[*Principal]string{}
			for _, r := range e.RoleChains(p, nil, Discovery) {
				chains[r.Role] = hopsText(r.Path)
			}
			seen := map[*Principal]bool{}
			needed := make([]bool, len(s.Reached))
			for j := len(s.Reached) - 1; j >= 0; j-- {
				r := s.Reached[j]
				if seen[r.Role] {
					t.Errorf("%s: %s: %s listed twice", name, p.ARN, r.Role.ARN)
				}
				seen[r.Role] = true
				if got, want := hopsText(s.Via(j)), chains[r.Role]; got != want {
					t.Errorf("%s: %s: chain to %s is\n%s\nrole chains give\n%s", name, p.ARN, r.Role.ARN, got, want)
				}
				for _, k := range r.Paths {
					if k < 0 || k >= len(s.RolePaths(j)) {
						t.Errorf("%s: %s: %s's path %d does not exist", name, p.ARN, r.Role.ARN, k)
					}
				}
				if r.Assume || len(r.Paths) > 0 || needed[j] {
					if r.After >= 0 {
						needed[r.After] = true
					}
					if len(r.Paths) > 0 {
						gaining++
					}
				} else {
					t.Errorf("%s: %s: %s gives nothing and no kept chain passes it", name, p.ARN, r.Role.ARN)
				}
				if r.Assume != e.worthMore(r.Role, p) {
					t.Errorf("%s: %s: %s marked worth more: %v", name, p.ARN, r.Role.ARN, r.Assume)
				}
			}
		}
	}
	if gaining == 0 {
		t.Fatal("no principal gains a role's paths through a chain: the test weighs nothing")
	}
}

// TestHasPathsAgreesWithPathsIn: the explorer's escalation badge (HasPathsIn) is set exactly
// for the principals PathsIn finds a path for.
func TestHasPathsAgreesWithPathsIn(t *testing.T) {
	with, without := 0, 0
	for name, accts := range summaryAccounts(t) {
		e := NewEngine(accts...)
		for _, p := range e.order {
			want := len(e.PathsIn(p, nil, Discovery)) > 0
			if got := e.HasPathsIn(p, nil, Discovery); got != want {
				t.Errorf("%s: %s: HasPathsIn %v, PathsIn finds paths: %v", name, p.ARN, got, want)
			}
			if want {
				with++
			} else {
				without++
			}
		}
	}
	if with == 0 || without == 0 {
		t.Fatalf("%d principals with paths, %d without: the test weighs nothing", with, without)
	}
}

func summaryText(s *PathSummary) string {
	var b strings.Builder
	for _, esc := range s.Own {
		fmt.Fprintf(&b, "own %s %s %v\n", esc.Path.ID, esc.Target, esc.Targets)
	}
	for _, r := range s.Reached {
		fmt.Fprintf(&b, "%s after %d %s assume=%v paths=%v\n", r.Role.ARN, r.After, hopsText([]Hop{r.Hop}), r.Assume, r.Paths)
	}
	return b.String()
}

func hopsText(hops []Hop) string {
	var b strings.Builder
	for _, h := range hops {
		cond := ""
		if h.Condition != nil {
			cond = h.Condition.String()
		}
		fmt.Fprintf(&b, "%s -> %s %s [%s]; ", h.From, h.To, h.Action, cond)
	}
	return b.String()
}
