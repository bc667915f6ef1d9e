package tui

import (
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
)

// lineStyle says how a document line is drawn.
type lineStyle uint8

const (
	lsPlain lineStyle = iota
	lsHeading
	lsDim
	lsDecisive // a line of a statement that decided the request
	lsJSON
	lsAllow
	lsDeny
	lsIf
)

// docLine is one logical line of a document: clean text, wrapped to the pane when drawn.
type docLine struct {
	text   string
	style  lineStyle
	indent int
	stmt   int // 1 + the index in document.statements of the statement this line shows, or 0
}

// document is a read-only text the user scrolls and searches (`/`, `n`, `N`). Lines are
// wrapped once per width; only the lines on screen are drawn.
type document struct {
	lines      []docLine
	statements []string // statement JSON, for copying
	// deciding is 1 + the index in statements of the statement that decided most plainly
	// (decidingRank), or 0.
	deciding     int
	decidingRank int

	wrapped      []docLine // lines wrapped to wrapWidth
	wrapWidth    int
	offset       int
	query        string
	matches      []int // indexes into wrapped
	current      int   // index into matches
	searching    bool
	search       lineInput
	lastSearched string
}

func (d *document) add(style lineStyle, indent int, text string) {
	d.lines = append(d.lines, docLine{text: text, style: style, indent: indent})
	d.wrapWidth = 0
}

func (d *document) reset() {
	*d = document{query: d.query, search: newInput("/", d.query)}
}

// wrap wraps the lines to w cells, keeping the search's matches.
func (d *document) wrap(w int) {
	if d.wrapWidth == w && d.wrapped != nil {
		return
	}
	d.wrapWidth = w
	d.wrapped = d.wrapped[:0]
	for _, l := range d.lines {
		pad := strings.Repeat("  ", l.indent)
		for i, part := range wrap(l.text, max(w-len(pad)-2, 10)) {
			cont := ""
			if i > 0 {
				cont = "  "
			}
			d.wrapped = append(d.wrapped, docLine{text: pad + cont + part, style: l.style, stmt: l.stmt})
		}
	}
	d.find()
}

// find lists the wrapped lines holding the query, case-insensitively.
func (d *document) find() {
	d.matches = d.matches[:0]
	if d.query == "" {
		return
	}
	q := strings.ToLower(d.query)
	for i, l := range d.wrapped {
		if strings.Contains(strings.ToLower(l.text), q) {
			d.matches = append(d.matches, i)
		}
	}
	d.current = min(d.current, max(len(d.matches)-1, 0))
}

// setQuery searches for q and shows its first match from the top of the screen.
func (d *document) setQuery(q string, height int) {
	d.query = q
	d.current = 0
	d.find()
	for i, m := range d.matches {
		if m >= d.offset {
			d.current = i
			break
		}
	}
	d.showCurrent(height)
}

// next moves to the next (or previous) match.
func (d *document) next(step, height int) {
	if len(d.matches) == 0 {
		return
	}
	d.current = (d.current + step + len(d.matches)) % len(d.matches)
	d.showCurrent(height)
}

func (d *document) showCurrent(height int) {
	if len(d.matches) == 0 {
		return
	}
	m := d.matches[d.current]
	if m < d.offset || m >= d.offset+height {
		d.offset = max(m-height/3, 0)
	}
}

func (d *document) scroll(n, height int) {
	d.offset = max(0, min(d.offset+n, len(d.wrapped)-height))
}

// currentStatement is the JSON of the statement at the current search match, else of the one
// that decided, else of the one on the top line, or
// the first that decided.
func (d *document) currentStatement() string {
	if len(d.matches) > 0 {
		at := d.matches[d.current]
		for i := at; i < len(d.wrapped) && i < at+40; i++ {
			if s := d.wrapped[i].stmt; s > 0 {
				return d.statements[s-1]
			}
		}
	}
	if d.deciding > 0 {
		return d.statements[d.deciding-1]
	}
	for i := d.offset; i < len(d.wrapped) && i < d.offset+40; i++ {
		if s := d.wrapped[i].stmt; s > 0 {
			return d.statements[s-1]
		}
	}
	if len(d.statements) > 0 {
		return d.statements[0]
	}
	return ""
}

// view draws the lines on screen.
func (d *document) view(s *styles, w, h int) []string {
	d.wrap(w)
	rows := h
	if d.searching || d.query != "" {
		rows--
	}
	d.offset = max(0, min(d.offset, len(d.wrapped)-rows))
	cur := -1
	if len(d.matches) > 0 {
		cur = d.matches[d.current]
	}
	isMatch := map[int]bool{}
	for _, m := range d.matches {
		isMatch[m] = true
	}
	out := make([]string, 0, h)
	for i := d.offset; i < len(d.wrapped) && len(out) < rows; i++ {
		l := d.wrapped[i]
		text := l.text
		if isMatch[i] {
			text = highlight(text, d.query, s.docMatch, s.docMatchCurrent, i == cur)
		}
		out = append(out, fit(styleFor(s, l.style).Render(text), w))
	}
	out = padLines(out, w, rows)
	switch {
	case d.searching:
		out = append(out, d.search.view(s, w))
	case d.query != "":
		n := len(d.matches)
		pos := 0
		if n > 0 {
			pos = d.current + 1
		}
		out = append(out, fit(s.dim.Render("/"+d.query+"  "+strconv.Itoa(pos)+"/"+strconv.Itoa(n)+" (n next, N previous)"), w))
	}
	return out
}

// highlight marks each occurrence of q in text.
func highlight(text, q string, match, current lipgloss.Style, isCurrent bool) string {
	if q == "" {
		return text
	}
	st := match
	if isCurrent {
		st = current
	}
	lower, lq := strings.ToLower(text), strings.ToLower(q)
	if len(lower) != len(text) || len(lq) != len(q) {
		lower, lq = text, q // case folding changed lengths: match exactly
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, lq)
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(text[:i])
		b.WriteString(st.Render(text[i : i+len(q)]))
		text, lower = text[i+len(q):], lower[i+len(q):]
	}
}

func styleFor(s *styles, ls lineStyle) lipgloss.Style {
	switch ls {
	case lsHeading:
		return s.docHeading
	case lsDim:
		return s.dim
	case lsDecisive:
		return s.docDecisive
	case lsJSON:
		return s.docJSON
	case lsAllow:
		return s.allow.Bold(true)
	case lsDeny:
		return s.deny.Bold(true)
	case lsIf:
		return s.cond.Bold(true)
	}
	return s.app
}
