package eval

import (
	"strings"

	"github.com/iamscope/iamscope/model"
)

// principalMatch is how a resource-policy statement's Principal names the caller. It matters
// because AWS weighs the grant differently by how the caller is named
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
type principalMatch uint8

const (
	pmNone principalMatch = iota
	// pmAccount: the caller's account (`123456789012` or `arn:aws:iam::123456789012:root`).
	// Within the account this delegates to the identity policies and grants nothing alone.
	pmAccount
	// pmRole: the IAM role ARN behind a role session. The grant is still limited by the
	// permission boundary and the session policy.
	pmRole
	// pmWildcard: `"*"` (or NotPrincipal that does not list the caller).
	pmWildcard
	// pmDirect: the caller's own ARN (user, role session, federated user), or its service name.
	// Within the account the grant stands alone, unlimited by boundaries and session policies.
	pmDirect
)

var pmNames = [...]string{"none", "account", "role", "wildcard", "direct"}

func (m principalMatch) String() string { return pmNames[m] }

// sessionOf returns the account and role name of an assumed-role session ARN.
func sessionOf(v string) (account, role, session string, ok bool) {
	a, err := model.ParseARN(v)
	if err != nil || a.Service != "sts" {
		return "", "", "", false
	}
	rest, found := strings.CutPrefix(a.Resource, "assumed-role/")
	if !found {
		return "", "", "", false
	}
	role, session, ok = strings.Cut(rest, "/")
	return a.Account, role, session, ok
}

// sessionNamed returns the session name under which the element would name the caller: a
// role session is named by a session ARN of its role, and whoever assumes a role chooses the
// session's name. "" when the element names no other session of the caller's role.
func sessionNamed(p *model.Principal, rp *model.RequestPrincipal) string {
	if p == nil || rp.Kind != model.PrincipalRoleSession {
		return ""
	}
	for _, v := range p.AWS {
		if acct, role, session, ok := sessionOf(v); ok && acct == rp.Account && role == rp.Name && session != rp.Session {
			return session
		}
	}
	return ""
}

// matchPrincipal returns the strongest way the element names the caller.
func matchPrincipal(p *model.Principal, rp *model.RequestPrincipal) principalMatch {
	if p == nil {
		return pmNone
	}
	if p.Wildcard {
		return pmWildcard
	}
	best := pmNone
	for _, v := range p.AWSFor(rp.Account) {
		if m := matchAWSPrincipal(v, rp); m > best {
			best = m
		}
	}
	for _, v := range p.Service {
		if rp.Kind == model.PrincipalService && strings.EqualFold(v, rp.ARN) {
			return pmDirect
		}
	}
	for _, v := range p.Federated {
		if v == rp.ARN {
			return pmDirect
		}
	}
	for _, v := range p.CanonicalUser {
		if v == rp.ARN {
			return pmDirect
		}
	}
	return best
}

// matchAWSPrincipal matches one value of an "AWS" principal list.
func matchAWSPrincipal(v string, rp *model.RequestPrincipal) principalMatch {
	if v == "*" {
		return pmWildcard
	}
	if !rp.IsIAM() {
		return pmNone
	}
	if isAccountID(v) {
		if v == rp.Account {
			return pmAccount
		}
		return pmNone
	}
	a, err := model.ParseARN(v)
	if err != nil || a.Account != rp.Account {
		return pmNone
	}
	if v == rp.ARN && rp.Kind != model.PrincipalRoot && rp.Kind != model.PrincipalRole {
		return pmDirect
	}
	switch {
	case a.Service == "iam" && a.Resource == "root":
		return pmAccount
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "role/"):
		// A role ARN (with or without its path) names the role's sessions.
		name := a.Resource[strings.LastIndexByte(a.Resource, '/')+1:]
		if (rp.Kind == model.PrincipalRoleSession || rp.Kind == model.PrincipalRole) && name == rp.Name {
			return pmRole
		}
	}
	return pmNone
}

func isAccountID(s string) bool { return model.IsAccountID(s) }
