package eval

import (
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/model"
)

// Step is one action of an escalation path, as the engine decided it.
type Step struct {
	Action   string
	Resource string
	// Condition is what must hold for the step, when it hangs on open conditions.
	Condition *Expr
	// Context holds the keys the step was decided with beyond the request's: for iam:PassRole,
	// iam:PassedToService set to the service the path passes the role to. An explanation of
	// the step must be decided with them too (Context.Over the request's); nil when none.
	Context *Context
}

// Escalation is one privilege-escalation path found for a principal: a path of the public
// catalogue (catalog.EscalationPaths) whose every step the engine allows.
type Escalation struct {
	Path *catalog.EscalationPath
	From *Principal
	// Via is the role chain from From to the principal that takes the steps; empty when From
	// takes them itself.
	Via []Hop
	// Actor takes the steps: From, or the last role of Via.
	Actor *Principal
	// Target is what is gained: "admin", or the ARN of a role, user or group; when the path
	// reaches several, the most powerful (administrators first), whose steps Steps shows.
	Target string
	// Targets lists every target the same path reaches, Target first.
	Targets    []string
	TargetKind string // "admin", "role", "user", "group"
	Steps      []Step
	// Exploitable is true when the path works with what the account holds now; false when it
	// needs an existing resource of a kind the account may hold, or a state the source does
	// not tell (whether a user has a console password), named by Needs.
	Exploitable bool
	Needs       string
	// Bounded is set when the actor's permission boundary caps what the path can gain.
	Bounded bool
}

// adminProbe is an action no policy names, so only `*` covers it: allowed on resource `*`
// means effective `*` on `*`.
const adminProbe = "iamscope:AnyAction"

// probeActions are the powers compared to tell whether a target is worth more than the
// principal that could take it: an escalation must gain something.
var probeActions = []string{
	"iam:CreateUser", "iam:AttachUserPolicy", "iam:PutRolePolicy", "iam:CreatePolicyVersion",
	"iam:PassRole", "iam:CreateAccessKey", "iam:UpdateAssumeRolePolicy", "sts:AssumeRole",
	"s3:GetObject", "s3:PutObject", "s3:PutBucketPolicy", "secretsmanager:GetSecretValue",
	"ssm:GetParameter", "ssm:SendCommand", "kms:Decrypt", "ec2:RunInstances",
	"lambda:CreateFunction", "lambda:UpdateFunctionCode", "dynamodb:Scan", "organizations:CreateAccount",
}

// power is what a principal can do, in terms of the probes.
type power struct {
	admin  bool
	probes uint64
}

// servicePrincipals maps a path's service to the service principal that assumes the roles
// passed to it.
var servicePrincipals = map[string]string{
	"apprunner":            "tasks.apprunner.amazonaws.com",
	"bedrock-agentcore":    "bedrock-agentcore.amazonaws.com",
	"cloudformation":       "cloudformation.amazonaws.com",
	"codebuild":            "codebuild.amazonaws.com",
	"datapipeline":         "datapipeline.amazonaws.com",
	"ec2":                  "ec2.amazonaws.com",
	"ec2-instance-connect": "ec2.amazonaws.com",
	"ecs":                  "ecs-tasks.amazonaws.com",
	"glue":                 "glue.amazonaws.com",
	"lambda":               "lambda.amazonaws.com",
	"sagemaker":            "sagemaker.amazonaws.com",
	"ssm":                  "ec2.amazonaws.com",
}

// existingKinds names, per service, the existing resource an existing-passrole path takes over.
var existingKinds = map[string]string{
	"apprunner":            "an App Runner service",
	"bedrock-agentcore":    "a Bedrock AgentCore code interpreter",
	"cloudformation":       "a CloudFormation stack",
	"codebuild":            "a CodeBuild project",
	"ec2":                  "an EC2 instance or launch template",
	"ec2-instance-connect": "an EC2 instance",
	"ecs":                  "a running ECS task",
	"glue":                 "a Glue development endpoint",
	"lambda":               "a Lambda function",
	"sagemaker":            "a SageMaker notebook instance",
	"ssm":                  "an EC2 instance managed by Systems Manager",
}

// pathState caches what path finding learns about principals.
type pathState struct {
	mu      sync.Mutex
	byTrust map[string][]*Principal // service principal -> roles it may assume
	// takeable holds, by account and then users (false) or roles (true), the principals a
	// principal-access path may take over, in the engine's order: service-linked roles left
	// out.
	takeable map[string]*[2]takeableList
}

func (e *Engine) paths() *pathState {
	e.pathOnce.Do(func() {
		e.pathSt = &pathState{byTrust: map[string][]*Principal{}, takeable: map[string]*[2]takeableList{}}
	})
	return e.pathSt
}

