package tui

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iamscope/iamscope/keymap"
	"github.com/iamscope/iamscope/model"
)

// contextOverlay edits the request context: MFA, source IP, region, time, principal tags and
// any condition key. Each change applies at once: the trees on screen are asked again.
type contextOverlay struct {
	cursor  int
	editing bool
	adding  bool
	editKey string
	input   lineInput
	err     string
}

// contextRow is one row of the editor.
type contextRow struct {
	label, key, derived string
	add                 bool
}

func newContextOverlay(m *Model) *contextOverlay { return &contextOverlay{} }

func (o *contextOverlay) helpContext() keymap.Context {
	if o.editing {
		return keymap.Filtering
	}
	return keymap.ContextEditor
}

// rows lists the keys the editor offers: the named ones, the selected principal's tags, any
// other key set, and a row to add one.
func (o *contextOverlay) rows(m *Model) []contextRow {
	rows := []contextRow{
		{label: "MFA", key: keyMFA},
		{label: "source IP", key: keySourceIP},
		{label: "region", key: keyRegion},
		{label: "TLS (HTTPS)", key: keyTLS},
		{label: "time", key: keyTime, derived: "now"},
	}
	seen := map[string]bool{}
	for _, r := range rows {
		seen[strings.ToLower(r.key)] = true
	}
	whose, tags := m.selectedTags()
	for _, t := range tags {
		k := tagPrefix + t.Key
		seen[strings.ToLower(k)] = true
		rows = append(rows, contextRow{label: "tag " + clean(t.Key), key: k, derived: clean(t.Value) + " (" + clean(whose) + "'s)"})
	}
	for _, k := range m.ctx.req.keys() {
		if !seen[strings.ToLower(k)] {
			label := k
			if t, ok := strings.CutPrefix(k, tagPrefix); ok {
				label = "tag " + t
			}
			rows = append(rows, contextRow{label: clean(label), key: k})
		}
	}
	return append(rows, contextRow{label: "+ add a condition key", add: true})
}

// selectedTags are the tags of the principal being asked about, and its name: the principal
// of the pinned answer (the palette's can, a guided question) when it is a loaded user or role
// or a session of one, else the principal selected in the list.
func (m *Model) selectedTags() (string, []model.Tag) {
	arn := m.selectedARN
	if m.explain.pinned && m.explain.req.valid() {
		arn = m.explain.req.principal
		if a, err := model.ParseARN(arn); err == nil && a.Service == "sts" {
			if role, _, ok := strings.Cut(strings.TrimPrefix(a.Resource, "assumed-role/"), "/"); ok {
				for _, acct := range m.ctx.accounts {
					if acct.ID == a.Account {
						for _, e := range acct.Find(role) {
							if e.Kind == model.EntityRole {
								arn = e.Role.ARN
							}
						}
					}
				}
			}
		}
	}
	for _, a := range m.ctx.accounts {
		if e, ok := a.Entity(arn); ok {
			switch e.Kind {
			case model.EntityUser:
				return e.User.Name, e.User.Tags
			case model.EntityRole:
				return e.Role.Name, e.Role.Tags
			}
		}
	}
	return "", nil
}

func (o *contextOverlay) paste(m *Model, text string) tea.Cmd {
	if o.editing {
		o.input.insert(text)
	}
	return nil
}

