package eval

import (
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/iamscope/iamscope/model"
)

// Hop is one step of a role chain: From assumed To with Action, allowed outright or only if
// Condition holds (ExternalId, MFA, ...).
type Hop struct {
	From      string `json:"from"`
	To        string `json:"to"`
	Action    string `json:"action"`
	Condition *Expr  `json:"-"`
}

// Reach is a role a principal can reach through a chain of sts:AssumeRole hops, with the
// shortest such chain.
type Reach struct {
	Role *Principal
	Path []Hop
}

// Conditional reports whether any hop of the chain hangs on an open condition.
func (r *Reach) Conditional() bool {
	for _, h := range r.Path {
		if h.Condition != nil && h.Condition.IsOpen() {
			return true
		}
	}
	return false
}

// Conditions returns the open conditions of the hops, in chain order.
func (r *Reach) Conditions() []*Expr {
	var out []*Expr
	for _, h := range r.Path {
		if h.Condition != nil && h.Condition.IsOpen() {
			out = append(out, h.Condition)
		}
	}
	return out
}

// trustIndex finds the roles whose trust policy could admit a principal: by the principal's
// ARN, by its account, or by a wildcard. A role is listed under every name its trust policy
// gives, so a lookup never misses one; the engine then decides each candidate exactly.
type trustIndex struct {
	byARN     map[string][]*Principal // a user or role ARN named in Principal.AWS
	byAccount map[string][]*Principal // an account id or root ARN named
	byRole    map[string][]*Principal // "account/rolename" of a role session ARN named
	wildcard  []*Principal            // "*", NotPrincipal, or anything we cannot index
	// classable marks, by index in the engine's order, the roles whose trust names accounts
	// only, decided per class of alike principals (see readTrust).
	classable []bool
	// principalKeys lists, by account, the condition keys (lower-cased) that the trust of the
	// classable roles trusting the account and the RCPs read: a principal's class includes its
	// values of them, and of those its own statements covering sts:AssumeRole read.
	principalKeys map[string][]string
	// trusts holds, by index, the accounts a classable role's trust names.
	trusts []map[string]bool
	// assumeBase holds, by index, each role's roleBase.
	assumeBase []roleBase
	// rcpCover holds, by account, the statements of its RCPs that cover sts:AssumeRole.
	rcpCover map[string][]*statement
	// unclassed lists, by account, the roles of byAccount that are not classable.
	unclassed map[string][]*Principal

	principals map[string]*Principal // the engine's principals by ARN
	roles      []*Principal          // the roles of the order
	// roleByName finds a role by "account/name", as session ARNs name roles (without path):
	// listed on first use (roleNamed).
	namesOnce  sync.Once
	roleByName map[string]*Principal
}

// role returns the role of the ARN, nil if the loaded accounts hold none.
func (ix *trustIndex) role(arn string) *Principal {
	if p := ix.principals[arn]; p != nil && p.Entity.Kind == model.EntityRole {
		return p
	}
	return nil
}

// roleNamed returns the role of the account with the name (not the path), nil if none.
func (ix *trustIndex) roleNamed(account, name string) *Principal {
	ix.namesOnce.Do(func() {
		ix.roleByName = make(map[string]*Principal, len(ix.roles))
		for _, p := range ix.roles {
			ix.roleByName[p.Account+"/"+p.Entity.Role.Name] = p
		}
	})
	return ix.roleByName[account+"/"+name]
}

func (e *Engine) trust() *trustIndex {
	e.trustOnce.Do(e.buildTrustIndex)
	return e.trustIx
}

// docTrust is what the text of a trust policy tells the trust index, read once per distinct
// text (readTrust).
type docTrust struct {
	// byARN, byAccount and byRole are the names under which the index lists the role (see
	// trustIndex), each once; wild says it is listed among the wildcards.
	byARN, byAccount, byRole []string
	wild                     bool
	// classable says the text names accounts only (the RCPs of the role's account aside);
	// then trusts holds the accounts it names and keys, by account, the condition keys
	// (lower-cased) read by the statements naming it.
	classable bool
	trusts    map[string]bool
	keys      map[string][]string
}

