package loader

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/iamscope/iamscope/model"
)

// TestSnapshotRoundTrip: dump -> snapshot -> load gives deep-equal accounts, warnings, source
// and load time included, through both LoadFiles and ReadSnapshot.
func TestSnapshotRoundTrip(t *testing.T) {
	for _, paths := range [][]string{
		{accountsPath(t, dumpVulnerable)},
		{accountsPath(t, dumpAWSCLI)},
		{accountsPath(t, dumpCloudMap), accountsPath(t, dirCloudMapRP)},
		{accountsPath(t, dumpSmall), accountsPath(t, dumpVulnerable)},
	} {
		t.Run(filepath.Base(paths[0]), func(t *testing.T) {
			want, err := LoadFiles(paths, nil)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "snap.json")
			created := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
			if err := WriteSnapshot(path, want, SnapshotMeta{CreatedAt: created, Source: "file:" + strings.Join(paths, " file:")}); err != nil {
				t.Fatal(err)
			}
			got, err := LoadFiles([]string{path}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("LoadFiles(snapshot) differs from the accounts written")
				sameEntities(t, got[0], want[0])
			}
			got, meta, err := ReadSnapshot(path)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ReadSnapshot differs from the accounts written")
			}
			if !meta.CreatedAt.Equal(created) || meta.Source != "file:"+strings.Join(paths, " file:") {
				t.Errorf("meta %+v", meta)
			}
			if len(want[0].Warnings) > 0 && !reflect.DeepEqual(got[0].Warnings, want[0].Warnings) {
				t.Errorf("warnings %v, want %v", got[0].Warnings, want[0].Warnings)
			}
		})
	}
}

func writeTestSnapshot(t *testing.T) (path string, data []byte) {
	t.Helper()
	accounts, err := LoadFiles([]string{accountsPath(t, dumpSmall)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "snap.json")
	if err := WriteSnapshot(path, accounts, SnapshotMeta{Source: "test"}); err != nil {
		t.Fatal(err)
	}
	data, err = os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, data
}

// TestSnapshotMode: a snapshot is 0600, even over a file that was readable by others.
func TestSnapshotMode(t *testing.T) {
	path, data := writeTestSnapshot(t)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	accounts, _, err := ReadSnapshot(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteSnapshot(path, accounts, SnapshotMeta{Source: "test"}); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("mode after overwriting a 0644 file: %v", info.Mode().Perm())
	}
	if !bytes.HasPrefix(data, []byte(`{"format":"iamscope-snapshot","version":3,"createdAt":"`)) {
		t.Errorf("envelope starts %s", firstBytes(data, 80))
	}
}

// TestSnapshotWritesThroughSafefile: a snapshot is written as every file iamscope writes
// (internal/safefile, whose tests cover the rest): a symbolic link at the name is refused and
// its target left alone, and a missing folder is named.
func TestSnapshotWritesThroughSafefile(t *testing.T) {
	path, old := writeTestSnapshot(t)
	accounts, _, err := ReadSnapshot(path)
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(filepath.Dir(path), "link.json")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	accounts[0].Users = nil
	err = WriteSnapshot(link, accounts, SnapshotMeta{})
	if err == nil || !strings.Contains(err.Error(), "writing snapshot "+link) || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("error %v", err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, old) {
		t.Error("the link's target was changed")
	}
	if err := WriteSnapshot(filepath.Join(t.TempDir(), "no", "such", "dir", "s.json"), accounts, SnapshotMeta{}); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}

// TestSnapshotRefused: a newer version, an edited or corrupt file, a truncated one.
func TestSnapshotRefused(t *testing.T) {
	path, data := writeTestSnapshot(t)
	tests := []struct {
		name   string
		edit   func([]byte) []byte
		expect string
	}{
		{"newer", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"version":3`), []byte(`"version":4`), 1)
		}, path + " was written by a newer iamscope: format version 4, this build reads 3"},
		{"edited", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"Effect":"Allow"`), []byte(`"Effect":"Deny" `), 1)
		}, path + " is corrupt or was edited: its accounts do not match its checksum (recorded sha256:"},
		{"reindented", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"accounts":[{`), []byte("\"accounts\":[\n  {"), 1)
		}, "is corrupt or was edited"},
		{"truncated", func(b []byte) []byte { return b[:len(b)/2] }, "the JSON ends early (the file is truncated?)"},
		{"bad JSON", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"format":"iamscope-snapshot",`), []byte("\"format\":\"iamscope-snapshot\"\n,,"), 1)
		}, path + ":2:2: bad JSON: invalid character ','"},
		{"no checksum", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"checksum":"sha256:`), []byte(`"checksum":"md5:`), 1)
		}, "has no sha256 checksum"},
		{"no version", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"version":3`), []byte(`"version":0`), 1)
		}, "has no valid format version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			edited := tt.edit(append([]byte(nil), data...))
			if bytes.Equal(edited, data) {
				t.Fatal("the edit changed nothing")
			}
			if err := os.WriteFile(path, edited, 0o600); err != nil {
				t.Fatal(err)
			}
			_, _, err := ReadSnapshot(path)
			if err == nil || !strings.Contains(err.Error(), tt.expect) {
				t.Errorf("ReadSnapshot: %v\nwant …%s…", err, tt.expect)
			}
			_, err = LoadFiles([]string{path}, nil)
			if err == nil || !strings.Contains(err.Error(), tt.expect) {
				t.Errorf("LoadFiles: %v\nwant …%s…", err, tt.expect)
			}
		})
	}
}

