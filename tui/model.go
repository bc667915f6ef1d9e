package tui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/keymap"
	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/model"
)

// view is one of the explorer's views, switched with [ and ].
type view uint8

const (
	viewAccess  view = iota // principals -> access tree
	viewReverse             // resources -> actions -> who can
	viewPaths               // principals -> role chains and escalation paths
	viewChanges             // principals whose access changed -> gained and lost (only with an earlier state)
	viewCount
)

func (v view) title() string {
	switch v {
	case viewReverse:
		return "Resources"
	case viewPaths:
		return "Chains & paths"
	case viewChanges:
		return "Changes"
	}
	return "Access"
}

// focus is the pane that takes the keys.
type focus uint8

const (
	focusList focus = iota
	focusTree
	focusDoc
)

// loadState is where the start-up is.
type loadState uint8

const (
	stateLoading loadState = iota
	stateReady
	stateFailed
)

// Model is the explorer's root model.
type Model struct {
	ctx  *programContext
	opts Options

	state      loadState
	progress   loader.Progress
	progressCh chan loader.Progress
	// board holds each account's step of a load of several; boardRows is what the loading
	// screen draws, read from it when a report arrives.
	board     loadBoard
	boardRows []accountStep
	loadErr   error
	spinner   spinner.Model
	themeSet  bool // --theme given: the background colour does not change the theme

	view  view
	focus focus

	principals listModel
	resources  listModel
	access     treePane
	accessSrc  *accessSource
	reverse    treePane
	reverseSrc *reverseSource
	paths      treePane
	pathsSrc   *pathsSource
	explain    explainPane

	// The Changes view (changes.go): its list, its tree, the entry the tree shows, the diff.
	changes     listModel
	changesTree treePane
	changesFor  string
	diff        diffState

	overlays []overlay

	status    string
	statusErr bool
	statusID  uint64

	badgeID      uint64
	badgeCursor  int // next principal whose admin badge is to be decided
	badgesDone   bool
	badgeEngine  *eval.Engine       // the engine the badges are decided with
	badgeCancel  context.CancelFunc // stops the badge command under way; nil when none runs
	badgesPaused bool               // the badges wait for the user's work to be answered
	byARN        map[string]*principalItem
	selectedARN  string // the principal selected in the list
	selectedKind model.EntityKind
	accessFor    string // the principal the access tree shows
	pathsFor     string // the principal the paths tree shows

	whatIfID       uint64
	whatIfBuilding bool

	// pendingSelect is the key of a node a jump waits for.
	pendingSelect string
	// reverseQuery names the who-can query the Resources view shows, when it was asked by
	// name (the palette's who-can, a guided question) rather than from the list.
	reverseQuery string

	// questions are the guided questions of the tour (Q); nil when there are none.
	questions *demo.Questions
	// asked is the index of the question asked last, -1 before any.
	asked int
	// history is what was run from the palette, newest last (history.go).
	history []string
}

