//go:build !linux

package tui

import "time"

// threadTime is the processor time of the calling thread and the time it waited for a
// processor, where the system can say them; here it cannot, and both read zero.
func threadTime() (cpu, waited time.Duration) { return 0, 0 }
