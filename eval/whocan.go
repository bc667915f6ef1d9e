package eval

import (
	"sort"
	"strings"

	"github.com/iamscope/iamscope/model"
)

// GranteeKind says what sort of party a Grantee is.
type GranteeKind string

// The kinds of party who-can reports.
const (
	GranteeUser      GranteeKind = "user"
	GranteeRole      GranteeKind = "role"
	GranteeAccount   GranteeKind = "account"   // an account that is not loaded, named in a policy
	GranteeAnyone    GranteeKind = "anyone"    // "*": any principal, and anonymous callers
	GranteeService   GranteeKind = "service"   // an AWS service principal
	GranteeFederated GranteeKind = "federated" // a SAML or OIDC provider
)

// Grantee is a party that can do an action on a resource: a loaded user or role, or an outside
// party that a resource or trust policy admits.
type Grantee struct {
	ARN       string // principal ARN, account id, "*", service or provider name
	Kind      GranteeKind
	Principal *Principal // nil for outside parties
	Decision  Decision
	// Condition is what must hold for the grant, when it hangs on open conditions.
	Condition *Expr
	// Via is the role chain by which the party gets there; empty when it acts directly. The
	// last hop's To is the role that does the action.
	Via []Hop
	// Note says what the answer assumes, e.g. that an outside account's own policies allow.
	Note string
}

// WhoCan lists every party that can do action on resource: loaded principals directly or
// through role chains (shortest chain), and the outside parties that the resource's policy,
// or the trust policy of a role on the way, admits (another account, "*", a service, a
// federated provider). Denied parties are left out; in discovery mode a party allowed only
// under open conditions is listed with them.
func (e *Engine) WhoCan(action, resource string, extra *Context, mode Mode) []Grantee {
	opt := Options{Mode: mode}
	var out []Grantee
	// acting: principals that can do it themselves, and the chain that leads to each.
	acting := map[*Principal][]Hop{}
	var queue []*Principal
	lowerAction := strings.ToLower(action)
	rp := e.resourcePolicyFor(resource)
	for _, p := range e.order {
		if !e.mightAllow(p, lowerAction, resource, rp) {
			continue
		}
		r, err := e.Can(p, action, resource, extra, opt)
		if err != nil || r.Decision != Allowed {
			continue
		}
		acting[p] = nil
		queue = append(queue, p)
		out = append(out, Grantee{ARN: p.ARN, Kind: kindOf(p), Principal: p, Decision: Allowed, Condition: r.Condition})
	}
	out = append(out, e.outsiders(e.resourcePolicyFor(resource), action, resource, extra, opt, nil)...)

	// Walk role chains backwards: who can assume a role that can act, breadth first.
	for len(queue) > 0 {
		var next []*Principal
		for _, role := range queue {
			if role.Entity.Kind != model.EntityRole {
				continue
			}
			trust := e.resources[role.ARN]
			for _, p := range e.trustedBy(role) {
				if _, seen := acting[p]; seen {
					continue
				}
				r, err := e.Can(p, AssumeAction, role.ARN, extra, opt)
				if err != nil || r.Decision != Allowed {
					continue
				}
				via := append([]Hop{{From: p.ARN, To: role.ARN, Action: AssumeAction, Condition: r.Condition}}, acting[role]...)
				acting[p] = via
				next = append(next, p)
				out = append(out, Grantee{ARN: p.ARN, Kind: kindOf(p), Principal: p, Decision: Allowed, Via: via})
			}
			out = append(out, e.outsiders(trust, AssumeAction, role.ARN, extra, opt, acting[role])...)
		}
		sort.Slice(next, func(i, j int) bool { return next[i].ARN < next[j].ARN })
		queue = next
	}
	return out
}

func kindOf(p *Principal) GranteeKind {
	if p.Entity.Kind == model.EntityRole {
		return GranteeRole
	}
	return GranteeUser
}

