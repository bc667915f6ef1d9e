package tui

import (
	"context"

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
// answers: the pane, the request id, the node's key and the epoch it was asked in. A partial
// answer is what is known so far; next waits for the following one.
type loadedMsg struct {
	pane    paneID
	id      uint64
	key     string
	epoch   int
	data    any
	err     error
	partial bool
	next    tea.Cmd
}

// job is the work that finds what a node's children are made of. It runs off the event loop
// and must touch nothing but what it was given; it may call partial with what it knows so far
// (the node's children are built from it while the rest is found), and should stop soon after
// ctx is done: the user has moved on.
type job func(ctx context.Context, partial func(any)) (any, error)

// plain makes a job of work that reports nothing before its answer and runs to its end.
func plain(work func() (any, error)) job {
	return func(context.Context, func(any)) (any, error) { return work() }
}

// treeSource knows what a tree's nodes stand for.
type treeSource interface {
	// fetch returns the job that finds what a node's children are made of. nil means the
	// node's children are built without asking the engine.
	fetch(c *programContext, n *node) job
	// build makes a node's children from its data (a partial answer's, while the node is
	// loading), with the pane's toggles.
	build(c *programContext, n *node)
}

// treePane is a tree whose nodes find their children asynchronously.
type treePane struct {
	id      paneID
	tree    treeModel
	src     treeSource
	pending map[uint64]*node
	// cancels stops the job of each pending request.
	cancels map[uint64]context.CancelFunc
}

func newTreePane(id paneID, src treeSource) treePane {
	return treePane{id: id, src: src, pending: map[uint64]*node{}, cancels: map[uint64]context.CancelFunc{}}
}

// setRoot shows a new tree and asks for the root's children; the old tree's work is stopped.
func (p *treePane) setRoot(c *programContext, root *node) tea.Cmd {
	p.stopAll()
	root.expanded = true
	p.tree.setRoot(root)
	return p.load(c, root)
}

// drop forgets a pending request and stops its job.
func (p *treePane) drop(id uint64) {
	if cancel, ok := p.cancels[id]; ok {
		cancel()
		delete(p.cancels, id)
	}
	delete(p.pending, id)
}

// stopAll stops every pending job.
func (p *treePane) stopAll() {
	for id := range p.pending {
		p.drop(id)
	}
	p.pending = map[uint64]*node{}
}

// suspend stops every pending job when the user leaves the pane's view; the nodes that
// waited are asked again by resume when the user comes back.
func (p *treePane) suspend() {
	for id, n := range p.pending {
		p.drop(id)
		if n.loadID == id {
			// Not loaded: what it shows may be a partial answer, or one of an older epoch.
			n.loading, n.loaded = false, false
			n.loadID = 0
			n.rev++
		}
	}
	p.tree.dirty = true
}

// stale stops every pending job and marks every node whose children come from the engine as
// not loaded, the root too: the context, the mode or the what-ifs changed while the pane is
// out of sight. Its rows stay until resume has them asked again.
func (p *treePane) stale(c *programContext) {
	p.stopAll()
	if p.tree.root != nil {
		p.forget(c, p.tree.root)
	}
}

// resume asks again for every open node that waits for its children: those suspend stopped.
func (p *treePane) resume(c *programContext) tea.Cmd {
	var cmds []tea.Cmd
	var walk func(n *node)
	walk = func(n *node) {
		if n.expanded && n.expandable && !n.loaded && !n.loading {
			cmds = append(cmds, p.load(c, n))
			return
		}
		for _, k := range n.children {
			if k.expanded {
				walk(k)
			}
		}
	}
	if p.tree.root != nil {
		walk(p.tree.root)
	}
	return tea.Batch(cmds...)
}

// load asks for a node's children; a request the node still awaits is dropped.
func (p *treePane) load(c *programContext, n *node) tea.Cmd {
	work := p.src.fetch(c, n)
	if n.loadID != 0 {
		p.drop(n.loadID)
	}
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
	ctx, cancel := context.WithCancel(context.Background())
	p.cancels[n.loadID] = cancel
	return startJob(ctx, work, loadedMsg{pane: p.id, id: n.loadID, key: n.key, epoch: c.epoch})
}

// startJob runs a job in a goroutine of its own and returns its first message: a partial
// answer (whose next waits for the following one) or the answer. Of partial answers not yet
// read only the latest is kept. Once ctx is done nothing more is delivered.
func startJob(ctx context.Context, work job, head loadedMsg) tea.Cmd {
	ch := make(chan loadedMsg, 1)
	put := func(msg loadedMsg) {
		select {
		case <-ch: // an unread partial answer: this one replaces it
		default:
		}
		ch <- msg // the only sender, and the channel is empty
	}
	var wait tea.Cmd
	wait = func() tea.Msg {
		select {
		case msg := <-ch:
			if msg.partial {
				msg.next = wait
			}
			return msg
		case <-ctx.Done():
			return nil
		}
	}
	return func() tea.Msg {
		go func() {
			data, err := work(ctx, func(part any) {
				msg := head
				msg.data, msg.partial = part, true
				put(msg)
			})
			msg := head
			msg.data, msg.err = data, err
			put(msg)
		}()
		return wait()
	}
}

// handle takes an answer; stale answers (another request since, or an older epoch) are
// dropped. A node whose last request was answered in an older epoch (one the refresh did not
// ask again: it was closed then) is asked again if open, or left to be asked when opened. A
// partial answer builds the node's children from what is known so far and waits for more.
func (p *treePane) handle(c *programContext, msg loadedMsg) tea.Cmd {
	n, ok := p.pending[msg.id]
	if !ok {
		return nil
	}
	if n.loadID != msg.id || n.key != msg.key {
		p.drop(msg.id)
		return nil
	}
	if msg.epoch != c.epoch {
		p.drop(msg.id)
		n.loading = false
		n.rev++
		if n.expanded {
			return p.load(c, n)
		}
		return nil
	}
	if msg.partial {
		n.data = msg.data
		n.rev++
		p.src.build(c, n)
		p.tree.dirty = true
		return msg.next
	}
	p.drop(msg.id)
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
		p.drop(n.loadID)
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