// takeable lists the users (roles with role) of an account that a principal-access path may
// take over, in the engine's order: service-linked roles cannot be changed or assumed by
// principals.
func (e *Engine) takeable(account string, role bool) *takeableList {
	st := e.paths()
	st.mu.Lock()
	defer st.mu.Unlock()
	lists, ok := st.takeable[account]
	if !ok {
		lists = &[2]takeableList{}
		prefix := "arn:aws:iam::" + account + ":"
		for _, t := range e.order {
			if t.Account != account {
				continue
			}
			k := 0
			switch {
			case t.Entity.Kind == model.EntityUser:
			case t.Entity.Kind == model.EntityRole && !t.Entity.Role.IsServiceLinked():
				k = 1
			default:
				continue
			}
			l := &lists[k]
			l.ps = append(l.ps, t)
			plain := strings.HasPrefix(t.ARN, prefix)
			l.plain = append(l.plain, plain)
			if !plain {
				l.other = append(l.other, len(l.ps)-1)
			}
		}
		st.takeable[account] = lists
	}
	if role {
		return &lists[1]
	}
	return &lists[0]
}

// takeableList is the users or the roles of an account a path may take over.
type takeableList struct {
	ps []*Principal
	// plain marks those whose ARN is of the standard partition ("arn:aws:iam::ACCOUNT:"), on
	// which memoKey shares answers; other lists the indexes of the others.
	plain []bool
	other []int
}

// allowedSomewhere reports whether p may do action on some resource its policies state, and
// on which pattern, with any open condition; base is p's derived context, extra the request's.
func (e *Engine) allowedSomewhere(p *Principal, action string, base, extra *Context, opt Options) (string, *Expr, bool) {
	lowerAction := strings.ToLower(action)
	svc, _, _ := strings.Cut(lowerAction, ":")
	stmts := relevantStatements(p.Identity, svc, false)
	for _, pattern := range e.candidatePatterns(p, stmts, lowerAction, fixedContext(base)) {
		if ra, ok := e.decidePattern(p, action, lowerAction, pattern, extra, opt); ok {
			return pattern, ra.Condition, true
		}
	}
	return "", nil, false
}

// Power returns whether p is an administrator (effective `*` on `*`, decided by the engine)
// and which of the probe powers it holds.
func (e *Engine) power(p *Principal) power {
	p.powerOnce.Do(func() {
		defer p.powered.Store(true)
		if src := p.powerFrom.Load(); src != nil {
			p.pow = src.e.power(src.p)
			return
		}
		ctx := e.DeriveContext(p, "", nil)
		opt := Options{Mode: Discovery}
		_, _, anything := e.allowedSomewhere(p, adminProbe, ctx, nil, opt)
		var pw power
		for i, a := range probeActions {
			if _, _, ok := e.allowedSomewhere(p, a, ctx, nil, opt); ok {
				pw.probes |= 1 << i
			}
		}
		// Effective `*` on `*`: an action no policy names is allowed, and so is every probe (a
		// NotAction that leaves out iam:Create* is not administrator, however wide).
		pw.admin = anything && pw.probes == 1<<len(probeActions)-1
		p.pow = pw
	})
	return p.pow
}

// IsAdmin reports whether p has effective `*` on `*` (possibly under open conditions).
func (e *Engine) IsAdmin(p *Principal) bool { return e.power(p).admin }

// adminRank is IsAdmin for ranking targets, deciding p's power only where one of its
// identity statements allows the action only `*` covers: where none does, that action is
// allowed nowhere (allowedSomewhere finds no pattern) and p is no administrator.
// It is decided once per principal: flush ranks the same targets for every principal.
func (e *Engine) adminRank(p *Principal) bool {
	if r := p.rank.Load(); r != 0 {
		return r == 2
	}
	admin := false
found:
	for _, pol := range p.Identity {
		for _, s := range pol.statements {
			if !s.deny && s.mayCoverService("iamscope") && s.matchAction(adminProbeLower) {
				admin = e.power(p).admin
				break found
			}
		}
	}
	r := int32(1)
	if admin {
		r = 2
	}
	p.rank.Store(r)
	return admin
}

// adminProbeLower is adminProbe lower-cased, as statements match actions.
var adminProbeLower = strings.ToLower(adminProbe)

// worthMore reports whether taking over target gains p something.
func (e *Engine) worthMore(target, p *Principal) bool {
	t, mine := e.power(target), e.power(p)
	if mine.admin {
		return false
	}
	return t.admin || t.probes&^mine.probes != 0
}

