package eval

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iamscope/iamscope/model"
)

// gate is one requirement on the way to an allow, kept for saying which one failed. Its
// message is written only when an explanation is asked for.
type gate struct {
	kind  gateKind
	level int // SCP level, from 1
	expr  *Expr
}

type gateKind uint8

const (
	gateSCP gateKind = iota
	gateResourceOnly
	gateSameAccount
	gateRequiredResource
	gateBoundary
	gateSession
	gateCrossResource
	gateCrossIdentity
)

// message says, for people, what the failed gate means.
func (g gate) message(e *evaluation, resourceAccount string) string {
	switch g.kind {
	case gateSCP:
		return fmt.Sprintf("no SCP at organization level %d allows it", g.level)
	case gateResourceOnly:
		return "no resource policy grants it to " + e.r.principal.ARN
	case gateSameAccount:
		return "no identity policy or resource policy allows it"
	case gateRequiredResource:
		return "the " + resourcePolicyKind(e.r.resource) + " does not allow it, directly or by naming the account for the identity policies to grant"
	case gateBoundary:
		return "the permission boundary does not allow it"
	case gateSession:
		return "the session policy does not allow it"
	case gateCrossResource:
		return "the resource policy of account " + resourceAccount + " does not allow it (cross-account access needs both sides)"
	case gateCrossIdentity:
		return "no identity policy allows it (cross-account access needs both sides)"
	}
	return "nothing allows it"
}

// run evaluates every policy type and combines them in AWS's order.
func (e *evaluation) run(in *Input, resourceAccount string) *Result {
	rp := &e.r.principal
	iam := rp.IsIAM()
	slr := rp.IsServiceLinkedRole()
	sameAccount := iam && rp.Account == resourceAccount
	deny, scpAllow := False, True
	var gates []gate
	var traces []*PolicyTrace
	skip := func(res setResult, why string) {
		for _, t := range res.traces {
			t.Skipped = why
		}
	}

	// SCPs: every level must allow; they bind IAM principals of the account only.
	scpApplies := iam && !slr
	for i, level := range in.SCPs {
		res := e.evalPolicies(level, SCP, i+1)
		traces = append(traces, res.traces...)
		if !scpApplies {
			skip(res, "SCPs apply only to IAM principals of the organization's accounts, not to "+rp.Kind.String()+"s or service-linked roles")
			continue
		}
		deny = Or(deny, res.deny)
		scpAllow = And(scpAllow, res.allow)
		gates = append(gates, gate{kind: gateSCP, level: i + 1, expr: res.allow})
	}

	if e.ex != nil {
		for i, level := range in.ExemptSCPs {
			res := e.evalPolicies(level, SCP, i+1)
			traces = append(traces, res.traces...)
			skip(res, "SCPs do not affect users or roles in the organization's management account")
		}
	}

	// RCPs: an implicit RCPFullAWSAccess allows at every level, so only their denies count.
	for i, level := range in.RCPs {
		res := e.evalPolicies(level, RCP, i+1)
		traces = append(traces, res.traces...)
		if slr {
			skip(res, "RCPs do not apply to service-linked roles")
			continue
		}
		deny = Or(deny, res.deny)
	}
	if e.ex != nil {
		for i, level := range in.ExemptRCPs {
			res := e.evalPolicies(level, RCP, i+1)
			traces = append(traces, res.traces...)
			skip(res, "RCPs do not affect the resources of the organization's management account")
		}
	}

	// The resource policy.
	res := e.evalPolicies([]*Policy{in.Resource}, ResourcePolicy, 0)
	traces = append(traces, res.traces...)
	deny = Or(deny, res.deny)

	// Identity policies, permission boundary and session policy: the caller's side.
	idAllow, boundary, session := False, True, True
	if iam {
		id := e.evalPolicies(in.Identity, IdentityPolicy, 0)
		traces = append(traces, id.traces...)
		deny = Or(deny, id.deny)
		idAllow = id.allow
		if rp.Kind == model.PrincipalRoot {
			// The root user holds every permission in its own account; only SCPs and explicit
			// denies limit it.
			idAllow = True
		}
		if len(in.Boundaries) > 0 {
			b := e.evalPolicies(in.Boundaries, BoundaryPolicy, 0)
			traces = append(traces, b.traces...)
			deny = Or(deny, b.deny)
			boundary = b.allow
		}
		if in.Session != nil {
			s := e.evalPolicies([]*Policy{in.Session}, SessionPolicyType, 0)
			traces = append(traces, s.traces...)
			if rp.Kind == model.PrincipalUser || rp.Kind == model.PrincipalRoot {
				skip(s, "session policies apply only to role and federated-user sessions")
			} else {
				deny = Or(deny, s.deny)
				session = s.allow
			}
		}
	}

	var allow *Expr
	switch {
	case !iam:
		// Services and anonymous callers have no identity policies: only the resource policy grants.
		gates = append(gates, gate{kind: gateResourceOnly, expr: res.allow})
		allow = res.allow
	case sameAccount:
		// Named by its own ARN (or "*"), the caller is granted alone; named by its role ARN,
		// the grant stands in for the identity policies but the boundary and session policy
		// still limit it; named by its account, the identity policies must grant.
		direct := Or(res.allowBy[pmDirect], res.allowBy[pmWildcard])
		byIdentity, what := idAllow, gateSameAccount
		if resourcePolicyRequired(e.r.action, e.r.resource) {
			// Role trust policies and KMS key policies must allow explicitly, even within the
			// account: naming the account delegates to the identity policies, but without it
			// an identity policy alone grants nothing.
			byIdentity = And(idAllow, res.allowBy[pmAccount])
			what = gateRequiredResource
		}
		granted := Or(byIdentity, res.allowBy[pmRole])
		allow = Or(direct, And(granted, And(boundary, session)))
		g := gate{kind: what, expr: Or(direct, granted)}
		gates = append(gates, g)
		if !g.expr.IsFalse() {
			gates = append(gates,
				gate{kind: gateBoundary, expr: Or(direct, boundary)},
				gate{kind: gateSession, expr: Or(direct, session)})
		}
	default:
		// Across accounts both sides must allow.
		gates = append(gates,
			gate{kind: gateCrossResource, expr: res.allow},
			gate{kind: gateCrossIdentity, expr: idAllow},
			gate{kind: gateBoundary, expr: boundary},
			gate{kind: gateSession, expr: session})
		allow = And(And(res.allow, idAllow), And(boundary, session))
	}
	allow = And(allow, scpAllow)

	out := &Result{}
	final := And(allow, Not(deny))
	freeAction := iam && e.r.action == "sts:getcalleridentity"
	switch {
	case freeAction:
		// "No permissions are required to perform this operation. If an administrator attaches
		// a policy to your identity that explicitly denies access to the sts:GetCallerIdentity
		// action, you can still perform this operation."
		// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html)
		out.Decision = Allowed
	case deny.IsTrue():
		out.Decision = ExplicitlyDenied
	case final.IsTrue():
		out.Decision = Allowed
	case allow.IsFalse():
		out.Decision = ImplicitlyDenied
	default:
		out.Decision = Allowed
		out.Condition = final
	}
	if len(e.r.unknown) > 0 {
		out.UnknownKeys = slices.Sorted(slices.Values(e.r.unknown))
	}
	if e.ex != nil {
		e.ex.UnknownKeys = out.UnknownKeys
		e.ex.Decision = out.Decision
		e.ex.SameAccount = sameAccount
		e.ex.Policies = traces
		if out.Condition != nil {
			e.ex.AllowedIf = out.Condition.String()
		}
		e.ex.Reason = e.reason(out, gates, traces, resourceAccount)
		if freeAction {
			e.ex.Reason = "allowed: sts:GetCallerIdentity needs no permission, and no policy can deny it"
		}
		out.Explanation = e.ex
	}
	return out
}

