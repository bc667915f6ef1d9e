package tui

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/model"
)

// accessSource builds the access tree of a principal: service -> action -> resource, each
// service decided when it is opened.
type accessSource struct {
	showDenied bool // list the actions the identity policies grant but that are denied
	writesOnly bool // only Write and Permissions management actions
	viaChains  bool // only what the principal reaches through role chains
}

// serviceData is one service's answer: the access now, the access before the what-ifs (when
// there are any), and the denied actions (when asked).
type serviceData struct {
	after, before []eval.Access
	denied        []eval.Denial
	whatIf        bool
}

// diffData is what a principal gains and loses by the what-ifs.
type diffData struct{ diff eval.AccessDiff }

// accessRoot makes the root of the access tree of an entity.
func (s *accessSource) accessRoot(kind model.EntityKind, arn string) *node {
	switch {
	case kind == model.EntityGroup:
		return &node{kind: nkGroup, key: arn, principal: arn, expandable: true}
	case s.viaChains:
		return &node{kind: nkChains, key: arn + "#chains", principal: arn, expandable: true}
	}
	return &node{kind: nkPrincipal, key: arn, principal: arn, expandable: true}
}

func (s *accessSource) fetch(c *programContext, n *node) job {
	eng, base, extra, whatIf, mode := c.engine, c.base, c.extra, c.whatIfActive(), c.mode()
	arn, service, showDenied := n.principal, n.service, s.showDenied
	lookup := func(e *eval.Engine) (*eval.Principal, error) {
		p, ok := e.Principal(arn)
		if !ok {
			return nil, fmt.Errorf("no principal %s", clean(arn))
		}
		return p, nil
	}
	switch n.kind {
	case nkPrincipal:
		return plain(func() (any, error) {
			p, err := lookup(eng)
			if err != nil {
				return nil, err
			}
			prefixes := accessPrefixes(eng, p, extra, mode)
			if whatIf {
				if bp, err := lookup(base); err == nil {
					for _, prefix := range accessPrefixes(base, bp, extra, mode) {
						prefixes = appendNew(prefixes, prefix)
					}
				}
			}
			return prefixes, nil
		})
	case nkChains:
		// The roles are shown as the walk finds them, the one-hop roles first; their rows are
		// made here, off the event loop, under a copy of the node.
		under := &node{kind: n.kind, key: n.key}
		rows := reachRows{make: func(r eval.Reach) *node { return viaRow(under, r) }}
		return func(ctx context.Context, partial func(any)) (any, error) {
			p, err := lookup(eng)
			if err != nil {
				return nil, err
			}
			reaches, err := eng.RoleChainsEach(ctx, p, extra, mode, func(so []eval.Reach) {
				partial(viaData{reaches: so, rows: rows.rows(so)})
			})
			if err != nil {
				return nil, err
			}
			return viaData{reaches: reaches, rows: rows.rows(reaches)}, nil
		}
	case nkService:
		return plain(func() (any, error) {
			p, err := lookup(eng)
			if err != nil {
				return nil, err
			}
			d := serviceData{after: eng.WhatCanService(p, service, extra, mode), whatIf: whatIf}
			if showDenied {
				d.denied = eng.DeniedInService(p, service, extra, mode)
			}
			if whatIf {
				if bp, err := lookup(base); err == nil {
					d.before = base.WhatCanService(bp, service, extra, mode)
				}
			}
			return d, nil
		})
	case nkNote:
		if n.data != nil || !whatIf || !strings.HasSuffix(n.key, "#diff") {
			return nil
		}
		return plain(func() (any, error) {
			p, err := lookup(eng)
			if err != nil {
				return nil, err
			}
			bp, err := lookup(base)
			if err != nil {
				return nil, err
			}
			return diffData{eval.DiffAccess(base.WhatCan(bp, extra, mode), eng.WhatCan(p, extra, mode))}, nil
		})
	}
	return nil
}

