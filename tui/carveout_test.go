package tui

import (
	"strings"
	"testing"
)

// A carve-out row says its reason first, so that a 140-column tree never cuts it, and enter
// on it explains the resource it keeps out, not its parent pattern (issue 15).
func TestCarveOutRowExplainsWhatItKeepsOut(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.selectPrincipal("dana.whitfield")
	d.press("enter")
	d.treeRow("s3")
	d.press("space")
	d.treeRow("s3:GetObject")
	d.press("l")
	tp := d.m.currentTree()
	var carve *node
	for _, r := range d.m.currentTree().tree.selected().children {
		tp.tree.selectKey(r.key)
		d.press("l")
		for _, k := range r.children {
			if strings.HasPrefix(k.label, "kept out by its own policy: ") {
				carve = k
			}
		}
	}
	if carve == nil {
		t.Fatal("no carve-out row under Dana's s3:GetObject")
	}
	d.treeRow(carve.label)
	d.contains("kept out by its own policy: arn:")
	// The row cuts the resource at 140 columns; the lines under the tree give it whole.
	d.contains("↳ kept out by its own policy:")
	var whole strings.Builder
	for _, l := range cutRowDetail(d.m.ctx.styles, carve, d.m.ctx.layout.tree.w, d.m.ctx.layout.tree.h-1)[1:] {
		whole.WriteString(strings.TrimSpace(strings.TrimPrefix(ansiStrip(l), "↳ ")))
	}
	if !strings.Contains(whole.String(), strings.TrimPrefix(carve.label, "kept out by its own policy: ")) {
		t.Errorf("the detail under the tree %q does not hold the whole row %q", whole.String(), carve.label)
	}
	d.press("enter")
	if got, want := d.m.explain.req.resource, strings.TrimPrefix(carve.label, "kept out by its own policy: "); got != want {
		t.Errorf("enter explains %s, want the carved-out %s", got, want)
	}
	d.contains("✗ EXPLICITLY DENIED", "DenyOutsideFinance")
}
