package casegen

import (
	"strings"

	"github.com/iamscope/iamscope/catalog"
)

// policyKind is the role a generated policy plays.
type policyKind int

const (
	idPolicy policyKind = iota
	boundaryPolicy
	sessionPolicy
	resourcePolicy
	scpPolicy
	rcpPolicy
)

// pol is the policy being written: whether policy variables are substituted in it.
type pol struct {
	kind policyKind
	vars bool // Version 2012-10-17: variables are substituted
	// varsAnyway lets a 2008-10-17 or unversioned policy hold `${...}` text, which AWS reads
	// literally and the reference simulator substitutes (a documented deviation).
	varsAnyway bool
}

func (p *pol) mayUseVars() bool { return p.vars || p.varsAnyway }

// policy writes a policy of the given kind about the request.
func (g *gen) policy(kind policyKind) *Policy {
	p := &pol{kind: kind, vars: true}
	doc := &Policy{Version: "2012-10-17"}
	if kind != scpPolicy && kind != rcpPolicy {
		switch g.weighted(86, 7, 7) {
		case 1:
			doc.Version = "2008-10-17"
			p.vars = false
		case 2:
			doc.Version = ""
			p.vars = false
		}
		p.varsAnyway = !p.vars && g.chance(0.3)
	}
	n := 1 + g.weighted(45, 35, 20)
	for range n {
		doc.Statement = append(doc.Statement, g.statement(p))
	}
	return doc
}

// statement writes one statement: most are close to the request, some match it, some just miss.
func (g *gen) statement(p *pol) *Statement {
	s := &Statement{Effect: "Allow"}
	switch p.kind {
	case idPolicy:
		if g.chance(0.25) {
			s.Effect = "Deny"
		}
	case boundaryPolicy, sessionPolicy:
		if g.chance(0.15) {
			s.Effect = "Deny"
		}
	case resourcePolicy:
		if g.chance(0.25) {
			s.Effect = "Deny"
		}
	case rcpPolicy:
		return g.rcpStatement(p)
	}
	if g.chance(0.12) {
		s.NotAction = g.actionElement()
	} else {
		s.Action = g.actionElement()
	}
	trust := p.kind == resourcePolicy && g.isAssumeRole()
	switch {
	case trust && g.chance(0.7):
		// a role trust policy has no Resource: the role is the resource
	case p.kind == resourcePolicy && g.chance(0.1):
	case g.chance(0.1):
		// No policy variables in NotResource: what AWS does with one that has no value is not
		// documented (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value
		// speaks of conditions).
		s.NotResource = g.resourceElement(&pol{kind: p.kind})
	default:
		s.Resource = g.resourceElement(p)
	}
	if p.kind == resourcePolicy {
		if g.chance(0.1) {
			// NotPrincipal only with Deny: AWS recommends against it with Allow, and does not
			// say how such a grant weighs against a boundary or a session policy
			// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html).
			s.NotPrincipal = g.principalElement(true)
			s.Effect = "Deny"
		} else {
			s.Principal = g.principalElement(false)
		}
	}
	g.conditions(s, p, g.weighted(45, 32, 16, 7))
	return s
}

// rcpStatement writes a statement of an RCP: a Deny for every principal, usually with a
// condition that carves out the organization, as data-perimeter RCPs do.
func (g *gen) rcpStatement(p *pol) *Statement {
	s := &Statement{Effect: "Deny", Principal: "*", Resource: "*"}
	// An RCP may not name the action "*"; it names the services it guards.
	s.Action = g.action.Service + ":*"
	if g.chance(0.6) {
		if a := g.actionPattern(); a != "*" {
			s.Action = a
		}
	}
	n := 1
	if g.chance(0.2) {
		n = 0
	}
	g.conditions(s, p, n)
	return s
}

