package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// paneID names the trees, so that answers find their way back.
type paneID uint8

const (
	paneAccess paneID = iota + 1
	paneReverse
	panePaths
	paneChanges
)

// loadedMsg answers a node's request for what its children are made of. It names what it
// answers: the pane, the request id, the node's key and the epoch it was asked in.
type loadedMsg struct {
	pane  paneID
	id    uint64
	key   string
	epoch int
	data  any
	err   error
}

// treeSource knows what a tree's nodes stand for.
type treeSource interface {
	// fetch returns the work that finds what a node's children are made of; it runs off the
	// event loop and must touch nothing but what it was given. nil means the node's children
	// are built without asking the engine.
	fetch(c *programContext, n *node) func() (any, error)
	// build makes a node's children from its data, with the pane's toggles.
	build(c *programContext, n *node)
}

// treePane is a tree whose nodes find their children asynchronously.
type treePane struct {
	id      paneID
	tree    treeModel
	src     treeSource
	pending map[uint64]*node
}

func newTreePane(id paneID, src treeSource) treePane {
	return treePane{id: id, src: src, pending: map[uint64]*node{}}
}

// setRoot shows a new tree and asks for the root's children.
func (p *treePane) setRoot(c *programContext, root *node) tea.Cmd {
	p.pending = map[uint64]*node{}
	root.expanded = true
	p.tree.setRoot(root)
	return p.load(c, root)
}

// load asks for a node's children.
func (p *treePane) load(c *programContext, n *node) tea.Cmd {
	work := p.src.fetch(c, n)
	if work == nil {
		n.loaded, n.loading = true, false
		p.src.build(c, n)
		p.tree.dirty = true
		return p.loadOpened(c, n)
	}
	n.loading = true
	n.loadErr = ""
	n.loadID = c.newID()
	n.rev++
	p.pending[n.loadID] = n
	id, epoch, pane, nodeKey := n.loadID, c.epoch, p.id, n.key
	return func() tea.Msg {
		data, err := work()
		return loadedMsg{pane: pane, id: id, key: nodeKey, epoch: epoch, data: data, err: err}
	}
}

// handle takes an answer; stale answers (another request since, or an older epoch) are
// dropped. A node whose last request was answered in an older epoch (one the refresh did not
// ask again: it was closed then) is asked again if open, or left to be asked when opened.
func (p *treePane) handle(c *programContext, msg loadedMsg) tea.Cmd {
	n, ok := p.pending[msg.id]
	if !ok {
		return nil
	}
	delete(p.pending, msg.id)
	if n.loadID != msg.id || n.key != msg.key {
		return nil
	}
	if msg.epoch != c.epoch {
		n.loading = false
		n.rev++
		if n.expanded {
			return p.load(c, n)
		}
		return nil
	}
	n.loading = false
	n.rev++
	if msg.err != nil {
		n.loadErr = msg.err.Error()
		return nil
	}
	n.data, n.loaded = msg.data, true
	p.src.build(c, n)
	p.tree.dirty = true
	if n.expanded && n == p.tree.selected() {
		p.tree.reveal = n
	}
	return p.loadOpened(c, n)
}

// loadOpened asks for the children of n's open children that are not loaded: children kept
// from before a change (setChildren merges them) keep their expansion, and what they held was
// forgotten as stale (forgetClosed).
func (p *treePane) loadOpened(c *programContext, n *node) tea.Cmd {
	var cmds []tea.Cmd
	for _, k := range n.children {
		if k.expanded && k.expandable && !k.loaded && !k.loading {
			cmds = append(cmds, p.load(c, k))
		}
	}
	return tea.Batch(cmds...)
}

// busy reports whether any answer is awaited.
func (p *treePane) busy() bool { return len(p.pending) > 0 }

// expand opens a node, asking for its children the first time.
func (p *treePane) expand(c *programContext, n *node) tea.Cmd {
	if n == nil || !n.expandable {
		return nil
	}
	n.expanded = true
	n.rev++
	p.tree.dirty = true
	p.tree.reveal = n
	if !n.loaded && !n.loading {
		return p.load(c, n)
	}
	return nil
}

