package tui

import (
	"syscall"
	"time"
	"unsafe"
)

// threadTime is the processor time of the calling thread (CLOCK_THREAD_CPUTIME_ID, to the
// nanosecond): with the goroutine locked to its thread, the time it ran, whatever else the
// machine did meanwhile.
func threadTime() time.Duration {
	const clockThreadCPUTime = 3 // CLOCK_THREAD_CPUTIME_ID
	var ts syscall.Timespec
	if _, _, errno := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}
