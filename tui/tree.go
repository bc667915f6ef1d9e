package tui

import (
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/iamscope/iamscope/eval"
)

// nodeKind says what a tree node stands for, and so how its children are found.
type nodeKind uint8

const (
	nkNote           nodeKind = iota // text: a condition, a carve-out, a hop, a message
	nkPrincipal                      // a principal's access: children are its services
	nkGroup                          // a group: children are its members
	nkChains                         // the roles a principal reaches: children are nkPrincipal
	nkService                        // a service: children are actions, decided when opened
	nkAction                         // an action: children are resources
	nkResource                       // a resource pattern or known resource an action reaches
	nkDenied                         // an action the identity policies grant but that is denied
	nkResourceRoot                   // reverse tree: a resource; children are actions
	nkWhoAction                      // reverse tree: an action on the resource; children are who can
	nkGrantee                        // reverse tree: a party that can; children are its hops
	nkPathsRoot                      // chains and paths of a principal
	nkSection                        // a heading grouping nodes
	nkReach                          // a role reached through a chain; children are hops
	nkHop                            // one sts:AssumeRole hop
	nkEscalation                     // an escalation path; children are via hops and steps
	nkStep                           // one step of an escalation path
	nkChangesRoot                    // Changes view: one entry of the diff
	nkChangeAction                   // Changes view: an action gained or lost; children are resources
	nkChangeResource                 // Changes view: a resource pattern; explains on both sides
	nkPolicyChange                   // Changes view: a policy change; children are its statements
)

// decision is how a node's request comes out, drawn as a symbol and a word.
type decision uint8

const (
	decNone decision = iota
	decAllow
	decIf
	decDeny         // implicitly denied
	decExplicitDeny // explicitly denied
)

// symbol and word draw a decision without relying on colour.
func (d decision) symbol() string {
	switch d {
	case decAllow:
		return "✓"
	case decIf:
		return "?"
	case decDeny, decExplicitDeny:
		return "✗"
	}
	return " "
}

func (d decision) word() string {
	switch d {
	case decAllow:
		return "allow"
	case decIf:
		return "if …"
	case decDeny:
		return "deny"
	case decExplicitDeny:
		return "DENY"
	}
	return ""
}

func decisionOf(d eval.Decision, cond *eval.Expr) decision {
	switch {
	case d == eval.ExplicitlyDenied:
		return decExplicitDeny
	case d == eval.ImplicitlyDenied:
		return decDeny
	case cond != nil && cond.IsOpen():
		return decIf
	}
	return decAllow
}

// mark says how a what-if changed a node.
type mark uint8

const (
	markNone mark = iota
	markGained
	markLost
)

// request is what a node asks the engine when it is explained: can principal do action on
// resource.
type request struct {
	principal string // ARN, looked up in the engine in force when asked
	action    string
	resource  string
	// context holds keys the row was decided with beyond the request context (a path step's
	// iam:PassedToService); the explanation is decided with them too. nil when none.
	context *eval.Context
	// party asks as who-can lists a party: by its own request, else through the shortest role
	// chain that leads to a role that can (eval.CanParty), with every hop's condition.
	party bool
	// diff explains on both sides of the Changes view: the engine in force (now) and the
	// earlier state's (before).
	diff bool
}

func (r request) valid() bool { return r.principal != "" && r.action != "" && r.resource != "" }

// node is one node of a tree. Children of an expandable node are found when it is first
// opened, by a request to the engine that carries the node's request id; an answer for an id
// the node no longer waits for is dropped.
type node struct {
	kind     nodeKind
	key      string // unique in its tree: the path of labels
	label    string // clean text
	level    string // access level, for actions
	note     string // dim text after the label
	decision decision
	mark     mark
	req      request // what explaining the node asks
	copyText string  // what `y` copies: an ARN or a statement

	depth      int
	parent     *node
	children   []*node
	expandable bool
	expanded   bool
	shownOpen  bool // drawn open: expanded, or opened by a filter to show rows that match
	loaded     bool
	loading    bool
	loadID     uint64
	loadErr    string

	// What the node was built from, kept so that toggles can rebuild children without
	// asking the engine again.
	principal string // ARN
	service   string
	via       []eval.Hop
	data      any
	// account is a root's: the account of the tree's subject (the resource, the principal),
	// so that rows naming a principal of another account say which (issue 16).
	account string

	rev   int
	cache rowCache
}

// homeAccount is the account of the tree's subject, read from the node's root.
func (n *node) homeAccount() string {
	for n.parent != nil {
		n = n.parent
	}
	return n.account
}

// newChild makes a node under parent, keyed by the parent's key and the label.
func newChild(parent *node, kind nodeKind, label string) *node {
	return &node{kind: kind, key: parent.key + "/" + label, label: label, parent: parent}
}

