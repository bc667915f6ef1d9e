package eval

import (
	"context"

	"github.com/iamscope/iamscope/catalog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// The functions of this file answer as RoleChains and PathsIn do, for a caller that shows the
// answer while it is found and may give up on it: the explorer, which must answer every key
// while the engine works and drops the work of a principal the user has left. They report
// what is known so far at most every reportEvery, and stop soon after ctx is done.

// reportEvery is how often the functions of this file report while they work.
const reportEvery = 50 * time.Millisecond

// RoleChainsEach is RoleChains, calling report (when not nil) with the reaches found so far
// each time the breadth-first walk starts a longer chain (the one-hop roles first) and at
// most every reportEvery between: each report is the beginning of the final answer, in its
// order. When ctx is done before the walk ends it returns ctx's error.
func (e *Engine) RoleChainsEach(ctx context.Context, p *Principal, extra *Context, mode Mode, report func([]Reach)) ([]Reach, error) {
	last := time.Now()
	depth := []int{0}
	watch := func(nodes []reachNode, next int) bool {
		if ctx.Err() != nil {
			return false
		}
		for len(depth) < len(nodes) {
			depth = append(depth, depth[nodes[len(depth)].parent]+1)
		}
		if report == nil || next == 0 {
			return true
		}
		if depth[next] > depth[next-1] || time.Since(last) >= reportEvery {
			report(reachesOf(nodes))
			last = time.Now()
		}
		return true
	}
	nodes, done := e.reachWatched(p, e.assumable(p, extra, mode), extra, mode, watch)
	if !done {
		return nil, ctx.Err()
	}
	return reachesOf(nodes), nil
}

// PathsInEach is PathsIn, finding first the paths p takes itself and those each role it
// reaches takes, the roles shared among all processors but one (which is left to the caller's
// other work: the explorer's event loop), and calling report (when not nil, on the caller's
// goroutine) with how many of the roles are done out of how many, at most every reportEvery.
// When ctx is done before the answer it returns ctx's error. What it found is kept with the
// engine, as PathsIn keeps it.
func (e *Engine) PathsInEach(ctx context.Context, p *Principal, extra *Context, mode Mode, report func(done, total int)) ([]Escalation, error) {
	g := e.graph(extra, mode)
	nodes, err := e.reachCtx(ctx, p, extra, mode)
	if err != nil {
		return nil, err
	}
	g.directPaths(p)
	roles := nodes[1:]
	var next, done atomic.Int64
	work := func() {
		for ctx.Err() == nil {
			i := int(next.Add(1)) - 1
			if i >= len(roles) {
				return
			}
			e.power(roles[i].p)
			g.directPaths(roles[i].p)
			done.Add(1)
		}
	}
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)-1) {
		wg.Go(work)
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	tick := time.NewTicker(reportEvery)
	defer tick.Stop()
	for waiting := true; waiting; {
		select {
		case <-finished:
			waiting = false
		case <-tick.C:
			if report != nil {
				report(int(done.Load()), len(roles))
			}
		}
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return e.PathsIn(p, extra, mode), nil
}

// EscalatesIn reports whether PathsIn would find any escalation path for p, stopping at the
// first: p's own paths, then along its chains, in the walk's order as each role is found, a
// role worth more than p (the path of assuming it) or a path of the role's own whose target is
// not p. When ctx is done before the answer it returns ctx's error.
func (e *Engine) EscalatesIn(ctx context.Context, p *Principal, extra *Context, mode Mode) (bool, error) {
	g := e.graph(extra, mode)
	if g.hasDirectPaths(p) {
		return true, nil
	}
	gives := func(role *Principal) bool {
		if e.worthMore(role, p) {
			return true
		}
		for _, esc := range g.directPaths(role) {
			if esc.Target != p.ARN {
				return true
			}
		}
		return false
	}
	checked, found := 1, false // nodes[0] is p
	check := func(nodes []reachNode) bool {
		for ; checked < len(nodes) && !found && ctx.Err() == nil; checked++ {
			found = gives(nodes[checked].p)
		}
		return !found && ctx.Err() == nil
	}
	nodes, _ := e.reachWatched(p, e.assumable(p, extra, mode), extra, mode, func(nodes []reachNode, _ int) bool { return check(nodes) })
	if !found {
		check(nodes) // the roles found by the last nodes walked
	}
	if !found && ctx.Err() != nil {
		return false, ctx.Err()
	}
	return found, nil
}

// hasDirectPaths reports whether directPaths(p) holds any path, stopping at the first
// catalogue path p takes when they are not known yet (and then keeping none).
func (g *assumeGraph) hasDirectPaths(p *Principal) bool {
	e := g.e
	if p.idx >= 0 && p.idx < len(g.direct) && e.order[p.idx] == p {
		if found := g.direct[p.idx].Load(); found != nil {
			return len(*found) > 0
		}
	}
	if e.power(p).admin {
		return false
	}
	f := g.newFinder(p)
	for _, path := range catalog.EscalationPaths() {
		f.path(path)
		f.flush()
		if len(f.out) > 0 {
			return true
		}
	}
	return false
}

// reachCtx is reach, stopping with ctx's error when ctx is done before the walk ends.
func (e *Engine) reachCtx(ctx context.Context, p *Principal, extra *Context, mode Mode) ([]reachNode, error) {
	nodes, done := e.reachWatched(p, e.assumable(p, extra, mode), extra, mode, func([]reachNode, int) bool { return ctx.Err() == nil })
	if !done {
		return nil, ctx.Err()
	}
	return nodes, nil
}
