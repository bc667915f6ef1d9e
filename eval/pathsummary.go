package eval

import (
	"context"
	"encoding/binary"
	"math/bits"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/iamscope/iamscope/model"
)

// PathSummary is one principal's escalation paths with nothing repeated: the paths it takes
// itself, and the roles its chains reach that give it more, each role once with the last hop
// of its chain. A role's own paths are not copied: the summary names which of them the
// principal gains (ReachedRole.Paths), so that the paths of every principal grow with the
// roles that give something, not with every role's paths times every principal reaching it.
// Expand gives the same list as PathsIn.
type PathSummary struct {
	From *Principal
	// Own lists the paths From takes itself, as PathsIn lists them first. It is shared with the
	// engine's cache: read only.
	Own []Escalation
	// Reached lists, in breadth-first order (the order of RoleChains), the roles that give From
	// something and the roles their chains pass through. A role's chain is its Hop after the
	// chain of Reached[After].
	Reached []ReachedRole
	g       *assumeGraph
	// paths, when set, gives the paths a reached role takes itself in place of the graph's
	// directPaths (a diff reads a role unchanged on both sides on one of them): RolePaths.
	paths func(r *Principal) []Escalation
}

// ReachedRole is a role a principal reaches through a role chain, and what it gains there.
type ReachedRole struct {
	Role *Principal
	// Hop is the last hop of the shortest chain to Role; After is the index in the summary's
	// Reached of the role it is taken from, -1 when it is taken by the principal itself.
	Hop   Hop
	After int
	// Assume is set when Role is worth more than the principal, so that taking it on is an
	// escalation itself (sts-001).
	Assume bool
	// Paths indexes the role's own paths (PathSummary.RolePaths) that the principal gains
	// through it: those whose best target no shorter way gave it (and that do not target the
	// principal itself). Empty for a role the chain of another only passes through.
	Paths []int
}

// Via returns the chain of hops from the principal to Reached[i], Reached[i].Role last.
func (s *PathSummary) Via(i int) []Hop {
	depth := 0
	for j := i; j >= 0; j = s.Reached[j].After {
		depth++
	}
	out := make([]Hop, depth)
	for j := i; j >= 0; j = s.Reached[j].After {
		depth--
		out[depth] = s.Reached[j].Hop
	}
	return out
}

// RolePaths returns the own paths of Reached[i].Role, which Reached[i].Paths indexes: the
// paths that role takes itself (its own summary's Own). Read only.
func (s *PathSummary) RolePaths(i int) []Escalation {
	return s.rolePaths(s.Reached[i].Role)
}

// rolePaths returns the paths the role takes itself: by the summary's paths when set, else
// the graph's directPaths.
func (s *PathSummary) rolePaths(r *Principal) []Escalation {
	if s.paths != nil {
		return s.paths(r)
	}
	return s.g.directPaths(r)
}

// AssumeEscalation returns the sts-001 escalation of taking on Reached[i].Role, as Expand
// lists it: its chain's hops but the last before, the last one as the step.
func (s *PathSummary) AssumeEscalation(i int) Escalation {
	r := &s.Reached[i]
	via := s.Via(i)
	via = via[:len(via)-1]
	return Escalation{Path: stsPath(), From: s.From, Via: via, Actor: actorOf(s.g.e, s.From, via),
		Target: r.Role.ARN, Targets: []string{r.Role.ARN}, TargetKind: "role", Exploitable: true,
		Steps: []Step{{Action: AssumeAction, Resource: r.Role.ARN, Condition: r.Hop.Condition}}}
}

// Assumed lists the indexes in Reached of the roles worth more than the principal (Assume),
// the most powerful first: administrators, then the others, each in breadth-first order
// (shortest chain first).
func (s *PathSummary) Assumed() []int {
	var admins, others []int
	for i := range s.Reached {
		if !s.Reached[i].Assume {
			continue
		}
		if s.g.e.power(s.Reached[i].Role).admin {
			admins = append(admins, i)
		} else {
			others = append(others, i)
		}
	}
	return append(admins, others...)
}

// Count is how many escalations Expand lists.
func (s *PathSummary) Count() int {
	n := len(s.Own)
	for i := range s.Reached {
		n += len(s.Reached[i].Paths)
		if s.Reached[i].Assume {
			n++
		}
	}
	return n
}

// Expand lists the principal's escalation paths one by one, each with its whole chain: its
// own paths, then, for each reached role in breadth-first order, taking on the role when it
// is worth more, and the role's paths it gains. This is PathsIn's answer.
func (s *PathSummary) Expand() []Escalation {
	out := make([]Escalation, 0, s.Count())
	out = append(out, s.Own...)
	for i := range s.Reached {
		r := &s.Reached[i]
		if !r.Assume && len(r.Paths) == 0 {
			continue
		}
		via := s.Via(i)
		if r.Assume {
			esc := s.AssumeEscalation(i)
			esc.Via = via[:len(via)-1]
			out = append(out, esc)
		}
		own := s.RolePaths(i)
		for _, k := range r.Paths {
			esc := own[k]
			esc.From, esc.Via = s.From, via
			out = append(out, esc)
		}
	}
	return out
}

