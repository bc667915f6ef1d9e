package eval

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/iamscope/iamscope/model"
)

// Party is whoever a question can be asked about: a loaded user or role (or a session of a
// loaded role), or a party outside the loaded accounts that a resource or trust policy can
// admit: another account, "*" (anyone, and anonymous callers), a service principal or a
// federated identity provider. who-can lists parties, and can decides for one.
type Party struct {
	// Name is how who-can lists the party: a principal ARN (a session ARN for a session), an
	// account id, "*", a service principal or a provider.
	Name string
	Kind GranteeKind
	// Principal is the loaded user or role, or a session stand-in for a role (SessionPrincipal);
	// nil for an outside party.
	Principal *Principal
	// caller is the request principal an outside party's requests carry: an account's root,
	// "anonymous", a service principal, or the provider itself.
	caller model.RequestPrincipal
}

// webIdentityProviders are the well-known identity providers a trust policy names by domain
// under "Federated", which a name alone would not tell from a service principal
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-federated-web-identity).
var webIdentityProviders = map[string]bool{
	"accounts.google.com": true, "graph.facebook.com": true, "www.amazon.com": true,
	"cognito-identity.amazonaws.com": true,
}

// PartyOf returns the party a loaded principal is.
func PartyOf(p *Principal) Party {
	name := p.ARN
	if p.session != "" {
		name = p.requestPrincipal()
	}
	return Party{Name: name, Kind: kindOf(p), Principal: p}
}

// FindParty reads the identifier of a party who-can can list and can decide for: "*" or
// "anonymous"; a 12-digit account id or an account's root ARN; a service principal
// (lambda.amazonaws.com); a federated provider (an oidc-provider or saml-provider ARN, or a
// well-known web identity provider); a loaded user or role ARN; or a session ARN of a loaded
// role (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION). ok is false when id is none of these,
// and err says why an identifier of the right form names no party (a principal of an
// account that is not loaded).
func (e *Engine) FindParty(id string) (pt Party, ok bool, err error) {
	switch {
	case id == "*" || id == "anonymous":
		return outsideParty("*", GranteeAnyone, model.RequestPrincipal{Kind: model.PrincipalAnonymous, ARN: "anonymous"}), true, nil
	case isAccountID(id):
		return accountParty(id), true, nil
	case webIdentityProviders[id]:
		return federatedParty(id), true, nil
	case !strings.HasPrefix(id, "arn:"):
		if rp, err := model.ParseRequestPrincipal(id); err == nil && rp.Kind == model.PrincipalService {
			return outsideParty(id, GranteeService, rp), true, nil
		}
		return Party{}, false, nil
	}
	if p, found := e.principals[id]; found {
		return PartyOf(p), true, nil
	}
	a, perr := model.ParseARN(id)
	if perr != nil {
		return Party{}, false, nil
	}
	switch {
	case a.Service == "iam" && a.Resource == "root" && isAccountID(a.Account):
		return accountParty(a.Account), true, nil
	case a.Service == "iam" && (strings.HasPrefix(a.Resource, "oidc-provider/") || strings.HasPrefix(a.Resource, "saml-provider/")):
		return federatedParty(id), true, nil
	}
	rp, perr := model.ParseRequestPrincipal(id)
	if perr != nil {
		return Party{}, false, nil
	}
	if rp.Kind == model.PrincipalRoleSession {
		if role := e.trust().roleNamed(rp.Account, rp.Name); role != nil {
			return PartyOf(e.SessionPrincipal(role, rp.Session)), true, nil
		}
	}
	if _, loaded := e.accounts[rp.Account]; loaded {
		return Party{}, false, nil // a name of the loaded accounts that is not there: the caller suggests
	}
	return Party{}, false, fmt.Errorf("%s is a %s of account %s, which is not loaded: ask about the account (%s), which stands for whoever its own policies allow",
		id, rp.Kind, rp.Account, rp.Account)
}

func outsideParty(name string, kind GranteeKind, caller model.RequestPrincipal) Party {
	return Party{Name: name, Kind: kind, caller: caller}
}