// rolesTrusting lists the roles whose trust policy lets a service principal assume them.
func (e *Engine) rolesTrusting(service string) []*Principal {
	st := e.paths()
	st.mu.Lock()
	defer st.mu.Unlock()
	if roles, ok := st.byTrust[service]; ok {
		return roles
	}
	var roles []*Principal
	// Roles of one account whose trust policy is the same text, none of its statements naming
	// resources, admit the same: the request differs in the role's ARN alone, which only a
	// Resource element reads.
	type sameText struct {
		doc     int
		account string
	}
	byText := map[sameText]bool{}
	caller, err := model.ParseRequestPrincipal(service)
	if err != nil {
		st.byTrust[service] = nil
		return nil
	}
	for _, p := range e.order {
		rp := e.resources[p.ARN]
		if p.Entity.Kind != model.EntityRole || rp == nil || !mayName(rp.policy, &caller) {
			continue
		}
		key, shared := sameText{}, false
		if doc, ok := e.trustDocs[rp.policy]; ok && anyResource(rp.policy) {
			key, shared = sameText{doc, p.Account}, true
			if admits, ok := byText[key]; ok {
				if admits {
					roles = append(roles, p)
				}
				continue
			}
		}
		in := &Input{Resource: rp.policy}
		req := &Request{Principal: service, Action: AssumeAction, Resource: p.ARN, ResourceAccount: p.Account}
		r, err := evaluateAs(in, req, caller, Options{Mode: Discovery})
		admits := err == nil && r.Decision == Allowed
		if admits {
			roles = append(roles, p)
		}
		if shared {
			byText[key] = admits
		}
	}
	st.byTrust[service] = roles
	return roles
}

// mayName reports whether an Allow statement of the resource policy may apply to the caller:
// its Principal names it, or it has NotPrincipal. Only such a statement allows a request
// decided on that policy alone (evalStatement).
func mayName(p *Policy, caller *model.RequestPrincipal) bool {
	for _, s := range p.statements {
		if !s.deny && (s.notPrinc || matchPrincipal(s.principal, caller) != pmNone) {
			return true
		}
	}
	return false
}

// anyResource reports whether every statement of the policy covers every resource (has no
// Resource or NotResource element).
func anyResource(p *Policy) bool {
	for _, s := range p.statements {
		if !s.anyResource || s.notResource {
			return false
		}
	}
	return true
}

// Paths is PathsIn with no request context, in discovery mode.
func (e *Engine) Paths(p *Principal) []Escalation { return e.PathsIn(p, nil, Discovery) }

// PathsIn finds p's privilege-escalation paths: the catalogue's paths that p can take itself,
// and those it can take from any role it reaches through role chains (marked with the chain).
// Every step and hop is decided by the engine in the request context extra and the mode, as
// Can decides it; in discovery mode a step that hangs on a condition is kept with it.
//
// Each path is reported once for each best target, by its shortest way: p's own steps first,
// then chains in breadth-first order. It is PathSummaryIn's summary expanded.
func (e *Engine) PathsIn(p *Principal, extra *Context, mode Mode) []Escalation {
	s := e.PathSummaryIn(p, extra, mode)
	return s.Expand()
}

// rolesGain sums up what every role of the loaded accounts could give through a chain: whether
// any takes escalation paths itself, whether any is an administrator, and the probe powers
// they hold between them.
type rolesGain struct {
	anyPaths, anyAdmin bool
	probes             uint64
}

// nothingFor reports whether no role could give p anything through a chain: none takes a
// path itself and none is worth more than p (worthMore).
func (s *rolesGain) nothingFor(e *Engine, p *Principal) bool {
	mine := e.power(p)
	return !s.anyPaths && (mine.admin || !s.anyAdmin && s.probes&^mine.probes == 0)
}

// AllPaths is AllPathsIn with no request context, in discovery mode.
func (e *Engine) AllPaths() [][]Escalation { return e.AllPathsIn(nil, Discovery) }

// AllPathsIn finds the escalation paths of every principal in the request context extra and
// the mode, in the order of Principals: each one's PathsIn, from AllPathSummariesIn. On an
// account where most principals reach hundreds of roles the lists repeat each role's paths
// once per principal that reaches it; AllPathSummariesIn lists them once.
func (e *Engine) AllPathsIn(extra *Context, mode Mode) [][]Escalation {
	sums := e.AllPathSummariesIn(extra, mode)
	out := make([][]Escalation, len(sums))
	for i := range sums {
		out[i] = sums[i].Expand()
	}
	return out
}

func actorOf(e *Engine, p *Principal, via []Hop) *Principal {
	if len(via) == 0 {
		return p
	}
	r, _ := e.Principal(via[len(via)-1].To)
	return r
}

// stsPath is the catalogue's path of assuming a role (sts-001), looked up once.
var stsPath = sync.OnceValue(func() *catalog.EscalationPath {
	p, _ := catalog.LookupEscalationPath("sts-001")
	return p
})

// directPaths finds the paths p takes itself, without role chains (sts-001 is found by
// PathsIn, from the chains), in the graph's mode and request context. They are kept with the
// graph, for the principals of the engine's order.
func (g *assumeGraph) directPaths(p *Principal) []Escalation {
	e := g.e
	keep := p.idx >= 0 && p.idx < len(g.direct) && e.order[p.idx] == p
	if keep {
		if found := g.direct[p.idx].Load(); found != nil {
			return *found
		}
	}
	f := g.newFinder(p)
	if !e.power(p).admin {
		// What a path finds is copied out by flush: the buffer serves the next principal.
		buf := foundBuffers.Get().(*findBuffer)
		f.found, f.order = buf.found, buf.order
		for _, path := range catalog.EscalationPaths() {
			f.path(path)
			f.flush()
		}
		buf.found, buf.order = f.found[:0], f.order[:0]
		f.found, f.order = nil, nil
		foundBuffers.Put(buf)
	}
	if keep {
		g.direct[p.idx].Store(&f.out)
	}
	return f.out
}

