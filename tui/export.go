package tui

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/safefile"
	"github.com/iamscope/iamscope/internal/sanitize"
	"github.com/iamscope/iamscope/keymap"
)

// exportWhat is what an export writes.
type exportWhat uint8

const (
	exportExplanation exportWhat = iota
	exportTree
)

// exportFormat is how an export is written.
type exportFormat uint8

const (
	formatMarkdown exportFormat = iota
	formatJSON
)

// exportedMsg says an export was written, or why not.
type exportedMsg struct {
	path string
	err  error
}

// writeFile writes data to path off the event loop, as every file iamscope writes is written
// (safefile.WriteFile: mode 0600, atomically, never through a symbolic link or over a file
// that is not a regular file).
func writeFile(path string, data []byte) tea.Cmd {
	return func() tea.Msg {
		return exportedMsg{path: path, err: safefile.WriteFile(path, data)}
	}
}

// exportOverlay asks what to export, in which format, and where.
type exportOverlay struct {
	what   exportWhat
	format exportFormat
	input  lineInput
	err    string
}

func newExportOverlay(m *Model) *exportOverlay {
	what := exportTree
	if m.focus == focusDoc || (m.explain.result != nil && m.focus != focusList) {
		what = exportExplanation
	}
	o := &exportOverlay{what: what, format: formatMarkdown}
	o.input = newInput("file: ", m.exportName(o.what, o.format))
	return o
}

// startExport opens the export dialog set to what and format.
func (m *Model) startExport(what exportWhat, format exportFormat) tea.Cmd {
	o := &exportOverlay{what: what, format: format}
	o.input = newInput("file: ", m.exportName(what, format))
	m.push(o)
	return nil
}

// exportName proposes a file name in the current directory.
func (m *Model) exportName(what exportWhat, format exportFormat) string {
	subject := shortName(m.selectedARN)
	kind := "tree"
	if what == exportExplanation {
		kind = "why"
		if m.explain.req.valid() {
			subject = shortName(m.explain.req.principal) + "-" + m.explain.req.action
		}
	} else if m.view == viewReverse {
		if it, ok := m.resources.selected().(*resourceItem); ok {
			subject = shortName(it.arn)
		}
	} else if m.view == viewChanges {
		if it, ok := m.changes.selected().(*changeItem); ok {
			subject = "changes-" + it.name
		}
	}
	ext := ".md"
	if format == formatJSON {
		ext = ".json"
	}
	return "iamscope-" + kind + "-" + shortSlug(subject) + "-" + m.ctx.now().UTC().Format("20060102-150405") + ext
}

// maxSlug is the longest subject an export's default name holds, in bytes: the whole name
// stays far below the 255 bytes a file name may have.
const maxSlug = 80

// shortSlug is slug(s), cut to maxSlug bytes when longer and ended with 8 hex digits of the
// subject's SHA-256, so that two long subjects that begin alike still get different names.
func shortSlug(s string) string {
	out := slug(s)
	if len(out) <= maxSlug {
		return out
	}
	sum := sha256.Sum256([]byte(s))
	return out[:maxSlug-9] + "-" + hex.EncodeToString(sum[:4])
}

// slug keeps letters, digits, dots, dashes and underscores.
func slug(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '-'
	}, s)
	if s == "" {
		return "export"
	}
	return s
}

func (o *exportOverlay) helpContext() keymap.Context { return keymap.Palette }

func (o *exportOverlay) paste(m *Model, text string) tea.Cmd {
	o.input.insert(text)
	return nil
}

func (o *exportOverlay) update(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		m.pop()
		return nil
	case "tab":
		o.what = 1 - o.what
		o.input.setValue(m.exportName(o.what, o.format))
		return nil
	case "ctrl+t":
		o.format = 1 - o.format
		o.input.setValue(m.exportName(o.what, o.format))
		return nil
	case "enter":
		path := strings.TrimSpace(o.input.String())
		if path == "" {
			o.err = "name a file"
			return nil
		}
		data, err := m.exportData(o.what, o.format)
		if err != nil {
			o.err = err.Error()
			return nil
		}
		m.pop()
		return writeFile(path, data)
	}
	o.input.update(msg)
	return nil
}