func (o *contextOverlay) update(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	k := m.ctx.keys
	if o.editing {
		switch msg.String() {
		case "esc":
			o.editing, o.adding, o.err = false, false, ""
		case "enter":
			return o.commit(m)
		default:
			o.input.update(msg)
		}
		return nil
	}
	rows := o.rows(m)
	o.cursor = min(o.cursor, len(rows)-1)
	row := rows[o.cursor]
	o.err = ""
	if cmd, ok := m.editorKey(msg, &o.cursor, len(rows)); ok {
		return cmd
	}
	switch {
	case key.Matches(msg, k.Editor.MFA):
		r := m.ctx.req.clone()
		switch v, _ := r.get(keyMFA); v {
		case "":
			r.set(keyMFA, "true")
		case "true":
			r.set(keyMFA, "false")
		default:
			r.clear(keyMFA)
		}
		return m.applyRequest(r)
	case key.Matches(msg, k.Editor.Add):
		o.startAdd()
	case key.Matches(msg, k.Editor.Edit):
		if row.add {
			o.startAdd()
			return nil
		}
		v, _ := m.ctx.req.get(row.key)
		if v == "" && row.key == keyTime {
			v = m.ctx.now().UTC().Format(time.RFC3339)
		}
		o.editing, o.editKey = true, row.key
		o.input = newInput(row.label+" = ", v)
	case key.Matches(msg, k.Editor.Clear):
		if row.add {
			return nil
		}
		if _, ok := m.ctx.req.get(row.key); !ok {
			return nil
		}
		r := m.ctx.req.clone()
		r.clear(row.key)
		return m.applyRequest(r)
	case key.Matches(msg, k.Editor.Reset):
		return m.applyRequest(requestContext{})
	default:
		o.err = "not a key of this editor: esc closes it, ? lists its keys"
	}
	return nil
}

func (o *contextOverlay) startAdd() {
	o.editing, o.adding = true, true
	o.input = newInput("key=value: ", "")
}

// commit checks the value typed and applies it.
func (o *contextOverlay) commit(m *Model) tea.Cmd {
	k, v := o.editKey, strings.TrimSpace(o.input.String())
	if o.adding {
		var ok bool
		k, v, ok = strings.Cut(o.input.String(), "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || !strings.Contains(k, ":") {
			o.err = "write service:Key=value, e.g. aws:SourceVpc=vpc-1a2b or aws:PrincipalTag/team=sre"
			return nil
		}
	}
	if err := checkContextValue(k, v); err != nil {
		o.err = err.Error()
		return nil
	}
	o.editing, o.adding = false, false
	r := m.ctx.req.clone()
	if v == "" {
		r.clear(k)
	} else {
		r.set(k, v)
	}
	return m.applyRequest(r)
}

// checkContextValue refuses values the engine would read as something else.
func checkContextValue(k, v string) error {
	if v == "" {
		return nil
	}
	switch strings.ToLower(k) {
	case strings.ToLower(keyMFA), strings.ToLower(keyTLS):
		if v != "true" && v != "false" {
			return fmt.Errorf("%s is true or false", k)
		}
	case strings.ToLower(keySourceIP):
		if _, err := netip.ParseAddr(v); err != nil {
			return fmt.Errorf("source IP: %q is not an IP address", v)
		}
	case strings.ToLower(keyTime):
		if _, err := time.Parse(time.RFC3339, v); err != nil {
			return fmt.Errorf("time: write it as 2025-03-14T09:00:00Z")
		}
	}
	return nil
}

// applyRequest installs a new request context and asks again for what is on screen.
func (m *Model) applyRequest(r requestContext) tea.Cmd {
	m.ctx.setRequest(r)
	return m.refreshAll()
}

func (o *contextOverlay) view(m *Model) string {
	s := m.ctx.styles
	w, h := m.overlaySize(84, 24)
	inner := w - 4
	var lines []string
	lines = append(lines, s.dim.Render("Keys left open make decisions \"allowed if …\". Changes apply at once."))
	lines = append(lines, "")
	for i, r := range o.rows(m) {
		val := s.dim.Render("? open")
		if r.derived != "" {
			val = s.dim.Render(r.derived)
		}
		if v, ok := m.ctx.req.get(r.key); ok && !r.add {
			val = s.chipSet.Render(clean(v))
		}
		line := fit(r.label, 14) + " " + s.dim.Render(fit(clean(r.key), 30)) + " " + val
		if r.add {
			line = r.label
		}
		if i == o.cursor {
			if o.editing && !o.adding && r.key == o.editKey {
				lines = append(lines, o.input.view(s, inner))
				continue
			}
			lines = append(lines, s.rowSelected.Render(fit("▸ "+line, inner)))
			continue
		}
		lines = append(lines, "  "+line)
	}
	if o.adding {
		lines = append(lines, "", o.input.view(s, inner))
	}
	if o.err != "" {
		lines = append(lines, "", s.errorText.Render(o.err))
	}
	lines = append(lines, "", helpLine(s, m.ctx.keys.ShortHelp(o.helpContext())))
	return m.box("Request context", lines, w, h)
}