// accessPrefixes are the services of a principal's access tree: those AccessServices lists,
// but sts only when the principal can do one of its actions (AccessServices lists sts for
// every principal, for the roles that may trust it), so that no empty "sts · 0 actions" row
// stands under every principal.
func accessPrefixes(e *eval.Engine, p *eval.Principal, extra *eval.Context, mode eval.Mode) []string {
	var out []string
	for _, svc := range e.AccessServices(p) {
		if svc.Prefix == "sts" && len(e.WhatCanService(p, "sts", extra, mode)) == 0 {
			continue
		}
		out = append(out, svc.Prefix)
	}
	return out
}

// plural counts a thing in words: "1 action", "3 actions".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func (s *accessSource) build(c *programContext, n *node) {
	switch n.kind {
	case nkPrincipal:
		prefixes, _ := n.data.([]string)
		var kids []*node
		if c.whatIfActive() && n.parent == nil {
			d := newChild(n, nkNote, "what-if: access gained and lost")
			d.key = n.key + "#diff"
			d.principal = n.principal
			d.expandable = true
			d.note = "open to compare"
			kids = append(kids, d)
		}
		for _, prefix := range sortedPrefixes(prefixes) {
			svc := newChild(n, nkService, prefix)
			svc.principal, svc.service, svc.via = n.principal, prefix, n.via
			svc.expandable = true
			if cs, ok := catalog.LookupService(prefix); ok {
				svc.note = cs.Name
			}
			kids = append(kids, svc)
		}
		n.setChildren(kids)
		if len(kids) == 0 {
			n.setChildren([]*node{newChild(n, nkNote, "no access: no policy grants an action")})
		}
	case nkGroup:
		s.buildGroup(c, n)
	case nkChains:
		d, _ := n.data.(viaData)
		reaches := d.reaches
		// The rows of the roles found before (a report while the walk goes on is the
		// beginning of the next) are kept; only those of the roles found since are made.
		var kids []*node
		for _, k := range n.children {
			if k.kind != nkPrincipal {
				continue // the row that says the chains are still followed
			}
			if i := len(kids); i < len(reaches) && k.principal == reaches[i].Role.ARN && samePath(k.via, reaches[i].Path) {
				kids = append(kids, k)
				continue
			}
			break
		}
		for i := len(kids); i < len(reaches); i++ {
			if len(d.rows) == len(reaches) {
				kids = append(kids, d.rows[i]) // made by the job
				continue
			}
			kids = append(kids, viaRow(n, reaches[i]))
		}
		switch {
		case n.loading:
			// First, where it is seen: the roles found so far follow.
			kids = append([]*node{workingNote(n, fmt.Sprintf("following role chains: %s so far", plural(len(reaches), "role")))}, kids...)
		case len(kids) == 0:
			kids = append(kids, newChild(n, nkNote, "reaches no role through sts:AssumeRole"))
		}
		n.setChildren(kids)
	case nkService:
		s.buildService(c, n)
	case nkNote:
		if d, ok := n.data.(diffData); ok {
			kids := diffNodes(n, d.diff.Gained, markGained, "gained")
			kids = append(kids, diffNodes(n, d.diff.Lost, markLost, "lost")...)
			n.note = fmt.Sprintf("%d gained, %d lost", len(d.diff.Gained), len(d.diff.Lost))
			n.setChildren(kids)
		}
	}
}

// viaData is the roles a principal reaches through role chains, found so far or all, and
// their rows, made by the job that found them (nil when not: a test's data).
type viaData struct {
	reaches []eval.Reach
	rows    []*node
}

// viaRow makes the row of a role reached under the via-chains root: its access, with the
// chain that leads to it.
func viaRow(parent *node, r eval.Reach) *node {
	k := newChild(parent, nkPrincipal, clean(roleName(r.Role.ARN)))
	k.principal, k.via, k.expandable = r.Role.ARN, r.Path, true
	k.note = "via " + chainText(r.Path)
	k.copyText = r.Role.ARN
	if r.Conditional() {
		k.decision = decIf
	} else {
		k.decision = decAllow
	}
	return k
}

