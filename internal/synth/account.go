package synth

import (
	"fmt"
	"math"
	"time"
)

// awsManaged are the AWS managed policies the generator attaches by ARN. They are not written
// into the file: loaders take their documents from the embedded catalog.
var awsManaged = []string{
	"arn:aws:iam::aws:policy/ReadOnlyAccess",
	"arn:aws:iam::aws:policy/AdministratorAccess",
	"arn:aws:iam::aws:policy/PowerUserAccess",
	"arn:aws:iam::aws:policy/SecurityAudit",
	"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
	"arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess",
	"arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess",
	"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
	"arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
	"arn:aws:iam::aws:policy/IAMUserChangePassword",
	"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
	"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
	"arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
}

// managedName returns the name part of a managed policy ARN.
func managedName(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' {
			return arn[i+1:]
		}
	}
	return arn
}

// account builds one synthetic account.
type account struct {
	opts Options
	g    *rng
	d    *docs
	id   string

	policies   []managedPolicy
	boundaries int // the first policies are permission boundaries
	attached   []int
	bounding   []int

	userNames []string
	roleNames []string
}

func newAccount(opts Options) *account {
	g := newRNG(opts.Seed)
	id := opts.AccountID
	if id == "" {
		id = fmt.Sprintf("%012d", 100000000000+g.r.Int64N(900000000000))
	}
	return &account{opts: opts, g: g, d: &docs{g: g, account: id}, id: id}
}

func (a *account) arn(kind, path, name string) string {
	return "arn:aws:iam::" + a.id + ":" + kind + path + name
}

// build generates the whole account: policies first, so that principals can attach them, then
// groups, users and roles; attachment counts last.
func (a *account) build() *authzDetails {
	out := &authzDetails{
		UserDetailList:  []userDetail{},
		GroupDetailList: []groupDetail{},
		RoleDetailList:  []roleDetail{},
	}
	a.makePolicies()
	groups := a.makeGroups()
	out.GroupDetailList = append(out.GroupDetailList, groups...)
	out.UserDetailList = append(out.UserDetailList, a.makeUsers(groups)...)
	out.RoleDetailList = append(out.RoleDetailList, a.makeRoles()...)
	if a.opts.Shape == Dense {
		a.densify(out)
	}
	for i := range a.policies {
		a.policies[i].AttachmentCount = a.attached[i]
		a.policies[i].PermissionsBoundaryUsageCount = a.bounding[i]
	}
	out.Policies = a.policies
	if out.Policies == nil {
		out.Policies = []managedPolicy{}
	}
	return out
}

// makePolicies writes the customer managed policies, each with one to five versions; the
// default is usually, but not always, the newest.
func (a *account) makePolicies() {
	n := a.opts.Policies
	a.policies = make([]managedPolicy, 0, n)
	a.attached = make([]int, n)
	a.bounding = make([]int, n)
	if n > 0 {
		a.boundaries = max(1, n/100)
	}
	used := newNames()
	suffixes := []string{"access", "read", "write", "policy", "permissions", "deploy", "runtime", "ops"}
	for i := range n {
		team := a.g.pick(teams)
		var name, desc string
		if i < a.boundaries {
			name = used.unique(team + "-boundary")
			desc = "Permission boundary for the " + team + " team"
		} else {
			name = used.unique(team + "-" + a.g.pick(purposes) + "-" + a.g.pick(suffixes))
			if a.g.chance(0.4) {
				desc = "Managed by the " + team + " team"
			}
		}
		path := "/"
		if a.g.chance(0.3) {
			path = "/" + team + "/"
		}
		created := a.g.timeBetween(start, end.AddDate(0, -6, 0))
		versions := 1
		switch {
		case a.g.chance(0.45):
		case a.g.chance(0.75):
			versions = a.g.between(2, 3)
		default:
			versions = a.g.between(4, 5)
		}
		var doc *document
		if i < a.boundaries {
			doc = a.d.boundary()
		} else {
			doc = a.d.identity(a.d.statements())
		}
		list := make([]policyVersion, versions)
		when := created
		for v := range versions {
			if v > 0 {
				doc = a.d.revise(doc)
				when = a.g.timeBetween(when, end)
			}
			list[v] = policyVersion{Document: doc, VersionID: fmt.Sprintf("v%d", v+1), CreateDate: cliDate(when)}
		}
		def := versions - 1
		if versions > 1 && a.g.chance(0.15) {
			def = a.g.r.IntN(versions - 1)
		}
		list[def].IsDefaultVersion = true
		// The CLI lists versions newest first.
		for l, r := 0, len(list)-1; l < r; l, r = l+1, r-1 {
			list[l], list[r] = list[r], list[l]
		}
		a.policies = append(a.policies, managedPolicy{
			PolicyName:        name,
			PolicyID:          a.g.id("ANPA"),
			Arn:               a.arn("policy", path, name),
			Path:              path,
			DefaultVersionID:  fmt.Sprintf("v%d", def+1),
			IsAttachable:      true,
			CreateDate:        cliDate(created),
			UpdateDate:        cliDate(when),
			Description:       desc,
			PolicyVersionList: list,
		})
	}
}

