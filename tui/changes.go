package tui

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/model"
)

// The Changes view (issue 17): what changed in effective access between the accounts as they
// were (Options.Before) and as loaded, decided by eval.Diff off the event loop. Its list puts
// the principals whose access changed first, badged; its tree shows one entry's gained and
// lost access, administrator status, paths, hops and the policy changes behind them; its
// explanation decides a row on both sides, each on its own engine.

// changesMsg answers a diff request.
type changesMsg struct {
	id     uint64
	diff   *eval.AccountDiff
	before []*model.Account // the earlier state, read once and kept
	engine *eval.Engine     // the earlier state's engine
	err    error
}

// diffState is the Changes view's diff: the request awaited, the answer, the earlier side.
type diffState struct {
	id       uint64 // the diff request awaited; answers to others are stale
	busy     bool
	diff     *eval.AccountDiff
	err      error
	accounts []*model.Account // the earlier state once read
	// land is the principal ARN a guided question lands on, selected in the list as soon as
	// the diff lists it; "" when none waits.
	land string
}

// diffCmd reads the earlier state (unless it is read already), compiles it, and diffs it
// against the engine in force, in the context and mode in force.
func diffCmd(c *programContext, load LoadFunc, before []*model.Account, id uint64) tea.Cmd {
	after, extra, mode, now := c.engine, c.extra, c.mode(), c.now
	return func() tea.Msg {
		if before == nil {
			accts, err := load(func(loader.Progress) {})
			if err != nil {
				return changesMsg{id: id, err: fmt.Errorf("reading the earlier state (--before): %w", err)}
			}
			before = accts
		}
		eb := eval.NewEngine(before...)
		eb.Now = now
		d := eval.Diff(eb, after, eval.DiffOptions{Context: extra, Mode: mode})
		return changesMsg{id: id, diff: d, before: before, engine: eb}
	}
}

// hasChanges reports whether the explorer has an earlier state to compare with.
func (m *Model) hasChanges() bool { return m.opts.Before != nil }

// views is how many views [ and ] cycle through: the Changes view only with an earlier state.
func (m *Model) views() view {
	if m.hasChanges() {
		return viewCount
	}
	return viewChanges
}

// startDiff asks for the diff again: at start, and when the context, the mode or the what-ifs
// change. An answer still on its way is stale.
func (m *Model) startDiff() tea.Cmd {
	if !m.hasChanges() || m.state != stateReady {
		return nil
	}
	m.diff.id = m.ctx.newID()
	m.diff.busy = true
	return diffCmd(m.ctx, m.opts.Before, m.diff.accounts, m.diff.id)
}

// handleChanges takes a diff, dropping a stale one, and lists its entries.
func (m *Model) handleChanges(msg changesMsg) tea.Cmd {
	if msg.id != m.diff.id {
		return nil
	}
	m.diff.busy = false
	m.diff.err = msg.err
	if msg.err != nil {
		m.setStatus("changes: "+clean(msg.err.Error()), true)
		m.changesTree.tree.empty = "could not compare: " + clean(msg.err.Error())
		return nil
	}
	m.diff.diff = msg.diff
	m.diff.accounts = msg.before
	m.ctx.before = msg.engine
	keep := ""
	if it, ok := m.changes.selected().(*changeItem); ok {
		keep = it.key()
	}
	m.changes.setItems(changeItems(msg.diff, m.ctx.accounts))
	switch {
	case m.diff.land != "":
		m.landChange(m.diff.land)
	case keep != "":
		m.changes.selectItem(func(li listItem) bool { return li.(*changeItem).key() == keep })
	}
	// The entry shown is built again from the new diff, keeping what is open and selected.
	if root := m.changesTree.tree.root; root != nil {
		if it, ok := m.changes.selected().(*changeItem); ok && it.key() == m.changesFor {
			root.data = it
			return tea.Batch(m.changesTree.load(m.ctx, root), m.followSelection(false))
		}
	}
	m.changesFor = ""
	if m.view == viewChanges {
		return tea.Batch(m.showChange(), m.followSelection(false))
	}
	return nil
}

