package tui

import (
	"strings"
	"testing"

	"github.com/iamscope/iamscope/keymap"
)

// TestTreeFilter: `/` in a tree keeps the loaded rows that match, with the rows above them
// opened to show them; rows under a match show as they are opened; esc gives the tree back as
// it was.
func TestTreeFilter(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			d := newDriver(t, sz.w, sz.h)
			d.selectPrincipal("dana.whitfield")
			d.press("enter")
			d.treeRow("s3")
			d.press("space") // s3's actions are loaded
			d.treeRow("lambda")
			d.press("space", "space") // lambda's are loaded too, and closed again
			tree := &d.m.access.tree
			before := len(tree.rows)

			d.press("/")
			if got := d.m.helpContext(); got != keymap.Filtering {
				t.Errorf("help context %v while typing the filter, want Filtering", got)
			}
			d.typeText("getobj")
			d.contains("/getobj")
			d.lacks("s3:PutObject")
			// Every row left matches, or stands above one that does.
			services := 0
			for _, r := range tree.rows {
				low := strings.ToLower(r.label + " " + r.note)
				switch {
				case strings.Contains(low, "getobj"):
				case r.kind == nkService && r.shownOpen:
					services++
				default:
					t.Errorf("row %q neither matches getobj nor opens onto a match", r.label)
				}
			}
			if services != 1 || tree.matches == 0 {
				t.Errorf("%d services open onto %d matches; want s3 alone", services, tree.matches)
			}
			d.contains("s3:GetObject", "match")

			d.press("enter") // keep the filter, leave the field: keys move again
			d.golden("tree-filter-" + sz.name)
			if got := d.m.helpContext(); got != keymap.AccessTree {
				t.Errorf("help context %v after enter, want AccessTree", got)
			}

			d.press("esc")
			if tree.query != "" || len(tree.rows) != before {
				t.Fatalf("esc left query %q and %d rows, want the %d rows of before", tree.query, len(tree.rows), before)
			}
			if lambda := d.treeRow("lambda"); lambda.expanded || lambda.shownOpen {
				t.Error("lambda, closed before the filter, is open after it")
			}
			if d.m.focus != focusTree {
				t.Error("esc that cleared the filter also left the tree")
			}

			d.press("/")
			d.typeText("zzz-no-such")
			d.contains("no row loaded so far matches")
			d.press("esc") // in the field: drops the filter
			if tree.query != "" || tree.filtering {
				t.Error("esc in the field did not drop the filter")
			}
		})
	}
}
