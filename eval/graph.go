package eval

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/iamscope/iamscope/model"
)

// assumeGraph is the one-hop sts:AssumeRole graph of the loaded accounts in one request
// context and mode: which roles each principal may assume, and under which open condition,
// with the reverse index who-can walks. who-can, what-can through chains, role chains, paths
// and the explorer read it, so that no query decides a hop another has decided.
//
// A principal's hops are decided when first asked for. Those to the roles whose trust names
// accounts only (the account root, an account id) are decided once per class of alike
// principals (assumeClassKey) and, within a class, once per class of alike roles (assumeKey),
// by the engine's own Can on the first member asked: the members' answers are the same by
// construction. A walk (walkHops) that meets a class not yet decided in full decides only its
// hops to the roles the walk has not yet reached, which are all it can add. Hops to the roles whose trust names the
// principal itself, a role session or "*" are decided per principal, as before.
type assumeGraph struct {
	e     *Engine
	extra *Context
	mode  Mode
	out   []atomic.Pointer[decided] // by principal index
	// own holds, by principal index, the hops each decides alone (ownEdges), decided on
	// first use: by its forward hops or by the reverse side of a role they lead to.
	own []atomic.Pointer[[]edge]

	mu      sync.Mutex
	classes map[string]*assumeClass
	// direct holds, by principal index, the escalation paths each takes itself
	// (directPaths), found on first use.
	direct []atomic.Pointer[[]Escalation]

	revOnce sync.Once
	rev     *reverseIndex
	// inMerged holds, by role index, trustedBy's answer once given.
	inMerged []atomic.Pointer[[]edge]
	scratch  sync.Pool // *[]edge as long as the order, all zero: the reverse side's merge
}

// classHop is a class that may assume a role, and the condition it hangs on.
type classHop struct {
	class *assumeClass
	cond  *Expr
}

// assumeClass holds the hops a class of alike principals may take to the roles of their
// account that trust the account only, decided on one member (by): all of them at once for a
// member's forward hops (edges), those to the roles a walk has not reached (walkHops), or role
// by role for the reverse side (decideOn), each answer once (memo).
type assumeClass struct {
	once  sync.Once
	full  atomic.Bool // edges is set
	edges []edge      // sorted by role ARN; may hold the representative itself
	// members lists the principals of the order in the class that allow sts:AssumeRole
	// somewhere (the others assume no role through it), by ARN; rep is the first (set with
	// the reverse index).
	members []*Principal
	rep     *Principal
	// by is the member every answer of the class is decided on, the first that asks: one
	// member keeps the memo's keys consistent (assumeKey numbers that member's statements).
	by atomic.Pointer[Principal]

	mu     sync.Mutex                  // guards byRole and memo, held while deciding
	byRole map[int]assumeAnswer        // by role index: the roles decided one at a time
	memo   map[assumeMemo]assumeAnswer // every answer decided, by assumeKey on by
}

// assumeAnswer is the decision on one hop: allowed (possibly under an open condition) or not.
type assumeAnswer struct {
	ok   bool
	cond *Expr
}

// maxGraphs is how many request contexts and modes an engine keeps a graph for.
const maxGraphs = 8

// graph returns the assumption graph of the request context and mode, built on first use and
// kept, keyed on the context's content.
func (e *Engine) graph(extra *Context, mode Mode) *assumeGraph {
	key := graphKey(extra, mode)
	e.graphsMu.Lock()
	defer e.graphsMu.Unlock()
	if g, ok := e.graphs[key]; ok {
		return g
	}
	if e.graphs == nil || len(e.graphs) >= maxGraphs {
		e.graphs = map[string]*assumeGraph{}
	}
	var flat *Context
	if extra != nil {
		flat = extra.Clone()
	}
	n := len(e.order)
	g := &assumeGraph{e: e, extra: flat, mode: mode, out: make([]atomic.Pointer[decided], n), own: make([]atomic.Pointer[[]edge], n),
		direct: make([]atomic.Pointer[[]Escalation], n), inMerged: make([]atomic.Pointer[[]edge], n), classes: map[string]*assumeClass{}}
	g.scratch.New = func() any { s := make([]edge, n); return &s }
	e.graphs[key] = g
	return g
}

