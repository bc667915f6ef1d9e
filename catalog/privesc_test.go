package catalog

import "testing"

func TestEscalationPaths(t *testing.T) {
	if err := EscalationPathsErr(); err != nil {
		t.Fatal(err)
	}
	paths := EscalationPaths()
	if len(paths) != 66 {
		t.Fatalf("%d paths, want the catalogue's 66", len(paths))
	}
	count := map[EscalationCategory]int{}
	for _, p := range paths {
		count[p.Category]++
		for _, a := range p.RequiredActions {
			if _, ok := LookupAction(a); !ok {
				t.Errorf("%s requires %s, which the action catalog does not know", p.ID, a)
			}
		}
	}
	want := map[EscalationCategory]int{NewPassRole: 27, ExistingPassRole: 17, PrincipalAccess: 14, SelfEscalation: 8}
	for c, n := range want {
		if count[c] != n {
			t.Errorf("%s: %d paths, want %d", c, count[c], n)
		}
	}
	p, ok := LookupEscalationPath("LAMBDA-001")
	if !ok || p.Category != NewPassRole || len(p.RequiredActions) != 3 || p.RequiredActions[0] != "iam:passrole" {
		t.Errorf("lambda-001 = %+v", p)
	}
}
