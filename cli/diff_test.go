package cli

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares out with testdata/NAME, or rewrites it with -update.
func golden(t *testing.T, name, out string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if out != string(want) {
		t.Errorf("%s differs from the output (run go test ./cli -run %s -update and check the diff):\n%s", path, t.Name(), out)
	}
}

// The demo a week ago against the demo (docs/demo-account.md, "What changed since last
// week?"): the text answer, and the JSON of one principal's gains.
func TestDiffDemoGolden(t *testing.T) {
	for _, tc := range []struct {
		file string
		args []string
	}{
		{"diff-demo.txt", []string{}},
		{"diff-demo-grace.json", []string{"--json", "--principal", "grace.mwangi"}},
		{"diff-demo-s3-gained.txt", []string{"--service", "s3", "--only", "gained"}},
		{"diff-demo-lost.json", []string{"--json", "--only", "lost"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			out, err := run(t, NewDiffCommand(), tc.args...)
			if !errors.Is(err, ErrChanged) {
				t.Fatalf("diff %v: error %v, want ErrChanged", tc.args, err)
			}
			golden(t, tc.file, out)
		})
	}
}

// Identical sides: no changes, no error.
func TestDiffIdenticalSides(t *testing.T) {
	out, err := run(t, NewDiffCommand(), "--before", partnerDump, "--after", partnerDump)
	if err != nil {
		t.Fatalf("identical sides: %v", err)
	}
	if !strings.Contains(out, "No changes.") {
		t.Errorf("identical sides:\n%s", out)
	}
}

// --principal narrows to one principal, keeping only the policy changes it is due to.
func TestDiffNarrowsToAPrincipal(t *testing.T) {
	var got diffJSON
	out, err := run(t, NewDiffCommand(), "--json", "--principal", "svc-legacy-reports")
	if !errors.Is(err, ErrChanged) {
		t.Fatal(err)
	}
	mustJSON(t, out, &got)
	if len(got.Principals) != 1 || len(got.Policies) != 1 || got.Policies[0].Kind != "inline-edited" || len(got.Outside) != 0 {
		t.Errorf("--principal svc-legacy-reports: %d principals, policies %+v, %d outside", len(got.Principals), got.Policies, len(got.Outside))
	}
	if _, err := run(t, NewDiffCommand(), "--principal", "nobody-at-all"); err == nil || errors.Is(err, ErrChanged) {
		t.Errorf("--principal nobody-at-all: error %v, want one naming it", err)
	}
}
