package eval

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iamscope/iamscope/model"
)

// Engine answers questions about loaded accounts. Building it is the only pass over the whole
// graph: every managed policy's default version, every inline, trust, resource and
// organization policy is compiled once, and every user and role gets its identity policies
// (its own and its groups'), boundary and tags gathered, so that queries touch only what they
// need. Several accounts can be loaded together, so that access across them can be followed.
type Engine struct {
	accounts   map[string]*model.Account
	principals map[string]*Principal // users and roles by ARN
	order      []*Principal          // sorted by ARN
	managed    map[string]*Policy    // default versions by policy ARN
	resources  map[string]*resourcePolicy
	scps, rcps map[string][][]*Policy // by account id, root level first
	// exemptSCPs and exemptRCPs hold the organization policies of management accounts, which
	// do not bind them: explanations list them as skipped.
	exemptSCPs, exemptRCPs map[string][][]*Policy
	orgIDs                 map[string]string // account id -> organization id
	// owners maps the ARNs of resources whose ARN names no account (S3 buckets) to the
	// account that owns them, from model.Account.OwnedResources.
	owners map[string]string
	// trustDocs numbers the distinct texts of trust policies, so that roles with the same
	// trust policy can share decisions.
	trustDocs map[*Policy]int
	visits    sync.Pool // *visits, for reach
	bySvcOnce sync.Once
	bySvc     map[string][]string // resource ARNs with a policy, by service (servicePolicies)
	svcNames  []string            // the services of bySvc, sorted
	trustOnce sync.Once
	trustIx   *trustIndex // built on first use by RoleChains
	rolesOnce sync.Once
	roles     int                     // how many roles the order holds (roleCount)
	nowText   atomic.Pointer[nowText] // principalContext's time, as text
	graphsMu  sync.Mutex
	graphs    map[string]*assumeGraph // by mode and request context (graph)
	pathOnce  sync.Once
	pathSt    *pathState
	// groupPolicies holds each group's compiled policies, by group ARN.
	groupPolicies map[string][]*Policy
	grantsMu      sync.Mutex
	grants        map[*Principal]map[string][]resourceGrant // resource policies naming a principal, by service
	// shareIdx tells principals alike on the identity side apart (shareIx); shared holds the
	// answers they share, by request context, mode, class and service (ownServices), with how many
	// actions they hold.
	shareOnce     sync.Once
	shareIdx      *shareIndex
	sharedMu      sync.Mutex
	shared        map[string]*sharedService
	sharedActions int
	// literals holds, by statement, its Action element sorted by service (literalActions).
	literals sync.Map

	// Warnings lists policies that could not be compiled; the principals they belong to are
	// marked Incomplete and their answers say so.
	Warnings []model.Warning

	// What answers cannot weigh beyond a principal's own policies (see unweighed.go).
	accountGaps   map[string][]string // by account id: its SCPs and RCPs, a listing cut short
	resourceGaps  []resourceGap       // resource and trust policies not read or not compiled
	groupMissing  map[string][]string // by group ARN: its policies not read or not compiled
	brokenManaged map[string]string   // managed policy ARN -> why it could not be compiled

	// Now gives aws:CurrentTime and aws:EpochTime; tests fix it.
	Now func() time.Time
}

// Principal is a user or role compiled for evaluation.
type Principal struct {
	Entity  model.Entity
	ARN     string
	Account string
	// Identity holds the identity policies: inline and attached, the principal's own and,
	// for a user, its groups'.
	Identity []*Policy
	// Boundary holds the permission boundary, if any.
	Boundary []*Policy
	// Incomplete names policies of this principal that could not be read or compiled, and
	// why, so that an answer can say what it could not weigh.
	Incomplete []string
	unweighed  []string // Incomplete and the account's gaps: what no answer about p weighs

	caller model.RequestPrincipal // the request principal, classified once
	// session is the session name of a role's stand-in for one session (SessionPrincipal);
	// "" for SessionName.
	session string
	idx     int // position in the engine's order; -1 for a stand-in
	// powerOnce and pow cache what the principal can do, for escalation paths.
	powerOnce sync.Once
	pow       power
	// powerFrom, when set before the power is decided, is the same principal in another state
	// of the same accounts whose power is known to be the same (sharePowerLater): power reads it
	// there rather than deciding it again.
	powerFrom atomic.Pointer[powerSource]
	// powered is set once pow is decided: a cheap test may then weigh it first.
	powered atomic.Bool
	// rank caches adminRank: 0 until decided, then 1 (not an administrator) or 2.
	rank    atomic.Int32
	denying []*Policy                   // identity, boundary and SCP policies: every policy what-can weighs
	base    atomic.Pointer[baseContext] // principalContext's cache
	request atomic.Pointer[requestMemo] // requestBase's cache
	// assumes holds the resource patterns of the identity statements that allow
	// sts:AssumeRole (conditions aside): the roles p may take on through account-wide trust.
	assumes []globValue
	// assumeCover holds every statement of denying whose action covers sts:AssumeRole, those
	// of the identity policies first (assumeIdentity of them); with assumeTemplates when one
	// has policy variables in Resource.
	assumeCover     []*statement
	assumeIdentity  int
	assumeTemplates bool
	// customer lists the customer managed policies attached to the principal (or its
	// groups), computed once: those a new policy version would rewrite.
	customerOnce sync.Once
	customer     []string
	// classKey names p's class of alike assumers (assumeClassKey), built once; classed is
	// false when p is a class of its own.
	classOnce sync.Once
	classKey  string
	classed   bool
	// share is p's class of alike principals for what-can (shareKey), kept per context.
	share atomic.Pointer[shareMemo]
}

// Kind says whether the principal is a user or a role.
func (p *Principal) Kind() model.EntityKind { return p.Entity.Kind }

// resourcePolicy is a resource's compiled policy and the account that owns the resource.
type resourcePolicy struct {
	policy  *Policy
	account string
}

// NewEngine compiles the accounts.
func NewEngine(accounts ...*model.Account) *Engine {
	// The maps of principals, policies and resources are made to size: no growing on a
	// large account.
	principals, policies, resources := 0, 0, 0
	for _, a := range accounts {
		principals += len(a.Users) + len(a.Roles)
		policies += len(a.Policies)
		resources += len(a.Roles) + len(a.ResourcePolicies)
	}
	e := &Engine{
		accounts:      map[string]*model.Account{},
		principals:    make(map[string]*Principal, principals),
		managed:       make(map[string]*Policy, policies),
		resources:     make(map[string]*resourcePolicy, resources),
		scps:          map[string][][]*Policy{},
		rcps:          map[string][][]*Policy{},
		exemptSCPs:    map[string][][]*Policy{},
		exemptRCPs:    map[string][][]*Policy{},
		orgIDs:        map[string]string{},
		owners:        map[string]string{},
		groupPolicies: map[string][]*Policy{},
		trustDocs:     make(map[*Policy]int, resources),
		accountGaps:   map[string][]string{},
		groupMissing:  map[string][]string{},
		brokenManaged: map[string]string{},
		Now:           time.Now,
	}
	docIDs := make(map[string]int, resources)
	for _, a := range accounts {
		e.addAccount(a, docIDs)
	}
	e.finishGaps()
	sort.Slice(e.order, func(i, j int) bool { return e.order[i].ARN < e.order[j].ARN })
	for i, p := range e.order {
		p.idx = i
	}
	e.visits.New = func() any { return &visits{} }
	return e
}

func (e *Engine) warn(where, msg string) {
	e.Warnings = append(e.Warnings, model.Warning{Where: where, Message: msg})
}

// compile compiles a parsed policy, recording a warning when it cannot be; why says why not.
func (e *Engine) compile(name, where string, p *model.Policy) (cp *Policy, why string) {
	if p == nil {
		why = "no policy document (it could not be read; see the load warnings)"
		e.warn(where, why)
		return nil, why
	}
	cp, err := Compile(name, p)
	if err != nil {
		why = "not compiled: " + err.Error()
		e.warn(where, why)
		return nil, why
	}
	return cp, ""
}

func (e *Engine) addAccount(a *model.Account, docIDs map[string]int) {
	e.accounts[a.ID] = a
	for _, mp := range a.Policies {
		if doc := mp.Default(); doc != nil {
			if cp, why := e.compile(mp.DisplayName(), mp.ARN, doc); cp != nil {
				e.managed[mp.ARN] = cp
			} else {
				e.brokenManaged[mp.ARN] = why
			}
		}
	}
	// The organization's policies first: gathering a principal (addPrincipal) takes its SCPs.
	if org := a.Organization; org != nil {
		e.orgIDs[a.ID] = org.ID
		// SCPs do not affect the management account's users and roles, nor RCPs its
		// resources (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html,
		// .../orgs_manage_policies_rcps.html): it has none that bind, as an account outside
		// an organization, and its organization id still answers aws:PrincipalOrgID. Its
		// SCPs and RCPs are kept apart, for explanations to list as skipped; one that does
		// not compile is no gap in its answers.
		scpsOf, rcpsOf, gap := e.scps, e.rcps, e.addAccountGap
		if org.IsManagement(a.ID) {
			scpsOf, rcpsOf, gap = e.exemptSCPs, e.exemptRCPs, func(string, string) {}
		}
		for _, level := range org.Levels {
			var scps, rcps []*Policy
			for _, sp := range level.SCPs {
				if cp, why := e.compile(sp.Name, "SCP "+sp.ID+" at "+level.Name, sp.Document); cp != nil {
					scps = append(scps, cp)
				} else {
					gap(a.ID, "SCP "+sp.ID+" ("+sp.Name+") at "+level.Name+": "+why)
				}
			}
			for _, rp := range level.RCPs {
				if cp, why := e.compile(rp.Name, "RCP "+rp.ID+" at "+level.Name, rp.Document); cp != nil {
					rcps = append(rcps, cp)
				} else {
					gap(a.ID, "RCP "+rp.ID+" ("+rp.Name+") at "+level.Name+": "+why)
				}
			}
			scpsOf[a.ID] = append(scpsOf[a.ID], scps)
			rcpsOf[a.ID] = append(rcpsOf[a.ID], rcps)
		}
	}
	groupPolicies := map[string][]*Policy{}
	groupMissing := map[string][]string{}
	for _, g := range a.Groups {
		ps, missing := e.entityPolicies("group "+g.Name, g.ARN, g.InlinePolicies, g.AttachedPolicies)
		groupPolicies[g.Name], groupMissing[g.Name] = ps, missing
		e.groupPolicies[g.ARN] = ps
		e.groupMissing[g.ARN] = missing
	}
	for _, u := range a.Users {
		p := &Principal{Entity: model.Entity{Kind: model.EntityUser, User: u}, ARN: u.ARN, Account: a.ID}
		p.Identity, p.Incomplete = e.entityPolicies("user "+u.Name, u.ARN, u.InlinePolicies, u.AttachedPolicies)
		for _, g := range u.Groups {
			p.Identity = append(p.Identity, groupPolicies[g]...)
			p.Incomplete = append(p.Incomplete, groupMissing[g]...)
		}
		p.Boundary, p.Incomplete = e.boundary(u.Boundary, p.Incomplete)
		e.addPrincipal(p)
	}
	for _, r := range a.Roles {
		p := &Principal{Entity: model.Entity{Kind: model.EntityRole, Role: r}, ARN: r.ARN, Account: a.ID}
		p.Identity, p.Incomplete = e.entityPolicies("role "+r.Name, r.ARN, r.InlinePolicies, r.AttachedPolicies)
		p.Boundary, p.Incomplete = e.boundary(r.Boundary, p.Incomplete)
		e.addPrincipal(p)
		cp, why := e.compile("trust policy of role "+r.Name, r.ARN+" trust policy", r.TrustPolicy)
		if cp == nil {
			e.addResourceGap(r.ARN, "trust policy of role "+r.ARN+": "+why)
		} else {
			e.resources[r.ARN] = &resourcePolicy{policy: cp, account: a.ID}
			id, seen := docIDs[string(r.TrustPolicy.Document)]
			if !seen {
				id = len(docIDs)
				docIDs[string(r.TrustPolicy.Document)] = id
			}
			e.trustDocs[cp] = id
		}
	}
	for _, arn := range a.OwnedResources {
		e.owners[arn] = a.ID
	}
	for _, rp := range a.ResourcePolicies {
		if cp, why := e.compile("policy of "+rp.ResourceARN, rp.ResourceARN, rp.Document); cp != nil {
			e.resources[rp.ResourceARN] = &resourcePolicy{policy: cp, account: a.ID}
		} else {
			e.addResourceGap(rp.ResourceARN, "policy of "+rp.ResourceARN+": "+why)
		}
	}
	e.readWarnings(a)
}

func (e *Engine) addPrincipal(p *Principal) {
	p.caller, _ = model.ParseRequestPrincipal(p.requestPrincipal())
	e.gather(p)
	e.principals[p.ARN] = p
	e.order = append(e.order, p)
}

// gather collects the policies what-can weighs for p; call it again after changing p's policies.
func (e *Engine) gather(p *Principal) {
	p.denying = append(append([]*Policy{}, p.Identity...), p.Boundary...)
	for _, level := range e.scps[p.Account] {
		p.denying = append(p.denying, level...)
	}
	p.assumeCover, p.assumeIdentity, p.assumeTemplates = nil, 0, false
	for i, pol := range p.denying {
		for _, s := range pol.statements {
			if s.coversAssume() {
				if i < len(p.Identity) {
					p.assumeIdentity++
				}
				p.assumeCover = append(p.assumeCover, s)
				p.assumeTemplates = p.assumeTemplates || s.hasTemplates()
			}
		}
	}
	p.assumes = nil
	for _, s := range p.assumeCover[:p.assumeIdentity] {
		if s.deny {
			continue
		}
		if s.anyResource || s.notResource {
			p.assumes = append(p.assumes, newGlobValue("*", false))
			continue
		}
		p.assumes = append(p.assumes, s.res()...)
	}
}

// mayAssume is a quick test, ignoring conditions, of whether p's identity policies could let
// it assume the role: the roles a trust policy names p's whole account for.
func (p *Principal) mayAssume(role string) bool {
	for i := range p.assumes {
		g := &p.assumes[i]
		if g.tpl != nil || g.glob.Match(role) {
			return true // a pattern with variables is left to the engine
		}
	}
	return false
}

// entityPolicies compiles an entity's inline policies and looks up its attached ones; it
// returns the names of those it could not use.
func (e *Engine) entityPolicies(owner, where string, inline []model.InlinePolicy, attached []string) ([]*Policy, []string) {
	var out []*Policy
	var missing []string
	for _, ip := range inline {
		if cp, why := e.compile(owner+": "+ip.Name, where+" inline policy "+ip.Name, ip.Document); cp != nil {
			out = append(out, cp)
		} else {
			missing = append(missing, "inline policy "+ip.Name+" of "+owner+": "+why)
		}
	}
	for _, arn := range attached {
		if cp, ok := e.managed[arn]; ok {
			out = append(out, cp)
		} else {
			missing = append(missing, "managed policy "+arn+": "+e.whyMissing(arn))
		}
	}
	return out, missing
}

func (e *Engine) boundary(arn string, missing []string) ([]*Policy, []string) {
	if arn == "" {
		return nil, missing
	}
	if cp, ok := e.managed[arn]; ok {
		return []*Policy{cp}, missing
	}
	return nil, append(missing, "permission boundary "+arn+": "+e.whyMissing(arn))
}

// whyMissing says why a managed policy is not among the compiled ones.
func (e *Engine) whyMissing(arn string) string {
	if why, ok := e.brokenManaged[arn]; ok {
		return why
	}
	return "not in the source"
}

// Principal returns the user or role with the given ARN.
func (e *Engine) Principal(arn string) (*Principal, bool) {
	p, ok := e.principals[arn]
	return p, ok
}

// Principals returns every user and role, sorted by ARN.
func (e *Engine) Principals() []*Principal { return e.order }

// Accounts returns the loaded accounts by id.
func (e *Engine) Account(id string) (*model.Account, bool) {
	a, ok := e.accounts[id]
	return a, ok
}

// SessionName is the role session name iamscope uses when it evaluates a role's access: a
// role acts through sessions, arn:aws:sts::ACCOUNT:assumed-role/NAME/iamscope.
const SessionName = "iamscope"

// requestPrincipal returns the ARN a request from p carries: a user's ARN, or a session of a role.
func (p *Principal) requestPrincipal() string {
	if p.Entity.Kind == model.EntityRole {
		a, _ := model.ParseARN(p.ARN)
		return "arn:" + a.Partition + ":sts::" + p.Account + ":assumed-role/" + p.Entity.Role.Name + "/" + p.sessionName()
	}
	return p.ARN
}

// sessionName is the name of the role session p's requests carry.
func (p *Principal) sessionName() string {
	if p.session != "" {
		return p.session
	}
	return SessionName
}

// DeriveContext returns the request context AWS derives for a request by p on resource
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
// aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:userid, aws:username (users),
// aws:PrincipalTag/*, aws:PrincipalOrgID, aws:ResourceAccount, aws:CurrentTime, aws:EpochTime
// aws:TokenIssueTime (for a role: its credentials are temporary, issued by now, and by a given
// aws:CurrentTime; a user's long-term access key carries none) and
// aws:RequestedRegion (from a regional resource ARN). Keys set in extra override these.
// The principal's tags are marked known, so a missing tag is absent rather than unknown.
func (e *Engine) DeriveContext(p *Principal, resource string, extra *Context) *Context {
	ctx := e.requestBase(p, extra).layer()
	// The keys derived from the resource, unless extra sets them (its keys override).
	if acct := e.resourceAccount(resource, p.Account); acct != "" && !sets(extra, "aws:resourceaccount") {
		ctx.Set("aws:ResourceAccount", acct)
	}
	// A pattern whose region is a wildcard stands for requests to any region: the key stays
	// as the request context gives it (unknown when it does not).
	if a, err := model.ParseARN(resource); err == nil && a.Region != "" && !strings.ContainsAny(a.Region, "*?") && !sets(extra, "aws:requestedregion") {
		ctx.Set("aws:RequestedRegion", a.Region)
	}
	return ctx
}

// sets reports whether the context (nil: none) gives the lower-cased key.
func sets(c *Context, lower string) bool {
	if c == nil {
		return false
	}
	_, ok := c.get(lower)
	return ok
}

// requestBase is the part of DeriveContext that does not depend on the resource: p's own keys
// (principalContext) with extra's set over them, and a role's token time kept no later than
// extra's time. Every request p makes in one query shares it: it is kept on p for as long as
// p's keys and extra stand (a flat extra, unchanged since: its revision).
func (e *Engine) requestBase(p *Principal, extra *Context) *Context {
	own := e.principalContext(p)
	if extra == nil {
		return own
	}
	keep := extra.parent == nil
	if m := p.request.Load(); keep && m != nil && m.own == own && m.extra == extra && m.rev == extra.rev {
		return m.ctx
	}
	ctx := own.layer()
	flat := extra.Clone()
	for _, e := range flat.entries {
		ctx.put(e.lower, e.v)
	}
	ctx.known = append(ctx.known, flat.known...)
	if p.Entity.Kind == model.EntityRole {
		tokenNoLaterThanNow(ctx, flat)
	}
	if keep {
		p.request.Store(&requestMemo{own: own, extra: extra, rev: extra.rev, ctx: ctx})
	}
	return ctx
}

// requestMemo is a principal's requestBase for one extra context, at one revision of it, over
// one principalContext: never changed once made (a request's keys go in a layer over it).
type requestMemo struct {
	own, extra, ctx *Context
	rev             uint64
}

// tokenNoLaterThanNow keeps a role's derived aws:TokenIssueTime no later than the request's
// time when the context gives an earlier aws:CurrentTime (and no token time of its own):
// credentials are issued before they are used.
func tokenNoLaterThanNow(ctx, given *Context) {
	if _, ok := given.get("aws:tokenissuetime"); ok {
		return
	}
	cur, ok := given.get("aws:currenttime")
	if !ok || len(cur.Values) != 1 {
		return
	}
	at, err := time.Parse(time.RFC3339, cur.Values[0])
	if err != nil {
		return
	}
	tok, ok := ctx.get("aws:tokenissuetime")
	if !ok || len(tok.Values) != 1 {
		return
	}
	if derived, err := time.Parse(time.RFC3339, tok.Values[0]); err == nil && at.Before(derived) {
		ctx.Set("aws:TokenIssueTime", at.UTC().Format(time.RFC3339))
	}
}

