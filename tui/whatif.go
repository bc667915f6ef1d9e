package tui

import (
	"encoding/json"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/keymap"
	"github.com/iamscope/iamscope/model"
)

// whatIfMsg brings the engine of a set of what-ifs, built off the event loop.
type whatIfMsg struct {
	id      uint64
	engine  *eval.Engine
	changes []eval.Change
	err     error
}

// changeLabel names a what-if for a chip.
func changeLabel(c eval.Change) string {
	switch ch := c.(type) {
	case eval.DetachPolicy:
		return "−" + shortName(ch.Policy) + " from " + shortName(ch.Entity)
	case eval.RemoveFromGroup:
		return "−" + shortName(ch.User) + " from group " + ch.Group
	case eval.AddDeny:
		return "+deny " + denySummary(ch.Statement) + " for " + shortName(ch.Entity)
	}
	return c.String()
}

// denySummary says what a deny statement denies: its actions on its resources ("s3:* on
// arn:aws:s3:::tidewater-payroll/*"), or the statement itself when it is not that simple.
func denySummary(statement string) string {
	var st struct {
		Action, Resource, NotAction, NotResource any
	}
	if err := json.Unmarshal([]byte(statement), &st); err != nil || st.NotAction != nil || st.NotResource != nil {
		return truncate(statement, 60)
	}
	list := func(v any) string {
		switch x := v.(type) {
		case string:
			return x
		case []any:
			var parts []string
			for _, p := range x {
				if s, ok := p.(string); ok {
					parts = append(parts, s)
				}
			}
			return strings.Join(parts, ", ")
		}
		return "?"
	}
	return list(st.Action) + " on " + list(st.Resource)
}

// setChanges applies a set of what-ifs: none gives the loaded engine back at once; otherwise
// the engine of the changes is built off the event loop.
func (m *Model) setChanges(changes []eval.Change) tea.Cmd {
	c := m.ctx
	m.whatIfID = c.newID()
	if len(changes) == 0 {
		m.whatIfBuilding = false
		c.setEngine(c.base, nil)
		return m.refreshAll()
	}
	m.whatIfBuilding = true
	base, id := c.base, m.whatIfID
	changes = append([]eval.Change(nil), changes...)
	return m.withSpinner(func() tea.Msg {
		e, err := base.WhatIf(changes...)
		return whatIfMsg{id: id, engine: e, changes: changes, err: err}
	})
}

func (m *Model) handleWhatIf(msg whatIfMsg) tea.Cmd {
	if msg.id != m.whatIfID {
		return nil
	}
	m.whatIfBuilding = false
	if msg.err != nil {
		m.setStatus(clean(msg.err.Error()), true)
		if e := &m.explain; e.loading && e.id == 0 && e.req.valid() {
			// A guided question waited for these what-ifs: answer it without them.
			return e.ask(m.ctx, e.req, true)
		}
		return nil
	}
	m.ctx.setEngine(msg.engine, msg.changes)
	m.setStatus(fmt.Sprintf("what-if applied (%d in force): + gained, − lost are marked in the tree", len(msg.changes)), false)
	return m.refreshAll()
}

// whatIfOverlay offers the changes that can be made to the selected principal: detach or
// re-attach its policies and its groups' policies, leave a group, add a deny statement; and
// lists every what-if in force, to undo.
type whatIfOverlay struct {
	cursor int
	adding bool
	input  lineInput
	err    string
}

// whatIfRow is a change the editor offers, and whether it is in force.
type whatIfRow struct {
	label  string
	change eval.Change
	// left is the what-if by which the selected user left the group whose policy the row
	// is; the policy no longer applies to the user.
	left eval.Change
}

func (m *Model) openWhatIf() tea.Cmd {
	if m.selectedARN == "" {
		m.setStatus("select a principal first", true)
		return nil
	}
	m.push(&whatIfOverlay{})
	return nil
}

func (o *whatIfOverlay) helpContext() keymap.Context {
	if o.adding {
		return keymap.Filtering
	}
	return keymap.WhatIfEditor
}

func (o *whatIfOverlay) paste(m *Model, text string) tea.Cmd {
	if o.adding {
		o.input.insert(text)
	}
	return nil
}

// rows lists the changes that can be made to the selected principal, then the other changes
// in force.
func (o *whatIfOverlay) rows(m *Model) []whatIfRow {
	c := m.ctx
	var rows []whatIfRow
	offered := map[eval.Change]bool{}
	add := func(label string, ch eval.Change) {
		if !offered[ch] {
			offered[ch] = true
			rows = append(rows, whatIfRow{label: label, change: ch})
		}
	}
	var acct *model.Account
	var ent model.Entity
	for _, a := range c.accounts {
		if e, ok := a.Entity(m.selectedARN); ok {
			acct, ent = a, e
			break
		}
	}
	policyName := func(arn string) string {
		if acct != nil {
			if mp, ok := acct.Policy(arn); ok {
				return mp.Name
			}
		}
		return shortName(arn)
	}
	policies := func(entity string, attached []string, inline []model.InlinePolicy, where string) {
		for _, p := range attached {
			add("policy "+clean(policyName(p))+where, eval.DetachPolicy{Entity: entity, Policy: p})
		}
		for _, ip := range inline {
			add("inline "+clean(ip.Name)+where, eval.DetachPolicy{Entity: entity, Policy: ip.Name})
		}
	}
	if acct != nil {
		switch ent.Kind {
		case model.EntityUser:
			u := ent.User
			policies(u.ARN, u.AttachedPolicies, u.InlinePolicies, "")
			for _, gn := range u.Groups {
				leave := eval.RemoveFromGroup{User: u.ARN, Group: gn}
				add("member of group "+clean(gn), leave)
				if g, ok := acct.Group(gn); ok {
					n := len(rows)
					policies(g.ARN, g.AttachedPolicies, g.InlinePolicies, " (group "+clean(gn)+", all members)")
					if inForce(c, leave) {
						for i := n; i < len(rows); i++ {
							rows[i].left = leave
						}
					}
				}
			}
		case model.EntityRole:
			policies(ent.Role.ARN, ent.Role.AttachedPolicies, ent.Role.InlinePolicies, "")
		case model.EntityGroup:
			g := ent.Group
			policies(g.ARN, g.AttachedPolicies, g.InlinePolicies, "")
			for _, u := range g.Members {
				add("member "+clean(u.Name), eval.RemoveFromGroup{User: u.ARN, Group: g.Name})
			}
		}
	}
	for _, ch := range c.changes {
		add(clean(changeLabel(ch)), ch)
	}
	return rows
}