// accountParty is an account outside the loaded ones, decided as its root: it stands for
// "whoever that account's own policies allow".
func accountParty(acct string) Party {
	root := "arn:aws:iam::" + acct + ":root"
	return outsideParty(acct, GranteeAccount, model.RequestPrincipal{Kind: model.PrincipalRoot, ARN: root, Account: acct, Partition: "aws"})
}

// federatedParty is a SAML or OIDC provider: a trust policy names it under "Federated", and
// its users are weighed by the trust policy alone.
func federatedParty(provider string) Party {
	return outsideParty(provider, GranteeFederated, model.RequestPrincipal{Kind: model.PrincipalUnknown, ARN: provider})
}

// note says what an answer about an outside party assumes.
func (pt Party) note() string {
	switch pt.Kind {
	case GranteeAccount:
		return "if account " + pt.Name + "'s own policies allow its principals"
	case GranteeFederated:
		return "users signed in through the provider"
	}
	return ""
}

// takeAction is the action by which the party takes on a role: a federated provider's users
// with a web identity token or a SAML assertion, anyone else with sts:AssumeRole
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_Operations.html).
func (pt Party) takeAction() string {
	if pt.Kind == GranteeFederated {
		if strings.Contains(pt.Name, ":saml-provider/") {
			return "sts:AssumeRoleWithSAML"
		}
		return "sts:AssumeRoleWithWebIdentity"
	}
	return AssumeAction
}

// SessionPrincipal returns a stand-in for a session of a loaded role with the given session
// name: it holds the role's policies, and its requests carry the session's ARN and
// aws:userid.
func (e *Engine) SessionPrincipal(role *Principal, session string) *Principal {
	if session == SessionName || role.Entity.Kind != model.EntityRole {
		return role
	}
	p := &Principal{Entity: role.Entity, ARN: role.ARN, Account: role.Account, Identity: role.Identity,
		Boundary: role.Boundary, Incomplete: role.Incomplete, unweighed: role.unweighed, idx: -1, session: session}
	p.caller, _ = model.ParseRequestPrincipal(p.requestPrincipal())
	e.gather(p)
	return p
}

// outsiderBase is what outside parties' requests on one resource share, found once for all the
// parties a question weighs: the resource's policy, account and unweighed gaps, the context
// keys that do not depend on the party, and a flat copy of the request's own keys.
type outsiderBase struct {
	resource string
	rp       *resourcePolicy
	acct     string
	// ctx holds the resource's account and region and the time
	// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
	ctx   *Context
	extra *Context // the request's keys, flat; nil when it gives none
	gaps  []string
}

// outsiderBaseFor returns what outside parties' requests on resource share, with the request's
// keys extra.
func (e *Engine) outsiderBaseFor(resource string, extra *Context) *outsiderBase {
	rp := e.resourcePolicyFor(resource)
	acct := e.resourceAccount(resource, "")
	ctx := &Context{entries: make([]contextEntry, 0, 4)}
	if acct != "" {
		ctx.setLower("aws:resourceaccount", "aws:ResourceAccount", acct)
	}
	if a, err := model.ParseARN(resource); err == nil && a.Region != "" {
		ctx.setLower("aws:requestedregion", "aws:RequestedRegion", a.Region)
	}
	now := e.Now().UTC()
	ctx.setLower("aws:currenttime", "aws:CurrentTime", now.Format(time.RFC3339))
	ctx.setLower("aws:epochtime", "aws:EpochTime", strconv.FormatInt(now.Unix(), 10))
	b := &outsiderBase{resource: resource, rp: rp, acct: acct, ctx: ctx, gaps: slices.Clip(e.resourceGapsFor(nil, resource))}
	if extra != nil {
		b.extra = extra.Clone()
	}
	return b
}

// context is the request context AWS derives for an outside party's request on the base's
// resource: the base's keys, for a service aws:PrincipalIsAWSService and
// aws:PrincipalServiceName, for another account aws:PrincipalAccount; keys set in the
// request's context override these.
func (b *outsiderBase) context(pt Party) *Context {
	n := 2
	if b.extra != nil {
		n += len(b.extra.entries)
	}
	ctx := &Context{parent: b.ctx, entries: make([]contextEntry, 0, n)}
	switch pt.Kind {
	case GranteeService:
		ctx.setLower("aws:principalisawsservice", "aws:PrincipalIsAWSService", "true")
		ctx.setLower("aws:principalservicename", "aws:PrincipalServiceName", pt.Name)
	case GranteeAccount:
		ctx.setLower("aws:principalaccount", "aws:PrincipalAccount", pt.Name)
		ctx.setLower("aws:principalisawsservice", "aws:PrincipalIsAWSService", "false")
	}
	if b.extra != nil {
		for _, en := range b.extra.entries {
			ctx.put(en.lower, en.v)
		}
		ctx.known = append(ctx.known, b.extra.known...)
	}
	return ctx
}

