// Package safefile writes the files iamscope makes: snapshots, the explorer's exports and its
// palette history. They hold a map of who can do what in an account, and their names may be
// chosen by someone else (a default export name in a shared folder), so every one is written
// the same careful way.
package safefile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// wrapWriter lets tests make writing fail part-way.
var wrapWriter = func(w io.Writer) io.Writer { return w }

// WriteFile writes data to path, readable and writable by its owner only (mode 0600), and
// atomically: it writes a temporary file in the same folder, flushes it to disk and renames it
// over path, so that path holds either what it held before or all of data, never part of it.
//
// It never writes through path: a symbolic link at path is refused (its target is left
// alone), and so is anything at path that is not a regular file (a device such as /dev/null,
// a FIFO, a socket, a folder), each with an error naming path. An existing regular file is
// replaced by the rename, never truncated or written in place, so a file owned by someone else
// is either replaced as a whole (where the folder lets us) or left exactly as it was.
func WriteFile(path string, data []byte) error {
	if err := checkTarget(path); err != nil {
		return err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if base == "" {
		return fmt.Errorf("%s names a folder, not a file", path)
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("the folder %s does not exist", dir)
		}
		return fmt.Errorf("cannot create a file in %s: %w", dir, unwrapPath(err))
	}
	if err := fill(tmp, data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	// Between checkTarget and here someone who can write to the folder could put something
	// else at path; rename replaces that directory entry itself, never what a link points to.
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("cannot put the file in place: %w", unwrapPath(err))
	}
	// Make the rename itself durable; not every system can sync a folder.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// checkTarget refuses a path that is a symbolic link or exists and is not a regular file.
func checkTarget(path string) error {
	info, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("cannot look at %s: %w", path, unwrapPath(err))
	case info.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%s is a symbolic link: iamscope does not write through one; remove it or give another name", path)
	case info.IsDir():
		return fmt.Errorf("%s is a folder: give a file name", path)
	case !info.Mode().IsRegular():
		return fmt.Errorf("%s exists and is not a regular file (%s): iamscope writes only regular files; give another name", path, kindOf(info.Mode()))
	}
	return nil
}

// kindOf names a special file's type for people.
func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// fill writes data to the new temporary file f with mode 0600, syncs and closes it.
func fill(f *os.File, data []byte) error {
	if err := f.Chmod(0o600); err != nil {
		return err
	}
	w := bufio.NewWriterSize(wrapWriter(f), 1<<20)
	if _, err := w.Write(data); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return f.Close()
}

// unwrapPath drops the temporary file's name from an *os.PathError: the message names the
// folder or the target itself.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
