package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/keymap"
	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/model"
)

// The guided tour: Q lists the guided questions (the demo's, from loader/demo/questions.json,
// which docs/demo-account.md and its test read too; or a trainer's --questions file), and a
// digit asks one. Asking sets the mode, the request context and the what-ifs the question is
// asked under, selects its principal, opens its view, and pins its answer with the
// explanation, so that a change the trainer then makes (MFA, the region, a what-if) shows the
// answer move. From anywhere a question is at most three keys away: esc (out of a text field
// or editor), Q, its digit (or letter, past the tenth).

// questionsOverlay lists the guided questions.
type questionsOverlay struct {
	cursor int
}

func (m *Model) openQuestions() tea.Cmd {
	if m.questions == nil || len(m.questions.Questions) == 0 {
		m.setStatus("no guided questions: the demo has them; for another account give --questions FILE", true)
		return nil
	}
	o := &questionsOverlay{}
	if m.asked >= 0 {
		o.cursor = m.asked
	}
	m.push(o)
	return nil
}

func (o *questionsOverlay) helpContext() keymap.Context  { return keymap.Questions }
func (o *questionsOverlay) paste(*Model, string) tea.Cmd { return nil }

// questionDigit is the key that asks question i (0-based) directly: 1 to 9, 0 for the tenth,
// then a to f (no letter the list's own keys use); later questions are chosen with the cursor.
func questionDigit(i int) string {
	switch {
	case i < 9:
		return fmt.Sprint(i + 1)
	case i == 9:
		return "0"
	case i < 16:
		return string(rune('a' + i - 10))
	}
	return ""
}

func (o *questionsOverlay) update(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	k := m.ctx.keys
	qs := m.questions.Questions
	s := msg.String()
	for i := range qs {
		if d := questionDigit(i); d != "" && s == d {
			m.pop()
			return m.askQuestion(i)
		}
	}
	switch {
	case key.Matches(msg, k.Global.Back), key.Matches(msg, k.Global.Questions), key.Matches(msg, k.Global.Quit):
		m.pop()
	case key.Matches(msg, k.List.Up):
		o.cursor = max(o.cursor-1, 0)
	case key.Matches(msg, k.List.Down):
		o.cursor = min(o.cursor+1, len(qs)-1)
	case key.Matches(msg, k.List.PageUp):
		o.cursor = max(o.cursor-5, 0)
	case key.Matches(msg, k.List.PageDown):
		o.cursor = min(o.cursor+5, len(qs)-1)
	case key.Matches(msg, k.List.Top):
		o.cursor = 0
	case key.Matches(msg, k.List.Bottom):
		o.cursor = len(qs) - 1
	case key.Matches(msg, k.Editor.Accept):
		m.pop()
		return m.askQuestion(o.cursor)
	case key.Matches(msg, k.Global.Help):
		m.push(newHelpOverlay(m))
	case key.Matches(msg, k.Global.Palette):
		m.pop()
		m.push(newPaletteOverlay(m))
	}
	return nil
}

func (o *questionsOverlay) view(m *Model) string {
	s := m.ctx.styles
	qs := m.questions.Questions
	w, h := m.overlaySize(100, len(qs)+9)
	inner := w - 4
	lines := []string{s.dim.Render("Each question sets the principal, the view, the context and the mode, and pins its answer."), ""}
	// A long file scrolls: the rows that fit, the cursor among them.
	rows := max(h-9, 1)
	start := max(0, o.cursor-rows+1)
	for i, q := range qs {
		if i < start || i >= start+rows {
			continue
		}
		d := questionDigit(i)
		if d == "" {
			d = " "
		}
		line := d + "  " + clean(untitled(q.Title, i))
		if i == m.asked {
			line += s.dim.Render("  (asked)")
		}
		if i == o.cursor {
			line = s.rowSelected.Render(fit("▸ "+ansiStrip(line), inner))
		} else {
			line = "  " + line
		}
		lines = append(lines, line)
	}
	if o.cursor < len(qs) {
		q := qs[o.cursor]
		lines = append(lines, "", s.dim.Render(fit("asks: "+clean(q.Who)+" "+clean(q.Action)+" "+clean(q.Resource), inner)))
	}
	lines = append(lines, "", helpLine(s, m.ctx.keys.ShortHelp(keymap.Questions)))
	return m.box("Guided questions  (1–9, 0, a–f ask · esc closes)", lines, w, h)
}

