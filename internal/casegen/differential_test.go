package casegen_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/casegen"
	"github.com/iamscope/iamscope/internal/testenv"
)

// The differential test's cases: a fixed seed, so that a failure can be reproduced with
// `go run ./internal/casegen/cmd/gencases -n 5000 -seed 20261127`. IAMSCOPE_DIFF_SEED and
// IAMSCOPE_DIFF_CASES run other cases, and IAMSCOPE_DIFF_DUMP names a file to write each
// unexplained disagreement to.
const (
	diffSeed  = 20261127
	diffCases = 5000
)

// oracleResult is one answer of the reference simulator (reference/driver.mjs).
type oracleResult struct {
	ID       string          `json:"id"`
	Decision string          `json:"decision"`
	Error    string          `json:"error"`
	Warnings []string        `json:"warnings"`
	Raw      json.RawMessage `json:"raw"`
}

// TestDifferential runs generated cases through the reference simulator and the engine and
// fails on any disagreement that is not a documented deviation of the simulator (see
// deviations_test.go). It needs node and npm; -short skips it.
func TestDifferential(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the differential test runs the reference simulator (node)")
	}
	oracle := oraclePath(t)
	seed, n := uint64(diffSeed), diffCases
	if v := os.Getenv("IAMSCOPE_DIFF_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	if v := os.Getenv("IAMSCOPE_DIFF_CASES"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	cases := casegen.Generate(seed, n)
	results := runOracle(t, oracle, cases)

	var agree, refused int
	explained := map[string]int{}
	var failures []string
	dump := openDump(t)
	fail := func(raw json.RawMessage, format string, args ...any) {
		if len(failures) < 8 {
			failures = append(failures, fmt.Sprintf(format, args...)+"\n  case: "+string(raw))
		} else {
			failures = append(failures, "")
		}
	}
	for i, raw := range cases {
		o := results[i]
		ours := eval.RunCase(raw, true)
		switch {
		case o.Error != "":
			refused++
			fail(raw, "%s: the reference simulator refused a generated case: %s %s", o.ID, o.Error, o.Raw)
			continue
		case len(o.Warnings) > 0:
			fail(raw, "%s: the reference simulator read the context differently: %s", o.ID, strings.Join(o.Warnings, "; "))
			continue
		case ours.Error != "":
			fail(raw, "%s: the engine refused a generated case: %s", o.ID, ours.Error)
			continue
		case string(ours.Decision) == o.Decision:
			agree++
			continue
		}
		c := &diffCase{Raw: raw, Oracle: o.Decision, Ours: ours}
		if err := json.Unmarshal(raw, &c.Case); err != nil {
			t.Fatal(err)
		}
		if d := explain(c); d != nil {
			explained[d.Name]++
			continue
		}
		dump(c, o)
		ex, _ := json.MarshalIndent(ours.Explanation, "  ", "  ")
		fail(raw, "%s: reference %s, engine %s\n  reference: %s\n  engine: %s", o.ID, o.Decision, ours.Decision, o.Raw, ex)
	}
	t.Logf("%d generated cases (seed %d): %d agree, %d differ by documented deviations of the reference, %d other disagreements, %d refused",
		len(cases), seed, agree, sum(explained), len(failures), refused)
	names := make([]string, 0, len(explained))
	for n := range explained {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("  %5d  %s", explained[n], n)
	}
	if len(failures) > 0 {
		shown := failures[:min(len(failures), 8)]
		t.Errorf("%d cases disagree with the reference simulator and are not documented deviations; the first:\n%s",
			len(failures), strings.Join(shown, "\n\n"))
	}
}

// openDump returns a function that writes a disagreement to the file named by
// $IAMSCOPE_DIFF_DUMP (one JSON object a line), for studying disagreements; without the
// variable it does nothing.
func openDump(t *testing.T) func(c *diffCase, o oracleResult) {
	path := os.Getenv("IAMSCOPE_DIFF_DUMP")
	if path == "" {
		return func(*diffCase, oracleResult) {}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	enc := json.NewEncoder(f)
	return func(c *diffCase, o oracleResult) {
		enc.Encode(map[string]any{"id": o.ID, "oracle": o.Decision, "engine": c.Ours.Decision, "reference": o.Raw,
			"reason": c.Ours.Explanation.Reason, "case": c.Raw})
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// oraclePath finds the reference simulator's runner (reference/run, which installs the pinned
// package on first use) and checks that the tools it needs are there. Where one is missing the
// test is skipped with the reason, except in CI, where a missing tool is a failure (testenv).
func oraclePath(t *testing.T) string {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("reference", "run"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the reference simulator's runner is missing: %v", err)
	}
	for _, tool := range []string{"bash", "node", "npm"} {
		testenv.LookPath(t, tool, "the reference simulator of the differential test")
	}
	return path
}

// runOracle writes the cases to a file, runs the reference simulator on it, and returns its
// answers in order.
func runOracle(t *testing.T, oracle string, cases []json.RawMessage) []oracleResult {
	t.Helper()
	file := filepath.Join(t.TempDir(), "cases.json")
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i, c := range cases {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(c)
	}
	buf.WriteByte(']')
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", oracle, file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("running %s: %v\n%s", oracle, err, stderr.String())
	}
	var results []oracleResult
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("reading the reference simulator's answers: %v", err)
	}
	if len(results) != len(cases) {
		t.Fatalf("the reference simulator answered %d cases of %d", len(results), len(cases))
	}
	return results
}
