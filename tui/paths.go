package tui

import (
	"context"
	"fmt"
	"slices"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/model"
)

// pathsSource builds the tree of a principal's role chains and escalation paths, as hops and
// steps that each explain as a request.
type pathsSource struct{}

// pathsData is what the engine found for a principal, or has found so far: while
// chainsPending the chains are the first of them (the shortest first); while pathsPending the
// escalation paths are not known yet, and checked of roles have had their own paths found.
type pathsData struct {
	reaches       []eval.Reach
	escalations   []eval.Escalation
	chainsPending bool
	pathsPending  bool
	checked, of   int
	// The rows of the reaches and of the escalation paths, made off the event loop by the job
	// that found them (a thousand roles on a dense account): a row the tree does not have yet
	// is taken from here. nil when the data was not reported by the job (a test's).
	reachRows, escalationRows []*node
}

// pathsRows makes the rows of a paths tree off the event loop. It reads of the tree's root
// only its key and account, and of the context only the loaded accounts, through copies made
// when the job was asked for; the rows it made are handed over and never touched again.
type pathsRows struct {
	c             *programContext
	chains, paths *node // the sections, as the tree keys them
	reaches       reachRows
}

func newPathsRows(c *programContext, n *node) *pathsRows {
	root := &node{kind: n.kind, key: n.key, account: n.account}
	r := &pathsRows{c: &programContext{accounts: c.accounts}}
	r.chains = &node{kind: nkSection, key: n.key + "/chains", parent: root}
	r.paths = &node{kind: nkSection, key: n.key + "/paths", parent: root}
	r.reaches.make = func(reach eval.Reach) *node { return reachNode(r.c, r.chains, reach) }
	return r
}

// reachRows makes the rows of a walk's reports off the event loop, one a role reached: the
// rows of the reaches of the last report that open the next (a report while the walk goes on
// is the beginning of the next) are kept, and only those of the roles found since are made.
type reachRows struct {
	make    func(eval.Reach) *node
	reaches []eval.Reach
	made    []*node
}

// rows returns the rows of the reaches of a report.
func (r *reachRows) rows(reaches []eval.Reach) []*node {
	kept := 0
	for kept < len(reaches) && kept < len(r.reaches) && sameReach(r.reaches[kept], reaches[kept]) {
		kept++
	}
	made := r.made[:kept:kept] // the rows handed over are not written again
	for _, reach := range reaches[kept:] {
		made = append(made, r.make(reach))
	}
	r.reaches, r.made = reaches, made
	return made
}

// escalationRows returns the rows of the escalation paths.
func (r *pathsRows) escalationRows(escalations []eval.Escalation) []*node {
	out := make([]*node, len(escalations))
	for i, e := range escalations {
		out[i] = escalationNode(r.c, r.paths, i, e)
	}
	return out
}

func (pathsSource) root(kind model.EntityKind, arn string) *node {
	return &node{kind: nkPathsRoot, key: arn + "#paths", principal: arn, expandable: true, data: kind, account: model.AccountOf(arn)}
}

// fetch finds the chains, reporting them as the walk finds them (the one-hop roles first),
// then the escalation paths, reporting how many of the roles reached are checked.
func (pathsSource) fetch(c *programContext, n *node) job {
	if n.kind != nkPathsRoot {
		return nil
	}
	if kind, _ := n.data.(model.EntityKind); kind == model.EntityGroup {
		return nil
	}
	eng, extra, arn, mode := c.engine, c.extra, n.principal, c.mode()
	rows := newPathsRows(c, n)
	return func(ctx context.Context, partial func(any)) (any, error) {
		p, ok := eng.Principal(arn)
		if !ok {
			return nil, fmt.Errorf("no principal %s", clean(arn))
		}
		reaches, err := eng.RoleChainsEach(ctx, p, extra, mode, func(so []eval.Reach) {
			partial(pathsData{reaches: so, chainsPending: true, pathsPending: true, reachRows: rows.reaches.rows(so)})
		})
		if err != nil {
			return nil, err
		}
		reachRows := rows.reaches.rows(reaches)
		partial(pathsData{reaches: reaches, pathsPending: true, of: len(reaches), reachRows: reachRows})
		escalations, err := eng.PathsInEach(ctx, p, extra, mode, func(done, total int) {
			partial(pathsData{reaches: reaches, pathsPending: true, checked: done, of: total, reachRows: reachRows})
		})
		if err != nil {
			return nil, err
		}
		return pathsData{reaches: reaches, escalations: escalations, reachRows: reachRows, escalationRows: rows.escalationRows(escalations)}, nil
	}
}

