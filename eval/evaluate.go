// Package eval is the policy engine: it decides an AWS request exactly as AWS documents it and
// says why. It knows no terminal and no AWS SDK.
package eval

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iamscope/iamscope/model"
)

// Decision is the outcome of a request.
type Decision string

// The three outcomes AWS knows.
const (
	Allowed          Decision = "Allowed"
	ImplicitlyDenied Decision = "ImplicitlyDenied"
	ExplicitlyDenied Decision = "ExplicitlyDenied"
)

// Mode says how the engine treats context keys the request does not give.
type Mode uint8

const (
	// Strict: the context is exactly what the request gives, as AWS sees it.
	Strict Mode = iota
	// Discovery: keys the request does not give are unknown, and a decision that hangs on
	// them is "allowed if <conditions>".
	Discovery
)

// Input is every policy AWS weighs for one request.
type Input struct {
	Identity   []*Policy   // the principal's identity policies (its own, its groups')
	Resource   *Policy     // the resource's policy (bucket, key, queue, a role's trust policy, ...)
	Boundaries []*Policy   // the principal's permission boundary; empty = none
	SCPs       [][]*Policy // one list per organization level, root first; nil = no organization
	RCPs       [][]*Policy // the same for resource control policies
	Session    *Policy     // the session policy of a role or federated-user session
	// ExemptSCPs and ExemptRCPs are organization policies that do not bind the request: the
	// management account's SCPs, which do not affect its users and roles, and its RCPs, which
	// do not affect its resources. An explanation lists them as skipped; nothing else reads them.
	ExemptSCPs [][]*Policy
	ExemptRCPs [][]*Policy
}

// Request is one authorization request.
type Request struct {
	Principal string // IAM ARN, session ARN, service principal, or "anonymous"
	Action    string // service:Action
	Resource  string // an ARN, or "*" for actions that take no resource
	Context   *Context
	// ResourceAccount owns the resource; "" means the resource ARN's account, else the principal's.
	ResourceAccount string
	// PrincipalAccount overrides the principal ARN's account (rarely needed).
	PrincipalAccount string
}

// Options tune one evaluation.
type Options struct {
	Mode    Mode
	Explain bool // build the Explanation (costs allocations; off for bulk queries)
	// KnownKey, when set, says whether AWS may set a condition key (catalog.KnowsConditionKey):
	// a condition weighed on a key it does not know, which the request does not carry, is
	// named in Result.UnknownKeys.
	KnownKey func(key string) bool
	// withSelf has what-can list, among the roles a principal may take on, the principal
	// itself when it is a role its trust admits: the answer alike principals share
	// (stsAnswer), each leaving itself out.
	withSelf bool
}

// Result is a decision, what it hangs on in discovery mode, and (when asked) why.
type Result struct {
	Decision Decision
	// Condition is what must hold for the request to be allowed, when that depends on open
	// conditions (discovery mode); the Decision is then Allowed, read as "allowed if".
	Condition   *Expr
	Explanation *Explanation
	// Unweighed names what the decision could not weigh: policies it depends on that could
	// not be read or compiled (Engine.Unweighed). Nil when it weighed everything AWS would;
	// otherwise the decision is what the rest says, and partial.
	Unweighed []string
	// UnknownKeys names the condition keys, weighed and not in the request, that
	// Options.KnownKey does not know (a typo, or a key newer than the catalog): the decision
	// takes them as absent, as AWS does for a key a request does not carry, and says so.
	UnknownKeys []string
}

// Conditional reports whether the decision is "allowed if" rather than plainly allowed.
func (r *Result) Conditional() bool { return r.Condition != nil && r.Condition.IsOpen() }

// request is the per-evaluation state shared by the matchers.
type request struct {
	principal model.RequestPrincipal
	action    string // lower-cased
	resource  string
	ctx       *Context
	discovery bool
	explain   bool
	knownKey  func(string) bool
	unknown   []string // condition keys weighed that knownKey does not know, as written
}