// New makes the explorer's model. It reads the accounts when the program starts (Init).
func New(opts Options) *Model {
	keys := keymap.Default()
	if opts.Keys != nil {
		keys = *opts.Keys
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	theme := Theme{Dark: true, NoColor: opts.NoColor}
	if opts.Theme == "light" {
		theme.Dark = false
	}
	ctx := &programContext{styles: newStyles(theme), keys: keys, now: now, noMouse: opts.NoMouse, strict: opts.Strict}
	m := &Model{
		ctx:        ctx,
		opts:       opts,
		themeSet:   opts.Theme != "",
		spinner:    spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		accessSrc:  &accessSource{},
		reverseSrc: &reverseSource{},
		pathsSrc:   &pathsSource{},
		byARN:      map[string]*principalItem{},
		questions:  opts.Questions,
		asked:      -1,
	}
	m.principals = newList(m.renderPrincipal)
	m.resources = newList(m.renderResource)
	m.access = newTreePane(paneAccess, m.accessSrc)
	m.reverse = newTreePane(paneReverse, m.reverseSrc)
	m.paths = newTreePane(panePaths, m.pathsSrc)
	m.changes = newList(m.renderChange)
	m.changesTree = newTreePane(paneChanges, changesSource{m})
	m.changesTree.tree.empty = "comparing with the earlier state…"
	m.progressCh = make(chan loader.Progress, 16)
	return m
}

// Init starts reading the accounts, the spinner, and asks the terminal for its background.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.spinner.Tick}
	if m.opts.Load != nil {
		cmds = append(cmds, loadCmd(m.opts.Load, m.opts.Now, m.progressCh, &m.board), waitProgress(m.progressCh))
	}
	if m.opts.HistoryPath != "" {
		cmds = append(cmds, readHistoryCmd(m.opts.HistoryPath))
	}
	if !m.themeSet && !m.opts.NoColor {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	return tea.Batch(cmds...)
}

// setReady installs the loaded accounts and engine and shows the first principal.
func (m *Model) setReady(accounts []*model.Account, e *eval.Engine) tea.Cmd {
	c := m.ctx
	c.accounts, c.base, c.engine = accounts, e, e
	c.epoch++
	m.badgeEngine = e
	m.state = stateReady
	items := principalItems(accounts)
	list := make([]listItem, len(items))
	for i, it := range items {
		list[i] = it
		m.byARN[it.arn] = it
	}
	m.principals.setItems(list)
	m.resources.setItems(resourceItems(accounts))
	cmds := []tea.Cmd{m.selectPrincipal(), m.nextBadges(), m.startDiff()}
	if it, ok := m.resources.selected().(*resourceItem); ok {
		cmds = append(cmds, m.reverse.setRoot(c, m.reverseSrc.root(it)))
	}
	return tea.Batch(cmds...)
}

// selectPrincipal shows the selected principal in the tree of the current view.
func (m *Model) selectPrincipal() tea.Cmd {
	it, ok := m.principals.selected().(*principalItem)
	if !ok {
		return nil
	}
	if it.arn == m.selectedARN {
		return nil
	}
	m.selectedARN, m.selectedKind = it.arn, it.kind
	m.showPrincipalInfo(it)
	return m.showSelected()
}

// showSelected asks for the tree of the selected principal in the current view, if it does
// not show it yet. The other view's tree waits until the user goes there: escalation paths
// can take seconds on a big account, and are not asked for a principal passed over.
func (m *Model) showSelected() tea.Cmd {
	c := m.ctx
	if m.selectedARN == "" {
		return nil
	}
	switch m.view {
	case viewChanges:
		return m.showChange()
	case viewAccess:
		if m.accessFor != m.selectedARN {
			m.accessFor = m.selectedARN
			return m.access.setRoot(c, m.accessSrc.accessRoot(m.selectedKind, m.selectedARN))
		}
	case viewPaths:
		if m.pathsFor != m.selectedARN {
			m.pathsFor = m.selectedARN
			return m.paths.setRoot(c, m.pathsSrc.root(m.selectedKind, m.selectedARN))
		}
	}
	return nil
}

// currentTree is the tree pane of the current view.
func (m *Model) currentTree() *treePane {
	switch m.view {
	case viewReverse:
		return &m.reverse
	case viewPaths:
		return &m.paths
	case viewChanges:
		return &m.changesTree
	}
	return &m.access
}

// currentList is the list of the current view.
func (m *Model) currentList() *listModel {
	switch m.view {
	case viewReverse:
		return &m.resources
	case viewChanges:
		return &m.changes
	}
	return &m.principals
}

// busy reports whether anything is being computed, to keep the spinner turning.
func (m *Model) busy() bool {
	return m.state == stateLoading || m.access.busy() || m.reverse.busy() || m.paths.busy() || m.diff.busy || m.explain.loading || m.whatIfBuilding
}

// setStatus shows a message in the footer until the next key.
func (m *Model) setStatus(msg string, isErr bool) {
	m.status, m.statusErr = msg, isErr
}

// Update handles a message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	c := m.ctx
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		c.width, c.height = msg.Width, msg.Height
		c.layout = computeLayout(msg.Width, msg.Height)
		return m, nil
	case tea.BackgroundColorMsg:
		if !m.themeSet {
			t := c.styles.theme
			t.Dark = msg.IsDark()
			c.styles = newStyles(t)
			m.invalidate()
		}
		return m, nil
	case spinner.TickMsg:
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		if m.busy() {
			return m, cmd
		}
		// Idle: stop ticking; the next piece of work starts the spinner again.
		return m, nil
	case progressMsg:
		if !msg.ok {
			return m, nil
		}
		m.progress = msg.p
		m.boardRows = m.board.rows()
		return m, waitProgress(m.progressCh)
	case accountsMsg:
		if msg.err != nil {
			m.state, m.loadErr = stateFailed, msg.err
			return m, nil
		}
		return m, m.setReady(msg.accounts, msg.engine)
	case loadedMsg:
		var again tea.Cmd
		switch msg.pane {
		case paneAccess:
			again = m.access.handle(c, msg)
		case paneReverse:
			again = m.reverse.handle(c, msg)
		case panePaths:
			again = m.paths.handle(c, msg)
		case paneChanges:
			again = m.changesTree.handle(c, msg)
		}
		m.applyPendingSelect()
		return m, tea.Batch(again, m.followSelection(false), m.yieldBadges())
	case explainedMsg:
		m.explain.handle(c, msg)
		return m, m.yieldBadges()
	case historyMsg:
		if msg.err != nil {
			m.setStatus(clean(msg.err.Error()), true)
			return m, nil
		}
		// Commands run while the file was read come after the file's.
		m.history = append(msg.entries, m.history...)
		return m, nil
	case historySavedMsg:
		if msg.err != nil {
			m.setStatus(clean(msg.err.Error()), true)
		}
		return m, nil
	case changesMsg:
		return m, m.handleChanges(msg)
	case badgesMsg:
		return m, m.handleBadges(msg)
	case whatIfMsg:
		return m, m.handleWhatIf(msg)
	case exportedMsg:
		if msg.err != nil {
			m.setStatus("export failed: "+clean(msg.err.Error()), true)
		} else {
			m.setStatus("exported to "+clean(msg.path)+" (mode 0600)", false)
		}
		return m, nil
	case tea.KeyPressMsg:
		cmd := m.handleKey(msg)
		return m, tea.Batch(m.withSpinner(cmd), m.yieldBadges())
	case tea.MouseMsg:
		return m, tea.Batch(m.withSpinner(m.handleMouse(msg)), m.yieldBadges())
	case tea.PasteMsg:
		if len(m.overlays) > 0 {
			return m, m.overlays[len(m.overlays)-1].paste(m, msg.Content)
		}
		return m, nil
	}
	return m, nil
}

