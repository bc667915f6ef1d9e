package synth

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/iamscope/iamscope/loader"
)

// BenchmarkLoadSynthetic5000 loads and indexes the default synthetic account (5,000 roles,
// 1,500 users, 3,000 policies; see DefaultOptions) with loader.LoadFiles, from a file generated
// once into the benchmark's temporary folder. Besides ns/op and B/op it reports:
//
//   - cold-ms: the first load, which also decodes the embedded catalog's managed policies;
//   - cpu-ms/op: processor time (user and system, all threads) per load, which a busy machine
//     does not inflate as it does ns/op;
//   - peak-RSS-MB: the process's peak resident memory while loading (Linux: the high-water mark
//     is reset after the file is written, so generation does not count).
func BenchmarkLoadSynthetic5000(b *testing.B) {
	path := filepath.Join(b.TempDir(), "synthetic-5000.json")
	if err := writeFile(path, DefaultOptions()); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS := resetPeakRSS()

	start := time.Now()
	accts, err := loader.LoadFiles([]string{path}, nil)
	if err != nil {
		b.Fatal(err)
	}
	cold := time.Since(start)
	if len(accts) != 1 || len(accts[0].Roles) != 5000 || len(accts[0].Users) != 1500 {
		b.Fatalf("loaded %d accounts; want one of 5,000 roles and 1,500 users", len(accts))
	}
	if w := accts[0].Warnings; len(w) > 0 {
		b.Fatalf("the synthetic account loads with %d warnings, the first: %s", len(w), w[0])
	}
	accts = nil

	b.ReportAllocs()
	cpu0, cpuOK := cpuTime()
	n := 0
	for b.Loop() {
		if _, err := loader.LoadFiles([]string{path}, nil); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if cpu1, ok := cpuTime(); ok && cpuOK && n > 0 {
		b.ReportMetric(float64((cpu1-cpu0).Microseconds())/1000/float64(n), "cpu-ms/op")
	}
	b.ReportMetric(float64(cold.Microseconds())/1000, "cold-ms")
	if resetPeakRSS {
		if kb, ok := peakRSSKB(); ok {
			b.ReportMetric(float64(kb)/1024, "peak-RSS-MB")
		}
	}
}

// writeFile generates an account into a file.
func writeFile(path string, opts Options) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := Generate(f, opts); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// cpuTime returns the processor time the process has used, user and system.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}

// resetPeakRSS resets the process's peak resident set size (VmHWM) where Linux allows it, and
// reports whether it did.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSSKB reads the process's peak resident set size, in KiB, from /proc/self/status.
func peakRSSKB() (int64, bool) {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		rest, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmHWM:"))
		if !ok {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) == 0 {
			return 0, false
		}
		kb, err := strconv.ParseInt(string(f[0]), 10, 64)
		return kb, err == nil
	}
	return 0, false
}