// outsiderCan decides a request by an outside party on resource, as AWS would for such a
// caller: only the resource's policy (and the RCPs of its account) can grant it, and for an
// account's root also the SCPs of a loaded account.
func (e *Engine) outsiderCan(pt Party, action, resource string, extra *Context, opt Options) (*Result, error) {
	return e.outsiderCanOn(e.outsiderBaseFor(resource, extra), pt, action, opt)
}

// outsiderCanOn is outsiderCan on the resource of b, which many parties' requests share.
func (e *Engine) outsiderCanOn(b *outsiderBase, pt Party, action string, opt Options) (*Result, error) {
	in := &Input{RCPs: e.rcps[b.acct], SCPs: e.scps[pt.caller.Account]}
	if b.rp != nil && governs(b.rp, action, b.resource) {
		in.Resource = b.rp.policy
	}
	req := &Request{Principal: pt.caller.ARN, Action: action, Resource: b.resource,
		Context: b.context(pt), ResourceAccount: b.acct}
	r, err := evaluateAs(in, req, pt.caller, opt)
	if err == nil {
		r.Unweighed = b.gaps
		if r.Explanation != nil {
			r.Explanation.Unweighed = r.Unweighed
		}
	}
	return r, err
}

// partyCan decides the party's own request, without chains.
func (e *Engine) partyCan(pt Party, action, resource string, extra *Context, opt Options) (*Result, error) {
	if pt.Principal != nil {
		return e.Can(pt.Principal, action, resource, extra, opt)
	}
	return e.outsiderCan(pt, action, resource, extra, opt)
}

// Answer is what a party can do on a resource: the decision, what it hangs on, and the role
// chain by which it gets there.
type Answer struct {
	Decision Decision
	// Condition is what must hold for the answer, when it hangs on open conditions: through a
	// chain, the conjunction of every hop's condition and the acting role's own.
	Condition *Expr
	// Via is the shortest role chain by which the party does it (ties broken by the roles'
	// ARNs, hop by hop); empty when it acts itself.
	Via []Hop
	// Own is the decision on the party's own request.
	Own *Result
	// Acting is the decision on the request of the role at the end of Via; nil without a chain.
	Acting *Result
}

// Result returns the decision that explains the answer: the acting role's through a chain,
// else the party's own.
func (a *Answer) Result() *Result {
	if a.Acting != nil {
		return a.Acting
	}
	return a.Own
}

// chainCondition is the condition of a chain: every hop's and the acting principal's own,
// folded from the last hop back: the formula who-can builds a hop at a time.
func chainCondition(via []Hop, last *Expr) *Expr {
	c := orTrue(last)
	for i := len(via) - 1; i >= 0; i-- {
		c = And(orTrue(via[i].Condition), c)
	}
	return c
}

func orTrue(x *Expr) *Expr {
	if x == nil {
		return True
	}
	return x
}

// openOrNil returns x when it is open, else nil: an answer's Condition.
func openOrNil(x *Expr) *Expr {
	if x == nil || !x.IsOpen() {
		return nil
	}
	return x
}

