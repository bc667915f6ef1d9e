package synth

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/loader"
)

// TestHugeDump loads a generated dump of IAMSCOPE_HUGE_MB megabytes (500 by default) and
// compiles the engine over it, reporting the time and the peak resident memory; it runs only
// when IAMSCOPE_HUGE=1, since it writes the file to a temporary folder and needs a few
// gigabytes of memory:
//
//	IAMSCOPE_HUGE=1 go test ./internal/synth -run HugeDump -v -timeout 30m
//
// The figures are in the README's Limits table.
func TestHugeDump(t *testing.T) {
	if os.Getenv("IAMSCOPE_HUGE") != "1" {
		t.Skip("set IAMSCOPE_HUGE=1 to load a 500 MB dump")
	}
	mb := 500
	if v := os.Getenv("IAMSCOPE_HUGE_MB"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("IAMSCOPE_HUGE_MB=%q: want a whole number of megabytes", v)
		}
		mb = n
	}
	if mb > loader.DefaultMaxInputMB {
		t.Setenv("IAMSCOPE_MAX_INPUT_MB", strconv.Itoa(mb+mb/4))
	}
	// DefaultOptions makes 18.3 MB; scale every count.
	def := DefaultOptions()
	scale := float64(mb) / 18.3
	opts := Options{Roles: int(float64(def.Roles) * scale), Users: int(float64(def.Users) * scale),
		Policies: int(float64(def.Policies) * scale), Seed: 1}
	path := filepath.Join(t.TempDir(), "huge.json")
	start := time.Now()
	if err := writeFile(path, opts); err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(path)
	t.Logf("generated %d MiB (%d roles, %d users, %d policies) in %v", info.Size()>>20, opts.Roles, opts.Users, opts.Policies, time.Since(start))

	runtime.GC()
	debug.FreeOSMemory()
	resetOK := resetPeakRSS()
	cpu0, _ := cpuTime()
	start = time.Now()
	accounts, err := loader.LoadFiles([]string{path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	load := time.Since(start)
	start = time.Now()
	e := eval.NewEngine(accounts...)
	compile := time.Since(start)
	if kb, ok := peakRSSKB(); ok && resetOK {
		t.Logf("peak resident memory after loading and compiling: %d MB (%.1f times the file)", kb>>10, float64(kb<<10)/float64(info.Size()))
	}
	start = time.Now()
	grantees := e.WhoCan("s3:GetObject", "arn:aws:s3:::some-bucket/key", nil, eval.Discovery)
	whoCan := time.Since(start)
	cpu1, _ := cpuTime()
	t.Logf("loaded %d roles, %d users in %v; engine compiled in %v; who-can (%d parties) in %v; processor time %v",
		len(accounts[0].Roles), len(accounts[0].Users), load, compile, len(grantees), whoCan, cpu1-cpu0)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("Go heap in use %d MB; total allocated %d MB", ms.HeapInuse>>20, ms.TotalAlloc>>20)
	if kb, ok := peakRSSKB(); ok && resetOK {
		t.Logf("peak resident memory after who-can: %d MB (%.1f times the file)", kb>>10, float64(kb<<10)/float64(info.Size()))
		if kb>>20 > 16 {
			t.Errorf("peak resident memory %d MB, over 16 GB", kb>>10)
		}
	}
	if load > 5*time.Minute {
		t.Errorf("loading took %v, over 5 minutes", load)
	}
}
