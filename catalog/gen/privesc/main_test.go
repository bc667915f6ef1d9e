package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestEmbeddedCatalogueIsGenerated checks that catalog/data/privesc.json is exactly what this
// command makes of the public catalogue in testdata, so the two cannot drift apart.
func TestEmbeddedCatalogueIsGenerated(t *testing.T) {
	out := filepath.Join(t.TempDir(), "privesc.json")
	if err := run(filepath.Join("testdata", "pathfinding-paths-catalog.yaml"), out); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("..", "..", "data", "privesc.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("catalog/data/privesc.json differs from what the generator makes of testdata (%d bytes against %d): regenerate it", len(want), len(got))
	}
}

// TestRefusesACatalogueThatMiscounts checks that a catalogue whose path_count disagrees with its
// paths is refused with the file named.
func TestRefusesACatalogueThatMiscounts(t *testing.T) {
	in := filepath.Join(t.TempDir(), "paths.yaml")
	yaml := "source: x\npath_count: 2\npaths:\n  - id: a-1\n    category: self-escalation\n    required_actions: [iam:PutUserPolicy]\n"
	if err := os.WriteFile(in, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(in, filepath.Join(t.TempDir(), "out.json"))
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("paths.yaml: path_count says 2, the file holds 1")) {
		t.Errorf("got %v", err)
	}
}
