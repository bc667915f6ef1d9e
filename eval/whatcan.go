package eval

import (
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
	base := e.DeriveContext(p, "", extra)
	opt := Options{Mode: mode}
	var parts [][]Access
	n := 0
	for _, svc := range catalog.Services() {
		if acc := e.whatCanService(p, svc, base, extra, opt); len(acc) > 0 {
			parts = append(parts, acc)
			n += len(acc)
		}
	}
	out := make([]Access, 0, n)
	for _, acc := range parts {
		out = append(out, acc...)
	}
	return out
}

// whatCanService is WhatCan for the actions of one service; base is the derived context.
func (e *Engine) whatCanService(p *Principal, svc *catalog.Service, base, extra *Context, opt Options) []Access {
	stmts := relevantStatements(p.Identity, svc.Prefix, false)
	direct := e.resourceGrants(p, svc.Prefix)
	if len(stmts) == 0 && len(direct) == 0 && svc.Prefix != "sts" {
		return nil
	}
	out := make([]Access, 0, len(svc.Actions))
	// Actions that the same statements cover get the same answer on the same patterns:
	// decide each distinct set of statements once.
	weighed := varying(relevantStatements(p.denying, svc.Prefix, true), svc.Prefix)
	cache := map[string][]ResourceAccess{}
	for _, a := range svc.Actions {
		lowerAction := a.LowerName()
		acc := Access{Action: a.FullName(), Service: a.Service, Level: a.AccessLevel}
		key := signature(weighed, lowerAction)
		resources, ok := cache[key]
		if !ok {
			for _, pattern := range e.candidatePatterns(p, stmts, lowerAction, base) {
				if ra, ok := e.decidePattern(p, a.FullName(), lowerAction, pattern, base, opt); ok {
					resources = append(resources, ra)
				}
			}
			resources = dropCovered(resources)
			cache[key] = resources
		}
		// The patterns' slice is shared by the actions with the same answer; it is capped so
		// that appending to one action's resources copies it.
		shared := e.resourceCarveOuts(p, a, resources, extra, opt)
		acc.Resources = shared[:len(shared):len(shared)]
		acc.Resources = append(acc.Resources, e.grantedByResource(p, a.FullName(), lowerAction, direct, extra, opt)...)
		if a.Service == "sts" {
			acc.Resources = append(acc.Resources, e.assumableRoles(p, a, extra, opt)...)
		}
		if len(acc.Resources) > 0 {
			out = append(out, acc)
		}
	}
	return out
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

// WhatCanVia returns p's own access followed by the access of every role p reaches through
// role chains, each marked with its chain.
func (e *Engine) WhatCanVia(p *Principal, extra *Context, mode Mode) []Access {
	out := e.WhatCan(p, extra, mode)
	for _, reach := range e.RoleChains(p, extra, mode) {
		for _, acc := range e.WhatCan(reach.Role, extra, mode) {
			acc.Via = reach.Path
			out = append(out, acc)
		}
	}
	return out
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
// it (which narrow a broader grant). Policy variables are substituted from the context.
func (e *Engine) candidatePatterns(p *Principal, stmts []*statement, lowerAction string, ctx *Context) []string {
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
				if r, ok = t.text(ctx); !ok {
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

// decidePattern decides an action on a resource pattern taken as a literal resource, and
// lists the deny statements that carve resources out of it.
func (e *Engine) decidePattern(p *Principal, action, lowerAction, pattern string, ctx *Context, opt Options) (ResourceAccess, bool) {
	in := &Input{Identity: p.Identity, Boundaries: p.Boundary, SCPs: e.scps[p.Account], RCPs: e.rcps[p.Account]}
	req := &Request{Principal: p.requestPrincipal(), Action: action, Resource: pattern, Context: ctx, ResourceAccount: p.Account}
	r, err := evaluateAs(in, req, p.caller, opt)
	if err != nil || r.Decision != Allowed {
		return ResourceAccess{}, false
	}
	ra := ResourceAccess{Resource: pattern, Condition: r.Condition}
	for _, pol := range p.denying {
		for _, s := range pol.statements {
			if !s.deny || !s.matchAction(lowerAction) || s.anyResource || s.notResource {
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
		for arn, res := range e.resources {
			a, err := model.ParseARN(arn)
			if err != nil || a.Service == "iam" {
				continue // role trust policies are followed as role chains
			}
			for _, s := range res.policy.statements {
				if !s.deny && !s.notPrinc && matchPrincipal(s.principal, &rp) > pmAccount {
					byService[a.Service] = append(byService[a.Service], resourceGrant{arn: arn, policy: res})
					break
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
				in, req := e.Input(p, action, pat, extra)
				in.Resource = g.policy.policy
				req.ResourceAccount = g.policy.account
				if r, err := Evaluate(in, req, opt); err == nil && r.Decision == Allowed {
					out = append(out, ResourceAccess{Resource: pat, Known: true, Condition: r.Condition})
				}
			}
		}
	}
	return out
}

// assumableRoles decides the actions that take on a role (sts:AssumeRole, ...) on the roles
// whose trust policy could admit p.
func (e *Engine) assumableRoles(p *Principal, a *catalog.Action, extra *Context, opt Options) []ResourceAccess {
	var out []ResourceAccess
	for _, r := range e.trust().candidates(p) {
		if len(catalog.ResourceTypesForAction(a, r.ARN)) == 0 {
			continue
		}
		in, req := e.Input(p, a.FullName(), r.ARN, extra)
		if res, err := Evaluate(in, req, opt); err == nil && res.Decision == Allowed {
			out = append(out, ResourceAccess{Resource: r.ARN, Known: true, Condition: res.Condition})
		}
	}
	return out
}

// resourceCarveOuts returns the patterns with, added to their exceptions, the known resources
// inside them whose own policy keeps p out (a bucket policy's deny, a key policy that does not
// let IAM policies grant) or lets it in only under conditions: a pattern is decided from p's
// side alone, and the resource's side is weighed here, resource by resource. The patterns,
// shared between actions, are copied before they are changed.
func (e *Engine) resourceCarveOuts(p *Principal, a *catalog.Action, patterns []ResourceAccess, extra *Context, opt Options) []ResourceAccess {
	known := e.servicePolicies(a.Service)
	if len(known) == 0 || len(patterns) == 0 {
		return patterns
	}
	out := patterns
	copied := false
	for _, arn := range known {
		for _, sample := range []string{arn, arn + "/*"} {
			if len(catalog.ResourceTypesForAction(a, sample)) == 0 {
				continue
			}
			var r *Result
			for i := range out {
				ra := &out[i]
				if ra.Known || ra.Resource == sample || !globMatch(ra.Resource, sample) {
					continue
				}
				if r == nil {
					res, err := e.Can(p, a.FullName(), sample, extra, opt)
					if err != nil {
						break
					}
					r = res
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
		}
	}
	return out
}

// servicePolicies lists, sorted, the resources of a service that have a policy of their own
// (role trust policies aside: they are followed as role chains).
func (e *Engine) servicePolicies(service string) []string {
	e.bySvcOnce.Do(func() {
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