func (o *exportOverlay) view(m *Model) string {
	s := m.ctx.styles
	w, h := m.overlaySize(90, 12)
	what := map[exportWhat]string{exportExplanation: "the explanation", exportTree: "the " + strings.ToLower(m.view.title()) + " tree (what is open)"}[o.what]
	format := map[exportFormat]string{formatMarkdown: "Markdown", formatJSON: "JSON"}[o.format]
	lines := []string{
		"export " + s.bold.Render(what) + " as " + s.bold.Render(format),
		s.dim.Render("tab: explanation/tree · ctrl+t: Markdown/JSON · enter writes (mode 0600) · esc cancels"),
		"",
		o.input.view(s, w-4),
	}
	if o.err != "" {
		lines = append(lines, "", s.errorText.Render(o.err))
	}
	return m.box("Export", lines, w, h)
}

// exportData renders what to export.
func (m *Model) exportData(what exportWhat, format exportFormat) ([]byte, error) {
	if what == exportExplanation {
		return m.explanationExport(format)
	}
	root := m.currentTree().tree.root
	if root == nil {
		return nil, fmt.Errorf("the tree is empty")
	}
	subject := m.treeSubject(root)
	if format == formatJSON {
		out := treeJSON(root)
		out.Label, out.Principal = subject, root.principal
		return exportJSON(out)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# iamscope: %s of %s\n\n", m.view.title(), mdText(subject))
	m.contextMarkdown(&b)
	var walk func(n *node, depth int)
	walk = func(n *node, depth int) {
		for _, c := range n.children {
			line := c.label
			if c.level != "" {
				line += " (" + c.level + ")"
			}
			var tail []string
			if w := decisionWords(c.decision); w != "" {
				if c.decision == decIf && hasIfNote(c) {
					w += " (the conditions below)"
				}
				tail = append(tail, w)
			}
			if c.note != "" {
				tail = append(tail, c.note)
			}
			if len(tail) > 0 {
				line += " — " + strings.Join(tail, "; ")
			}
			switch c.mark {
			case markGained:
				line = "**gained:** " + line
			case markLost:
				line = "~~lost:~~ " + line
			}
			fmt.Fprintf(&b, "%s- %s\n", strings.Repeat("  ", depth), mdText(line))
			if c.loaded || c.expanded {
				walk(c, depth+1)
			}
		}
	}
	walk(root, 0)
	return []byte(b.String()), nil
}

// treeSubject names what a tree shows, for an export's title and its JSON root: the
// principal (its kind and name), or the resource or query of a who-can tree.
func (m *Model) treeSubject(root *node) string {
	label := strings.TrimSpace(root.label)
	if root.principal != "" {
		if it, ok := m.byARN[root.principal]; ok {
			name := it.kind.String() + " " + it.name
			if label != "" && label != name {
				return name + " (" + label + ")"
			}
			return name
		}
		if label == "" {
			return clean(root.principal)
		}
	}
	if label == "" {
		return "(empty)"
	}
	return label
}

// decisionWords says a row's decision in words, for exports.
func decisionWords(d decision) string {
	switch d {
	case decAllow:
		return "allow"
	case decIf:
		return "allowed if"
	case decDeny:
		return "implicitly denied"
	case decExplicitDeny:
		return "explicitly denied"
	}
	return ""
}

// hasIfNote reports whether a row's conditions are written under it (an "if ..." note).
func hasIfNote(n *node) bool {
	for _, k := range n.children {
		if k.kind == nkNote && strings.HasPrefix(k.label, "if ") {
			return true
		}
	}
	return false
}

// nodeJSON is a tree node as exported; the root also names the principal whose tree it is.
type nodeJSON struct {
	Label     string      `json:"label"`
	Principal string      `json:"principal,omitempty"`
	Kind      string      `json:"kind,omitempty"`
	Level     string      `json:"accessLevel,omitempty"`
	Decision  string      `json:"decision,omitempty"`
	Note      string      `json:"note,omitempty"`
	Mark      string      `json:"whatIf,omitempty"`
	Request   *requestJS  `json:"request,omitempty"`
	Children  []*nodeJSON `json:"children,omitempty"`
}

type requestJS struct {
	Principal string `json:"principal"`
	Action    string `json:"action"`
	Resource  string `json:"resource"`
}

func treeJSON(n *node) *nodeJSON {
	out := &nodeJSON{Label: n.label, Level: n.level, Note: n.note, Decision: decisionWords(n.decision)}
	switch n.mark {
	case markGained:
		out.Mark = "gained"
	case markLost:
		out.Mark = "lost"
	}
	if n.req.valid() {
		out.Request = &requestJS{Principal: n.req.principal, Action: n.req.action, Resource: n.req.resource}
	}
	for _, c := range n.children {
		out.Children = append(out.Children, treeJSON(c))
	}
	return out
}

// explanationExport renders the explanation shown.
func (m *Model) explanationExport(format exportFormat) ([]byte, error) {
	e := &m.explain
	if format == formatJSON {
		out := struct {
			Request     *requestJS            `json:"request,omitempty"`
			Context     map[string]string     `json:"context,omitempty"`
			WhatIfs     []string              `json:"whatIfs,omitempty"`
			Decision    eval.Decision         `json:"decision,omitempty"`
			AllowedIf   string                `json:"allowedIf,omitempty"`
			Conditions  []*eval.OpenCondition `json:"conditions"`
			Explanation *eval.Explanation     `json:"explanation,omitempty"`
			// Before is a Changes row's earlier side, decided on the earlier state's engine.
			Before *priorJS `json:"before,omitempty"`
			Text   []string `json:"text,omitempty"`
		}{Context: m.ctx.req.values, Conditions: []*eval.OpenCondition{}}
		for _, ch := range m.ctx.changes {
			out.WhatIfs = append(out.WhatIfs, ch.String())
		}
		if e.req.valid() {
			out.Request = &requestJS{Principal: e.req.principal, Action: e.req.action, Resource: e.req.resource}
		}
		if e.result != nil {
			out.Decision = e.result.Decision
			if e.result.Conditional() {
				out.AllowedIf = e.result.Condition.String()
				// The open conditions one by one, as the CLI's can --json gives them.
				out.Conditions = e.result.Condition.Conditions()
			}
			out.Explanation = e.result.Explanation
			if e.prior != nil {
				out.Before = &priorJS{Decision: e.prior.Decision, Explanation: e.prior.Explanation}
				if e.prior.Conditional() {
					out.Before.AllowedIf = e.prior.Condition.String()
				}
			}
		} else {
			for _, l := range e.doc.lines {
				out.Text = append(out.Text, l.text)
			}
		}
		return exportJSON(out)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# iamscope: %s\n\n", mdText(e.title))
	m.contextMarkdown(&b)
	inCode := false
	for _, l := range e.doc.lines {
		code := l.style == lsJSON || (l.style == lsDecisive && l.stmt > 0)
		if code != inCode {
			if code {
				b.WriteString("```json\n")
			} else {
				b.WriteString("```\n")
			}
			inCode = code
		}
		switch {
		case code:
			fmt.Fprintf(&b, "%s%s\n", strings.Repeat("  ", l.indent), l.text)
		case l.style == lsHeading:
			fmt.Fprintf(&b, "\n## %s\n\n", mdText(l.text))
		case l.text == "":
			b.WriteString("\n")
		default:
			fmt.Fprintf(&b, "%s- %s\n", strings.Repeat("  ", max(l.indent-1, 0)), mdText(l.text))
		}
	}
	if inCode {
		b.WriteString("```\n")
	}
	return []byte(b.String()), nil
}

// priorJS is the earlier side of a Changes row's explanation, in an export.
type priorJS struct {
	Decision    eval.Decision     `json:"decision"`
	AllowedIf   string            `json:"allowedIf,omitempty"`
	Explanation *eval.Explanation `json:"explanation,omitempty"`
}

// contextMarkdown writes the request context and what-ifs of an export.
func (m *Model) contextMarkdown(b *strings.Builder) {
	c := m.ctx
	if a := c.mainAccount(); a != nil {
		fmt.Fprintf(b, "Account %s (%s), source %s, data of %s.\n\n", mdText(a.ID), mdText(a.Alias), mdText(a.Source), a.LoadedAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	if len(c.req.values) == 0 {
		b.WriteString("Request context: nothing set (keys left open make decisions \"allowed if\").\n\n")
	} else {
		b.WriteString("Request context:\n\n")
		for _, k := range c.req.keys() {
			v, _ := c.req.get(k)
			fmt.Fprintf(b, "- `%s` = `%s`\n", clean(k), clean(v))
		}
		b.WriteString("\n")
	}
	if c.whatIfActive() {
		b.WriteString("What-ifs in force:\n\n")
		for _, ch := range c.changes {
			fmt.Fprintf(b, "- %s\n", mdText(ch.String()))
		}
		b.WriteString("\n")
	}
}

// exportJSON writes v as indented JSON with every character a terminal acts on, or that
// hides text, escaped as \uXXXX (sanitize.JSON), as the CLI's --json writes it: the same
// characters, inert.
func exportJSON(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return sanitize.JSON(b), nil
}

// mdText cleans text for Markdown: no controls, and the characters that would format escaped.
func mdText(s string) string {
	s = clean(s)
	r := strings.NewReplacer("\\", "\\\\", "`", "\\`", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]", "<", "&lt;", ">", "&gt;", "#", "\\#", "|", "\\|")
	return r.Replace(s)
}
