package tui

import (
	"strings"
	"testing"
)

// Each flow runs at both sizes and keeps a golden screen of where it ends.

func TestPrincipalsFilterAndBadges(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			d := newDriver(t, sz.w, sz.h)
			// Badges: read from the account, and decided by the engine off the event loop.
			for name, want := range map[string]string{
				"ada.okafor": "A", "dana.whitfield": "BE", "svc-legacy-reports": "U",
				"tw-external-audit": "X", "tw-legacy-etl": "U", "lambda-ops-automation": "A", "felix.brandt": "",
				// A group's: what membership grants.
				"admins": "A", "developers": "E", "finance": "",
			} {
				it := findItem(t, d, name)
				if got := it.badges.letters(); got != want || !it.badges.adminKnown || !it.badges.escKnown {
					t.Errorf("%s: badges %q (known %v %v), want %q", name, got, it.badges.adminKnown, it.badges.escKnown, want)
				}
			}
			d.press("/")
			d.typeText("sre")
			d.contains("/sre")
			if n := len(d.m.principals.shown); n == 0 || n == len(d.m.principals.items) {
				t.Errorf("filter shows %d of %d", n, len(d.m.principals.items))
			}
			d.press("enter") // keep the filter, leave the field
			d.golden("principals-filter-" + sz.name)
			d.press("esc") // clears the filter
			if len(d.m.principals.shown) != len(d.m.principals.items) || d.m.principals.query != "" {
				t.Error("esc did not clear the filter")
			}
		})
	}
}

func findItem(t *testing.T, d *driver, name string) *principalItem {
	t.Helper()
	for _, it := range d.m.principals.items {
		if p := it.(*principalItem); p.name == name {
			return p
		}
	}
	t.Fatalf("no principal %s", name)
	return nil
}

func TestAccessTreeExpandAndToggles(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			d := newDriver(t, sz.w, sz.h)
			d.selectPrincipal("dana.whitfield")
			d.press("enter") // into the tree
			if d.m.focus != focusTree {
				t.Fatal("enter did not focus the tree")
			}
			svc := d.treeRow("s3")
			if svc.loaded {
				t.Fatal("a service is decided before it is opened")
			}
			d.press("space")
			if !svc.loaded || !svc.expanded {
				t.Fatal("space did not open s3")
			}
			d.contains("s3:GetObject", "Read", "if …") // the SCP RegionGuard hangs on the region, left open
			get := d.treeRow("s3:GetObject")
			d.press("l")
			if !get.expanded {
				t.Fatal("l did not open the action")
			}
			d.golden("access-s3-" + sz.name)

			// Writes only: read actions go.
			d.press("M")
			d.lacks("s3:GetObject ")
			d.contains("[writes]", "s3:PutObject")
			d.press("M")
			// Denied: the boundary and explicit denies show up, marked by word and symbol.
			d.treeRow("iam")
			d.press("space", "D")
			d.contains("[denied]", "✗")
			if !strings.Contains(d.screen(), "deny") && !strings.Contains(d.screen(), "DENY") {
				t.Errorf("no denied action shown:\n%s", d.screen())
			}
			d.golden("access-denied-" + sz.name)
			d.press("D")
		})
	}
}

func TestAccessTreeViaChains(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.selectPrincipal("omar.haddad")
	d.press("enter", "V")
	d.contains("[via chains]", "ops/tw-sre-jump", "via omar.haddad → tw-sre-jump")
	d.treeRow("ops/tw-db-breakglass")
	d.press("space")
	d.contains("secretsmanager")
	d.golden("access-via-chains-140x45")
}

func TestExplainAndSearch(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			d := newDriver(t, sz.w, sz.h)
			d.selectPrincipal("dana.whitfield")
			d.press("enter")
			d.treeRow("s3")
			d.press("space")
			d.treeRow("s3:GetObject")
			d.press("enter") // explain
			if d.m.focus != focusDoc {
				t.Fatal("enter on an action did not open its explanation")
			}
			d.contains("Can dana.whitfield do s3:GetObject", "ALLOWED")
			if !docHas(d, "DECIDED") || !docHas(d, "Policies weighed") {
				t.Error("the explanation does not mark the deciding statements")
			}
			d.golden("explain-" + sz.name)
			d.press("/")
			d.typeText("boundary")
			d.press("enter")
			doc := &d.m.explain.doc
			if len(doc.matches) == 0 {
				t.Fatal("search found nothing")
			}
			first := doc.current
			d.press("n")
			if len(doc.matches) > 1 && doc.current == first {
				t.Error("n did not move to the next match")
			}
			d.press("N")
			if doc.current != first {
				t.Error("N did not move back")
			}
			d.contains("/boundary")
			d.golden("explain-search-" + sz.name)
			d.press("esc") // clears the search
			d.press("esc") // back to the tree
			if d.m.focus != focusTree {
				t.Errorf("esc twice: focus %d", d.m.focus)
			}
		})
	}
}

// docHas reports whether the explanation holds text, on screen or not.
func docHas(d *driver, text string) bool {
	for _, l := range d.m.explain.doc.lines {
		if strings.Contains(l.text, text) {
			return true
		}
	}
	return false
}
