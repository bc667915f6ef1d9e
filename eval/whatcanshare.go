package eval

import (
	"crypto/sha256"
	"encoding/binary"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/model"
)

// A principal's own what-can answer, outside sts, is the same for every principal alike on its
// identity side: the same account (hence SCPs and RCPs), kind, identity and boundary policies
// (statements in order, and the names of those with conditions), the same values of the request context keys that any
// policy reads, and named by no resource policy or RCP (by ARN, role name or session). Such
// principals share one answer, decided once on the first one asked (issue 14: "compose, don't
// copy"). The sts actions are decided per principal: the roles whose trust admits a principal
// differ from one to the next.

// shareIndex is what tells alike principals apart beyond their own policies, gathered once per
// engine from every policy it holds.
type shareIndex struct {
	// named holds the ARNs, and the "account/name" of the roles, that an AWS principal element
	// of a resource policy (trust policies aside: they govern sts actions only) or of an RCP
	// names, with the service, federated and canonical user values: a principal so named
	// may be decided apart from its class.
	named map[string]bool
	// global holds the request context keys (lower-cased) that some condition or policy
	// variable reads in the policies that weigh on every service: permission boundaries,
	// SCPs, RCPs and resource policies (trust policies aside). A service's answer weighs
	// these and those its identity statements read (keys).
	global map[string]bool
	// globalKeys lists global's keys, sorted.
	globalKeys []string
	// keys holds, by statement number (stmtID), the keys an identity statement reads; fixed
	// those numbered up front, read without the lock.
	keys, fixed [][]string
	// covers holds, by statement number, the services the statement may cover (servicesOf);
	// serviceIndex the index of each service prefix in the catalog's services.
	covers       []atomic.Pointer[[]uint16]
	serviceIndex map[string]int
	// ids numbers the identity statements by content (stmtID): those of every principal,
	// numbered up front; byContent, under mu, those of the stand-ins, when first met.
	ids       map[*statement]uint32
	mu        sync.Mutex
	byContent map[string]uint32
}

// shareIx returns the engine's share index, gathered on first use.
func (e *Engine) shareIx() *shareIndex {
	e.shareOnce.Do(func() {
		ix := &shareIndex{named: map[string]bool{}, global: map[string]bool{}, ids: map[*statement]uint32{}, byContent: map[string]uint32{}}
		seen := map[*Policy]bool{}
		read := func(pols []*Policy) {
			for _, pol := range pols {
				if seen[pol] {
					continue
				}
				seen[pol] = true
				for _, s := range pol.statements {
					for _, k := range readKeys(s) {
						ix.global[k] = true
					}
				}
			}
		}
		for _, p := range e.order {
			read(p.Boundary)
			for _, pol := range p.Identity {
				for _, s := range pol.statements {
					if _, ok := ix.ids[s]; !ok {
						ix.ids[s] = ix.stmtID(pol, s)
					}
				}
			}
		}
		for _, m := range []map[string][][]*Policy{e.scps, e.rcps, e.exemptSCPs, e.exemptRCPs} {
			for _, levels := range m {
				for _, level := range levels {
					read(level)
				}
			}
		}
		for _, m := range []map[string][][]*Policy{e.rcps, e.exemptRCPs} {
			for _, levels := range m {
				for _, level := range levels {
					for _, pol := range level {
						ix.name(pol)
					}
				}
			}
		}
		for arn, rp := range e.resources {
			if !governs(rp, "iam:GetRole", arn) {
				continue // a trust policy: it governs the sts actions, decided per principal
			}
			read([]*Policy{rp.policy})
			ix.name(rp.policy)
		}
		ix.globalKeys = slices.Sorted(maps.Keys(ix.global))
		ix.fixed = ix.keys[:len(ix.keys):len(ix.keys)]
		ix.covers = make([]atomic.Pointer[[]uint16], len(ix.fixed))
		ix.serviceIndex = map[string]int{}
		for i, svc := range catalog.Services() {
			ix.serviceIndex[svc.Prefix] = i
		}
		e.shareIdx = ix
	})
	return e.shareIdx
}

