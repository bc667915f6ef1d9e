package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestStartupAllocatesLittle checks that iamscope's own packages do next to no work when the
// process starts: every subcommand pays their package initialization, simulate on a small file
// most of all. Reading the action catalogue there once cost every process 15 MB and 60 ms. The
// figure is bytes allocated, as the runtime's init trace reports them: it does not depend on the
// machine's load.
func TestStartupAllocatesLittle(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("running the test binary again: %v\n%s", err, stderr.String())
	}
	const limit = 256 << 10
	total, seen := 0, 0
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		// init github.com/iamscope/iamscope/eval @16 ms, 0.018 ms clock, 6104 bytes, 31 allocs
		f := strings.Fields(sc.Text())
		if len(f) < 9 || f[0] != "init" || !strings.HasPrefix(f[1], "github.com/iamscope/iamscope/") || f[8] != "bytes," {
			continue
		}
		n, err := strconv.Atoi(f[7])
		if err != nil {
			t.Fatalf("init trace line %q: %v", sc.Text(), err)
		}
		seen++
		total += n
		if n > limit/4 {
			t.Errorf("package %s allocates %d bytes when the process starts", f[1], n)
		}
	}
	if seen == 0 {
		t.Fatalf("no init trace of iamscope's packages in:\n%s", stderr.String())
	}
	if total > limit {
		t.Errorf("iamscope's packages allocate %d bytes when the process starts (limit %d)", total, limit)
	}
}
