package eval

import (
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/model"
)

// AccountDiff is what changed in effective access between two states of the same accounts:
// principals added and removed, each principal's access gained and lost, administrator status,
// escalation paths and role assumptions, the outside parties trust and resource policies admit,
// and the policy changes that caused them.
type AccountDiff struct {
	Added   []string `json:"added"`   // principal ARNs only after
	Removed []string `json:"removed"` // principal ARNs only before
	// Principals lists, by ARN, the principals on both sides whose effective access changed.
	Principals []PrincipalDiff `json:"principals"`
	// Outside lists the parties outside a resource's account newly admitted or no longer
	// admitted by its trust or resource policy.
	Outside []OutsideChange `json:"outside"`
	// Policies lists every policy change; the Causes of the other entries index it.
	Policies []PolicyChange `json:"policies"`
	// Recomputed is how many principals were decided again on both sides.
	Recomputed int `json:"recomputed"`
}

// Empty reports whether nothing changed.
func (d *AccountDiff) Empty() bool {
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Principals) == 0 && len(d.Outside) == 0 && len(d.Policies) == 0
}

// PrincipalDiff is what changed for one principal.
type PrincipalDiff struct {
	ARN    string         `json:"arn"`
	Gained []AccessChange `json:"gained"`
	Lost   []AccessChange `json:"lost"`
	// Admin is "gained" or "lost" when administrator status (effective * on *) changed.
	Admin       string       `json:"admin,omitempty"`
	PathsOpened []PathChange `json:"pathsOpened"`
	PathsClosed []PathChange `json:"pathsClosed"`
	// HopsAdded and HopsRemoved are the roles the principal may assume in one hop (access
	// lists leave taking on a loaded role to them).
	HopsAdded   []HopChange `json:"hopsAdded"`
	HopsRemoved []HopChange `json:"hopsRemoved"`
	// Causes index AccountDiff.Policies: the changes that touch the principal (its own
	// policies, its groups, its boundary, its SCPs, resource policies naming it, the roles its
	// chains cross and the principals its escalation steps act on).
	Causes []int `json:"causes"`
}

// AccessChange is one action on one resource pattern allowed on one side and not the other,
// or allowed on both under different conditions.
type AccessChange struct {
	Service  string              `json:"service"`
	Level    catalog.AccessLevel `json:"level"`
	Action   string              `json:"action"`
	Resource string              `json:"resource"`
	Before   AccessSide          `json:"before"`
	After    AccessSide          `json:"after"`
}

// AccessSide is the decision on one side: Allowed (with the formula when "allowed if"), or the
// engine's decision for the pattern when what-can does not list it.
type AccessSide struct {
	Decision  Decision `json:"decision"`
	AllowedIf string   `json:"allowedIf,omitempty"`
	Except    []string `json:"except,omitempty"`
}

// PathChange is an escalation path opened or closed.
type PathChange struct {
	ID       string                     `json:"id"`
	Name     string                     `json:"name"`
	Category catalog.EscalationCategory `json:"category"`
	To       string                     `json:"to"`
	Via      []string                   `json:"via,omitempty"` // the roles of the chain
}

// HopChange is a role assumption gained or lost.
type HopChange struct {
	To        string `json:"to"`
	Action    string `json:"action"`
	AllowedIf string `json:"allowedIf,omitempty"`
}

// OutsideChange is a party outside a resource's account that its policy now admits, or no
// longer admits: another account, "*", a service or a federated provider.
type OutsideChange struct {
	Resource string      `json:"resource"`
	Party    string      `json:"party"`
	Kind     GranteeKind `json:"kind"`
	Change   string      `json:"change"` // "admitted" or "no longer admitted"
	Causes   []int       `json:"causes"`
}

// DiffOptions says how Diff decides.
type DiffOptions struct {
	Context *Context
	Mode    Mode
	// Full decides every principal on both sides, each one's paths by PathsIn on each side;
	// otherwise only those a policy change can touch are decided again, the rest are known
	// unchanged, and the paths a settled role takes itself are found once for both sides
	// (chainPathDiff).
	Full bool
}