// readKeys returns the condition keys and policy variables (lower-cased) a statement reads.
func readKeys(s *statement) []string {
	var out []string
	for _, c := range s.src.Conditions {
		out = append(out, strings.ToLower(c.Key))
	}
	rest := string(s.src.JSON)
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			return out
		}
		rest = rest[i+2:]
		end := strings.IndexByte(rest, '}')
		if end < 0 {
			return out
		}
		key, _, _ := strings.Cut(rest[:end], ",")
		out = append(out, strings.ToLower(strings.TrimSpace(key)))
		rest = rest[end+1:]
	}
}

// name records the principals a policy's statements name.
func (ix *shareIndex) name(pol *Policy) {
	for _, s := range pol.statements {
		pr := s.principal
		if pr == nil {
			continue
		}
		for _, list := range [][]string{pr.AWS, pr.Service, pr.Federated, pr.CanonicalUser} {
			for _, v := range list {
				ix.named[v] = true
				if a, err := model.ParseARN(v); err == nil {
					// A role ARN names the role by name, whatever its path; a session ARN
					// names its role.
					res := strings.TrimPrefix(strings.TrimPrefix(a.Resource, "role/"), "assumed-role/")
					for _, part := range strings.Split(res, "/") {
						ix.named[a.Account+"/"+part] = true
					}
				}
			}
		}
	}
}

// names reports whether a resource policy or an RCP may name p itself.
func (ix *shareIndex) names(p *Principal) bool {
	if ix.named[p.ARN] || ix.named[p.caller.ARN] {
		return true
	}
	switch p.Entity.Kind {
	case model.EntityRole:
		return ix.named[p.Account+"/"+p.Entity.Role.Name]
	case model.EntityUser:
		return ix.named[p.Account+"/"+p.Entity.User.Name]
	}
	return true
}

// shareKey names p's class of principals alike on the identity side outside its identity
// statements (see above): its account, kind, boundary and the values of the context keys
// that the policies weighing on every service read (global); with p's context
// (principalContext), to add the values of the keys its statements read. It declines (false) for a principal
// decided alone: a stand-in, or one a resource policy or RCP may name. A service's answer is
// shared by the principals of a class whose identity statements that may cover the service
// are alike, and give the keys these read the same values (ownServices).
func (e *Engine) shareKey(p *Principal) (string, *Context, bool) {
	if p.idx < 0 || p.idx >= len(e.order) || e.order[p.idx] != p {
		return "", nil, false
	}
	ix := e.shareIx()
	if ix.names(p) {
		return "", nil, false
	}
	pctx := e.principalContext(p) // one layer
	if m := p.share.Load(); m != nil && m.ctx == pctx {
		return m.key, pctx, true
	}
	var b []byte
	part := func(s string) {
		b = binary.LittleEndian.AppendUint64(b, uint64(len(s)))
		b = append(b, s...)
	}
	part(p.Account)
	part(string([]byte{byte(p.Entity.Kind), byte(p.caller.Kind)}))
	for _, pol := range p.Boundary {
		part("boundary")
		for _, s := range pol.statements {
			part(ix.stmtContent(pol, s))
		}
	}
	b = appendValues(b, ix.globalKeys, pctx)
	part("")
	for _, k := range pctx.known {
		part(k)
	}
	sum := sha256.Sum256(b)
	p.share.Store(&shareMemo{ctx: pctx, key: string(sum[:])})
	return string(sum[:]), pctx, true
}

// shareMemo is a principal's shareKey, kept for as long as its context (principalContext)
// stands.
type shareMemo struct {
	ctx *Context
	key string
}

// stmtContent is what of a statement can reach an answer: its JSON, its place in its policy,
// whether the policy substitutes variables and, for a statement with conditions, the policy's
// name, which its open conditions carry (OpenCondition.Policy): an inline policy without
// conditions shares its answers with the same statements under another role's name.
func (ix *shareIndex) stmtContent(pol *Policy, s *statement) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(s.src.Index))
	if pol.Source != nil && pol.Source.HasVariables() {
		b.WriteString("v")
	}
	if len(s.src.Conditions) > 0 {
		b.WriteString(" " + strconv.Quote(pol.Name))
	}
	b.WriteString(" ")
	b.Write(s.src.JSON)
	return b.String()
}

