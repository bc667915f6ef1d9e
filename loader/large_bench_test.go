package loader_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/synth"
	"github.com/iamscope/iamscope/loader"
)

// denseFile generates the dense large account (synth.DenseOptions: 5,000 roles, 1,500 users,
// 3,000 customer policies, about 19 MB) into a temporary file and returns its path.
func denseFile(b *testing.B) string {
	path := filepath.Join(b.TempDir(), "dense.json")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := synth.Generate(f, synth.DenseOptions()); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkLoadDense loads and indexes the dense large account, as every command on it starts.
// Besides ns/op it reports cpu-ms/op, the processor time of all threads (loading converts
// entries on every processor), which a machine shared with other work inflates less than the
// wall time.
func BenchmarkLoadDense(b *testing.B) {
	path := denseFile(b)
	if _, err := loader.LoadFile(path, nil); err != nil { // the catalog's first load is not measured
		b.Fatal(err)
	}
	b.ReportAllocs()
	c0 := processTime()
	for b.Loop() {
		if _, err := loader.LoadFile(path, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((processTime()-c0).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// processTime is the processor time (user and system, all threads) the process has used.
func processTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLoadDenseEngine loads the dense large account and builds its engine: what a
// command does before its first question.
func BenchmarkLoadDenseEngine(b *testing.B) {
	path := denseFile(b)
	if _, err := loader.LoadFile(path, nil); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		accts, err := loader.LoadFile(path, nil)
		if err != nil {
			b.Fatal(err)
		}
		eval.NewEngine(accts...)
	}
}
