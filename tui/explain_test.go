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
		buildExplanation(&d, req, r, false)
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