// withSpinner starts the spinner along with work that may take a while.
func (m *Model) withSpinner(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return tea.Batch(cmd, m.spinner.Tick)
}

// invalidate drops every cached row drawing: the styles changed.
func (m *Model) invalidate() {
	m.principals.cache = map[int]rowCache{}
	m.resources.cache = map[int]rowCache{}
	m.changes.cache = map[int]rowCache{}
	for _, p := range []*treePane{&m.access, &m.reverse, &m.paths, &m.changesTree} {
		var walk func(*node)
		walk = func(n *node) {
			n.cache = rowCache{}
			for _, c := range n.children {
				walk(c)
			}
		}
		if p.tree.root != nil {
			walk(p.tree.root)
		}
	}
}

// handleKey handles a key press: ctrl+c always quits; an overlay takes the keys; a filter or
// search being typed takes them; then the global bindings; then the focused pane.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	c := m.ctx
	k := c.keys
	m.status = ""
	if msg.String() == "ctrl+c" {
		return tea.Quit
	}
	if key.Matches(msg, k.Global.Suspend) {
		return tea.Suspend
	}
	if m.state != stateReady || c.layout.tooSmall {
		// Loading, failed, or a window too small to draw in: nothing on screen takes keys.
		if key.Matches(msg, k.Global.Quit) || (m.state != stateReady && key.Matches(msg, k.Global.Back)) {
			return tea.Quit
		}
		return nil
	}
	if n := len(m.overlays); n > 0 {
		return m.overlays[n-1].update(m, msg)
	}
	if m.typing() {
		return m.updateFocused(msg)
	}
	switch {
	case key.Matches(msg, k.Global.Quit):
		return tea.Quit
	case key.Matches(msg, k.Global.Back):
		return m.back()
	case key.Matches(msg, k.Global.Help):
		m.push(newHelpOverlay(m))
		return nil
	case key.Matches(msg, k.Global.Warnings):
		m.push(newWarningsOverlay(m))
		return nil
	case key.Matches(msg, k.Global.Context):
		m.push(newContextOverlay(m))
		return nil
	case key.Matches(msg, k.Global.Strict):
		return m.toggleStrict()
	case key.Matches(msg, k.Global.Questions):
		return m.openQuestions()
	case key.Matches(msg, k.Global.WhatIf):
		return m.openWhatIf()
	case key.Matches(msg, k.Global.Palette):
		m.push(newPaletteOverlay(m))
		return nil
	case key.Matches(msg, k.Global.Export):
		m.push(newExportOverlay(m))
		return nil
	case key.Matches(msg, k.Global.Copy):
		return m.copySelection()
	case key.Matches(msg, k.Global.NextView):
		return m.setView((m.view + 1) % m.views())
	case key.Matches(msg, k.Global.PrevView):
		return m.setView((m.view + m.views() - 1) % m.views())
	case key.Matches(msg, k.Global.FocusNext):
		m.cycleFocus(1)
		return m.followSelection(false)
	case key.Matches(msg, k.Global.FocusPrev):
		m.cycleFocus(-1)
		return m.followSelection(false)
	}
	if m.view == viewAccess && m.focus == focusTree {
		if cmd, ok := m.accessToggleKey(msg); ok {
			return cmd
		}
	}
	return m.updateFocused(msg)
}