// PathSummaryIn summarizes p's privilege-escalation paths (see PathsIn) in the request context
// extra and the mode.
func (e *Engine) PathSummaryIn(p *Principal, extra *Context, mode Mode) PathSummary {
	g := e.graph(extra, mode)
	w := &pathWalker{e: e, g: g}
	return w.summarize(p, nil)
}

// HasPathsIn reports whether PathsIn would find any escalation path for p, without listing
// them (EscalatesIn without a context to stop it).
func (e *Engine) HasPathsIn(p *Principal, extra *Context, mode Mode) bool {
	has, _ := e.EscalatesIn(context.Background(), p, extra, mode)
	return has
}

// AllPathSummariesIn summarizes the escalation paths of every principal in the request context
// extra and the mode, in the order of Principals, on as many goroutines as there are
// processors. Each principal's own paths are found first, once; then each principal's chains
// name the roles that give it more.
func (e *Engine) AllPathSummariesIn(extra *Context, mode Mode) []PathSummary {
	g := e.graph(extra, mode)
	// Every principal's power is weighed below (rolesGain, nothingFor): weighed first, it lets
	// a takeover path skip the targets worth no more than the taker before any decision.
	e.forEachPrincipal(func(p *Principal) { e.power(p) })
	e.forEachPrincipal(func(p *Principal) { g.directPaths(p) })
	var gain rolesGain
	for _, p := range e.order {
		if p.Entity.Kind != model.EntityRole {
			continue
		}
		pw := e.power(p)
		gain.anyPaths = gain.anyPaths || len(g.directPaths(p)) > 0
		gain.anyAdmin = gain.anyAdmin || pw.admin
		gain.probes |= pw.probes
	}
	shared := newPathIndex(e, g)
	out := make([]PathSummary, len(e.order))
	walkers := sync.Pool{New: func() any { return &pathWalker{e: e, g: g, ix: shared} }}
	e.forEach(e.order, func(i int, p *Principal) {
		w := walkers.Get().(*pathWalker)
		out[i] = w.summarize(p, &gain)
		walkers.Put(w)
	})
	return out
}

// pathIndex holds what summarizing every principal's paths shares: each principal's own paths
// numbered by (path, best target), and its one-hop assumptions as a bitset over the engine's
// order, built on first use.
type pathIndex struct {
	keys  [][]int32 // by principal index: the number of each own path's (path, target)
	nkeys int
	words int
	hops  []atomic.Pointer[hopSet] // by principal index
	// groups numbers the wide hop sets by their roles with the principal's own added
	// (hopSet.group), under mu.
	mu     sync.Mutex
	groups map[string]int32
}

// escKey names an escalation for PathsIn's "reported once for each best target".
type escKey struct{ id, target string }

func newPathIndex(e *Engine, g *assumeGraph) *pathIndex {
	ix := &pathIndex{keys: make([][]int32, len(e.order)), words: (len(e.order) + 63) / 64, hops: make([]atomic.Pointer[hopSet], len(e.order))}
	ids := map[escKey]int32{}
	for i, p := range e.order {
		own := g.directPaths(p)
		if len(own) == 0 {
			continue
		}
		ks := make([]int32, len(own))
		for j, esc := range own {
			k := escKey{esc.Path.ID, esc.Target}
			id, ok := ids[k]
			if !ok {
				id = int32(len(ids))
				ids[k] = id
			}
			ks[j] = id
		}
		ix.keys[i] = ks
	}
	ix.nkeys = len(ids)
	return ix
}

// hopSet is a principal's one-hop assumptions as a bitset over the engine's order, and those
// that hang on a condition, sorted by index.
type hopSet struct {
	set  []uint64
	cond []edge
	// nz lists the indexes of set's nonzero words, when they are few; nil when most are not
	// zero.
	nz []int32
	// group numbers, for a set with many nonzero words, the sets that are the same once each
	// principal's own bit is added: a walk that has taken one of them finds nothing new in
	// another, since every principal a walk takes from is already reached. -1 for the others.
	group int32
}

// wideSet is how many nonzero words make a hop set worth numbering (hopSet.group).
const wideSet = 4

// condTo returns the condition of the hop to r, which the set holds.
func (h *hopSet) condTo(r *Principal) *Expr {
	if len(h.cond) == 0 {
		return nil
	}
	j := sort.Search(len(h.cond), func(j int) bool { return h.cond[j].role.idx >= r.idx })
	if j < len(h.cond) && h.cond[j].role == r {
		return h.cond[j].cond
	}
	return nil
}

