package demo

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Question is one guided question of a tour: the request whose answer it lands on, the view
// that shows the answer in its setting, the request context (and mode) it is asked in, any
// what-if it is asked under, and the answer a trainer expects. The demo's ten questions
// (questions.json) are the source that docs/demo-account.md, its test and the explorer's
// tour all read; a trainer's own file (iamscope --questions FILE) has the same shape.
type Question struct {
	// Title is the question as the tour lists it ("1. Can Dana ...?"); for the demo, the
	// heading of its section of docs/demo-account.md.
	Title string `json:"title"`
	// View is where the tour lands: "access" (the principal's access), "who-can" (everyone
	// who can do Action on Resource), "paths" (the principal's role chains and escalation
	// paths), or "changes" (what changed for the principal since the earlier state the
	// explorer compares with, its gained and lost access open: the demo always has one).
	View string `json:"view"`
	// Who asks: a user or role name, an access key id, "role/session", "anonymous", a service
	// principal, or an ARN.
	Who      string `json:"who"`
	Action   string `json:"action"`
	Resource string `json:"resource"`
	// Context holds the question's own condition keys, set over the file's context.
	Context map[string]string `json:"context,omitempty"`
	// Strict decides the question in strict mode (keys not set are absent); otherwise in
	// discovery mode (they are unknown, and an answer may be "Allowed if ...").
	Strict bool `json:"strict,omitempty"`
	// WhatIf are the what-ifs the question is asked under.
	WhatIf []WhatIf `json:"whatIf,omitempty"`
	// Answer is the expected decision: Allowed, ImplicitlyDenied, ExplicitlyDenied, or
	// "Allowed if FORMULA".
	Answer string `json:"answer"`
	// DecidedBy are words the engine's reason names (a statement's Sid, a policy, a rule).
	DecidedBy []string `json:"decidedBy,omitempty"`
}

// WhatIf is one change a question is asked under, on a copy of the account.
type WhatIf struct {
	// Kind is "detach" (a policy from a user, group or role), "leave-group" (a user leaves a
	// group) or "deny" (a deny statement added to a principal).
	Kind string `json:"kind"`
	// Entity is the user, group or role changed, by name or ARN.
	Entity string `json:"entity"`
	// Policy is the policy detached: a managed policy's name or ARN, or an inline policy's name.
	Policy string `json:"policy,omitempty"`
	// Group is the group left.
	Group string `json:"group,omitempty"`
	// Statement is the deny added: actions and resources separated by spaces, or a JSON
	// statement.
	Statement string `json:"statement,omitempty"`
}

// Questions is a file of guided questions.
type Questions struct {
	// Context is the request context every question is asked in, unless it sets a key itself.
	Context   map[string]string `json:"context,omitempty"`
	Questions []Question        `json:"questions"`
}

// ContextOf is the request context a question is asked in: the file's, with the question's
// keys set over it.
func (qs *Questions) ContextOf(q Question) map[string]string {
	out := make(map[string]string, len(qs.Context)+len(q.Context))
	for k, v := range qs.Context {
		out[k] = v
	}
	for k, v := range q.Context {
		for old := range out {
			if strings.EqualFold(old, k) {
				delete(out, old)
			}
		}
		out[k] = v
	}
	return out
}

//go:embed questions.json
var questionsJSON []byte

// QuestionsFile names the demo's questions in errors and on screen.
const QuestionsFile = "loader/demo/questions.json"

// GuidedQuestions returns the demo's guided questions, those of docs/demo-account.md.
func GuidedQuestions() (*Questions, error) {
	return ParseQuestions(QuestionsFile, questionsJSON)
}

// ReadQuestions reads a trainer's question file (iamscope --questions FILE).
func ReadQuestions(path string) (*Questions, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("questions: %w", err)
	}
	return ParseQuestions(path, raw)
}

// maxQuestions bounds a question file: a tour is walked by hand, one key per question.
const maxQuestions = 50

