package synth

import "fmt"

// trustKind says whom a role's trust policy admits.
type trustKind uint8

const (
	trustService      trustKind = iota // an AWS service
	trustAccount                       // the account itself (its root), often with MFA
	trustPrincipals                    // named users of the account
	trustCrossAccount                  // another account, with an ExternalId
	trustGitHubOIDC                    // GitHub Actions through OIDC
	trustEKSOIDC                       // an EKS cluster's service account through OIDC
	trustSAML                          // a SAML identity provider
	trustChained                       // the previous role of a chain
)

// servicePrincipals are the services roles are made for, with the AWS managed policy such a
// role often holds ("" for none).
var servicePrincipals = []struct{ principal, managed string }{
	{"lambda.amazonaws.com", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"},
	{"ec2.amazonaws.com", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"},
	{"ecs-tasks.amazonaws.com", "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"},
	{"glue.amazonaws.com", ""},
	{"states.amazonaws.com", ""},
	{"events.amazonaws.com", ""},
	{"codebuild.amazonaws.com", ""},
	{"sagemaker.amazonaws.com", ""},
	{"firehose.amazonaws.com", ""},
	{"apigateway.amazonaws.com", ""},
}

// partnerAccounts are the outside accounts some roles trust: vendors, auditors, monitoring.
var partnerAccounts = []string{"464622532012", "111122223333", "725596173220", "380142758621", "903871266004"}

// rolePlan is what the generator decides about a role before writing it.
type rolePlan struct {
	name, path string
	kind       trustKind
	service    int      // index into servicePrincipals, for trustService
	prev       string   // the previous role's ARN, for trustChained
	next       []string // the roles this one is allowed to assume by name: the next hops of chains
}

// planRoles names the roles and decides their trust. About 15% of roles stand in chains of two to
// four, each trusting the one before it and allowed to assume the one after.
func (a *account) planRoles() []rolePlan {
	n := a.opts.Roles
	plans := make([]rolePlan, n)
	used := newNames()
	for i := range plans {
		p := &plans[i]
		team := a.g.pick(teams)
		p.name = used.unique(team + "-" + a.g.pick(purposes) + "-" + a.g.pick(envs))
		p.path = "/"
		switch r := a.g.r.Float64(); {
		case r < 0.55:
			p.kind, p.service = trustService, a.g.r.IntN(len(servicePrincipals))
			if a.g.chance(0.3) {
				p.path = "/service-role/"
			}
		case r < 0.70:
			p.kind = trustAccount
		case r < 0.77:
			p.kind = trustPrincipals
		case r < 0.83:
			p.kind = trustCrossAccount
		case r < 0.90:
			p.kind = trustGitHubOIDC
			p.path = "/ci/"
		case r < 0.95:
			p.kind = trustEKSOIDC
		default:
			p.kind = trustSAML
			p.path = "/sso/"
		}
	}
	// Chains: runs of consecutive roles, the first of each trusting the account.
	for i := 0; i+1 < n; {
		if !a.g.chance(0.05) {
			i++
			continue
		}
		length := a.g.between(2, 4)
		if i+length > n {
			length = n - i
		}
		plans[i].kind, plans[i].path = trustAccount, "/"
		for j := i + 1; j < i+length; j++ {
			prev, cur := &plans[j-1], &plans[j]
			cur.kind, cur.path = trustChained, "/chain/"
			cur.prev = a.arn("role", prev.path, prev.name)
			prev.next = []string{a.arn("role", cur.path, cur.name)}
		}
		i += length
	}
	return plans
}

// assume writes a trust policy statement for sts:AssumeRole (or another sts action).
func assume(action string, principal map[string]any) statement {
	return statement{Effect: "Allow", Principal: principal, Action: action}
}

// trust writes a role's trust policy.
func (a *account) trust(p *rolePlan) *document {
	doc := &document{Version: "2012-10-17"}
	var s statement
	switch p.kind {
	case trustService:
		s = assume("sts:AssumeRole", map[string]any{"Service": servicePrincipals[p.service].principal})
		if a.g.chance(0.2) {
			addCondition(&s, "StringEquals", "aws:SourceAccount", a.id)
		}
	case trustAccount:
		s = assume("sts:AssumeRole", map[string]any{"AWS": "arn:aws:iam::" + a.id + ":root"})
		if a.g.chance(0.6) {
			addCondition(&s, "Bool", "aws:MultiFactorAuthPresent", "true")
		}
		if a.g.chance(0.2) {
			addCondition(&s, "StringEquals", "aws:PrincipalTag/team", a.g.pick(teams))
		}
	case trustPrincipals:
		var who []string
		for range a.g.between(1, 3) {
			if len(a.userNames) == 0 {
				break
			}
			who = append(who, a.userNames[a.g.r.IntN(len(a.userNames))])
		}
		if len(who) == 0 {
			who = []string{"arn:aws:iam::" + a.id + ":root"}
		}
		s = assume("sts:AssumeRole", map[string]any{"AWS": one(who)})
	case trustCrossAccount:
		acct := a.g.pick(partnerAccounts)
		principal := "arn:aws:iam::" + acct + ":root"
		if a.g.chance(0.5) {
			principal = "arn:aws:iam::" + acct + ":role/" + a.g.pick([]string{"vendor-integration", "auditor", "monitoring", "backup-service"})
		}
		s = assume("sts:AssumeRole", map[string]any{"AWS": principal})
		addCondition(&s, "StringEquals", "sts:ExternalId", fmt.Sprintf("%s-%s", a.g.pick(teams), a.g.hex(12)))
	case trustGitHubOIDC:
		s = assume("sts:AssumeRoleWithWebIdentity", map[string]any{"Federated": a.arn("oidc-provider", "/", "token.actions.githubusercontent.com")})
		addCondition(&s, "StringEquals", "token.actions.githubusercontent.com:aud", "sts.amazonaws.com")
		repo := "repo:acme-corp/" + a.g.pick(teams) + "-" + a.g.pick(purposes)
		if a.g.chance(0.5) {
			addCondition(&s, "StringEquals", "token.actions.githubusercontent.com:sub", repo+":ref:refs/heads/main")
		} else {
			addCondition(&s, "StringLike", "token.actions.githubusercontent.com:sub", repo+":*")
		}
	case trustEKSOIDC:
		host := fmt.Sprintf("oidc.eks.%s.amazonaws.com/id/%s", a.g.pick(regions), a.g.hex(32))
		s = assume("sts:AssumeRoleWithWebIdentity", map[string]any{"Federated": a.arn("oidc-provider", "/", host)})
		addCondition(&s, "StringEquals", host+":sub", "system:serviceaccount:"+a.g.pick(teams)+":"+a.g.pick(purposes))
		addCondition(&s, "StringEquals", host+":aud", "sts.amazonaws.com")
	case trustSAML:
		s = assume("sts:AssumeRoleWithSAML", map[string]any{"Federated": a.arn("saml-provider", "/", a.g.pick([]string{"Okta", "AzureAD", "Google"}))})
		addCondition(&s, "StringEquals", "SAML:aud", "https://signin.aws.amazon.com/saml")
	case trustChained:
		s = assume("sts:AssumeRole", map[string]any{"AWS": p.prev})
	}
	doc.Statement = append(doc.Statement, s)
	if p.kind == trustAccount && a.g.chance(0.15) {
		// Session tags ride along with the assumption.
		doc.Statement = append(doc.Statement, assume("sts:TagSession", map[string]any{"AWS": "arn:aws:iam::" + a.id + ":root"}))
	}
	return doc
}

// makeRoles writes the roles, their trust planned for the account's shape.
func (a *account) makeRoles() []roleDetail {
	var plans []rolePlan
	if a.opts.Shape == Dense {
		plans = a.planDenseRoles()
	} else {
		plans = a.planRoles()
	}
	out := make([]roleDetail, 0, len(plans))
	for i := range plans {
		p := &plans[i]
		created := a.created()
		r := roleDetail{
			Path:                     p.path,
			RoleName:                 p.name,
			RoleID:                   a.g.id("AROA"),
			Arn:                      a.arn("role", p.path, p.name),
			CreateDate:               cliDate(created),
			AssumeRolePolicyDocument: a.trust(p),
			InstanceProfileList:      []instanceProfile{},
			RolePolicyList:           []inlinePolicy{},
		}
		n := 0
		if a.g.chance(0.55) {
			n = a.g.between(1, 2)
		}
		r.AttachedManagedPolicies = a.attach(n, 0.1)
		if p.kind == trustService && servicePrincipals[p.service].managed != "" && a.g.chance(0.6) {
			arn := servicePrincipals[p.service].managed
			r.AttachedManagedPolicies = append(r.AttachedManagedPolicies, attachedPolicy{PolicyName: managedName(arn), PolicyArn: arn})
		}
		if a.g.chance(0.15) {
			r.RolePolicyList = a.inline(1 + btoi(a.g.chance(0.1)))
		}
		if len(p.next) > 0 {
			r.RolePolicyList = append(r.RolePolicyList, inlinePolicy{PolicyName: "assume-next-hop", PolicyDocument: &document{
				Version:   "2012-10-17",
				Statement: []statement{{Sid: "NextHop", Effect: "Allow", Action: "sts:AssumeRole", Resource: one(p.next)}},
			}})
		}
		r.PermissionsBoundary = a.boundaryFor(0.15)
		r.Tags = a.tags(a.g.pick(teams))
		if a.g.chance(0.65) {
			r.RoleLastUsed = roleLastUsed{LastUsedDate: cliDate(a.g.timeBetween(created, end)), Region: a.g.pick(regions)}
		}
		if p.kind == trustService && servicePrincipals[p.service].principal == "ec2.amazonaws.com" {
			r.InstanceProfileList = []instanceProfile{{
				Path:                p.path,
				InstanceProfileName: p.name,
				InstanceProfileID:   a.g.id("AIPA"),
				Arn:                 a.arn("instance-profile", p.path, p.name),
				CreateDate:          r.CreateDate,
				Roles: []profileRole{{Path: r.Path, RoleName: r.RoleName, RoleID: r.RoleID, Arn: r.Arn,
					CreateDate: r.CreateDate, AssumeRolePolicyDocument: r.AssumeRolePolicyDocument}},
			}}
		}
		out = append(out, r)
	}
	return out
}

// btoi is 1 for true, 0 for false.
func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