// hopSet returns p's one-hop assumptions as a hopSet, each role's condition the first hop to
// it gives, as the engine's walk takes it.
func (ix *pathIndex) hopSet(g *assumeGraph, p *Principal) *hopSet {
	if s := ix.hops[p.idx].Load(); s != nil {
		return s
	}
	h := &hopSet{set: make([]uint64, ix.words)}
	g.edges(p).each(func(x edge) bool {
		bit := uint64(1) << (x.role.idx & 63)
		if h.set[x.role.idx>>6]&bit != 0 {
			return true
		}
		h.set[x.role.idx>>6] |= bit
		if x.cond != nil {
			h.cond = append(h.cond, x)
		}
		return true
	})
	h.group = -1
	for wi, word := range h.set {
		if word != 0 {
			h.nz = append(h.nz, int32(wi))
		}
	}
	if len(h.nz) > wideSet {
		key := make([]byte, 0, 12*len(h.nz)+12)
		own := false
		for _, wi := range h.nz {
			word := h.set[wi]
			if int(wi) == p.idx>>6 {
				word |= 1 << (p.idx & 63)
				own = true
			}
			key = binary.LittleEndian.AppendUint32(key, uint32(wi))
			key = binary.LittleEndian.AppendUint64(key, word)
		}
		if !own {
			key = binary.LittleEndian.AppendUint32(key, uint32(p.idx>>6))
			key = binary.LittleEndian.AppendUint64(key, 1<<(p.idx&63))
		}
		ix.mu.Lock()
		if ix.groups == nil {
			ix.groups = map[string]int32{}
		}
		id, ok := ix.groups[string(key)]
		if !ok {
			id = int32(len(ix.groups))
			ix.groups[string(key)] = id
		}
		ix.mu.Unlock()
		h.group = id
	}
	switch {
	case 2*len(h.nz) > len(h.set):
		h.nz = nil
	case h.nz == nil:
		h.nz = []int32{} // no hops: nothing to scan
	}
	ix.hops[p.idx].Store(h)
	return h
}

// pathWalker summarizes principals' paths, one at a time; with an index (ix), over bitsets
// and numbered paths, otherwise over the engine's own walk and a map.
type pathWalker struct {
	e  *Engine
	g  *assumeGraph
	ix *pathIndex
	// scratch, reused between principals
	seen  []uint64 // roles reached, by index
	stamp []uint32 // by path number: the walk that last gained it
	walk  uint32
	// taken holds, by hop set group, the reach that last took one (reached).
	taken   []uint32
	reached uint32
	nodes   []reachNode
	found   []gives
}

// gives is what a reached role gives the principal a walker summarizes.
type gives struct {
	assume bool
	paths  []int
	keep   bool
	at     int // index in Reached
}

// inOrder reports whether p is the engine's principal of its index (not a stand-in).
func (e *Engine) inOrder(p *Principal) bool {
	return p.idx >= 0 && p.idx < len(e.order) && e.order[p.idx] == p
}

// summarize finds p's summary. With gain (every role's own paths found first), a principal
// that no role could give anything is not walked.
func (w *pathWalker) summarize(p *Principal, gain *rolesGain) PathSummary {
	e, g := w.e, w.g
	s := PathSummary{From: p, Own: g.directPaths(p), g: g}
	if gain != nil && gain.nothingFor(e, p) {
		return s
	}
	indexed := w.ix != nil && e.inOrder(p)
	var nodes []reachNode
	var gained func(r *Principal, k int, esc *Escalation) bool
	if indexed {
		nodes = w.reach(p)
		w.walk++
		if w.walk == 0 || len(w.stamp) < w.ix.nkeys {
			w.stamp = make([]uint32, w.ix.nkeys)
			w.walk = 1
		}
		gained = func(r *Principal, k int, esc *Escalation) bool {
			if esc.Target == p.ARN {
				return false
			}
			id := w.ix.keys[r.idx][k]
			if w.stamp[id] == w.walk {
				return false
			}
			w.stamp[id] = w.walk
			return true
		}
	} else {
		nodes = e.reach(p, g.extra, g.mode)
		gained = gainedOnce(p)
	}
	w.gather(&s, nodes, gained, indexed)
	return s
}

// gainedOnce tells, path by path, whether p gains it: each (path, best target) once, and not
// one that targets p itself.
func gainedOnce(p *Principal) func(r *Principal, k int, esc *Escalation) bool {
	seen := map[escKey]bool{}
	return func(_ *Principal, _ int, esc *Escalation) bool {
		k := escKey{esc.Path.ID, esc.Target}
		if esc.Target == p.ARN || seen[k] {
			return false
		}
		seen[k] = true
		return true
	}
}

