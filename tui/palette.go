package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/keymap"
	"github.com/iamscope/iamscope/model"
)

// paletteItem is one thing the palette can do.
type paletteItem struct {
	label string // clean
	kind  string // "command", "principal", "resource", "action"
	run   func(m *Model) tea.Cmd
}

// paletteOverlay is the command palette (`:`): jump to a principal, a resource or an action,
// run a command, or type `can PRINCIPAL ACTION RESOURCE` or `who-can ACTION RESOURCE`.
type paletteOverlay struct {
	input   lineInput
	items   []paletteItem
	actions []paletteItem // the catalog's actions, offered once the query names a service
	shown   []int
	fromAct bool // shown indexes point into actions
	offset  int  // of the slice of actions searched
	// services maps a service prefix to the range of its actions in actions.
	services map[string][2]int
	cursor   int
	err      string
	// walk is the history entry the input shows (an index into Model.history), or -1.
	walk int
}

func (o *paletteOverlay) helpContext() keymap.Context { return keymap.Palette }

func (o *paletteOverlay) paste(m *Model, text string) tea.Cmd {
	o.input.insert(text)
	o.filter()
	return nil
}

func newPaletteOverlay(m *Model) *paletteOverlay {
	o := &paletteOverlay{input: newInput(": ", ""), walk: -1}
	cmd := func(label string, run func(m *Model) tea.Cmd) {
		o.items = append(o.items, paletteItem{label: label, kind: "command", run: run})
	}
	cmd("view access", func(m *Model) tea.Cmd { return m.setView(viewAccess) })
	cmd("view resources (who can)", func(m *Model) tea.Cmd { return m.setView(viewReverse) })
	cmd("view role chains & escalation paths", func(m *Model) tea.Cmd { return m.setView(viewPaths) })
	if m.hasChanges() {
		cmd("view changes since the earlier state", func(m *Model) tea.Cmd { return m.setView(viewChanges) })
	}
	cmd("edit the request context", func(m *Model) tea.Cmd { m.push(newContextOverlay(m)); return nil })
	cmd("clear the request context", func(m *Model) tea.Cmd { return m.applyRequest(requestContext{}) })
	cmd("what-if: change the selected principal's policies", func(m *Model) tea.Cmd { return m.openWhatIf() })
	cmd("what-if: undo all", func(m *Model) tea.Cmd { return m.setChanges(nil) })
	cmd("toggle show denied actions", func(m *Model) tea.Cmd { return m.toggleAccess(toggleDenied) })
	cmd("toggle only writes and permissions management", func(m *Model) tea.Cmd { return m.toggleAccess(toggleWrites) })
	cmd("toggle only access via role chains", func(m *Model) tea.Cmd { return m.toggleAccess(toggleVia) })
	cmd("export the explanation as Markdown", func(m *Model) tea.Cmd { return m.startExport(exportExplanation, formatMarkdown) })
	cmd("export the explanation as JSON", func(m *Model) tea.Cmd { return m.startExport(exportExplanation, formatJSON) })
	cmd("export the tree as Markdown", func(m *Model) tea.Cmd { return m.startExport(exportTree, formatMarkdown) })
	cmd("export the tree as JSON", func(m *Model) tea.Cmd { return m.startExport(exportTree, formatJSON) })
	cmd("show load warnings", func(m *Model) tea.Cmd { m.push(newWarningsOverlay(m)); return nil })
	cmd("help", func(m *Model) tea.Cmd { m.push(newHelpOverlay(m)); return nil })
	for _, it := range m.principals.items {
		p := it.(*principalItem)
		label := p.kind.String() + " " + p.name
		if !p.main {
			label += " @" + accountName(p.account, p.alias)
		}
		o.items = append(o.items, paletteItem{label: label, kind: "principal", run: func(m *Model) tea.Cmd { return m.jumpToPrincipal(p.arn) }})
	}
	// An access key id stands for its user.
	for _, a := range m.ctx.accounts {
		for _, u := range a.Users {
			for _, k := range u.AccessKeys {
				arn := u.ARN
				o.items = append(o.items, paletteItem{label: clean(k.ID) + " (access key of user " + clean(u.Name) + ")", kind: "key",
					run: func(m *Model) tea.Cmd { return m.jumpToPrincipal(arn) }})
			}
		}
	}
	for _, it := range m.resources.items {
		r := it.(*resourceItem)
		o.items = append(o.items, paletteItem{label: r.label, kind: "resource", run: func(m *Model) tea.Cmd { return m.jumpToResource(r.arn) }})
	}
	o.filter()
	return o
}

// loadActions fills the catalog's actions the first time the query names a service.
func (o *paletteOverlay) loadActions() {
	if o.actions != nil {
		return
	}
	o.services = map[string][2]int{}
	for _, svc := range catalog.Services() {
		lo := len(o.actions)
		for _, a := range svc.Actions {
			name := a.FullName()
			o.actions = append(o.actions, paletteItem{label: name, kind: "action", run: func(m *Model) tea.Cmd { return m.jumpToAction(name) }})
		}
		o.services[svc.Prefix] = [2]int{lo, len(o.actions)}
	}
}

