package tui

import (
	tea "charm.land/bubbletea/v2"
)

// handleMouse: a click focuses the pane under the pointer and selects the row; the wheel
// scrolls the pane under the pointer.
func (m *Model) handleMouse(msg tea.MouseMsg) tea.Cmd {
	c := m.ctx
	if m.state != stateReady || len(m.overlays) > 0 || c.noMouse {
		return nil
	}
	mouse := msg.Mouse()
	l := c.layout
	wheel := 0
	switch msg.(type) {
	case tea.MouseWheelMsg:
		switch mouse.Button {
		case tea.MouseWheelUp:
			wheel = -3
		case tea.MouseWheelDown:
			wheel = 3
		default:
			return nil
		}
	case tea.MouseClickMsg:
		if mouse.Button != tea.MouseLeft {
			return nil
		}
	default:
		return nil
	}
	switch {
	case l.list.contains(mouse.X, mouse.Y):
		list := m.currentList()
		if wheel != 0 {
			list.move(wheel, listRows(l.list.h))
			return m.listChanged()
		}
		m.focus = focusList
		if i := list.rowAt(mouse.Y - l.list.y - 1); i >= 0 {
			list.cursor = i
			return m.listChanged()
		}
	case l.wide && l.doc.contains(mouse.X, mouse.Y), !l.wide && m.focus == focusDoc && l.doc.contains(mouse.X, mouse.Y):
		if wheel != 0 {
			m.explain.doc.scroll(wheel, l.doc.h-1)
			return nil
		}
		m.focus = focusDoc
	case l.tree.contains(mouse.X, mouse.Y):
		tp := m.currentTree()
		if wheel != 0 {
			tp.tree.move(wheel, l.tree.h-1)
			return m.followSelection(false)
		}
		m.focus = focusTree
		if i := tp.tree.rowAt(mouse.Y - l.tree.y - 1); i >= 0 {
			if i == tp.tree.cursor {
				// A click on the selected row opens or closes it.
				n := tp.tree.selected()
				if n != nil && n.expandable {
					if n.expanded {
						tp.collapse(n)
						return nil
					}
					return tp.expand(c, n)
				}
			}
			tp.tree.cursor = i
			return m.followSelection(false)
		}
	}
	return nil
}
