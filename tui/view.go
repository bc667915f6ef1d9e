package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/iamscope/iamscope/model"
)

// View draws the screen. It draws only what is visible and reads only what Update computed.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "iamscope"
	if !m.ctx.noMouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	return v
}

// render draws the screen as a string: the whole view, or a message when there is no room.
func (m *Model) render() string {
	c := m.ctx
	s := c.styles
	if c.width == 0 {
		return ""
	}
	if c.layout.tooSmall {
		msg := fmt.Sprintf("iamscope needs a window of at least %d×%d; this one is %d×%d.", minWidth, minHeight, c.width, c.height)
		lines := wrap(msg, max(c.width-2, 10))
		lines = append(lines, "")
		lines = append(lines, wrap("Make the window bigger, or press q to quit.", max(c.width-2, 10))...)
		return lipgloss.Place(c.width, c.height, lipgloss.Center, lipgloss.Center, s.warning.Render(strings.Join(lines, "\n")))
	}
	switch m.state {
	case stateLoading:
		return m.loadingView()
	case stateFailed:
		msg := "Could not read the accounts:\n\n" + clean(m.loadErr.Error()) + "\n\nPress q to quit."
		return lipgloss.Place(c.width, c.height, lipgloss.Center, lipgloss.Center, s.errorText.Render(msg))
	}
	lines := m.headerView()
	lines = append(lines, m.tabsView())
	lines = append(lines, m.bodyView()...)
	lines = append(lines, m.footerView())
	base := strings.Join(lines, "\n")
	if len(m.overlays) == 0 {
		return base
	}
	layers := []*lipgloss.Layer{lipgloss.NewLayer(base)}
	for i, o := range m.overlays {
		box := o.view(m)
		x := max((c.width-lipgloss.Width(box))/2, 0)
		y := max((c.height-lipgloss.Height(box))/2, 0)
		layers = append(layers, lipgloss.NewLayer(box).X(x).Y(y).Z(i+1))
	}
	return lipgloss.NewCanvas(c.width, c.height).Compose(lipgloss.NewCompositor(layers...)).Render()
}

// loadingView shows the spinner, what is being read and the counts so far.
func (m *Model) loadingView() string {
	c := m.ctx
	s := c.styles
	stage := m.progress.Stage
	if stage == "" {
		stage = "reading " + clean(m.opts.Source)
	}
	count := ""
	switch {
	case m.progress.Total > 0:
		count = fmt.Sprintf(" %d/%d", m.progress.Done, m.progress.Total)
	case m.progress.Done > 0:
		count = fmt.Sprintf(" %d", m.progress.Done)
	}
	text := m.spinner.View() + " " + clean(stage) + count
	if m.progress.Warnings > 0 {
		text += "\n" + s.warning.Render(fmt.Sprintf("%d warnings so far", m.progress.Warnings))
	}
	if rows := m.accountRows(max(c.height-8, 1), max(c.width-4, 10)); rows != "" {
		text += "\n\n" + rows
	}
	return lipgloss.Place(c.width, c.height, lipgloss.Center, lipgloss.Center, s.bold.Render("iamscope")+"\n\n"+text)
}

// accountRows lists each account of a load of several with its latest step, those still
// loading first, in at most n lines of at most w cells; "" for a load of one account.
func (m *Model) accountRows(n, w int) string {
	rows := m.boardRows
	if len(rows) == 0 {
		return ""
	}
	s := m.ctx.styles
	done := 0
	for _, r := range rows {
		if r.step == "done" {
			done++
		}
	}
	lines := []string{s.dim.Render(fmt.Sprintf("%d of %d accounts read", done, len(rows)))}
	shown := rows
	if len(shown) > n-1 {
		shown = shown[:max(n-2, 0)]
	}
	for _, r := range shown {
		mark, step := "… ", clean(r.step)
		if r.step == "done" {
			mark = "✓ "
		} else if r.total > 0 {
			step += fmt.Sprintf(" %d/%d", r.done, r.total)
		}
		line := mark + clean(r.account) + "  " + step
		if r.warnings > 0 {
			line += fmt.Sprintf(" · %d warnings", r.warnings)
		}
		lines = append(lines, fit(line, w))
	}
	if more := len(rows) - len(shown); more > 0 {
		lines = append(lines, s.dim.Render(fmt.Sprintf("… and %d more", more)))
	}
	return strings.Join(lines, "\n")
}

