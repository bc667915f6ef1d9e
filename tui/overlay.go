package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iamscope/iamscope/keymap"
	"github.com/iamscope/iamscope/model"
)

// overlay is a dialog drawn over the screen: help, the palette, the context and what-if
// editors, warnings, export. Overlays stack; the top one takes the keys and esc closes it.
type overlay interface {
	update(m *Model, msg tea.KeyPressMsg) tea.Cmd
	view(m *Model) string
	helpContext() keymap.Context
	paste(m *Model, text string) tea.Cmd
}

func (m *Model) push(o overlay) { m.overlays = append(m.overlays, o) }

func (m *Model) pop() {
	if n := len(m.overlays); n > 0 {
		m.overlays = m.overlays[:n-1]
	}
}

// box draws an overlay's frame around its lines, at most w cells wide and h lines high.
func (m *Model) box(title string, lines []string, w, h int) string {
	s := m.ctx.styles
	inner := w - 4 // border and padding
	if len(lines) > h-3 {
		lines = lines[:h-3]
	}
	body := make([]string, 0, len(lines)+1)
	body = append(body, s.overlayTitle.Render(fit(title, inner)))
	for _, l := range lines {
		body = append(body, fit(l, inner))
	}
	return s.overlay.Render(strings.Join(body, "\n"))
}

// overlaySize is the size of a dialog in the current window.
func (m *Model) overlaySize(maxW, maxH int) (int, int) {
	c := m.ctx
	return min(c.width-2, maxW), min(c.height-2, maxH)
}

// scrollBox holds the lines and offset of a scrollable overlay.
type scrollBox struct {
	offset int
}

func (b *scrollBox) update(m *Model, msg tea.KeyPressMsg, total, h int) bool {
	k := m.ctx.keys.List
	switch {
	case key.Matches(msg, k.Up):
		b.offset--
	case key.Matches(msg, k.Down):
		b.offset++
	case key.Matches(msg, k.PageUp):
		b.offset -= h
	case key.Matches(msg, k.PageDown):
		b.offset += h
	case key.Matches(msg, k.Top):
		b.offset = 0
	case key.Matches(msg, k.Bottom):
		b.offset = total
	default:
		return false
	}
	b.offset = max(0, min(b.offset, total-h))
	return true
}

// closeOrScroll closes the overlay on esc, q or the key that opened it, opens the palette or
// the guided questions in its place, and scrolls it otherwise.
func (b *scrollBox) closeOrScroll(m *Model, msg tea.KeyPressMsg, opener key.Binding, total, h int) {
	g := m.ctx.keys.Global
	switch {
	case key.Matches(msg, g.Back) || key.Matches(msg, opener) || key.Matches(msg, g.Quit):
		m.pop()
	case key.Matches(msg, g.Palette):
		m.pop()
		m.push(newPaletteOverlay(m))
	case key.Matches(msg, g.Questions):
		m.pop()
		m.openQuestions()
	default:
		b.update(m, msg, total, h)
	}
}

// helpOverlay shows every binding of the context it was opened from.
type helpOverlay struct {
	ctx      keymap.Context
	keysPath string // where keys.json is looked for, found when the help opens
	scrollBox
}

func newHelpOverlay(m *Model) *helpOverlay {
	return &helpOverlay{ctx: m.helpContext(), keysPath: keysPathText()}
}

func (o *helpOverlay) helpContext() keymap.Context  { return o.ctx }
func (o *helpOverlay) paste(*Model, string) tea.Cmd { return nil }
func (o *helpOverlay) update(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	_, h := m.overlaySize(96, 40)
	o.scrollBox.closeOrScroll(m, msg, m.ctx.keys.Global.Help, len(o.lines(m, 90)), h-3)
	return nil
}

func (o *helpOverlay) lines(m *Model, w int) []string {
	s := m.ctx.styles
	cols := m.ctx.keys.FullHelp(o.ctx)
	names := []string{"here", "moving", "everywhere"}
	var out []string
	for i, col := range cols {
		name := "keys"
		if i < len(names) {
			name = names[i]
		}
		out = append(out, s.bold.Render(name))
		for _, b := range col {
			if !b.Enabled() {
				continue
			}
			h := b.Help()
			out = append(out, "  "+s.footerKey.Render(fit(h.Key, 12))+" "+h.Desc)
		}
	}
	out = append(out, "", s.bold.Render("badges"), "  "+badgeLegend)
	out = append(out, "", s.bold.Render("decisions"), "  ✓ allow · ? allowed if (open conditions) · ✗ deny (implicit) · ✗ DENY (explicit)")
	out = append(out, "  + gained by the what-ifs · − lost by the what-ifs")
	out = append(out, "", s.dim.Render("Rebind keys in "+o.keysPath+" (see README)."))
	return out
}