// findBuffer holds a finder's scratch slices between principals (directPaths).
type findBuffer struct {
	found []Escalation
	order []rankedTarget
}

// foundBuffers pools the findBuffers of directPaths.
var foundBuffers = sync.Pool{New: func() any { return &findBuffer{} }}

// newFinder makes the finder of p's own paths in the graph's mode and request context
// (directPaths; EscalatesIn, which stops at the first).
func (g *assumeGraph) newFinder(p *Principal) *finder {
	f := &finder{e: g.e, p: p, extra: g.extra, opt: Options{Mode: g.mode}, takeable: map[bool]*takeableList{}}
	if p.idx >= 0 && p.idx < len(g.direct) && g.e.order[p.idx] == p {
		f.graph = g // the graph keeps p's hops
	}
	return f
}

// finder applies the catalogue's paths to one principal.
type finder struct {
	e       *Engine
	p       *Principal
	ctx     *Context // p's derived context, on first use
	extra   *Context // the request context the paths are decided in
	opt     Options
	out     []Escalation
	found   []Escalation               // what the current path found, one entry per target
	order   []rankedTarget             // flush's scratch: found ranked
	memo    map[string]map[uint64]Step // by lower-cased action (and own keys' tag), then memoKey
	targets map[string][]passTarget    // by service principal: the roles to pass or take over
	cover   map[string]coverage
	// anywhere holds mayAnywhere's answers by action.
	anywhere map[string]anywhere
	// graph is the assumption graph of the same request context and mode, for a principal it
	// keeps: p's one-hop assumptions (hops, read on first use) decide sts:AssumeRole on a
	// loaded role as Can does, without deciding it again.
	graph     *assumeGraph
	hops      hopList
	hopsKnown bool
	iamPrefix string // "arn:aws:iam::ACCOUNT:" of p's account, set on first use
	// takeable holds the users (false) and roles (true) of p's account a principal-access
	// path may take over (Engine.takeable), on first use.
	takeable map[bool]*takeableList
	// names holds catalogue action names by the lower-cased name steps are decided with.
	names map[string]string
	// template is, while a path's targets are found, the steps every target with nil steps
	// takes, its resource aside (principalAccess).
	template []Step
}

// may decides one step on one resource, in the request's context with the step's own keys
// (own, nil when none) over it.
func (f *finder) may(action, resource string, own *Context) (Step, bool) {
	return f.mayTagged(action, resource, own, "")
}

// mayTagged is may, whose own keys, when given, are named by tag: the answers decided with the
// same own keys are kept and shared as may shares those decided with none.
func (f *finder) mayTagged(action, resource string, own *Context, tag string) (Step, bool) {
	key, memo := uint64(0), own == nil || tag != ""
	lower := strings.ToLower(action)
	if own == nil && f.graph != nil && lower == assumeLower {
		if r, ok := f.e.principals[resource]; ok && r.Entity.Kind == model.EntityRole && r != f.p {
			if !f.hopsKnown {
				f.hops, f.hopsKnown = f.graph.edges(f.p), true
			}
			if cond, ok := f.hops.find(r); ok {
				return Step{Action: action, Resource: resource, Condition: cond}, true
			}
			return Step{}, false
		}
	}
	if memo {
		key, memo = f.memoKey(lower, resource)
	}
	byKeys := lower
	if own != nil {
		byKeys = lower + "\x00" + tag
	}
	if memo {
		if st, ok := f.memo[byKeys][key]; ok {
			st.Resource = resource
			return st, st.Action != ""
		}
	}
	ctx := f.extra
	if own != nil {
		ctx = own.Over(f.extra)
	}
	r, err := f.e.decide(f.p, action, resource, ctx, f.opt)
	st := Step{}
	if err == nil && r.Decision == Allowed {
		st = Step{Action: action, Resource: resource, Condition: r.Condition, Context: own}
	}
	if memo {
		if f.memo == nil {
			f.memo = map[string]map[uint64]Step{}
		}
		if f.memo[byKeys] == nil {
			f.memo[byKeys] = map[uint64]Step{}
		}
		f.memo[byKeys][key] = st
	}
	return st, st.Action != ""
}