// tabsView draws the views, the current one marked, and the breadcrumbs.
func (m *Model) tabsView() string {
	c := m.ctx
	s := c.styles
	var b strings.Builder
	for v := view(0); v < m.views(); v++ {
		if v == m.view {
			b.WriteString(s.tabActive.Render("[" + v.title() + "]"))
		} else {
			b.WriteString(s.tab.Render(" " + v.title() + " "))
		}
	}
	crumbs := m.breadcrumbs()
	if len(crumbs) > 0 {
		b.WriteString(s.crumbSep.Render(" › "))
		for i, cr := range crumbs {
			if i > 0 {
				b.WriteString(s.crumbSep.Render(" › "))
			}
			b.WriteString(s.crumb.Render(cr))
		}
	}
	return fit(b.String(), c.layout.tabs.w)
}

// bodyView draws the panes side by side.
func (m *Model) bodyView() []string {
	c := m.ctx
	l := c.layout
	s := c.styles
	list := m.listPaneView()
	var right []string
	switch {
	case l.wide:
		tree := m.treePaneView(l.tree)
		doc := m.docPaneView(l.doc)
		right = make([]string, l.tree.h)
		sep := s.separator.Render("│")
		for i := range right {
			right[i] = tree[i] + sep + doc[i]
		}
	case m.focus == focusDoc:
		right = m.docPaneView(l.doc)
	default:
		right = m.treePaneView(l.tree)
	}
	sep := s.separator.Render("│")
	out := make([]string, l.list.h)
	for i := range out {
		out[i] = list[i] + sep + right[i]
	}
	return out
}

// paneTitle draws a pane's title line.
func (m *Model) paneTitle(title, right string, w int, focused bool) string {
	s := m.ctx.styles
	st := s.paneTitle
	mark := "  "
	if focused {
		st = s.paneTitleFocused
		mark = "▍ "
	}
	rw := width(right)
	if rw > 0 {
		right = " " + right
		rw++
	}
	return st.Render(fit(mark+title, w-rw)) + s.dim.Render(right)
}

func (m *Model) listPaneView() []string {
	c := m.ctx
	r := c.layout.list
	list := m.currentList()
	focused := m.focus == focusList
	title := "Principals"
	switch m.view {
	case viewReverse:
		title = "Resources"
	case viewChanges:
		title = "Changes"
		if m.diff.busy {
			title += " " + m.spinner.View()
		}
	}
	count := fmt.Sprintf("%d", len(list.shown))
	if list.query != "" {
		count = fmt.Sprintf("%d/%d", len(list.shown), len(list.items))
	}
	lines := []string{m.paneTitle(title, count, r.w, focused)}
	lines = append(lines, list.view(c.styles, r.w, r.h-1, focused)...)
	return lines
}

func (m *Model) treePaneView(r rect) []string {
	c := m.ctx
	tp := m.currentTree()
	focused := m.focus == focusTree
	title, right := m.treeTitle()
	if tp.busy() && m.view != viewChanges {
		// The engine still works on this tree: what it shows is what is found so far.
		right = strings.TrimSuffix(m.spinner.View()+" "+workNote(tp)+" · "+right, " · ")
	}
	lines := []string{m.paneTitle(title, right, r.w, focused)}
	// The selected row's whole text, under the tree, when the row cuts it.
	detail := cutRowDetail(c.styles, tp.tree.selected(), r.w, r.h-1)
	h := r.h - 1 - len(detail)
	rows := tp.tree.view(c.styles, r.w, h, focused, m.spinner.View())
	if len(rows) == 0 && tp.tree.root != nil && tp.tree.root.loading {
		rows = append(rows, c.styles.dim.Render(fit("  "+m.spinner.View()+" asking the engine…", r.w)))
	}
	lines = append(lines, rows...)
	if len(detail) > 0 {
		lines = append(padLines(lines, r.w, 1+h), detail...)
	}
	return block(lines, r.w, r.h)
}

// workNote says what the engine works on in a tree: how far the Chains & paths view's work
// is, else "working".
func workNote(tp *treePane) string {
	if d, ok := tp.tree.root.data.(pathsData); ok && tp.tree.root.loading {
		switch {
		case d.chainsPending:
			return fmt.Sprintf("%d roles so far", len(d.reaches))
		case d.pathsPending:
			return fmt.Sprintf("paths: %d/%d roles", d.checked, d.of)
		}
	}
	return "working"
}