// graphKey names a mode and a request context's content.
func graphKey(extra *Context, mode Mode) string {
	return fmt.Sprint(int(mode)) + "\x00" + contextKey(extra)
}

// contextKey names a request context's content: its keys (lower-cased), values and the keys
// marked known, sorted. Two contexts with the same key decide every request alike.
func contextKey(c *Context) string {
	if c == nil {
		return ""
	}
	flat := c.Clone()
	parts := make([]string, 0, len(flat.entries)+1)
	for _, en := range flat.entries {
		parts = append(parts, fmt.Sprintf("%q=%v%q", en.lower, en.v.Multi, en.v.Values))
	}
	sort.Strings(parts)
	known := slices.Clone(flat.known)
	sort.Strings(known)
	return "ctx" + strings.Join(parts, ",") + fmt.Sprintf("known%q", known)
}

// hopList is a principal's one-hop assumptions, sorted by ARN: those its class shares, kept
// once for the whole class, merged with its own; the principal itself is left out.
type hopList struct {
	shared []edge
	own    []edge
	self   *Principal
}

// each calls f with every hop in ARN order, until f returns false.
func (h hopList) each(f func(edge) bool) { h.walk(true, f) }

// eachWithSelf is each, with the principal itself among the hops when its class's hops hold it.
func (h hopList) eachWithSelf(f func(edge) bool) { h.walk(false, f) }

// walk merges the class's hops and the principal's own, in ARN order, leaving out the
// principal itself when skipSelf (a class's roles may include its members).
func (h hopList) walk(skipSelf bool, f func(edge) bool) {
	i, j := 0, 0
	for i < len(h.shared) || j < len(h.own) {
		var next edge
		if j == len(h.own) || i < len(h.shared) && h.shared[i].role.idx < h.own[j].role.idx {
			next, i = h.shared[i], i+1
		} else {
			next, j = h.own[j], j+1
		}
		if skipSelf && next.role == h.self {
			continue
		}
		if !f(next) {
			return
		}
	}
}

// all returns the hops as one list.
func (h hopList) all() []edge {
	out := make([]edge, 0, len(h.shared)+len(h.own))
	h.each(func(x edge) bool { out = append(out, x); return true })
	return out
}

// assumable returns the roles p can assume in one hop, sorted by ARN.
func (e *Engine) assumable(p *Principal, extra *Context, mode Mode) hopList {
	if p.idx < 0 || p.idx >= len(e.order) || e.order[p.idx] != p {
		h, _ := e.graph(extra, mode).decideEdges(p) // a stand-in: not kept
		return h
	}
	return e.graph(extra, mode).edges(p)
}

// edges returns p's one-hop assumptions, deciding them on first use.
func (g *assumeGraph) edges(p *Principal) hopList {
	if h := g.out[p.idx].Load(); h != nil {
		return h.hops
	}
	h, c := g.decideEdges(p)
	g.out[p.idx].Store(&decided{hops: h, class: c})
	return h
}

// decided is what the graph keeps of a principal: its hops and its class (nil for none).
type decided struct {
	hops  hopList
	class *assumeClass
}

// decideEdges decides p's one-hop assumptions: those its class shares, and its own.
func (g *assumeGraph) decideEdges(p *Principal) (hopList, *assumeClass) {
	e := g.e
	var c *assumeClass
	h := hopList{self: p}
	classKey, classed := e.assumeClassKey(p)
	if classed {
		c = g.class(classKey, p)
		h.shared = c.edges
	}
	// The roles decided for p alone: those whose trust names p, its session or anyone, and
	// those trusting its account whose trust or RCPs keep them out of classes. A classable
	// role is a candidate only through its trust naming p's account: its class decides it.
	h.own = g.ownEdges(p, classed)
	return h, c
}

// ownEdges returns the hops p decides alone (see decideEdges), deciding them on first use;
// classed says whether p belongs to a class.
func (g *assumeGraph) ownEdges(p *Principal, classed bool) []edge {
	inOrder := p.idx >= 0 && p.idx < len(g.own) && g.e.order[p.idx] == p
	if inOrder {
		if own := g.own[p.idx].Load(); own != nil {
			return *own
		}
	}
	own := g.e.decideAssume(p, g.e.trust().candidatesBut(p, classed), g.extra, g.mode)
	if inOrder {
		g.own[p.idx].Store(&own)
	}
	return own
}