// memoKey names what decides an IAM action on an IAM user, group, role or policy of the
// principal's own account: which of the principal's statements that cover the action also
// cover the resource, one bit each. Such resources have no policy of their own for these
// actions, and no context key the engine derives depends on them, so resources with the same
// key get the same answer. It declines (false) where that does not hold: sts actions (a role's
// trust policy weighs in), other services or accounts, more than 64 covering statements, and
// statements with policy variables in Resource.
func (f *finder) memoKey(lowerAction, resource string) (uint64, bool) {
	if f.iamPrefix == "" {
		f.iamPrefix = "arn:aws:iam::" + f.p.Account + ":"
	}
	if !strings.HasPrefix(lowerAction, "iam:") || !strings.HasPrefix(resource, f.iamPrefix) {
		return 0, false
	}
	c := f.covering(lowerAction)
	stmts := c.stmts
	if !c.ok || len(stmts) > 64 {
		return 0, false
	}
	if c.everywhere {
		return uint64(1)<<len(stmts) - 1, true // every statement covers every resource
	}
	var key uint64
	for i, s := range stmts {
		if s.mightMatchResource(resource) {
			key |= 1 << i
		}
	}
	return key, true
}

// covering returns the statements of the principal's identity, boundary and SCP policies
// whose action element covers the action: the only ones that can decide it. It declines
// (ok false) when one of them has policy variables in Resource.
func (f *finder) covering(lowerAction string) coverage {
	if c, ok := f.cover[lowerAction]; ok {
		return c
	}
	svc, _, _ := strings.Cut(lowerAction, ":")
	c := coverage{ok: true, everywhere: true}
	for _, pol := range f.p.denying {
		for _, s := range pol.statements {
			if s.mayCoverService(svc) && s.matchAction(lowerAction) {
				c.stmts = append(c.stmts, s)
				if s.hasTemplates() {
					c.ok = false
				}
				if !s.anyResource && (s.notResource || !slices.Contains(s.src.Resources, "*")) {
					c.everywhere = false
				}
			}
		}
	}
	if f.cover == nil {
		f.cover = map[string]coverage{}
	}
	f.cover[lowerAction] = c
	return c
}

// coverage is the statements that cover one action, and whether they allow memoized answers.
type coverage struct {
	stmts []*statement
	ok    bool
	// everywhere is set when every statement's Resource covers every resource ("*", or none
	// given), so that the statements covering a resource are all of them.
	everywhere bool
}

// mayAnywhere decides one step on whatever resource the principal's policies allow it on.
// Several paths take the same service action: each is decided once per finder.
func (f *finder) mayAnywhere(action string) (Step, bool) {
	if a, ok := f.anywhere[action]; ok {
		return a.step, a.ok
	}
	if f.ctx == nil {
		f.ctx = f.e.DeriveContext(f.p, "", f.extra)
	}
	pattern, cond, ok := f.e.allowedSomewhere(f.p, action, f.ctx, f.extra, f.opt)
	step := Step{Action: action, Resource: pattern, Condition: cond}
	if f.anywhere == nil {
		f.anywhere = map[string]anywhere{}
	}
	f.anywhere[action] = anywhere{step, ok}
	return step, ok
}

// anywhere is what mayAnywhere decided for one action.
type anywhere struct {
	step Step
	ok   bool
}

// holds is a cheap pre-check: does any identity statement of p cover the action at all?
func (f *finder) holds(action string) bool {
	lower := strings.ToLower(action)
	svc, _, _ := strings.Cut(lower, ":")
	for _, pol := range f.p.Identity {
		for _, s := range pol.statements {
			if !s.deny && s.mayCoverService(svc) && s.matchAction(lower) {
				return true
			}
		}
	}
	return false
}

// add records a target the current path reaches, with its steps. Nil steps stand for the
// path's template (f.template) on the target, built only if flush reports that target.
func (f *finder) add(path *catalog.EscalationPath, target, kind string, steps []Step, exploitable bool, needs string) {
	f.fullNames(steps)
	// A principal that grants itself more stays inside its own permission boundary; one that
	// takes over another principal gets that principal's power.
	bounded := len(f.p.Boundary) > 0 && (kind == "admin" || kind == "group")
	f.found = append(f.found, Escalation{Path: path, From: f.p, Actor: f.p, Target: target, TargetKind: kind,
		Steps: steps, Exploitable: exploitable, Needs: needs, Bounded: bounded})
}

// fullNames gives the steps' actions their catalogue names, for the lower-cased names they
// are decided with.
func (f *finder) fullNames(steps []Step) {
	for i := range steps {
		name, ok := f.names[steps[i].Action]
		if !ok {
			name = steps[i].Action
			if a, found := catalog.LookupAction(name); found {
				name = a.FullName()
			}
			if f.names == nil {
				f.names = map[string]string{}
			}
			f.names[steps[i].Action] = name
		}
		steps[i].Action = name
	}
}

// stepsOf returns an escalation's steps: its own, or the path's template on its target.
func (f *finder) stepsOf(esc *Escalation) []Step {
	if esc.Steps != nil || f.template == nil {
		return esc.Steps
	}
	steps := slices.Clone(f.template)
	for i := range steps {
		steps[i].Resource = esc.Target
	}
	return steps
}

// rankedTarget is a target flush ranks: its rank (administrator first), ARN and place in
// finder.found.
type rankedTarget struct {
	rank   int
	target string
	at     int
}

