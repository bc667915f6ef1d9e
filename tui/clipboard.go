package tui

import (
	"encoding/json"

	tea "charm.land/bubbletea/v2"

	"github.com/iamscope/iamscope/internal/sanitize"
)

// copySelection copies what is selected to the terminal's clipboard (OSC 52): in the
// explanation, the statement at the current match or on screen; in a tree, the node's ARN,
// action or statement; in a list, the principal's or resource's ARN.
func (m *Model) copySelection() tea.Cmd {
	var text, what string
	switch m.focus {
	case focusDoc:
		text, what = m.explain.doc.currentStatement(), "statement"
		if text == "" && m.explain.req.valid() {
			text, what = m.explain.req.resource, "resource ARN"
		}
	case focusTree:
		if n := m.currentTree().tree.selected(); n != nil {
			text, what = n.copyText, "text"
			if text == "" {
				text = n.req.resource
			}
		}
	default:
		switch it := m.currentList().selected().(type) {
		case *principalItem:
			text, what = it.arn, "ARN"
		case *resourceItem:
			text, what = it.arn, "ARN"
		}
	}
	if text == "" {
		m.setStatus("nothing to copy here", true)
		return nil
	}
	if json.Valid([]byte(text)) {
		text = exactJSON(text) // a statement or policy: escaped, so it still means the policy
	} else {
		text = clean(text)
	}
	m.setStatus("copied "+what+": "+truncate(text, 60), false)
	return tea.SetClipboard(text)
}

// exactJSON makes JSON text (a document, or one line of one) safe to draw and to copy without
// changing what it means: the characters a terminal acts on or that draw nothing are escaped
// as \uXXXX (sanitize.JSON) rather than replaced, so the text still decodes to the policy's
// exact strings. Only what no escape can keep (bytes that are not UTF-8) is replaced.
func exactJSON(s string) string {
	return clean(string(sanitize.JSON([]byte(s))))
}