// Diff compares two states of the same accounts. Without opt.Full it decides again only the
// principals whose own policies, groups, boundary or SCPs changed, those a changed resource
// policy names, those whose role chains reach a changed role (a role whose trust or
// permissions changed) on either side, and those whose escalation steps could act on a
// changed principal; everyone else is known unchanged.
func Diff(before, after *Engine, opt DiffOptions) *AccountDiff {
	d := &AccountDiff{Added: []string{}, Removed: []string{}, Principals: []PrincipalDiff{}, Outside: []OutsideChange{}}
	d.Policies = PolicyDiff(sortedAccounts(before), sortedAccounts(after))
	if d.Policies == nil {
		d.Policies = []PolicyChange{}
	}
	for _, p := range after.order {
		if _, ok := before.principals[p.ARN]; !ok {
			d.Added = append(d.Added, p.ARN)
		}
	}
	for _, p := range before.order {
		if _, ok := after.principals[p.ARN]; !ok {
			d.Removed = append(d.Removed, p.ARN)
		}
	}
	causes, needs, moved := attribute(before, after, d.Policies, opt)
	run := &diffRun{before: before, after: after, opt: opt, moved: moved, own: map[string]bool{}}
	var arns []string
	if opt.Full {
		for _, p := range after.order {
			if _, ok := before.principals[p.ARN]; ok {
				arns = append(arns, p.ARN)
			}
		}
	} else {
		for arn := range causes {
			_, inB := before.principals[arn]
			_, inA := after.principals[arn]
			if inB && inA {
				arns = append(arns, arn)
			}
		}
		sort.Strings(arns)
	}
	d.Recomputed = len(arns)
	results := make([]*PrincipalDiff, len(arns))
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				n := needAll
				if !opt.Full {
					n = needs[arns[i]]
				}
				results[i] = run.principalDiff(arns[i], n)
			}
		})
	}
	for i := range arns {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, r := range results {
		if r != nil {
			r.Causes = causeList(causes[r.ARN])
			d.Principals = append(d.Principals, *r)
		}
	}
	d.Outside = outsideDiff(before, after, d.Policies, opt.Full)
	return d
}