// class returns the hops of p's class to the classable roles that trust its account, decided
// on p if it is the first member asked.
func (g *assumeGraph) class(key string, p *Principal) *assumeClass {
	c := g.classNamed(key)
	c.once.Do(func() {
		c.edges = g.decideClass(c, c.decider(p), nil)
		c.full.Store(true)
	})
	return c
}

// decideClass returns the hops of class c, decided on its decider d, to the classable roles
// trusting its account that d may assume by its patterns (those of every member cover the
// same ones, as the class key holds the statements that weigh on them), sorted by ARN; skip
// (when not nil) leaves roles out undecided.
func (g *assumeGraph) decideClass(c *assumeClass, d *Principal, skip func(*Principal) bool) []edge {
	c.mu.Lock()
	defer c.mu.Unlock()
	var edges []edge
	ix := g.e.trust()
	for _, r := range ix.byAccount[d.Account] {
		if !ix.classable[r.idx] || skip != nil && skip(r) || !d.mayAssume(r.ARN) {
			continue
		}
		if a := g.answer(c, d, r); a.ok {
			edges = append(edges, edge{role: r, cond: a.cond})
		}
	}
	return edges
}

// decider returns the member the class's answers are decided on, p if none is yet.
func (c *assumeClass) decider(p *Principal) *Principal {
	c.by.CompareAndSwap(nil, p)
	return c.by.Load()
}

// answer returns class c's answer on role r, decided on its decider d by the engine once per
// assumeKey (roles alike for d share it). c.mu is held.
func (g *assumeGraph) answer(c *assumeClass, d, r *Principal) assumeAnswer {
	key, cacheable := assumeKey(g.e, d, r)
	if a, ok := c.memo[key]; cacheable && ok {
		return a
	}
	a := g.e.decideHop(d, r, g.extra, g.mode)
	if cacheable {
		if c.memo == nil {
			c.memo = map[assumeMemo]assumeAnswer{}
		}
		c.memo[key] = a
	}
	return a
}

// walkHops returns the hops a walk reads from p, a principal of the order, when the walk has
// marked in seen the roles found so far: p's one-hop assumptions (edges), except while p's
// class is not decided in full, where a walk decides its hops to the roles not yet seen only
// (a role seen adds nothing to a walk; the class keeps every answer decided, so the next walk
// decides only what it meets that is new) and returns those, with partial set. A walk reads a
// class's hops once: classes holds those it has read in part, and p's class's hops are left
// out when it holds it (they are all seen). Deciding in part on every walk, rather than in
// full from the second on, keeps the explorer's next principal as quick as the first: dense
// account, role chains of a second principal after a first 1.9 ms, against 30 ms.
func (g *assumeGraph) walkHops(p *Principal, seen *visits, classes map[*assumeClass]bool) (h hopList, partial *assumeClass) {
	if d := g.out[p.idx].Load(); d != nil {
		return d.hops, nil
	}
	if len(p.assumes) == 0 {
		// p's own patterns allow sts:AssumeRole nowhere: its class, if any, gives it no hop
		// (decideClass), and what it decides alone does not depend on it (candidatesBut).
		return hopList{own: g.ownEdges(p, false), self: p}, nil
	}
	key, classed := g.e.assumeClassKey(p)
	if !classed {
		return g.edges(p), nil
	}
	c := g.classNamed(key)
	if classes[c] {
		return hopList{own: g.ownEdges(p, true), self: p}, nil
	}
	if c.full.Load() {
		return g.edges(p), nil
	}
	return hopList{shared: g.decideClass(c, c.decider(p), seen.has), own: g.ownEdges(p, true), self: p}, c
}

// prepare finds, on every processor, what the principals of a walk's level decide whatever the
// walk has seen (their class keys and own hops), before the walk reads them in order.
func (g *assumeGraph) prepare(level []reachNode) {
	if len(level) < 16 {
		return
	}
	forRange(len(level), 8, func(i int) {
		p := level[i].p
		if !g.inOrder(p) || g.out[p.idx].Load() != nil {
			return
		}
		classed := false
		if len(p.assumes) > 0 { // as walkHops reads it
			_, classed = g.e.assumeClassKey(p)
		}
		g.ownEdges(p, classed)
	})
}