// flush turns what one path found into one escalation: the most powerful target first (an
// administrator over anything less, then by ARN), every target listed.
func (f *finder) flush() {
	if len(f.found) == 0 {
		f.template = nil
		return
	}
	rank := func(esc Escalation) int {
		if esc.Target == "admin" {
			return 0
		}
		if t, ok := f.e.Principal(esc.Target); ok && f.e.adminRank(t) {
			return 1
		}
		return 2
	}
	order := f.order[:0]
	for i, esc := range f.found {
		order = append(order, rankedTarget{rank(esc), esc.Target, i})
	}
	f.order = order
	slices.SortStableFunc(order, func(a, b rankedTarget) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		return strings.Compare(a.target, b.target)
	})
	best := f.found[order[0].at]
	best.Steps = f.stepsOf(&best)
	best.Targets = make([]string, len(order))
	for i, o := range order {
		best.Targets[i] = o.target
	}
	f.out = append(f.out, best)
	// A target that works now is reported too when the most powerful one needs something
	// the account may not hold.
	if !best.Exploitable {
		var now *Escalation
		for _, o := range order {
			esc := &f.found[o.at]
			if !esc.Exploitable {
				continue
			}
			if now == nil {
				now = esc
			}
			now.Targets = append(now.Targets, esc.Target)
		}
		if now != nil {
			now.Steps = f.stepsOf(now)
			f.out = append(f.out, *now)
		}
	}
	f.template = nil
	f.found = f.found[:0] // kept for the next path: what is reported was copied out
}

// path tries one catalogue path.
func (f *finder) path(path *catalog.EscalationPath) {
	if path.ID == stsPath().ID {
		return // assuming a role is followed as a role chain, by Paths
	}
	for _, a := range path.RequiredActions {
		if !f.holds(a) {
			return
		}
	}
	switch path.Category {
	case catalog.SelfEscalation:
		f.selfEscalation(path)
	case catalog.PrincipalAccess:
		f.principalAccess(path)
	case catalog.NewPassRole, catalog.ExistingPassRole:
		f.passRole(path)
	}
}

// ownGroups returns the ARNs of p's groups.
func (f *finder) ownGroups() []string {
	if f.p.Entity.Kind != model.EntityUser {
		return nil
	}
	a, _ := f.e.Account(f.p.Account)
	var out []string
	for _, name := range f.p.Entity.User.Groups {
		if g, ok := a.Group(name); ok {
			out = append(out, g.ARN)
		}
	}
	return out
}

// attachedCustomerPolicies returns the customer managed policies attached to a principal,
// directly or through its groups: those a new policy version would rewrite.
func (f *finder) attachedCustomerPolicies(t *Principal) []string {
	t.customerOnce.Do(func() {
		var arns []string
		a, _ := f.e.Account(t.Account)
		switch t.Entity.Kind {
		case model.EntityUser:
			arns = append(arns, t.Entity.User.AttachedPolicies...)
			for _, name := range t.Entity.User.Groups {
				if g, ok := a.Group(name); ok {
					arns = append(arns, g.AttachedPolicies...)
				}
			}
		case model.EntityRole:
			arns = append(arns, t.Entity.Role.AttachedPolicies...)
		}
		for _, arn := range arns {
			if !strings.Contains(arn, ":iam::aws:policy/") {
				t.customer = append(t.customer, arn)
			}
		}
		sort.Strings(t.customer)
	})
	return t.customer
}

func (f *finder) selfEscalation(path *catalog.EscalationPath) {
	action := path.RequiredActions[0]
	var resources []string
	switch action {
	case "iam:putuserpolicy", "iam:attachuserpolicy":
		if f.p.Entity.Kind == model.EntityUser {
			resources = []string{f.p.ARN}
		}
	case "iam:putrolepolicy", "iam:attachrolepolicy":
		if f.p.Entity.Kind == model.EntityRole {
			resources = []string{f.p.ARN}
		}
	case "iam:attachgrouppolicy", "iam:putgrouppolicy":
		resources = f.ownGroups()
	case "iam:createpolicyversion":
		resources = f.attachedCustomerPolicies(f.p)
	case "iam:addusertogroup":
		f.joinGroup(path)
		return
	}
	for _, res := range resources {
		if step, ok := f.may(action, res, nil); ok {
			f.add(path, "admin", "admin", []Step{step}, true, "")
			return
		}
	}
}

// joinGroup tries iam:AddUserToGroup on each group of the account that would give p more.
func (f *finder) joinGroup(path *catalog.EscalationPath) {
	if f.p.Entity.Kind != model.EntityUser {
		return
	}
	a, _ := f.e.Account(f.p.Account)
	mine := map[string]bool{}
	for _, g := range f.ownGroups() {
		mine[g] = true
	}
	for _, g := range a.Groups {
		if mine[g.ARN] {
			continue
		}
		step, ok := f.may("iam:AddUserToGroup", g.ARN, nil)
		if !ok {
			continue
		}
		member := &Principal{Entity: f.p.Entity, ARN: f.p.ARN, Account: f.p.Account, Boundary: f.p.Boundary, caller: f.p.caller, idx: -1,
			Identity: append(append([]*Policy(nil), f.p.Identity...), f.e.groupPolicies[g.ARN]...)}
		f.e.gather(member)
		if f.e.worthMore(member, f.p) {
			f.add(path, g.ARN, "group", []Step{step}, true, "")
		}
	}
}

