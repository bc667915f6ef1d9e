package tui

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"
	"unsafe"
)

// threadTime is the processor time of the calling thread (CLOCK_THREAD_CPUTIME_ID, to the
// nanosecond) and the time it has waited, ready to run, for a processor the system gave to
// other work (run_delay of /proc/thread-self/schedstat). With the goroutine locked to its
// thread, the first is the time it ran; wall time beyond both is time the thread slept: the
// goroutine waited for Go's scheduler (a P, or a stop of the world). Zero when the system
// does not say.
func threadTime() (cpu, waited time.Duration) {
	const clockThreadCPUTime = 3 // CLOCK_THREAD_CPUTIME_ID
	var ts syscall.Timespec
	if _, _, errno := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); errno == 0 {
		cpu = time.Duration(ts.Nano())
	}
	b, err := os.ReadFile("/proc/thread-self/schedstat")
	if f := bytes.Fields(b); err == nil && len(f) >= 2 {
		if delay, err := strconv.ParseInt(string(f[1]), 10, 64); err == nil {
			waited = time.Duration(delay)
		}
	}
	return cpu, waited
}