// classNamed returns the class of the key, made (undecided) if it is new.
func (g *assumeGraph) classNamed(key string) *assumeClass {
	g.mu.Lock()
	defer g.mu.Unlock()
	c, ok := g.classes[key]
	if !ok {
		c = &assumeClass{}
		g.classes[key] = c
	}
	return c
}

// decideAssume decides sts:AssumeRole by p on each candidate role, once per class of alike
// roles (assumeKey), and returns the allowed ones sorted by ARN.
func (e *Engine) decideAssume(p *Principal, cands []*Principal, extra *Context, mode Mode) []edge {
	byARN := func(a, b *Principal) int { return strings.Compare(a.ARN, b.ARN) }
	if !slices.IsSortedFunc(cands, byARN) {
		cands = slices.Clone(cands)
		slices.SortFunc(cands, byARN)
	}
	var edges []edge
	var memo map[assumeMemo]assumeAnswer // made for a second role
	for i, r := range cands {
		key, cacheable := assumeKey(e, p, r)
		if a, ok := memo[key]; cacheable && ok {
			if a.ok {
				edges = append(edges, edge{role: r, cond: a.cond})
			}
			continue
		}
		a := e.decideHop(p, r, extra, mode)
		if a.ok {
			edges = append(edges, edge{role: r, cond: a.cond})
		}
		if cacheable && i+1 < len(cands) {
			if memo == nil {
				memo = map[assumeMemo]assumeAnswer{}
			}
			memo[key] = a
		}
	}
	return edges
}

// decideHop decides sts:AssumeRole by p on role r with the engine.
func (e *Engine) decideHop(p, r *Principal, extra *Context, mode Mode) assumeAnswer {
	res, err := e.Can(p, AssumeAction, r.ARN, extra, Options{Mode: mode})
	if err != nil || res.Decision != Allowed {
		return assumeAnswer{}
	}
	return assumeAnswer{ok: true, cond: res.Condition}
}

// trustedBy returns, sorted by ARN, the principals that may assume role in one hop, with the
// condition each hangs on: the graph's reverse index, decided for this role only (see
// assumersUnless) and kept.
func (g *assumeGraph) trustedBy(role *Principal) []edge {
	if !g.inOrder(role) {
		return nil
	}
	if m := g.inMerged[role.idx].Load(); m != nil {
		return *m
	}
	merged := g.assumersUnless(role, nil)
	g.inMerged[role.idx].Store(&merged)
	return merged
}

// trustedByUnless is trustedBy, except that the principals skip marks (by index in the
// engine's order) may be left out when the role's assumers are not yet known: their hops to it
// are then not decided.
func (g *assumeGraph) trustedByUnless(role *Principal, skip []bool) []edge {
	if !g.inOrder(role) {
		return nil
	}
	if m := g.inMerged[role.idx].Load(); m != nil {
		return *m
	}
	return g.assumersUnless(role, skip)
}

// inOrder reports whether p is a principal of the engine's order (not a stand-in).
func (g *assumeGraph) inOrder(p *Principal) bool {
	return p.idx >= 0 && p.idx < len(g.e.order) && g.e.order[p.idx] == p
}

// reverseIndex lists, for the reverse side of the graph, who a role's trust may admit.
type reverseIndex struct {
	// named lists, by role index, the principals whose hop to the role is a candidate by
	// name: the trust names the principal's ARN or, for a role, a session of it.
	named [][]*Principal
	// accounts lists, by role index, the accounts whose principals the role's trust admits
	// (by account id or root ARN).
	accounts [][]string
	// classes lists, by account, the classes of its principals that allow sts:AssumeRole
	// somewhere; alone lists those principals that belong to no class.
	classes map[string][]*assumeClass
	alone   map[string][]*Principal
	// wildcard marks, by role index, the roles whose trust admits anyone (trustIndex.wildcard).
	wildcard []bool
}

