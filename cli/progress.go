package cli

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/spf13/cobra"

	"github.com/iamscope/iamscope/loader"
)

// progressLine returns a progress reporter that redraws one status line on standard error
// while accounts load, when standard error is a terminal; nil otherwise (scripts get no noise).
func progressLine(cmd *cobra.Command) (loader.ProgressFunc, func()) {
	f, ok := cmd.ErrOrStderr().(*os.File)
	if !ok || !isTerminal(f) {
		return nil, func() {}
	}
	return newProgressLine(f)
}

func newProgressLine(w io.Writer) (loader.ProgressFunc, func()) {
	var mu sync.Mutex
	drawn := false
	report := func(p loader.Progress) {
		mu.Lock()
		defer mu.Unlock()
		line := clean(p.Stage)
		if p.Total > 0 {
			line += fmt.Sprintf(" %d/%d", p.Done, p.Total)
		} else if p.Done > 0 {
			line += fmt.Sprintf(" %d", p.Done)
		}
		if p.Warnings > 0 {
			line += fmt.Sprintf(" (%d warning(s))", p.Warnings)
		}
		if len(line) > 100 {
			line = line[:100]
		}
		fmt.Fprintf(w, "\r\x1b[2K%s", line)
		drawn = true
	}
	done := func() {
		mu.Lock()
		defer mu.Unlock()
		if drawn {
			fmt.Fprint(w, "\r\x1b[2K")
		}
	}
	return report, done
}