// landChange selects a principal's entry in the Changes list (its changes first: the list
// puts them before the unchanged), for a guided question; until a diff lists it, the wish waits
// for the diff (handleChanges).
func (m *Model) landChange(arn string) {
	m.diff.land = arn
	if m.diff.diff == nil || m.diff.busy {
		return // the diff being decided is the one that must list it
	}
	m.changes.selectItem(func(li listItem) bool { return li.(*changeItem).arn == arn })
	m.diff.land = ""
}

// changeKind says what a Changes list entry is.
type changeKind uint8

const (
	ckPrincipal changeKind = iota // a principal whose access changed
	ckAdded                       // a principal only after
	ckRemoved                     // a principal only before
	ckOutside                     // the outside parties admitted or no longer admitted
	ckUnchanged                   // a principal on both sides whose access did not change
)

// changeItem is a row of the Changes list.
type changeItem struct {
	kind   changeKind
	arn    string
	name   string // clean
	pd     *eval.PrincipalDiff
	badges string // A+ admin gained, A- lost, P+ path opened, X+ outside party admitted
	counts string // +gained -lost
	filter string
	// acct are the accountWords of arn's account, for the filter's account terms.
	acct []string
	// where is " @alias" (or " @id") when arn is of an account other than the first, for
	// the row.
	where string
}

func (it *changeItem) filterValue() string    { return it.filter }
func (it *changeItem) accountWords() []string { return it.acct }
func (it *changeItem) rev() int               { return 0 }

// key identifies the entry across diffs.
func (it *changeItem) key() string { return fmt.Sprintf("%d %s", it.kind, it.arn) }

// changeItems lists the diff's entries: the principals whose access changed (administrator
// gained first, then paths opened, then outside trust, then by name), the principals added and
// removed, the outside parties, then every other principal, unchanged.
func changeItems(d *eval.AccountDiff, accounts []*model.Account) []listItem {
	outside := map[string]bool{}
	for _, o := range d.Outside {
		if o.Change == "admitted" {
			outside[o.Resource] = true
		}
	}
	var changed []*changeItem
	seen := map[string]bool{}
	for i := range d.Principals {
		p := &d.Principals[i]
		it := &changeItem{kind: ckPrincipal, arn: p.ARN, name: clean(shortName(p.ARN)), pd: p}
		switch p.Admin {
		case "gained":
			it.badges += "A+"
		case "lost":
			it.badges += "A-"
		}
		if len(p.PathsOpened) > 0 {
			it.badges += "P+"
		}
		if outside[p.ARN] {
			it.badges += "X+"
		}
		it.counts = fmt.Sprintf("+%d -%d", len(p.Gained)+len(p.PathsOpened)+len(p.HopsAdded), len(p.Lost)+len(p.PathsClosed)+len(p.HopsRemoved))
		changed = append(changed, it)
		seen[p.ARN] = true
	}
	rank := func(it *changeItem) int {
		switch {
		case strings.Contains(it.badges, "A+"):
			return 0
		case strings.Contains(it.badges, "P+"):
			return 1
		case strings.Contains(it.badges, "X+"):
			return 2
		}
		return 3
	}
	sort.SliceStable(changed, func(i, j int) bool { return rank(changed[i]) < rank(changed[j]) })
	// A role newly trusted outside whose own access did not change is still a change.
	all := principalARNs(accounts)
	loaded := make(map[string]bool, len(all))
	for _, arn := range all {
		loaded[arn] = true
	}
	for _, o := range d.Outside {
		if o.Change == "admitted" && !seen[o.Resource] && loaded[o.Resource] {
			seen[o.Resource] = true
			changed = append(changed, &changeItem{kind: ckPrincipal, arn: o.Resource, name: clean(shortName(o.Resource)), badges: "X+",
				pd: &eval.PrincipalDiff{ARN: o.Resource}})
		}
	}
	var out []listItem
	for _, it := range changed {
		out = append(out, it)
	}
	for _, a := range d.Added {
		out = append(out, &changeItem{kind: ckAdded, arn: a, name: clean(shortName(a)), badges: "new"})
		seen[a] = true
	}
	for _, a := range d.Removed {
		out = append(out, &changeItem{kind: ckRemoved, arn: a, name: clean(shortName(a)), badges: "gone"})
	}
	if len(d.Outside) > 0 {
		out = append(out, &changeItem{kind: ckOutside, name: "outside parties", counts: fmt.Sprint(len(d.Outside))})
	}
	for _, arn := range all {
		if !seen[arn] {
			out = append(out, &changeItem{kind: ckUnchanged, arn: arn, name: clean(shortName(arn))})
		}
	}
	byID := accountsByID(accounts)
	for _, li := range out {
		it := li.(*changeItem)
		it.filter = it.name + " " + it.badges
		if acct := model.AccountOf(it.arn); acct != "" {
			it.acct = accountWords(acct, byID[acct])
			if len(accounts) > 0 && acct != accounts[0].ID {
				alias := ""
				if a := byID[acct]; a != nil {
					alias = a.Alias
				}
				it.where = " @" + accountName(acct, alias)
			}
		}
	}
	return out
}