// principalAccess tries a path that takes over another user or role of the account.
func (f *finder) principalAccess(path *catalog.EscalationPath) {
	req := path.RequiredActions
	wantRole := false
	for _, a := range req {
		if strings.Contains(a, "role") {
			wantRole = true
		}
	}
	if f.takeable[wantRole] == nil {
		f.takeable[wantRole] = f.e.takeable(f.p.Account, wantRole)
	}
	// An IAM action whose covering statements all cover every resource gets the same answer
	// on every principal of the account (memoKey): it is decided once for the path.
	uniform := make([]bool, len(req))
	for i, a := range req {
		if a != "iam:createpolicyversion" && strings.HasPrefix(a, "iam:") {
			c := f.covering(a)
			uniform[i] = c.ok && len(c.stmts) <= 64 && c.everywhere
		}
	}
	list := f.takeable[wantRole]
	type decided struct {
		allowed bool
		step    Step
	}
	once := make([]decided, len(req))
	// Decided on any plain principal of the account, an action refused there is refused on
	// them all: only the others are tried.
	var sample string
	for j, t := range list.ps {
		if list.plain[j] && t != f.p {
			sample = t.ARN
			break
		}
	}
	refused, allUniform := false, true
	for i, a := range req {
		allUniform = allUniform && uniform[i]
		if uniform[i] && sample != "" {
			once[i].step, once[i].allowed = f.may(a, sample, nil)
			refused = refused || !once[i].allowed
		}
	}
	// When every step is uniform and allowed, a plain target's steps are the template's.
	lazy := allUniform && !refused && sample != ""
	if lazy {
		f.template = make([]Step, len(req))
		for i := range req {
			f.template[i] = once[i].step
		}
		f.fullNames(f.template)
	}
	rewrites := rewritesTarget(req)
	for n := 0; ; n++ {
		j := n
		if refused {
			if n >= len(list.other) {
				break
			}
			j = list.other[n]
		} else if n >= len(list.ps) {
			break
		}
		t, plain := list.ps[j], list.plain[j]
		if t == f.p {
			continue
		}
		// Cheaper tests before any decision: the target's login profile, and whether it is
		// worth more than p when its power is already known.
		exploitable, needs, possible := loginProfileNeeds(t, req)
		if !possible {
			continue
		}
		weighed := !rewrites && t.powered.Load()
		if weighed && !f.e.worthMore(t, f.p) {
			continue
		}
		var steps []Step
		ok := true
		for i, a := range req {
			if lazy && plain {
				break // the template's steps
			}
			if uniform[i] && plain {
				if !once[i].allowed {
					ok = false
					break
				}
				step := once[i].step
				step.Resource = t.ARN
				steps = append(steps, step)
				continue
			}
			step, allowed := f.stepOn(a, t)
			if !allowed {
				ok = false
				break
			}
			steps = append(steps, step)
		}
		if !ok {
			continue
		}
		if !rewrites && !weighed && !f.e.worthMore(t, f.p) {
			continue
		}
		kind := "user"
		if t.Entity.Kind == model.EntityRole {
			kind = "role"
		}
		f.add(path, t.ARN, kind, steps, exploitable, needs)
	}
}

// rewritesTarget reports whether a principal-access path with the required actions rewrites
// its target's permissions, making it an administrator; a path that only takes it over must
// gain something (worthMore).
func rewritesTarget(req []string) bool {
	for _, a := range req {
		switch a {
		case "iam:attachrolepolicy", "iam:putrolepolicy", "iam:attachuserpolicy", "iam:putuserpolicy", "iam:createpolicyversion":
			return true
		}
	}
	return false
}

// stepOn decides one step of a principal-access path on the target t: a new policy version
// (iam:CreatePolicyVersion) on the first of t's customer managed policies it is allowed on
// (refused when t holds none), any other action on t itself.
func (f *finder) stepOn(action string, t *Principal) (Step, bool) {
	res := t.ARN
	if action == "iam:createpolicyversion" {
		policies := f.attachedCustomerPolicies(t)
		if len(policies) == 0 {
			return Step{}, false
		}
		res = policies[0]
		for _, pa := range policies {
			if _, allowed := f.may(action, pa, nil); allowed {
				res = pa
				break
			}
		}
	}
	return f.may(action, res, nil)
}

// takesOver reports whether a principal-access path with the required actions req (lower
// case) finds the target t, as principalAccess finds it, and whether it works with what the
// account holds now (exploitable).
func (f *finder) takesOver(req []string, t *Principal) (found, exploitable bool) {
	if t == f.p {
		return false, false
	}
	for _, a := range req {
		if _, ok := f.stepOn(a, t); !ok {
			return false, false
		}
	}
	if !rewritesTarget(req) && !f.e.worthMore(t, f.p) {
		return false, false
	}
	exploitable, _, possible := loginProfileNeeds(t, req)
	return possible, exploitable
}

