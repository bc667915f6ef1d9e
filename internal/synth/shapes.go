package synth

import "fmt"

// Shape is the shape of an account's trust graph: who may assume which role.
type Shape string

const (
	// Sparse is the default: short chains of two to four roles, few principals allowed to
	// assume any role.
	Sparse Shape = "sparse"
	// Dense is a real account's trust: roles trust an AWS service (40%), an earlier role
	// (25%), the account root (15%), another account with an ExternalId (12%) or a SAML
	// provider (8%), and about 40% of users and roles hold sts:AssumeRole on "*" (through
	// sts:AssumeRole, sts:*, sts:Assume* or *), so most principals reach hundreds of roles
	// within a few hops.
	Dense Shape = "dense"
	// RootTrust is a hostile shape: every role trusts the account root and may assume any
	// role, and every user may assume any role. Nothing else is in the account.
	RootTrust Shape = "root-trust"
	// WideTrust is a hostile shape: the first role's trust names TrustedAccounts outside
	// accounts; the other roles trust the account root, and every user may assume any role.
	WideTrust Shape = "wide-trust"
)

// Shapes lists every shape, for flags and errors.
var Shapes = []Shape{Sparse, Dense, RootTrust, WideTrust}

// valid reports whether s is a shape the generator draws ("" is Sparse).
func (s Shape) valid() bool {
	for _, v := range Shapes {
		if s == v {
			return true
		}
	}
	return s == ""
}

// hostile reports whether s is one of the shapes built only of trust, with no policies.
func (s Shape) hostile() bool { return s == RootTrust || s == WideTrust }

// assumeAnyActions are the ways real policies grant sts:AssumeRole on every role, with the
// weight of each: the action itself, the service's wildcard, the Assume* family, and an
// administrator's "*".
var assumeAnyActions = []struct {
	action string
	weight float64
}{{"sts:AssumeRole", 0.45}, {"sts:*", 0.2}, {"sts:Assume*", 0.2}, {"*", 0.15}}

// assumeAny writes an inline policy that allows assuming any role, sometimes only with MFA.
func (a *account) assumeAny() inlinePolicy {
	r, action := a.g.r.Float64(), assumeAnyActions[len(assumeAnyActions)-1].action
	for _, w := range assumeAnyActions {
		if r < w.weight {
			action = w.action
			break
		}
		r -= w.weight
	}
	s := statement{Sid: "AssumeAnyRole", Effect: "Allow", Action: action, Resource: "*"}
	if a.g.chance(0.15) {
		addCondition(&s, "Bool", "aws:MultiFactorAuthPresent", "true")
	}
	return inlinePolicy{PolicyName: "assume-any-role", PolicyDocument: &document{Version: "2012-10-17", Statement: []statement{s}}}
}

// planDenseRoles names the roles and decides their trust in the Dense shape. A role that
// trusts an earlier role is, half the time, also named in that role's own policy.
func (a *account) planDenseRoles() []rolePlan {
	plans := make([]rolePlan, a.opts.Roles)
	used := newNames()
	for i := range plans {
		p := &plans[i]
		p.name = used.unique(a.g.pick(teams) + "-" + a.g.pick(purposes) + "-" + a.g.pick(envs))
		p.path = "/"
		switch r := a.g.r.Float64(); {
		case r < 0.40:
			p.kind, p.service = trustService, a.g.r.IntN(len(servicePrincipals))
		case r < 0.65 && i > 0:
			prev := &plans[a.g.r.IntN(i)]
			p.kind, p.prev = trustChained, a.arn("role", prev.path, prev.name)
			if a.g.chance(0.5) {
				prev.next = append(prev.next, a.arn("role", p.path, p.name))
			}
		case r < 0.80:
			p.kind = trustAccount
		case r < 0.92:
			p.kind = trustCrossAccount
		default:
			p.kind, p.path = trustSAML, "/sso/"
		}
	}
	return plans
}

// densify gives about 40% of users and roles a policy that allows assuming any role.
func (a *account) densify(out *authzDetails) {
	for i := range out.UserDetailList {
		if u := &out.UserDetailList[i]; a.g.chance(0.4) {
			u.UserPolicyList = append(u.UserPolicyList, a.assumeAny())
		}
	}
	for i := range out.RoleDetailList {
		if r := &out.RoleDetailList[i]; a.g.chance(0.4) {
			r.RolePolicyList = append(r.RolePolicyList, a.assumeAny())
		}
	}
}

// buildHostile generates the RootTrust and WideTrust shapes: users and roles named by number,
// with only the trust and sts:AssumeRole grants the shape names.
func (a *account) buildHostile() *authzDetails {
	out := &authzDetails{UserDetailList: []userDetail{}, GroupDetailList: []groupDetail{}, RoleDetailList: []roleDetail{}, Policies: []managedPolicy{}}
	anyRole := func() []inlinePolicy {
		return []inlinePolicy{{PolicyName: "assume-any-role", PolicyDocument: &document{Version: "2012-10-17",
			Statement: []statement{{Effect: "Allow", Action: "sts:AssumeRole", Resource: "*"}}}}}
	}
	created := cliDate(start)
	for i := range a.opts.Users {
		name := fmt.Sprintf("user-%d", i)
		out.UserDetailList = append(out.UserDetailList, userDetail{Path: "/", UserName: name, UserID: a.g.id("AIDA"),
			Arn: a.arn("user", "/", name), CreateDate: created, GroupList: []string{}, Tags: []tag{},
			AttachedManagedPolicies: []attachedPolicy{}, UserPolicyList: anyRole()})
	}
	root := map[string]any{"AWS": "arn:aws:iam::" + a.id + ":root"}
	for i := range a.opts.Roles {
		name := fmt.Sprintf("role-%d", i)
		trust := &document{Version: "2012-10-17", Statement: []statement{assume("sts:AssumeRole", root)}}
		policies := anyRole()
		if a.opts.Shape == WideTrust {
			policies = []inlinePolicy{}
			if i == 0 {
				name = "wide-trust"
				trust.Statement[0].Principal = map[string]any{"AWS": a.outsideAccounts(a.opts.TrustedAccounts)}
			}
		}
		out.RoleDetailList = append(out.RoleDetailList, roleDetail{Path: "/", RoleName: name, RoleID: a.g.id("AROA"),
			Arn: a.arn("role", "/", name), CreateDate: created, AssumeRolePolicyDocument: trust,
			InstanceProfileList: []instanceProfile{}, RolePolicyList: policies, AttachedManagedPolicies: []attachedPolicy{}, Tags: []tag{}})
	}
	return out
}

// outsideAccounts returns n distinct account roots other than the account's own.
func (a *account) outsideAccounts(n int) []string {
	out := make([]string, 0, n)
	for i := range n {
		id := fmt.Sprintf("%012d", 200000000000+int64(i)*7919)
		if id == a.id {
			id = fmt.Sprintf("%012d", 199999999999-int64(i))
		}
		out = append(out, "arn:aws:iam::"+id+":root")
	}
	return out
}