// reverse returns the reverse index, built on first use. It puts every principal that allows
// sts:AssumeRole somewhere in its class (assumeClassKey), without deciding any hop.
func (g *assumeGraph) reverse() *reverseIndex {
	g.revOnce.Do(func() {
		e, ix := g.e, g.e.trust()
		n := len(e.order)
		r := &reverseIndex{named: make([][]*Principal, n), accounts: make([][]string, n), classes: map[string][]*assumeClass{},
			alone: map[string][]*Principal{}, wildcard: make([]bool, n)}
		for _, p := range e.order {
			for _, role := range ix.byARN[p.ARN] {
				r.named[role.idx] = append(r.named[role.idx], p)
			}
			if p.Entity.Kind == model.EntityRole {
				for _, role := range ix.byRole[p.Account+"/"+p.Entity.Role.Name] {
					r.named[role.idx] = append(r.named[role.idx], p)
				}
			}
		}
		for _, acct := range slices.Sorted(maps.Keys(ix.byAccount)) {
			for _, role := range ix.byAccount[acct] {
				r.accounts[role.idx] = append(r.accounts[role.idx], acct)
			}
		}
		for _, role := range ix.wildcard {
			r.wildcard[role.idx] = true
		}
		var assumers []*Principal
		for _, p := range e.order {
			if len(p.assumes) > 0 {
				assumers = append(assumers, p)
			}
		}
		e.forEach(assumers, func(_ int, p *Principal) { e.assumeClassKey(p) })
		for _, p := range assumers {
			key, classed := e.assumeClassKey(p)
			if !classed {
				r.alone[p.Account] = append(r.alone[p.Account], p)
				continue
			}
			c := g.classNamed(key)
			if len(c.members) == 0 {
				c.rep = p
				r.classes[p.Account] = append(r.classes[p.Account], c)
			}
			c.members = append(c.members, p)
		}
		g.rev = r
	})
	return g.rev
}

// assumersUnless returns, sorted by ARN, the principals that may assume role in one hop, with
// the condition each hangs on, leaving out those skip marks by index in the engine's order
// (nil: none): who-can leaves out the principals it has already found. It decides only the hops the role's trust may admit:
// those of the principals it names, and for the accounts it names, one per class of their
// principals (the class's answer, decided role by role) and one for each principal of no
// class. The hops are the ones each principal's forward hops (edges) hold.
func (g *assumeGraph) assumersUnless(role *Principal, skipped []bool) []edge {
	e, ix, rev := g.e, g.e.trust(), g.reverse()
	skip := func(p *Principal) bool { return skipped != nil && skipped[p.idx] }
	// The assumers are put in place by index (the order is by ARN) in a scratch list as long
	// as the order, then read off in order: no sort of what may be every principal.
	scratch := g.scratch.Get().(*[]edge)
	defer g.scratch.Put(scratch)
	slots := *scratch
	lo, hi, n := len(slots), -1, 0
	put := func(p *Principal, cond *Expr) {
		i := p.idx
		if slots[i].role == nil {
			n++
		}
		slots[i] = edge{role: p, cond: cond}
		lo, hi = min(lo, i), max(hi, i)
	}
	// ownHop looks the role up among the hops p decides alone.
	ownHop := func(p *Principal) {
		if p == role || skip(p) || slots[p.idx].role != nil {
			return
		}
		_, classed := e.assumeClassKey(p)
		own := g.ownEdges(p, classed)
		if i, found := slices.BinarySearchFunc(own, role.idx, func(h edge, idx int) int { return h.role.idx - idx }); found {
			put(p, own[i].cond)
		}
	}
	if rev.wildcard[role.idx] {
		for _, p := range e.order {
			ownHop(p)
		}
	} else {
		for _, p := range rev.named[role.idx] {
			ownHop(p)
		}
	}
	classable := ix.classable[role.idx]
	for _, acct := range rev.accounts[role.idx] {
		for _, p := range rev.alone[acct] {
			if p.mayAssume(role.ARN) {
				ownHop(p)
			}
		}
		for _, c := range rev.classes[acct] {
			if !classable {
				// The role's trust keeps it out of classes: each member decides it alone.
				for _, p := range c.members {
					if !skip(p) && p.mayAssume(role.ARN) {
						ownHop(p)
					}
				}
				continue
			}
			open := false // a member not yet left out
			for _, p := range c.members {
				if p != role && (skipped == nil || !skipped[p.idx]) {
					open = true
					break
				}
			}
			if !open || !c.rep.mayAssume(role.ARN) {
				continue
			}
			a := g.decideOn(c, role)
			if !a.ok {
				continue
			}
			for _, p := range c.members {
				if p != role && !skip(p) {
					put(p, a.cond)
				}
			}
		}
	}
	out := make([]edge, 0, n)
	for i := lo; i <= hi; i++ {
		if slots[i].role != nil {
			out = append(out, slots[i])
			slots[i] = edge{}
		}
	}
	return out
}

