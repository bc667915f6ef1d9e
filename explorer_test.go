package main

import (
	"strings"
	"testing"

	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/tui"
)

// TestNoArgumentsOpensTheExplorer checks that iamscope with no subcommand opens the explorer on
// the demo account, with the flags passed on.
func TestNoArgumentsOpensTheExplorer(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // no key file
	t.Setenv("NO_COLOR", "")
	var got []tui.Options
	old := runExplorer
	runExplorer = func(o tui.Options) error { got = append(got, o); return nil }
	defer func() { runExplorer = old }()

	if code, _, stderr := runCapture(t, ""); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if code, _, stderr := runCapture(t, "", "--theme", "light", "--no-color", "--no-mouse"); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if len(got) != 2 {
		t.Fatalf("explorer ran %d times", len(got))
	}
	o := got[0]
	if o.Source != "demo" || o.Theme != "" || o.NoColor || o.NoMouse || o.Keys == nil {
		t.Errorf("defaults: %+v", o)
	}
	accounts, err := o.Load(nil)
	if err != nil || len(accounts) == 0 || accounts[0].ID != demo.MainAccountID {
		t.Errorf("source: %v %v", accounts, err)
	}
	if o := got[1]; o.Theme != "light" || !o.NoColor || !o.NoMouse {
		t.Errorf("flags not passed: %+v", o)
	}

	t.Setenv("NO_COLOR", "1")
	runCapture(t, "")
	if !got[2].NoColor {
		t.Error("NO_COLOR not honoured")
	}
	if code, _, stderr := runCapture(t, "", "--theme", "pink"); code != exitUsage || !strings.Contains(stderr, "light or dark") {
		t.Errorf("bad theme: exit %d %s", code, stderr)
	}
}