// childByKey returns n's child of the key, or an empty node when it has none.
func childByKey(n *node, key string) *node {
	for _, k := range n.children {
		if k.key == key {
			return k
		}
	}
	return &node{}
}

// sameReach reports whether two reaches are the same role by the same chain, with the same
// conditions: one found again by the same walk.
func sameReach(a, b eval.Reach) bool {
	return a.Role == b.Role && samePath(a.Path, b.Path)
}

// samePath reports whether two chains are the same hops with the same conditions.
func samePath(a, b []eval.Hop) bool {
	if len(a) != len(b) {
		return false
	}
	for i, h := range a {
		g := b[i]
		if h.From != g.From || h.To != g.To || h.Action != g.Action || h.Condition != g.Condition {
			return false
		}
	}
	return true
}

// workingNote is the row that says a node's children are still being found, and how far.
func workingNote(parent *node, text string) *node {
	k := newChild(parent, nkNote, "… "+text)
	k.key = parent.key + "#working"
	return k
}

func (pathsSource) build(c *programContext, n *node) {
	if n.kind != nkPathsRoot {
		return
	}
	d, ok := n.data.(pathsData)
	if !ok {
		if n.loading {
			return // nothing found yet: the pane says it is asking
		}
		n.setChildren([]*node{newChild(n, nkNote, "A group does not act: pick one of its members.")})
		return
	}
	label := fmt.Sprintf("Role chains (%d)", len(d.reaches))
	if d.chainsPending {
		label = fmt.Sprintf("Role chains (%d so far)", len(d.reaches))
	}
	chains := newChild(n, nkSection, label)
	chains.key = n.key + "/chains"
	chains.expandable, chains.expanded, chains.loaded = true, true, true
	// The rows of the roles found before (a report while the walk goes on is the beginning of
	// the next) are kept; only those of the roles found since are made.
	var reaches []*node
	for _, k := range childByKey(n, chains.key).children {
		if k.kind == nkNote {
			continue // the row that says the chains are still followed
		}
		if r, ok := k.data.(eval.Reach); ok && len(reaches) < len(d.reaches) && sameReach(r, d.reaches[len(reaches)]) {
			reaches = append(reaches, k)
			continue
		}
		break
	}
	for i := len(reaches); i < len(d.reaches); i++ {
		if len(d.reachRows) == len(d.reaches) {
			reaches = append(reaches, d.reachRows[i]) // made by the job
			continue
		}
		reaches = append(reaches, reachNode(c, chains, d.reaches[i]))
	}
	switch {
	case d.chainsPending:
		// First, where it is seen: the chains found so far follow.
		hops := 1
		if len(d.reaches) > 0 {
			hops = len(d.reaches[len(d.reaches)-1].Path)
		}
		note := workingNote(chains, fmt.Sprintf("following role chains: %s so far, %s deep", plural(len(d.reaches), "role"), plural(hops, "hop")))
		reaches = append([]*node{note}, reaches...)
	case len(reaches) == 0:
		reaches = append(reaches, newChild(chains, nkNote, "reaches no role"))
	}
	if old := childByKey(n, chains.key); !d.chainsPending && old.label == label && slices.Equal(old.children, reaches) {
		// No role found since the last report (the escalation paths' progress): the section
		// stays as it is, instead of merging a thousand rows into themselves.
		chains = old
	} else {
		chains.setChildren(reaches)
	}

	if d.pathsPending {
		paths := newChild(n, nkSection, "Escalation paths (finding…)")
		paths.key = n.key + "/paths"
		paths.expandable, paths.expanded, paths.loaded = true, true, true
		text := "finding escalation paths once the chains are known"
		if !d.chainsPending {
			text = fmt.Sprintf("finding escalation paths: %d of %s reached checked", d.checked, plural(d.of, "role"))
		}
		paths.setChildren([]*node{workingNote(paths, text)})
		n.setChildren([]*node{chains, paths})
		return
	}
	paths := newChild(n, nkSection, fmt.Sprintf("Escalation paths (%d)", len(d.escalations)))
	paths.key = n.key + "/paths"
	paths.expandable, paths.expanded, paths.loaded = true, true, true
	escs := slices.Clone(d.escalationRows) // made by the job
	if len(escs) != len(d.escalations) {
		escs = escs[:0]
		for i, e := range d.escalations {
			escs = append(escs, escalationNode(c, paths, i, e))
		}
	}
	if len(escs) == 0 {
		escs = append(escs, newChild(paths, nkNote, "none found in the catalogue's paths"))
	}
	paths.setChildren(escs)
	n.setChildren([]*node{chains, paths})
}

