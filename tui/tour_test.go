package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/loader/demo"
)

// The guided tour (Q): each of the demo's questions (loader/demo/questions.json, the source
// docs/demo-account.md is checked against) is asked with Q and its digit, and lands on the
// page's answer, with its explanation, pinned, in the question's mode, context and view.

// withQuestions opens the explorer with the demo's guided questions, as iamscope does for the
// demo account.
func withQuestions(t *testing.T) func(*Options) {
	qs, err := demo.GuidedQuestions()
	if err != nil {
		t.Fatal(err)
	}
	return func(o *Options) { o.Questions = qs }
}

// answerOf says an explanation's decision as the question file writes answers.
func answerOf(r *eval.Result) string {
	if r.Conditional() {
		return "Allowed if " + r.Condition.String()
	}
	return string(r.Decision)
}

// screenAnswer is the decision line the explanation draws for an answer of the file.
func screenAnswer(answer string) string {
	switch {
	case answer == "ExplicitlyDenied":
		return "✗ EXPLICITLY DENIED"
	case answer == "ImplicitlyDenied":
		return "✗ DENIED (implicitly"
	case strings.HasPrefix(answer, "Allowed if "):
		return "? ALLOWED IF " + strings.TrimPrefix(answer, "Allowed if ")
	}
	return "✓ ALLOWED"
}

func TestTourAsksEveryGuidedQuestion(t *testing.T) {
	d := newDriver(t, 160, 50, withQuestions(t), withBefore)
	qs := d.m.questions.Questions
	if len(qs) != 11 {
		t.Fatalf("%d guided questions, want the page's eleven", len(qs))
	}
	views := map[string]view{"access": viewAccess, "who-can": viewReverse, "paths": viewPaths, "changes": viewChanges}
	for i, q := range qs {
		// From an open editor, three keys at most: esc, Q, the digit.
		d.press("c")
		d.press("esc", "Q", questionDigit(i))
		e := &d.m.explain
		if e.result == nil {
			t.Fatalf("%s: no answer (err %v)", q.Title, e.err)
		}
		if got := answerOf(e.result); got != q.Answer {
			t.Errorf("%s: the tour answers %q, the page says %q", q.Title, got, q.Answer)
		}
		d.contains(screenAnswer(q.Answer), "pinned")
		for _, w := range q.DecidedBy {
			if !strings.Contains(docText(&e.doc), w) {
				t.Errorf("%s: the explanation does not name %q:\n%s", q.Title, w, docText(&e.doc))
			}
		}
		if d.m.ctx.strict != q.Strict || d.m.view != views[q.View] || d.m.focus != focusDoc || !e.pinned {
			t.Errorf("%s: strict %v view %v focus %v pinned %v", q.Title, d.m.ctx.strict, d.m.view, d.m.focus, e.pinned)
		}
		for k, v := range d.m.questions.ContextOf(q) {
			if got, _ := d.m.ctx.req.get(k); got != v {
				t.Errorf("%s: context %s=%q, want %q", q.Title, k, got, v)
			}
		}
		switch q.View {
		case "who-can":
			d.contains("who-can " + q.Action + " " + q.Resource)
		case "changes":
			// The Changes view, on the principal asked about, its gained access open: what
			// changed for it, the resource asked about among it.
			it, ok := d.m.changes.selected().(*changeItem)
			if !ok || it.arn != d.m.explain.req.principal || it.kind != ckPrincipal {
				t.Errorf("%s: the Changes list selects %+v, want the changes of %s", q.Title, d.m.changes.selected(), d.m.explain.req.principal)
			}
			bucket, _, _ := strings.Cut(strings.TrimPrefix(q.Resource, "arn:aws:s3:::"), "/")
			d.contains("[Changes]", "Gained (", q.Action, "arn:aws:s3:::"+bucket)
		}
	}
}

// TestTourChangesWithoutAnEarlierState: a question that lands on the Changes view, asked with
// no earlier state to compare with (a trainer's file on another account opened without
// --before), lands on the principal's access instead, with its answer pinned.
func TestTourChangesWithoutAnEarlierState(t *testing.T) {
	d := newDriver(t, 160, 50, withQuestions(t))
	last := len(d.m.questions.Questions) - 1
	if d.m.questions.Questions[last].View != "changes" {
		t.Fatalf("the last question lands on %q; this test wants the Changes view's", d.m.questions.Questions[last].View)
	}
	d.press("Q", questionDigit(last))
	if d.m.view != viewAccess || !d.m.explain.pinned {
		t.Errorf("view %v pinned %v; want the access view with the answer pinned", d.m.view, d.m.explain.pinned)
	}
	d.contains("✓ ALLOWED", "pinned")
}

