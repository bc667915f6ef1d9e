package tui

import (
	"strings"
	"testing"

	"github.com/iamscope/iamscope/eval"
)

// TestExplanationSaysWhatItCouldNotWeigh: an answer that could not weigh a policy says
// "PARTIAL" and names it, and one that took unknown condition keys as absent names them; a
// complete answer says neither.
func TestExplanationSaysWhatItCouldNotWeigh(t *testing.T) {
	req := request{principal: "arn:aws:iam::111111111111:user/u", action: "s3:GetObject", resource: "arn:aws:s3:::b/k"}
	text := func(r *eval.Result) string {
		var d document
		buildExplanation(&d, req, r, nil, false)
		var b strings.Builder
		for _, l := range d.lines {
			b.WriteString(l.text + "\n")
		}
		return b.String()
	}
	partial := text(&eval.Result{Decision: eval.ImplicitlyDenied, Explanation: &eval.Explanation{Reason: "nothing allows it"},
		Unweighed: []string{"inline policy weird of user u: not compiled"}, UnknownKeys: []string{"aws:SourceIpp"}})
	for _, want := range []string{"PARTIAL: this answer could not weigh 1 thing(s)", "inline policy weird of user u: not compiled",
		"condition keys iamscope does not know", "aws:SourceIpp"} {
		if !strings.Contains(partial, want) {
			t.Errorf("the explanation does not say %q:\n%s", want, partial)
		}
	}
	complete := text(&eval.Result{Decision: eval.Allowed, Explanation: &eval.Explanation{Reason: "allowed"}})
	if strings.Contains(complete, "PARTIAL") || strings.Contains(complete, "does not know") {
		t.Errorf("a complete answer says it is not:\n%s", complete)
	}
}

// TestPartyExplainedThroughItsChain: a party who-can lists through a role chain (the demo's
// Lambda service, which reads the payroll files only by assuming payroll-processor) is
// explained as can answers it: allowed if the chain's conditions hold, with the chain named,
// not "no principal" and not the acting role's own answer alone.
func TestPartyExplainedThroughItsChain(t *testing.T) {
	d := newDriver(t, 140, 45)
	req := request{principal: "lambda.amazonaws.com", action: "s3:GetObject",
		resource: "arn:aws:s3:::tidewater-payroll/2025/03/salaries.csv", party: true}
	msg := explainCmd(d.m.ctx, req, 1)().(explainedMsg)
	if msg.err != nil {
		t.Fatal(msg.err)
	}
	if len(msg.via) == 0 || !strings.HasSuffix(msg.via[len(msg.via)-1].To, "/payroll-processor") {
		t.Fatalf("via %v, want the chain through payroll-processor", msg.via)
	}
	ans := explanationShows(msg.result)
	if ans.word != decIf.word() || !strings.Contains(ans.cond, "aws:RequestedRegion") {
		t.Errorf("the explanation says %q, want allowed if the role's region condition holds", ans)
	}
	var doc document
	buildExplanation(&doc, req, msg.result, msg.via, false)
	var text strings.Builder
	for _, l := range doc.lines {
		text.WriteString(l.text + "\n")
	}
	if !strings.Contains(text.String(), "through the role chain") || !strings.Contains(text.String(), "payroll-processor (sts:AssumeRole") {
		t.Errorf("the explanation does not name the chain:\n%s", text.String())
	}
}