// diffNodes lists what a what-if gained or lost, up to a few hundred lines.
func diffNodes(parent *node, lines []string, mk mark, word string) []*node {
	const most = 300
	var out []*node
	for i, l := range lines {
		if i == most {
			out = append(out, newChild(parent, nkNote, fmt.Sprintf("… and %d more %s", len(lines)-most, word)))
			break
		}
		k := newChild(parent, nkNote, clean(l))
		k.mark = mk
		out = append(out, k)
	}
	return out
}

// buildGroup lists a group's members, each with its own access.
func (s *accessSource) buildGroup(c *programContext, n *node) {
	var kids []*node
	for _, a := range c.accounts {
		e, ok := a.Entity(n.principal)
		if !ok || e.Group == nil {
			continue
		}
		for _, u := range e.Group.Members {
			k := newChild(n, nkPrincipal, "user "+clean(u.Name))
			k.principal, k.expandable, k.copyText = u.ARN, true, u.ARN
			kids = append(kids, k)
		}
	}
	if len(kids) == 0 {
		kids = append(kids, newChild(n, nkNote, "the group has no members"))
	}
	n.setChildren(kids)
}

// levelShort names an access level in five cells.
func levelShort(l catalog.AccessLevel) string {
	switch l {
	case catalog.PermissionsManagement:
		return "Perms"
	case catalog.Tagging:
		return "Tag"
	}
	return string(l)
}

func isWrite(l catalog.AccessLevel) bool {
	return l == catalog.Write || l == catalog.PermissionsManagement
}

// resourceKey identifies a resource answer, to compare before and after a what-if.
func resourceKey(r eval.ResourceAccess) string {
	k := r.Resource
	if r.Condition != nil && r.Condition.IsOpen() {
		k += " if " + r.Condition.String()
	}
	if len(r.Except) > 0 {
		k += " except " + strings.Join(r.Except, ", ")
	}
	return k
}

// buildService lists a service's actions, with the pane's toggles, marking what the what-ifs
// gained and lost.
func (s *accessSource) buildService(c *programContext, n *node) {
	d, _ := n.data.(serviceData)
	before := map[string]eval.Access{}
	for _, a := range d.before {
		before[a.Action] = a
	}
	after := map[string]bool{}
	var kids []*node
	keep := func(l catalog.AccessLevel) bool { return !s.writesOnly || isWrite(l) }
	for _, a := range d.after {
		after[a.Action] = true
		if !keep(a.Level) {
			continue
		}
		var was *eval.Access
		if b, ok := before[a.Action]; ok {
			was = &b
		}
		act := s.actionNode(n, a, d.whatIf, was)
		kids = append(kids, act)
	}
	if d.whatIf {
		for _, a := range d.before {
			if after[a.Action] || !keep(a.Level) {
				continue
			}
			act := s.actionNode(n, a, false, nil)
			act.mark = markLost
			for _, r := range act.children {
				r.mark = markLost
			}
			kids = append(kids, act)
		}
	}
	for _, dn := range d.denied {
		if !s.showDenied || !keep(dn.Level) {
			continue
		}
		k := newChild(n, nkDenied, clean(dn.Action))
		k.key += "#denied"
		k.level = levelShort(dn.Level)
		k.decision = decisionOf(dn.Decision, nil)
		k.principal = n.principal
		k.req = request{principal: n.principal, action: dn.Action, resource: dn.Resource}
		k.copyText = dn.Action
		k.note = "granted on " + clean(dn.Resource) + ", denied"
		kids = append(kids, k)
	}
	sortActions(kids)
	total := len(d.after)
	switch {
	case len(kids) == 0 && s.writesOnly && total > 0:
		kids = append(kids, newChild(n, nkNote, fmt.Sprintf("no write or permissions action (%d others hidden)", total)))
	case len(kids) == 0:
		kids = append(kids, newChild(n, nkNote, "no action allowed"))
	}
	n.setChildren(kids)
	if !s.showDenied {
		d.denied = nil // loaded while the toggle was on: not drawn, not counted
	}
	n.note = serviceNote(n.service, d, s.writesOnly)
	n.decision = decNone
	for _, k := range kids {
		if k.kind == nkAction && k.mark != markLost && (k.decision == decAllow || (k.decision == decIf && n.decision != decAllow)) {
			n.decision = k.decision
		}
	}
}

