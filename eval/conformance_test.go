package eval

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/iamscope/iamscope/internal/corpus"
)

// TestConformance runs the team's 62 documented cases (eval/testdata/conformance/cases.json), whose
// expected answers were reasoned from the AWS documentation, and checks every decision.
func TestConformance(t *testing.T) {
	path, err := corpus.Conformance()
	if err != nil {
		t.Fatal(err)
	}
	runCaseFile(t, path, 62)
}

// runCaseFile runs every case of a file and checks it against its "expect"; want is the
// number of cases the file must hold.
func runCaseFile(t *testing.T, path string, want int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	raws, err := SplitCases(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(raws) != want {
		t.Fatalf("%s holds %d cases, want %d", path, len(raws), want)
	}
	for _, raw := range raws {
		var meta struct {
			ID     string `json:"id"`
			Expect string `json:"expect"`
		}
		if err := json.Unmarshal(raw, &meta); err != nil {
			t.Fatal(err)
		}
		t.Run(meta.ID, func(t *testing.T) {
			res := RunCase(raw, true)
			if res.Error != "" {
				t.Fatalf("error: %s", res.Error)
			}
			if string(res.Decision) != meta.Expect {
				ex, _ := json.MarshalIndent(res.Explanation, "", "  ")
				t.Fatalf("decision %s, want %s\n%s", res.Decision, meta.Expect, ex)
			}
			if res.Explanation == nil || res.Explanation.Reason == "" {
				t.Fatal("no explanation")
			}
		})
	}
}

// TestDocumentedCases runs the engine's own cases, each citing the AWS documentation page its
// expected answer comes from (in its description).
func TestDocumentedCases(t *testing.T) {
	runCaseFile(t, "testdata/documented-cases.json", 41)
}