// readTrust reads a trust policy for the index. The roles of a classable text decide alike for
// alike principals of an account: every statement names AWS principals by account only (no
// user, role, session or "*", no NotPrincipal) and substitutes no variables.
func readTrust(pol *Policy) *docTrust {
	d := &docTrust{classable: true}
	seen := map[string]bool{}
	add := func(list *[]string, k string) {
		if !seen[k] {
			seen[k] = true
			*list = append(*list, k)
		}
	}
	for _, s := range pol.statements {
		anyone := s.principal == nil || s.notPrinc || s.principal.Wildcard
		if d.classable && (anyone || s.substitutes()) {
			d.classable = false
		}
		if anyone {
			d.wild = d.wild || !s.deny
			continue
		}
		for _, v := range s.principal.AWS {
			if isAccountID(v) {
				if !s.deny {
					add(&d.byAccount, v)
				}
				continue
			}
			a, err := model.ParseARN(v)
			if err != nil || a.Resource != "root" {
				d.classable = false
			}
			var acct, role string
			session := false
			if err == nil && a.Service == "sts" { // rare in trust: parsed again
				acct, role, _, session = sessionOf(v)
			}
			switch {
			case s.deny:
			case v == "*":
				d.wild = true
			case err != nil:
			case session:
				add(&d.byRole, acct+"/"+role)
			case a.Resource == "root":
				add(&d.byAccount, a.Account)
			default:
				add(&d.byARN, v)
			}
		}
	}
	if !d.classable {
		return d
	}
	d.trusts, d.keys = map[string]bool{}, map[string][]string{}
	for _, s := range pol.statements {
		for _, v := range s.principal.AWS {
			acct := v
			if a, err := model.ParseARN(v); err == nil {
				acct = a.Account
			}
			d.trusts[acct] = true
			for _, c := range s.conditions() {
				d.keys[acct] = append(d.keys[acct], c.key)
			}
		}
	}
	return d
}

// buildTrustIndex reads every role's trust policy, each distinct text once and the roles on as
// many goroutines as there are processors, then lists them in the order's order.
func (e *Engine) buildTrustIndex() {
	ix := &trustIndex{byARN: map[string][]*Principal{}, byAccount: map[string][]*Principal{}, byRole: map[string][]*Principal{},
		unclassed: map[string][]*Principal{}, principals: e.principals, rcpCover: map[string][]*statement{},
		classable: make([]bool, len(e.order)), trusts: make([]map[string]bool, len(e.order)), assumeBase: make([]roleBase, len(e.order))}
	// keys holds the condition keys read by the RCPs of every account and by the trust of the
	// classable roles, by account they trust: a principal's hops weigh some of them.
	keys, byAccount := map[string]bool{}, map[string]map[string]bool{}
	for acct := range e.rcps {
		ix.rcpCover[acct] = e.rcpStatementsFor(acct, assumeLower)
		for _, s := range ix.rcpCover[acct] {
			for _, c := range s.conditions() {
				keys[c.key] = true
			}
		}
	}
	ix.roles = make([]*Principal, 0, e.roleCount())
	for _, p := range e.order {
		if p.Entity.Kind == model.EntityRole {
			ix.roles = append(ix.roles, p)
		}
	}
	docs := make([]atomic.Pointer[docTrust], len(e.trustDocs))
	read := make([]*docTrust, len(ix.roles))
	forRange(len(ix.roles), 64, func(i int) {
		r := ix.roles[i]
		rp := e.resources[r.ARN]
		if rp == nil {
			return
		}
		id, known := e.trustDocs[rp.policy]
		if known && id < len(docs) {
			if read[i] = docs[id].Load(); read[i] == nil {
				read[i] = setOnce(&docs[id], readTrust(rp.policy))
			}
		} else {
			read[i] = readTrust(rp.policy)
		}
		k, ok := docKey(id, nil, ix.rcpCover[r.Account], r)
		ix.assumeBase[r.idx] = roleBase{k, ok}
	})
	merged := map[*docTrust]bool{}
	for i, r := range ix.roles {
		d := read[i]
		if d == nil {
			continue
		}
		classable := d.classable && len(ix.rcpCover[r.Account]) <= 64
		for _, k := range d.byARN {
			ix.byARN[k] = append(ix.byARN[k], r)
		}
		for _, k := range d.byAccount {
			ix.byAccount[k] = append(ix.byAccount[k], r)
			if !classable {
				ix.unclassed[k] = append(ix.unclassed[k], r)
			}
		}
		for _, k := range d.byRole {
			ix.byRole[k] = append(ix.byRole[k], r)
		}
		if d.wild {
			ix.wildcard = append(ix.wildcard, r)
		}
		if !classable {
			continue
		}
		ix.classable[r.idx], ix.trusts[r.idx] = true, d.trusts
		if merged[d] {
			continue
		}
		merged[d] = true
		for acct, ks := range d.keys {
			if byAccount[acct] == nil {
				byAccount[acct] = map[string]bool{}
			}
			for _, k := range ks {
				byAccount[acct][k] = true
			}
		}
	}
	ix.principalKeys = map[string][]string{}
	for acct := range e.accounts {
		all := maps.Clone(keys)
		maps.Copy(all, byAccount[acct])
		ix.principalKeys[acct] = slices.Sorted(maps.Keys(all))
	}
	e.trustIx = ix
}