// stmtID returns the number of a statement's content (stmtContent), the same for the same
// content in any policy.
func (ix *shareIndex) stmtID(pol *Policy, s *statement) uint32 {
	if id, ok := ix.ids[s]; ok {
		return id
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	c := ix.stmtContent(pol, s)
	id, ok := ix.byContent[c]
	if !ok {
		id = uint32(len(ix.byContent))
		ix.byContent[c] = id
		ix.keys = append(ix.keys, readKeys(s))
	}
	return id
}

// sepID separates the statements of two policies in a list of statement numbers.
const sepID = ^uint32(0)

// servicesOf returns the indexes in the catalog's services of those the statement numbered id
// may cover (mayCoverService), found once per content.
func (ix *shareIndex) servicesOf(id uint32, s *statement) []uint16 {
	if int(id) < len(ix.covers) {
		if c := ix.covers[id].Load(); c != nil {
			return *c
		}
	}
	services := catalog.Services()
	var out []uint16
	if s.notAction {
		out = make([]uint16, len(services))
		for i := range out {
			out[i] = uint16(i)
		}
	} else {
		x := s.actions()
		seen := make(map[int]bool, len(x.services))
		add := func(i int) {
			if !seen[i] {
				seen[i] = true
				out = append(out, uint16(i))
			}
		}
		for k, svc := range x.services {
			switch {
			case !x.wildSvc[k]:
				if i, ok := ix.serviceIndex[svc]; ok {
					add(i)
				}
			default:
				for i, cs := range services {
					if svc == "*" || globMatch(svc, cs.Prefix) {
						add(i)
					}
				}
			}
		}
		slices.Sort(out)
	}
	if int(id) < len(ix.covers) {
		ix.covers[id].Store(&out)
	}
	return out
}

// readsOf returns the keys the statement numbered id reads.
func (ix *shareIndex) readsOf(id uint32) []string {
	if int(id) < len(ix.fixed) {
		return ix.fixed[id]
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.keys[id]
}

// btoi is 1 for true, 0 for false.
func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sharedService is one service's answer for a class of alike principals, decided once: its
// actions, or when decided for counting only, how many.
type sharedService struct {
	once sync.Once
	acc  []Access
	n    int
}

// maxSharedActions bounds how many answers and actions the engine keeps in shared answers:
// past it, new answers are decided without being kept.
const maxSharedActions = 1_000_000

// serviceAnswer is p's own answer for one service: its index in the catalog's services, its
// actions (nil when only counted) and how many.
type serviceAnswer struct {
	service int
	acc     []Access
	n       int
}

// coveringPool holds scratch lists, as long as the catalog's services, for ownServices.
var coveringPool = sync.Pool{New: func() any { s := make([]covering, len(catalog.Services())); return &s }}

// covering is the identity statements of a principal that may cover a service, policy by
// policy (sepID between two policies), in the order serviceAccess reads them.
type covering struct {
	ids    []uint32
	allows bool
	last   int // the index of the policy of the last statement listed
}

// ownServices returns p's own answer for every service but sts that lists some action, in the
// catalog's order: each service's answer is its class's, decided on the first member asked.
// When counting, the actions are not kept, only counted. base gives p's derived context.
func (e *Engine) ownServices(p *Principal, extra *Context, mode Mode, counting bool, base func() *Context) []serviceAnswer {
	if !e.mayListOwn(p) {
		return nil // no service but sts can list an action: nothing to decide, nor to share
	}
	services := catalog.Services()
	var out []serviceAnswer
	opt := Options{Mode: mode}
	key, pctx, ok := e.shareKey(p)
	if !ok {
		for i, svc := range services {
			if svc.Prefix != "sts" {
				if acc, _ := e.serviceAccess(p, svc, base, extra, opt, false); len(acc) > 0 {
					out = append(out, serviceAnswer{service: i, acc: acc, n: len(acc)})
				}
			}
		}
		return out
	}
	ix := e.shareIx()
	prefix := graphKey(extra, mode) + "\x00" + key
	if counting {
		prefix = "n" + prefix
	}
	scratch := coveringPool.Get().(*[]covering)
	covered := *scratch
	var listed []int // the services some statement may cover
	defer func() {
		for _, i := range listed {
			covered[i] = covering{ids: covered[i].ids[:0]}
		}
		coveringPool.Put(scratch)
	}()
	for pi, pol := range p.Identity {
		for _, s := range pol.statements {
			id := ix.stmtID(pol, s)
			for _, i := range ix.servicesOf(id, s) {
				c := &covered[i]
				if len(c.ids) == 0 {
					listed = append(listed, int(i))
				} else if c.last != pi {
					c.ids = append(c.ids, sepID)
				}
				c.ids, c.last = append(c.ids, id), pi
				c.allows = c.allows || !s.deny
			}
		}
	}
	for _, svc := range e.serviceNames() {
		if i, ok := ix.serviceIndex[svc]; ok && len(covered[i].ids) == 0 && len(e.resourceGrants(p, svc)) > 0 {
			listed = append(listed, i)
		}
	}
	slices.Sort(listed)
	buf := make([]byte, 0, 64)
	for _, i := range listed {
		svc := services[i]
		c := &covered[i]
		if svc.Prefix == "sts" || !c.allows && len(e.resourceGrants(p, svc.Prefix)) == 0 {
			continue // decided per principal; or serviceAccess lists nothing
		}
		// The key: the class, the service and the identity statements (allow and deny) that
		// may cover it, by content, with the values of the keys they read.
		buf = append(buf[:0], prefix...)
		buf = binary.LittleEndian.AppendUint32(buf, uint32(i))
		var reads []string
		for _, id := range c.ids {
			buf = binary.LittleEndian.AppendUint32(buf, id)
			if id != sepID {
				reads = append(reads, ix.readsOf(id)...)
			}
		}
		buf = appendValues(buf, reads, pctx)
		e.sharedMu.Lock()
		a, found := e.shared[string(buf)]
		if !found {
			a = &sharedService{}
			if e.shared == nil {
				e.shared = map[string]*sharedService{}
			}
			if e.sharedActions <= maxSharedActions {
				e.shared[string(buf)] = a
			}
		}
		e.sharedMu.Unlock()
		a.once.Do(func() {
			acc, n := e.serviceAccess(p, svc, base, extra, opt, counting)
			a.n = n
			if !counting {
				a.acc = acc
			}
			e.sharedMu.Lock()
			e.sharedActions += 1 + len(a.acc) // an answer kept counts one, and its actions
			e.sharedMu.Unlock()
		})
		if a.n > 0 {
			out = append(out, serviceAnswer{service: i, acc: a.acc, n: a.n})
		}
	}
	return out
}

// appendValues appends to a key the values a principal's context gives the (lower-cased)
// keys, each key with whether the context gives it.
func appendValues(buf []byte, keys []string, ctx *Context) []byte {
	for _, k := range keys {
		v, ok := ctx.get(k)
		buf = binary.LittleEndian.AppendUint64(buf, uint64(len(k)))
		buf = append(buf, k...)
		buf = append(buf, byte(btoi(ok)), byte(btoi(v.Multi)))
		buf = binary.LittleEndian.AppendUint64(buf, uint64(len(v.Values)))
		for _, x := range v.Values {
			buf = binary.LittleEndian.AppendUint64(buf, uint64(len(x)))
			buf = append(buf, x...)
		}
	}
	return buf
}

// mayListOwn reports whether serviceAccess may list an action outside sts for p: only when an
// identity statement of p allows an action whose service part is not sts, or a resource policy outside sts grants p access
// (serviceAccess lists nothing for a service with neither). A principal without either, such as
// a role whose policies allow only sts actions, skips its class's key (shareKey) and every service.
func (e *Engine) mayListOwn(p *Principal) bool {
	for _, pol := range p.Identity {
		for _, s := range pol.statements {
			if !s.deny && (s.notAction || slices.ContainsFunc(s.actions().services, func(svc string) bool { return svc != "sts" })) {
				return true
			}
		}
	}
	for _, svc := range e.serviceNames() {
		if svc != "sts" && len(e.resourceGrants(p, svc)) > 0 {
			return true
		}
	}
	return false
}

// withSTS returns p's own answer for every service (ownServices), with p's answer for sts in
// its place.
func (e *Engine) withSTS(p *Principal, extra *Context, mode Mode, counting bool) []serviceAnswer {
	parts, shared := e.withSharedSTS(p, extra, mode, counting)
	if !shared || counting {
		return parts
	}
	for i := range parts {
		if catalog.Services()[parts[i].service].Prefix == "sts" {
			parts[i].acc = withoutSelf(parts[i].acc, p.ARN)
		}
	}
	return parts
}

// withSharedSTS is withSTS, except that p's sts actions may be those of alike principals it
// shares (the second result says so: stsAnswer), which may list p itself among the roles they
// take on; its count (n) is p's own.
func (e *Engine) withSharedSTS(p *Principal, extra *Context, mode Mode, counting bool) ([]serviceAnswer, bool) {
	var ctx *Context
	base := func() *Context { // p's derived context, when first needed
		if ctx == nil {
			ctx = e.DeriveContext(p, "", extra)
		}
		return ctx
	}
	own := e.ownServices(p, extra, mode, counting, base)
	i, ok := e.shareIx().serviceIndex["sts"]
	if !ok {
		return own, false
	}
	acc, n, shared := e.stsAnswer(p, extra, mode, i, base, counting)
	if n == 0 {
		return own, false
	}
	if counting {
		acc = nil
	}
	at, _ := slices.BinarySearchFunc(own, i, func(a serviceAnswer, i int) int { return a.service - i })
	return slices.Insert(own, at, serviceAnswer{service: i, acc: acc, n: n}), shared
}

// ServiceCount is how many actions of a service a principal can do.
type ServiceCount struct {
	Service string
	Actions int
}

// WhatCanCounts counts, by service in the catalog's order, the actions WhatCan lists for p
// (the services with none left out), without listing their resources: what the text answer
// says of each role reached through a chain. Alike roles share it, and an sts action stops at
// the first role it may take on.
func (e *Engine) WhatCanCounts(p *Principal, extra *Context, mode Mode) []ServiceCount {
	services := catalog.Services()
	var out []ServiceCount
	for _, a := range e.withSTS(p, extra, mode, true) {
		out = append(out, ServiceCount{Service: services[a.service].Prefix, Actions: a.n})
	}
	return out
}

// lists reports whether candidates(p) lists role r.
func (ix *trustIndex) lists(p, r *Principal) bool {
	if r == p {
		return false
	}
	in := func(list []*Principal) bool { return slices.Contains(list, r) }
	return in(ix.byARN[p.ARN]) || p.Entity.Kind == model.EntityRole && in(ix.byRole[p.Account+"/"+p.Entity.Role.Name]) ||
		in(ix.wildcard) || len(p.assumes) > 0 && p.mayAssume(r.ARN) && in(ix.byAccount[p.Account])
}

// ServiceAccess is what a principal can do itself in one service.
type ServiceAccess struct {
	Service string
	Actions []Access
}

// WhatCanServices is WhatCan by service, in the catalog's order: the lists of alike
// principals are shared, not copied, and must not be changed.
func (e *Engine) WhatCanServices(p *Principal, extra *Context, mode Mode) []ServiceAccess {
	services := catalog.Services()
	parts := e.withSTS(p, extra, mode, false)
	out := make([]ServiceAccess, len(parts))
	for i, part := range parts {
		out[i] = ServiceAccess{Service: services[part.service].Prefix, Actions: part.acc}
	}
	return out
}

// WhatCanServicesThrough is WhatCanThrough by service (WhatCanServices): what-can's JSON
// answer through chains holds each role's lists once, however many actions they hold. Alike
// roles are given the same lists, their sts actions included: with exceptItself, the known
// resources of acc's sts actions that name the role itself are not its own (alike roles each
// take on the others), and an sts action left with none is not its own either.
func (e *Engine) WhatCanServicesThrough(reaches []Reach, extra *Context, mode Mode, each func(i int, acc []ServiceAccess, exceptItself bool)) {
	services := catalog.Services()
	e.forEachRole(reaches, func(i int, r *Principal) {
		parts, shared := e.withSharedSTS(r, extra, mode, false)
		out := make([]ServiceAccess, len(parts))
		for k, part := range parts {
			out[k] = ServiceAccess{Service: services[part.service].Prefix, Actions: part.acc}
		}
		each(i, out, shared)
	})
}
