package tui

import (
	"fmt"
	"strings"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/model"
)

// The information documents describe what needs no engine: a principal as the account holds
// it, a service, a resource. They are built in Update from the account, never in View.

func (m *Model) showPrincipalInfo(it *principalItem) {
	if m.explain.pinned {
		return // a pinned answer stays while the list moves
	}
	m.explain.showInfo(it.kind.String()+" "+it.name, func(d *document) { principalInfo(d, m.ctx, it) })
	m.explain.principal = it
}

func principalInfo(d *document, c *programContext, it *principalItem) {
	d.add(lsHeading, 0, it.kind.String()+" "+it.name)
	d.add(lsDim, 0, clean(it.arn))
	if w := it.badges.words(); len(w) > 0 {
		d.add(lsPlain, 0, "badges: "+strings.Join(w, ", "))
	}
	var ent model.Entity
	var acct *model.Account
	for _, a := range c.accounts {
		if e, ok := a.Entity(it.arn); ok {
			ent, acct = e, a
			break
		}
	}
	if acct == nil {
		return
	}
	// The what-ifs in force show on the policies they remove.
	whatIf := func(removed bool, why string) (lineStyle, string) {
		if removed {
			return lsIf, "  − " + why + " (what-if)"
		}
		return lsPlain, ""
	}
	policies := func(ownerARN string, attached []string, inline []model.InlinePolicy, owner string, left bool) {
		for _, p := range attached {
			name := p
			if mp, ok := acct.Policy(p); ok {
				name = mp.Name
			}
			st, note := whatIf(left || inForce(c, eval.DetachPolicy{Entity: ownerARN, Policy: p}), map[bool]string{true: "left the group", false: "detached"}[left])
			d.add(st, 1, "managed "+clean(name)+owner+note)
		}
		for _, ip := range inline {
			st, note := whatIf(left || inForce(c, eval.DetachPolicy{Entity: ownerARN, Policy: ip.Name}), map[bool]string{true: "left the group", false: "detached"}[left])
			d.add(st, 1, "inline "+clean(ip.Name)+owner+note)
		}
		for _, ch := range c.changes {
			if dn, ok := ch.(eval.AddDeny); ok && dn.Entity == ownerARN && owner == "" {
				d.add(lsIf, 1, "+ deny "+clean(denySummary(dn.Statement))+" (what-if)")
			}
		}
	}
	tags := func(ts []model.Tag) {
		if len(ts) == 0 {
			return
		}
		d.add(lsHeading, 0, "Tags")
		for _, t := range ts {
			d.add(lsPlain, 1, clean(t.Key)+" = "+clean(t.Value))
		}
	}
	switch ent.Kind {
	case model.EntityUser:
		u := ent.User
		d.add(lsHeading, 0, "Policies")
		policies(u.ARN, u.AttachedPolicies, u.InlinePolicies, "", false)
		for _, gn := range u.Groups {
			if g, ok := acct.Group(gn); ok {
				policies(g.ARN, g.AttachedPolicies, g.InlinePolicies, " (group "+clean(gn)+")", inForce(c, eval.RemoveFromGroup{User: u.ARN, Group: gn}))
			}
		}
		if u.Boundary != "" {
			d.add(lsPlain, 1, "permission boundary "+clean(u.Boundary))
		}
		if len(u.Groups) > 0 {
			d.add(lsPlain, 0, "groups: "+clean(strings.Join(u.Groups, ", ")))
		}
		if u.PasswordLastUsed != nil {
			d.add(lsDim, 0, "password last used "+u.PasswordLastUsed.UTC().Format("2006-01-02"))
		}
		for _, k := range u.AccessKeys {
			used := "never used"
			if k.LastUsed != nil {
				used = "last used " + k.LastUsed.UTC().Format("2006-01-02")
			}
			d.add(lsDim, 0, "access key "+clean(k.ID)+" "+clean(k.Status)+", "+used)
		}
		tags(u.Tags)
	case model.EntityGroup:
		g := ent.Group
		d.add(lsHeading, 0, "Policies")
		policies(g.ARN, g.AttachedPolicies, g.InlinePolicies, "", false)
		d.add(lsHeading, 0, fmt.Sprintf("Members (%d)", len(g.Members)))
		for _, u := range g.Members {
			d.add(lsPlain, 1, clean(u.Name))
		}
	case model.EntityRole:
		r := ent.Role
		d.add(lsHeading, 0, "Policies")
		policies(r.ARN, r.AttachedPolicies, r.InlinePolicies, "", false)
		if r.Boundary != "" {
			d.add(lsPlain, 1, "permission boundary "+clean(r.Boundary))
		}
		if r.LastUsed != nil {
			d.add(lsDim, 0, "last used "+r.LastUsed.UTC().Format("2006-01-02")+" "+clean(r.LastUsedRegion))
		} else {
			d.add(lsDim, 0, "never used (or not known)")
		}
		if r.TrustPolicy != nil {
			d.add(lsHeading, 0, "Trust policy")
			for _, l := range prettyJSON(string(r.TrustPolicy.Document)) {
				d.add(lsJSON, 1, l)
			}
			d.statements = append(d.statements, string(r.TrustPolicy.Document))
		}
		tags(r.Tags)
	}
	d.add(lsPlain, 0, "")
	d.add(lsDim, 0, "Open a service in the tree to decide its actions; select an action or resource to see why.")
}

func nodeInfoTitle(n *node) string {
	switch n.kind {
	case nkService:
		return "service " + n.label
	case nkPrincipal, nkGroup:
		return n.label
	}
	return strings.TrimSpace(n.label)
}

// nodeInfo describes a node that is not a request: a service, a member, a heading.
func nodeInfo(d *document, c *programContext, n *node) {
	if changeInfo(d, n) {
		return
	}
	switch n.kind {
	case nkEscalation:
		e, ok := n.data.(eval.Escalation)
		if !ok {
			break
		}
		d.add(lsHeading, 0, clean(e.Path.ID)+": "+clean(e.Path.Name))
		d.add(lsPlain, 0, "gains "+n.note)
		d.add(lsPlain, 0, clean(e.Path.Description))
		if len(e.Via) > 0 {
			d.add(lsHeading, 0, "Through the role chain")
			d.add(lsPlain, 1, chainText(e.Via))
		}
		d.add(lsHeading, 0, "Steps (open one to see why it is allowed)")
		for _, st := range e.Steps {
			line := clean(st.Action) + " on " + clean(st.Resource)
			if st.Condition != nil && st.Condition.IsOpen() {
				line += " if " + clean(st.Condition.String())
			}
			d.add(lsPlain, 1, line)
		}
		return
	case nkService:
		d.add(lsHeading, 0, "service "+n.label)
		if cs, ok := catalog.LookupService(n.service); ok {
			d.add(lsPlain, 0, clean(cs.Name)+fmt.Sprintf(": %d actions in the catalog", len(cs.Actions)))
		}
		if n.loaded {
			d.add(lsPlain, 0, n.note)
		} else {
			d.add(lsDim, 0, "Not decided yet: open it (→ or space) to decide its actions.")
		}
	default:
		d.add(lsHeading, 0, n.label)
		if n.note != "" {
			d.add(lsPlain, 0, n.note)
		}
		if n.copyText != "" {
			d.add(lsDim, 0, clean(n.copyText))
		}
		for _, h := range n.via {
			d.add(lsPlain, 1, clean(shortName(h.From))+" → "+clean(shortName(h.To))+" ("+clean(h.Action)+")")
		}
	}
}