// gather fills in s.Reached from the walk of s.From's role chains (nodes, from reach, the
// principal first): for each role in the walk's order, whether it is worth more than the
// principal and which of its own paths (s.rolePaths) the principal gains, in gained's
// judgement after its own paths (s.Own); then it keeps the roles that give something and
// those their chains pass through. indexed says the nodes came from the walker's index walk,
// which leaves the hops' conditions to look up.
func (w *pathWalker) gather(s *PathSummary, nodes []reachNode, gained func(r *Principal, k int, esc *Escalation) bool, indexed bool) {
	e, g, p := w.e, w.g, s.From
	for k := range s.Own {
		gained(p, k, &s.Own[k])
	}
	// Decide what each reached role gives, then keep it and the roles its chain passes.
	found := w.found[:0]
	for range nodes {
		found = append(found, gives{})
	}
	w.found = found
	any := false
	for i := 1; i < len(nodes); i++ {
		role := nodes[i].p
		f := &found[i]
		f.assume = e.worthMore(role, p)
		own := s.rolePaths(role)
		for k := range own {
			if gained(role, k, &own[k]) {
				f.paths = append(f.paths, k)
			}
		}
		f.keep = f.assume || len(f.paths) > 0
		any = any || f.keep
	}
	if !any {
		return
	}
	kept := 0
	for i := len(nodes) - 1; i > 0; i-- {
		if found[i].keep {
			kept++
			if nodes[i].parent > 0 {
				found[nodes[i].parent].keep = true
			}
		}
	}
	s.Reached = make([]ReachedRole, 0, kept)
	for i := 1; i < len(nodes); i++ {
		f := &found[i]
		if !f.keep {
			continue
		}
		n := nodes[i]
		after := -1
		if n.parent > 0 {
			after = found[n.parent].at
		}
		cond := n.cond
		if indexed {
			cond = w.ix.hopSet(g, nodes[n.parent].p).condTo(n.p)
		}
		f.at = len(s.Reached)
		s.Reached = append(s.Reached, ReachedRole{Role: n.p, After: after, Assume: f.assume, Paths: f.paths,
			Hop: Hop{From: nodes[n.parent].p.ARN, To: n.p.ARN, Action: AssumeAction, Condition: cond}})
	}
}

// reach is the engine's reach (breadth first, each role once by its shortest chain, ties
// broken by ARN) over the index's bitsets: a reached role's hops cost a pass over words, not
// one step per hop. The nodes are reused by the next call. Their conditions are left out:
// summarize looks up those of the hops it keeps (hopSet.condTo).
func (w *pathWalker) reach(p *Principal) []reachNode {
	e, g, ix := w.e, w.g, w.ix
	if len(w.seen) != ix.words {
		w.seen = make([]uint64, ix.words)
	}
	clear(w.seen)
	seen := w.seen
	seen[p.idx>>6] |= 1 << (p.idx & 63)
	nodes := append(w.nodes[:0], reachNode{p: p, parent: -1})
	all := e.roleCount()
	if p.Entity.Kind == model.EntityRole {
		all-- // a role does not reach itself
	}
	w.reached++
	if w.reached == 0 {
		clear(w.taken)
		w.reached = 1
	}
	take := func(wi int, word uint64, i int) {
		fresh := word &^ seen[wi]
		if fresh == 0 {
			return
		}
		seen[wi] |= fresh
		for fresh != 0 {
			r := e.order[wi<<6+bits.TrailingZeros64(fresh)]
			fresh &= fresh - 1
			nodes = append(nodes, reachNode{p: r, parent: i})
		}
	}
	for i := 0; i < len(nodes) && len(nodes)-1 < all; i++ {
		hops := ix.hopSet(g, nodes[i].p)
		if hops.group >= 0 {
			if int(hops.group) >= len(w.taken) {
				w.taken = append(w.taken, make([]uint32, int(hops.group)+1-len(w.taken))...)
			}
			if w.taken[hops.group] == w.reached {
				continue // the same roles as a set already taken
			}
			w.taken[hops.group] = w.reached
		}
		if hops.nz != nil {
			for _, wi := range hops.nz {
				take(int(wi), hops.set[wi], i)
			}
			continue
		}
		for wi, word := range hops.set {
			take(wi, word, i)
		}
	}
	w.nodes = nodes
	return nodes
}

// find reports whether the list holds a hop to role r, and its condition: its own hop first,
// as each takes it.
func (h hopList) find(r *Principal) (*Expr, bool) {
	if r == h.self {
		return nil, false
	}
	for _, list := range [][]edge{h.own, h.shared} {
		j := sort.Search(len(list), func(j int) bool { return list[j].role.idx >= r.idx })
		if j < len(list) && list[j].role == r {
			return list[j].cond, true
		}
	}
	return nil, false
}
