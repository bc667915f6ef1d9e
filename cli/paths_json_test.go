package cli

import (
	"bytes"
	"testing"

	"github.com/iamscope/iamscope/eval"
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
