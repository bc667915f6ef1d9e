package cli

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/sanitize"
	"github.com/iamscope/iamscope/loader/demo"
)

// TestPathsJSONWrittenOneAtATime: paths' JSON, written a piece at a time, is byte for byte the
// document of the whole answer: of every principal, of one, and with no paths.
func TestPathsJSONWrittenOneAtATime(t *testing.T) {
	accounts, err := demo.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	e := eval.NewEngine(accounts...)
	all := e.AllPathSummariesIn(nil, eval.Discovery)
	through := 0
	for i, p := range e.Principals() {
		if len(summaryThrough(&all[i], 0)) > 0 {
			through++
			one := []eval.PathSummary{e.PathSummaryIn(p, nil, eval.Discovery)}
			checkPathsJSON(t, p.ARN, one, true)
		}
	}
	checkPathsJSON(t, "every principal", all, false)
	checkPathsJSON(t, "none", nil, false)
	if through == 0 {
		t.Fatal("no principal of the demo gains a role's paths through a chain: the test weighs nothing")
	}
}

func checkPathsJSON(t *testing.T, name string, sums []eval.PathSummary, single bool) {
	t.Helper()
	head := pathsJSON{Warnings: []string{"a warning \u009b"}, Paths: []pathJSON{}}
	var want, got bytes.Buffer
	if err := writeJSON(&want, pathsDocument(head, sums, single)); err != nil {
		t.Fatal(err)
	}
	if err := writePathsJSON(&got, head, sums, single); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("%s: written a piece at a time, the JSON differs from the whole document:\n%s\nwant:\n%s", name, got.String(), want.String())
	}
}

// TestPathsJSONReferencesResolve: in paths' JSON, every role path a through entry names is
// listed in paths under that role, every through entry's chain and every target's chain of
// taking on roles (sts-001) unrolls from the chains table to the hops given (each hop once,
// the chain's condition the conjunction of its hops'), for every principal and for each one
// alone. Role chaining: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html
func TestPathsJSONReferencesResolve(t *testing.T) {
	accounts, err := demo.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	e := eval.NewEngine(accounts...)
	checked := 0
	docs := map[string]pathsJSON{"every principal": pathsDocument(pathsJSON{}, e.AllPathSummariesIn(nil, eval.Discovery), false)}
	for _, p := range e.Principals() {
		docs[p.ARN] = pathsDocument(pathsJSON{}, []eval.PathSummary{e.PathSummaryIn(p, nil, eval.Discovery)}, true)
	}
	for name, doc := range docs {
		unroll := func(k int) []hopJSON {
			var out []hopJSON
			for seen := 0; k >= 0 && seen <= len(doc.Chains); seen++ {
				c := doc.Chains[k]
				out = append([]hopJSON{c.hopJSON}, out...)
				if c.After == nil {
					return out
				}
				k = *c.After
			}
			t.Fatalf("%s: chain %d does not end", name, k)
			return nil
		}
		listed := map[[3]string]bool{}
		for _, p := range doc.Paths {
			listed[[3]string{p.From, p.ID, p.To}] = true
		}
		for _, th := range doc.Through {
			for _, r := range th.Paths {
				if !listed[[3]string{th.Role, r.ID, r.To}] {
					t.Errorf("%s: %s gains %s's %s to %s, not listed", name, th.From, th.Role, r.ID, r.To)
				}
				checked++
			}
			if got := unroll(th.Chain); !reflect.DeepEqual(got, th.Via) || got[0].From != th.From || got[len(got)-1].To != th.Role {
				t.Errorf("%s: %s through %s: chain %d is %v, via %v", name, th.From, th.Role, th.Chain, got, th.Via)
			}
		}
		for _, p := range doc.Paths {
			if p.ID != "sts-001" {
				continue
			}
			if len(p.Chains) != len(p.Targets) {
				t.Fatalf("%s: %s: %d targets, %d chains", name, p.From, len(p.Targets), len(p.Chains))
			}
			for j, k := range p.Chains {
				got := unroll(k)
				if got[0].From != p.From || got[len(got)-1].To != p.Targets[j] {
					t.Errorf("%s: %s: chain %d to %s is %v", name, p.From, k, p.Targets[j], got)
				}
				if j == 0 && (!reflect.DeepEqual(got[:len(got)-1], p.Via) || got[len(got)-1].AllowedIf != p.Steps[0].AllowedIf) {
					t.Errorf("%s: %s: the chain to %s is %v, the entry's via %v and step %v", name, p.From, p.To, got, p.Via, p.Steps)
				}
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("the demo's answers refer to nothing: the test weighs nothing")
	}
}

// TestChainJSONWrittenAsEncodingJSON: a chains item written without reflection is byte for
// byte what encoding/json and sanitize write, and one with a string JSON escapes is left to
// them.
func TestChainJSONWrittenAsEncodingJSON(t *testing.T) {
	after := 12
	plain := []chainJSON{
		{hopJSON: hopJSON{From: "arn:aws:iam::1:user/a", To: "arn:aws:iam::1:role/b", Action: "sts:AssumeRole"}},
		{hopJSON: hopJSON{From: "arn:aws:iam::1:role/b", To: "arn:aws:iam::1:role/c", Action: "sts:AssumeRole", AllowedIf: "Bool aws:MultiFactorAuthPresent [true]"}, After: &after},
	}
	for _, c := range plain {
		want, err := json.MarshalIndent(c, "    ", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got, ok := appendChainJSON(nil, c)
		if !ok || !bytes.Equal(got, sanitize.JSON(want)) {
			t.Errorf("%+v: written\n%s\nencoding/json writes\n%s", c, got, want)
		}
	}
	for _, s := range []string{"a<b", "role/é", "x\u009by", `q"uote`} {
		c := chainJSON{hopJSON: hopJSON{From: "arn:aws:iam::1:user/a", To: s, Action: "sts:AssumeRole"}}
		if _, ok := appendChainJSON(nil, c); ok {
			t.Errorf("%q: written without encoding/json", s)
		}
	}
}