// TestTourAnswerMovesWithTheContext: the trainer changes MFA and the pinned answer is
// recomputed, saying what it was; the trees reloading do not replace it.
func TestTourAnswerMovesWithTheContext(t *testing.T) {
	d := newDriver(t, 160, 50, withQuestions(t))
	d.press("Q", "2") // Felix decrypts with the payroll key: allowed if MFA
	d.contains("? ALLOWED IF Bool aws:MultiFactorAuthPresent [true]")
	d.press("c", "m", "esc") // MFA = true
	d.contains("✓ ALLOWED", "recomputed", "was ? ALLOWED IF", "pinned")
	if d.m.explain.req.principal != findItem(t, d, "felix.brandt").arn {
		t.Errorf("the pinned answer was replaced by %+v", d.m.explain.req)
	}
	// The context editor shows the tags of the principal asked about, Felix (finance).
	d.press("c")
	d.contains("finance (felix.brandt's)")
	d.press("esc")
	// esc in the explanation lets the answer go: it follows the tree again.
	d.press("esc")
	if d.m.explain.pinned {
		t.Error("esc did not unpin the answer")
	}
}

// TestTourTrainerFile: a trainer's own questions, with what-ifs.
func TestTourTrainerFile(t *testing.T) {
	qs, err := demo.ReadQuestions("testdata/trainer-questions.json")
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, 160, 50, func(o *Options) { o.Questions = qs })
	for i, q := range qs.Questions {
		d.press("Q", questionDigit(i))
		if got := answerOf(d.m.explain.result); got != q.Answer {
			t.Errorf("%s: got %q, want %q", q.Title, got, q.Answer)
		}
		if len(d.m.ctx.changes) != len(q.WhatIf) {
			t.Errorf("%s: %d what-ifs in force, want %d", q.Title, len(d.m.ctx.changes), len(q.WhatIf))
		}
		d.lacks("recomputed")
	}
}

// TestNoQuestionsSaysHow: with no question file, Q says where questions come from.
func TestNoQuestionsSaysHow(t *testing.T) {
	d := newDriver(t, 160, 50)
	d.press("Q")
	d.contains("--questions FILE")
	if len(d.m.overlays) != 0 {
		t.Error("an empty tour opened")
	}
}

// TestTourIsThreeKeysFromAnywhere: from a text field of any kind, esc, Q and the digit ask
// the question.
func TestTourIsThreeKeysFromAnywhere(t *testing.T) {
	starts := map[string][]string{
		"palette with text":     {":", "c", "a", "n"},
		"principals filter":     {"/", "d", "a"},
		"tree filter":           {"enter", "/", "s"},
		"explanation search":    {"enter", "tab", "/", "x"},
		"context editor value":  {"c", "enter"},
		"what-if deny field":    {"w", "a", "s"},
		"help over the editor":  {"c", "?"},
		"export file name":      {"e"},
		"warnings":              {"W"},
		"the questions already": {"Q"},
	}
	for name, keys := range starts {
		d := newDriver(t, 140, 45, withQuestions(t))
		d.selectPrincipal("dana.whitfield")
		d.press(keys...)
		d.press("esc", "Q", "7")
		if d.m.asked != 6 || len(d.m.overlays) != 0 || d.m.explain.result == nil {
			t.Errorf("%s: esc Q 7 asked %d, overlays %d", name, d.m.asked+1, len(d.m.overlays))
		}
	}
}

// TestTourWhatIfThatFails: a trainer's what-if the engine refuses (a policy the principal does
// not have) is reported, and the question is still answered, without it.
func TestTourWhatIfThatFails(t *testing.T) {
	qs, err := demo.ParseQuestions("broken.json", []byte(`{"questions": [{"title": "t", "view": "access",
		"who": "dana.whitfield", "action": "s3:GetObject", "resource": "arn:aws:s3:::tidewater-payroll/x", "strict": true,
		"whatIf": [{"kind": "detach", "entity": "dana.whitfield", "policy": "no-such-policy"}], "answer": "ExplicitlyDenied"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, 140, 45, func(o *Options) { o.Questions = qs })
	d.press("Q", "1")
	if d.m.explain.loading || d.m.explain.result == nil {
		t.Fatalf("no answer: loading %v, err %v", d.m.explain.loading, d.m.explain.err)
	}
	if !d.m.statusErr {
		t.Errorf("the refused what-if is not reported: %q", d.m.status)
	}
}

// TestTourLongFileScrolls: a trainer's file longer than the screen keeps the cursor's
// question in view.
func TestTourLongFileScrolls(t *testing.T) {
	one := `{"title": "Q%d: Dana reads payroll", "view": "access", "who": "dana.whitfield", "action": "s3:GetObject", "resource": "arn:aws:s3:::tidewater-payroll/x", "strict": true, "answer": "ExplicitlyDenied"}`
	var parts []string
	for i := range 40 {
		parts = append(parts, fmt.Sprintf(one, i+1))
	}
	qs, err := demo.ParseQuestions("long.json", []byte(`{"questions": [`+strings.Join(parts, ",")+`]}`))
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, 140, 30, func(o *Options) { o.Questions = qs })
	d.press("Q", "G")
	d.contains("Q40: Dana reads payroll")
	d.press("enter")
	if d.m.asked != 39 {
		t.Errorf("asked %d, want 40", d.m.asked+1)
	}
}
