package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/iamscope/iamscope/internal/synth"
)

// TestSignalStopsAQuery runs the built binary on the dense generated account, sends ctrl+c
// (SIGINT) or SIGTERM while it answers, and checks that it stops with exit status 130 and a
// message that says the answer is incomplete. The query is paths --json, which takes seconds on
// that account, so the status and the message tell a stop from an end. How soon it stops (the
// target is within a second) is logged and measured in BENCHMARKS.md, not asserted: a loaded
// machine delays any process; the test fails only past five seconds.
func TestSignalStopsAQuery(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds the binary and a 20 MB account")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "iamscope")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	account := filepath.Join(dir, "dense.json")
	f, err := os.Create(account)
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.Generate(f, synth.DenseOptions()); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(bin, "paths", "--json", "--file", account)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				t.Fatalf("the query ended before the signal (%v): nothing to stop", err)
			case <-time.After(400 * time.Millisecond):
			}
			sent := time.Now()
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("still running 5 s after %v", sig)
			}
			took := time.Since(sent)
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != exitInterrupted {
				t.Errorf("exit %v, want status %d", err, exitInterrupted)
			}
			if !strings.Contains(stderr.String(), "interrupted: stopped before the answer was complete") {
				t.Errorf("stderr does not say it stopped: %q", stderr.String())
			}
			t.Logf("%v: stopped %v after the signal", sig, took.Round(time.Millisecond))
		})
	}
}