// orgLevels writes SCPs or RCPs for one to three organization levels. SCP levels usually hold
// FullAWSAccess (each level must allow); RCP levels hold denies (RCPFullAWSAccess is implicit).
func (g *gen) orgLevels(kind policyKind) [][]Policy {
	levels := make([][]Policy, 1+g.weighted(40, 40, 20))
	for i := range levels {
		if kind == rcpPolicy {
			levels[i] = []Policy{*g.policy(rcpPolicy)}
			continue
		}
		var level []Policy
		switch g.weighted(82, 10, 8) {
		case 0:
			level = append(level, Policy{Version: "2012-10-17", Statement: []*Statement{{Effect: "Allow", Action: "*", Resource: "*"}}})
		case 1:
			// a narrower allow, which may or may not cover the request
			p := &pol{kind: scpPolicy, vars: true}
			s := &Statement{Effect: "Allow", Action: g.actionElement(), Resource: "*"}
			if g.chance(0.3) {
				g.conditions(s, p, 1)
			}
			level = append(level, Policy{Version: "2012-10-17", Statement: []*Statement{s}})
		default:
			// no allow at this level: everything is implicitly denied
		}
		if g.chance(0.3) || len(level) == 0 {
			p := &pol{kind: scpPolicy, vars: true}
			s := &Statement{Effect: "Deny", Resource: "*"}
			if g.chance(0.15) {
				s.NotAction = g.actionElement()
			} else {
				s.Action = g.actionElement()
			}
			g.conditions(s, p, g.weighted(30, 60, 10))
			level = append(level, Policy{Version: "2012-10-17", Statement: []*Statement{s}})
		}
		levels[i] = level
	}
	return levels
}

// list returns one value as a string, or several as a list.
func list(vals []string) any {
	if len(vals) == 1 {
		return vals[0]
	}
	return vals
}

// actionElement writes an Action or NotAction value: one or two patterns.
func (g *gen) actionElement() any {
	vals := []string{g.actionPattern()}
	if g.chance(0.3) {
		vals = append(vals, g.actionPattern())
	}
	return list(vals)
}

// actionPattern writes an action pattern near the request's action: the action itself
// (in any case), service and prefix wildcards, `?`, another action, another service.
func (g *gen) actionPattern() string {
	svc, name := g.action.Service, g.action.Name
	switch g.weighted(30, 12, 5, 15, 5, 7, 15, 11) {
	case 0:
		full := svc + ":" + name
		if g.chance(0.3) {
			return flipCase(g, full)
		}
		return full
	case 1:
		return svc + ":*"
	case 2:
		return "*"
	case 3:
		return svc + ":" + name[:1+g.r.IntN(len(name))] + "*"
	case 4:
		return svc + ":*" + name[g.r.IntN(len(name)):]
	case 5:
		i := g.r.IntN(len(name))
		return svc + ":" + name[:i] + "?" + name[i+1:]
	case 6:
		if s, ok := catalog.LookupService(svc); ok {
			return svc + ":" + pick(g, s.Actions).Name
		}
		return svc + ":*"
	}
	other := pick(g, g.w.favorites)
	if g.chance(0.5) {
		return other.Prefix + ":*"
	}
	return other.Prefix + ":" + pick(g, other.Actions).Name
}

// resourceElement writes a Resource or NotResource value: one or two patterns.
func (g *gen) resourceElement(p *pol) any {
	vals := []string{g.resourcePattern(p)}
	if g.chance(0.25) {
		vals = append(vals, g.resourcePattern(p))
	}
	return list(vals)
}

// resourcePattern writes a resource pattern near the request's resource: the ARN itself,
// `*`, prefix wildcards, `?`, wildcard region or account, a change of case (ARNs are
// case-sensitive), another resource of the same type, and policy variables.
func (g *gen) resourcePattern(p *pol) string {
	arn := g.resource
	if arn == "*" {
		if g.chance(0.85) {
			return "*"
		}
		return "arn:aws:" + g.action.Service + ":*:*:*"
	}
	switch g.weighted(28, 10, 15, 8, 8, 5, 10, 14) {
	case 0:
		return arn
	case 1:
		return "*"
	case 2:
		// wildcards never in the service field: AWS does not allow them there
		// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html)
		min := afterService(arn)
		return arn[:min+g.r.IntN(len(arn)-min)] + "*"
	case 3:
		i := afterService(arn) + g.r.IntN(len(arn)-afterService(arn))
		if arn[i] == ':' {
			return arn
		}
		return arn[:i] + "?" + arn[i+1:]
	case 4:
		f := strings.SplitN(arn, ":", 6)
		if f[3] != "" && g.chance(0.5) {
			f[3] = "*"
		}
		if f[4] != "" {
			f[4] = "*"
		}
		return strings.Join(f, ":")
	case 5:
		f := strings.SplitN(arn, ":", 6)
		f[5] = flipCase(g, f[5])
		return strings.Join(f, ":")
	case 6:
		if rt := g.ar.ResourceType(); rt != nil {
			if other, ok := g.makeARN(rt.ARNFormat); ok {
				return other
			}
		}
		return arn
	}
	if p.mayUseVars() {
		return g.variablePattern(arn)
	}
	return arn
}

