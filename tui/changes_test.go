package tui

import (
	"strings"
	"testing"

	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/model"
)

// demoBefore is the demo account a week earlier, the Changes view's earlier state.
func demoBefore(loader.ProgressFunc) ([]*model.Account, error) { return demo.Before() }

// withBefore opens the explorer with the demo's earlier state.
func withBefore(o *Options) { o.Before = demoBefore }

// openChanges opens the Changes view and selects the entry whose name has text.
func openChanges(t *testing.T, d *driver, text string) {
	t.Helper()
	d.press("[")
	if d.m.view != viewChanges {
		t.Fatalf("[ from Access goes to %s, want Changes", d.m.view.title())
	}
	if d.m.diff.diff == nil {
		t.Fatalf("no diff after the view opened: %v", d.m.diff.err)
	}
	if !d.m.changes.selectItem(func(li listItem) bool { return strings.Contains(li.(*changeItem).name, text) }) {
		t.Fatalf("no Changes entry %q", text)
	}
	d.run(d.m.listChanged())
}

func TestChangesViewScreen(t *testing.T) {
	d := newDriver(t, 140, 45, withBefore)
	openChanges(t, d, "grace")
	d.press("enter")
	t.Log("\n" + d.screen())
}