// setChildren replaces the children. A new child with the key and kind of an old one is
// merged into the old one, which keeps its expansion, its children and any answer it awaits:
// a tree asked again after a change of context keeps its shape.
func (n *node) setChildren(children []*node) {
	old := make(map[string]*node, len(n.children))
	for _, c := range n.children {
		old[c.key] = c
	}
	out := make([]*node, 0, len(children))
	for _, c := range children {
		if o, ok := old[c.key]; ok && o.kind == c.kind && o != c {
			o.adopt(c)
			c = o
		}
		c.parent = n
		out = append(out, c)
	}
	n.children = out
	n.rev++
}

// adopt takes what a fresh node of the same key says.
func (n *node) adopt(c *node) {
	n.label, n.level, n.note, n.decision, n.mark = c.label, c.level, c.note, c.decision, c.mark
	n.req, n.copyText = c.req, c.copyText
	n.principal, n.service, n.via = c.principal, c.service, c.via
	n.expandable = c.expandable
	if c.loaded {
		n.data, n.loaded, n.loading = c.data, true, false
		n.setChildren(c.children)
	}
	if !n.expandable {
		n.expanded = false
	}
	n.rev++
}

// treeModel is a tree drawn as a list of its visible rows, only those on screen, each row's
// drawing cached by width and revision.
type treeModel struct {
	root   *node // not drawn; its children are the top rows
	rows   []*node
	cursor int
	offset int
	dirty  bool
	empty  string // shown when there are no rows
	// reveal is a node just opened: the next drawing scrolls to show its children.
	reveal *node

	// The filter (treefilter.go): the field, whether it has the keys, the query in force and
	// how many loaded rows match it.
	filter    lineInput
	filtering bool
	query     string
	matches   int
}

// setRoot replaces the tree.
func (t *treeModel) setRoot(root *node) {
	t.root = root
	t.cursor, t.offset = 0, 0
	t.dirty = true
}

// flatten lists the visible rows: the children of expanded nodes, depth first.
func (t *treeModel) flatten() {
	if !t.dirty {
		return
	}
	var sel *node
	if t.cursor >= 0 && t.cursor < len(t.rows) {
		sel = t.rows[t.cursor]
	}
	t.rows = t.rows[:0]
	var f *treeFilter
	if t.query != "" {
		f = newTreeFilter(t.root, t.query)
		t.matches = f.count
	}
	// Under a row that matches (inMatch), rows show as they are opened; elsewhere a filter
	// keeps the rows that match and those above them, opened to show them.
	var walk func(n *node, depth int, inMatch bool)
	walk = func(n *node, depth int, inMatch bool) {
		for _, c := range n.children {
			open, match := c.expanded, inMatch
			if f != nil && !inMatch {
				if !f.hit[c] && !f.below[c] {
					continue
				}
				match = f.hit[c]
				open = c.expanded || !match && f.below[c]
			}
			if c.depth != depth || c.shownOpen != open {
				c.depth, c.shownOpen = depth, open
				c.rev++
			}
			t.rows = append(t.rows, c)
			if open {
				walk(c, depth+1, match)
			}
		}
	}
	if t.root != nil {
		walk(t.root, 0, false)
	}
	t.dirty = false
	if sel != nil {
		for i, r := range t.rows {
			if r == sel || (r.key == sel.key && r.depth == sel.depth) {
				t.cursor = i
				return
			}
		}
	}
	t.cursor = min(t.cursor, max(len(t.rows)-1, 0))
}

func (t *treeModel) selected() *node {
	t.flatten()
	if t.cursor < 0 || t.cursor >= len(t.rows) {
		return nil
	}
	return t.rows[t.cursor]
}

func (t *treeModel) move(n, height int) {
	t.flatten()
	t.cursor = min(max(t.cursor+n, 0), max(len(t.rows)-1, 0))
	t.scroll(height)
}

func (t *treeModel) scroll(height int) {
	t.offset = keepInView(t.cursor, t.offset, t.rowsHeight(height), len(t.rows))
}

// selectKey moves the cursor to the row with the key, if it is visible.
func (t *treeModel) selectKey(key string) bool {
	t.flatten()
	for i, r := range t.rows {
		if r.key == key {
			t.cursor = i
			return true
		}
	}
	return false
}

// visible lists the rows on screen, for answering what is visible first.
func (t *treeModel) visible(height int) []*node {
	t.flatten()
	end := min(t.offset+height, len(t.rows))
	if t.offset >= end {
		return nil
	}
	return t.rows[t.offset:end]
}