// candidates lists the roles whose trust policy names p (directly, by account or by wildcard).
func (ix *trustIndex) candidates(p *Principal) []*Principal { return ix.candidatesBut(p, false) }

// candidatesBut is candidates, leaving out the classable roles (which trust accounts only)
// when skipClassable is set: those a class of principals decides.
func (ix *trustIndex) candidatesBut(p *Principal, skipClassable bool) []*Principal {
	// The lists are short: a role already listed is looked for in the list, or in a set once
	// the list is long.
	var out []*Principal
	var set map[*Principal]bool
	listed := func(r *Principal) bool {
		if set == nil {
			if len(out) < 32 {
				return slices.Contains(out, r)
			}
			set = make(map[*Principal]bool, 2*len(out))
			for _, x := range out {
				set[x] = true
			}
		}
		return set[r]
	}
	list := func(r *Principal) {
		out = append(out, r)
		if set != nil {
			set[r] = true
		}
	}
	add := func(roles []*Principal) {
		for _, r := range roles {
			if r != p && !listed(r) {
				list(r)
			}
		}
	}
	add(ix.byARN[p.ARN])
	if p.Entity.Kind == model.EntityRole {
		add(ix.byRole[p.Account+"/"+p.Entity.Role.Name])
	}
	add(ix.wildcard)
	// A trust policy that names p's account delegates to p's identity policies, which must
	// allow sts:AssumeRole on the role: only roles their patterns cover are candidates.
	if len(p.assumes) > 0 {
		trusting := ix.byAccount[p.Account]
		if skipClassable {
			trusting = ix.unclassed[p.Account]
		}
		for _, r := range trusting {
			if r != p && !listed(r) && p.mayAssume(r.ARN) {
				list(r)
			}
		}
	}
	return out
}

// AssumeAction is the action by which one IAM principal takes on a role.
const AssumeAction = "sts:AssumeRole"

const assumeLower = "sts:assumerole"

// RoleChains follows sts:AssumeRole from p to every role it can reach, at any depth, across the
// loaded accounts and without cycles, and returns each reachable role with its shortest chain
// (breadth first; ties broken by ARN). In discovery mode a hop that hangs on a condition the
// context does not give (sts:ExternalId, MFA) is kept, with its condition. Each hop is decided
// by the engine: the role's trust policy, the caller's identity policies, boundary and SCPs.
func (e *Engine) RoleChains(p *Principal, extra *Context, mode Mode) []Reach {
	return reachesOf(e.reach(p, extra, mode))
}

// reachesOf makes the reaches of a walk's nodes, leaving out its start.
func reachesOf(nodes []reachNode) []Reach {
	out := make([]Reach, 0, len(nodes)-1)
	for i := 1; i < len(nodes); i++ {
		out = append(out, Reach{Role: nodes[i].p, Path: chainTo(nodes, i)})
	}
	return out
}

// reachNode is one principal found by the breadth-first walk of reach: the walk's start at
// index 0, then each reachable role with the index of the node it was reached from.
type reachNode struct {
	p      *Principal
	parent int
	cond   *Expr // the hop's condition
}

