package tui

import (
	"strings"
	"testing"

	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/model"
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
	checkGolden(t, "loading-80x24", got)
}

func TestWarningsPanel(t *testing.T) {
	partial := func(p loader.ProgressFunc) ([]*model.Account, error) {
		accounts, err := demoLoad(p)
		if err == nil {
			accounts[0].Warnings = append(accounts[0].Warnings, model.Warning{
				Where: "iam.json: $.RoleDetailList[3]", Message: "the trust policy is not JSON", Missing: "trust policy of role x"})
		}
		return accounts, err
	}
	d := newDriver(t, 80, 24, func(o *Options) { o.Load = partial })
	d.contains("⚠ 1 warning (W)")
	d.press("W")
	d.contains("Load warnings (1)", "the trust policy is not")
	d.golden("warnings-80x24")
	d.press("esc")
	if len(d.m.overlays) != 0 {
		t.Error("esc did not close the warnings")
	}
}

func TestWindowTooSmall(t *testing.T) {
	d := newDriver(t, 80, 24)
	d.send(tea_WindowSize(50, 10))
	d.contains("needs a window of at least 60×16", "50×10")
	d.send(tea_WindowSize(80, 24))
	d.contains("Principals")
}