// principalARNs lists the users and roles of the accounts (groups do not act), in order.
func principalARNs(accounts []*model.Account) []string {
	var out []string
	for _, it := range principalItems(accounts) {
		if it.kind != model.EntityGroup {
			out = append(out, it.arn)
		}
	}
	return out
}

// renderChange draws a Changes list row: a mark, the name, the badges and counts.
func (m *Model) renderChange(li listItem, w int, selected, focused bool) string {
	it := li.(*changeItem)
	s := m.ctx.styles
	mark := map[changeKind]string{ckPrincipal: "~", ckAdded: "+", ckRemoved: "-", ckOutside: "X", ckUnchanged: " "}[it.kind]
	right := strings.TrimSpace(it.badges + " " + it.counts)
	nameW := w - 3 - width(right) - 1
	if selected {
		st := s.rowSelectedBlurred
		if focused {
			st = s.rowSelected
		}
		return st.Render(fit(" "+mark+" "+fit(it.name+it.where, nameW)+" "+right, w))
	}
	name := fit(it.name+it.where, nameW)
	if it.kind == ckUnchanged {
		name = s.dim.Render(name)
	}
	return fit(" "+s.gained.Render(mark)+" "+name+" "+s.badge.Render(right), w)
}

// showChange shows the selected entry in the Changes tree, if it does not show it yet.
func (m *Model) showChange() tea.Cmd {
	it, ok := m.changes.selected().(*changeItem)
	if !ok || m.diff.diff == nil {
		return nil
	}
	if m.changesFor == it.key() {
		return nil
	}
	m.changesFor = it.key()
	root := &node{kind: nkChangesRoot, key: "changes:" + it.key(), principal: it.arn, expandable: true, data: it}
	if it.arn == "" {
		root.label = it.name // the outside parties: no principal names the export
	}
	return m.changesTree.setRoot(m.ctx, root)
}

// changesSource builds the Changes tree from the diff: nothing is asked of the engine until a
// row is explained.
type changesSource struct{ m *Model }

func (changesSource) fetch(*programContext, *node) job { return nil }

