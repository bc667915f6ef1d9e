package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iamscope/iamscope/keymap"
)

// listItem is a row of a filterable list.
type listItem interface {
	// filterValue is the text the fuzzy filter matches.
	filterValue() string
	// rev changes whenever the item's row must be drawn again (a badge arrived).
	rev() int
}

// rowCache is one row's last drawing, reused while nothing it shows has changed.
type rowCache struct {
	width, rev int
	selected   bool
	text       string
}

// listModel is a long list that draws only the rows on screen, filters with a fuzzy match
// (`/`), and caches each row's drawing by width and revision.
type listModel struct {
	items  []listItem
	shown  []int // indexes into items, in the order shown (filtered)
	cursor int   // index into shown
	offset int   // first shown row on screen

	filter    lineInput
	filtering bool   // the filter field has the keys
	query     string // the filter in force

	render func(it listItem, width int, selected, focused bool) string
	cache  map[int]rowCache
}

func newList(render func(listItem, int, bool, bool) string) listModel {
	return listModel{render: render, cache: map[int]rowCache{}, filter: newInput("/", "")}
}

// setItems replaces the items, keeping the filter.
func (l *listModel) setItems(items []listItem) {
	l.items = items
	l.cache = map[int]rowCache{}
	l.applyFilter()
}

// itemSource adapts the items to the fuzzy matcher.
type itemSource []listItem

func (s itemSource) String(i int) string { return s[i].filterValue() }
func (s itemSource) Len() int            { return len(s) }

// applyFilter recomputes the shown rows for the query.
func (l *listModel) applyFilter() {
	var keep listItem
	if sel := l.selectedIndex(); sel >= 0 {
		keep = l.items[sel]
	}
	l.shown = l.shown[:0]
	if l.query == "" {
		for i := range l.items {
			l.shown = append(l.shown, i)
		}
	} else {
		// The account terms ("@keystone", an account id) keep the rows of the accounts
		// they name, in order; the rest of the query ranks them, the best match first,
		// and selected.
		terms, rest := splitAccountTerms(l.query)
		var pool []int
		var sub itemSource
		for i, it := range l.items {
			if inAccounts(it, terms) {
				pool = append(pool, i)
				sub = append(sub, it)
			}
		}
		if strings.TrimSpace(rest) == "" {
			l.shown = append(l.shown, pool...)
		} else {
			for _, j := range rankMatches(rest, sub, 0) {
				l.shown = append(l.shown, pool[j])
			}
		}
		l.cursor, l.offset = 0, 0
		return
	}
	l.cursor, l.offset = 0, 0
	for i, ix := range l.shown {
		if l.items[ix] == keep {
			l.cursor = i
			break
		}
	}
}

// selectedIndex is the index in items of the selected row, or -1.
func (l *listModel) selectedIndex() int {
	if l.cursor < 0 || l.cursor >= len(l.shown) {
		return -1
	}
	return l.shown[l.cursor]
}

func (l *listModel) selected() listItem {
	if i := l.selectedIndex(); i >= 0 {
		return l.items[i]
	}
	return nil
}

// selectItem moves the cursor to the item, clearing a filter that hides it.
func (l *listModel) selectItem(match func(listItem) bool) bool {
	for pass := 0; pass < 2; pass++ {
		for i, ix := range l.shown {
			if match(l.items[ix]) {
				l.cursor = i
				return true
			}
		}
		if l.query == "" {
			return false
		}
		l.query = ""
		l.filter.setValue("")
		l.applyFilter()
	}
	return false
}

// move moves the cursor by n rows and keeps it on screen.
func (l *listModel) move(n, height int) {
	l.cursor = min(max(l.cursor+n, 0), max(len(l.shown)-1, 0))
	l.scroll(height)
}

func (l *listModel) scroll(height int) {
	l.offset = keepInView(l.cursor, l.offset, height, len(l.shown))
}

// keepInView returns the first row to show so that the cursor row is on a screen of height
// rows, moving as little as it can, and no blank rows are shown after the last of total.
func keepInView(cursor, offset, height, total int) int {
	if cursor < offset {
		offset = cursor
	}
	if height > 0 && cursor >= offset+height {
		offset = cursor - height + 1
	}
	return max(0, min(offset, total-height))
}

// update handles movement and filter keys; it reports whether the selection changed and
// whether it used the key.
func (l *listModel) update(k *keymap.List, msg tea.KeyPressMsg, height int) (changed, used bool) {
	before := l.selectedIndex()
	if l.filtering {
		switch {
		case msg.String() == "enter":
			l.filtering = false
		case msg.String() == "esc":
			l.filtering = false
			l.query = ""
			l.filter.setValue("")
			l.applyFilter()
		case msg.String() == "up" || msg.String() == "down":
			l.move(map[string]int{"up": -1, "down": 1}[msg.String()], height)
		default:
			if l.filter.update(msg) {
				l.query = l.filter.String()
				l.applyFilter()
			}
		}
		return l.selectedIndex() != before, true
	}
	switch {
	case key.Matches(msg, k.Up):
		l.move(-1, height)
	case key.Matches(msg, k.Down):
		l.move(1, height)
	case key.Matches(msg, k.PageUp):
		l.move(-height, height)
	case key.Matches(msg, k.PageDown):
		l.move(height, height)
	case key.Matches(msg, k.Top):
		l.move(-len(l.shown), height)
	case key.Matches(msg, k.Bottom):
		l.move(len(l.shown), height)
	case key.Matches(msg, k.Filter):
		l.filtering = true
		l.filter.setValue(l.query)
	default:
		return false, false
	}
	return l.selectedIndex() != before, true
}

// clearFilter drops the filter; it reports whether there was one.
func (l *listModel) clearFilter() bool {
	if l.query == "" && !l.filtering {
		return false
	}
	l.filtering = false
	l.query = ""
	l.filter.setValue("")
	l.applyFilter()
	return true
}

// view draws the visible rows in w×h cells, the filter line last when there is one.
func (l *listModel) view(s *styles, w, h int, focused bool) []string {
	rows := h
	if l.filtering || l.query != "" {
		rows--
	}
	l.scroll(rows)
	lines := make([]string, 0, h)
	for i := l.offset; i < len(l.shown) && len(lines) < rows; i++ {
		ix := l.shown[i]
		it := l.items[ix]
		sel := i == l.cursor
		if sel {
			lines = append(lines, l.render(it, w, sel, focused))
			continue
		}
		c, ok := l.cache[ix]
		if !ok || c.width != w || c.rev != it.rev() {
			c = rowCache{width: w, rev: it.rev(), text: l.render(it, w, false, focused)}
			l.cache[ix] = c
		}
		lines = append(lines, c.text)
	}
	if len(l.shown) == 0 {
		lines = append(lines, s.dim.Render(fit("  no match", w)))
	}
	lines = padLines(lines, w, rows)
	switch {
	case l.filtering:
		lines = append(lines, l.filter.view(s, w))
	case l.query != "":
		lines = append(lines, fit(s.dim.Render("/"+l.query+"  (esc clears)"), w))
	}
	return lines
}

// rowAt returns the shown row index at line y of the list's area, or -1.
func (l *listModel) rowAt(y int) int {
	i := l.offset + y
	if y < 0 || i >= len(l.shown) {
		return -1
	}
	return i
}
