package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSnapshotRoundTripThroughCommands writes the demo to a snapshot and asks the same
// question of the snapshot: the answer is the same, and the file is private.
func TestSnapshotRoundTripThroughCommands(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.snapshot.json")
	if _, err := run(t, NewSnapshotCommand(), "-o", path); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("snapshot mode %v, want 0600", st.Mode().Perm())
	}
	fromDemo, err := run(t, NewWhoCanCommand(), "--json", "sts:AssumeRole", "arn:aws:iam::210987654321:role/ops/tw-ops-prod")
	if err != nil {
		t.Fatal(err)
	}
	fromSnapshot, err := run(t, NewWhoCanCommand(), "--json", "--file", path, "sts:AssumeRole", "arn:aws:iam::210987654321:role/ops/tw-ops-prod")
	if err != nil {
		t.Fatal(err)
	}
	if fromDemo != fromSnapshot || !strings.Contains(fromDemo, "tw-sre-jump") {
		t.Errorf("the snapshot answers differently:\n%s\n---\n%s", fromDemo, fromSnapshot)
	}
	if _, err := run(t, NewSnapshotCommand()); err == nil || !IsUsage(err) {
		t.Errorf("snapshot without -o: %v", err)
	}
}
