package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/model"
	"github.com/iamscope/iamscope/tui"
)

// TestNoArgumentsOpensTheExplorer checks that iamscope with no subcommand opens the explorer on
// the demo account, with the flags passed on.
func TestNoArgumentsOpensTheExplorer(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // no key file
	t.Setenv("NO_COLOR", "")
	var got []tui.Options
	var loaded []*model.Account
	var loadErr error
	old := runExplorer
	runExplorer = func(o tui.Options) error {
		got = append(got, o)
		loaded, loadErr = o.Load(nil) // as the explorer does, while it runs
		return nil
	}
	defer func() { runExplorer = old }()

	if code, _, stderr := runCapture(t, ""); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if code, _, stderr := runCapture(t, "", "--theme", "light", "--no-color", "--no-mouse", "--strict"); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if len(got) != 2 {
		t.Fatalf("explorer ran %d times", len(got))
	}
	o := got[0]
	if o.Source != "demo" || o.Theme != "" || o.NoColor || o.NoMouse || o.Strict || o.Keys == nil {
		t.Errorf("defaults: %+v", o)
	}
	if loadErr != nil || len(loaded) == 0 || loaded[0].ID != demo.MainAccountID {
		t.Errorf("source: %v %v", loaded, loadErr)
	}
	// A load still under way when the explorer ends is cancelled with it.
	if _, err := o.Load(nil); !errors.Is(err, context.Canceled) {
		t.Errorf("load after the explorer ended: %v, want context.Canceled", err)
	}
	if o := got[1]; o.Theme != "light" || !o.NoColor || !o.NoMouse || !o.Strict {
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
