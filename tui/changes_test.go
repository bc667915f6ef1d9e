package tui

import (
	"encoding/json"
	"errors"
	"fmt"
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

// openChanges opens the Changes view (with [ from Access) and selects the entry whose name has text.
func openChanges(t *testing.T, d *driver, text string) {
	t.Helper()
	if d.m.view != viewChanges {
		d.press("[")
	}
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

// rowWithLabel selects the first row of the current tree whose label starts with prefix,
// under a row whose label is parent.
func rowUnder(t *testing.T, d *driver, parent, prefix string) *node {
	t.Helper()
	tp := d.m.currentTree()
	tp.tree.flatten()
	for i, n := range tp.tree.rows {
		if strings.HasPrefix(n.label, prefix) && n.parent != nil && n.parent.label == parent {
			d.m.focus = focusTree
			tp.tree.cursor = i
			d.run(d.m.followSelection(false))
			return n
		}
	}
	t.Fatalf("no row %q under %q", prefix, parent)
	return nil
}

// Issue 17: grace.mwangi joined the finance group during the week; the Changes view shows her
// payroll read gained, explains it now (allowed if, through the group) and before (nothing
// allowed it), and names the membership as the cause.
func TestChangesDrillInExplainsBothSides(t *testing.T) {
	d := newDriver(t, 140, 45, withBefore)
	openChanges(t, d, "grace.mwangi")
	d.press("enter")
	n := rowUnder(t, d, "s3:GetObject", "arn:aws:s3:::tidewater-payroll")
	if n.mark != markGained || !n.req.diff {
		t.Fatalf("payroll row: mark %d diff %v", n.mark, n.req.diff)
	}
	d.press("enter")
	e := &d.m.explain
	if d.m.focus != focusDoc || e.result == nil || e.prior == nil {
		t.Fatalf("enter on the row: focus %d, result %v, prior %v", d.m.focus, e.result, e.prior)
	}
	if e.result.Decision != "Allowed" || e.prior.Decision != "ImplicitlyDenied" {
		t.Errorf("now %s, before %s; want Allowed now and ImplicitlyDenied before", e.result.Decision, e.prior.Decision)
	}
	var text []string
	for _, l := range e.doc.lines {
		text = append(text, l.text)
	}
	all := strings.Join(text, "\n")
	now, before := strings.Index(all, "NOW (the later state)"), strings.Index(all, "BEFORE (the earlier state)")
	if now < 0 || before < now {
		t.Fatalf("the explanation does not show now, then before:\n%s", all)
	}
	if !strings.Contains(all[before:], "DENIED (implicitly") || !strings.Contains(all[now:before], "ALLOWED") {
		t.Errorf("sides:\n%s", all)
	}
	// The cause, down to the membership.
	d.press("esc")
	c := rowUnder(t, d, "Caused by (1 policy changes)", "[")
	if !strings.Contains(c.label, "group-joined") || !strings.Contains(c.label, "finance") {
		t.Errorf("cause row %q, want grace joining finance", c.label)
	}
	d.contains("group-joined")
}

// The Changes tree's footer and help name only the keys that work in it: the access tree's
// toggles (D, M, V) do nothing there, and pressing them leaves the view as it is.
func TestChangesTreeKeysThatWork(t *testing.T) {
	d := newDriver(t, 140, 45, withBefore)
	openChanges(t, d, "grace.mwangi")
	d.press("enter")
	if d.m.focus != focusTree {
		t.Fatalf("enter on the entry: focus %d, want the tree", d.m.focus)
	}
	toggles := []string{"show denied", "writes + permissions only", "only via role chains"}
	for _, where := range []string{"footer", "help"} {
		if where == "help" {
			d.press("?")
		}
		scr := d.screen()
		for _, x := range toggles {
			if strings.Contains(scr, x) {
				t.Errorf("the Changes tree's %s lists %q, a key of the access tree only:\n%s", where, x, scr)
			}
		}
		if !strings.Contains(scr, "expand/collapse") || !strings.Contains(scr, "explain") {
			t.Errorf("the Changes tree's %s does not list its own keys:\n%s", where, scr)
		}
	}
	d.press("esc", "D", "M", "V")
	if d.m.view != viewChanges || d.m.accessSrc.showDenied || d.m.accessSrc.writesOnly || d.m.accessSrc.viaChains {
		t.Errorf("D, M, V in the Changes tree: view %s, toggles %v %v %v", d.m.view.title(), d.m.accessSrc.showDenied, d.m.accessSrc.writesOnly, d.m.accessSrc.viaChains)
	}
}

// An answer to an older diff request is dropped: the context changed while it was computed.
func TestChangesStaleDiffDropped(t *testing.T) {
	d := newDriver(t, 140, 45, withBefore)
	first := d.m.startDiff()
	second := d.m.startDiff()
	old := first()
	d.send(old)
	if !d.m.diff.busy {
		t.Fatal("the stale answer ended the wait for the current one")
	}
	d.send(second())
	if d.m.diff.busy || d.m.diff.diff == nil {
		t.Fatalf("the current answer was not taken")
	}
}

// Without an earlier state the Changes view is not among the views.
func TestChangesViewOnlyWithBefore(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.press("[")
	if d.m.view != viewPaths {
		t.Errorf("[ from Access without --before goes to %s, want Chains & paths", d.m.view.title())
	}
	d.lacks("Changes")
}

// The Changes tree and its two-sided explanation export as the other trees do.
func TestChangesExport(t *testing.T) {
	d := newDriver(t, 140, 45, withBefore)
	openChanges(t, d, "grace.mwangi")
	d.press("enter")
	md, err := d.m.exportData(exportTree, formatMarkdown)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "# iamscope: Changes of user grace.mwangi") || !strings.Contains(string(md), `\*\*gained:\*\* s3:GetObject`) {
		t.Errorf("tree export:\n%s", md)
	}
	rowUnder(t, d, "s3:GetObject", "arn:aws:s3:::tidewater-payroll")
	d.press("enter")
	raw, err := d.m.exportData(exportExplanation, formatJSON)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Decision string `json:"decision"`
		Before   struct {
			Decision string `json:"decision"`
		} `json:"before"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	if out.Decision != "Allowed" || out.Before.Decision != "ImplicitlyDenied" {
		t.Errorf("explanation export: now %q before %q", out.Decision, out.Before.Decision)
	}
}

func TestChangesGoldens(t *testing.T) {
	for _, size := range []struct{ w, h int }{{80, 24}, {140, 45}} {
		d := newDriver(t, size.w, size.h, withBefore)
		openChanges(t, d, "grace.mwangi")
		d.press("enter")
		d.golden(fmt.Sprintf("changes_%dx%d", size.w, size.h))
	}
}

// The outside parties a trust or resource policy newly admits are an entry of their own, with
// the policy change that admitted them; the palette goes to the view; an export is named for
// the entry.
func TestChangesOutsidePartiesAndPalette(t *testing.T) {
	d := newDriver(t, 140, 45, withBefore)
	d.press(":")
	d.typeText("view changes")
	d.press("enter")
	if d.m.view != viewChanges {
		t.Fatalf("the palette's view changes went to %s", d.m.view.title())
	}
	if len(d.m.diff.diff.Outside) == 0 {
		t.Fatal("the demo's week has no outside party admitted")
	}
	o := d.m.diff.diff.Outside[0]
	openChanges(t, d, "outside parties")
	d.press("enter")
	d.contains(o.Change+": "+o.Party, "on "+shortName(o.Resource))
	if name := d.m.exportName(exportTree, formatJSON); !strings.Contains(name, "changes-outside-parties") {
		t.Errorf("export name %q", name)
	}
}

// A new diff (the mode changed) is drawn in the tree shown, which keeps its selected row: her
// password change, allowed on no condition, is a change in either mode (the payroll read,
// which needs MFA, is not one in strict mode: denied on both sides).
func TestChangesRecomputedKeepsTheRow(t *testing.T) {
	d := newDriver(t, 140, 45, withBefore)
	openChanges(t, d, "grace.mwangi")
	d.press("enter")
	n := rowUnder(t, d, "iam:ChangePassword", "arn:aws:iam::*:user/grace.mwangi")
	old := d.m.diff.diff
	d.press("S")
	if d.m.diff.diff == old || d.m.diff.busy {
		t.Fatal("switching the mode did not diff again")
	}
	sel := d.m.changesTree.tree.selected()
	if sel == nil || sel.key != n.key {
		t.Errorf("after the new diff the row selected is %v, want %s", sel, n.key)
	}
	d.contains("[Changes]  › grace.mwangi")
	if rowIn(d, "s3:GetObject") {
		t.Error("strict mode still lists the payroll read that needs MFA as gained")
	}
}

// rowIn reports whether the current tree shows a row labelled text.
func rowIn(d *driver, text string) bool {
	tp := d.m.currentTree()
	tp.tree.flatten()
	for _, n := range tp.tree.rows {
		if n.label == text {
			return true
		}
	}
	return false
}

// An earlier state that cannot be read says so in the view, naming the flag.
func TestChangesBeforeUnreadable(t *testing.T) {
	d := newDriver(t, 140, 45, func(o *Options) {
		o.Before = func(loader.ProgressFunc) ([]*model.Account, error) {
			return nil, errors.New("open last-week.json: no such file or directory")
		}
	})
	d.press("[")
	if d.m.view != viewChanges || d.m.diff.busy {
		t.Fatalf("view %s, busy %v", d.m.view.title(), d.m.diff.busy)
	}
	d.contains("could not compare: reading the earlier state", "(--before): open last-week.json")
}