// reach walks the one-hop assumptions from p breadth first (ties by ARN), without cycles.
// Chains are kept as parent links and built only when asked for (chainTo).
func (e *Engine) reach(p *Principal, extra *Context, mode Mode) []reachNode {
	return e.reachFrom(p, e.assumable(p, extra, mode), extra, mode)
}

// reachFrom is reach from a start whose one-hop assumptions are given (first, sorted by ARN):
// an outside party's, which its trust policies admit.
func (e *Engine) reachFrom(p *Principal, first hopList, extra *Context, mode Mode) []reachNode {
	nodes, _ := e.reachWatched(p, first, extra, mode, nil)
	return nodes
}

// reachWatched is reachFrom, calling watch (when not nil) with the nodes found so far and the
// index of the node whose hops are read next: the nodes found so far are always the first
// nodes of the final walk, in order. watch returning false stops the walk, and reachWatched
// reports it did not finish.
func (e *Engine) reachWatched(p *Principal, first hopList, extra *Context, mode Mode, watch func(nodes []reachNode, next int) bool) ([]reachNode, bool) {
	nodes := []reachNode{{p: p, parent: -1}}
	seen := e.visits.Get().(*visits)
	defer e.visits.Put(seen)
	seen.next(len(e.order))
	seen.mark(p)
	// Once every role is reached the walk can find nothing more: on a dense account (every
	// role trusting the root, every principal allowed to assume any) it stops after the
	// first level rather than reading every role's hops.
	all := e.roleCount()
	if p.Entity.Kind == model.EntityRole && p.idx >= 0 {
		all-- // a role does not reach itself
	}
	// A class's shared hops, once walked, are all marked (the member skipped as itself was
	// marked when reached): a later node of the same class adds only its own hops, in the
	// same order as walking both.
	type sharedList struct {
		first *edge
		n     int
	}
	var walked map[sharedList]bool
	var partial map[*assumeClass]bool // the classes whose hops walkHops gave in part
	var g *assumeGraph
	level := 1 // the index of the next level's first node
	for i := 0; i < len(nodes) && len(nodes)-1 < all; i++ {
		if watch != nil && !watch(nodes, i) {
			return nodes, false
		}
		hops, part := first, (*assumeClass)(nil)
		if i > 0 {
			if g == nil {
				g = e.graph(extra, mode)
			}
			if i == level { // the level's nodes are all found
				g.prepare(nodes[i:])
				level = len(nodes)
			}
			if g.inOrder(nodes[i].p) {
				hops, part = g.walkHops(nodes[i].p, seen, partial)
			} else {
				hops = e.assumable(nodes[i].p, extra, mode)
			}
		}
		if part != nil {
			if partial == nil {
				partial = map[*assumeClass]bool{}
			}
			partial[part] = true
		} else if len(hops.shared) > 0 {
			k := sharedList{&hops.shared[0], len(hops.shared)}
			if walked[k] {
				hops.shared = nil
			} else {
				if walked == nil {
					walked = map[sharedList]bool{}
				}
				walked[k] = true
			}
		}
		hops.each(func(h edge) bool {
			if seen.mark(h.role) {
				nodes = append(nodes, reachNode{p: h.role, parent: i, cond: h.cond})
			}
			return len(nodes)-1 < all
		})
	}
	return nodes, true
}

// visits records which principals a walk has reached, by their index in the engine's order,
// without clearing between walks: a mark is current when it holds the walk's number.
type visits struct {
	stamp []uint32
	walk  uint32
	other map[*Principal]bool // principals outside the order (stand-ins for groups)
}

// next starts a new walk over n principals.
func (v *visits) next(n int) {
	if len(v.stamp) < n {
		v.stamp = make([]uint32, n)
		v.walk = 0
	}
	v.walk++
	if v.walk == 0 { // wrapped: clear
		clear(v.stamp)
		v.walk = 1
	}
	clear(v.other)
}

// has reports whether p is marked in this walk.
func (v *visits) has(p *Principal) bool {
	if p.idx < 0 || p.idx >= len(v.stamp) {
		return v.other[p]
	}
	return v.stamp[p.idx] == v.walk
}

