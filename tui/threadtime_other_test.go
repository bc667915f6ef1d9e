//go:build !linux

package tui

import "time"

// threadTime is the processor time of the calling thread where the system can say it; here it
// cannot, and the frames' processor time reads zero.
func threadTime() time.Duration { return 0 }