// ParseQuestions reads and checks a question file; name names it in errors, each of which
// also names the field at fault ("tour.json: questions[2].action: ...").
func ParseQuestions(name string, raw []byte) (*Questions, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var qs Questions
	if err := dec.Decode(&qs); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: more than one JSON value", name)
	}
	if len(qs.Questions) == 0 {
		return nil, fmt.Errorf("%s: questions: none", name)
	}
	if len(qs.Questions) > maxQuestions {
		return nil, fmt.Errorf("%s: questions: %d, at most %d", name, len(qs.Questions), maxQuestions)
	}
	if err := checkContext(qs.Context); err != nil {
		return nil, fmt.Errorf("%s: context: %w", name, err)
	}
	for i, q := range qs.Questions {
		if err := checkQuestion(q); err != nil {
			return nil, fmt.Errorf("%s: questions[%d].%w", name, i, err)
		}
	}
	return &qs, nil
}

// checkQuestion checks one question; its error starts with the field at fault.
func checkQuestion(q Question) error {
	req := map[string]string{"title": q.Title, "who": q.Who, "action": q.Action, "resource": q.Resource, "answer": q.Answer}
	for _, f := range []string{"title", "who", "action", "resource", "answer"} {
		if strings.TrimSpace(req[f]) == "" {
			return fmt.Errorf("%s: missing", f)
		}
		if strings.ContainsFunc(req[f], isControl) {
			return fmt.Errorf("%s: holds a control character", f)
		}
	}
	switch q.View {
	case "access", "who-can", "paths", "changes":
	default:
		return fmt.Errorf("view: %q, want access, who-can, paths or changes", q.View)
	}
	if svc, act, ok := strings.Cut(q.Action, ":"); !ok || svc == "" || act == "" {
		return fmt.Errorf("action: %q is not service:Action", q.Action)
	}
	if q.Resource != "*" && !strings.HasPrefix(q.Resource, "arn:") {
		return fmt.Errorf("resource: %q is not an ARN or *", q.Resource)
	}
	switch {
	case q.Answer == "Allowed", q.Answer == "ImplicitlyDenied", q.Answer == "ExplicitlyDenied":
	case strings.HasPrefix(q.Answer, "Allowed if ") && !q.Strict:
	case strings.HasPrefix(q.Answer, "Allowed if "):
		return fmt.Errorf("answer: %q is a discovery answer, but strict is set", q.Answer)
	default:
		return fmt.Errorf("answer: %q, want Allowed, ImplicitlyDenied, ExplicitlyDenied or Allowed if ...", q.Answer)
	}
	if err := checkContext(q.Context); err != nil {
		return fmt.Errorf("context: %w", err)
	}
	for j, w := range q.WhatIf {
		if err := checkWhatIf(w); err != nil {
			return fmt.Errorf("whatIf[%d].%w", j, err)
		}
	}
	return nil
}

// checkContext checks condition keys: service:Key names, and no control characters.
func checkContext(ctx map[string]string) error {
	for k, v := range ctx {
		if !strings.Contains(k, ":") || strings.ContainsFunc(k, isControl) {
			return fmt.Errorf("%q is not a condition key (service:Key)", k)
		}
		if strings.ContainsFunc(v, isControl) {
			return fmt.Errorf("%s: the value holds a control character", k)
		}
	}
	return nil
}

// checkWhatIf checks one what-if; its error starts with the field at fault.
func checkWhatIf(w WhatIf) error {
	if strings.TrimSpace(w.Entity) == "" {
		return fmt.Errorf("entity: missing")
	}
	switch w.Kind {
	case "detach":
		if w.Policy == "" {
			return fmt.Errorf("policy: missing")
		}
	case "leave-group":
		if w.Group == "" {
			return fmt.Errorf("group: missing")
		}
	case "deny":
		if w.Statement == "" {
			return fmt.Errorf("statement: missing")
		}
	default:
		return fmt.Errorf("kind: %q, want detach, leave-group or deny", w.Kind)
	}
	for _, s := range []string{w.Entity, w.Policy, w.Group, w.Statement} {
		if strings.ContainsFunc(s, isControl) {
			return fmt.Errorf("kind %s: holds a control character", w.Kind)
		}
	}
	return nil
}

// isControl reports the characters a question may not hold: they would draw as something else.
func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }
