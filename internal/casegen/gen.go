package casegen

import (
	"math/rand/v2"
	"strings"

	"github.com/iamscope/iamscope/catalog"
)

// The accounts of the generated world.
const (
	acctA = "111122223333" // the caller's account
	acctB = "444455556666" // another account, owning cross-account resources
	acctC = "777788889999" // an unrelated account, named only to miss
	orgID = "o-a1b2c3d4e5"
)

// principalKind is the kind of caller of a generated request.
type principalKind int

const (
	kUser principalKind = iota
	kRole
	kSession
	kFederated
	kService
	kAnonymous
)

var (
	userNames    = []string{"alice", "bob", "carol"}
	roleNames    = []string{"app", "deployer", "auditor"}
	sessionNames = []string{"alice", "build-42", "sess"}
	services     = []string{"lambda.amazonaws.com", "events.amazonaws.com", "s3.amazonaws.com", "sns.amazonaws.com", "cloudtrail.amazonaws.com"}
	teams        = []string{"platform", "data", "security"}
	regions      = []string{"us-east-1", "us-east-1", "eu-west-1", "ap-southeast-2"}
	idPool       = []string{"alpha", "beta", "prod-data", "logs-2024"}
)

// gen builds one case. Its fields are the request being built and what its policies may refer to.
type gen struct {
	r *rand.Rand
	w *world

	kind      principalKind
	principal string // the request principal
	ownARN    string // the ARN a resource policy names the caller by (session ARN, user ARN, ...)
	roleARN   string // the role behind a role or role session
	userName  string // the user's name (users), or a federated user's name
	team      string // the caller's team tag
	service   string // the service principal

	action     *catalog.Action
	ar         *catalog.ActionResource // nil when the action takes resource "*"
	resource   string
	resAccount string
	s3Data     bool // the resource is an S3 bucket or object: no resource tag keys apply

	hasSession bool // the case has a session policy

	ctx  map[string]any
	cv   map[string]*ctxVal // lower-cased key -> its value in the request (nil: unusable)
	keys []string           // the action's own condition keys (globals are in globalKeys)
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](g *gen, list []T) T { return list[g.r.IntN(len(list))] }

// weighted returns an index drawn with the given weights.
func (g *gen) weighted(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func (g *gen) newCase(id string) *Case {
	g.ctx = map[string]any{}
	g.cv = map[string]*ctxVal{}
	g.pickPrincipal()
	g.pickRequest()
	g.principalContext()
	c := &Case{ID: id}
	if g.ar == nil || accountless(g.resource) {
		c.ResourceAccount = g.resAccount
	}

	iam := g.kind != kService && g.kind != kAnonymous
	cross := !iam || g.resAccount != acctA
	isTrust := g.isAssumeRole()

	if iam {
		for range 1 + g.weighted(50, 35, 15) {
			c.IdentityPolicies = append(c.IdentityPolicies, g.policy(idPolicy))
		}
		if g.chance(0.2) {
			c.PermissionBoundaries = []*Policy{g.policy(boundaryPolicy)}
		}
		if (g.kind == kSession || g.kind == kFederated) && g.chance(0.35) {
			c.SessionPolicy = g.policy(sessionPolicy)
			g.hasSession = true
		}
		if g.chance(0.35) {
			c.SCPs = g.orgLevels(scpPolicy)
		}
	}
	rpChance := 0.45
	switch {
	case g.resource == "*" || g.action.Service == "sts" && !g.mustHaveResourcePolicy():
		rpChance = 0 // resource policies belong to resources; of STS's, only roles have one
	case g.mustHaveResourcePolicy():
		rpChance = 1 // every role has a trust policy, every KMS key a key policy
	case !iam:
		rpChance = 0.95
	case cross || isTrust:
		rpChance = 0.85
	}
	if g.chance(rpChance) {
		c.ResourcePolicy = g.policy(resourcePolicy)
	}
	if g.w.rcp[g.action.Service] && g.kind != kService && g.chance(0.2) {
		c.RCPs = g.orgLevels(rcpPolicy)
	}
	g.noise()
	c.Request = Request{Principal: g.principal, Action: g.actionName(), Resource: g.resource, Context: g.ctx}
	return c
}

// accountless reports whether an ARN has no account field (S3 buckets and objects).
func accountless(arn string) bool {
	f := strings.SplitN(arn, ":", 6)
	return len(f) < 6 || f[4] == ""
}

// actionName spells the request's action, sometimes in another case: actions match regardless.
func (g *gen) actionName() string {
	name := g.action.FullName()
	if g.chance(0.1) {
		return flipCase(g, name)
	}
	return name
}

func (g *gen) pickPrincipal() {
	g.kind = principalKind(g.weighted(30, 8, 27, 8, 15, 5))
	g.team = pick(g, teams)
	switch g.kind {
	case kUser:
		g.userName = pick(g, userNames)
		path := ""
		if g.chance(0.2) {
			path = "dev/"
		}
		g.principal = "arn:aws:iam::" + acctA + ":user/" + path + g.userName
	case kRole, kSession:
		name := pick(g, roleNames)
		path := ""
		if g.chance(0.2) {
			path = "service/"
		}
		g.roleARN = "arn:aws:iam::" + acctA + ":role/" + path + name
		g.principal = g.roleARN
		if g.kind == kSession {
			g.principal = "arn:aws:sts::" + acctA + ":assumed-role/" + name + "/" + pick(g, sessionNames)
		}
	case kFederated:
		g.userName = pick(g, userNames)
		g.principal = "arn:aws:sts::" + acctA + ":federated-user/" + g.userName
	case kService:
		g.service = pick(g, services)
		g.principal = g.service
	case kAnonymous:
		g.principal = "anonymous"
	}
	g.ownARN = g.principal
}

// pickRequest draws an action and a resource of one of its types, in the caller's account or
// in another.
func (g *gen) pickRequest() {
	g.resAccount = acctA
	if g.chance(0.4) || g.kind == kService || g.kind == kAnonymous {
		g.resAccount = pick(g, []string{acctA, acctB, acctB})
	}
	for {
		svc := pick(g, g.w.services)
		if g.chance(0.55) {
			svc = pick(g, g.w.favorites)
		}
		a := pick(g, svc.Actions)
		if a.Service == "sts" && strings.HasPrefix(a.Name, "AssumeRoleWith") {
			continue // called with a SAML or web identity token, not by an IAM principal
		}
		if len(a.ResourceTypes) == 0 {
			if g.kind == kService || g.kind == kAnonymous {
				continue // they reach resources through resource policies, which "*" has none of
			}
			g.action, g.ar, g.resource, g.s3Data = a, nil, "*", false
			g.keys = g.usableKeys(actionKeys(a, nil))
			return
		}
		ar := pick(g, a.ResourceTypes)
		rt := ar.ResourceType()
		if rt == nil || strings.Contains(rt.ARNFormat, ", ") || strings.Contains(rt.ARNFormat, "*") {
			// The reference simulator reads neither several formats nor a literal `*` in a
			// format as the catalog does, and refuses such requests.
			continue
		}
		arn, ok := g.makeARN(rt.ARNFormat)
		if !ok {
			continue
		}
		got, ok := resourceTypeFor(a, arn)
		if !ok || got.Type != ar.Type {
			continue
		}
		g.action, g.ar, g.resource = a, &ar, arn
		f := strings.SplitN(arn, ":", 6)
		g.s3Data = f[2] == "s3" && f[3] == "" && f[4] == ""
		if f[4] != "" && f[4] != g.resAccount {
			g.resAccount = f[4]
		}
		g.keys = g.usableKeys(actionKeys(a, &ar))
		return
	}
}

// usableKeys keeps the keys the generator can give values to and the reference simulator
// types as the catalog does: known types, the action's own service, placeholders only after a
// slash (aws:RequestTag/${TagKey}), no bucket tags of S3 buckets and objects (the simulator
// drops them unless bucket ABAC is on), and not the aws: keys (drawn from globalKeys, with
// values that fit the request).
func (g *gen) usableKeys(keys []string) []string {
	var out []string
	for _, k := range keys {
		lower := strings.ToLower(k)
		svc, _, _ := strings.Cut(lower, ":")
		switch {
		case svc == "aws" || svc != g.action.Service:
			continue
		case isTemplated(k) && !strings.HasSuffix(lower[:strings.IndexAny(lower, "$<")], "/"):
			continue
		case g.s3Data && strings.HasPrefix(lower, "s3:buckettag/"):
			continue
		}
		switch keyType(k) {
		case "String", "ArrayOfString", "ARN", "ArrayOfARN", "Numeric", "Bool", "Date", "IPAddress":
			out = append(out, k)
		}
	}
	return out
}

// makeARN fills in an ARN format. Placeholders get the partition, a region, the resource
// account, or names from a small pool that includes the caller's name and team, so that
// patterns with policy variables have something to match.
func (g *gen) makeARN(format string) (string, bool) {
	if i := strings.Index(format, ", "); i >= 0 {
		format = format[:i]
	}
	var b strings.Builder
	region := pick(g, regions)
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c == '*' {
			b.WriteString(pick(g, idPool))
			continue
		}
		if c != '$' && c != '{' {
			b.WriteByte(c)
			continue
		}
		start := i + 1
		if c == '$' {
			if i+1 >= len(format) || format[i+1] != '{' {
				b.WriteByte(c)
				continue
			}
			start = i + 2
		}
		end := strings.IndexByte(format[start:], '}')
		if end < 0 {
			return "", false
		}
		name := format[start : start+end]
		last := start+end+1 == len(format)
		i = start + end
		lower := strings.ToLower(name)
		switch {
		case lower == "partition":
			b.WriteString("aws")
		case strings.Contains(lower, "region"):
			b.WriteString(region)
		case strings.Contains(lower, "account"):
			b.WriteString(g.resAccount)
		default:
			b.WriteString(g.nameValue(last && (strings.Contains(lower, "object") || strings.Contains(lower, "path"))))
		}
	}
	arn := b.String()
	if !strings.HasPrefix(arn, "arn:aws:") || strings.Count(arn, ":") < 5 {
		return "", false
	}
	return arn, true
}

// nameValue is a value for a name placeholder of an ARN. pathOK allows a slash (object keys,
// paths), which lets `${aws:username}/*` patterns match.
func (g *gen) nameValue(pathOK bool) string {
	switch {
	case pathOK && g.userName != "" && g.chance(0.4):
		return g.userName + "/notes.txt"
	case g.userName != "" && g.chance(0.25):
		return g.userName
	case g.chance(0.15):
		return g.team
	}
	return pick(g, idPool)
}

// flipCase changes the case of some letters.
func flipCase(g *gen, s string) string {
	b := []byte(s)
	changed := false
	for i, c := range b {
		if g.chance(0.3) {
			switch {
			case c >= 'a' && c <= 'z':
				b[i] = c - 32
				changed = true
			case c >= 'A' && c <= 'Z':
				b[i] = c + 32
				changed = true
			}
		}
	}
	if !changed {
		return strings.ToUpper(s)
	}
	return string(b)
}

// isAssumeRole reports whether the request assumes a role, so that its resource policy is the
// role's trust policy.
func (g *gen) isAssumeRole() bool {
	return g.action.Service == "sts" && strings.HasPrefix(strings.ToLower(g.action.Name), "assumerole")
}

// mustHaveResourcePolicy reports whether the resource always has a policy of its own: a role
// (its trust policy, which sts actions on it weigh) or a KMS key (its key policy).
func (g *gen) mustHaveResourcePolicy() bool {
	f := strings.SplitN(g.resource, ":", 6)
	if len(f) != 6 {
		return false
	}
	return f[2] == "iam" && strings.HasPrefix(f[5], "role/") && g.action.Service == "sts" ||
		f[2] == "kms" && strings.HasPrefix(f[5], "key/")
}
