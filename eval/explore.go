package eval

import (
	"github.com/iamscope/iamscope/catalog"
)

// AccessServices lists the services some of whose actions p may be able to do: those its
// identity policies name (by an action pattern of the service, or by NotAction), those whose
// resource policies name p, and sts (for the roles whose trust policies admit p). It is the
// first level of an access tree, cheap to compute: no request is decided. Sorted by prefix.
func (e *Engine) AccessServices(p *Principal) []*catalog.Service {
	var out []*catalog.Service
	for _, svc := range catalog.Services() {
		if svc.Prefix == "sts" || len(relevantStatements(p.Identity, svc.Prefix, false)) > 0 ||
			len(e.resourceGrants(p, svc.Prefix)) > 0 {
			out = append(out, svc)
		}
	}
	return out
}

// WhatCanService is WhatCan for the actions of one service (a prefix such as "s3"), so that an
// explorer can decide a service only when the user opens it. An unknown service gives nil.
func (e *Engine) WhatCanService(p *Principal, service string, extra *Context, mode Mode) []Access {
	svc, ok := catalog.LookupService(service)
	if !ok {
		return nil
	}
	return e.whatCanService(p, svc, e.DeriveContext(p, "", extra), extra, Options{Mode: mode})
}

// Denial is an action that p's identity policies grant but that is denied in the end: by an
// explicit deny, the permission boundary or an SCP.
type Denial struct {
	Action   string // "s3:DeleteBucket"
	Service  string
	Level    catalog.AccessLevel
	Resource string   // the resource pattern the identity policies grant it on
	Decision Decision // ImplicitlyDenied or ExplicitlyDenied
}

// DeniedInService lists the actions of a service that p's identity policies grant on some
// pattern but that WhatCanService does not list, each with the first pattern and its decision
// there, as Can decides it (an explicit deny is preferred to an implicit one). With
// WhatCanService it tells what p cannot do although a policy seems to say it can.
func (e *Engine) DeniedInService(p *Principal, service string, extra *Context, mode Mode) []Denial {
	svc, ok := catalog.LookupService(service)
	if !ok {
		return nil
	}
	stmts := relevantStatements(p.Identity, svc.Prefix, false)
	if len(stmts) == 0 {
		return nil
	}
	base := e.DeriveContext(p, "", extra)
	opt := Options{Mode: mode}
	listed := map[string]bool{}
	for _, acc := range e.whatCanService(p, svc, base, extra, opt) {
		listed[acc.Action] = true
	}
	var out []Denial
	for _, a := range svc.Actions {
		if listed[a.FullName()] {
			continue
		}
		var first *Denial
		for _, pattern := range e.candidatePatterns(p, stmts, a.LowerName(), fixedContext(base)) {
			r, err := e.decide(p, a.FullName(), pattern, extra, opt)
			if err != nil || r.Decision == Allowed {
				continue
			}
			if first == nil || (first.Decision != ExplicitlyDenied && r.Decision == ExplicitlyDenied) {
				first = &Denial{Action: a.FullName(), Service: a.Service, Level: a.AccessLevel, Resource: pattern, Decision: r.Decision}
			}
		}
		if first != nil {
			out = append(out, *first)
		}
	}
	return out
}