// typing reports whether a filter or search field has the keys.
func (m *Model) typing() bool {
	switch m.focus {
	case focusList:
		return m.currentList().filtering
	case focusTree:
		return m.currentTree().tree.filtering
	case focusDoc:
		return m.explain.doc.searching
	}
	return false
}

// back backs out one level: a filter, a search, then the focus, pane by pane.
func (m *Model) back() tea.Cmd {
	switch m.focus {
	case focusDoc:
		if m.explain.doc.query != "" {
			m.explain.doc.query = ""
			m.explain.doc.matches = nil
			return nil
		}
		m.focus = focusTree
		if m.explain.pinned {
			m.explain.unpin()
			return m.followSelection(false)
		}
	case focusTree:
		if m.currentTree().tree.clearFilter() {
			return m.followSelection(false)
		}
		m.focus = focusList
	case focusList:
		if l := m.currentList(); l.clearFilter() {
			return m.listChanged()
		}
	}
	return nil
}

func (m *Model) cycleFocus(step int) {
	f := (int(m.focus) + step + 3) % 3
	m.focus = focus(f)
}

// setView switches views; the explanation follows the new view's selection.
func (m *Model) setView(v view) tea.Cmd {
	if v != m.view {
		// The work of the view left is stopped; coming back asks for it again.
		m.currentTree().suspend()
	}
	m.view = v
	if m.focus == focusDoc {
		m.focus = focusTree
	}
	return tea.Batch(m.showSelected(), m.currentTree().resume(m.ctx), m.followSelection(true))
}

