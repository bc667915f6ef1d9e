package loader

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// Depth bombs anywhere in a file (at the top, in an entry, in a policy document, in a
// snapshot, in a resource policy file) are refused at once, with the file, line and column.
func TestDepthBombsAreRefused(t *testing.T) {
	dir := t.TempDir()
	deep := func(open, close string) string {
		return strings.Repeat(open, 1_000_000) + strings.Repeat(close, 1_000_000)
	}
	for name, body := range map[string]string{
		"top":      deep("[", "]"),
		"objects":  strings.Repeat(`{"a":`, 1_000_000) + "1" + strings.Repeat("}", 1_000_000),
		"entry":    `{"UserDetailList":[{"UserName":"u","Arn":"arn:aws:iam::123456789012:user/u","Tags":` + deep("[", "]") + `}]}`,
		"policy":   `{"UserDetailList":[{"UserName":"u","Arn":"arn:aws:iam::123456789012:user/u","UserPolicyList":[{"PolicyName":"p","PolicyDocument":{"Version":"2012-10-17","Statement":` + deep("[", "]") + `}}]}]}`,
		"snapshot": `{"format":"iamscope-snapshot","version":1,"accounts":` + deep("[", "]") + `}`,
		"resource": `{"Version":"2012-10-17","Statement":` + deep("[", "]") + `}`,
	} {
		path := filepath.Join(dir, name+".json")
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err := LoadFiles([]string{path}, nil)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: %v", name, d)
		}
		if err == nil || !strings.Contains(err.Error(), path+":1:") || !strings.Contains(err.Error(), "10,000 levels deep") {
			t.Errorf("%s: err = %v, want the place and the nesting named", name, err)
		}
	}
}

// A policy nested deep but within JSON's limit is left out with a warning; the rest loads.
func TestDeepPolicyIsAWarning(t *testing.T) {
	body := `{"UserDetailList":[{"UserName":"u","Arn":"arn:aws:iam::123456789012:user/u","UserPolicyList":[{"PolicyName":"p","PolicyDocument":{"Version":"2012-10-17","Statement":` +
		strings.Repeat("[", 9_000) + strings.Repeat("]", 9_000) + `}}]}]}`
	path := filepath.Join(t.TempDir(), "deep.json")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	accounts, err := LoadFiles([]string{path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := accounts[0]
	if len(a.Users) != 1 || len(a.Warnings) != 1 || !strings.Contains(a.Warnings[0].Where, "UserPolicyList[0].PolicyDocument") {
		t.Errorf("users %d, warnings %v", len(a.Users), a.Warnings)
	}
}

// The input of one load is bounded (IAMSCOPE_MAX_INPUT_MB, 1 GiB by default): a larger file,
// or files larger together, are refused before they are read, saying how to allow them.
func TestInputLimit(t *testing.T) {
	dir := t.TempDir()
	filler := `{"UserDetailList":[{"UserName":"u","Arn":"arn:aws:iam::123456789012:user/u","Tags":[{"Key":"k","Value":"` +
		strings.Repeat("x", 700<<10) + `"}]}]}`
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	for _, p := range []string{a, b} {
		if err := os.WriteFile(p, []byte(filler), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("IAMSCOPE_MAX_INPUT_MB", "1")
	if _, err := LoadFiles([]string{a}, nil); err != nil {
		t.Fatalf("one file within the limit: %v", err)
	}
	_, err := LoadFiles([]string{a, b}, nil)
	if err == nil || !strings.Contains(err.Error(), b+" is 0 MiB and the files before it 0 MiB: over the limit of 1 MiB") ||
		!strings.Contains(err.Error(), "IAMSCOPE_MAX_INPUT_MB=2") {
		t.Errorf("two files over the limit: %v", err)
	}
	if _, _, err := ReadSnapshot(a); err == nil || strings.Contains(err.Error(), "over the limit") {
		t.Errorf("a snapshot within the limit is read (and refused as no snapshot): %v", err)
	}
	t.Setenv("IAMSCOPE_MAX_INPUT_MB", "lots")
	if _, err := LoadFiles([]string{a}, nil); err == nil || !strings.Contains(err.Error(), `IAMSCOPE_MAX_INPUT_MB="lots"`) {
		t.Errorf("a bad limit: %v", err)
	}
}

// TestRelaxGC: a small load raises the collector's target and the last of overlapping loads
// puts it back; a load over loadGCInputMax, or with GOGC set, leaves it alone.
// (Go's GC guide: https://go.dev/doc/gc-guide#GOGC)
func TestRelaxGC(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.json")
	if err := os.WriteFile(small, []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	large := filepath.Join(dir, "large.json")
	if err := os.WriteFile(large, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(large, loadGCInputMax+1); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOGC", "")
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	current := func() int { p := debug.SetGCPercent(-1); debug.SetGCPercent(p); return p }

	first := RelaxGC([]string{small})
	second := RelaxGC([]string{small})
	if got := current(); got != loadGCPercent {
		t.Errorf("during a small load the target is %d, want %d", got, loadGCPercent)
	}
	first()
	if got := current(); got != loadGCPercent {
		t.Errorf("while a second load runs the target is %d, want %d", got, loadGCPercent)
	}
	second()
	if got := current(); got != 100 {
		t.Errorf("after the loads the target is %d, want 100 back", got)
	}
	RelaxGC([]string{large})()
	done := RelaxGC([]string{small, large})
	if got := current(); got != 100 {
		t.Errorf("during a load over %d bytes the target is %d, want 100 kept", loadGCInputMax, got)
	}
	done()
	t.Setenv("GOGC", "50")
	done = RelaxGC([]string{small})
	if got := current(); got != 100 {
		t.Errorf("with GOGC set the target is %d, want it kept", got)
	}
	done()
}