// afterService returns the index just past the service field of an ARN and its colon.
func afterService(arn string) int {
	return len("arn:aws:") + strings.IndexByte(arn[len("arn:aws:"):], ':') + 1
}

// variablePattern puts a policy variable into an ARN pattern: in place of the caller's name
// or team where the ARN's resource part holds it, else in place of the ARN's last part. Only
// in the resource part: "You can use policy variables in the Resource element, but only in
// the resource portion of the ARN" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-wheretouse).
func (g *gen) variablePattern(arn string) string {
	v := g.variable()
	f := strings.SplitN(arn, ":", 6)
	start := len(arn) - len(f[len(f)-1])
	for _, lit := range []string{g.userName, g.team} {
		if lit != "" && strings.Contains(arn[start:], lit) && g.chance(0.7) {
			i := strings.LastIndex(arn, lit)
			return arn[:i] + v + arn[i+len(lit):]
		}
	}
	i := strings.LastIndexAny(arn, "/:")
	if g.chance(0.5) {
		return arn[:i+1] + v + "*"
	}
	return arn[:i+1] + v
}

// variable returns a policy variable: the caller's name, its team tag (with or without a
// default), its account.
func (g *gen) variable() string {
	switch g.weighted(35, 30, 15, 10, 10) {
	case 0:
		return "${aws:username}"
	case 1:
		return "${aws:PrincipalTag/team}"
	case 2:
		return "${aws:PrincipalTag/team, '" + pick(g, teams) + "'}"
	case 3:
		return "${aws:PrincipalAccount}"
	}
	return "${aws:userid}"
}

// principalElement writes a Principal (or NotPrincipal) value: "*", the caller's account (by
// id or root ARN), the caller's own ARN, the role behind a session, the IAM user of the same
// name as a federated user, other principals, service principals; alone or in a list.
//
// With a session policy, a grant does not name the caller by "*" (or by NotPrincipal): AWS
// documents that a grant naming the session itself is not limited by the session policy, and
// says nothing of one that names everybody
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session).
func (g *gen) principalElement(not bool) any {
	if !not && !g.hasSession && g.chance(0.12) {
		return "*"
	}
	var aws, svc []string
	for range 1 + g.weighted(75, 25) {
		switch g.weighted(12, 10, 10, 25, 12, 4, 10, 17) {
		case 0:
			if !g.hasSession {
				aws = append(aws, "*")
			}
		case 1:
			aws = append(aws, pick(g, []string{acctA, acctA, acctB, acctC}))
		case 2:
			aws = append(aws, "arn:aws:iam::"+pick(g, []string{acctA, acctA, acctB, acctC})+":root")
		case 3:
			if g.kind == kService {
				svc = append(svc, g.service)
			} else if g.kind != kAnonymous {
				aws = append(aws, g.ownARN)
			}
		case 4:
			if g.roleARN != "" {
				aws = append(aws, g.roleARN)
			}
		case 5:
			// Not the IAM user of a federated user's name: nothing in a federated user's ARN
			// says which IAM user asked for the session, and AWS documents only naming the
			// session itself (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_getfederationtoken.html).
			aws = append(aws, pick(g, []string{acctB, "arn:aws:iam::" + acctB + ":root"}))
		case 6:
			aws = append(aws, pick(g, []string{
				"arn:aws:iam::" + acctA + ":user/mallory",
				"arn:aws:iam::" + acctB + ":role/app",
				"arn:aws:sts::" + acctA + ":assumed-role/app/other",
				"arn:aws:iam::" + acctA + ":role/other",
			}))
		default:
			svc = append(svc, pick(g, services))
		}
	}
	if len(aws) == 0 && len(svc) == 0 {
		aws = append(aws, acctC)
	}
	m := map[string]any{}
	if len(aws) > 0 {
		m["AWS"] = list(aws)
	}
	if len(svc) > 0 {
		m["Service"] = list(svc)
	}
	return m
}
