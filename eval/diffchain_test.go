package eval

import (
	"testing"

	"github.com/iamscope/iamscope/internal/synth"
)

// TestChainPathsAgreeWithPathsIn: the diff finds each side's escalation paths from their parts
// (chainPaths: a principal's own paths, the walk of its role chains, each reached role's own
// paths) rather than by PathsIn, to find a settled role's paths once for both sides. For every
// principal of a generated account with a real account's trust (the Dense shape), in discovery
// and in strict mode, both must name the same paths in the same order, or a diff would report
// paths that PathsIn does not find.
func TestChainPathsAgreeWithPathsIn(t *testing.T) {
	accts, err := synth.Load(synth.Options{Roles: 160, Users: 60, Policies: 120, Seed: 9, Shape: synth.Dense})
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(accts...)
	for _, mode := range []Mode{Discovery, Strict} {
		g := e.graph(nil, mode)
		found := 0
		for _, p := range e.order {
			want := e.PathsIn(p, nil, mode)
			got := chainPaths(g, p, g.directPaths(p), e.reach(p, nil, mode), g.directPaths)
			found += len(want)
			if len(got) != len(want) {
				t.Errorf("%s (mode %d): chainPaths finds %d paths, PathsIn %d", p.ARN, mode, len(got), len(want))
				continue
			}
			for i := range want {
				if pathKey(got[i]) != pathKey(want[i]) {
					t.Errorf("%s (mode %d): path %d is %q, PathsIn's %q", p.ARN, mode, i, pathKey(got[i]), pathKey(want[i]))
					break
				}
			}
		}
		if found == 0 {
			t.Errorf("mode %d: no principal has a path; the test weighs nothing", mode)
		}
	}
}
