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
// by the engine's own Can on the first member: the members' answers are the same by
// construction. Hops to the roles whose trust names the principal itself, a role session or
// "*" are decided per principal, as before.
type assumeGraph struct {
	e     *Engine
	extra *Context
	mode  Mode
	out   []atomic.Pointer[decided] // by principal index

	mu      sync.Mutex
	classes map[string]*assumeClass
	// direct holds, by principal index, the escalation paths each takes itself
	// (directPaths), found on first use.
	direct []atomic.Pointer[[]Escalation]

	inOnce   sync.Once
	inClass  [][]classHop // by role index: the classes that may assume it
	inOwn    [][]edge     // by role index: who may assume it deciding alone (edge.role is the assumer)
	inMerged []atomic.Pointer[[]edge]
	scratch  sync.Pool // *[]edge as long as the order, all zero: trustedBy's merge
}

// classHop is a class that may assume a role, and the condition it hangs on.
type classHop struct {
	class *assumeClass
	cond  *Expr
}

// assumeClass holds the hops a class of alike principals may take to the roles of their
// account that trust the account only, decided once on a representative.
type assumeClass struct {
	once  sync.Once
	edges []edge // sorted by role ARN; may hold the representative itself
	// members lists the principals of the order in the class, by ARN (set with the reverse
	// index).
	members []*Principal
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
	g := &assumeGraph{e: e, extra: flat, mode: mode, out: make([]atomic.Pointer[decided], len(e.order)), direct: make([]atomic.Pointer[[]Escalation], len(e.order)), classes: map[string]*assumeClass{}}
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
func (h hopList) each(f func(edge) bool) {
	i, j := 0, 0
	for i < len(h.shared) || j < len(h.own) {
		var next edge
		if j == len(h.own) || i < len(h.shared) && h.shared[i].role.idx < h.own[j].role.idx {
			next = h.shared[i]
			i++
			if next.role == h.self { // a class's roles may include its members
				continue
			}
		} else {
			next = h.own[j]
			j++
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
	ix := e.trust()
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
	h.own = e.decideAssume(p, ix.candidatesBut(p, classed), g.extra, g.mode)
	return h, c
}

// class returns the hops of p's class to the classable roles that trust its account, decided
// on p if it is the first member asked.
func (g *assumeGraph) class(key string, p *Principal) *assumeClass {
	g.mu.Lock()
	c, ok := g.classes[key]
	if !ok {
		c = &assumeClass{}
		g.classes[key] = c
	}
	g.mu.Unlock()
	c.once.Do(func() {
		ix := g.e.trust()
		var cands []*Principal
		for _, r := range ix.byAccount[p.Account] {
			if ix.classable[r.idx] && p.mayAssume(r.ARN) {
				cands = append(cands, r)
			}
		}
		c.edges = g.e.decideAssume(p, cands, g.extra, g.mode)
	})
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
	type answer struct {
		ok   bool
		cond *Expr
	}
	memo := map[assumeMemo]answer{}
	for _, r := range cands {
		key, cacheable := assumeKey(e, p, r)
		if a, ok := memo[key]; cacheable && ok {
			if a.ok {
				edges = append(edges, edge{role: r, cond: a.cond})
			}
			continue
		}
		res, err := e.Can(p, AssumeAction, r.ARN, extra, Options{Mode: mode})
		a := answer{ok: err == nil && res.Decision == Allowed}
		if a.ok {
			a.cond = res.Condition
			edges = append(edges, edge{role: r, cond: a.cond})
		}
		if cacheable {
			memo[key] = a
		}
	}
	return edges
}

// trustedBy returns, sorted by ARN, the principals that may assume role in one hop, with the
// condition each hangs on: the graph's reverse index, built from every principal's hops (a
// class's hops once for all its members).
func (g *assumeGraph) trustedBy(role *Principal) []edge {
	e := g.e
	g.inOnce.Do(func() {
		n := len(e.order)
		g.inClass, g.inOwn, g.inMerged = make([][]classHop, n), make([][]edge, n), make([]atomic.Pointer[[]edge], n)
		g.scratch.New = func() any { s := make([]edge, n); return &s }
		e.forEachPrincipal(func(p *Principal) { g.edges(p) })
		classes := map[*assumeClass]bool{}
		for _, p := range e.order {
			d := g.out[p.idx].Load()
			for _, h := range d.hops.own {
				g.inOwn[h.role.idx] = append(g.inOwn[h.role.idx], edge{role: p, cond: h.cond})
			}
			if c := d.class; c != nil {
				c.members = append(c.members, p)
				if !classes[c] {
					classes[c] = true
					for _, h := range c.edges {
						g.inClass[h.role.idx] = append(g.inClass[h.role.idx], classHop{class: c, cond: h.cond})
					}
				}
			}
		}
	})
	if role.idx < 0 || role.idx >= len(g.inOwn) || e.order[role.idx] != role {
		return nil
	}
	if m := g.inMerged[role.idx].Load(); m != nil {
		return *m
	}
	// The assumers are put in place by index (the order is by ARN) in a scratch list as long
	// as the order, then read off in order: no sort of what may be every principal.
	own, classes := g.inOwn[role.idx], g.inClass[role.idx]
	n := len(own)
	for _, ch := range classes {
		n += len(ch.class.members)
	}
	merged := make([]edge, 0, n)
	scratch := g.scratch.Get().(*[]edge)
	slots := *scratch
	lo, hi := len(slots), -1
	put := func(h edge) {
		i := h.role.idx
		slots[i] = h
		lo, hi = min(lo, i), max(hi, i)
	}
	for _, h := range own {
		put(h)
	}
	for _, ch := range classes {
		for _, p := range ch.class.members {
			if p != role {
				put(edge{role: p, cond: ch.cond})
			}
		}
	}
	for i := lo; i <= hi; i++ {
		if slots[i].role != nil {
			merged = append(merged, slots[i])
			slots[i] = edge{}
		}
	}
	g.scratch.Put(scratch)
	g.inMerged[role.idx].Store(&merged)
	return merged
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
	for _, pol := range p.Identity {
		for _, s := range pol.statements {
			if !s.matchAction(assumeLower) || !s.weighsOnClass(ix, p.Account) {
				continue
			}
			if s.substitutes() {
				return "", false
			}
			if s.vars {
				part([]byte("2012-10-17"))
			}
			part(s.src.JSON)
		}
	}
	ctx := e.principalContext(p)
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
		if k == "aws:currenttime" || k == "aws:epochtime" {
			continue
		}
		v, ok := ctx.get(k)
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

// classify marks the roles whose trust decides alike for alike principals of an account: every
// statement names AWS principals by account only (no user, role, session or "*", no
// NotPrincipal), substitutes no variables, and the RCPs of the role's account that cover
// sts:AssumeRole are told apart by at most 64 resource patterns. It gathers the condition keys
// that the statements weighed for such a hop read.
func (e *Engine) classify(ix *trustIndex) {
	ix.classable = make([]bool, len(e.order))
	ix.trusts = make([]map[string]bool, len(e.order))
	ix.roleByARN = map[string]*Principal{}
	for _, p := range e.order {
		if p.Entity.Kind == model.EntityRole {
			ix.roleByARN[p.ARN] = p
		}
	}
	// keys holds, by account, the keys read by the RCPs of every account and by the trust of
	// the classable roles that trust the account: a principal's hops weigh some of them.
	keys := map[string]bool{}
	byAccount := map[string]map[string]bool{}
	addKeys := func(to map[string]bool, s *statement) {
		for _, c := range s.conditions() {
			to[c.key] = true
		}
	}
	rcpCover := map[string][]*statement{}
	for acct := range e.rcps {
		rcpCover[acct] = e.rcpStatementsFor(acct, assumeLower)
		for _, s := range rcpCover[acct] {
			addKeys(keys, s)
		}
	}
	ix.rcpCover = rcpCover
	ix.assumeBase = make([]roleBase, len(e.order))
	for _, r := range e.order {
		if r.Entity.Kind == model.EntityRole {
			k, ok := roleKey(e, nil, rcpCover[r.Account], r)
			ix.assumeBase[r.idx] = roleBase{k, ok}
		}
	}
	for _, r := range e.order {
		rp := e.resources[r.ARN]
		if r.Entity.Kind != model.EntityRole || rp == nil || len(rcpCover[r.Account]) > 64 {
			continue
		}
		ok := true
		for _, s := range rp.policy.statements {
			if s.substitutes() || s.principal == nil || s.notPrinc || s.principal.Wildcard {
				ok = false
				break
			}
			for _, v := range s.principal.AWS {
				if isAccountID(v) {
					continue
				}
				if a, err := model.ParseARN(v); err == nil && a.Resource == "root" && v != "*" {
					continue
				}
				ok = false
			}
		}
		if ok {
			ix.classable[r.idx] = true
			ix.trusts[r.idx] = map[string]bool{}
			for _, s := range rp.policy.statements {
				for _, v := range s.principal.AWS {
					acct := v
					if a, err := model.ParseARN(v); err == nil {
						acct = a.Account
					}
					ix.trusts[r.idx][acct] = true
					if byAccount[acct] == nil {
						byAccount[acct] = map[string]bool{}
					}
					addKeys(byAccount[acct], s)
				}
			}
		}
	}
	ix.principalKeys = map[string][]string{}
	for acct := range e.accounts {
		all := maps.Clone(keys)
		maps.Copy(all, byAccount[acct])
		ix.principalKeys[acct] = slices.Sorted(maps.Keys(all))
	}
}

// forEachPrincipal calls f for every principal of the order, on as many goroutines as there
// are processors.
func (e *Engine) forEachPrincipal(f func(p *Principal)) {
	e.forEach(e.order, func(_ int, p *Principal) { f(p) })
}

// forEach calls f with each principal of list and its index, on as many goroutines as there
// are processors.
func (e *Engine) forEach(list []*Principal, f func(i int, p *Principal)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				f(i, list[i])
			}
		})
	}
	for i := range list {
		next <- i
	}
	close(next)
	wg.Wait()
}

// substitutes reports whether the statement substitutes policy variables, in Resource or in a
// condition's values: its meaning then depends on who asks.
func (s *statement) substitutes() bool {
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
		if role := ix.roleByARN[r]; role != nil && ix.classable[role.idx] && ix.trusts[role.idx][account] {
			return true
		}
	}
	return false
}