// serviceNote summarises a decided service: how many actions, how many of them writes.
func serviceNote(prefix string, d serviceData, writesOnly bool) string {
	name := prefix
	if cs, ok := catalog.LookupService(prefix); ok {
		name = cs.Name
	}
	writes, perms := 0, 0
	for _, a := range d.after {
		switch a.Level {
		case catalog.Write:
			writes++
		case catalog.PermissionsManagement:
			perms++
		}
	}
	note := name + " · " + plural(len(d.after), "action")
	if writes+perms > 0 {
		note += fmt.Sprintf(", %d write, %d perms", writes, perms)
	}
	if len(d.denied) > 0 {
		note += fmt.Sprintf(", %d denied", len(d.denied))
	}
	return note
}

// actionNode makes an action's node and its resources; with a what-if, resources that were
// not there before are marked gained, and those gone are listed as lost.
func (s *accessSource) actionNode(parent *node, a eval.Access, whatIf bool, before *eval.Access) *node {
	k := newChild(parent, nkAction, clean(a.Action))
	k.level = levelShort(a.Level)
	k.principal = parent.principal
	k.copyText = a.Action
	k.expandable, k.loaded, k.data = true, true, a
	if whatIf && before == nil {
		k.mark = markGained
	}
	had := map[string]bool{}
	if before != nil {
		for _, r := range before.Resources {
			had[resourceKey(r)] = true
		}
	}
	has := map[string]bool{}
	var kids []*node
	for _, r := range a.Resources {
		rn := resourceNode(k, a.Action, r)
		has[resourceKey(r)] = true
		if whatIf && (before == nil || !had[resourceKey(r)]) {
			rn.mark = markGained
		}
		kids = append(kids, rn)
	}
	if before != nil {
		for _, r := range before.Resources {
			if !has[resourceKey(r)] {
				rn := resourceNode(k, a.Action, r)
				rn.mark = markLost
				kids = append(kids, rn)
			}
		}
	}
	k.setChildren(kids)
	k.decision = decNone
	for _, r := range kids {
		if r.mark == markLost {
			continue
		}
		if r.decision == decAllow || (r.decision == decIf && k.decision == decNone) {
			k.decision = r.decision
		}
	}
	if len(kids) > 0 {
		// Explaining the action explains the resource that gives it its decision, so that the
		// row and its explanation say the same.
		k.req = kids[0].req
		for _, r := range kids {
			if r.mark != markLost && r.decision == k.decision {
				k.req = r.req
				break
			}
		}
		if len(kids) == 1 {
			k.note = clean(a.Resources[0].Resource)
		} else {
			k.note = plural(len(kids), "resource")
		}
	}
	return k
}

// resourceNode makes a resource's node, with its open conditions and carve-outs as notes.
func resourceNode(parent *node, action string, r eval.ResourceAccess) *node {
	k := newChild(parent, nkResource, clean(r.Resource))
	k.key = parent.key + "/" + resourceKey(r)
	k.principal = parent.principal
	k.req = request{principal: parent.principal, action: action, resource: r.Resource}
	k.copyText = r.Resource
	k.decision = decisionOf(eval.Allowed, r.Condition)
	if r.Known {
		k.note = "known resource"
	}
	var kids []*node
	if r.Condition != nil && r.Condition.IsOpen() {
		c := newChild(k, nkNote, "if "+clean(r.Condition.String()))
		c.req = k.req
		kids = append(kids, c)
	}
	for _, e := range r.Except {
		c := newChild(k, nkNote, carveOutLabel(e))
		// Explaining a carve-out explains the resource it keeps out, not the pattern.
		c.req = k.req
		c.req.resource = carveOutResource(e)
		kids = append(kids, c)
	}
	k.expandable, k.loaded = len(kids) > 0, true
	k.setChildren(kids)
	return k
}

