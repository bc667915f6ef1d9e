package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The palette's history (issue 15): ↑ on an empty input brings back what was run, for the
// session and, through the configuration directory's history.json, the next session; the
// file is written with mode 0600 and holds at most maxHistory entries.
func TestPaletteHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "iamscope", "history.json")
	withHistory := func(o *Options) { o.HistoryPath = path }
	d := newDriver(t, 140, 45, withHistory)
	const cmd = "can dana.whitfield s3:GetObject arn:aws:s3:::tidewater-payroll/2025/03/salaries.csv"
	d.press(":")
	d.typeText(cmd)
	d.press("enter")
	d.contains("✗ EXPLICITLY DENIED")

	d.press("esc", ":")
	d.contains("↑ recalls what was run (1 in the history)")
	d.press("up")
	p := d.m.overlays[0].(*paletteOverlay)
	if got := p.input.String(); got != cmd {
		t.Fatalf("↑ shows %q, want the last command", got)
	}
	d.press("down")
	if got := p.input.String(); got != "" {
		t.Errorf("↓ past the newest shows %q, want an empty input", got)
	}
	d.press("esc")

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("the history was not written: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("history mode %v, want 0600", fi.Mode().Perm())
	}

	// The next session starts with it.
	d2 := newDriver(t, 140, 45, withHistory)
	d2.press(":", "up")
	if got := d2.m.overlays[0].(*paletteOverlay).input.String(); got != cmd {
		t.Errorf("a new session's ↑ shows %q", got)
	}
	d2.press("enter")
	d2.contains("✗ EXPLICITLY DENIED")

	// Bounded.
	for i := range maxHistory + 20 {
		d2.run(d2.m.remember(fmt.Sprintf("who-can s3:GetObject arn:aws:s3:::b%d/*", i)))
	}
	if len(d2.m.history) != maxHistory {
		t.Errorf("%d entries kept, want %d", len(d2.m.history), maxHistory)
	}
	got, err := readHistory(path)
	if err != nil || len(got) != maxHistory || !strings.HasSuffix(got[len(got)-1], fmt.Sprintf("b%d/*", maxHistory+19)) {
		t.Errorf("the file holds %d entries (%v), want the newest %d", len(got), err, maxHistory)
	}
}

// TestHistoryFileRefusesControlText: an entry holding an escape sequence is dropped when read.
func TestHistoryFileRefusesControlText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.json")
	if err := os.WriteFile(path, []byte(`["who-can s3:GetObject *", "\u001b[2Jcan x y z"]`), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := readHistory(path)
	if err != nil || len(got) != 1 || got[0] != "who-can s3:GetObject *" {
		t.Errorf("got %q %v", got, err)
	}
}
