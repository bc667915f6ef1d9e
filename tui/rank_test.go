package tui

import (
	"fmt"
	"testing"
)

// Ranking (issue 15): an exact name first, then a prefix, then word starts, then fuzzy.

type names []string

func (n names) String(i int) string { return n[i] }
func (n names) Len() int            { return len(n) }

func TestRankMatchesOrder(t *testing.T) {
	var src names
	for i := 1000; i < 1010; i++ {
		src = append(src, fmt.Sprintf("app-%d role", i))
	}
	src = append(src, "app-3 role", "app-30 role", "my-app-3x role")
	got := rankMatches("app-3", src, 0)
	want := []string{"app-3 role", "app-30 role", "my-app-3x role"}
	for i, w := range want {
		if src[got[i]] != w {
			t.Fatalf("rank %d: %q, want %q (all: %v)", i, src[got[i]], w, got)
		}
	}
}

func TestFilterAndPaletteRankRosaFirst(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.press("/")
	d.typeText("rosa")
	if it := d.m.principals.selected().(*principalItem); it.name != "rosa.delgado" {
		t.Errorf("/rosa selects %s first", it.name)
	}
	first := d.m.principals.items[d.m.principals.shown[0]].(*principalItem)
	if first.name != "rosa.delgado" {
		t.Errorf("/rosa ranks %s first", first.name)
	}
	d.press("esc", "esc", ":")
	d.typeText("rosa")
	p := d.m.overlays[0].(*paletteOverlay)
	if got := p.source()[p.shown[0]].label; got != "user rosa.delgado @keystone-assurance" {
		t.Errorf("the palette's rosa ranks %q first", got)
	}
	// An access key id jumps to its user.
	d.press("esc", ":")
	d.typeText("AKIA2TWLEGACYEXAMPLE")
	d.press("enter")
	if it := d.m.principals.selected().(*principalItem); it.name != "svc-legacy-reports" {
		t.Errorf("the access key jumped to %s", it.name)
	}
}