func (s changesSource) build(c *programContext, n *node) {
	if n.kind != nkChangesRoot {
		return
	}
	it, ok := n.data.(*changeItem)
	d := s.m.diff.diff
	if !ok || d == nil {
		return
	}
	var kids []*node
	note := func(text string) { kids = append(kids, newChild(n, nkNote, text)) }
	switch it.kind {
	case ckUnchanged:
		note("no change in effective access")
	case ckAdded:
		note("new principal: only in the later state (open it in the Access view)")
	case ckRemoved:
		note("removed: only in the earlier state")
	case ckOutside:
		for i, o := range d.Outside {
			k := newChild(n, nkNote, clean(o.Change)+": "+clean(o.Party)+" ("+string(o.Kind)+")")
			k.key = fmt.Sprintf("%s/outside %d", n.key, i)
			k.note = "on " + clean(shortName(o.Resource))
			k.copyText = o.Resource
			k.mark = markGained
			if o.Change != "admitted" {
				k.mark = markLost
			}
			causeNodes(k, d, o.Causes)
			kids = append(kids, k)
		}
	case ckPrincipal:
		p := it.pd
		switch p.Admin {
		case "gained":
			k := newChild(n, nkNote, "administrator gained (effective * on *)")
			k.mark = markGained
			kids = append(kids, k)
		case "lost":
			k := newChild(n, nkNote, "administrator lost (effective * on *)")
			k.mark = markLost
			kids = append(kids, k)
		}
		kids = append(kids, accessSection(n, "Gained", p.ARN, p.Gained, markGained)...)
		kids = append(kids, accessSection(n, "Lost", p.ARN, p.Lost, markLost)...)
		for _, pc := range p.PathsOpened {
			kids = append(kids, pathChangeNode(n, "path opened", pc, markGained))
		}
		for _, pc := range p.PathsClosed {
			kids = append(kids, pathChangeNode(n, "path closed", pc, markLost))
		}
		for _, h := range p.HopsAdded {
			kids = append(kids, hopChangeNode(n, "may now assume", h, markGained))
		}
		for _, h := range p.HopsRemoved {
			kids = append(kids, hopChangeNode(n, "may no longer assume", h, markLost))
		}
		for _, o := range d.Outside {
			if o.Resource == p.ARN {
				k := newChild(n, nkNote, "trust "+clean(o.Change)+": "+clean(o.Party)+" ("+string(o.Kind)+")")
				k.mark = markGained
				if o.Change != "admitted" {
					k.mark = markLost
				}
				kids = append(kids, k)
			}
		}
		if len(p.Causes) > 0 {
			sec := newChild(n, nkSection, fmt.Sprintf("Caused by (%d policy changes)", len(p.Causes)))
			sec.key = n.key + "/caused by"
			sec.expandable, sec.expanded, sec.loaded = true, true, true
			causeNodes(sec, d, p.Causes)
			kids = append(kids, sec)
		}
	}
	if len(kids) == 0 {
		note("no change in effective access")
	}
	n.setChildren(kids)
}

// accessSection makes the Gained or Lost section: service and access level, action, resource
// pattern. A resource row explains its request on both sides.
func accessSection(parent *node, title, arn string, cs []eval.AccessChange, mk mark) []*node {
	if len(cs) == 0 {
		return nil
	}
	sec := newChild(parent, nkSection, fmt.Sprintf("%s (%d)", title, len(cs)))
	sec.key = parent.key + "/" + title // the count changes with the diff; the row stays
	sec.expandable, sec.expanded, sec.loaded = true, true, true
	cs = append([]eval.AccessChange(nil), cs...)
	levels := []catalog.AccessLevel{catalog.PermissionsManagement, catalog.Write, catalog.Tagging, catalog.Read, catalog.List}
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].Service != cs[j].Service {
			return cs[i].Service < cs[j].Service
		}
		return slices.Index(levels, cs[i].Level) < slices.Index(levels, cs[j].Level)
	})
	var groups []*node
	var group, action *node
	for _, ch := range cs {
		g := clean(ch.Service) + " · " + clean(string(ch.Level))
		if group == nil || group.label != g {
			group = newChild(sec, nkSection, g)
			group.expandable, group.expanded, group.loaded = true, true, true
			group.mark = mk
			groups = append(groups, group)
			action = nil
		}
		if action == nil || action.label != clean(ch.Action) {
			action = newChild(group, nkChangeAction, clean(ch.Action))
			action.level = levelShort(ch.Level)
			action.expandable, action.expanded, action.loaded = true, true, true
			action.mark = mk
			group.children = append(group.children, action)
			action.parent = group
		}
		r := newChild(action, nkChangeResource, clean(ch.Resource))
		r.req = request{principal: arn, action: ch.Action, resource: ch.Resource, diff: true}
		r.decision = sideDecision(ch.After)
		r.note = "was " + sideWords(ch.Before)
		if ch.After.AllowedIf != "" {
			r.note = "if " + clean(ch.After.AllowedIf) + " · " + r.note
		}
		r.copyText = ch.Resource
		r.mark = mk
		r.data = ch
		action.children = append(action.children, r)
		r.parent = action
	}
	sec.setChildren(groups)
	return []*node{sec}
}

// sideDecision is how an access change's side is drawn.
func sideDecision(s eval.AccessSide) decision {
	switch {
	case s.Decision == eval.ExplicitlyDenied:
		return decExplicitDeny
	case s.Decision == eval.ImplicitlyDenied:
		return decDeny
	case s.AllowedIf != "":
		return decIf
	}
	return decAllow
}