// serviceRange is the range of a service's actions in actions.
func (o *paletteOverlay) serviceRange(prefix string) (int, int, bool) {
	r, ok := o.services[strings.ToLower(strings.TrimSpace(prefix))]
	return r[0], r[1], ok
}

type paletteSource []paletteItem

func (s paletteSource) String(i int) string { return s[i].label }
func (s paletteSource) Len() int            { return len(s) }

// filter recomputes the matches of the query.
func (o *paletteOverlay) filter() {
	q := strings.TrimSpace(o.input.String())
	o.shown = o.shown[:0]
	o.cursor = 0
	o.fromAct = false
	o.offset = 0
	if typedCommand(q) {
		return
	}
	src := o.items
	if prefix, _, ok := strings.Cut(q, ":"); ok {
		o.loadActions()
		src, o.fromAct = o.actions, true
		// A query that names a service searches its actions alone.
		if lo, hi, ok := o.serviceRange(prefix); ok {
			src = o.actions[lo:hi]
			o.offset = lo
		}
	}
	if q == "" {
		for i := range src {
			o.shown = append(o.shown, i+o.offset)
		}
		return
	}
	for _, i := range rankMatches(q, paletteSource(src), 200) {
		o.shown = append(o.shown, i+o.offset)
	}
}

func typedCommand(q string) bool {
	return strings.HasPrefix(q, "can ") || strings.HasPrefix(q, "who-can ")
}

func (o *paletteOverlay) source() []paletteItem {
	if o.fromAct {
		return o.actions
	}
	return o.items
}

func (o *paletteOverlay) update(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		m.pop()
		return nil
	case "up":
		// ↑ on an empty input, or on a history entry, walks the history back.
		if (o.walk >= 0 || o.input.String() == "") && len(m.history) > 0 {
			o.showHistory(m, max(o.walk, len(m.history))-1)
			return nil
		}
		o.cursor = max(o.cursor-1, 0)
		return nil
	case "down":
		if o.walk >= 0 {
			o.showHistory(m, o.walk+1)
			return nil
		}
		o.cursor = min(o.cursor+1, max(len(o.shown)-1, 0))
		return nil
	case "ctrl+p":
		o.cursor = max(o.cursor-1, 0)
		return nil
	case "ctrl+n", "tab":
		o.cursor = min(o.cursor+1, max(len(o.shown)-1, 0))
		return nil
	case "enter":
		q := strings.TrimSpace(o.input.String())
		if typedCommand(q) {
			cmd, err := m.runTyped(q)
			if err != nil {
				o.err = err.Error()
				return nil
			}
			m.pop()
			return tea.Batch(cmd, m.remember(q))
		}
		if o.cursor >= len(o.shown) {
			return nil
		}
		it := o.source()[o.shown[o.cursor]]
		m.pop()
		return tea.Batch(it.run(m), m.remember(q))
	}
	if o.input.update(msg) {
		o.walk = -1
		o.err = ""
		o.filter()
	}
	return nil
}

// showHistory puts history entry i in the input; past the newest entry, the input is empty
// again.
func (o *paletteOverlay) showHistory(m *Model, i int) {
	if i < 0 {
		i = 0
	}
	if i >= len(m.history) {
		o.walk = -1
		o.input.setValue("")
	} else {
		o.walk = i
		o.input.setValue(m.history[i])
	}
	o.err = ""
	o.filter()
}

func (o *paletteOverlay) view(m *Model) string {
	s := m.ctx.styles
	w, h := m.overlaySize(90, 22)
	inner := w - 4
	lines := []string{o.input.view(s, inner), ""}
	q := strings.TrimSpace(o.input.String())
	switch {
	case typedCommand(q):
		lines = append(lines, s.dim.Render("can PRINCIPAL ACTION RESOURCE   — explain one request"))
		lines = append(lines, s.dim.Render("who-can ACTION RESOURCE          — everyone who can, with paths"))
		lines = append(lines, s.dim.Render("PRINCIPAL is a name, ARN or unique id; enter runs"))
	case len(o.shown) == 0:
		lines = append(lines, s.dim.Render("no match · type can … or who-can … to ask directly"))
	case q == "" && len(m.history) > 0:
		lines = append(lines, s.dim.Render(fmt.Sprintf("↑ recalls what was run (%d in the history)", len(m.history))))
	}
	rows := h - 3 - len(lines) - 1
	start := max(0, o.cursor-rows+1)
	src := o.source()
	for i := start; i < len(o.shown) && i < start+rows; i++ {
		it := src[o.shown[i]]
		kind := fit(it.kind, 9)
		if i == o.cursor {
			lines = append(lines, s.rowSelected.Render(fit(" "+kind+" "+it.label, inner)))
		} else {
			lines = append(lines, " "+s.dim.Render(kind)+" "+it.label)
		}
	}
	if o.err != "" {
		lines = append(lines, s.errorText.Render(o.err))
	}
	return m.box("Commands  (enter runs, esc closes)", lines, w, h)
}