// CanParty decides whether a party can do action on resource, as who-can lists it: by its own
// request when that is allowed (outright or under open conditions), else through the shortest
// role chain that leads to a role that can (ties broken by ARN), with the conjunction of the
// chain's conditions. An outside party's first hop is admitted by a role's trust policy. With
// no such chain the decision is the party's own.
func (e *Engine) CanParty(pt Party, action, resource string, extra *Context, opt Options) (*Answer, error) {
	own, err := e.partyCan(pt, action, resource, extra, opt)
	if err != nil {
		return nil, err
	}
	ans := &Answer{Decision: own.Decision, Condition: openOrNil(own.Condition), Own: own}
	if own.Decision == Allowed {
		return ans, nil
	}
	var nodes []reachNode
	if pt.Principal != nil {
		nodes = e.reach(pt.Principal, extra, opt.Mode)
	} else {
		first := e.outsiderHops(pt, extra, opt.Mode)
		nodes = e.reachFrom(&Principal{ARN: pt.Name, idx: -1}, hopList{own: first}, extra, opt.Mode)
	}
	quick := Options{Mode: opt.Mode}
	lowerAction := strings.ToLower(action)
	rp := e.resourcePolicyFor(resource)
	for i := 1; i < len(nodes); i++ {
		role := nodes[i].p
		if !e.mightAllow(role, lowerAction, resource, rp) {
			continue
		}
		r, err := e.Can(role, action, resource, extra, quick)
		if err != nil || r.Decision != Allowed {
			continue
		}
		via := chainTo(nodes, i)
		if pt.Principal == nil {
			via[0].Action = pt.takeAction()
		}
		cond := chainCondition(via, r.Condition)
		if cond.IsFalse() {
			continue
		}
		if opt.Explain || opt.KnownKey != nil {
			if r, err = e.Can(role, action, resource, extra, opt); err != nil {
				return nil, err
			}
		}
		return &Answer{Decision: Allowed, Condition: openOrNil(cond), Via: via, Own: own, Acting: r}, nil
	}
	return ans, nil
}

// outsiderHops lists the roles an outside party can take on in one hop, sorted by ARN: those
// whose trust policy names it, each decided as the party.
func (e *Engine) outsiderHops(pt Party, extra *Context, mode Mode) []edge {
	var out []edge
	for _, role := range e.order {
		if role.Entity.Kind != model.EntityRole {
			continue
		}
		trust := e.resources[role.ARN]
		if trust == nil || !namesParty(trust, pt) {
			continue
		}
		r, err := e.outsiderCan(pt, pt.takeAction(), role.ARN, extra, Options{Mode: mode})
		if err == nil && r.Decision == Allowed {
			out = append(out, edge{role: role, cond: r.Condition})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].role.ARN < out[j].role.ARN })
	return out
}

// namesParty reports whether some Allow statement of a policy could admit the outside party:
// who-can's outsiders lists it for that policy.
func namesParty(rp *resourcePolicy, pt Party) bool {
	for _, q := range partiesNamed(rp, nil) {
		if q.Name == pt.Name {
			return true
		}
	}
	return false
}

// partiesNamed lists the outside parties an Allow statement of a policy names, in statement
// order, each once: "*" for "*" or NotPrincipal, every account outside the loaded ones (by
// id, root or any ARN in it), every service and every federated provider. loaded tells the
// loaded accounts (nil: none).
func partiesNamed(rp *resourcePolicy, loaded map[string]*model.Account) []Party {
	n := 0
	for _, s := range rp.policy.statements {
		if !s.deny && s.principal != nil {
			n += len(s.principal.AWS) + len(s.principal.Service) + len(s.principal.Federated)
		}
	}
	out := make([]Party, 0, n)
	seen := make(map[string]bool, n)
	add := func(p Party) {
		if !seen[p.Name] {
			seen[p.Name] = true
			out = append(out, p)
		}
	}
	anyone := outsideParty("*", GranteeAnyone, model.RequestPrincipal{Kind: model.PrincipalAnonymous, ARN: "anonymous"})
	for _, s := range rp.policy.statements {
		if s.deny || s.principal == nil {
			continue
		}
		if s.principal.Wildcard || s.notPrinc {
			add(anyone)
			continue
		}
		for _, v := range s.principal.AWS {
			if v == "*" {
				add(anyone)
				continue
			}
			acct := v
			if !isAccountID(v) {
				a, err := model.ParseARN(v)
				if err != nil || !isAccountID(a.Account) {
					continue
				}
				acct = a.Account
			}
			if _, isLoaded := loaded[acct]; !isLoaded {
				add(accountParty(acct))
			}
		}
		for _, v := range s.principal.Service {
			add(outsideParty(v, GranteeService, model.RequestPrincipal{Kind: model.PrincipalService, ARN: v}))
		}
		for _, v := range s.principal.Federated {
			add(federatedParty(v))
		}
	}
	return out
}