// sideWords says an access change's side in words: "allow", "if …", "deny", "DENY".
func sideWords(s eval.AccessSide) string {
	w := sideDecision(s).word()
	if len(s.Except) > 0 {
		w += " except " + clean(strings.Join(s.Except, ", "))
	}
	return w
}

// pathChangeNode is an escalation path opened or closed.
func pathChangeNode(parent *node, what string, pc eval.PathChange, mk mark) *node {
	k := newChild(parent, nkNote, what+": "+clean(pc.ID)+" "+clean(pc.Name))
	k.note = "→ " + clean(shortName(pc.To)) + " [" + clean(string(pc.Category)) + "]"
	if len(pc.Via) > 0 {
		vias := make([]string, len(pc.Via))
		for i, v := range pc.Via {
			vias[i] = clean(shortName(v))
		}
		k.note += " via " + strings.Join(vias, " → ")
	}
	k.copyText = pc.To
	k.mark = mk
	return k
}

// hopChangeNode is a role assumption gained or lost.
func hopChangeNode(parent *node, what string, h eval.HopChange, mk mark) *node {
	k := newChild(parent, nkNote, what+" "+clean(shortName(h.To)))
	k.note = clean(h.Action)
	if h.AllowedIf != "" {
		k.note += " · when " + clean(h.AllowedIf)
	}
	k.copyText = h.To
	k.mark = mk
	return k
}

// causeNodes puts under parent the policy changes an entry is due to, each with the
// statements it added, removed or edited.
func causeNodes(parent *node, d *eval.AccountDiff, causes []int) {
	var kids []*node
	for _, i := range causes {
		if i < 0 || i >= len(d.Policies) {
			continue
		}
		pc := d.Policies[i]
		k := newChild(parent, nkPolicyChange, fmt.Sprintf("[%d] %s", i+1, policyChangeWords(pc)))
		k.copyText = pc.Entity
		k.data = pc
		var sts []*node
		for j, s := range pc.Statements {
			text := string(s.After)
			sign := "+"
			switch s.Change {
			case "removed":
				text, sign = string(s.Before), "−"
			case "edited":
				sign = "~"
			}
			st := newChild(k, nkNote, sign+" statement "+clean(s.Sid)+" "+clean(text))
			st.key = fmt.Sprintf("%s/st %d", k.key, j)
			st.copyText = text
			sts = append(sts, st)
		}
		if len(sts) > 0 {
			k.expandable, k.loaded = true, true
			k.setChildren(sts)
		}
		kids = append(kids, k)
	}
	parent.setChildren(kids)
	if len(kids) > 0 {
		parent.expandable, parent.loaded = true, true
	}
}

// policyChangeWords says what an administrator did, in a line.
func policyChangeWords(c eval.PolicyChange) string {
	e, p := clean(shortName(c.Entity)), clean(shortName(c.Policy))
	switch c.Kind {
	case eval.ChangeDefaultVersion:
		return "default version of " + e + ": " + clean(c.Before) + " → " + clean(c.After)
	case eval.ChangeBoundary:
		return "boundary of " + e + ": " + clean(shortName(c.Before)) + " → " + clean(shortName(c.After))
	}
	text := clean(c.Kind) + " " + e
	if p != "" && p != e {
		text += " · " + p
	}
	return text
}

// changeInfo describes a Changes row that is not a request: a policy change with its
// statements in full, or the entry itself.
func changeInfo(d *document, n *node) bool {
	pc, ok := n.data.(eval.PolicyChange)
	if !ok || n.kind != nkPolicyChange {
		return false
	}
	d.add(lsHeading, 0, n.label)
	d.add(lsDim, 0, clean(pc.Entity))
	if pc.Policy != "" {
		d.add(lsDim, 0, "policy "+clean(pc.Policy))
	}
	for _, s := range pc.Statements {
		d.add(lsHeading, 0, "statement "+clean(s.Sid)+" "+clean(s.Change))
		if len(s.Before) > 0 {
			d.add(lsDim, 1, "before:")
			for _, l := range prettyJSON(string(s.Before)) {
				d.add(lsJSON, 2, l)
			}
		}
		if len(s.After) > 0 {
			d.add(lsPlain, 1, "after:")
			for _, l := range prettyJSON(string(s.After)) {
				d.add(lsJSON, 2, l)
			}
		}
	}
	return true
}
