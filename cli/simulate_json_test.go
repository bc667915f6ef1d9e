package cli

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/iamscope/iamscope/eval"
)

// TestAppendResultsAsEncodingJSON checks appendResults against encoding/json's Encoder, on
// results written directly and on results that need escaping.
func TestAppendResultsAsEncodingJSON(t *testing.T) {
	results := []eval.CaseResult{
		{ID: json.RawMessage(`"case-1"`), Decision: "Allowed"},
		{ID: json.RawMessage(`7`), Decision: "ExplicitlyDenied"},
		{ID: json.RawMessage(`null`), Error: `request: missing`},
		{ID: json.RawMessage(`{"a": [1, 2]}`), Decision: "ImplicitlyDenied"},
		{ID: json.RawMessage(`"<&>\u2028é"`), Error: "bad \"quote\" \\ <tag> \x01 \xff \u2028"},
		{ID: json.RawMessage(`"x"`), Decision: "Allowed", AllowedIf: "StringEquals aws:username [bob]",
			Conditions: []*eval.OpenCondition{{PolicyType: "identity", Policy: "p", Operator: "StringEquals", Key: "aws:username", Values: []string{"bob"}}}},
		{ID: json.RawMessage(`"y"`), Decision: "Allowed", Explanation: &eval.Explanation{}},
	}
	for n := range len(results) + 1 {
		var want bytes.Buffer
		if err := json.NewEncoder(&want).Encode(results[:n]); err != nil {
			t.Fatal(err)
		}
		got, err := appendResults(nil, results[:n])
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("first %d results:\n got %s\nwant %s", n, got, want.Bytes())
		}
	}
}
