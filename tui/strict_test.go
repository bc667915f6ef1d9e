package tui

import (
	"strings"
	"testing"

	"github.com/iamscope/iamscope/eval"
)

// Strict mode decides as AWS sees a request: a condition key the request context does not set
// is absent, not unknown. docs/demo-account.md decides its rows with an empty context that way
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
// : a key that is not present makes a Bool condition false, and the ...IfExists operators
// true). These tests open the explorer with --strict (Options.Strict), check the page's rows
// read as the page says, and switch with S: every view and the explanation are decided again.

// The demo page's rows (docs/demo-account.md, questions 5 and 6) that an empty context decides
// as denied in strict mode, and "allowed if MFA" in discovery mode.
const (
	adaRunInstances = "arn:aws:ec2:eu-west-1:210987654321:instance/*"
	sreJump         = "arn:aws:iam::210987654321:role/ops/tw-sre-jump"
)

func TestStrictModeDecidesAsTheDemoPage(t *testing.T) {
	d := newDriver(t, 140, 45, func(o *Options) { o.Strict = true })
	d.contains("strict", "MFA -")
	d.lacks("discovery", "MFA ?")

	// The explanation: Ada runs an instance with no MFA key in the request.
	ada := findItem(t, d, "ada.okafor").arn
	d.run(d.m.explain.ask(d.m.ctx, request{principal: ada, action: "ec2:RunInstances", resource: adaRunInstances}, true))
	if doc := docText(&d.m.explain.doc); !strings.Contains(doc, "✗ EXPLICITLY DENIED") || !strings.Contains(doc, "strict mode") {
		t.Fatalf("strict: Ada's RunInstances is not explicitly denied:\n%s", doc)
	}

	// The chains: Omar reaches no role without MFA.
	d.selectPrincipal("omar.haddad")
	d.press("[", "enter")
	d.contains("Role chains (0)")

	// The who-can tree of the jump role: Omar is not among those who can assume it.
	d.press("]", "]")
	d.m.resources.selectItem(func(it listItem) bool { return it.(*resourceItem).arn == sreJump })
	d.run(d.m.listChanged())
	d.treeRow("sts:AssumeRole")
	d.press("space")
	d.contains("can")
	d.lacks("user omar.haddad")

	// S: discovery mode. Every view is decided again, and the explanation too.
	d.press("S")
	d.contains("discovery", "MFA ?", "user omar.haddad")
	if doc := docText(&d.m.explain.doc); strings.Contains(doc, "strict mode") {
		t.Errorf("discovery: the explanation still says strict mode:\n%s", doc)
	}
	d.press("]") // the chains again
	d.lacks("Role chains (0)")
	d.contains("ops/tw-sre-jump")
	d.run(d.m.explain.ask(d.m.ctx, request{principal: ada, action: "ec2:RunInstances", resource: adaRunInstances}, false))
	if doc := docText(&d.m.explain.doc); !strings.Contains(doc, "? ALLOWED IF not BoolIfExists aws:MultiFactorAuthPresent [false]") {
		t.Errorf("discovery: Ada's RunInstances is not allowed if MFA:\n%s", doc)
	}

	// And back: S again is strict.
	d.press("S")
	d.contains("strict", "Role chains (0)")
}

// TestStrictToggleReasksTheShownExplanation: the explanation on screen (here one asked from
// the palette, the list having the focus) is decided again when the mode changes.
func TestStrictToggleReasksTheShownExplanation(t *testing.T) {
	d := newDriver(t, 140, 45)
	ada := findItem(t, d, "ada.okafor").arn
	d.m.focus = focusList
	d.run(d.m.explain.ask(d.m.ctx, request{principal: ada, action: "ec2:RunInstances", resource: adaRunInstances}, true))
	if doc := docText(&d.m.explain.doc); !strings.Contains(doc, "? ALLOWED IF") {
		t.Fatalf("discovery: not allowed if:\n%s", doc)
	}
	d.press("S")
	if doc := docText(&d.m.explain.doc); !strings.Contains(doc, "✗ EXPLICITLY DENIED") {
		t.Errorf("S did not decide the explanation again in strict mode:\n%s", doc)
	}
}

// TestStrictPathsDecideEachStep: in strict mode the paths view shows the paths the engine
// finds in strict mode (as `paths --strict` does), each step decided in the context its path
// sets, and each step's explanation agrees with its row. Dana's path through
// lambda-ops-automation passes the role to Lambda, which her policy allows only if
// iam:PassedToService is lambda.amazonaws.com: the path's own request sets that key, so even in
// strict mode the step is allowed
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService).
// Its Lambda steps need a region the RegionGuard SCP allows: without one, strict mode finds no
// path at all, as `paths --strict` does; the test sets eu-west-1.
func TestStrictPathsDecideEachStep(t *testing.T) {
	d := newDriver(t, 140, 45, func(o *Options) { o.Strict = true })
	dana, _ := d.m.ctx.engine.Principal(findItem(t, d, "dana.whitfield").arn)
	if n := len(d.m.ctx.engine.PathsIn(dana, nil, eval.Strict)); n != 0 {
		t.Errorf("strict with no region: the engine finds %d paths for Dana, want none", n)
	}
	d.m.ctx.setRequest(requestContext{values: map[string]string{"aws:RequestedRegion": "eu-west-1"}})
	d.selectPrincipal("dana.whitfield")
	d.press("[", "enter")
	var esc *node
	shown := 0
	for _, n := range d.m.paths.tree.rows {
		if n.kind != nkEscalation {
			continue
		}
		shown++
		if esc == nil && strings.Contains(n.note, "lambda-ops-automation") {
			esc = n
		}
	}
	if want := len(d.m.ctx.engine.PathsIn(dana, d.m.ctx.extra, eval.Strict)); shown != want || want == 0 {
		t.Errorf("strict: the view shows %d escalation paths, the engine finds %d in strict mode", shown, want)
	}
	if esc == nil {
		t.Fatalf("no escalation through lambda-ops-automation:\n%s", d.screen())
	}
	if esc.decision != decAllow {
		t.Errorf("strict: the path reads %q (%s), want allowed: its step sets iam:PassedToService", esc.decision.word(), esc.note)
	}
	for _, st := range esc.children {
		if !st.req.valid() {
			continue
		}
		d.run(d.m.explain.ask(d.m.ctx, st.req, true))
		if got := explanationShows(d.m.explain.result); got.word != st.decision.word() {
			t.Errorf("strict: step %s reads %q, its explanation %q", st.label, st.decision.word(), got)
		}
	}
}