// decideOn returns class c's answer on a classable role trusting its account, which its
// representative may assume by its patterns: read from its hops when they are all decided,
// otherwise decided for this role alone (answer).
func (g *assumeGraph) decideOn(c *assumeClass, role *Principal) assumeAnswer {
	if c.full.Load() {
		if i, found := slices.BinarySearchFunc(c.edges, role.idx, func(h edge, idx int) int { return h.role.idx - idx }); found {
			return assumeAnswer{ok: true, cond: c.edges[i].cond}
		}
		return assumeAnswer{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if a, ok := c.byRole[role.idx]; ok {
		return a
	}
	a := g.answer(c, c.decider(c.rep), role)
	if c.byRole == nil {
		c.byRole = map[int]assumeAnswer{}
	}
	c.byRole[role.idx] = a
	return a
}

// assumeClassKey names what decides, for p, sts:AssumeRole on a role of its account that
// trusts the account only: p's account and kind, its permission boundary, the text of its
// identity statements that cover sts:AssumeRole, and the values its request context gives
// the keys that the conditions weighed read (principalKeys). It declines (false) where a
// statement substitutes policy variables or there are too many to tell roles apart.
//
// The key is built once per principal: what it reads does not change in an engine's life
// (the clock aside, which is the same for every principal and is left out).
func (e *Engine) assumeClassKey(p *Principal) (string, bool) {
	p.classOnce.Do(func() { p.classKey, p.classed = e.buildClassKey(p) })
	return p.classKey, p.classed
}

func (e *Engine) buildClassKey(p *Principal) (string, bool) {
	if p.assumeTemplates || len(p.assumeCover) > 64 {
		return "", false
	}
	// The parts are written with their lengths into a SHA-256, so that the key is short
	// however long the statements are, and no two contents share it.
	ix := e.trust()
	h := sha256.New()
	var n [8]byte
	part := func(b []byte) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	part([]byte(p.Account))
	part([]byte{byte(p.Entity.Kind)})
	for _, pol := range p.Boundary {
		part([]byte(fmt.Sprintf("boundary %p", pol)))
	}
	// An Allow on every resource without conditions allows sts:AssumeRole on every role by
	// itself: beside it, the other Allow statements change no decision, and no condition
	// (the identity side's formula is their disjunction, which it makes true).
	allowsAll := false
	for _, s := range p.assumeCover[:p.assumeIdentity] {
		if !s.deny && len(s.src.Conditions) == 0 && !s.src.NotResource && slices.Contains(s.src.Resources, "*") {
			allowsAll = true
		}
	}
	if allowsAll {
		part([]byte("allows every role"))
	}
	for _, s := range p.assumeCover[:p.assumeIdentity] { // the identity statements covering sts:AssumeRole
		if !s.weighsOnClass(ix, p.Account) || allowsAll && !s.deny {
			continue
		}
		if s.substitutes() {
			return "", false
		}
		if s.vars {
			part([]byte("2012-10-17"))
		}
		if len(s.src.Conditions) > 0 {
			// An open condition names its policy and statement: only a statement of the
			// same text shares it.
			part(s.src.JSON)
			continue
		}
		// Without conditions a statement covering sts:AssumeRole weighs on a hop by its
		// effect and resources alone: the other actions it lists, its Sid and its policy do
		// not change the decision, so statements that differ only there share a class.
		part([]byte(fmt.Sprintf("%s %v", s.src.Effect, s.src.NotResource)))
		for _, r := range s.src.Resources {
			part([]byte(r))
		}
		part(nil)
	}
	var ctx *Context // the principal's context, made only if a key may be in it
	keys := ix.principalKeys[p.Account]
	for _, s := range p.assumeCover {
		for _, c := range s.conditions() {
			if !slices.Contains(keys, c.key) {
				keys = append(keys[:len(keys):len(keys)], c.key)
			}
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "aws:currenttime" || k == "aws:epochtime" || !inPrincipalContext(k) {
			continue
		}
		var v ContextValue
		ok := false
		if tag, isTag := strings.CutPrefix(k, "aws:principaltag/"); isTag {
			v, ok = principalTag(p, tag) // the context is not made for a tag alone
		} else {
			if ctx == nil {
				ctx = e.principalContext(p)
			}
			v, ok = ctx.get(k)
		}
		if !ok {
			continue
		}
		part([]byte(k))
		if v.Multi {
			part([]byte("multi"))
		}
		for _, x := range v.Values {
			part([]byte(x))
		}
		part(nil)
	}
	return string(h.Sum(nil)), true
}

// principalTag returns the value of aws:PrincipalTag/<name> (name lower-cased) that
// principalContext gives p: that of its last tag of the name in any case, as Context.Set
// keeps the last of keys alike.
func principalTag(p *Principal, name string) (ContextValue, bool) {
	var tags []model.Tag
	switch p.Entity.Kind {
	case model.EntityUser:
		tags = p.Entity.User.Tags
	case model.EntityRole:
		tags = p.Entity.Role.Tags
	}
	for i := len(tags) - 1; i >= 0; i-- {
		if strings.ToLower(tags[i].Key) == name {
			return ContextValue{Key: "aws:PrincipalTag/" + tags[i].Key, Values: []string{tags[i].Value}}, true
		}
	}
	return ContextValue{}, false
}

// inPrincipalContext reports whether principalContext may give the (lower-cased) key: the
// aws:Principal* keys, aws:username, aws:userid and the times.
func inPrincipalContext(key string) bool {
	switch key {
	case "aws:username", "aws:userid", "aws:tokenissuetime", "aws:currenttime", "aws:epochtime":
		return true
	}
	return strings.HasPrefix(key, "aws:principal")
}

// forEachPrincipal calls f for every principal of the order, on as many goroutines as there
// are processors.
func (e *Engine) forEachPrincipal(f func(p *Principal)) {
	e.forEach(e.order, func(_ int, p *Principal) { f(p) })
}

// forEach calls f with each principal of list and its index, on as many goroutines as there
// are processors. Each goroutine yields its processor between principals: the explorer's
// event loop, woken while the engine works on every processor, is then run within one
// principal's work rather than after Go's 10 ms time slice.
func (e *Engine) forEach(list []*Principal, f func(i int, p *Principal)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				f(i, list[i])
				runtime.Gosched()
			}
		})
	}
	for i := range list {
		next <- i
	}
	close(next)
	wg.Wait()
}