func inForce(c *programContext, ch eval.Change) bool {
	for _, x := range c.changes {
		if x == ch {
			return true
		}
	}
	return false
}

func (o *whatIfOverlay) update(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	c := m.ctx
	k := c.keys
	if o.adding {
		switch msg.String() {
		case "esc":
			o.adding, o.err = false, ""
		case "enter":
			st, err := denyStatement(o.input.String())
			if err != nil {
				o.err = err.Error()
				return nil
			}
			o.adding, o.err = false, ""
			return m.setChanges(append(append([]eval.Change(nil), c.changes...), eval.AddDeny{Entity: m.selectedARN, Statement: st}))
		default:
			o.input.update(msg)
		}
		return nil
	}
	rows := o.rows(m)
	o.err = ""
	if cmd, ok := m.editorKey(msg, &o.cursor, len(rows)); ok {
		return cmd
	}
	switch {
	case key.Matches(msg, k.WhatIf.Toggle):
		if o.cursor >= len(rows) {
			return nil
		}
		ch := rows[o.cursor].change
		var next []eval.Change
		found := false
		for _, x := range c.changes {
			if x == ch {
				found = true
				continue
			}
			next = append(next, x)
		}
		if !found {
			next = append(next, ch)
		}
		return m.setChanges(next)
	case key.Matches(msg, k.WhatIf.AddDeny):
		o.adding = true
		o.input = newInput("deny: ", "")
	case key.Matches(msg, k.WhatIf.Clear):
		return m.setChanges(nil)
	default:
		o.err = "not a key of this editor: esc closes it, ? lists its keys"
	}
	return nil
}

// denyStatement reads what the user typed as a deny: a JSON statement, or actions and
// resources separated by spaces ("s3:* arn:aws:s3:::payroll/*"; no resource means "*").
func denyStatement(text string) (string, error) {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "{") {
		var v map[string]any
		if err := json.Unmarshal([]byte(text), &v); err != nil {
			return "", fmt.Errorf("not a JSON statement: %v", err)
		}
		return text, nil
	}
	var actions, resources []string
	for _, f := range strings.Fields(text) {
		if strings.HasPrefix(f, "arn:") || f == "*" {
			resources = append(resources, f)
		} else if strings.Contains(f, ":") {
			actions = append(actions, f)
		} else {
			return "", fmt.Errorf("%q is neither an action (service:Action) nor a resource (arn:… or *)", f)
		}
	}
	if len(actions) == 0 {
		return "", fmt.Errorf("name at least one action, e.g. s3:* arn:aws:s3:::tidewater-payroll/*")
	}
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	b, err := json.Marshal(map[string]any{"Effect": "Deny", "Action": actions, "Resource": resources})
	return string(b), err
}

func (o *whatIfOverlay) view(m *Model) string {
	c := m.ctx
	s := c.styles
	w, h := m.overlaySize(96, 26)
	inner := w - 4
	name := shortName(m.selectedARN)
	lines := []string{s.dim.Render("Change " + clean(name) + "'s IAM on a copy of the account; nothing is written to AWS.")}
	lines = append(lines, "")
	rows := o.rows(m)
	if len(rows) == 0 {
		lines = append(lines, s.dim.Render("  no policy or group to change; press a to add a deny"))
	}
	for i, r := range rows {
		box := "[x] "
		state := "attached"
		if r.left != nil && !inForce(c, r.change) {
			box, state = "[-] ", s.chipWhatIf.Render("not applied: left the group")
		}
		if inForce(c, r.change) {
			box = "[ ] "
			state = s.chipWhatIf.Render("removed")
			if _, ok := r.change.(eval.AddDeny); ok {
				box, state = "[+] ", s.chipWhatIf.Render("added")
			}
		}
		labelW := max(inner-4-width(ansiStrip(state))-1, 10)
		line := box + fit(r.label, labelW) + " " + state
		if i == o.cursor {
			line = s.rowSelected.Render(fit(box+fit(r.label, labelW)+" "+ansiStrip(state), inner))
		}
		lines = append(lines, line)
	}
	if o.adding {
		lines = append(lines, "", s.dim.Render("actions and resources, e.g. s3:* arn:aws:s3:::tidewater-payroll/*  (or a JSON statement)"), o.input.view(s, inner))
	}
	if o.err != "" {
		lines = append(lines, "", s.errorText.Render(o.err))
	}
	lines = append(lines, "", helpLine(s, c.keys.ShortHelp(o.helpContext())))
	return m.box("What-if", lines, w, h)
}
