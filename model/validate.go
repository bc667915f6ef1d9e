package model

import "fmt"

// Kind is the role a policy document is written for; each kind allows different elements.
type Kind uint8

// The kinds of policy document.
const (
	KindIdentity Kind = iota // attached to a user, group or role
	KindResource             // attached to a resource (bucket, key, queue, ...)
	KindTrust                // a role's trust policy: a resource policy whose resource is the role
	KindBoundary             // a permission boundary
	KindSession              // a session policy passed to AssumeRole or GetFederationToken
	KindSCP                  // a service control policy
	KindRCP                  // a resource control policy
)

var kindLabels = [...]string{"identity policy", "resource policy", "trust policy", "permission boundary", "session policy", "SCP", "RCP"}

func (k Kind) String() string {
	if int(k) < len(kindLabels) {
		return kindLabels[k]
	}
	return "policy"
}

// Check verifies the elements a policy of the given kind must or must not have, as IAM and
// Organizations do when a policy is saved
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html,
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html):
// identity policies, boundaries, session policies and SCPs name no Principal; resource and
// trust policies name one in every statement; RCPs name only "*"; identity, resource,
// boundary, session and SCP statements name a Resource (trust policies need not).
func (p *Policy) Check(kind Kind) error {
	for _, s := range p.Statements {
		// the statement's path, made only for an error
		at := func(element string) string { return fmt.Sprintf("Statement[%d].%s", s.Index, element) }
		switch kind {
		case KindIdentity, KindBoundary, KindSession, KindSCP:
			if s.Principal != nil {
				return errAt(at(s.PrincipalElement()), "not allowed in %s %s", article(kind), kind)
			}
		case KindResource, KindTrust:
			if s.Principal == nil {
				return errAt(at("Principal"), "missing (every statement of %s %s names a Principal or NotPrincipal)", article(kind), kind)
			}
		case KindRCP:
			if s.Principal == nil || s.NotPrincipal || !s.Principal.isWildcard() {
				return errAt(at("Principal"), "an RCP statement must have \"Principal\": \"*\"")
			}
		}
		if kind != KindTrust && s.Resources == nil {
			return errAt(at("Resource"), "missing (a statement of %s %s needs Resource or NotResource)", article(kind), kind)
		}
	}
	return nil
}

func (p *Principal) isWildcard() bool {
	if p.Wildcard {
		return true
	}
	return len(p.AWS) == 1 && p.AWS[0] == "*" && p.Service == nil && p.Federated == nil && p.CanonicalUser == nil
}

func article(k Kind) string {
	switch k {
	case KindIdentity, KindSCP, KindRCP:
		return "an"
	}
	return "a"
}
