package tui

import (
	"testing"
)

// The palette remembers (issue 15): its can answer is pinned through changes of context, and
// its who-can names the query in the breadcrumb.

func TestPaletteCanSurvivesContextChange(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.press(":")
	d.typeText("can felix.brandt kms:Decrypt arn:aws:kms:eu-west-1:210987654321:key/6f1c2a4e-8d3b-4c1e-9a7f-2b5d8e0c4a13")
	d.press("enter")
	d.contains("? ALLOWED IF", "pinned")
	want := d.m.explain.req
	d.press("c", "m", "esc") // MFA set: the trees reload
	if d.m.explain.req != want {
		t.Fatalf("the can answer was replaced by %+v", d.m.explain.req)
	}
	d.contains("recomputed for the new context: was ?", "✓ ALLOWED")
	d.press("S") // strict mode
	if d.m.explain.req != want {
		t.Fatalf("the can answer was replaced by %+v", d.m.explain.req)
	}
	d.contains("recomputed for the new context: unchanged")
	// The breadcrumb names the pinned answer, not the list's selection.
	d.contains("› pinned: felix.brandt · kms:Decrypt")
}

func TestPaletteWhoCanNamesTheQuery(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.press(":")
	d.typeText("who-can s3:GetObject arn:aws:s3:::tidewater-payroll/2025/03/salaries.csv")
	d.press("enter")
	d.contains("Resources", "› who-can s3:GetObject arn:aws:s3:::tidewater-payroll/2025/03/salaries.csv")
}