// findPrincipal finds a loaded user or role by ARN, name or unique id.
func (m *Model) findPrincipal(q string) (string, error) {
	var found []model.Entity
	for _, a := range m.ctx.accounts {
		found = append(found, a.Find(q)...)
	}
	var arns []string
	for _, e := range found {
		if e.Kind != model.EntityGroup {
			arns = append(arns, e.ARN())
		}
	}
	switch len(arns) {
	case 0:
		return "", fmt.Errorf("no user or role %q", clean(q))
	case 1:
		return arns[0], nil
	}
	return "", fmt.Errorf("%q names %d principals: give the ARN", clean(q), len(arns))
}

// runTyped runs `can P A R` or `who-can A R`.
func (m *Model) runTyped(q string) (tea.Cmd, error) {
	f := strings.Fields(q)
	switch f[0] {
	case "can":
		if len(f) != 4 {
			return nil, fmt.Errorf("write: can PRINCIPAL ACTION RESOURCE")
		}
		who, err := m.findPrincipal(f[1])
		if err != nil {
			// Any party who-can lists: a role session, an account, "*", a service, a
			// federated provider.
			pt, ok, perr := m.ctx.engine.FindParty(f[1])
			switch {
			case perr != nil:
				return nil, perr
			case !ok:
				return nil, fmt.Errorf("no user, role or party %q", clean(f[1]))
			}
			who = pt.Name
		}
		if _, ok := catalog.LookupAction(f[2]); !ok && !strings.Contains(f[2], ":") {
			return nil, fmt.Errorf("%q is not an action (service:Action)", clean(f[2]))
		}
		m.focus = focusDoc
		// Answered as the CLI's can answers: the party's own request, else through a chain.
		return m.explain.pin(m.ctx, request{principal: who, action: f[2], resource: f[3], party: true}, false), nil
	case "who-can":
		if len(f) != 3 {
			return nil, fmt.Errorf("write: who-can ACTION RESOURCE")
		}
		m.focus = focusTree
		return m.whoCan(f[1], f[2]), nil
	}
	return nil, fmt.Errorf("unknown command")
}

// jumpToPrincipal selects a principal and shows its access.
func (m *Model) jumpToPrincipal(arn string) tea.Cmd {
	if m.view == viewReverse {
		m.view = viewAccess
	}
	m.principals.selectItem(func(it listItem) bool { return it.(*principalItem).arn == arn })
	m.focus = focusTree
	return tea.Batch(m.selectPrincipal(), m.followSelection(true))
}

// jumpToResource shows who can act on a resource.
func (m *Model) jumpToResource(arn string) tea.Cmd {
	m.view = viewReverse
	m.resources.selectItem(func(it listItem) bool { return it.(*resourceItem).arn == arn })
	m.focus = focusTree
	return m.listChanged()
}

// jumpToAction opens the action's service in the access tree and selects the action when
// the service is decided.
func (m *Model) jumpToAction(action string) tea.Cmd {
	m.view = viewAccess
	m.focus = focusTree
	prefix, _, _ := strings.Cut(strings.ToLower(action), ":")
	root := m.access.tree.root
	if root == nil {
		return nil
	}
	for _, svc := range root.children {
		if svc.kind == nkService && svc.service == prefix {
			m.pendingSelect = svc.key + "/" + action
			m.access.tree.dirty = true
			m.access.tree.selectKey(svc.key)
			cmd := m.access.expand(m.ctx, svc)
			m.applyPendingSelect()
			return cmd
		}
	}
	m.setStatus(clean(shortName(m.selectedARN))+" has no access to "+clean(prefix), true)
	return nil
}

// applyPendingSelect selects the node a jump waits for, once it is in the tree.
func (m *Model) applyPendingSelect() {
	if m.pendingSelect == "" {
		return
	}
	if m.access.tree.selectKey(m.pendingSelect) {
		m.pendingSelect = ""
		m.access.tree.scroll(m.ctx.layout.tree.h - 1)
	}
}

// whoCan shows in the Resources view everyone who can do an action on a resource. The
// resource is selected in the Resources list when it is one of its rows; the breadcrumb names
// the query either way.
func (m *Model) whoCan(action, resource string) tea.Cmd {
	m.view = viewReverse
	m.resources.selectItem(func(it listItem) bool { return it.(*resourceItem).arn == resource })
	m.reverseQuery = "who-can " + clean(action) + " " + clean(resource)
	root := &node{kind: nkResourceRoot, key: "who-can " + action + " " + resource, label: clean(resource), expandable: true,
		data: []whoAction{{action: action, resource: resource}}}
	cmd := m.reverse.setRoot(m.ctx, root)
	if n := m.reverse.tree.selected(); n != nil {
		cmd = tea.Batch(cmd, m.reverse.expand(m.ctx, n))
	}
	return cmd
}
