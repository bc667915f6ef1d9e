package main

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/loader"
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

// TestQuestionsFlag: the demo opens with its guided questions; --questions gives a
// trainer's own, and a broken file is refused with its name and the field at fault.
func TestQuestionsFlag(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	var got []tui.Options
	old := runExplorer
	runExplorer = func(o tui.Options) error { got = append(got, o); return nil }
	defer func() { runExplorer = old }()

	if code, _, stderr := runCapture(t, ""); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want, err := demo.GuidedQuestions()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Questions == nil || len(got[0].Questions.Questions) != len(want.Questions) {
		t.Fatalf("the demo's %d questions were not passed: %+v", len(want.Questions), got)
	}
	if !strings.HasSuffix(got[0].HistoryPath, "history.json") {
		t.Errorf("history path %q", got[0].HistoryPath)
	}

	dir := t.TempDir()
	good := dir + "/tour.json"
	if err := os.WriteFile(good, []byte(`{"questions": [{"title": "t", "view": "access", "who": "dana.whitfield", "action": "s3:GetObject", "resource": "*", "answer": "Allowed"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCapture(t, "", "--questions", good); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if q := got[1].Questions; q == nil || len(q.Questions) != 1 || q.Questions[0].Who != "dana.whitfield" {
		t.Errorf("--questions not passed: %+v", q)
	}

	bad := dir + "/bad.json"
	if err := os.WriteFile(bad, []byte(`{"questions": [{"title": "t", "view": "access", "who": "dana", "action": "GetObject", "resource": "*", "answer": "Allowed"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCapture(t, "", "--questions", bad)
	if code != exitUsage || !strings.Contains(stderr, "bad.json: questions[0].action") {
		t.Errorf("a broken file: exit %d, %s", code, stderr)
	}
}

// TestBeforeFlag: the demo opens with its Changes view compared with the demo a week earlier;
// --before names the earlier state of other sources; with other sources and no --before there
// is no Changes view.
func TestBeforeFlag(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	var got []tui.Options
	var befores [][]*model.Account
	var errs []error
	old := runExplorer
	runExplorer = func(o tui.Options) error {
		got = append(got, o)
		var accts []*model.Account
		var err error
		if o.Before != nil {
			accts, err = o.Before(func(loader.Progress) {}) // as the explorer does, while it runs
		}
		befores, errs = append(befores, accts), append(errs, err)
		return nil
	}
	defer func() { runExplorer = old }()

	snap := t.TempDir() + "/demo.json"
	if code, _, stderr := runCapture(t, "", "snapshot", "-o", snap); code != exitOK {
		t.Fatalf("snapshot: exit %d: %s", code, stderr)
	}
	for _, args := range [][]string{{}, {"--file", snap}, {"--file", snap, "--before", snap}} {
		if code, _, stderr := runCapture(t, "", args...); code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	want, err := demo.Before()
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Before == nil {
		t.Fatal("the demo opened without its earlier state")
	}
	if before := befores[0]; errs[0] != nil || len(before) != len(want) || !before[0].LoadedAt.Equal(want[0].LoadedAt) {
		t.Errorf("the demo's earlier state: %v, want demo.Before()", errs[0])
	}
	if got[1].Before != nil {
		t.Error("--file without --before has a Changes view")
	}
	if got[2].Before == nil {
		t.Fatal("--before was not passed")
	}
	if accts := befores[2]; errs[2] != nil || len(accts) == 0 || accts[0].ID != demo.MainAccountID {
		t.Errorf("--before %s: %v", snap, errs[2])
	}
}