// treeTitle names the current tree and its toggles.
func (m *Model) treeTitle() (string, string) {
	switch m.view {
	case viewReverse:
		return "Who can", ""
	case viewPaths:
		return "Role chains & escalation paths", ""
	case viewChanges:
		right := "before → now"
		if m.diff.busy {
			right = m.spinner.View() + " comparing"
		}
		return "What changed", right
	}
	var on []string
	if m.accessSrc.showDenied {
		on = append(on, "denied")
	}
	if m.accessSrc.writesOnly {
		on = append(on, "writes")
	}
	if m.accessSrc.viaChains {
		on = append(on, "via chains")
	}
	right := ""
	if len(on) > 0 {
		right = "[" + strings.Join(on, ", ") + "]"
	}
	return "Access", right
}

func (m *Model) docPaneView(r rect) []string {
	c := m.ctx
	focused := m.focus == focusDoc
	e := &m.explain
	title := e.title
	if title == "" {
		title = "Explanation"
	}
	var marks []string
	if e.loading {
		marks = append(marks, m.spinner.View()+" deciding")
	}
	if e.pinned {
		marks = append(marks, "pinned")
	}
	if e.recomputed != "" {
		marks = append(marks, e.recomputed)
	}
	lines := []string{m.paneTitle(title, strings.Join(marks, " · "), r.w, focused)}
	for _, l := range e.doc.view(c.styles, r.w-1, r.h-1) {
		lines = append(lines, " "+l)
	}
	return block(lines, r.w, r.h)
}

// renderPrincipal draws a principal's row: kind, name, badges.
func (m *Model) renderPrincipal(it listItem, w int, selected, focused bool) string {
	p := it.(*principalItem)
	s := m.ctx.styles
	kind := map[model.EntityKind]string{model.EntityUser: "u", model.EntityGroup: "g", model.EntityRole: "r"}[p.kind]
	b := p.badges.letters()
	if p.kind != model.EntityGroup && (!p.badges.adminKnown || !p.badges.escKnown) {
		b += "…"
	}
	name := p.name
	if !p.main {
		name += " @" + accountName(p.account, p.alias)
	}
	nameW := w - 3 - width(b) - 1
	if selected {
		st := s.rowSelectedBlurred
		if focused {
			st = s.rowSelected
		}
		return st.Render(fit(" "+kind+" "+fit(name, nameW)+" "+b, w))
	}
	return fit(" "+s.dim.Render(kind)+" "+fit(name, nameW)+" "+s.badge.Render(b), w)
}

// maxDetailLines bounds the lines under a tree that show its selected row's whole text.
const maxDetailLines = 3

// cutRowDetail is the whole text of a tree row that its row cuts (a long condition, a
// carve-out's resource, a long ARN or action label), wrapped in up to maxDetailLines lines under the tree; nil
// when the row shows it all, or when the pane is too short to spare the lines.
func cutRowDetail(s *styles, n *node, w, h int) []string {
	if n == nil || h < 12 {
		return nil
	}
	full := n.label
	if n.note != "" {
		full += "  " + n.note
	}
	// What renderNode gives the label: the width less the indentation, the expander, the mark,
	// the symbol and the right-hand columns.
	room := w - 1 - 2*n.depth - 2 - 2 - 2
	if n.level != "" {
		room -= 6
	}
	if n.decision.word() != "" {
		room -= 5
	}
	// A cut note is shown whole when it is the row's substance (a condition, a carve-out, a
	// message); a summary after a label (a service's counts) is not worth the lines.
	if width(full) <= room || (n.kind != nkNote && width(n.label) <= room) {
		return nil
	}
	wrapped := wrap(full, w-4)
	if len(wrapped) > maxDetailLines {
		wrapped = wrapped[:maxDetailLines]
		wrapped[maxDetailLines-1] = truncate(wrapped[maxDetailLines-1]+" …", w-4)
	}
	out := []string{s.dim.Render(fit(strings.Repeat("─", w), w))}
	for i, l := range wrapped {
		lead := "  "
		if i == 0 {
			lead = "↳ "
		}
		out = append(out, fit(lead+l, w))
	}
	return out
}
