package tui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/model"
)

// resourceItem is a known resource in the resources list: one with a policy of its own (a
// bucket, key, queue, secret, function, ...) or a role (its trust policy).
type resourceItem struct {
	arn     string
	label   string // clean: "s3 tidewater-payroll", "role ops/tw-sre-jump"
	service string
	policy  *model.Policy
	account string
	alias   string   // the account's, clean
	acct    []string // accountWords of the account
}

func (r *resourceItem) filterValue() string    { return r.label }
func (r *resourceItem) accountWords() []string { return r.acct }
func (r *resourceItem) rev() int               { return 0 }

// resourceItems lists the resources with policies, then the roles, of every account.
func resourceItems(accounts []*model.Account) []listItem {
	var withPolicy, roles []*resourceItem
	for _, a := range accounts {
		for _, rp := range a.ResourcePolicies {
			label := rp.Service + " " + strings.TrimPrefix(resourceName(rp.ResourceARN), rp.Service+":")
			withPolicy = append(withPolicy, &resourceItem{arn: rp.ResourceARN, label: clean(label), service: rp.Service, policy: rp.Document, account: a.ID})
		}
		for _, r := range a.Roles {
			roles = append(roles, &resourceItem{arn: r.ARN, label: clean("role " + roleName(r.ARN)), service: "iam", policy: r.TrustPolicy, account: a.ID})
		}
	}
	sort.SliceStable(withPolicy, func(i, j int) bool { return withPolicy[i].label < withPolicy[j].label })
	out := make([]listItem, 0, len(withPolicy)+len(roles))
	byID := accountsByID(accounts)
	for _, r := range append(withPolicy, roles...) {
		if a := byID[r.account]; a != nil {
			r.alias = clean(a.Alias)
		}
		r.acct = accountWords(r.account, byID[r.account])
		out = append(out, r)
	}
	return out
}

// resourceName is the resource part of an ARN: "tidewater-payroll", "key/6f1c…".
func resourceName(arn string) string {
	if a, err := model.ParseARN(arn); err == nil {
		return a.Resource
	}
	return arn
}

func (m *Model) renderResource(it listItem, w int, selected, focused bool) string {
	r := it.(*resourceItem)
	s := m.ctx.styles
	label := r.label
	// A resource of an account other than the first says which (issue 16).
	if main := m.ctx.mainAccount(); main != nil && r.account != main.ID {
		label += " @" + accountName(r.account, r.alias)
	}
	if selected {
		st := s.rowSelectedBlurred
		if focused {
			st = s.rowSelected
		}
		return st.Render(fit(" "+label, w))
	}
	svc, rest, _ := strings.Cut(label, " ")
	return fit(" "+s.dim.Render(svc)+" "+rest, w)
}

func resourceInfo(d *document, c *programContext, it *resourceItem) {
	d.add(lsHeading, 0, it.label)
	d.add(lsDim, 0, clean(it.arn))
	if it.policy == nil {
		d.add(lsPlain, 0, "no policy")
		return
	}
	what := "Resource policy"
	if it.service == "iam" {
		what = "Trust policy"
	}
	d.add(lsHeading, 0, what)
	for _, l := range prettyJSON(string(it.policy.Document)) {
		d.add(lsJSON, 1, l)
	}
	d.statements = append(d.statements, string(it.policy.Document))
	d.add(lsPlain, 0, "")
	d.add(lsDim, 0, "Open an action in the tree to see who can do it, and through which roles.")
}

// reverseSource builds the reverse tree: a resource -> the actions its policy names -> who
// can do each, directly or through role chains.
type reverseSource struct{}

// whoAction is an action to ask who-can about, on the resource it applies to (a bucket's
// object actions apply to its objects, bucket/*).
type whoAction struct {
	action, resource string
	level            catalog.AccessLevel
}

// mostActions caps the actions listed for one resource.
const mostActions = 400

func (reverseSource) root(it *resourceItem) *node {
	return &node{kind: nkResourceRoot, key: it.arn, label: it.label, copyText: it.arn, expandable: true, data: it, account: it.account}
}

func (reverseSource) fetch(c *programContext, n *node) job {
	eng, extra, mode := c.engine, c.extra, c.mode()
	switch n.kind {
	case nkResourceRoot:
		it, _ := n.data.(*resourceItem)
		if it == nil {
			return nil
		}
		return plain(func() (any, error) { return resourceActions(it), nil })
	case nkWhoAction:
		action, resource := n.service, n.req.resource
		// The rows of the parties are made off the event loop too (thousands on a dense
		// account), under a copy of the node that names what they need of it.
		under := &node{kind: n.kind, key: n.key, req: n.req, account: n.homeAccount()}
		names := &programContext{accounts: c.accounts}
		return plain(func() (any, error) {
			grantees := eng.WhoCan(action, resource, extra, mode)
			return whoData{grantees: grantees, rows: granteeNodes(names, under, grantees)}, nil
		})
	}
	return nil
}