// updateFocused gives a key to the focused pane.
func (m *Model) updateFocused(msg tea.KeyPressMsg) tea.Cmd {
	c := m.ctx
	k := c.keys
	l := c.layout
	switch m.focus {
	case focusList:
		list := m.currentList()
		if !list.filtering && key.Matches(msg, k.List.Open) {
			m.focus = focusTree
			return m.followSelection(false)
		}
		changed, _ := list.update(&k.List, msg, listRows(l.list.h))
		if changed {
			return m.listChanged()
		}
	case focusTree:
		tp := m.currentTree()
		if tp.tree.filtering {
			tp.tree.filterKey(msg, l.tree.h-1)
			return m.followSelection(false)
		}
		if key.Matches(msg, k.List.Filter) {
			tp.tree.startFilter()
			return nil
		}
		if key.Matches(msg, k.Tree.Explain) {
			n := tp.tree.selected()
			if n != nil && n.req.valid() {
				m.focus = focusDoc
				m.explain.unpin()
				return m.explain.ask(c, n.req, false)
			}
			if n != nil && n.expandable {
				if n.expanded {
					tp.collapse(n)
					return nil
				}
				return tp.expand(c, n)
			}
			return nil
		}
		before := tp.tree.selected()
		cmd, _ := tp.update(c, msg, l.tree.h-1)
		if tp.tree.selected() != before {
			m.explain.unpin() // moving in the tree explains its rows again
		}
		return tea.Batch(cmd, m.followSelection(false))
	case focusDoc:
		return m.updateDoc(msg)
	}
	return nil
}

// listRows is how many rows a list shows in a pane of height h (its title takes one).
func listRows(h int) int { return max(h-1, 1) }

// listChanged reacts to a new selection in the current list.
func (m *Model) listChanged() tea.Cmd {
	if m.view == viewChanges {
		return m.showChange()
	}
	if m.view == viewReverse {
		it, ok := m.resources.selected().(*resourceItem)
		if !ok {
			return nil
		}
		m.reverseQuery = ""
		m.explain.showInfo("resource", func(d *document) { resourceInfo(d, m.ctx, it) })
		return m.reverse.setRoot(m.ctx, m.reverseSrc.root(it))
	}
	return m.selectPrincipal()
}

// updateDoc handles the explanation's keys: scrolling and search.
func (m *Model) updateDoc(msg tea.KeyPressMsg) tea.Cmd {
	c := m.ctx
	k := c.keys
	d := &m.explain.doc
	h := c.layout.doc.h - 1
	if d.searching {
		switch msg.String() {
		case "enter":
			d.searching = false
			d.setQuery(d.search.String(), h-1)
		case "esc":
			d.searching = false
		default:
			if d.search.update(msg) {
				d.setQuery(d.search.String(), h-1)
			}
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Document.Search):
		d.searching = true
		d.search = newInput("/", d.query)
	case key.Matches(msg, k.Document.Next):
		d.next(1, h-1)
	case key.Matches(msg, k.Document.Prev):
		d.next(-1, h-1)
	case key.Matches(msg, k.List.Up):
		d.scroll(-1, h)
	case key.Matches(msg, k.List.Down):
		d.scroll(1, h)
	case key.Matches(msg, k.List.PageUp):
		d.scroll(-h, h)
	case key.Matches(msg, k.List.PageDown):
		d.scroll(h, h)
	case key.Matches(msg, k.List.Top):
		d.offset = 0
	case key.Matches(msg, k.List.Bottom):
		d.scroll(len(d.wrapped), h)
	case key.Matches(msg, k.Tree.Collapse):
		m.focus = focusTree
	}
	return nil
}

// followSelection makes the explanation follow the selected node of the current tree.
func (m *Model) followSelection(force bool) tea.Cmd {
	if m.state != stateReady {
		return nil
	}
	if m.focus == focusList && !force {
		return nil
	}
	if m.explain.pinned {
		return nil
	}
	n := m.currentTree().tree.selected()
	if n == nil {
		return nil
	}
	if n.req.valid() {
		return m.explain.ask(m.ctx, n.req, false)
	}
	if m.explain.req.valid() || m.explain.info != n || m.explain.infoRev != n.rev {
		m.explain.showInfo(nodeInfoTitle(n), func(d *document) { nodeInfo(d, m.ctx, n) })
		m.explain.info, m.explain.infoRev = n, n.rev
	}
	return nil
}