// TestSnapshotAndDumpOfOneAccount: the same account from a snapshot and a dump is refused.
func TestSnapshotAndDumpOfOneAccount(t *testing.T) {
	path, _ := writeTestSnapshot(t)
	_, err := LoadFiles([]string{path, accountsPath(t, dumpSmall)}, nil)
	if err == nil || !strings.Contains(err.Error(), "account 012345678901 is loaded twice") {
		t.Errorf("got %v", err)
	}
	var empty []*model.Account
	p := filepath.Join(t.TempDir(), "empty.json")
	if err := WriteSnapshot(p, empty, SnapshotMeta{}); err != nil {
		t.Fatal(err)
	}
	if got, _, err := ReadSnapshot(p); err != nil || len(got) != 0 {
		t.Errorf("empty snapshot: %v %v", got, err)
	}
}

// TestSnapshotVersion2Fields: the organization's management account, users' login profiles
// and Lambda functions' roles read back exactly; a version 1 snapshot, written before them,
// still loads, with the management account unknown (so SCPs bind every account, as before),
// login profiles unknown and no functions.
func TestSnapshotVersion2Fields(t *testing.T) {
	old, meta, err := ReadSnapshot(filepath.Join("testdata", "snapshot-v1.json"))
	if err != nil {
		t.Fatalf("version 1 snapshot: %v", err)
	}
	if len(old) != 1 || meta.Source != "live:default/us-east-1" {
		t.Fatalf("version 1 snapshot: %d accounts, meta %+v", len(old), meta)
	}
	a := old[0]
	if a.Organization == nil || len(a.Organization.Levels) != 2 || a.Organization.ManagementAccountID != "" {
		t.Fatalf("version 1 organization: %+v", a.Organization)
	}
	if a.Users[0].LoginProfile != model.LoginProfileUnknown || a.Functions != nil {
		t.Errorf("version 1: login profile %q, functions %v", a.Users[0].LoginProfile, a.Functions)
	}

	a.Organization.ManagementAccountID = a.ID
	a.Users[0].LoginProfile = model.LoginProfilePresent
	a.Users = append(a.Users, &model.User{ARN: "arn:aws:iam::111122223333:user/bot", Name: "bot", Path: "/", LoginProfile: model.LoginProfileAbsent})
	a.Functions = []*model.Function{{ARN: "arn:aws:lambda:us-east-1:111122223333:function:f", Role: "arn:aws:iam::111122223333:role/exec"}}
	reindex(a)
	path := filepath.Join(t.TempDir(), "snap.json")
	if err := WriteSnapshot(path, old, SnapshotMeta{Source: "test"}); err != nil {
		t.Fatal(err)
	}
	got, _, err := ReadSnapshot(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, old) {
		t.Errorf("read back %+v, want %+v", got[0], old[0])
	}
	if g := got[0]; !g.Organization.IsManagement(g.ID) || g.Users[1].LoginProfile != model.LoginProfileAbsent || g.Functions[0].Role != "arn:aws:iam::111122223333:role/exec" {
		t.Errorf("new fields lost: %+v %+v %+v", g.Organization, g.Users[1], g.Functions)
	}
}