// principalContext returns the keys of p's requests that do not depend on the resource,
// built once per principal (and again when the clock has moved on).
func (e *Engine) principalContext(p *Principal) *Context {
	now := e.Now().UTC()
	if b := p.base.Load(); b != nil && b.unix == now.Unix() {
		return b.ctx
	}
	ctx := &Context{entries: make([]contextEntry, 0, 10)}
	ctx.setLower("aws:principalarn", "aws:PrincipalArn", p.ARN)
	ctx.setLower("aws:principalaccount", "aws:PrincipalAccount", p.Account)
	ctx.setLower("aws:principalisawsservice", "aws:PrincipalIsAWSService", "false")
	ctx.MarkKnown("aws:PrincipalTag/")
	ctx.MarkKnown("aws:username")
	var tags []model.Tag
	switch p.Entity.Kind {
	case model.EntityUser:
		u := p.Entity.User
		ctx.setLower("aws:principaltype", "aws:PrincipalType", "User")
		ctx.setLower("aws:username", "aws:username", u.Name)
		ctx.setLower("aws:userid", "aws:userid", u.ID)
		tags = u.Tags
	case model.EntityRole:
		r := p.Entity.Role
		ctx.setLower("aws:principaltype", "aws:PrincipalType", "AssumedRole")
		ctx.setLower("aws:userid", "aws:userid", r.ID+":"+p.sessionName())
		tags = r.Tags
	}
	for _, t := range tags {
		ctx.Set("aws:PrincipalTag/"+t.Key, t.Value)
	}
	if org := e.orgIDs[p.Account]; org != "" {
		ctx.setLower("aws:principalorgid", "aws:PrincipalOrgID", org)
	}
	times := e.timeText(now)
	ctx.setLower("aws:currenttime", "aws:CurrentTime", times.rfc3339)
	ctx.setLower("aws:epochtime", "aws:EpochTime", times.epoch)
	// AWS sets aws:TokenIssueTime only for temporary credentials: a role always acts with
	// them, issued no later than now; a user acting with its access key carries none, and with
	// a session token one that the request context must give (unknown in discovery mode,
	// absent in strict mode).
	if p.Entity.Kind == model.EntityRole {
		ctx.setLower("aws:tokenissuetime", "aws:TokenIssueTime", times.rfc3339)
	}
	p.base.Store(&baseContext{unix: now.Unix(), ctx: ctx})
	return ctx
}

// baseContext is a principal's resource-independent request context, for one second.
// nowText is a time as principalContext writes it, made once per second rather than once per
// principal.
type nowText struct {
	unix           int64
	rfc3339, epoch string
}

// timeText returns now, in UTC, as aws:CurrentTime and aws:EpochTime give it.
func (e *Engine) timeText(now time.Time) *nowText {
	if t := e.nowText.Load(); t != nil && t.unix == now.Unix() { // RFC 3339 is to the second
		return t
	}
	t := &nowText{unix: now.Unix(), rfc3339: now.Format(time.RFC3339), epoch: fmt.Sprint(now.Unix())}
	e.nowText.Store(t)
	return t
}

type baseContext struct {
	unix int64
	ctx  *Context
}

// governs reports whether a resource's policy weighs in on an action: a role's trust policy
// governs only the sts actions that take on the role, not IAM actions on the role itself.
func governs(rp *resourcePolicy, action, resource string) bool {
	if strings.HasPrefix(resource, "arn:aws:iam::") && strings.Contains(resource, ":role/") {
		return len(action) > 4 && strings.EqualFold(action[:4], "sts:")
	}
	return true
}

// resourcePolicyFor finds the policy that governs a resource: its own, an S3 object's
// bucket's, or a role's trust policy.
func (e *Engine) resourcePolicyFor(resource string) *resourcePolicy {
	if rp, ok := e.resources[resource]; ok {
		return rp
	}
	if bucket, ok := strings.CutPrefix(resource, "arn:aws:s3:::"); ok {
		if i := strings.IndexByte(bucket, '/'); i >= 0 {
			return e.resources["arn:aws:s3:::"+bucket[:i]]
		}
	}
	return nil
}

