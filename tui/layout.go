package tui

// rect is a rectangle of the screen, in cells.
type rect struct{ x, y, w, h int }

// contains reports whether the cell (x, y) lies in r.
func (r rect) contains(x, y int) bool {
	return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}

// The smallest window the explorer draws in; below it, it asks for a bigger one.
const (
	minWidth  = 60
	minHeight = 16
	// wideWidth is the width from which the explanation sits beside the tree.
	wideWidth = 120
)

// layout is where each part of the screen goes, computed once per resize.
type layout struct {
	tooSmall bool
	wide     bool // the explanation has a column of its own
	header   rect // the account and the request context: two lines
	tabs     rect // the views and the breadcrumbs
	list     rect // principals or resources
	tree     rect // the tree of the current view
	doc      rect // the explanation; in a narrow window the same as tree
	footer   rect // key help and status
}

// computeLayout lays out a window of w×h cells.
func computeLayout(w, h int) layout {
	l := layout{tooSmall: w < minWidth || h < minHeight}
	if l.tooSmall {
		return l
	}
	l.header = rect{0, 0, w, 2}
	l.tabs = rect{0, 2, w, 1}
	l.footer = rect{0, h - 1, w, 1}
	bodyY, bodyH := 3, h-4
	listW := min(max(w*28/100, 24), 44)
	l.list = rect{0, bodyY, listW, bodyH}
	rest := w - listW - 1 // one column of separator
	if w >= wideWidth {
		l.wide = true
		treeW := rest * 48 / 100
		l.tree = rect{listW + 1, bodyY, treeW, bodyH}
		l.doc = rect{listW + 1 + treeW + 1, bodyY, rest - treeW - 1, bodyH}
		return l
	}
	l.tree = rect{listW + 1, bodyY, rest, bodyH}
	l.doc = l.tree
	return l
}