// mark records p and reports whether it was new in this walk.
func (v *visits) mark(p *Principal) bool {
	if p.idx < 0 || p.idx >= len(v.stamp) {
		if v.other == nil {
			v.other = map[*Principal]bool{}
		}
		if v.other[p] {
			return false
		}
		v.other[p] = true
		return true
	}
	if v.stamp[p.idx] == v.walk {
		return false
	}
	v.stamp[p.idx] = v.walk
	return true
}

// chainTo builds the chain of hops from the walk's start to node i.
func chainTo(nodes []reachNode, i int) []Hop {
	depth := 0
	for j := i; nodes[j].parent >= 0; j = nodes[j].parent {
		depth++
	}
	path := make([]Hop, depth)
	for j := i; nodes[j].parent >= 0; j = nodes[j].parent {
		depth--
		n := nodes[j]
		path[depth] = Hop{From: nodes[n.parent].p.ARN, To: n.p.ARN, Action: AssumeAction, Condition: n.cond}
	}
	return path
}

// edge is a role a principal can assume in one hop, and the condition it hangs on.
type edge struct {
	role *Principal
	cond *Expr
}

// assumeKey names what decides sts:AssumeRole by p on role r: the text of r's trust policy,
// r's account, which of p's statements that cover sts:AssumeRole also cover r's ARN, and which
// of the statements of the RCPs of r's account that cover sts:AssumeRole do. It declines where
// one of those statements has policy variables in Resource or there are more than 64 of them.
// Conditions cannot tell such roles apart: the engine derives no per-role context key for IAM
// ARNs.
func assumeKey(e *Engine, p *Principal, r *Principal) (assumeMemo, bool) {
	ix := e.trust()
	if p.assumeTemplates || len(p.assumeCover) > 64 || r.idx < 0 || r.idx >= len(ix.assumeBase) || e.order[r.idx] != r {
		return assumeMemo{}, false
	}
	k := ix.assumeBase[r.idx]
	if !k.ok {
		return assumeMemo{}, false
	}
	for i, s := range p.assumeCover {
		if s.mightMatchResource(r.ARN) {
			k.bits |= 1 << i
		}
	}
	return k.assumeMemo, true
}

// roleBase is the part of a role's assumeKey that does not depend on who asks, computed once
// per role: its trust policy's text, its account and which RCP statements cover it.
type roleBase struct {
	assumeMemo
	ok bool // false: the role's hops are not shared (no trust policy, RCP variables, ...)
}

// roleKey names what decides an action that takes on role r (an sts action its trust policy
// governs) by a principal whose statements covering the action are cover, when rcps are the
// statements of the RCPs of r's account covering it: as assumeKey.
func roleKey(e *Engine, cover, rcps []*statement, r *Principal) (assumeMemo, bool) {
	rp := e.resources[r.ARN]
	if rp == nil {
		return assumeMemo{}, false
	}
	return docKey(e.trustDocs[rp.policy], cover, rcps, r)
}

// docKey is roleKey for a role whose trust policy has the text numbered doc.
func docKey(doc int, cover, rcps []*statement, r *Principal) (assumeMemo, bool) {
	if len(cover) > 64 || len(rcps) > 64 {
		return assumeMemo{}, false
	}
	k := assumeMemo{doc: doc, account: r.Account}
	for i, s := range cover {
		if s.mightMatchResource(r.ARN) {
			k.bits |= 1 << i
		}
	}
	for i, s := range rcps {
		if s.hasTemplates() {
			return assumeMemo{}, false
		}
		if s.mightMatchResource(r.ARN) {
			k.rcp |= 1 << i
		}
	}
	return k, true
}

// assumeMemo is the key of assumeKey.
type assumeMemo struct {
	doc     int
	account string
	bits    uint64
	rcp     uint64
}

// roleCount returns how many roles the loaded accounts hold.
func (e *Engine) roleCount() int {
	e.rolesOnce.Do(func() {
		for _, p := range e.order {
			if p.Entity.Kind == model.EntityRole {
				e.roles++
			}
		}
	})
	return e.roles
}
