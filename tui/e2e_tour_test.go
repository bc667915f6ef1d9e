package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/iamscope/iamscope/loader/demo"
)

// TestEndToEndGuidedTour walks the whole tour in a real terminal, as a trainer does: for each
// of the guided questions of docs/demo-account.md (loader/demo/questions.json, which the
// page is checked against), Q and the question's digit, then the screen must show the page's
// answer, pinned, once the explanation is decided. Then the trainer sets MFA on question 2
// and the class sees the answer move.
func TestEndToEndGuidedTour(t *testing.T) {
	qs, err := demo.GuidedQuestions()
	if err != nil {
		t.Fatal(err)
	}
	s, bin := startTmux(t, 160, 50)
	s.keys("clear; "+bin, "Enter")
	s.waitFor("Principals", "dana.whitfield")
	n := len(qs.Questions)
	for i, q := range qs.Questions {
		s.keys("Q")
		s.waitFor("Guided questions")
		s.keys(questionDigit(i))
		scr := s.answered(fmt.Sprintf("question %d of %d", i+1, n), "· "+q.Action)
		if want := screenAnswer(q.Answer); !strings.Contains(scr, want) {
			t.Errorf("%s: the screen does not show the page's answer %q:\n%s", q.Title, want, scr)
		}
		if !strings.Contains(scr, "pinned") {
			t.Errorf("%s: the answer is not pinned:\n%s", q.Title, scr)
		}
		if q.View == "changes" {
			// The Changes view, on the principal asked about: what it gained, the bucket asked
			// about among it, once the diff is decided.
			bucket, _, _ := strings.Cut(strings.TrimPrefix(q.Resource, "arn:aws:s3:::"), "/")
			s.waitFor("[Changes]", "› "+q.Who, "Gained (", "arn:aws:s3:::"+bucket)
		}
	}
	// Question 2 again; the trainer sets MFA: the pinned answer is recomputed.
	s.keys("Q", "2")
	s.answered("question 2 of", "· kms:Decrypt")
	s.keys("c", "m")
	s.waitFor("recomputed", "✓ ALLOWED", "was ? ALLOWED IF")
	s.keys("Escape")
	s.waitGone("Request context")
	s.keys("q")
	s.waitPrompt()
}

// answered waits until the screen shows every text and no answer is still being decided, and
// returns it.
func (s *tmuxSession) answered(texts ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		scr := s.screen()
		ok := !strings.Contains(scr, "deciding")
		for _, x := range texts {
			ok = ok && strings.Contains(scr, x)
		}
		if ok {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen never showed %q answered:\n%s", texts, scr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
