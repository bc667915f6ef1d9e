package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/internal/corpus"
)

func runCapture(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestHelpPrintsUsage(t *testing.T) {
	code, out, _ := runCapture(t, "", "--help")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out, "simulate") || !strings.Contains(out, "Usage:") || !strings.Contains(out, "--no-mouse") {
		t.Fatalf("usage not printed:\n%s", out)
	}
}

func TestExitStatuses(t *testing.T) {
	dir := t.TempDir()
	notArray := filepath.Join(dir, "obj.json")
	if err := os.WriteFile(notArray, []byte("\n  {\"id\": 1}"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"missing argument", []string{"simulate"}, exitUsage, "accepts 1 arg"},
		{"unknown flag", []string{"simulate", "--nope", "x"}, exitUsage, "unknown flag"},
		{"unknown command", []string{"frobnicate"}, exitUsage, "unknown command"},
		{"missing file", []string{"simulate", filepath.Join(dir, "none.json")}, exitFailure, "none.json"},
		{"not an array", []string{"simulate", notArray}, exitFailure, "obj.json: line 2, column 3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCapture(t, "", tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, stderr)
			}
			if !strings.Contains(stderr, tc.msg) {
				t.Errorf("stderr %q does not say %q", stderr, tc.msg)
			}
		})
	}
}

// TestSimulateConformanceFile runs the command end to end on the documented conformance cases and
// checks each printed decision against the case's expect.
func TestSimulateConformanceFile(t *testing.T) {
	path, err := corpus.Conformance()
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCapture(t, "", "simulate", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var results []struct {
		ID       string `json:"id"`
		Decision string `json:"decision"`
	}
	if err := json.Unmarshal([]byte(out), &results); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	var cases []struct {
		ID     string `json:"id"`
		Expect string `json:"expect"`
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	if len(results) != len(cases) {
		t.Fatalf("%d results for %d cases", len(results), len(cases))
	}
	for i, c := range cases {
		if results[i].ID != c.ID || results[i].Decision != c.Expect {
			t.Errorf("result %d: %+v, want id %s decision %s", i, results[i], c.ID, c.Expect)
		}
	}
}

// TestDiffExitStatus: diff exits 3 when something changed and writes no error, 0 when nothing
// did, 2 for a side missing.
func TestDiffExitStatus(t *testing.T) {
	partner := filepath.Join("cli", "testdata", "partner")
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"the demo changed", []string{"diff"}, exitChanges, ""},
		{"identical sides", []string{"diff", "--before", partner, "--after", partner}, exitOK, ""},
		{"no later state", []string{"diff", "--before", partner}, exitUsage, "the later state"},
		{"no earlier state", []string{"diff", "--file", partner}, exitUsage, "--before"},
		{"bad --only", []string{"diff", "--only", "both"}, exitUsage, "gained or lost"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCapture(t, "", tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, stderr)
			}
			if tc.stderr == "" && stderr != "" || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr %q, want %q", stderr, tc.stderr)
			}
		})
	}
}
