package demo

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The guided questions have one source, questions.json: the explorer's tour reads it, and
// this test checks it against docs/demo-account.md, so that the page, the tour and the data
// cannot drift. Each question is a section of the page, in order, under the same heading, and
// the row it lands on is a row of that section's answer table, with the same context, answer
// and reasons; TestGuidedAnswers decides every such row with the engine.

func TestQuestionsAreThePage(t *testing.T) {
	qs, err := GuidedQuestions()
	if err != nil {
		t.Fatal(err)
	}
	rows, sections := readAnswerTables(t)
	if len(qs.Questions) != len(sections) {
		t.Fatalf("%s has %d questions, %s has %d sections", QuestionsFile, len(qs.Questions), docPath, len(sections))
	}
	// The file's context is the page's rule: over HTTPS, in Tidewater's home region.
	want := map[string]string{"aws:SecureTransport": "true", "aws:RequestedRegion": defaultRegion}
	if !reflect.DeepEqual(qs.Context, want) {
		t.Errorf("%s: context %v, the page asks every question with %v", QuestionsFile, qs.Context, want)
	}
	for i, q := range qs.Questions {
		if q.Title != sections[i] {
			t.Errorf("question %d: title %q, the page's heading is %q", i+1, q.Title, sections[i])
			continue
		}
		found := false
		for _, r := range rows {
			if r.section != q.Title || r.q.who != q.Who || r.q.action != q.Action || r.q.resource != q.Resource {
				continue
			}
			if len(r.q.context) != len(q.Context) || (len(q.Context) > 0 && !reflect.DeepEqual(r.q.context, q.Context)) {
				continue
			}
			found = true
			answer := string(r.decision)
			if r.allowedIf != "" {
				answer = "Allowed if " + r.allowedIf
			}
			if answer != q.Answer {
				t.Errorf("%s: answer %q, the page's row (line %d) says %q", q.Title, q.Answer, r.line, answer)
			}
			if !reflect.DeepEqual(r.reasons, q.DecidedBy) {
				t.Errorf("%s: decided by %q, the page's row (line %d) says %q", q.Title, q.DecidedBy, r.line, r.reasons)
			}
			// The page decides a row strictly unless its answer is "allowed if".
			if q.Strict == r.q.discovery {
				t.Errorf("%s: strict=%v, the page decides its row (line %d) in %s mode", q.Title, q.Strict, r.line, map[bool]string{true: "discovery", false: "strict"}[r.q.discovery])
			}
		}
		if !found {
			t.Errorf("%s: the row %s %s %s %v is not in the page's table", q.Title, q.Who, q.Action, q.Resource, q.Context)
		}
	}
}

// TestQuestionsAnswerAsTheEngine decides each question's row as the file states it, so that a
// question whose row the page lost is still checked.
func TestQuestionsAnswerAsTheEngine(t *testing.T) {
	w := demoWorld(t)
	qs, err := GuidedQuestions()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs.Questions {
		res, err := w.ask(&question{who: q.Who, action: q.Action, resource: q.Resource, context: q.Context, discovery: !q.Strict})
		if err != nil {
			t.Errorf("%s: %v", q.Title, err)
			continue
		}
		got := string(res.Decision)
		if res.Conditional() {
			got = "Allowed if " + res.Condition.String()
		}
		if got != q.Answer {
			t.Errorf("%s: the engine answers %q, the file says %q", q.Title, got, q.Answer)
		}
		for _, word := range q.DecidedBy {
			if !strings.Contains(res.Explanation.Reason, word) {
				t.Errorf("%s: the reason %q does not name %q", q.Title, res.Explanation.Reason, word)
			}
		}
	}
}

// TestParseQuestionsNamesFileAndField: a trainer's broken file is refused with the file and
// the field at fault.
func TestParseQuestionsNamesFileAndField(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"empty", `{"questions": []}`, "tour.json: questions: none"},
		{"unknown field", `{"questions": [], "extra": 1}`, `tour.json: json: unknown field "extra"`},
		{"no action", `{"questions": [{"title": "t", "view": "access", "who": "dana", "resource": "*", "answer": "Allowed"}]}`, "tour.json: questions[0].action: missing"},
		{"bad view", `{"questions": [{"title": "t", "view": "tree", "who": "dana", "action": "s3:GetObject", "resource": "*", "answer": "Allowed"}]}`, `tour.json: questions[0].view: "tree"`},
		{"bad answer", `{"questions": [{"title": "t", "view": "access", "who": "dana", "action": "s3:GetObject", "resource": "*", "answer": "yes"}]}`, `tour.json: questions[0].answer: "yes"`},
		{"strict allowed if", `{"questions": [{"title": "t", "view": "access", "who": "dana", "action": "s3:GetObject", "resource": "*", "strict": true, "answer": "Allowed if x"}]}`, "questions[0].answer"},
		{"bad context", `{"questions": [{"title": "t", "view": "access", "who": "dana", "action": "s3:GetObject", "resource": "*", "answer": "Allowed", "context": {"mfa": "true"}}]}`, `questions[0].context: "mfa"`},
		{"bad what-if", `{"questions": [{"title": "t", "view": "access", "who": "dana", "action": "s3:GetObject", "resource": "*", "answer": "Allowed", "whatIf": [{"kind": "detach", "entity": "dana"}]}]}`, "questions[0].whatIf[0].policy: missing"},
		{"control", "{\"questions\": [{\"title\": \"t\\u001b[2J\", \"view\": \"access\", \"who\": \"dana\", \"action\": \"s3:GetObject\", \"resource\": \"*\", \"answer\": \"Allowed\"}]}", "questions[0].title: holds a control character"},
	}
	for _, c := range cases {
		_, err := ParseQuestions("tour.json", []byte(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", c.name, err, c.want)
		}
	}
	if _, err := ReadQuestions(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("a missing file: got %v", err)
	}
}