// forRange calls f with every index below n, on as many goroutines as there are processors,
// each taking runs of run indexes in turn.
func forRange(n, run int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), (n+run-1)/run) {
		wg.Go(func() {
			for {
				lo := int(next.Add(int64(run))) - run
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+run, n); i++ {
					f(i)
				}
				runtime.Gosched() // as forEach
			}
		})
	}
	wg.Wait()
}

// substitutes reports whether the statement substitutes policy variables, in Resource or in a
// condition's values: its meaning then depends on who asks.
func (s *statement) substitutes() bool {
	if !s.mayHaveVariables() {
		return false
	}
	if s.hasTemplates() {
		return true
	}
	for _, c := range s.conditions() {
		for i := range c.values {
			if c.values[i].tpl != nil {
				return true
			}
		}
	}
	return false
}

// mayHaveVariables is a quick test of whether the statement's Resource or condition values
// may hold policy variables: only where the policy's version allows them and a value holds
// "${" (see parseTemplate).
func (s *statement) mayHaveVariables() bool {
	if !s.vars {
		return false
	}
	for _, r := range s.src.Resources {
		if strings.Contains(r, "${") {
			return true
		}
	}
	for _, c := range s.src.Conditions {
		for _, v := range c.Values {
			if strings.Contains(v, "${") {
				return true
			}
		}
	}
	return false
}

// weighsOnClass reports whether the statement may cover the ARN of a classable role that
// trusts the account: its Resource is "*", NotResource, a pattern with a wildcard or variable,
// or the ARN of such a role. A statement that cannot weighs in on none of the hops a class
// decides.
func (s *statement) weighsOnClass(ix *trustIndex, account string) bool {
	if s.anyResource || s.notResource {
		return true
	}
	for _, r := range s.src.Resources {
		if strings.ContainsAny(r, "*?$") {
			return true
		}
		if role := ix.role(r); role != nil && ix.classable[role.idx] && ix.trusts[role.idx][account] {
			return true
		}
	}
	return false
}
