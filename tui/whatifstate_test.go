package tui

import (
	"strings"
	"testing"
)

// Toggles and what-ifs show their state (issue 15).

// countDenied counts the denied rows under the access tree's open services.
func countDenied(d *driver) int {
	n := 0
	var walk func(*node)
	walk = func(x *node) {
		if x.kind == nkDenied {
			n++
		}
		for _, k := range x.children {
			walk(k)
		}
	}
	walk(d.m.access.tree.root)
	return n
}

func TestDeniedRowsGoWithTheToggle(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.selectPrincipal("dana.whitfield")
	d.press("enter")
	iam := d.treeRow("iam")
	d.press("space", "D")
	if countDenied(d) == 0 {
		t.Fatal("D on: no denied row")
	}
	d.press("D")
	if n := countDenied(d); n != 0 || strings.Contains(iam.note, "denied") {
		t.Errorf("D off: %d denied rows left, note %q", n, iam.note)
	}
}

func TestLeavingAGroupShowsOnItsPolicies(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.selectPrincipal("felix.brandt")
	d.press("w")
	o := d.m.overlays[0].(*whatIfOverlay)
	for i, r := range o.rows(d.m) {
		if strings.HasPrefix(r.label, "member of group finance") {
			o.cursor = i
		}
	}
	d.press("space")
	d.contains("[ ] member of group finance", "[-] policy tw-finance-payroll (group finance, all members)", "not applied: left the group")
	d.lacks("[x] policy tw-finance-payroll")
	d.press("esc")
	// The detail pane says it too.
	d.run(d.m.listChanged())
	d.m.selectedARN = ""
	d.run(d.m.selectPrincipal())
	if doc := docText(&d.m.explain.doc); !strings.Contains(doc, "tw-finance-payroll (group finance)  − left the group (what-if)") {
		t.Errorf("the detail pane does not show the what-if:\n%s", doc)
	}
}

// TestBadgesFollowTheWhatIfs: detaching AdministratorAccess from the admins group takes Ada's
// admin badge; undoing it gives it back.
func TestBadgesFollowTheWhatIfs(t *testing.T) {
	d := newDriver(t, 140, 45)
	ada := findItem(t, d, "ada.okafor")
	if !ada.badges.admin {
		t.Fatal("Ada is not admin before the what-if")
	}
	d.selectPrincipal("ada.okafor")
	d.press("w")
	o := d.m.overlays[0].(*whatIfOverlay)
	found := false
	for i, r := range o.rows(d.m) {
		if strings.HasPrefix(r.label, "policy AdministratorAccess (group admins") {
			o.cursor, found = i, true
		}
	}
	if !found {
		t.Fatal("no AdministratorAccess row")
	}
	d.press("space", "esc")
	if ada.badges.admin || !ada.badges.adminKnown {
		t.Errorf("with AdministratorAccess detached: admin %v (known %v)", ada.badges.admin, ada.badges.adminKnown)
	}
	d.press("w", "R", "esc")
	if !ada.badges.admin {
		t.Error("undone: Ada's admin badge did not come back")
	}
}

// TestNoEmptyStsRow: sts is listed only for a principal that can do one of its actions (issue
// 15: an empty "sts · 0 actions" row stood under every principal), and counts say "1 action".
func TestNoEmptyStsRow(t *testing.T) {
	d := newDriver(t, 140, 45)
	has := func(name string) bool {
		d.selectPrincipal(name)
		for _, k := range d.m.access.tree.root.children {
			if k.kind == nkService && k.service == "sts" {
				return true
			}
		}
		return false
	}
	if has("felix.brandt") {
		t.Error("felix.brandt, who can do no sts action, has an sts row")
	}
	if !has("omar.haddad") {
		t.Error("omar.haddad, who may assume the jump role, has no sts row")
	}
	if got := plural(1, "action") + ", " + plural(2, "action"); got != "1 action, 2 actions" {
		t.Errorf("plural: %q", got)
	}
}