// resourceActions lists the actions a resource's policy names, that apply to it.
func resourceActions(it *resourceItem) []whoAction {
	seen := map[string]bool{}
	var out []whoAction
	add := func(a *catalog.Action, resource string) {
		if !seen[a.FullName()] && len(out) < mostActions {
			seen[a.FullName()] = true
			out = append(out, whoAction{action: a.FullName(), resource: resource, level: a.AccessLevel})
		}
	}
	if it.service == "iam" {
		if a, ok := catalog.LookupAction(eval.AssumeAction); ok {
			add(a, it.arn)
		}
	}
	if it.policy == nil {
		return out
	}
	objects := it.arn + "/*"
	// The actions of every statement: an Allow grants them, a Deny takes them from some
	// callers, and either way the question "who can" is worth asking.
	for _, s := range it.policy.Statements {
		if s.NotAction {
			continue
		}
		for _, pattern := range s.Actions {
			for _, a := range catalog.Expand(pattern) {
				switch {
				case it.service == "iam" && a.Service == "sts":
					add(a, it.arn)
				case a.Service != it.service:
				case len(catalog.ResourceTypesForAction(a, it.arn)) > 0:
					add(a, it.arn)
				case it.service == "s3" && len(catalog.ResourceTypesForAction(a, objects)) > 0:
					add(a, objects)
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].action < out[j].action })
	return out
}

func (reverseSource) build(c *programContext, n *node) {
	switch n.kind {
	case nkResourceRoot:
		actions, _ := n.data.([]whoAction)
		var kids []*node
		for _, a := range actions {
			k := newChild(n, nkWhoAction, a.action)
			k.service = a.action // the action asked about
			k.level = levelShort(a.level)
			k.req = request{action: a.action, resource: a.resource}
			k.expandable = true
			k.copyText = a.action
			if a.resource != strings.TrimSuffix(a.resource, "/*") {
				k.note = "on objects (/*)"
			}
			kids = append(kids, k)
		}
		if len(kids) == 0 {
			kids = append(kids, newChild(n, nkNote, "its policy names no action that applies to it"))
		}
		n.setChildren(kids)
	case nkWhoAction:
		d, _ := n.data.(whoData)
		grantees := d.grantees
		kids := d.rows
		if len(kids) == 0 {
			kids = append(kids, newChild(n, nkNote, "nobody"))
		}
		n.note = fmt.Sprintf("%d can", len(grantees))
		if strings.HasSuffix(n.req.resource, "/*") {
			n.note += " · on objects (/*)"
		}
		n.setChildren(kids)
	}
}

// whoData is who can do a resource's action, and the rows that show them.
type whoData struct {
	grantees []eval.Grantee
	rows     []*node
}

// granteeNodes makes the nodes of the parties that can do parent's action. It reads of
// parent only its key, request and account, and of c only the loaded accounts: it runs off the
// event loop, under a copy of the node and of the accounts.
func granteeNodes(c *programContext, parent *node, grantees []eval.Grantee) []*node {
	out := make([]*node, 0, len(grantees))
	for _, g := range grantees {
		out = append(out, granteeNode(c, parent, g))
	}
	return out
}

// granteeNode makes the node of a party that can do the action, with its hops; a principal of
// an account other than the resource's is named with its account.
func granteeNode(c *programContext, parent *node, g eval.Grantee) *node {
	label := string(g.Kind) + " " + clean(g.ARN)
	if g.Principal != nil {
		label = string(g.Kind) + " " + clean(shortPrincipal(g.Principal)) + c.otherAccount(g.ARN, parent.homeAccount())
	}
	if g.Kind == eval.GranteeAnyone {
		label = "anyone (*)"
	}
	k := newChild(parent, nkGrantee, label)
	k.key = parent.key + "/" + g.ARN + "/" + chainText(g.Via)
	k.decision = decisionOf(g.Decision, g.Condition)
	k.copyText = g.ARN
	k.via = g.Via
	// The party's answer, as who-can lists it and can gives it: its own, or through its chain.
	k.req = request{principal: g.ARN, action: parent.req.action, resource: parent.req.resource, party: true}
	if g.Principal != nil {
		k.principal = g.ARN
	}
	var notes []string
	if len(g.Via) > 0 {
		notes = append(notes, "via "+chainText(g.Via))
	}
	if g.Note != "" {
		notes = append(notes, clean(g.Note))
	}
	k.note = strings.Join(notes, " · ")
	var kids []*node
	for _, h := range g.Via {
		kids = append(kids, hopNode(c, k, h))
	}
	if g.Condition != nil && g.Condition.IsOpen() {
		c := newChild(k, nkNote, "if "+clean(g.Condition.String()))
		c.req = k.req
		kids = append(kids, c)
	}
	k.expandable, k.loaded = len(kids) > 0, true
	k.setChildren(kids)
	return k
}

// hopNode makes the node of one sts:AssumeRole hop, explained as that request; each end in an
// account other than the tree's subject's is named with its account.
func hopNode(c *programContext, parent *node, h eval.Hop) *node {
	home := parent.homeAccount()
	k := newChild(parent, nkHop, clean(shortName(h.From))+c.otherAccount(h.From, home)+" → "+clean(roleName(h.To))+c.otherAccount(h.To, home))
	k.req = request{principal: h.From, action: h.Action, resource: h.To}
	k.decision = decisionOf(eval.Allowed, h.Condition)
	k.copyText = h.To
	k.note = clean(h.Action)
	if h.Condition != nil && h.Condition.IsOpen() {
		c := newChild(k, nkNote, "if "+clean(h.Condition.String()))
		c.req = k.req
		k.expandable, k.loaded = true, true
		k.setChildren([]*node{c})
	}
	return k
}

// shortPrincipal names a principal for a row: its name with path.
func shortPrincipal(p *eval.Principal) string {
	if p.Entity.Kind == model.EntityRole {
		return roleName(p.ARN)
	}
	return p.Entity.Name()
}