func (p *treePane) collapse(n *node) {
	if n == nil {
		return
	}
	if n.expandable && n.expanded {
		n.expanded = false
		n.rev++
		p.tree.dirty = true
		return
	}
	// On a leaf or a closed node, go to the parent.
	if n.parent != nil && n.parent != p.tree.root {
		p.tree.selectKey(n.parent.key)
	}
}

// refresh asks again for every open node, those on screen first: the context, the mode or the
// what-ifs changed. The old children stay on screen until the new ones arrive. A closed node
// whose children were asked for before is marked not loaded, so that opening it asks again
// instead of showing children decided under the old context.
func (p *treePane) refresh(c *programContext, height int) tea.Cmd {
	if p.tree.root == nil {
		return nil
	}
	p.forgetClosed(c, p.tree.root)
	var first, rest []tea.Cmd
	first = append(first, p.load(c, p.tree.root))
	onScreen := map[*node]bool{}
	for _, n := range p.tree.visible(height) {
		onScreen[n] = true
	}
	for _, n := range p.tree.expandedNodes(height) {
		if n.kind == nkAction || n.kind == nkResource || !n.expandable {
			continue // built with their parent
		}
		cmd := p.load(c, n)
		if onScreen[n] {
			first = append(first, cmd)
		} else {
			rest = append(rest, cmd)
		}
	}
	if len(rest) == 0 {
		return tea.Batch(first...)
	}
	return tea.Sequence(tea.Batch(first...), tea.Batch(rest...))
}

// forgetClosed marks every node under n that refresh does not ask again, and whose children
// come from the engine, as not loaded (an answer it awaits is dropped as stale): the closed
// nodes and everything under them, open or not.
func (p *treePane) forgetClosed(c *programContext, n *node) {
	for _, k := range n.children {
		if k.expanded {
			p.forgetClosed(c, k)
			continue
		}
		p.forget(c, k)
	}
}

// forget marks n and every node under it whose children come from the engine as not loaded.
func (p *treePane) forget(c *programContext, n *node) {
	if n.expandable && (n.loaded || n.loading) && p.src.fetch(c, n) != nil {
		n.loaded, n.loading = false, false
		n.loadID = 0
		n.rev++
	}
	for _, k := range n.children {
		p.forget(c, k)
	}
}

// rebuild makes every loaded node's children again: a toggle changed.
func (p *treePane) rebuild(c *programContext) {
	var walk func(*node)
	walk = func(n *node) {
		if n.loaded {
			p.src.build(c, n)
		}
		for _, ch := range n.children {
			walk(ch)
		}
	}
	if p.tree.root != nil {
		walk(p.tree.root)
	}
	p.tree.dirty = true
}

// update handles the tree's keys; it reports whether it used the key.
func (p *treePane) update(c *programContext, msg tea.KeyPressMsg, height int) (tea.Cmd, bool) {
	k := c.keys
	switch {
	case key.Matches(msg, k.List.Up):
		p.tree.move(-1, height)
	case key.Matches(msg, k.List.Down):
		p.tree.move(1, height)
	case key.Matches(msg, k.List.PageUp):
		p.tree.move(-height, height)
	case key.Matches(msg, k.List.PageDown):
		p.tree.move(height, height)
	case key.Matches(msg, k.List.Top):
		p.tree.move(-len(p.tree.rows), height)
	case key.Matches(msg, k.List.Bottom):
		p.tree.move(len(p.tree.rows), height)
	case key.Matches(msg, k.Tree.Expand):
		return p.expand(c, p.tree.selected()), true
	case key.Matches(msg, k.Tree.Collapse):
		p.collapse(p.tree.selected())
	case key.Matches(msg, k.Tree.Toggle):
		n := p.tree.selected()
		if n != nil && n.expanded {
			p.collapse(n)
			return nil, true
		}
		return p.expand(c, n), true
	default:
		return nil, false
	}
	return nil, true
}
