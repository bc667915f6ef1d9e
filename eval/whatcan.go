package eval

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/model"
)

// Access is one action a principal can do, with the resources it reaches.
type Access struct {
	Action    string // "s3:GetObject"
	Service   string // "s3"
	Level     catalog.AccessLevel
	Resources []ResourceAccess
	// Via is the role chain the access comes through; empty for the principal's own access.
	Via []Hop
}

// ResourceAccess is where an action reaches: a resource pattern as the policies state it
// (policy variables substituted), or a known resource of the loaded accounts, decided exactly.
type ResourceAccess struct {
	Resource string
	// Known marks a resource the accounts hold (a bucket, key, role, ...) rather than a pattern.
	Known bool
	// Condition is what must hold, when the access hangs on open conditions.
	Condition *Expr
	// Except lists patterns inside Resource that a Deny carves out ("pattern" or "pattern if ...").
	Except []string
}

// WhatCan returns p's effective access over the whole action catalog: every action some policy
// lets it do, each with the resource patterns its policies state (narrowed by the permission
// boundary and SCPs, with deny carve-outs) and the known resources whose own policies weigh in
// (buckets, keys, queues, roles' trust policies, ...), each decided by the engine. Actions are
// sorted by service, then name.
func (e *Engine) WhatCan(p *Principal, extra *Context, mode Mode) []Access {
	// Outside sts, p's answer is its class's (ownServices); the sts actions are p's own.
	parts := e.withSTS(p, extra, mode, false)
	n := 0
	for _, part := range parts {
		n += len(part.acc)
	}
	out := make([]Access, 0, n)
	for _, part := range parts {
		out = append(out, part.acc...)
	}
	return out
}

// whatCanService is WhatCan for the actions of one service; base is the derived context.
//
// Every resource it lists is decided as Can decides that resource, so that what-can, the
// explorer's rows and their explanations agree: the same policies (the resource's own policy,
// the RCPs of its account), the same context (aws:RequestedRegion and aws:ResourceAccount of
// that resource), hence the same decision and the same open conditions.
func (e *Engine) whatCanService(p *Principal, svc *catalog.Service, base, extra *Context, opt Options) []Access {
	acc, _ := e.serviceAccess(p, svc, fixedContext(base), extra, opt, false)
	return acc
}

