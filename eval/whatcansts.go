package eval

import (
	"encoding/binary"
	"slices"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/model"
)

// A principal's sts actions list the roles it may take on, and no principal lists itself: so
// the sts answers of alike principals differ, each leaving out its own ARN. Where every role
// that could admit p trusts p's account only (no trust names p, a session of its role or "*",
// and every role trusting its account is classable), which roles p may take on is decided by
// its assume class (assumeClassKey), the roles' trust and p's identity side (shareKey, and its
// statements that may cover sts). Alike principals then share one sts answer, decided once on
// the first asked with that principal left in the roles it may take on (withSelf); each one's
// own answer is that one with the resources naming itself taken out (withoutSelf). On an
// account whose roles all trust the root and may take on any role, n roles then decide the n
// roles' hops once, not n times (issue 14's root-trust shape).

// stsShareKey names p's sts answer among the principals that share one (see above); false when
// p decides its own: a trust or resource policy names it, a role trusting its account is
// decided per principal, a role's trust admits anyone, or a statement p's sts actions weigh
// could list p itself as a resource (a policy variable, or p's own ARN, in its Resource).
func (e *Engine) stsShareKey(p *Principal, extra *Context, mode Mode, sts int, counting bool) (string, bool) {
	key, pctx, ok := e.shareKey(p) // p in the engine's order, named by no resource policy or RCP
	if !ok || len(e.servicePolicies("sts")) > 0 {
		return "", false
	}
	ix := e.trust()
	if len(ix.wildcard) > 0 || len(ix.unclassed[p.Account]) > 0 || len(ix.byARN[p.ARN]) > 0 ||
		p.Entity.Kind == model.EntityRole && len(ix.byRole[p.Account+"/"+p.Entity.Role.Name]) > 0 {
		return "", false
	}
	for _, pol := range p.denying {
		for _, s := range pol.statements {
			if (s.notAction || s.mayCoverService("sts")) && (s.mayHaveVariables() || slices.Contains(s.src.Resources, p.ARN)) {
				return "", false
			}
		}
	}
	classKey, classed := e.assumeClassKey(p)
	if !classed {
		return "", false
	}
	sx := e.shareIx()
	buf := append([]byte("sts\x00"+graphKey(extra, mode)+"\x00"), key...)
	if counting {
		buf = append(buf, "\x00counting"...)
	}
	buf = append(buf, classKey...)
	var reads []string
	for pi, pol := range p.Identity {
		for _, s := range pol.statements {
			id := sx.stmtID(pol, s)
			if _, covers := slices.BinarySearch(sx.servicesOf(id, s), uint16(sts)); covers {
				buf = binary.LittleEndian.AppendUint32(buf, uint32(pi))
				buf = binary.LittleEndian.AppendUint32(buf, id)
				reads = append(reads, sx.readsOf(id)...)
			}
		}
	}
	buf = binary.LittleEndian.AppendUint32(buf, sepID)
	return string(appendValues(buf, reads, pctx)), true
}

// stsAnswer returns p's answer for sts (the service at index sts): its own, or with shared its
// class's, which may list p itself among the roles it takes on (withoutSelf leaves it out).
func (e *Engine) stsAnswer(p *Principal, extra *Context, mode Mode, sts int, base func() *Context, counting bool) (acc []Access, n int, shared bool) {
	svc := catalog.Services()[sts]
	key, ok := e.stsShareKey(p, extra, mode, sts, counting)
	if !ok {
		acc, n = e.serviceAccess(p, svc, base, extra, Options{Mode: mode}, counting)
		return acc, n, false
	}
	e.sharedMu.Lock()
	a, found := e.shared[key]
	if !found {
		a = &sharedService{}
		if e.shared == nil {
			e.shared = map[string]*sharedService{}
		}
		if e.sharedActions <= maxSharedActions {
			e.shared[key] = a
		}
	}
	e.sharedMu.Unlock()
	a.once.Do(func() {
		// Counting, an action is decided until it lists two resources: one may be the
		// member asking.
		a.acc, a.n = e.serviceAccess(p, svc, base, extra, Options{Mode: mode, withSelf: true}, counting)
		e.sharedMu.Lock()
		e.sharedActions += 1 + len(a.acc)
		e.sharedMu.Unlock()
	})
	return a.acc, countWithoutSelf(a.acc, p.ARN), true
}

// countWithoutSelf counts the actions of acc with a resource other than the role arn taken on.
func countWithoutSelf(acc []Access, arn string) int {
	n := 0
	for _, a := range acc {
		if len(a.Resources) > 1 || len(a.Resources) == 1 && !isSelf(a.Resources[0], arn) {
			n++
		}
	}
	return n
}

// isSelf reports whether an sts action's resource is the role arn taken on.
func isSelf(r ResourceAccess, arn string) bool { return r.Known && r.Resource == arn }

// withoutSelf returns acc with the resources naming the role arn taken out, and the actions
// left with none: the answer of a principal that shares acc (stsAnswer). acc is not changed;
// the actions it did not list arn in are shared with it.
func withoutSelf(acc []Access, arn string) []Access {
	var out []Access
	for i, a := range acc {
		at := slices.IndexFunc(a.Resources, func(r ResourceAccess) bool { return isSelf(r, arn) })
		if at < 0 {
			if out != nil {
				out = append(out, a)
			}
			continue
		}
		if out == nil {
			out = append(make([]Access, 0, len(acc)), acc[:i]...)
		}
		if len(a.Resources) > 1 {
			a.Resources = slices.Delete(slices.Clone(a.Resources), at, at+1)
			out = append(out, a)
		}
	}
	if out == nil {
		return acc
	}
	return out
}

// candidatesWithSelf is candidatesBut with p itself kept, for a principal whose sts answer is
// shared (stsShareKey): no trust names p or admits anyone, so its candidates are the roles
// trusting its account (or those of them that are not classable) that its patterns cover.
func (ix *trustIndex) candidatesWithSelf(p *Principal, skipClassable bool) []*Principal {
	if len(p.assumes) == 0 {
		return nil
	}
	trusting := ix.byAccount[p.Account]
	if skipClassable {
		trusting = ix.unclassed[p.Account]
	}
	var out []*Principal
	for _, r := range trusting {
		if p.mayAssume(r.ARN) {
			out = append(out, r)
		}
	}
	return out
}

// listsWith is lists, counting r == p in when withSelf (for a principal whose sts answer is
// shared: candidatesWithSelf).
func (ix *trustIndex) listsWith(p, r *Principal, withSelf bool) bool {
	if !withSelf {
		return ix.lists(p, r)
	}
	return len(p.assumes) > 0 && p.mayAssume(r.ARN) && slices.Contains(ix.byAccount[p.Account], r)
}