// carveOutResource is the resource or pattern a carve-out (eval.ResourceAccess.Except: "pattern",
// "pattern if ...", "resource (why)") names.
func carveOutResource(e string) string {
	if i := strings.Index(e, " ("); i > 0 {
		e = e[:i]
	}
	if i := strings.Index(e, " if "); i > 0 {
		e = e[:i]
	}
	return e
}

// carveOutLabel draws a carve-out with its reason first, so that a narrow tree cuts the
// resource, never the reason: "kept out by its own policy: arn:…", "only if …: arn:…",
// "denied if …: arn:…", "denied: arn:…".
func carveOutLabel(e string) string {
	res := carveOutResource(e)
	rest := strings.TrimSpace(strings.TrimPrefix(e, res))
	switch {
	case rest == "(its own policy keeps it out)":
		return "kept out by its own policy: " + clean(res)
	case strings.HasPrefix(rest, "(") && strings.HasSuffix(rest, ")"):
		return clean(strings.TrimSuffix(strings.TrimPrefix(rest, "("), ")")) + ": " + clean(res)
	case strings.HasPrefix(rest, "if "):
		return "denied " + clean(rest) + ": " + clean(res)
	}
	return "denied: " + clean(res)
}

func sortActions(kids []*node) {
	// Actions come sorted from the engine; lost and denied ones are merged in by name.
	sort.SliceStable(kids, func(i, j int) bool { return strings.ToLower(kids[i].label) < strings.ToLower(kids[j].label) })
}

func sortedPrefixes(p []string) []string {
	out := append([]string(nil), p...)
	sort.Strings(out)
	return out
}

// roleName is the name part of a role ARN, with its path.
func roleName(arn string) string {
	if a, err := model.ParseARN(arn); err == nil {
		return strings.TrimPrefix(a.Resource, "role/")
	}
	return arn
}

// shortName is the last part of an ARN's resource, for chains.
func shortName(arn string) string {
	if i := strings.LastIndexAny(arn, "/:"); i >= 0 && i < len(arn)-1 {
		return arn[i+1:]
	}
	return arn
}

// chainText draws a role chain: "omar.haddad → tw-sre-jump → tw-ops-prod".
func chainText(hops []eval.Hop) string {
	if len(hops) == 0 {
		return ""
	}
	parts := []string{clean(shortName(hops[0].From))}
	for _, h := range hops {
		parts = append(parts, clean(shortName(h.To)))
	}
	return strings.Join(parts, " → ")
}

// accessToggle is one of the access tree's toggles.
type accessToggle uint8

const (
	toggleDenied accessToggle = iota
	toggleWrites
	toggleVia
)

// accessToggleKey handles the access tree's toggle keys; it reports whether the key was one.
func (m *Model) accessToggleKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := m.ctx.keys.Tree
	switch {
	case key.Matches(msg, k.WritesOnly):
		return m.toggleAccess(toggleWrites), true
	case key.Matches(msg, k.ShowDenied):
		return m.toggleAccess(toggleDenied), true
	case key.Matches(msg, k.ViaChains):
		return m.toggleAccess(toggleVia), true
	}
	return nil, false
}

// toggleAccess flips a toggle of the access tree and shows the tree again.
func (m *Model) toggleAccess(t accessToggle) tea.Cmd {
	c := m.ctx
	src := m.accessSrc
	m.view = viewAccess
	switch t {
	case toggleWrites:
		src.writesOnly = !src.writesOnly
		m.access.rebuild(c)
		return m.followSelection(false)
	case toggleDenied:
		src.showDenied = !src.showDenied
		if src.showDenied {
			// The denied actions are asked for with each open service.
			return m.withSpinner(m.access.refresh(c, c.layout.tree.h-1))
		}
		m.access.rebuild(c)
		return m.followSelection(false)
	case toggleVia:
		src.viaChains = !src.viaChains
		m.accessFor = "" // the root changes
		// A group's root is built at once, without an answer to wait for: the explanation
		// follows the new tree now.
		return m.withSpinner(tea.Batch(m.showSelected(), m.followSelection(false)))
	}
	return nil
}