// Evaluate decides one request with AWS's documented logic
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html and
// .../reference_policies_evaluation-logic-cross-account.html):
//
//  1. An explicit deny in any applicable policy wins.
//  2. SCPs: every level of the organization must allow (IAM principals of the account, except
//     service-linked roles).
//  3. RCPs: an implicit RCPFullAWSAccess allows at every level, so they only deny.
//  4. Same account: a resource policy that names the caller's own ARN grants alone; one that
//     names the role behind a session grants too, but the boundary and session policy still
//     limit it; one that names the account delegates to the identity policies.
//  5. Otherwise the identity policies must allow, and then the permission boundary and the
//     session policy must too.
//  6. Cross account: the resource policy must allow as well as the identity side.
func Evaluate(in *Input, req *Request, opt Options) (*Result, error) {
	rp, err := model.ParseRequestPrincipal(req.Principal)
	if err != nil {
		return nil, fmt.Errorf("request.principal: %w", err)
	}
	return evaluateAs(in, req, rp, opt)
}

// evaluateAs is Evaluate with the request principal already classified.
func evaluateAs(in *Input, req *Request, rp model.RequestPrincipal, opt Options) (*Result, error) {
	if err := checkRequestAction(req.Action); err != nil {
		return nil, fmt.Errorf("request.action: %w", err)
	}
	if req.Resource == "" {
		return nil, fmt.Errorf("request.resource: missing (an ARN, or \"*\")")
	}
	if req.PrincipalAccount != "" && rp.IsIAM() {
		rp.Account = req.PrincipalAccount
	}
	r := &request{
		principal: rp,
		action:    lowerString(req.Action),
		resource:  req.Resource,
		ctx:       req.Context,
		discovery: opt.Mode == Discovery,
		explain:   opt.Explain,
		knownKey:  opt.KnownKey,
	}
	if r.ctx == nil {
		r.ctx = NewContext()
	}
	resourceAccount := req.ResourceAccount
	if resourceAccount == "" {
		resourceAccount = model.AccountOf(req.Resource)
	}
	if resourceAccount == "" {
		resourceAccount = rp.Account
	}
	e := &evaluation{r: r, opt: opt, boundary: rp.IsIAM() && len(in.Boundaries) > 0}
	if opt.Explain {
		e.ex = &Explanation{
			Principal:        rp.ARN,
			PrincipalKind:    rp.Kind.String(),
			PrincipalAccount: rp.Account,
			ResourceAccount:  resourceAccount,
		}
	}
	return e.run(in, resourceAccount), nil
}

// checkRequestAction checks that a request's action is `service:Action` with no wildcard.
func checkRequestAction(a string) error {
	svc, name, ok := strings.Cut(a, ":")
	if !ok || svc == "" || name == "" || strings.ContainsAny(a, "*? ") || strings.Count(a, ":") != 1 {
		return fmt.Errorf("%q is not an action (want service:Action, no wildcards)", a)
	}
	return nil
}

// evaluation carries one request through the policy types.
type evaluation struct {
	r   *request
	opt Options
	ex  *Explanation
	// boundary: the caller is an IAM principal with a permission boundary, which makes every
	// Deny with NotPrincipal in a resource policy apply to it (see evalStatement).
	boundary bool
}

// setResult is what one policy, or a set of them, says about the request.
type setResult struct {
	allow, deny *Expr
	// allowBy splits a resource policy's allow by how the caller was named.
	allowBy [pmDirect + 1]*Expr
	traces  []*PolicyTrace
}

func newSetResult() setResult {
	s := setResult{allow: False, deny: False}
	for i := range s.allowBy {
		s.allowBy[i] = False
	}
	return s
}

// evalPolicies evaluates a set of policies of one type.
func (e *evaluation) evalPolicies(pols []*Policy, typ PolicyType, level int) setResult {
	res := newSetResult()
	for _, p := range pols {
		if p == nil {
			continue
		}
		var pt *PolicyTrace
		if e.ex != nil {
			pt = &PolicyTrace{Type: typ, Level: level, Name: p.Name}
			res.traces = append(res.traces, pt)
		}
		pAllow, pDeny := False, False
		for _, s := range p.statements {
			expr, pm, st := e.evalStatement(p, s, typ)
			if s.deny {
				pDeny = Or(pDeny, expr)
			} else {
				pAllow = Or(pAllow, expr)
				res.allowBy[pm] = Or(res.allowBy[pm], expr)
			}
			if pt != nil {
				pt.Statements = append(pt.Statements, st)
			}
		}
		res.allow = Or(res.allow, pAllow)
		res.deny = Or(res.deny, pDeny)
		if pt != nil {
			pt.Allows, pt.Denies = yesNoIf(pAllow), yesNoIf(pDeny)
		}
	}
	return res
}

