package tui

import (
	"strings"
	"testing"
)

// TestEndToEndChangesView opens the Changes view on the demo in a real terminal (the demo
// compares with itself a week earlier, no flag needed) and finds grace.mwangi's payroll read,
// gained when she joined finance, explained now and before.
func TestEndToEndChangesView(t *testing.T) {
	s, bin := startTmux(t, 160, 50)
	s.keys("clear; "+bin, "Enter")
	s.waitFor("Principals", "dana.whitfield")
	s.keys("[")
	s.waitFor("[Changes]", "What changed", "grace.mwangi")
	s.keys("/")
	s.keys("-l", "grace")
	s.keys("Enter", "Enter")
	scr := s.waitFor("Gained (8)", "s3:GetObject", "arn:aws:s3:::tidewater-payroll/*")
	if !strings.Contains(scr, "› grace.mwangi") {
		t.Errorf("the breadcrumbs do not name grace.mwangi:\n%s", scr)
	}
	s.keys("/")
	s.keys("-l", "payroll/")
	s.keys("Enter")
	s.waitFor("s3:PutObject")
	s.keys("j", "j", "j", "Enter")
	s.answered("NOW (the later state)", "? ALLOWED IF Bool aws:MultiFactorAuthPresent")
	// The earlier side is further down: the explanation's search finds it.
	s.keys("/")
	s.keys("-l", "BEFORE")
	s.keys("Enter")
	s.waitFor("BEFORE (the earlier state)", "DENIED (implicitly")
	s.keys("q")
	s.waitPrompt()
}