// serviceAccess is whatCanService. When counting, an action's resources are not all listed:
// an action stops at its first resource (an sts action that some pattern already allows
// takes on no role, and one that does not stops at the first role it may take on). Only how
// many actions it lists is then its answer, and no action is listed. It returns the actions
// listed and how many there are. base gives p's derived context, which only a policy variable
// in a resource pattern reads: most principals never derive it.
func (e *Engine) serviceAccess(p *Principal, svc *catalog.Service, base func() *Context, extra *Context, opt Options, counting bool) ([]Access, int) {
	stmts := relevantStatements(p.Identity, svc.Prefix, false)
	direct := e.resourceGrants(p, svc.Prefix)
	if len(stmts) == 0 && len(direct) == 0 && svc.Prefix != "sts" {
		return nil, 0
	}
	counted := 0
	var out []Access
	// Outside sts, and with no resource policy naming p, an action no identity statement
	// allows lists nothing (candidatePatterns finds no pattern): it is skipped at once.
	skipUngranted := len(direct) == 0 && svc.Prefix != "sts"
	var named map[string]bool
	if skipUngranted {
		named = e.literalActions(stmts, svc.Prefix)
	}
	// Actions that the same statements cover get the same answer on the same patterns:
	// decide each distinct set of statements once. A pattern that a resource policy governs,
	// or that lies in another account, is decided per action.
	weighed := varying(append(relevantStatements(p.denying, svc.Prefix, true), e.rcpStatements(p.Account, svc.Prefix)...), svc.Prefix)
	cache := map[string]patternAnswers{}
	var roles func(skipClassable bool) []*Principal // the roles whose trust could admit p, for the sts actions
	for _, a := range svc.Actions {
		lowerAction := a.LowerName()
		if skipUngranted && (named != nil && !named[lowerAction] ||
			named == nil && !slices.ContainsFunc(stmts, func(s *statement) bool { return s.matchAction(lowerAction) })) {
			continue
		}
		acc := Access{Action: a.FullName(), Service: a.Service, Level: a.AccessLevel}
		key := signature(weighed, lowerAction)
		if lowerAction == "sts:getcalleridentity" {
			key += "\x00free" // allowed whatever the policies say: shares no answer
		}
		ans, ok := cache[key]
		if !ok {
			ans.candidates = e.candidatePatterns(p, stmts, lowerAction, base)
			for _, pattern := range ans.candidates {
				if e.perAction(p, a.FullName(), pattern) {
					ans.perAction = append(ans.perAction, pattern)
					continue
				}
				if ra, ok := e.decidePattern(p, a.FullName(), lowerAction, pattern, extra, opt); ok {
					ans.allowed = append(ans.allowed, ra)
				}
			}
			ans.allowed = dropCovered(ans.allowed)
			cache[key] = ans
		}
		resources := ans.allowed
		if len(ans.perAction) > 0 && !(counting && len(resources) > 0) {
			resources = append([]ResourceAccess(nil), resources...)
			for _, pattern := range ans.perAction {
				if ra, ok := e.decidePattern(p, a.FullName(), lowerAction, pattern, extra, opt); ok {
					resources = append(resources, ra)
					if counting {
						break
					}
				}
			}
		}
		// When counting, an action with a resource is counted: what follows only adds
		// resources or exceptions, and takes none away. An answer that alike principals share
		// keeps it, with its resources so far (stsAnswer counts each member's).
		if counting && len(resources) > 0 {
			counted++
			if opt.withSelf {
				acc.Resources = resources
				out = append(out, acc)
			}
			continue
		}
		// The patterns' slice may be shared by the actions with the same answer; it is capped
		// so that appending to one action's resources copies it.
		resources = resources[:len(resources):len(resources)]
		resources = e.resourceCarveOuts(p, a, resources, ans.candidates, extra, opt)
		resources = addResources(resources, e.grantedByResource(p, a.FullName(), lowerAction, direct, extra, opt))
		if a.Service == "sts" {
			if roles == nil {
				roles = candidateLists(e.trust(), p, opt.withSelf)
			}
			resources = addResources(resources, e.assumableRoles(p, a, roles, extra, opt, counting))
		}
		acc.Resources = resources
		if len(acc.Resources) > 0 {
			counted++
			if !counting || opt.withSelf {
				out = append(out, acc)
			}
		}
	}
	return out, counted
}

// literalActions returns the lower-cased names of the service's actions that the statements'
// Action elements name, when every pattern that may name one is written out in ASCII without a
// wildcard (a pattern matches then the one action it spells); nil when a NotAction or a
// pattern with a wildcard (or outside ASCII) may match others.
func (e *Engine) literalActions(stmts []*statement, service string) map[string]bool {
	out := map[string]bool{}
	for _, s := range stmts {
		var lit *statementActions
		if v, ok := e.literals.Load(s); ok {
			lit = v.(*statementActions)
		} else {
			lit = newStatementActions(s)
			e.literals.Store(s, lit)
		}
		if lit.wild || lit.wildIn[service] {
			return nil
		}
		for _, a := range lit.names[service] {
			out[a] = true
		}
	}
	return out
}

// statementActions is a statement's Action element sorted for literalActions: the actions it
// names literally, by lower-cased service, and the services whose actions it names with a
// wildcard or outside ASCII (every service: wild, as for NotAction or a wildcard service).
type statementActions struct {
	names  map[string][]string
	wildIn map[string]bool
	wild   bool
}

