package cli

import (
	"bytes"
	"testing"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/loader/demo"
)

// TestPathsJSONWrittenOneAtATime: paths' JSON, written a path at a time, is byte for byte the
// document of the whole answer, with paths and without.
func TestPathsJSONWrittenOneAtATime(t *testing.T) {
	accounts, err := demo.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	e := eval.NewEngine(accounts...)
	all := e.AllPaths()
	for _, found := range [][][]eval.Escalation{all, nil} {
		head := pathsJSON{Warnings: []string{"a warning \u009b"}, Paths: []pathJSON{}}
		whole := head
		for _, escs := range found {
			for _, esc := range escs {
				whole.Paths = append(whole.Paths, pathOf(esc))
			}
		}
		var want, got bytes.Buffer
		if err := writeJSON(&want, whole); err != nil {
			t.Fatal(err)
		}
		if err := writePathsJSON(&got, head, found); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%d paths: written one at a time, the JSON differs from the whole document", len(whole.Paths))
		}
	}
	if len(all) == 0 {
		t.Fatal("the demo has no escalation paths: the test weighs nothing")
	}
}