// toggleStrict switches between strict and discovery mode and decides everything on screen
// again.
func (m *Model) toggleStrict() tea.Cmd {
	c := m.ctx
	c.setStrict(!c.strict)
	if c.strict {
		m.setStatus("strict mode: keys the context does not set are absent, as AWS sees a request", false)
	} else {
		m.setStatus("discovery mode: keys the context does not set are unknown; answers say \"allowed if\"", false)
	}
	return m.refreshAll()
}

// refreshAll asks again for everything on screen: the context, the mode or the what-ifs
// changed. The trees of the other views are asked again when the user goes back to them.
func (m *Model) refreshAll() tea.Cmd {
	c := m.ctx
	h := c.layout.tree.h - 1
	cmds := []tea.Cmd{m.restartBadges(), m.startDiff()}
	for _, tp := range []*treePane{&m.access, &m.reverse, &m.paths} {
		if tp == m.currentTree() {
			cmds = append(cmds, tp.refresh(c, h))
			continue
		}
		// A tree out of sight is asked again when the user comes back to it (resume).
		tp.stale(c)
	}
	if it := m.explain.principal; it != nil {
		m.showPrincipalInfo(it) // it shows the what-ifs on its policies
	}
	if m.explain.req.valid() {
		m.explain.markRecompute()
		cmds = append(cmds, m.explain.ask(c, m.explain.req, true))
	}
	return m.withSpinner(tea.Batch(cmds...))
}

// helpContext is the help context of where the user is.
func (m *Model) helpContext() keymap.Context {
	if n := len(m.overlays); n > 0 {
		return m.overlays[n-1].helpContext()
	}
	if m.typing() {
		return keymap.Filtering
	}
	switch m.focus {
	case focusTree:
		if m.view != viewAccess {
			return keymap.PlainTree // the access tree's toggles (D, M, V) work in it alone
		}
		return keymap.AccessTree
	case focusDoc:
		return keymap.Explanation
	}
	return keymap.Principals
}

// warningCount is how many warnings the load and the compilation gave.
func (m *Model) warningCount() int {
	n := 0
	for _, a := range m.ctx.accounts {
		n += len(a.Warnings)
	}
	if m.ctx.base != nil {
		n += len(m.ctx.base.Warnings)
	}
	return n
}

// breadcrumbs name where the user is: the view, the list's selection, the tree's path.
func (m *Model) breadcrumbs() []string {
	var out []string
	if it, ok := m.currentList().selected().(*principalItem); ok && m.view != viewReverse {
		out = append(out, it.kind.String()+" "+it.name)
	}
	if it, ok := m.currentList().selected().(*changeItem); ok {
		out = append(out, it.name)
	}
	if m.view == viewReverse && m.reverseQuery != "" {
		out = append(out, m.reverseQuery)
	} else if it, ok := m.currentList().selected().(*resourceItem); ok && m.view == viewReverse {
		out = append(out, it.label)
	}
	if m.focus == focusDoc && m.explain.pinned && m.explain.req.valid() {
		return append(out, "pinned: "+clean(shortName(m.explain.req.principal))+" · "+clean(m.explain.req.action))
	}
	if m.focus != focusList {
		var path []string
		for n := m.currentTree().tree.selected(); n != nil && n.parent != nil; n = n.parent {
			path = append([]string{crumbLabel(n)}, path...)
		}
		out = append(out, path...)
	}
	if m.focus == focusDoc {
		out = append(out, "why")
	}
	return out
}

func crumbLabel(n *node) string { return truncate(strings.TrimSpace(n.label), 40) }
