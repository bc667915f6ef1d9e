package model

import "strings"

// Effect is a statement's Effect element: Allow or Deny.
type Effect string

// The two effects a statement can have.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Policy versions. Only 2012-10-17 knows policy variables; a policy without a Version element
// is read as 2008-10-17, where `${...}` is literal text.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Policy is one parsed policy document of any kind: identity, resource, trust, permission
// boundary, SCP, RCP or session policy. It holds the document as written; evaluation lives in
// package eval.
type Policy struct {
	Version    string // as written; "" when the element is absent
	ID         string
	Statements []*Statement
	// Document is the policy as compact JSON, decoded from whatever form it arrived in.
	Document []byte
}

// HasVariables reports whether policy variables are substituted in this policy: only in
// Version 2012-10-17 (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html).
func (p *Policy) HasVariables() bool { return p.Version == Version2012 }

// Statement is one statement of a policy. Each of the paired elements (Principal/NotPrincipal,
// Action/NotAction, Resource/NotResource) holds at most one side; the Not side is flagged.
type Statement struct {
	Index  int // position in the policy's Statement list, from 0
	Sid    string
	Effect Effect

	// Principal is the Principal or NotPrincipal element; nil when the statement has neither.
	Principal    *Principal
	NotPrincipal bool

	// Actions holds the Action or NotAction patterns as written.
	Actions   []string
	NotAction bool

	// Resources holds the Resource or NotResource patterns as written; nil when the statement
	// has neither (as in a role trust policy, where the resource is the role itself).
	Resources   []string
	NotResource bool

	// Conditions are the Condition element's entries, ordered by operator then key.
	Conditions []Condition

	// JSON is the statement as compact JSON, for showing the user what decided.
	JSON []byte
}

// ActionElement names the action element in use ("Action" or "NotAction").
func (s *Statement) ActionElement() string {
	if s.NotAction {
		return "NotAction"
	}
	return "Action"
}

// ResourceElement names the resource element in use ("Resource", "NotResource" or "").
func (s *Statement) ResourceElement() string {
	switch {
	case s.Resources == nil:
		return ""
	case s.NotResource:
		return "NotResource"
	}
	return "Resource"
}

// PrincipalElement names the principal element in use ("Principal", "NotPrincipal" or "").
func (s *Statement) PrincipalElement() string {
	switch {
	case s.Principal == nil:
		return ""
	case s.NotPrincipal:
		return "NotPrincipal"
	}
	return "Principal"
}

// Principal is a Principal or NotPrincipal element: `"*"`, or principals by type.
type Principal struct {
	Wildcard      bool // the element is the string "*"
	AWS           []string
	Service       []string
	Federated     []string
	CanonicalUser []string

	// byAccount and anyAccount index a long AWS list by the account each value names (see
	// AWSFor); nil for a short list.
	byAccount  map[string][]string
	anyAccount []string
}

// awsIndexFrom is the length from which an AWS list is indexed by account.
const awsIndexFrom = 32

// AWSFor returns the values of the AWS list that may name a principal of the account: for a
// long list, the values that name that account, "*", and values that name no account; for a
// short one, the whole list. A trust policy may name thousands of accounts, and a caller is
// matched against its own account's values alone.
func (p *Principal) AWSFor(account string) []string {
	if p.byAccount == nil {
		return p.AWS
	}
	if vals, ok := p.byAccount[account]; ok {
		return vals
	}
	return p.anyAccount
}

// indexAWS groups a long AWS list by account, for AWSFor. Each account's values are followed
// by those that name no account.
func (p *Principal) indexAWS() {
	if len(p.AWS) < awsIndexFrom {
		return
	}
	p.byAccount = map[string][]string{}
	for _, v := range p.AWS {
		if acct := accountNamed(v); acct != "" {
			p.byAccount[acct] = append(p.byAccount[acct], v)
		} else {
			p.anyAccount = append(p.anyAccount, v)
		}
	}
	for acct, vals := range p.byAccount {
		p.byAccount[acct] = append(vals[:len(vals):len(vals)], p.anyAccount...)
	}
}

// accountNamed returns the account an AWS principal value names: a 12-digit id, or the account
// field of an ARN; "" for "*" and anything else.
func accountNamed(v string) string {
	if IsAccountID(v) {
		return v
	}
	rest, ok := strings.CutPrefix(v, "arn:")
	for i := 0; ok && i < 3; i++ { // partition, service, region
		_, rest, ok = strings.Cut(rest, ":")
	}
	if !ok {
		return ""
	}
	acct, _, _ := strings.Cut(rest, ":")
	return acct
}

// Condition is one entry of a Condition element: an operator applied to one context key with
// one or more values (any of which may match). Numbers and booleans are kept as their text.
type Condition struct {
	Operator string // as written, e.g. "ForAnyValue:StringLikeIfExists"
	Key      string // as written; keys are matched case-insensitively
	Values   []string
}

// String renders the condition as `Operator key [values]` for explanations.
func (c Condition) String() string {
	return c.Operator + " " + c.Key + " [" + strings.Join(c.Values, ", ") + "]"
}