// reason writes the one-line summary of a decision and marks the decisive statements.
func (e *evaluation) reason(out *Result, gates []gate, traces []*PolicyTrace, resourceAccount string) string {
	mark := func(effect model.Effect) []string {
		var names []string
		for _, t := range traces {
			if t.Skipped != "" {
				continue
			}
			for _, s := range t.Statements {
				if s.Effect == string(effect) && s.Result != "no match" {
					s.Decisive = true
					names = append(names, describe(t, s))
				}
			}
		}
		return names
	}
	switch {
	case out.Decision == ExplicitlyDenied:
		return "explicitly denied by " + strings.Join(mark(model.Deny), "; ")
	case out.Decision == ImplicitlyDenied:
		for _, g := range gates {
			if g.expr.IsFalse() {
				return "implicitly denied: " + g.message(e, resourceAccount)
			}
		}
		return "implicitly denied: nothing allows it"
	case out.Conditional():
		mark(model.Deny)
		return "allowed if " + out.Condition.String() + " (by " + strings.Join(mark(model.Allow), "; ") + ")"
	}
	return "allowed by " + strings.Join(mark(model.Allow), "; ")
}

// describe names a statement for people: `identity policy "dev" statement 2 (Sid "S3Read")`.
func describe(t *PolicyTrace, s *StatementTrace) string {
	kind := string(t.Type)
	switch t.Type {
	case BoundaryPolicy:
		kind = "permission boundary"
	case SessionPolicyType:
		kind = "session policy"
	case SCP, RCP:
		kind = fmt.Sprintf("%s (level %d)", strings.ToUpper(string(t.Type)), t.Level)
	default:
		kind += " policy"
	}
	out := fmt.Sprintf("%s %q statement %d", kind, t.Name, s.Index)
	if s.Sid != "" {
		out += fmt.Sprintf(" (Sid %q)", s.Sid)
	}
	return out
}

// resourcePolicyRequired reports whether the resource's own policy must allow a request even
// within its account: a role's trust policy for the sts actions that take on a role, and a
// KMS key's key policy. "Role trust policies and KMS key policies are exceptions to this logic,
// because they must explicitly allow access for principals"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html;
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html).
func resourcePolicyRequired(action, resource string) bool {
	a, err := model.ParseARN(resource)
	if err != nil {
		return false
	}
	switch {
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "role/"):
		return strings.HasPrefix(action, "sts:")
	case a.Service == "kms" && strings.HasPrefix(a.Resource, "key/"):
		return strings.HasPrefix(action, "kms:")
	}
	return false
}

func resourcePolicyKind(resource string) string {
	if strings.Contains(resource, ":kms:") {
		return "key policy"
	}
	return "role's trust policy"
}