func (o *helpOverlay) view(m *Model) string {
	w, h := m.overlaySize(96, 40)
	lines := o.lines(m, w-4)
	return m.box("Help: "+contextName(o.ctx)+"  (esc closes)", lines[min(o.offset, len(lines)):], w, h)
}

func contextName(c keymap.Context) string {
	switch c {
	case keymap.AccessTree:
		return "tree"
	case keymap.Explanation:
		return "explanation"
	case keymap.ContextEditor:
		return "request context"
	case keymap.WhatIfEditor:
		return "what-if"
	case keymap.Palette:
		return "command palette"
	case keymap.Filtering:
		return "filter"
	case keymap.Questions:
		return "guided questions"
	}
	return "principals"
}

func keysPathText() string {
	if p, err := keymap.DefaultPath(); err == nil {
		return clean(p)
	}
	return "keys.json in your configuration directory"
}

// warningsOverlay lists what could not be read or compiled.
type warningsOverlay struct {
	lines []string
	scrollBox
}

func newWarningsOverlay(m *Model) *warningsOverlay {
	o := &warningsOverlay{}
	for _, a := range m.ctx.accounts {
		for _, w := range a.Warnings {
			o.lines = append(o.lines, "⚠ "+clean(a.ID)+": "+cleanWarning(w))
		}
	}
	if m.ctx.base != nil {
		for _, w := range m.ctx.base.Warnings {
			o.lines = append(o.lines, "⚠ engine: "+cleanWarning(w))
		}
	}
	if len(o.lines) == 0 {
		o.lines = []string{"No warnings: everything the sources hold was read and compiled."}
	}
	return o
}

// cleanWarning is a warning's text, its place and message cleaned apart, so that an escape
// sequence left open in the place cannot swallow the message.
func cleanWarning(w model.Warning) string {
	if w.Where == "" {
		return clean(w.Message)
	}
	return clean(w.Where) + ": " + clean(w.Message)
}

func (o *warningsOverlay) helpContext() keymap.Context  { return keymap.Principals }
func (o *warningsOverlay) paste(*Model, string) tea.Cmd { return nil }

// update scrolls by the lines drawn, so that every line of every warning can be reached however
// long the warnings before it wrap.
func (o *warningsOverlay) update(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	w, h := m.overlaySize(110, 30)
	o.scrollBox.closeOrScroll(m, msg, m.ctx.keys.Global.Warnings, len(o.wrapped(w-4)), h-3)
	return nil
}

func (o *warningsOverlay) view(m *Model) string {
	w, h := m.overlaySize(110, 30)
	lines := o.wrapped(w - 4)
	return m.box(fmt.Sprintf("Load warnings (%d)  (esc closes)", m.warningCount()), lines[min(o.offset, len(lines)):], w, h)
}

// wrapped is every warning wrapped to w cells, one entry per drawn line.
func (o *warningsOverlay) wrapped(w int) []string {
	var lines []string
	for _, l := range o.lines {
		lines = append(lines, wrap(l, w)...)
	}
	return lines
}

// editorKey handles, in an editor that is not taking text (the context and what-if editors),
// the keys that work everywhere: help, the palette and the guided questions open over it, q
// and esc close it (q never quits from an editor), and the moving keys move its cursor. It
// reports whether it took the key.
func (m *Model) editorKey(msg tea.KeyPressMsg, cursor *int, rows int) (tea.Cmd, bool) {
	k := m.ctx.keys
	l := k.List
	page := max(m.ctx.height/3, 1)
	switch {
	case key.Matches(msg, k.Global.Back), key.Matches(msg, k.Global.Quit):
		m.pop()
	case key.Matches(msg, k.Global.Help):
		m.push(newHelpOverlay(m))
	case key.Matches(msg, k.Global.Palette):
		m.push(newPaletteOverlay(m))
	case key.Matches(msg, k.Global.Questions):
		return m.openQuestions(), true
	case key.Matches(msg, l.Up):
		*cursor = max(*cursor-1, 0)
	case key.Matches(msg, l.Down):
		*cursor = min(*cursor+1, max(rows-1, 0))
	case key.Matches(msg, l.PageUp):
		*cursor = max(*cursor-page, 0)
	case key.Matches(msg, l.PageDown):
		*cursor = min(*cursor+page, max(rows-1, 0))
	case key.Matches(msg, l.Top):
		*cursor = 0
	case key.Matches(msg, l.Bottom):
		*cursor = max(rows-1, 0)
	default:
		return nil, false
	}
	return nil, true
}