// evalStatement decides whether one statement applies to the request: its action, resource,
// principal (for resource policies and RCPs) and conditions.
func (e *evaluation) evalStatement(p *Policy, s *statement, typ PolicyType) (*Expr, principalMatch, *StatementTrace) {
	r := e.r
	var st *StatementTrace
	if r.explain {
		st = &StatementTrace{Index: s.src.Index, Sid: s.src.Sid, Effect: string(s.src.Effect), JSON: string(s.src.JSON)}
	}
	fail := func(reason string) (*Expr, principalMatch, *StatementTrace) {
		if st != nil {
			st.Result, st.Reason = "no match", reason
		}
		return False, pmNone, st
	}
	if !s.matchAction(r.action) {
		if st == nil {
			return False, pmNone, nil
		}
		return fail(fmt.Sprintf("%s does not cover %s", s.src.ActionElement(), r.action))
	}
	if st != nil {
		st.ActionMatched = true
	}
	if !s.matchResource(r.resource, r.ctx) {
		if st == nil {
			return False, pmNone, nil
		}
		return fail(fmt.Sprintf("%s does not cover %s", s.src.ResourceElement(), r.resource))
	}
	if st != nil {
		st.ResourceMatched = true
	}
	pm := pmDirect
	out := True
	if typ == ResourcePolicy || typ == RCP {
		pm = matchPrincipal(s.principal, &r.principal)
		if pm == pmNone && r.discovery && !s.notPrinc {
			// The caller's role is named with another session name: in discovery mode that is
			// an open condition, since whoever assumes a role names the session.
			if name := sessionNamed(s.principal, &r.principal); name != "" {
				pm = pmDirect
				out = Leaf(&OpenCondition{PolicyType: typ, Policy: p.Name, Statement: s.src.Index, Sid: s.src.Sid,
					Operator: "StringEquals", Key: "sts:RoleSessionName", Values: []string{name}})
			}
		}
		if s.notPrinc {
			switch {
			case s.deny && typ == ResourcePolicy && e.boundary:
				// "The NotPrincipal element with a Deny effect will always deny any IAM
				// principal that has a permissions boundary policy attached, regardless of the
				// values specified in the NotPrincipal element."
				// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html)
				pm = pmWildcard
			case pm == pmNone:
				pm = pmWildcard
			default:
				pm = pmNone
			}
		}
		if st != nil {
			st.PrincipalMatch = pm.String()
		}
		if pm == pmNone {
			if st == nil {
				return False, pmNone, nil
			}
			if s.principal == nil {
				return fail("the statement has no Principal")
			}
			return fail(fmt.Sprintf("%s does not name %s", s.src.PrincipalElement(), r.principal.ARN))
		}
	}
	for _, c := range s.conditions() {
		res, cv, present := c.eval(r)
		if !present && r.knownKey != nil && !out.IsFalse() && !r.knownKey(c.src.Key) && !slices.Contains(r.unknown, c.src.Key) {
			r.unknown = append(r.unknown, c.src.Key)
		}
		if st != nil {
			st.Conditions = append(st.Conditions, &ConditionTrace{
				Operator: c.src.Operator, Key: c.src.Key, Values: c.src.Values,
				ContextValues: cv.Values, KeyPresent: present, Result: res.String(),
			})
		}
		switch res {
		case triFalse:
			out = False
		case triUnknown:
			out = And(out, Leaf(&OpenCondition{
				PolicyType: typ, Policy: p.Name, Statement: s.src.Index, Sid: s.src.Sid,
				Operator: c.src.Operator, Key: c.src.Key, Values: c.src.Values,
			}))
		}
		if out.IsFalse() && st == nil {
			return False, pmNone, nil
		}
	}
	if st != nil {
		switch {
		case out.IsTrue():
			st.Result = "match"
		case out.IsFalse():
			st.Result, st.Reason = "no match", "a condition is false"
		default:
			st.Result = "match if"
		}
	}
	return out, pm, st
}
