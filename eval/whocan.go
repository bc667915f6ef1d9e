package eval

import (
	"slices"
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

// WhoCan lists every party that can do action on resource, each once: loaded principals
// directly or through role chains, and the outside parties that the resource's policy, or the
// trust policy of a role on the way, admits (another account, "*", a service, a federated
// provider). A party that can act itself is listed so; otherwise with its shortest chain (ties
// broken by the roles' ARNs, hop by hop), its first hop included, and the conjunction of every
// hop's condition and the acting role's own. Denied parties are left out; in discovery mode a
// party allowed only under open conditions is listed with them. Each entry agrees with
// CanParty for the same party.
func (e *Engine) WhoCan(action, resource string, extra *Context, mode Mode) []Grantee {
	opt := Options{Mode: mode}
	var out []Grantee
	// acting: principals that can do it, with the chain that leads to each and the condition
	// of the whole (chainCondition, built a hop at a time).
	type reached struct {
		via  []Hop
		cond *Expr
	}
	acting := map[*Principal]reached{}
	found := make([]bool, len(e.order)) // by index: the principals of the order in acting
	listed := map[string]bool{}         // outside parties already listed (true) or found unable to act themselves (false)
	var queue []*Principal
	lowerAction := strings.ToLower(action)
	rp := e.resourcePolicyFor(resource)
	g := e.graph(extra, mode)
	// The walk back through role chains needs the graph's reverse index: once a principal is
	// found to act (else there is no walk), it is built on the other processors while the rest
	// of the principals that act themselves are decided.
	for _, p := range e.order {
		if !e.mightAllow(p, lowerAction, resource, rp) {
			continue
		}
		r, err := e.Can(p, action, resource, extra, opt)
		if err != nil || r.Decision != Allowed {
			continue
		}
		acting[p] = reached{cond: orTrue(r.Condition)}
		found[p.idx] = true
		queue = append(queue, p)
		if len(queue) == 1 {
			go g.reverse()
		}
		out = append(out, Grantee{ARN: p.ARN, Kind: kindOf(p), Principal: p, Decision: Allowed, Condition: openOrNil(r.Condition)})
	}
	// Outside parties' requests on the resource share its policy and the keys that do not
	// depend on the party: found once, on first need.
	var onResource *outsiderBase
	base := func() *outsiderBase {
		if onResource == nil {
			onResource = e.outsiderBaseFor(resource, extra)
		}
		return onResource
	}
	if rp != nil && governs(rp, action, resource) {
		parties := partiesNamed(rp, e.accounts)
		out = slices.Grow(out, len(parties))
		// Only the walk back through role chains reads listed, and there is none when no
		// principal acts itself.
		walk := len(queue) > 0
		for _, pt := range parties {
			r, err := e.outsiderCanOn(base(), pt, action, opt)
			if err != nil || r.Decision != Allowed {
				continue
			}
			if walk {
				listed[pt.Name] = true
			}
			out = append(out, Grantee{ARN: pt.Name, Kind: pt.Kind, Decision: Allowed, Condition: openOrNil(r.Condition), Note: pt.note()})
		}
	}

	// Walk role chains backwards, breadth first: who can assume a role that can act. Each
	// level is taken in ARN order, so that a party's first hop is the least ARN among the
	// roles of the next level it may assume, as a forward walk finds it.
	for len(queue) > 0 {
		var next []*Principal
		for _, role := range queue {
			if role.Entity.Kind != model.EntityRole {
				continue
			}
			then := acting[role]
			// The graph's reverse index: who may assume the role, each hop decided once (not
			// read once every principal acts). The principals already found are skipped
			// below, so their hops to the role need not be decided.
			var assumers []edge
			if len(acting) < len(e.order) {
				assumers = g.trustedByUnless(role, found)
			}
			for _, in := range assumers {
				p := in.role
				if _, seen := acting[p]; seen {
					continue
				}
				via := append([]Hop{{From: p.ARN, To: role.ARN, Action: AssumeAction, Condition: in.cond}}, then.via...)
				cond := And(orTrue(in.cond), then.cond)
				if cond.IsFalse() {
					continue
				}
				acting[p] = reached{via: via, cond: cond}
				found[p.idx] = true
				next = append(next, p)
				out = append(out, Grantee{ARN: p.ARN, Kind: kindOf(p), Principal: p, Decision: Allowed, Condition: openOrNil(cond), Via: via})
			}
			trust := e.resources[role.ARN]
			if trust == nil {
				continue
			}
			var onRole *outsiderBase
			for _, pt := range partiesNamed(trust, e.accounts) {
				if listed[pt.Name] || e.listedDirect(base(), pt, action, opt, listed, &out) {
					continue
				}
				if onRole == nil {
					onRole = e.outsiderBaseFor(role.ARN, extra)
				}
				r, err := e.outsiderCanOn(onRole, pt, pt.takeAction(), opt)
				if err != nil || r.Decision != Allowed {
					continue
				}
				via := append([]Hop{{From: pt.Name, To: role.ARN, Action: pt.takeAction(), Condition: r.Condition}}, then.via...)
				cond := And(orTrue(r.Condition), then.cond)
				if cond.IsFalse() {
					continue
				}
				listed[pt.Name] = true
				out = append(out, Grantee{ARN: pt.Name, Kind: pt.Kind, Decision: Allowed, Condition: openOrNil(cond), Via: via, Note: pt.note()})
			}
		}
		sort.Slice(next, func(i, j int) bool { return next[i].ARN < next[j].ARN })
		queue = next
	}
	return out
}

// listedDirect decides, once, whether an outside party that a trust policy names can do the
// action itself (a resource policy open to "*" admits it without naming it); if so it lists
// the party without a chain, as CanParty answers, and reports true. listed records the
// parties decided, as true when listed. b is the resource the action is on.
func (e *Engine) listedDirect(b *outsiderBase, pt Party, action string, opt Options, listed map[string]bool, out *[]Grantee) bool {
	if _, decided := listed[pt.Name]; decided {
		return listed[pt.Name]
	}
	listed[pt.Name] = false
	r, err := e.outsiderCanOn(b, pt, action, opt)
	if err != nil || r.Decision != Allowed {
		return false
	}
	listed[pt.Name] = true
	*out = append(*out, Grantee{ARN: pt.Name, Kind: pt.Kind, Decision: Allowed, Condition: openOrNil(r.Condition), Note: pt.note()})
	return true
}

func kindOf(p *Principal) GranteeKind {
	if p.Entity.Kind == model.EntityRole {
		return GranteeRole
	}
	return GranteeUser
}

// mightAllow is a quick test, ignoring conditions, of whether anything could allow p the
// action on the resource: an identity statement covering both, or a resource policy statement
// naming p. When it says no, the engine would deny; when yes, the engine decides.
func (e *Engine) mightAllow(p *Principal, lowerAction, resource string, rp *resourcePolicy) bool {
	if lowerAction == "sts:getcalleridentity" {
		return true // needs no permission: every IAM principal may (see run)
	}
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