// attach picks managed policies for a principal: n customer policies, popular ones more often,
// and an AWS managed one with probability awsChance.
func (a *account) attach(n int, awsChance float64) []attachedPolicy {
	out := []attachedPolicy{}
	seen := map[int]bool{}
	pool := len(a.policies) - a.boundaries
	for range n {
		if pool <= 0 {
			break
		}
		// A skewed draw: a few policies are attached widely, most to one or two principals.
		i := a.boundaries + int(float64(pool)*math.Pow(a.g.r.Float64(), 2))
		if seen[i] {
			continue
		}
		seen[i] = true
		a.attached[i]++
		p := a.policies[i]
		out = append(out, attachedPolicy{PolicyName: p.PolicyName, PolicyArn: p.Arn})
	}
	if a.g.chance(awsChance) {
		arn := a.g.pick(awsManaged)
		out = append(out, attachedPolicy{PolicyName: managedName(arn), PolicyArn: arn})
	}
	return out
}

// boundaryFor gives a principal a permission boundary with probability p.
func (a *account) boundaryFor(p float64) *boundary {
	if a.boundaries == 0 || !a.g.chance(p) {
		return nil
	}
	i := a.g.r.IntN(a.boundaries)
	a.bounding[i]++
	return &boundary{PermissionsBoundaryType: "Policy", PermissionsBoundaryArn: a.policies[i].Arn}
}

// inline writes n inline policies named for what they do.
func (a *account) inline(n int) []inlinePolicy {
	out := []inlinePolicy{}
	used := newNames()
	for range n {
		name := used.unique(a.g.pick(purposes) + "-" + a.g.pick([]string{"access", "inline", "extra", "policy"}))
		out = append(out, inlinePolicy{PolicyName: name, PolicyDocument: a.d.identity(a.d.inlineStatements())})
	}
	return out
}

// tags writes up to four of the tags companies put on principals.
func (a *account) tags(team string) []tag {
	out := []tag{}
	if !a.g.chance(0.4) {
		return out
	}
	out = append(out, tag{Key: "team", Value: team})
	if a.g.chance(0.7) {
		out = append(out, tag{Key: "env", Value: a.g.pick(envs)})
	}
	if a.g.chance(0.4) {
		out = append(out, tag{Key: "cost-center", Value: fmt.Sprintf("CC-%04d", a.g.between(1000, 9999))})
	}
	if a.g.chance(0.3) {
		out = append(out, tag{Key: "owner", Value: a.g.pick(firstNames) + "." + a.g.pick(lastNames) + "@example.com"})
	}
	return out
}

// created returns a creation date in the account's history.
func (a *account) created() time.Time { return a.g.timeBetween(start, end) }

// makeGroups writes the groups: a team and a function each.
func (a *account) makeGroups() []groupDetail {
	n := a.opts.groups()
	out := make([]groupDetail, 0, n)
	used := newNames()
	kinds := []string{"developers", "admins", "readonly", "oncall", "analysts", "operators", "auditors"}
	for range n {
		name := used.unique(a.g.pick(teams) + "-" + a.g.pick(kinds))
		path := "/"
		if a.g.chance(0.2) {
			path = "/teams/"
		}
		g := groupDetail{
			Path:                    path,
			GroupName:               name,
			GroupID:                 a.g.id("AGPA"),
			Arn:                     a.arn("group", path, name),
			CreateDate:              cliDate(a.created()),
			AttachedManagedPolicies: a.attach(a.g.between(1, 3), 0.25),
			GroupPolicyList:         []inlinePolicy{},
		}
		if a.g.chance(0.3) {
			g.GroupPolicyList = a.inline(1)
		}
		out = append(out, g)
	}
	return out
}

// makeUsers writes the users: people, named first.last, and some service users.
func (a *account) makeUsers(groups []groupDetail) []userDetail {
	n := a.opts.Users
	out := make([]userDetail, 0, n)
	used := newNames()
	for range n {
		team := a.g.pick(teams)
		service := a.g.chance(0.12)
		var name, path string
		if service {
			name, path = used.unique("svc-"+team+"-"+a.g.pick(purposes)), "/service/"
		} else {
			name, path = used.unique(a.g.pick(firstNames)+"."+a.g.pick(lastNames)), a.g.pick([]string{"/", "/staff/"})
		}
		u := userDetail{
			Path:       path,
			UserName:   name,
			UserID:     a.g.id("AIDA"),
			Arn:        a.arn("user", path, name),
			CreateDate: cliDate(a.created()),
			GroupList:  []string{},
			Tags:       a.tags(team),
		}
		if len(groups) > 0 && (!service || a.g.chance(0.5)) {
			for _, i := range a.g.r.Perm(len(groups))[:min(len(groups), a.g.between(1, 3))] {
				u.GroupList = append(u.GroupList, groups[i].GroupName)
			}
		}
		if a.g.chance(0.15) {
			u.AttachedManagedPolicies = a.attach(a.g.between(1, 2), 0.3)
		} else {
			u.AttachedManagedPolicies = []attachedPolicy{}
		}
		inlineChance := 0.1
		if service {
			inlineChance = 0.4
		}
		if a.g.chance(inlineChance) {
			u.UserPolicyList = a.inline(1)
		}
		u.PermissionsBoundary = a.boundaryFor(0.1)
		a.userNames = append(a.userNames, u.Arn)
		out = append(out, u)
	}
	return out
}