// askQuestion asks guided question i: the mode, the context and the what-ifs first, then the
// principal and the view, then the answer, pinned, with its explanation.
func (m *Model) askQuestion(i int) tea.Cmd {
	c := m.ctx
	qs := m.questions
	q := qs.Questions[i]
	req, listARN, err := m.questionRequest(q)
	if err != nil {
		m.setStatus(fmt.Sprintf("question %d: %s", i+1, clean(err.Error())), true)
		return nil
	}
	changes, err := m.questionChanges(q)
	if err != nil {
		m.setStatus(fmt.Sprintf("question %d: %s", i+1, clean(err.Error())), true)
		return nil
	}
	m.asked = i
	m.closeOverlays()
	m.clearFilters()
	c.setStrict(q.Strict)
	var r requestContext
	for k, v := range qs.ContextOf(q) {
		r.set(k, v)
	}
	c.setRequest(r)
	m.explain.unpin()
	cmds := []tea.Cmd{m.setChanges(changes)}
	if listARN != "" {
		m.principals.selectItem(func(it listItem) bool { return it.(*principalItem).arn == listARN })
	}
	switch {
	case q.View == "who-can":
		cmds = append(cmds, m.whoCan(q.Action, q.Resource))
	case q.View == "paths":
		m.view = viewPaths
	case q.View == "changes" && m.hasChanges():
		m.view = viewChanges
		m.landChange(listARN)
	default:
		m.view = viewAccess // "changes" with no earlier state to compare with lands here too
	}
	cmds = append(cmds, m.selectPrincipal(), m.showSelected())
	m.focus = focusDoc
	cmds = append(cmds, m.explain.pin(c, req, len(changes) > 0))
	m.setStatus(fmt.Sprintf("question %d of %d · %s mode · change the context (c), the mode (S) or a what-if (w) and the answer is recomputed", i+1, len(qs.Questions), c.modeName()), false)
	return m.withSpinner(tea.Batch(cmds...))
}

// closeOverlays closes every overlay.
func (m *Model) closeOverlays() { m.overlays = nil }

// clearFilters ends any filter or search being typed, so that a jump lands where it says.
func (m *Model) clearFilters() {
	for _, l := range []*listModel{&m.principals, &m.resources, &m.changes} {
		l.filtering = false
	}
	for _, tp := range []*treePane{&m.access, &m.reverse, &m.paths, &m.changesTree} {
		tp.tree.filtering = false
	}
	m.explain.doc.searching = false
}

// questionRequest is the request a question asks, and the principal to select in the list
// (none for a party that is no loaded user or role). Who is a user or role name, ARN or
// unique id, an access key id, "role/session", "anonymous", a service principal, an account.
func (m *Model) questionRequest(q demo.Question) (request, string, error) {
	req := request{action: q.Action, resource: q.Resource}
	who := q.Who
	if role, session, ok := strings.Cut(who, "/"); ok && !strings.HasPrefix(who, "arn:") {
		for _, a := range m.ctx.accounts {
			for _, e := range a.Find(role) {
				if e.Kind == model.EntityRole {
					req.principal = "arn:aws:sts::" + a.ID + ":assumed-role/" + e.Role.Name + "/" + session
					req.party = true
					return req, e.Role.ARN, nil
				}
			}
		}
		return req, "", fmt.Errorf("who: no role %q", role)
	}
	if arn, err := m.findPrincipal(who); err == nil {
		req.principal = arn
		return req, arn, nil
	}
	if _, ok, err := m.ctx.engine.FindParty(who); err != nil || !ok {
		return req, "", fmt.Errorf("who: no user, role or party %q", who)
	}
	req.principal, req.party = who, true
	return req, "", nil
}

// questionChanges makes a question's what-ifs into engine changes, naming entities and
// policies as the what-if editor does.
func (m *Model) questionChanges(q demo.Question) ([]eval.Change, error) {
	var out []eval.Change
	for j, w := range q.WhatIf {
		acct, ent, ok := m.findEntity(w.Entity)
		if !ok {
			return nil, fmt.Errorf("whatIf[%d].entity: no user, group or role %q", j, w.Entity)
		}
		arn := ent.ARN()
		switch w.Kind {
		case "detach":
			policy := w.Policy
			for _, p := range acct.Policies {
				if p.Name == w.Policy || p.ARN == w.Policy {
					policy = p.ARN
				}
			}
			out = append(out, eval.DetachPolicy{Entity: arn, Policy: policy})
		case "leave-group":
			out = append(out, eval.RemoveFromGroup{User: arn, Group: w.Group})
		case "deny":
			st, err := denyStatement(w.Statement)
			if err != nil {
				return nil, fmt.Errorf("whatIf[%d].statement: %w", j, err)
			}
			out = append(out, eval.AddDeny{Entity: arn, Statement: st})
		}
	}
	return out, nil
}

// findEntity finds a user, group or role by name, ARN or id in the loaded accounts.
func (m *Model) findEntity(q string) (*model.Account, model.Entity, bool) {
	for _, a := range m.ctx.accounts {
		if es := a.Find(q); len(es) == 1 {
			return a, es[0], true
		}
	}
	return nil, model.Entity{}, false
}

// untitled is a question's title without the number it starts with when that is its place
// ("5. Can Ada ...": the list draws the key, 5, beside it).
func untitled(title string, i int) string {
	if rest, ok := strings.CutPrefix(title, fmt.Sprintf("%d. ", i+1)); ok {
		return rest
	}
	return title
}