func newStatementActions(s *statement) *statementActions {
	out := &statementActions{names: map[string][]string{}, wildIn: map[string]bool{}, wild: s.notAction}
	for _, a := range s.src.Actions {
		svc, _, _ := strings.Cut(a, ":")
		switch {
		case strings.ContainsAny(svc, "*?") || !isASCII(svc):
			out.wild = true
		case strings.ContainsAny(a, "*?") || !isASCII(a):
			out.wildIn[strings.ToLower(svc)] = true
		default:
			lower := strings.ToLower(svc)
			out.names[lower] = append(out.names[lower], strings.ToLower(a))
		}
	}
	return out
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// patternAnswers is what the actions covered by the same statements share: the candidate
// patterns, those allowed from the principal's side, and those to decide per action.
type patternAnswers struct {
	candidates []string
	allowed    []ResourceAccess
	perAction  []string
}

// perAction reports whether a pattern's decision may differ between actions that p's
// statements cover alike: a resource policy governs it, or it lies in another account (whose
// RCPs weigh in).
func (e *Engine) perAction(p *Principal, action, pattern string) bool {
	if rp := e.resourcePolicyFor(pattern); rp != nil && governs(rp, action, pattern) {
		return true
	}
	return e.resourceAccount(pattern, p.Account) != p.Account
}

// rcpStatements returns the statements of an account's RCPs that may cover the service.
func (e *Engine) rcpStatements(account, service string) []*statement {
	var out []*statement
	for _, level := range e.rcps[account] {
		out = append(out, relevantStatements(level, service, true)...)
	}
	return out
}

// addResources appends the resources not listed yet (by resource text) to rs.
func addResources(rs, more []ResourceAccess) []ResourceAccess {
	if len(more) == 0 {
		return rs
	}
	if len(rs)*len(more) <= 64 {
		for _, m := range more {
			if !slices.ContainsFunc(rs, func(r ResourceAccess) bool { return r.Resource == m.Resource }) {
				rs = append(rs, m)
			}
		}
		return rs
	}
	listed := make(map[string]bool, len(rs)+len(more))
	for _, r := range rs {
		listed[r.Resource] = true
	}
	for _, m := range more {
		if !listed[m.Resource] {
			listed[m.Resource] = true
			rs = append(rs, m)
		}
	}
	return rs
}

// varying keeps the statements whose action element covers some actions of the service but
// not others: the rest cover all of them or none, and cannot tell two actions apart.
func varying(stmts []*statement, service string) []*statement {
	out := stmts[:0:0]
	for _, s := range stmts {
		if !s.coversWholeService(service) {
			out = append(out, s)
		}
	}
	return out
}

// signature names the set of statements whose action element covers an action.
func signature(stmts []*statement, lowerAction string) string {
	b := make([]byte, (len(stmts)+7)/8)
	for i, s := range stmts {
		if s.matchAction(lowerAction) {
			b[i/8] |= 1 << (i % 8)
		}
	}
	return string(b)
}

// fixedContext gives ctx where a context is asked for only when needed.
func fixedContext(ctx *Context) func() *Context { return func() *Context { return ctx } }

// WhatCanVia returns p's own access followed by the access of every role p reaches through
// role chains, each marked with its chain.
//
// Each role's own access is decided once, and each chain built once: the entries of a role
// share its chain.
func (e *Engine) WhatCanVia(p *Principal, extra *Context, mode Mode) []Access {
	own := e.WhatCan(p, extra, mode)
	reaches := e.RoleChains(p, extra, mode)
	theirs := make([][]Access, len(reaches))
	e.WhatCanThrough(reaches, extra, mode, func(i int, acc []Access) { theirs[i] = acc })
	n := len(own)
	for i := range theirs {
		n += len(theirs[i])
	}
	out := make([]Access, 0, n)
	out = append(out, own...)
	for i, reach := range reaches {
		for _, acc := range theirs[i] {
			acc.Via = reach.Path
			out = append(out, acc)
		}
	}
	return out
}

// WhatCanThrough decides the own access (WhatCan) of each role of reaches, on every
// processor, and gives it to each with the role's index in reaches, as soon as it is decided:
// a caller that keeps only what it needs (a count by service) holds one role's access at a
// time. each may be called from several goroutines at once.
func (e *Engine) WhatCanThrough(reaches []Reach, extra *Context, mode Mode, each func(i int, acc []Access)) {
	e.forEachRole(reaches, func(i int, r *Principal) { each(i, e.WhatCan(r, extra, mode)) })
}

// forEachRole calls f with the role of each of reaches and its index, on every processor.
func (e *Engine) forEachRole(reaches []Reach, f func(i int, r *Principal)) {
	roles := make([]*Principal, len(reaches))
	for i, reach := range reaches {
		roles[i] = reach.Role
	}
	e.forEach(roles, f)
}

// WhatCanCountsThrough is WhatCanThrough counting each role's actions by service
// (WhatCanCounts) rather than listing them.
func (e *Engine) WhatCanCountsThrough(reaches []Reach, extra *Context, mode Mode, each func(i int, counts []ServiceCount)) {
	e.forEachRole(reaches, func(i int, r *Principal) { each(i, e.WhatCanCounts(r, extra, mode)) })
}

// relevantStatements returns the statements of the policies that may cover an action of the
// service: by an action pattern whose service part matches, or by NotAction. Deny statements
// are included when withDeny is set.
func relevantStatements(pols []*Policy, service string, withDeny bool) []*statement {
	var out []*statement
	for _, p := range pols {
		for _, s := range p.statements {
			if (!s.deny || withDeny) && s.mayCoverService(service) {
				out = append(out, s)
			}
		}
	}
	return out
}

// candidatePatterns lists the resource patterns worth deciding for an action: those of the
// identity statements that grant it, and those of the boundary and SCP statements that allow
// it (which narrow a broader grant). Policy variables are substituted from the context ctx
// gives, asked for only when a pattern holds one.
func (e *Engine) candidatePatterns(p *Principal, stmts []*statement, lowerAction string, ctx func() *Context) []string {
	var out []string
	addOnce := func(r string) {
		for _, o := range out {
			if o == r {
				return
			}
		}
		out = append(out, r)
	}
	add := func(s *statement) {
		if !s.matchAction(lowerAction) {
			return
		}
		if s.anyResource || s.notResource {
			addOnce("*")
			return
		}
		for _, rv := range s.res() {
			r := rv.raw
			if t := rv.tpl; t != nil {
				var ok bool
				if r, ok = t.text(ctx()); !ok {
					continue
				}
			}
			addOnce(r)
		}
	}
	granted := false
	for _, s := range stmts {
		if s.matchAction(lowerAction) {
			granted = true
			add(s)
		}
	}
	if !granted {
		return nil
	}
	narrowing := append([]*Policy(nil), p.Boundary...)
	for _, level := range e.scps[p.Account] {
		narrowing = append(narrowing, level...)
	}
	for _, pol := range narrowing {
		for _, s := range pol.statements {
			if !s.deny && !s.anyResource && !s.notResource {
				add(s)
			}
		}
	}
	return out
}

// decidePattern decides an action on a resource pattern taken as a literal resource, as Can
// decides it (the policies and the context of a request on that resource), and lists the deny
// statements that carve resources out of it: those of p's policies, of the resource's own
// policy and of the RCPs that weigh in.
func (e *Engine) decidePattern(p *Principal, action, lowerAction, pattern string, extra *Context, opt Options) (ResourceAccess, bool) {
	in, req := e.Input(p, action, pattern, extra)
	r, err := evaluateAs(in, req, p.caller, opt)
	if err != nil || r.Decision != Allowed {
		return ResourceAccess{}, false
	}
	ra := ResourceAccess{Resource: pattern, Condition: r.Condition}
	if _, ok := e.resources[pattern]; ok && !strings.ContainsAny(pattern, "*?") {
		ra.Known = true
	}
	// byPrincipal: the statements name whom they deny (a resource policy's, an RCP's).
	carve := func(pols []*Policy, byPrincipal bool) {
		for _, pol := range pols {
			for _, s := range pol.statements {
				if !s.deny || !s.matchAction(lowerAction) || s.anyResource || s.notResource {
					continue
				}
				if byPrincipal && !s.notPrinc && matchPrincipal(s.principal, &p.caller) == pmNone {
					continue
				}
				for _, rv := range s.res() {
					d := rv.raw
					if d != pattern && globMatch(pattern, d) {
						if len(s.conditions()) > 0 {
							d += " if " + conditionsText(s)
						}
						ra.Except = append(ra.Except, d)
					}
				}
			}
		}
	}
	carve(p.denying, false)
	if in.Resource != nil {
		carve([]*Policy{in.Resource}, true)
	}
	for _, level := range in.RCPs {
		carve(level, true)
	}
	return ra, true
}

func conditionsText(s *statement) string {
	conds := s.conditions()
	parts := make([]string, len(conds))
	for i, c := range conds {
		parts[i] = c.src.String()
	}
	return strings.Join(parts, " and ")
}

// dropCovered removes unconditional patterns that another unconditional allowed pattern covers.
func dropCovered(rs []ResourceAccess) []ResourceAccess {
	if len(rs) < 2 {
		return rs
	}
	out := rs[:0]
	for i, r := range rs {
		covered := false
		for j, o := range rs {
			if i != j && r.Condition == nil && o.Condition == nil && o.Resource != r.Resource &&
				globMatch(o.Resource, r.Resource) && len(o.Except) == 0 {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, r)
		}
	}
	return out
}

// resourceGrant is a resource policy that names a principal: it may grant access beyond the
// principal's identity policies.
type resourceGrant struct {
	arn    string
	policy *resourcePolicy
}

// resourceGrants returns the resource policies of a service's resources that name p, by its
// own ARN, its role, or "*" (naming its account only delegates to its identity policies).
func (e *Engine) resourceGrants(p *Principal, service string) []resourceGrant {
	e.grantsMu.Lock()
	defer e.grantsMu.Unlock()
	if e.grants == nil {
		e.grants = map[*Principal]map[string][]resourceGrant{}
	}
	byService, ok := e.grants[p]
	if !ok {
		byService = map[string][]resourceGrant{}
		rp, _ := model.ParseRequestPrincipal(p.requestPrincipal())
		for _, svc := range e.serviceNames() {
			for _, arn := range e.servicePolicies(svc) {
				res := e.resources[arn]
				for _, s := range res.policy.statements {
					if !s.deny && !s.notPrinc && matchPrincipal(s.principal, &rp) > pmAccount {
						byService[svc] = append(byService[svc], resourceGrant{arn: arn, policy: res})
						break
					}
				}
			}
		}
		for _, list := range byService {
			sort.Slice(list, func(i, j int) bool { return list[i].arn < list[j].arn })
		}
		e.grants[p] = byService
	}
	return byService[service]
}

// grantedByResource decides an action on the resources that resource policies naming p grant
// it: each allow statement's resource patterns, with the resource's policy weighed.
func (e *Engine) grantedByResource(p *Principal, action, lowerAction string, grants []resourceGrant, extra *Context, opt Options) []ResourceAccess {
	var out []ResourceAccess
	rp := &p.caller
	for _, g := range grants {
		seen := map[string]bool{}
		for _, s := range g.policy.policy.statements {
			if s.deny || !s.matchAction(lowerAction) || matchPrincipal(s.principal, rp) <= pmAccount {
				continue
			}
			patterns := []string{g.arn}
			if !s.anyResource && !s.notResource {
				patterns = patterns[:0]
				for _, rv := range s.res() {
					patterns = append(patterns, rv.raw)
				}
			}
			for _, pat := range patterns {
				if seen[pat] {
					continue
				}
				seen[pat] = true
				if r, err := e.decide(p, action, pat, extra, opt); err == nil && r.Decision == Allowed {
					out = append(out, ResourceAccess{Resource: pat, Known: true, Condition: r.Condition})
				}
			}
		}
	}
	return out
}

// assumableRoles decides the actions that take on a role (sts:AssumeRole, ...) on the roles
// whose trust policy could admit p (candidates, listed when first needed): once per class of
// alike roles (roleKey), since many roles share a trust policy. With first, it stops at the
// first role allowed (at the second with opt.withSelf: one of them may be p itself, which an
// alike principal does not list).
func (e *Engine) assumableRoles(p *Principal, a *catalog.Action, candidates func(skipClassable bool) []*Principal, extra *Context, opt Options, first bool) []ResourceAccess {
	var out []ResourceAccess
	enough := 1
	if opt.withSelf {
		enough = 2
	}
	lowerAction := a.LowerName()
	if lowerAction == assumeLower {
		// The assumption graph has decided these hops, as decide does.
		if first {
			ix := e.trust()
			h := e.assumable(p, extra, opt.Mode)
			visit := func(x edge) bool {
				if ix.listsWith(p, x.role, opt.withSelf) && len(catalog.ResourceTypesForAction(a, x.role.ARN)) > 0 {
					out = append(out, ResourceAccess{Resource: x.role.ARN, Known: true, Condition: x.cond})
				}
				return len(out) < enough
			}
			if opt.withSelf {
				h.eachWithSelf(visit)
			} else {
				h.each(visit)
			}
			return out
		}
		hops := map[*Principal]*Expr{}
		if opt.withSelf {
			h := e.assumable(p, extra, opt.Mode)
			for _, x := range slices.Concat(h.shared, h.own) { // disjoint: own are no class's
				hops[x.role] = x.cond
			}
		} else {
			e.assumable(p, extra, opt.Mode).each(func(h edge) bool { hops[h.role] = h.cond; return true })
		}
		for _, r := range candidates(false) {
			if cond, ok := hops[r]; ok && len(catalog.ResourceTypesForAction(a, r.ARN)) > 0 {
				out = append(out, ResourceAccess{Resource: r.ARN, Known: true, Condition: cond})
			}
		}
		return out
	}
	var cover []*statement
	templates := false
	for _, pol := range p.denying {
		for _, s := range pol.statements {
			if s.matchAction(lowerAction) {
				cover = append(cover, s)
				templates = templates || s.hasTemplates()
			}
		}
	}
	rcpsOf := map[string][]*statement{}
	type answer struct {
		ok   bool
		cond *Expr
	}
	memo := map[assumeMemo]answer{}
	// Whether the action takes a role as its resource depends on the ARN's form only: it is
	// asked once per partition.
	typed := map[string]bool{}
	// A role's trust policy must allow an sts action explicitly, even within its account
	// (resourcePolicyRequired): a role whose trust does not is skipped. A role whose trust names
	// accounts only (classable) admits p only as p's identity policies allow, within p's
	// permission boundary: without an identity statement allowing the action, or with a
	// boundary none of whose statements allows it, it admits p to nothing
	// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html).
	allows := func(pols []*Policy) bool {
		return slices.ContainsFunc(pols, func(pol *Policy) bool {
			return slices.ContainsFunc(pol.statements, func(s *statement) bool { return !s.deny && s.matchAction(lowerAction) })
		})
	}
	accountOnly := !allows(p.Identity) || len(p.Boundary) > 0 && !allows(p.Boundary)
	for _, r := range candidates(accountOnly) {
		if !trustAllows(e, r, lowerAction) {
			continue
		}
		partition, _, _ := strings.Cut(strings.TrimPrefix(r.ARN, "arn:"), ":")
		ok, asked := typed[partition]
		if !asked {
			ok = len(catalog.ResourceTypesForAction(a, r.ARN)) > 0
			typed[partition] = ok
		}
		if !ok {
			continue
		}
		rcps, ok := rcpsOf[r.Account]
		if !ok {
			rcps = e.rcpStatementsFor(r.Account, lowerAction)
			rcpsOf[r.Account] = rcps
		}
		key, cacheable := roleKey(e, cover, rcps, r)
		cacheable = cacheable && !templates
		ans, known := memo[key]
		if !cacheable || !known {
			res, err := e.decide(p, a.FullName(), r.ARN, extra, opt)
			ans = answer{ok: err == nil && res.Decision == Allowed}
			if ans.ok {
				ans.cond = res.Condition
			}
			if cacheable {
				memo[key] = ans
			}
		}
		if ans.ok {
			out = append(out, ResourceAccess{Resource: r.ARN, Known: true, Condition: ans.cond})
			if first && len(out) == enough {
				break
			}
		}
	}
	return out
}

// trustAllows reports whether some allow statement of role r's trust policy covers the action,
// as an sts action on a role needs (resourcePolicyRequired).
func trustAllows(e *Engine, r *Principal, lowerAction string) bool {
	rp := e.resources[r.ARN]
	return rp != nil && slices.ContainsFunc(rp.policy.statements, func(s *statement) bool { return !s.deny && s.matchAction(lowerAction) })
}

// candidateLists returns p's candidate roles (candidatesBut), listed when first asked for;
// withSelf keeps p itself among them (candidatesWithSelf).
func candidateLists(ix *trustIndex, p *Principal, withSelf bool) func(skipClassable bool) []*Principal {
	var lists [2][]*Principal
	var done [2]bool
	return func(skipClassable bool) []*Principal {
		i := btoi(skipClassable)
		if !done[i] {
			if withSelf {
				lists[i] = ix.candidatesWithSelf(p, skipClassable)
			} else {
				lists[i] = ix.candidatesBut(p, skipClassable)
			}
			done[i] = true
		}
		return lists[i]
	}
}

// rcpStatementsFor returns the statements of an account's RCPs that cover an action.
func (e *Engine) rcpStatementsFor(account, lowerAction string) []*statement {
	var out []*statement
	for _, level := range e.rcps[account] {
		for _, pol := range level {
			for _, s := range pol.statements {
				if s.matchAction(lowerAction) {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// resourceCarveOuts weighs the known resources (those with a policy of their own) that lie
// inside the candidate patterns of an action, resource by resource, since a pattern is decided
// as a literal resource and its own policy alone. Inside an allowed pattern, a resource whose
// policy keeps p out (a bucket policy's deny, a key policy that does not let IAM policies
// grant) or lets it in only under other conditions is added to the pattern's exceptions.
// Inside no allowed pattern, a resource the engine allows is listed, known, with its own
// decision: a key whose key policy lets IAM policies grant what a denied pattern names. The
// patterns, shared between actions, are copied before they are changed.
func (e *Engine) resourceCarveOuts(p *Principal, a *catalog.Action, patterns []ResourceAccess, candidates []string, extra *Context, opt Options) []ResourceAccess {
	known := e.servicePolicies(a.Service)
	if len(known) == 0 || len(candidates) == 0 {
		return patterns
	}
	out := patterns
	copied := false
	for _, arn := range known {
		for _, sample := range []string{arn, arn + "/*"} {
			if len(catalog.ResourceTypesForAction(a, sample)) == 0 || !slices.ContainsFunc(candidates, func(c string) bool { return globMatch(c, sample) }) {
				continue
			}
			var r *Result
			decided := func() bool {
				if r == nil {
					res, err := e.decide(p, a.FullName(), sample, extra, opt)
					if err != nil {
						return false
					}
					r = res
				}
				return true
			}
			covered := false
			for i := range out {
				ra := &out[i]
				if ra.Resource == sample {
					covered = true
					break
				}
				if ra.Known || !globMatch(ra.Resource, sample) {
					continue
				}
				covered = true
				if !decided() {
					break
				}
				note := ""
				switch {
				case r.Decision != Allowed:
					note = sample + " (its own policy keeps it out)"
				case r.Conditional() && (ra.Condition == nil || r.Condition.String() != ra.Condition.String()):
					note = sample + " (only if " + r.Condition.String() + ")"
				default:
					continue
				}
				if !copied {
					out = append([]ResourceAccess(nil), out...)
					copied = true
					ra = &out[i]
				}
				ra.Except = append(append([]string(nil), ra.Except...), note)
			}
			if !covered && decided() && r.Decision == Allowed {
				if !copied {
					out = append([]ResourceAccess(nil), out...)
					copied = true
				}
				out = append(out, ResourceAccess{Resource: sample, Known: true, Condition: r.Condition})
			}
		}
	}
	return out
}

// serviceNames lists, sorted, the services whose resources have a policy of their own (IAM
// aside).
func (e *Engine) serviceNames() []string {
	e.servicePolicies("")
	return e.svcNames
}

// servicePolicies lists, sorted, the resources of a service that have a policy of their own
// (role trust policies aside: they are followed as role chains).
func (e *Engine) servicePolicies(service string) []string {
	e.bySvcOnce.Do(func() {
		defer func() { e.svcNames = slices.Sorted(maps.Keys(e.bySvc)) }()
		e.bySvc = map[string][]string{}
		for arn := range e.resources {
			a, err := model.ParseARN(arn)
			if err != nil || a.Service == "iam" {
				continue
			}
			e.bySvc[a.Service] = append(e.bySvc[a.Service], arn)
		}
		for _, list := range e.bySvc {
			sort.Strings(list)
		}
	})
	return e.bySvc[service]
}