// loginProfileNeeds tells whether a path's login-profile action can work on a user: setting a
// new password (iam:UpdateLoginProfile) needs the user to have a console password, and giving
// it one (iam:CreateLoginProfile) needs it to have none
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateLoginProfile.html,
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html). When the
// source does not say, the path is kept as not exploitable yet, with what it needs.
func loginProfileNeeds(t *Principal, actions []string) (exploitable bool, needs string, possible bool) {
	if t.Entity.Kind != model.EntityUser {
		return true, "", true
	}
	lp := t.Entity.User.LoginProfile
	switch {
	case slices.Contains(actions, "iam:updateloginprofile"):
		switch lp {
		case model.LoginProfileAbsent:
			return false, "", false
		case model.LoginProfileUnknown:
			return false, "the user to have a console password (the source does not say whether it has one)", true
		}
	case slices.Contains(actions, "iam:createloginprofile"):
		switch lp {
		case model.LoginProfilePresent:
			return false, "", false
		case model.LoginProfileUnknown:
			return false, "the user to have no console password yet (the source does not say whether it has one)", true
		}
	}
	return true, "", true
}

// passRole tries a path that passes a role to a service (new-passrole) or takes over an
// existing resource that runs with one (existing-passrole).
func (f *finder) passRole(path *catalog.EscalationPath) {
	service := ""
	for _, s := range path.Services {
		if s != "iam" && s != "sts" {
			service = s
			break
		}
	}
	principal := servicePrincipals[service]
	if principal == "" {
		return
	}
	var serviceSteps []Step
	passes := false
	for _, a := range path.RequiredActions {
		if a == "iam:passrole" {
			passes = true
			continue
		}
		step, ok := f.mayAnywhere(a)
		if !ok {
			return
		}
		serviceSteps = append(serviceSteps, step)
	}
	needs := existingKinds[service] + " that runs with this role"
	for _, c := range f.targetsOf(principal, passes) {
		if !passes {
			if steps, ok := f.onRunner(path, service, c.role); ok {
				f.add(path, c.role.ARN, "role", steps, true, "")
				continue
			}
			f.add(path, c.role.ARN, "role", append([]Step(nil), serviceSteps...), false, needs)
			continue
		}
		f.add(path, c.role.ARN, "role", append([]Step{c.pass}, serviceSteps...), true, "")
	}
}

// onRunner decides an existing-passrole path's actions on the resources the load knows to run
// with the role (Lambda functions, by their execution role): the steps on the first such
// resource that every action is allowed on, named by its ARN.
func (f *finder) onRunner(path *catalog.EscalationPath, service string, role *Principal) ([]Step, bool) {
	if service != "lambda" {
		return nil, false
	}
	a, ok := f.e.Account(role.Account)
	if !ok {
		return nil, false
	}
	var functions []string
	for _, fn := range a.Functions {
		if fn.Role == role.ARN {
			functions = append(functions, fn.ARN)
		}
	}
	sort.Strings(functions)
	for _, fn := range functions {
		var steps []Step
		for _, action := range path.RequiredActions {
			step, ok := f.may(action, fn, nil)
			if !ok {
				steps = nil
				break
			}
			steps = append(steps, step)
		}
		if steps != nil {
			return steps, true
		}
	}
	return nil, false
}

// passTarget is a role worth more than the principal that a service may assume, and, when
// asked, the principal's iam:PassRole step for it.
type passTarget struct {
	role *Principal
	pass Step
}

// targetsOf lists, once per service principal, the roles of p's account worth more than p that
// the service may assume (for EC2, only roles in an instance profile); with pass, only those p
// may pass to the service (iam:PassRole with iam:PassedToService set to it).
func (f *finder) targetsOf(service string, pass bool) []passTarget {
	key := service
	if pass {
		key += "|pass"
	}
	if t, ok := f.targets[key]; ok {
		return t
	}
	passCtx := NewContext()
	passCtx.Set("iam:PassedToService", service)
	var out []passTarget
	for _, role := range f.e.rolesTrusting(service) {
		if role == f.p || role.Account != f.p.Account || !f.e.worthMore(role, f.p) {
			continue
		}
		if service == "ec2.amazonaws.com" && len(role.Entity.Role.InstanceProfiles) == 0 {
			continue // an instance takes a role only through an instance profile
		}
		t := passTarget{role: role}
		if pass {
			step, ok := f.mayTagged("iam:PassRole", role.ARN, passCtx, "iam:PassedToService="+service)
			if !ok {
				continue
			}
			t.pass = step
		}
		out = append(out, t)
	}
	if f.targets == nil {
		f.targets = map[string][]passTarget{}
	}
	f.targets[key] = out
	return out
}
