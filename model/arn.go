package model

import (
	"fmt"
	"strings"
)

// ARN is an Amazon Resource Name split into its six colon-separated fields. Resource keeps any
// further colons (as in `function:name:alias`).
type ARN struct {
	Partition, Service, Region, Account, Resource string
}

// ParseARN splits an ARN. It checks only the shape (`arn:` and six fields), not the service.
func ParseARN(s string) (ARN, error) {
	// The five colons are found in place: the engine parses many strings that are not ARNs
	// (resource patterns such as "*"), and neither the fields nor the error are built then.
	var parts [6]string
	rest := s
	for i := range 5 {
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return ARN{}, notARN(s)
		}
		parts[i], rest = rest[:j], rest[j+1:]
	}
	parts[5] = rest
	if parts[0] != "arn" {
		return ARN{}, notARN(s)
	}
	return ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}, nil
}

// notARN is the error of ParseARN for a string that is not an ARN; its message is written
// when asked for.
type notARN string

func (e notARN) Error() string {
	return fmt.Sprintf("%q is not an ARN (want arn:partition:service:region:account:resource)", string(e))
}

// String joins the fields back into an ARN.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// AccountOf returns the account field of an ARN, or "" when s is not an ARN or has none.
func AccountOf(s string) string {
	a, err := ParseARN(s)
	if err != nil {
		return ""
	}
	return a.Account
}

// PrincipalKind says what sort of caller a request principal is.
type PrincipalKind int

// The kinds of request principal.
const (
	PrincipalUnknown       PrincipalKind = iota
	PrincipalUser                        // arn:aws:iam::A:user/path/name
	PrincipalRole                        // arn:aws:iam::A:role/path/name (the role itself)
	PrincipalRoleSession                 // arn:aws:sts::A:assumed-role/name/session
	PrincipalFederatedUser               // arn:aws:sts::A:federated-user/name
	PrincipalRoot                        // arn:aws:iam::A:root
	PrincipalService                     // a service principal such as lambda.amazonaws.com
	PrincipalAnonymous                   // an unauthenticated request
)

var kindNames = [...]string{"unknown", "user", "role", "role session", "federated user", "account root", "service", "anonymous"}

func (k PrincipalKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// RequestPrincipal is the caller of a request, classified from its ARN or name.
type RequestPrincipal struct {
	Kind    PrincipalKind
	ARN     string // as given (for a service principal, its name)
	Account string
	// Name is the user, role or federated user name; for a session, the role's name.
	Name string
	// Path is the IAM path of a user or role (`/` when none); sessions do not carry it.
	Path string
	// Session is the role session name of a role session.
	Session string
	// Partition of the principal's ARN.
	Partition string
}

// ParseRequestPrincipal classifies a request principal: an IAM user or role ARN, an
// assumed-role session ARN, a federated-user ARN, an account root ARN, a service principal
// (`lambda.amazonaws.com`) or "anonymous".
func ParseRequestPrincipal(s string) (RequestPrincipal, error) {
	if s == "anonymous" || s == "*" {
		return RequestPrincipal{Kind: PrincipalAnonymous, ARN: "anonymous"}, nil
	}
	if !strings.HasPrefix(s, "arn:") {
		if strings.HasSuffix(s, ".amazonaws.com") || strings.HasSuffix(s, ".amazonaws.com.cn") {
			return RequestPrincipal{Kind: PrincipalService, ARN: s}, nil
		}
		return RequestPrincipal{}, fmt.Errorf("principal %q is not an ARN, a service principal or \"anonymous\"", s)
	}
	a, err := ParseARN(s)
	if err != nil {
		return RequestPrincipal{}, err
	}
	p := RequestPrincipal{ARN: s, Account: a.Account, Partition: a.Partition}
	if a.Account == "" {
		return RequestPrincipal{}, fmt.Errorf("principal %q has no account", s)
	}
	typ, rest, _ := strings.Cut(a.Resource, "/")
	switch {
	case a.Service == "iam" && a.Resource == "root":
		p.Kind = PrincipalRoot
	case a.Service == "iam" && (typ == "user" || typ == "role"):
		i := strings.LastIndex(rest, "/")
		p.Name = rest[i+1:]
		p.Path = "/" + rest[:i+1]
		if typ == "user" {
			p.Kind = PrincipalUser
		} else {
			p.Kind = PrincipalRole
		}
	case a.Service == "sts" && typ == "assumed-role":
		role, session, ok := strings.Cut(rest, "/")
		if !ok || role == "" || session == "" {
			return RequestPrincipal{}, fmt.Errorf("principal %q: an assumed-role ARN ends in assumed-role/ROLE/SESSION", s)
		}
		p.Kind, p.Name, p.Session = PrincipalRoleSession, role, session
	case a.Service == "sts" && typ == "federated-user":
		p.Kind, p.Name = PrincipalFederatedUser, rest
	default:
		return RequestPrincipal{}, fmt.Errorf("principal %q is not an IAM user, role, root, role session or federated user ARN", s)
	}
	if (p.Kind != PrincipalRoot) && p.Name == "" {
		return RequestPrincipal{}, fmt.Errorf("principal %q has no name", s)
	}
	return p, nil
}

// RoleARN returns the IAM role ARN behind a role or role session (without the role's path,
// which a session ARN does not carry).
func (p RequestPrincipal) RoleARN() string {
	switch p.Kind {
	case PrincipalRole:
		return p.ARN
	case PrincipalRoleSession:
		return "arn:" + p.Partition + ":iam::" + p.Account + ":role/" + p.Name
	}
	return ""
}

// IsIAM reports whether the principal is an identity of an AWS account (user, role, session,
// federated user or root), as opposed to a service or an anonymous caller.
func (p RequestPrincipal) IsIAM() bool {
	switch p.Kind {
	case PrincipalUser, PrincipalRole, PrincipalRoleSession, PrincipalFederatedUser, PrincipalRoot:
		return true
	}
	return false
}

// IsSession reports whether the principal is a temporary session (role session or federated user).
func (p RequestPrincipal) IsSession() bool {
	return p.Kind == PrincipalRoleSession || p.Kind == PrincipalFederatedUser
}

// IsServiceLinkedRole reports whether the principal is a service-linked role (path
// /aws-service-role/), to which SCPs and RCPs do not apply.
func (p RequestPrincipal) IsServiceLinkedRole() bool {
	return p.Kind == PrincipalRole && strings.HasPrefix(p.Path, "/aws-service-role/")
}

// IsAccountID reports whether s is an AWS account id: exactly 12 decimal digits.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