// resourceAccount returns the account that owns a resource: the one that holds its policy,
// else the one that lists it among its own (an S3 bucket, or an object in it, whose ARN
// names no account), else the ARN's account field, else def.
func (e *Engine) resourceAccount(resource, def string) string {
	if rp := e.resourcePolicyFor(resource); rp != nil {
		return rp.account
	}
	if a, ok := e.owners[resource]; ok {
		return a
	}
	if bucket, ok := strings.CutPrefix(resource, "arn:aws:s3:::"); ok {
		if i := strings.IndexByte(bucket, '/'); i >= 0 {
			if a, ok := e.owners["arn:aws:s3:::"+bucket[:i]]; ok {
				return a
			}
		}
	}
	// A pattern whose account is a wildcard ("arn:aws:iam::*:user/x") stands for resources
	// in any account, the principal's own among them: it is decided there.
	if a := model.AccountOf(resource); a != "" && !strings.ContainsAny(a, "*?") {
		return a
	}
	return def
}

// Input gathers every policy AWS weighs for a request by p on resource, and the request itself.
func (e *Engine) Input(p *Principal, action, resource string, extra *Context) (*Input, *Request) {
	resAcct := e.resourceAccount(resource, p.Account)
	in := &Input{
		Identity:   p.Identity,
		Boundaries: p.Boundary,
		SCPs:       e.scps[p.Account],
		RCPs:       e.rcps[resAcct],
		ExemptSCPs: e.exemptSCPs[p.Account],
		ExemptRCPs: e.exemptRCPs[resAcct],
	}
	if rp := e.resourcePolicyFor(resource); rp != nil && governs(rp, action, resource) {
		in.Resource = rp.policy
	}
	req := &Request{
		Principal:       p.requestPrincipal(),
		Action:          action,
		Resource:        resource,
		Context:         e.DeriveContext(p, resource, extra),
		ResourceAccount: resAcct,
	}
	return in, req
}

// Can decides whether p may do action on resource, in the account's real setting: its groups,
// boundary, the SCPs of its account, the RCPs of the resource's account and the resource's
// policy, with the context AWS would derive plus extra. In discovery mode keys that are neither
// derived nor given (MFA, source IP, ...) stay open: "allowed if ...". Result.Unweighed names
// the policies the answer depends on that could not be read or compiled.
func (e *Engine) Can(p *Principal, action, resource string, extra *Context, opt Options) (*Result, error) {
	r, err := e.decide(p, action, resource, extra, opt)
	if err == nil {
		r.Unweighed = e.Unweighed(p, resource)
		if r.Explanation != nil {
			r.Explanation.Unweighed = r.Unweighed
		}
	}
	return r, err
}

// decide is Can without naming what the answer could not weigh: the decision every view
// that must agree with Can (what-can, paths, the explorer's trees) takes.
func (e *Engine) decide(p *Principal, action, resource string, extra *Context, opt Options) (*Result, error) {
	in, req := e.Input(p, action, resource, extra)
	return evaluateAs(in, req, p.caller, opt)
}

// GroupPrincipal returns a stand-in principal for a group: a member that holds the group's
// policies and nothing else, for asking what membership in the group grants.
func (e *Engine) GroupPrincipal(g *model.Group, account string) *Principal {
	u := &model.User{ARN: g.ARN, Name: g.Name, Path: g.Path, ID: g.ID, Groups: []string{g.Name}}
	p := &Principal{Entity: model.Entity{Kind: model.EntityUser, User: u}, ARN: g.ARN, Account: account, idx: -1,
		Identity: e.groupPolicies[g.ARN], Incomplete: e.groupMissing[g.ARN]}
	p.caller = model.RequestPrincipal{Kind: model.PrincipalUser, ARN: "arn:aws:iam::" + account + ":user/" + g.Name, Account: account, Name: g.Name, Path: g.Path}
	e.gather(p)
	return p
}
