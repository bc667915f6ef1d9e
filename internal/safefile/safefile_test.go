package safefile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestWriteFileMode: a new file is 0600, and so is one written over a file readable by others.
func TestWriteFileMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("contents %q", b)
	}
}

// TestWriteFileRefusesSymlink: a symbolic link planted at the name is refused, and neither its
// target's contents nor its mode change.
func TestWriteFileRefusesSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "victim")
	if err := os.WriteFile(target, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "iamscope-tree-ada.okafor-20260101-000000.md")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(link, []byte("export"))
	if err == nil || !strings.Contains(err.Error(), link) || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("error %v", err)
	}
	info, _ := os.Stat(target)
	if b, _ := os.ReadFile(target); string(b) != "precious" || info.Mode().Perm() != 0o644 {
		t.Errorf("the link's target became %q, mode %v", b, info.Mode().Perm())
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	onlyFiles(t, dir, "iamscope-tree-ada.okafor-20260101-000000.md", "victim")
}

// TestWriteFileRefusesSpecialFiles: a FIFO, a device and a folder at the name are refused,
// named, and left as they were.
func TestWriteFileRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	folder := filepath.Join(dir, "folder")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ path, want string }{
		{fifo, "is not a regular file (a FIFO)"},
		{"/dev/null", "is not a regular file (a character device)"},
		{folder, "is a folder"},
	} {
		before, err := os.Lstat(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		err = WriteFile(tt.path, []byte("data"))
		if err == nil || !strings.Contains(err.Error(), tt.path) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want …%s…", tt.path, err, tt.want)
		}
		after, err := os.Lstat(tt.path)
		if err != nil || after.Mode() != before.Mode() {
			t.Errorf("%s changed: %v -> %v (%v)", tt.path, before.Mode(), after.Mode(), err)
		}
	}
	onlyFiles(t, dir, "fifo", "folder")
}

// TestWriteFileNeverTruncates: writing over a name that is a hard link of another file
// replaces the name and leaves the other file whole (writing in place would truncate it).
func TestWriteFileNeverTruncates(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "someone-elses")
	if err := os.WriteFile(other, []byte("their data"), 0o644); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, "export.md")
	if err := os.Link(other, name); err != nil {
		t.Skipf("no hard links here: %v", err)
	}
	if err := WriteFile(name, []byte("export")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(other); string(b) != "their data" {
		t.Errorf("the other file became %q", b)
	}
	if b, _ := os.ReadFile(name); string(b) != "export" {
		t.Errorf("the export holds %q", b)
	}
}

// failingWriter fails after n bytes.
type failingWriter struct {
	w io.Writer
	n int
}

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		n, _ := f.w.Write(p[:f.n])
		f.n = 0
		return n, errors.New("disk full")
	}
	f.n -= len(p)
	return f.w.Write(p)
}

// TestWriteFileAtomic: a write that fails part-way leaves the old file whole and no temporary
// file behind; a missing folder is named.
func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "snap.json")
	old := bytes.Repeat([]byte("old "), 1000)
	if err := WriteFile(path, old); err != nil {
		t.Fatal(err)
	}
	wrapWriter = func(w io.Writer) io.Writer { return &failingWriter{w: w, n: 1000} }
	defer func() { wrapWriter = func(w io.Writer) io.Writer { return w } }()
	err := WriteFile(path, bytes.Repeat([]byte("new "), 1000))
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("error %v", err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, old) {
		t.Error("the old file was changed")
	}
	onlyFiles(t, dir, "snap.json")
	missing := filepath.Join(dir, "no", "such", "dir", "s.json")
	if err := WriteFile(missing, nil); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("writing into a missing folder: %v", err)
	}
}

// onlyFiles fails unless dir holds exactly the names given.
func onlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(names, " ") {
		t.Errorf("files %v, want %v", got, names)
	}
}
