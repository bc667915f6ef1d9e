package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "small.json")
	if err := run([]string{"-roles", "30", "-users", "10", "-policies", "20", "-seed", "4", "-o", out}, nil); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	if err := run([]string{"-roles", "30", "-users", "10", "-policies", "20", "-seed", "4"}, &stdout); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw, stdout.Bytes()) || !json.Valid(raw) {
		t.Error("the file and standard output differ, or are not JSON")
	}
	if err := run([]string{"-roles", "3", "extra"}, &stdout); err == nil {
		t.Error("an extra argument was accepted")
	}
}
