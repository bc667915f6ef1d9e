package tui

import (
	"strings"
	"testing"
)

// A path step's row is decided with the keys of the request it stands for: iam:PassRole of a
// role to Lambda carries iam:PassedToService = lambda.amazonaws.com
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService).
// Its explanation must be decided in that same context, say so, and agree with the row.
func TestPathStepIsExplainedInItsOwnContext(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.selectPrincipal("dana.whitfield")
	d.press("[", "enter")
	var esc *node
	for _, n := range d.m.paths.tree.rows {
		if n.kind == nkEscalation && strings.HasPrefix(n.label, "lambda-001") && esc == nil {
			esc = n
		}
	}
	if esc == nil {
		t.Fatalf("no lambda-001 path:\n%s", d.screen())
	}
	d.treeRow(esc.label)
	d.press("space")
	row := d.treeRow("iam:PassRole on arn:aws:iam::210987654321:role/lambda-ops-automation")
	if row.decision != decAllow {
		t.Fatalf("the step's row is %v, want allow", row.decision)
	}
	d.press("enter")
	if !docHas(d, "✓ ALLOWED") || docHas(d, "ALLOWED IF") {
		t.Errorf("the explanation does not say the row's ✓ ALLOWED:\n%s", d.screen())
	}
	if !docHas(d, "decided with iam:PassedToService = lambda.amazonaws.com") {
		t.Errorf("the explanation does not name the step's context:\n%s", d.screen())
	}
}
