package tui

import (
	"fmt"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/model"
)

// pathsSource builds the tree of a principal's role chains and escalation paths, as hops and
// steps that each explain as a request.
type pathsSource struct{}

// pathsData is what the engine found for a principal.
type pathsData struct {
	reaches     []eval.Reach
	escalations []eval.Escalation
}

func (pathsSource) root(kind model.EntityKind, arn string) *node {
	return &node{kind: nkPathsRoot, key: arn + "#paths", principal: arn, expandable: true, data: kind, account: model.AccountOf(arn)}
}

func (pathsSource) fetch(c *programContext, n *node) func() (any, error) {
	if n.kind != nkPathsRoot {
		return nil
	}
	if kind, _ := n.data.(model.EntityKind); kind == model.EntityGroup {
		return nil
	}
	eng, extra, arn, mode := c.engine, c.extra, n.principal, c.mode()
	return func() (any, error) {
		p, ok := eng.Principal(arn)
		if !ok {
			return nil, fmt.Errorf("no principal %s", clean(arn))
		}
		return pathsData{reaches: eng.RoleChains(p, extra, mode), escalations: eng.PathsIn(p, extra, mode)}, nil
	}
}

func (pathsSource) build(c *programContext, n *node) {
	if n.kind != nkPathsRoot {
		return
	}
	d, ok := n.data.(pathsData)
	if !ok {
		n.setChildren([]*node{newChild(n, nkNote, "A group does not act: pick one of its members.")})
		return
	}
	chains := newChild(n, nkSection, fmt.Sprintf("Role chains (%d)", len(d.reaches)))
	chains.expandable, chains.expanded, chains.loaded = true, true, true
	var reaches []*node
	for _, r := range d.reaches {
		k := newChild(chains, nkReach, clean(roleName(r.Role.ARN))+c.otherAccount(r.Role.ARN, n.account))
		k.note = fmt.Sprintf("%d hop", len(r.Path))
		if len(r.Path) > 1 {
			k.note += "s"
		}
		k.copyText = r.Role.ARN
		k.decision = decAllow
		if r.Conditional() {
			k.decision = decIf
		}
		var hops []*node
		for _, h := range r.Path {
			hops = append(hops, hopNode(c, k, h))
		}
		k.expandable, k.loaded = true, true
		k.setChildren(hops)
		reaches = append(reaches, k)
	}
	if len(reaches) == 0 {
		reaches = append(reaches, newChild(chains, nkNote, "reaches no role"))
	}
	chains.setChildren(reaches)

	paths := newChild(n, nkSection, fmt.Sprintf("Escalation paths (%d)", len(d.escalations)))
	paths.expandable, paths.expanded, paths.loaded = true, true, true
	var escs []*node
	for i, e := range d.escalations {
		escs = append(escs, escalationNode(c, paths, i, e))
	}
	if len(escs) == 0 {
		escs = append(escs, newChild(paths, nkNote, "none found in the catalogue's paths"))
	}
	paths.setChildren(escs)
	n.setChildren([]*node{chains, paths})
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
