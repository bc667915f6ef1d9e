package tui

import (
	"fmt"

	"github.com/iamscope/iamscope/catalog"
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
	// strict is every escalation's hops and steps decided in strict mode, with the request
	// context; nil in discovery mode, where they are as the engine found them.
	strict []strictEscalation
}

// strictEscalation is an escalation's hops (Via) and steps decided in strict mode.
type strictEscalation struct{ hops, steps []decision }

func (pathsSource) root(kind model.EntityKind, arn string) *node {
	return &node{kind: nkPathsRoot, key: arn + "#paths", principal: arn, expandable: true, data: kind}
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
		d := pathsData{reaches: eng.RoleChains(p, extra, mode), escalations: eng.Paths(p)}
		if mode == eval.Strict {
			d.strict = strictEscalations(eng, d.escalations, extra)
		}
		return d, nil
	}
}

// strictEscalations decides every hop and step of the escalations in strict mode: the engine
// finds paths in discovery mode, where a request that hangs on a key the request does not set
// is kept with its condition; in strict mode such a key is absent, and each request is
// decided as AWS would, as its explanation decides it.
func strictEscalations(eng *eval.Engine, escs []eval.Escalation, extra *eval.Context) []strictEscalation {
	decide := func(who *eval.Principal, action, resource string) decision {
		if who == nil {
			return decDeny
		}
		r, err := eng.Can(who, action, resource, extra, eval.Options{Mode: eval.Strict, KnownKey: catalog.KnowsConditionKey})
		if err != nil {
			return decDeny
		}
		return decisionOf(r.Decision, r.Condition)
	}
	out := make([]strictEscalation, len(escs))
	for i, e := range escs {
		for _, h := range e.Via {
			from, _ := eng.Principal(h.From)
			out[i].hops = append(out[i].hops, decide(from, h.Action, h.To))
		}
		for _, st := range e.Steps {
			out[i].steps = append(out[i].steps, decide(e.Actor, st.Action, st.Resource))
		}
	}
	return out
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
		k := newChild(chains, nkReach, clean(roleName(r.Role.ARN)))
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
			hops = append(hops, hopNode(k, h))
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
		var strict *strictEscalation
		if d.strict != nil {
			strict = &d.strict[i]
		}
		escs = append(escs, escalationNode(paths, i, e, strict))
	}
	if len(escs) == 0 {
		escs = append(escs, newChild(paths, nkNote, "none found in the catalogue's paths"))
	}
	paths.setChildren(escs)
	n.setChildren([]*node{chains, paths})
}

// escalationNode makes an escalation path's node: the role chain to the actor, then the steps,
// each hop and step decided as strict gives it when strict is not nil (a path with one denied
// is then marked denied).
func escalationNode(parent *node, i int, e eval.Escalation, strict *strictEscalation) *node {
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
	strictDenied := func() {
		if k.decision == decAllow {
			k.decision = decDeny
			k.note += " · denied in strict mode"
		}
	}
	for j, h := range e.Via {
		hn := hopNode(k, h)
		if strict != nil {
			hn.decision = strict.hops[j]
			hn.expandable, hn.expanded = false, false
			hn.setChildren(nil)
			if hn.decision != decAllow {
				strictDenied()
			}
		}
		kids = append(kids, hn)
	}
	actor := ""
	if e.Actor != nil {
		actor = e.Actor.ARN
	}
	for j, st := range e.Steps {
		s := newChild(k, nkStep, clean(st.Action)+" on "+clean(st.Resource))
		s.req = request{principal: actor, action: st.Action, resource: st.Resource}
		s.copyText = st.Resource
		kids = append(kids, s)
		if strict != nil {
			s.decision = strict.steps[j]
			if s.decision != decAllow {
				strictDenied()
			}
			continue
		}
		s.decision = decisionOf(eval.Allowed, st.Condition)
		if st.Condition != nil && st.Condition.IsOpen() {
			k.decision = decIf
			s.note = "if " + clean(st.Condition.String())
		}
	}
	k.expandable, k.loaded = true, true
	k.setChildren(kids)
	return k
}