// reachNode makes the row of a role reached, with its hops, under the chains section.
func reachNode(c *programContext, chains *node, r eval.Reach) *node {
	k := newChild(chains, nkReach, clean(roleName(r.Role.ARN))+c.otherAccount(r.Role.ARN, chains.homeAccount()))
	k.note = fmt.Sprintf("%d hop", len(r.Path))
	if len(r.Path) > 1 {
		k.note += "s"
	}
	k.copyText = r.Role.ARN
	k.decision = decAllow
	if r.Conditional() {
		k.decision = decIf
	}
	k.data = r
	var hops []*node
	for _, h := range r.Path {
		hops = append(hops, hopNode(c, k, h))
	}
	k.expandable, k.loaded = true, true
	k.setChildren(hops)
	return k
}

// escalationNode makes an escalation path's node: the role chain to the actor, then the steps.
func escalationNode(c *programContext, parent *node, i int, e eval.Escalation) *node {
	label := clean(e.Path.ID) + " " + clean(e.Path.Name)
	k := newChild(parent, nkEscalation, label)
	k.key = fmt.Sprintf("%s/%d %s %s", parent.key, i, e.Path.ID, e.Target)
	target := e.Target
	if e.TargetKind != "admin" {
		target = e.TargetKind + " " + shortName(e.Target)
	}
	k.note = "→ " + clean(target)
	if !e.Exploitable {
		k.note += " · needs " + clean(e.Needs)
	}
	if e.Bounded {
		k.note += " · capped by boundary"
	}
	k.copyText = e.Target
	k.decision = decAllow
	k.data = e
	var kids []*node
	for _, h := range e.Via {
		kids = append(kids, hopNode(c, k, h))
	}
	actor := ""
	if e.Actor != nil {
		actor = e.Actor.ARN
	}
	for _, st := range e.Steps {
		s := newChild(k, nkStep, clean(st.Action)+" on "+clean(st.Resource))
		s.req = request{principal: actor, action: st.Action, resource: st.Resource, context: st.Context}
		s.decision = decisionOf(eval.Allowed, st.Condition)
		if st.Condition != nil && st.Condition.IsOpen() {
			k.decision = decIf
			s.note = "if " + clean(st.Condition.String())
		}
		s.copyText = st.Resource
		kids = append(kids, s)
	}
	k.expandable, k.loaded = true, true
	k.setChildren(kids)
	return k
}
