package loader

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
)

// DefaultMaxInputMB bounds what one load reads, all its files together, in MiB. Loading holds
// about five times the input in memory (a 506 MB dump of 137,000 roles peaked at 2.4 GB
// resident), so a larger input is refused with an error that says how to allow it, rather than
// exhausting the machine. The environment variable IAMSCOPE_MAX_INPUT_MB overrides it.
const DefaultMaxInputMB = 1024

// maxInputBytes returns the bound on one load's input, from IAMSCOPE_MAX_INPUT_MB when set.
func maxInputBytes() (int64, error) {
	v := os.Getenv("IAMSCOPE_MAX_INPUT_MB")
	if v == "" {
		return DefaultMaxInputMB << 20, nil
	}
	mb, err := strconv.ParseInt(v, 10, 64)
	if err != nil || mb <= 0 || mb > 1<<30 {
		return 0, fmt.Errorf("IAMSCOPE_MAX_INPUT_MB=%q: want a whole number of MiB, e.g. 2048", v)
	}
	return mb << 20, nil
}

// inputBudget is what a load may still read.
type inputBudget struct {
	max, left int64
}

func newInputBudget() (*inputBudget, error) {
	max, err := maxInputBytes()
	if err != nil {
		return nil, err
	}
	return &inputBudget{max: max, left: max}, nil
}

// read reads a whole file within the budget. A file larger than what is left is refused
// before it is read (or, for a pipe whose size is unknown, as soon as it runs over).
func (b *inputBudget) read(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", name, pathErrorText(err))
	}
	defer f.Close()
	size := int64(0)
	if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
		if info.Size() > b.left {
			return nil, b.tooLarge(name, info.Size())
		}
		size = info.Size()
	}
	data, err := readAll(io.LimitReader(f, b.left+1), size)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", name, pathErrorText(err))
	}
	if int64(len(data)) > b.left {
		return nil, b.tooLarge(name, int64(len(data)))
	}
	b.left -= int64(len(data))
	return data, nil
}

// readAll reads r to its end into a buffer made for size bytes (a regular file's size; 0 when
// unknown), growing it only if more come, as os.ReadFile does: a large file is not copied
// from buffer to ever larger buffer.
func readAll(r io.Reader, size int64) ([]byte, error) {
	data := make([]byte, 0, size+512)
	for {
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return data, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}

func (b *inputBudget) tooLarge(name string, size int64) error {
	read := b.max - b.left
	what := fmt.Sprintf("%s is %d MiB", name, size>>20)
	if read > 0 {
		what += fmt.Sprintf(" and the files before it %d MiB", read>>20)
	}
	need := (read + size + 1<<20 - 1) >> 20
	return fmt.Errorf("%s: over the limit of %d MiB that one load reads (loading holds about five times its input in memory); "+
		"set IAMSCOPE_MAX_INPUT_MB=%d or more to load it anyway", what, b.max>>20, need)
}

// pathErrorText returns the error of a failed file operation without the operation and path
// that the caller names itself ("open x.json: no such file or directory" -> "no such file or
// directory").
func pathErrorText(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// A load builds a heap that it keeps to its end: collecting garbage while that heap grows
// finds little to free. A load of at most loadGCInputMax bytes of regular files therefore runs
// with the collector's target raised to loadGCPercent (GOGC=400: about 10% less processor
// time on the dense generated account, for about 15% more peak memory), unless GOGC is set.
// Larger loads, whose heap is large already, keep the target as it is. A command that answers
// one question and exits (who-can) may keep the target raised to its end (RelaxGC): put back
// after the load, it would start a collection of the whole loaded heap at once.
const (
	loadGCPercent  = 400
	loadGCInputMax = 64 << 20
)

var (
	gcMu    sync.Mutex
	gcLoads int // loads running with the raised target
	gcSaved int // the target before the first of them
)

// SmallInput reports whether files are regular files of at most loadGCInputMax bytes in all
// (a pipe's size is not known): a load whose heap stays small, for which a raised garbage
// collector's target costs little memory.
func SmallInput(files []string) bool {
	var size int64
	for _, name := range files {
		info, err := os.Stat(name)
		if err != nil || !info.Mode().IsRegular() {
			return false
		}
		size += info.Size()
	}
	return size <= loadGCInputMax
}

// RelaxGC raises the garbage collector's target while the files are loaded and asked about,
// if it should (see loadGCPercent), and returns the function that puts it back. Calls may
// overlap: the last to put it back does.
func RelaxGC(files []string) (restore func()) {
	if os.Getenv("GOGC") != "" || !SmallInput(files) {
		return func() {}
	}
	gcMu.Lock()
	defer gcMu.Unlock()
	if gcLoads == 0 {
		gcSaved = debug.SetGCPercent(loadGCPercent)
		if gcSaved < 0 || gcSaved > loadGCPercent { // off, or already higher: leave it
			debug.SetGCPercent(gcSaved)
		}
	}
	gcLoads++
	return func() {
		gcMu.Lock()
		defer gcMu.Unlock()
		if gcLoads--; gcLoads == 0 {
			debug.SetGCPercent(gcSaved)
		}
	}
}
