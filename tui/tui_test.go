package tui

import (
	"strings"
	"testing"
)

var sizes = []struct {
	name string
	w, h int
}{{"80x24", 80, 24}, {"140x45", 140, 45}}

func TestStartShowsTheDemoAccount(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			d := newDriver(t, sz.w, sz.h)
			d.contains("tidewater-prod (210987654321)", "source demo", "data 8mo old", "MFA ?", "IP ?", "region ?", "Principals", "ada.okafor")
			d.golden("start-" + sz.name)
		})
	}
}

func TestLoadingShowsSpinnerAndCounts(t *testing.T) {
	m := New(Options{Load: demoLoad, Source: "demo", Theme: "dark"})
	m.Update(tea_WindowSize(80, 24))
	m.Update(progressMsg{p: loaderProgress("IAM authorization details", 120, 400, 2), ok: true})
	got := stripView(m)
	for _, want := range []string{"IAM authorization details 120/400", "2 warnings so far"} {
		if !strings.Contains(got, want) {
			t.Errorf("loading screen lacks %q:\n%s", want, got)
		}
	}
}

func TestWindowTooSmall(t *testing.T) {
	d := newDriver(t, 80, 24)
	d.send(tea_WindowSize(50, 10))
	d.contains("needs a window of at least 60×16", "50×10")
	d.send(tea_WindowSize(80, 24))
	d.contains("Principals")
}
