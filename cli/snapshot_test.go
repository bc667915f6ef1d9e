package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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

// TestSnapshotRefusesSpecialTargets: `snapshot -o` refuses a FIFO, a device and a symbolic
// link, naming them, and leaves them as they were (as root it used to replace /dev/null and a
// FIFO with a regular file).
func TestSnapshotRefusesSpecialTargets(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{fifo, "/dev/null", link} {
		before, err := os.Lstat(target)
		if err != nil {
			t.Fatal(err)
		}
		_, err = run(t, NewSnapshotCommand(), "-o", target)
		if err == nil || !strings.Contains(err.Error(), target) {
			t.Errorf("snapshot -o %s: %v", target, err)
		}
		if after, err := os.Lstat(target); err != nil || after.Mode() != before.Mode() {
			t.Errorf("%s changed: %v -> %v (%v)", target, before.Mode(), after, err)
		}
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("the link's target became %q", b)
	}
}

// TestCraftedSnapshotIsAnErrorNotACrash: a snapshot with a null user and its checksum
// recomputed (which crashed every command at model/index.go) is an error naming the file
// and the JSON path.
func TestCraftedSnapshotIsAnErrorNotACrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snap.json")
	if _, err := run(t, NewSnapshotCommand(), "-o", path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(data, &env); err != nil {
		t.Fatal(err)
	}
	accounts := bytes.Replace(env["accounts"], []byte(`"users":[{`), []byte(`"users":[null,{`), 1)
	sum := sha256.Sum256(accounts)
	env["accounts"] = accounts
	env["checksum"], _ = json.Marshal("sha256:" + hex.EncodeToString(sum[:]))
	crafted, _ := json.Marshal(env)
	if err := os.WriteFile(path, crafted, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = run(t, NewPathsCommand(), "--file", path)
	if err == nil || !strings.Contains(err.Error(), path+": accounts[0].users[0]: null") {
		t.Errorf("paths on a crafted snapshot: %v", err)
	}
}