// expandedNodes lists every expanded, loaded node, visible ones first.
func (t *treeModel) expandedNodes(height int) []*node {
	var out []*node
	seen := map[*node]bool{}
	for _, n := range t.visible(height) {
		for p := n; p != nil && p != t.root; p = p.parent {
			if p.expanded && !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	var walk func(*node)
	walk = func(n *node) {
		for _, c := range n.children {
			if c.expanded {
				if !seen[c] {
					seen[c] = true
					out = append(out, c)
				}
				walk(c)
			}
		}
	}
	if t.root != nil {
		walk(t.root)
	}
	return out
}

// view draws the rows on screen.
func (t *treeModel) view(s *styles, w, h int, focused bool, spin string) []string {
	t.flatten()
	t.scroll(h)
	rows := t.rowsHeight(h)
	t.revealChildren(rows)
	lines := make([]string, 0, h)
	empty := t.empty
	if t.query != "" {
		empty = "no row loaded so far matches; the palette (:) searches every action and resource"
	}
	if len(t.rows) == 0 && empty != "" {
		for _, l := range wrap(empty, w-2) {
			lines = append(lines, s.dim.Render(fit("  "+l, w)))
		}
	}
	for i := t.offset; i < len(t.rows) && len(lines) < rows; i++ {
		n := t.rows[i]
		sel := i == t.cursor
		if sel || n.loading {
			lines = append(lines, renderNode(s, n, w, sel, focused, spin))
			continue
		}
		if n.cache.width != w || n.cache.rev != n.rev {
			n.cache = rowCache{width: w, rev: n.rev, text: renderNode(s, n, w, false, focused, spin)}
		}
		lines = append(lines, n.cache.text)
	}
	if t.filterShown() {
		lines = append(padLines(lines[:min(len(lines), rows)], w, rows), t.filterLine(s, w))
	}
	return lines
}

// renderNode draws one row: indentation, the expander, the decision symbol, the label, and
// on the right the access level and the decision word.
func renderNode(s *styles, n *node, w int, selected, focused bool, spin string) string {
	indent := strings.Repeat("  ", n.depth)
	exp := "  "
	switch {
	case n.loading:
		exp = spin + " "
	case n.expandable && n.shownOpen:
		exp = "▾ "
	case n.expandable:
		exp = "▸ "
	}
	m := ""
	switch n.mark {
	case markGained:
		m = "+ "
	case markLost:
		m = "− "
	}
	sym := n.decision.symbol()
	lvl, word := "", ""
	if n.level != "" {
		lvl = fit(n.level, 5) + " "
	}
	if w := n.decision.word(); w != "" {
		word = fit(w, 5)
	}
	rightW := width(lvl) + width(word)
	leftW := w - rightW - 1
	if selected {
		label := n.label
		if n.note != "" {
			label += "  " + n.note
		}
		st := s.rowSelectedBlurred
		if focused {
			st = s.rowSelected
		}
		return st.Render(fit(fit(indent+exp+m+sym+" "+label, leftW)+" "+lvl+word, w))
	}
	left := indent + exp + markStyle(s, n.mark).Render(m) + decisionStyle(s, n.decision).Render(sym) + " " + styledLabel(s, n)
	return fit(left, leftW) + " " + levelStyle(s, n.level).Render(lvl) + decisionStyle(s, n.decision).Render(word)
}

func styledLabel(s *styles, n *node) string {
	label := n.label
	switch {
	case n.mark == markLost:
		label = s.lost.Render(label)
	case n.mark == markGained:
		label = s.gained.Render(label)
	case n.kind == nkNote:
		label = s.dim.Render(label)
	case n.kind == nkSection:
		label = s.bold.Render(label)
	}
	if n.note != "" {
		label += "  " + s.dim.Render(n.note)
	}
	if n.loadErr != "" {
		label += "  " + s.errorText.Render(n.loadErr)
	}
	return label
}

func decisionStyle(s *styles, d decision) lipgloss.Style {
	switch d {
	case decAllow:
		return s.allow
	case decIf:
		return s.cond
	case decDeny, decExplicitDeny:
		return s.deny
	}
	return s.app
}

func markStyle(s *styles, m mark) lipgloss.Style {
	switch m {
	case markGained:
		return s.gained
	case markLost:
		return s.deny
	}
	return s.app
}

func levelStyle(s *styles, level string) lipgloss.Style {
	switch level {
	case "Write":
		return s.levelWrite
	case "Perms":
		return s.levelPerm
	}
	return s.levelRead
}

// revealChildren scrolls, as little as it can, so that the children of a node just opened
// are on screen, the node itself staying in view.
func (t *treeModel) revealChildren(h int) {
	n := t.reveal
	if n == nil || !n.expanded || len(n.children) == 0 {
		return
	}
	t.reveal = nil
	at := -1
	for i, r := range t.rows {
		if r == n {
			at = i
			break
		}
	}
	if at < 0 {
		return
	}
	last := at
	for last+1 < len(t.rows) && t.rows[last+1].depth > n.depth {
		last++
	}
	if last >= t.offset+h {
		t.offset = max(min(at, last-h+1), 0)
	}
}

// rowAt returns the row index at line y of the tree's area, or -1.
func (t *treeModel) rowAt(y int) int {
	t.flatten()
	i := t.offset + y
	if y < 0 || i >= len(t.rows) {
		return -1
	}
	return i
}
