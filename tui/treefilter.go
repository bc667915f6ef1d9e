package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
)

// This file filters a tree's rows: `/` in a tree, as in the lists. A filter keeps the rows
// whose label or note holds the typed text (any case), with the rows above them, opened to
// show them. The rows under a row that matches show as they are opened, so that filtering on
// a service's name and opening it shows all its actions. It looks at the rows loaded so far
// (a service's actions are found when it is first opened); the palette (`:`) searches every
// action and resource instead.

// startFilter gives the keys to the filter field.
func (t *treeModel) startFilter() {
	t.filtering = true
	t.filter = newInput("/", t.query)
}

// filterKey handles a key while the filter field has the keys: enter keeps the filter, esc
// drops it, up and down move among the rows, anything else edits it.
func (t *treeModel) filterKey(msg tea.KeyPressMsg, height int) {
	switch msg.String() {
	case "enter":
		t.filtering = false
	case "esc":
		t.clearFilter()
	case "up":
		t.move(-1, height)
	case "down":
		t.move(1, height)
	default:
		if t.filter.update(msg) {
			t.setQuery(t.filter.String())
		}
	}
}

// setQuery puts a filter in force ("" for none).
func (t *treeModel) setQuery(q string) {
	if q == t.query {
		return
	}
	t.query = q
	t.dirty = true
}

// clearFilter drops the filter; it reports whether there was one.
func (t *treeModel) clearFilter() bool {
	if t.query == "" && !t.filtering {
		return false
	}
	t.filtering = false
	t.filter.setValue("")
	t.setQuery("")
	return true
}

// filterShown reports whether the filter line takes the last line of the tree's area.
func (t *treeModel) filterShown() bool { return t.filtering || t.query != "" }

// rowsHeight is how many rows fit in a tree area of height h, the filter line aside.
func (t *treeModel) rowsHeight(h int) int {
	if t.filterShown() {
		return max(h-1, 1)
	}
	return h
}

// filterLine draws the filter field, or the filter in force, and how many rows match.
func (t *treeModel) filterLine(s *styles, w int) string {
	count := fmt.Sprintf("  %d match", t.matches)
	if t.matches != 1 {
		count += "es"
	}
	if t.filtering {
		return fit(t.filter.view(s, w-width(count))+s.dim.Render(count), w)
	}
	return fit(s.dim.Render("/"+clean(t.query)+count+"  (esc clears)"), w)
}

// treeFilter says which loaded nodes a query keeps.
type treeFilter struct {
	query string         // lower case
	hit   map[*node]bool // the node itself matches
	below map[*node]bool // a node under it matches
	count int            // nodes that match
}

// newTreeFilter marks the nodes under root that match the query, and those above them.
func newTreeFilter(root *node, query string) *treeFilter {
	f := &treeFilter{query: strings.ToLower(query), hit: map[*node]bool{}, below: map[*node]bool{}}
	var mark func(n *node) bool
	mark = func(n *node) bool {
		any := false
		for _, c := range n.children {
			if mark(c) {
				any = true
			}
		}
		f.below[n] = any
		if f.matches(n) {
			f.hit[n] = true
			f.count++
			return true
		}
		return any
	}
	if root != nil {
		for _, c := range root.children {
			mark(c)
		}
	}
	return f
}

func (f *treeFilter) matches(n *node) bool {
	return strings.Contains(strings.ToLower(n.label), f.query) || strings.Contains(strings.ToLower(n.note), f.query)
}