// trustedBy lists the loaded principals a role's trust policy could admit, sorted by ARN:
// those it names (by ARN, or a session of a role), those of an account it names whose
// identity policies could allow sts:AssumeRole on the role, and everyone for "*".
func (e *Engine) trustedBy(role *Principal) []*Principal {
	rp := e.resources[role.ARN]
	if rp == nil {
		return nil
	}
	ix := e.trust()
	seen := map[*Principal]bool{role: true}
	var out []*Principal
	add := func(p *Principal) {
		if p != nil && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, s := range rp.policy.statements {
		if s.deny {
			continue
		}
		if s.principal == nil || s.notPrinc || s.principal.Wildcard {
			for _, p := range e.order {
				add(p)
			}
			continue
		}
		for _, v := range s.principal.AWS {
			switch {
			case v == "*":
				for _, p := range e.order {
					add(p)
				}
			case isAccountID(v):
				for _, p := range ix.assumers[v] {
					if p.mayAssume(role.ARN) {
						add(p)
					}
				}
			default:
				if acct, name, _, ok := sessionOf(v); ok {
					add(ix.roleByName[acct+"/"+name])
				} else if a, err := model.ParseARN(v); err == nil && a.Resource == "root" {
					for _, p := range ix.assumers[a.Account] {
						if p.mayAssume(role.ARN) {
							add(p)
						}
					}
				} else if p, ok := e.principals[v]; ok {
					add(p)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ARN < out[j].ARN })
	return out
}

// outsiders lists the parties outside the loaded accounts that a resource (or trust) policy
// admits for action on resource, each decided by the engine as that party: "*" as an anonymous
// caller, a service as itself, a federated provider as itself, and another account as its
// root, which stands for "whoever that account's own policies allow".
func (e *Engine) outsiders(rp *resourcePolicy, action, resource string, extra *Context, opt Options, via []Hop) []Grantee {
	if rp == nil {
		return nil
	}
	type party struct {
		name, principal string
		kind            GranteeKind
	}
	var parties []party
	seen := map[string]bool{}
	add := func(p party) {
		if !seen[p.name] {
			seen[p.name] = true
			parties = append(parties, p)
		}
	}
	for _, s := range rp.policy.statements {
		if s.deny || s.principal == nil {
			continue
		}
		if s.principal.Wildcard || s.notPrinc {
			add(party{"*", "anonymous", GranteeAnyone})
			continue
		}
		for _, v := range s.principal.AWS {
			acct := v
			if !isAccountID(v) {
				a, err := model.ParseARN(v)
				if v == "*" {
					add(party{"*", "anonymous", GranteeAnyone})
					continue
				}
				if err != nil {
					continue
				}
				acct = a.Account
			}
			if _, loaded := e.accounts[acct]; loaded {
				continue
			}
			add(party{acct, "arn:aws:iam::" + acct + ":root", GranteeAccount})
		}
		for _, v := range s.principal.Service {
			add(party{v, v, GranteeService})
		}
		for _, v := range s.principal.Federated {
			add(party{v, v, GranteeFederated})
		}
	}
	var out []Grantee
	for _, p := range parties {
		g := Grantee{ARN: p.name, Kind: p.kind, Via: via}
		switch p.kind {
		case GranteeAccount:
			g.Note = "if account " + p.name + "'s own policies allow its principals"
		case GranteeFederated:
			g.Note = "users signed in through the provider"
		}
		principal := p.principal
		if p.kind == GranteeFederated {
			// A federated provider is weighed by the trust policy alone; stand in an
			// anonymous caller for the provider's users and match the provider by name.
			principal = "anonymous"
		}
		in := &Input{Resource: rp.policy, RCPs: e.rcps[rp.account]}
		req := &Request{Principal: principal, Action: action, Resource: resource, Context: extra, ResourceAccount: rp.account}
		if p.kind == GranteeFederated {
			g.Decision, g.Condition = e.federatedDecision(rp, p.name, action, resource, extra, opt)
		} else if r, err := Evaluate(in, req, opt); err == nil {
			g.Decision, g.Condition = r.Decision, r.Condition
		}
		if g.Decision == Allowed {
			out = append(out, g)
		}
	}
	return out
}

// federatedDecision decides whether a trust policy admits a federated provider's users: some
// Allow statement names the provider for the action and resource, and no Deny applies.
func (e *Engine) federatedDecision(rp *resourcePolicy, provider, action, resource string, extra *Context, opt Options) (Decision, *Expr) {
	r := &request{action: strings.ToLower(action), resource: resource, ctx: extra, discovery: opt.Mode == Discovery,
		principal: model.RequestPrincipal{Kind: model.PrincipalUnknown, ARN: provider}}
	if r.ctx == nil {
		r.ctx = NewContext()
	}
	ev := &evaluation{r: r, opt: opt}
	allow, deny := False, False
	for _, s := range rp.policy.statements {
		named := false
		if s.principal != nil {
			for _, v := range s.principal.Federated {
				named = named || v == provider
			}
			named = named || s.principal.Wildcard
		}
		if !named {
			continue
		}
		expr, _, _ := ev.evalStatement(rp.policy, s, IdentityPolicy) // principal already matched by name
		if s.deny {
			deny = Or(deny, expr)
		} else {
			allow = Or(allow, expr)
		}
	}
	final := And(allow, Not(deny))
	switch {
	case deny.IsTrue():
		return ExplicitlyDenied, nil
	case final.IsTrue():
		return Allowed, nil
	case allow.IsFalse():
		return ImplicitlyDenied, nil
	}
	return Allowed, final
}

// mightAllow is a quick test, ignoring conditions, of whether anything could allow p the
// action on the resource: an identity statement covering both, or a resource policy statement
// naming p. When it says no, the engine would deny; when yes, the engine decides.
func (e *Engine) mightAllow(p *Principal, lowerAction, resource string, rp *resourcePolicy) bool {
	for _, pol := range p.Identity {
		for _, s := range pol.statements {
			if !s.deny && s.matchAction(lowerAction) && s.mightMatchResource(resource) {
				return true
			}
		}
	}
	if rp != nil {
		for _, s := range rp.policy.statements {
			if !s.deny && s.matchAction(lowerAction) && (s.notPrinc || matchPrincipal(s.principal, &p.caller) > pmNone || sessionNamed(s.principal, &p.caller) != "") {
				return true
			}
		}
	}
	return false
}
