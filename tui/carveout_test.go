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
	d.press("enter")
	if got, want := d.m.explain.req.resource, strings.TrimPrefix(carve.label, "kept out by its own policy: "); got != want {
		t.Errorf("enter explains %s, want the carved-out %s", got, want)
	}
	d.contains("✗ EXPLICITLY DENIED", "DenyOutsideFinance")
}