// sortedAccounts returns an engine's accounts by id.
func sortedAccounts(e *Engine) []*model.Account {
	out := make([]*model.Account, 0, len(e.accounts))
	for _, a := range e.accounts {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func causeList(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for i := range m {
		out = append(out, i)
	}
	sort.Ints(out)
	return out
}

// diffRun is what the principals' diffs of one Diff share: the two sides, how they are
// decided, the principals that may take other paths themselves (moved, from attribute), and
// whether each of those does (own, by ARN), decided once.
type diffRun struct {
	before, after *Engine
	opt           DiffOptions
	moved         map[string]bool
	mu            sync.Mutex
	own           map[string]bool
}

// settled reports whether the principal takes the same paths itself on both sides, and is
// worth as much: its own policies, hops and targets did not change.
func (r *diffRun) settled(arn string) bool { return !r.moved[arn] }

// ownDiffers reports whether a role takes other paths itself on the two sides (rb, ra).
func (r *diffRun) ownDiffers(rb, ra *Principal) bool {
	r.mu.Lock()
	d, ok := r.own[rb.ARN]
	r.mu.Unlock()
	if ok {
		return d
	}
	o, c := pathDiff(r.before.graph(r.opt.Context, r.opt.Mode).directPaths(rb), r.after.graph(r.opt.Context, r.opt.Mode).directPaths(ra))
	d = len(o)+len(c) > 0
	r.mu.Lock()
	r.own[rb.ARN] = d
	r.mu.Unlock()
	return d
}

// principalDiff decides again the parts of one principal's answer that n names, on both
// sides; nil when nothing changed.
func (r *diffRun) principalDiff(arn string, n need) *PrincipalDiff {
	before, after, opt := r.before, r.after, r.opt
	pb, pa := before.principals[arn], after.principals[arn]
	d := &PrincipalDiff{ARN: arn, Gained: []AccessChange{}, Lost: []AccessChange{}, PathsOpened: []PathChange{},
		PathsClosed: []PathChange{}, HopsAdded: []HopChange{}, HopsRemoved: []HopChange{}}
	if n&needAccess != 0 {
		d.Gained, d.Lost = accessDiff(before, after, pb, pa, opt)
		switch ab, aa := before.IsAdmin(pb), after.IsAdmin(pa); {
		case aa && !ab:
			d.Admin = "gained"
		case ab && !aa:
			d.Admin = "lost"
		}
	}
	if n&needPaths != 0 {
		if opt.Full {
			d.PathsOpened, d.PathsClosed = pathDiff(before.PathsIn(pb, opt.Context, opt.Mode), after.PathsIn(pa, opt.Context, opt.Mode))
		} else {
			d.PathsOpened, d.PathsClosed = r.chainPathDiff(pb, pa)
		}
	}
	if n&(needHops|needAccess) != 0 {
		d.HopsAdded, d.HopsRemoved = hopDiff(before.assumable(pb, opt.Context, opt.Mode).all(), after.assumable(pa, opt.Context, opt.Mode).all())
	}
	if len(d.Gained)+len(d.Lost)+len(d.PathsOpened)+len(d.PathsClosed)+len(d.HopsAdded)+len(d.HopsRemoved) == 0 && d.Admin == "" {
		return nil
	}
	return d
}

// chainPathDiff compares p's escalation paths on both sides, deciding the paths a role takes
// itself once for both where it takes the same on each side (a settled one does): each side's
// paths are p's own, then through each role its chains reach, as PathsIn finds them
// (chainPaths), and the two are compared as pathDiff compares them. Where p takes the same
// paths itself on both sides and reaches the same roles by the same chains, each taking the
// same paths itself, the paths through its chains differ only in taking on a role (sts-001),
// a path where the role is worth more than p: those are told apart by the roles' worth alone
// (worthDiff).
func (r *diffRun) chainPathDiff(pb, pa *Principal) (opened, closed []PathChange) {
	before, after, opt := r.before, r.after, r.opt
	gb, ga := before.graph(opt.Context, opt.Mode), after.graph(opt.Context, opt.Mode)
	db, da := gb.directPaths(pb), []Escalation(nil)
	if r.settled(pb.ARN) {
		da = db // p takes the same paths itself: only its chains changed
	} else {
		da = ga.directPaths(pa)
	}
	nb, na := before.reach(pb, opt.Context, opt.Mode), after.reach(pa, opt.Context, opt.Mode)
	if opened, closed, ok := r.worthDiff(pb, pa, db, da, nb, na); ok {
		return opened, closed
	}
	ownPaths := func(e *Engine, g *assumeGraph) func(role *Principal) []Escalation {
		return func(role *Principal) []Escalation {
			rb, ok := before.principals[role.ARN]
			ra, okA := after.principals[role.ARN]
			if !ok || !okA {
				return g.directPaths(role)
			}
			if !r.settled(role.ARN) && r.ownDiffers(rb, ra) {
				return g.directPaths(role)
			}
			return gb.directPaths(rb)
		}
	}
	return pathDiff(chainPaths(gb, pb, db, nb, ownPaths(before, gb)), chainPaths(ga, pa, da, na, ownPaths(after, ga)))
}

// worthDiff is chainPathDiff where p takes the same paths itself on both sides (db, da) and
// its walks (nb, na) reach the same roles by the same chains, each of them taking the same
// paths itself (a settled role's are not decided): the paths opened and closed are those of
// taking on a role now worth more than p, or no longer. ok is false where that does not hold.
func (r *diffRun) worthDiff(pb, pa *Principal, db, da []Escalation, nb, na []reachNode) (opened, closed []PathChange, ok bool) {
	before, after := r.before, r.after
	if len(nb) != len(na) {
		return nil, nil, false
	}
	if o, c := pathDiff(db, da); len(o)+len(c) > 0 {
		return nil, nil, false
	}
	for i := range nb {
		if nb[i].p.ARN != na[i].p.ARN || nb[i].parent != na[i].parent {
			return nil, nil, false
		}
	}
	opened, closed = []PathChange{}, []PathChange{}
	sts := stsPath()
	for i := 1; i < len(nb); i++ {
		rb, ra := nb[i].p, na[i].p
		if !r.settled(rb.ARN) && r.ownDiffers(rb, ra) {
			return nil, nil, false
		}
		wb, wa := before.worthMore(rb, pb), after.worthMore(ra, pa)
		if wb == wa {
			continue
		}
		c := PathChange{ID: sts.ID, Name: sts.Name, Category: sts.Category, To: rb.ARN}
		for _, h := range chainTo(nb, nb[i].parent) {
			c.Via = append(c.Via, h.To)
		}
		if wa {
			opened = append(opened, c)
		} else {
			closed = append(closed, c)
		}
	}
	return opened, closed, true
}

// chainPaths is what PathsIn finds for p in the graph g, from the paths p takes itself
// (direct), the walk of its role chains (nodes, from reach) and the paths each role it reaches
// takes itself (paths): the summary PathsIn expands, found from those parts (pathWalker.gather).
func chainPaths(g *assumeGraph, p *Principal, direct []Escalation, nodes []reachNode, paths func(r *Principal) []Escalation) []Escalation {
	s := PathSummary{From: p, Own: direct, g: g, paths: paths}
	w := &pathWalker{e: g.e, g: g}
	w.gather(&s, nodes, gainedOnce(p), false)
	return s.Expand()
}

// powerSource is a principal of an engine whose power another principal shares.
type powerSource struct {
	e *Engine
	p *Principal
}

// sharePowerLater makes the later side's principal read its power (what it can do, as
// escalation weighs it), when first asked, from the earlier side's (pb of before): for a
// principal whose own policies, groups, boundary and SCPs did not change, that no changed
// resource policy or trust names. A settled principal (diffRun.settled) is one.
func sharePowerLater(before *Engine, pb, pa *Principal) {
	pa.powerFrom.Store(&powerSource{before, pb})
}

// accessEntry is one action on one resource pattern of a what-can answer.
type accessEntry struct {
	access *Access
	res    ResourceAccess
}

// accessMap indexes a what-can answer by action and resource. Taking on a loaded role (sts
// actions on a known role) is left out: hops report it.
func accessMap(e *Engine, acc []Access) (map[string]accessEntry, []string) {
	m := map[string]accessEntry{}
	var keys []string
	for i := range acc {
		for _, r := range acc[i].Resources {
			if _, role := e.principals[r.Resource]; role && r.Known && acc[i].Service == "sts" {
				continue
			}
			k := acc[i].Action + "\x00" + r.Resource
			if _, ok := m[k]; !ok {
				keys = append(keys, k)
			}
			m[k] = accessEntry{&acc[i], r}
		}
	}
	return m, keys
}

func sideOf(r ResourceAccess) AccessSide {
	s := AccessSide{Decision: Allowed, Except: r.Except}
	if r.Condition != nil && r.Condition.IsOpen() {
		s.AllowedIf = r.Condition.String()
	}
	return s
}

// absentSide is the decision on the side where what-can does not list the action on the
// pattern: the engine's decision for the pattern taken as the resource, as can gives it. It may
// be allowed: a wider pattern listed on that side covers this one.
func absentSide(e *Engine, p *Principal, action, resource string, opt DiffOptions) AccessSide {
	res, err := e.Can(p, action, resource, opt.Context, Options{Mode: opt.Mode})
	if err != nil {
		return AccessSide{Decision: ImplicitlyDenied}
	}
	s := AccessSide{Decision: res.Decision}
	if res.Decision == Allowed && res.Condition != nil && res.Condition.IsOpen() {
		s.AllowedIf = res.Condition.String()
	}
	return s
}

// classify files a change whose sides differ as gained or lost: gained when the after side is
// allowed and the before side is not, or is the wider of two allowed sides. It reports false
// for sides that do not differ.
func classify(c AccessChange, gained, lost *[]AccessChange) bool {
	switch {
	case sameSide(c.Before, c.After):
		return false
	case c.After.Decision == Allowed && c.Before.Decision != Allowed:
		*gained = append(*gained, c)
	case c.Before.Decision == Allowed && c.After.Decision != Allowed:
		*lost = append(*lost, c)
	case wider(c.After, c.Before):
		*gained = append(*gained, c)
	default:
		*lost = append(*lost, c)
	}
	return true
}

// accessDiff compares what p can do (its own access, as WhatCan answers) on both sides. An
// action on a pattern listed on one side only is decided on the other as can decides it (a
// wider pattern may cover it there): a change only where the two sides differ. One listed on
// both with different conditions or carve-outs is gained when the after side is the wider (no
// longer conditional, or fewer carve-outs), lost otherwise.
func accessDiff(before, after *Engine, pb, pa *Principal, opt DiffOptions) (gained, lost []AccessChange) {
	mb, kb := accessMap(before, before.WhatCan(pb, opt.Context, opt.Mode))
	ma, ka := accessMap(after, after.WhatCan(pa, opt.Context, opt.Mode))
	gained, lost = []AccessChange{}, []AccessChange{}
	change := func(e accessEntry) AccessChange {
		return AccessChange{Service: e.access.Service, Level: e.access.Level, Action: e.access.Action, Resource: e.res.Resource}
	}
	for _, k := range ka {
		a := ma[k]
		c := change(a)
		c.After = sideOf(a.res)
		if b, ok := mb[k]; ok {
			c.Before = sideOf(b.res)
		} else {
			c.Before = absentSide(before, pb, c.Action, c.Resource, opt)
		}
		classify(c, &gained, &lost)
	}
	for _, k := range kb {
		if _, ok := ma[k]; ok {
			continue
		}
		b := mb[k]
		c := change(b)
		c.Before = sideOf(b.res)
		c.After = absentSide(after, pa, c.Action, c.Resource, opt)
		classify(c, &gained, &lost)
	}
	return gained, lost
}

func sameSide(a, b AccessSide) bool {
	return a.Decision == b.Decision && a.AllowedIf == b.AllowedIf && strings.Join(a.Except, "\x00") == strings.Join(b.Except, "\x00")
}

// wider reports whether side a allows more than b: unconditional where b is conditional, or
// with fewer carve-outs that hold outright (a carve-out "only if" a condition holds is
// narrower than one that always does), or fewer carve-outs at all.
func wider(a, b AccessSide) bool {
	if (a.AllowedIf == "") != (b.AllowedIf == "") {
		return a.AllowedIf == ""
	}
	if ha, hb := hardCarveOuts(a.Except), hardCarveOuts(b.Except); ha != hb {
		return ha < hb
	}
	return len(a.Except) < len(b.Except)
}

// hardCarveOuts counts the carve-outs that hold whatever the request: those with no " if ".
func hardCarveOuts(except []string) int {
	n := 0
	for _, x := range except {
		if !strings.Contains(x, " if ") {
			n++
		}
	}
	return n
}

func pathKey(esc Escalation) string {
	var b strings.Builder
	b.WriteString(esc.Path.ID + "\x00" + esc.Target)
	for _, h := range esc.Via {
		b.WriteString("\x00" + h.To)
	}
	return b.String()
}

func pathChange(esc Escalation) PathChange {
	c := PathChange{ID: esc.Path.ID, Name: esc.Path.Name, Category: esc.Path.Category, To: esc.Target}
	for _, h := range esc.Via {
		c.Via = append(c.Via, h.To)
	}
	return c
}

// pathDiff compares escalation paths by catalogue id, target and chain.
func pathDiff(before, after []Escalation) (opened, closed []PathChange) {
	opened, closed = []PathChange{}, []PathChange{}
	kb, ka := map[string]bool{}, map[string]bool{}
	for _, esc := range before {
		kb[pathKey(esc)] = true
	}
	for _, esc := range after {
		ka[pathKey(esc)] = true
		if !kb[pathKey(esc)] {
			opened = append(opened, pathChange(esc))
		}
	}
	for _, esc := range before {
		if !ka[pathKey(esc)] {
			closed = append(closed, pathChange(esc))
		}
	}
	return opened, closed
}

// hopDiff compares the roles assumed in one hop, with the hop's condition.
func hopDiff(before, after []edge) (added, removed []HopChange) {
	one := func(es []edge) []HopChange {
		out := make([]HopChange, 0, len(es))
		for _, e := range es {
			h := HopChange{To: e.role.ARN, Action: AssumeAction}
			if e.cond != nil && e.cond.IsOpen() {
				h.AllowedIf = e.cond.String()
			}
			out = append(out, h)
		}
		return out
	}
	hb, ha := one(before), one(after)
	set := func(hs []HopChange) map[HopChange]bool {
		m := make(map[HopChange]bool, len(hs))
		for _, h := range hs {
			m[h] = true
		}
		return m
	}
	sb, sa := set(hb), set(ha)
	added, removed = []HopChange{}, []HopChange{}
	for _, h := range ha {
		if !sb[h] {
			added = append(added, h)
		}
	}
	for _, h := range hb {
		if !sa[h] {
			removed = append(removed, h)
		}
	}
	return added, removed
}

// outsideDiff compares, resource by resource, the outside parties each trust or resource
// policy names in an Allow statement: parties of other accounts than the resource's, "*",
// services and federated providers. Only resources a policy change names are compared, or
// every resource when full.
func outsideDiff(before, after *Engine, changes []PolicyChange, full bool) []OutsideChange {
	touched := map[string][]int{}
	for i, c := range changes {
		if c.Kind == ChangeTrust || c.Kind == ChangeResourcePolicy {
			touched[c.Entity] = append(touched[c.Entity], i)
		}
	}
	var arns []string
	if full {
		seen := map[string]bool{}
		for _, e := range []*Engine{before, after} {
			for arn := range e.resources {
				if !seen[arn] {
					seen[arn] = true
					arns = append(arns, arn)
				}
			}
		}
	} else {
		for arn := range touched {
			arns = append(arns, arn)
		}
	}
	sort.Strings(arns)
	out := []OutsideChange{}
	for _, arn := range arns {
		pb, pa := outsideParties(before, arn), outsideParties(after, arn)
		causes := append([]int{}, touched[arn]...)
		for _, pt := range pa {
			if !hasParty(pb, pt) {
				out = append(out, OutsideChange{Resource: arn, Party: pt.Name, Kind: pt.Kind, Change: "admitted", Causes: causes})
			}
		}
		for _, pt := range pb {
			if !hasParty(pa, pt) {
				out = append(out, OutsideChange{Resource: arn, Party: pt.Name, Kind: pt.Kind, Change: "no longer admitted", Causes: causes})
			}
		}
	}
	return out
}

func hasParty(ps []Party, pt Party) bool {
	for _, p := range ps {
		if p.Name == pt.Name {
			return true
		}
	}
	return false
}

// outsideParties lists the parties outside a resource's own account that its policy names.
func outsideParties(e *Engine, arn string) []Party {
	rp := e.resources[arn]
	if rp == nil {
		return nil
	}
	return partiesNamed(rp, map[string]*model.Account{rp.account: nil})
}
