package eval

import (
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/iamscope/iamscope/model"
	"github.com/iamscope/iamscope/wildcard"
)

// PolicyType is the role a policy plays in a request's evaluation.
type PolicyType string

// The policy types AWS weighs, in the order the explanation lists them.
const (
	SCP               PolicyType = "scp"
	RCP               PolicyType = "rcp"
	ResourcePolicy    PolicyType = "resource"
	IdentityPolicy    PolicyType = "identity"
	BoundaryPolicy    PolicyType = "permissionBoundary"
	SessionPolicyType PolicyType = "session"
)

// Policy is a policy compiled for evaluation: action patterns lower-cased and compiled into
// linear-time globs, resource patterns compiled (or kept as templates where they hold policy
// variables), conditions parsed with their values pre-read for their operators; each part of
// a statement when it is first needed (see statement).
type Policy struct {
	Name       string
	Source     *model.Policy
	statements []*statement
}

// statement is one compiled statement.
type statement struct {
	src         *model.Statement
	deny        bool
	notAction   bool
	notResource bool
	anyResource bool // no Resource element: the policy's own resource (trust policies)
	principal   *model.Principal
	notPrinc    bool

	// The action patterns are matched as written at the statement's first use, and compiled
	// at its second (actions): many policies are read for one request only, as every policy
	// of a request case is, and compiling costs more than one match. The resource patterns are
	// matched as written at their first use too, unless one holds a variable to substitute,
	// and compiled at the second (res). The conditions are compiled at their first use
	// (conditions): a request touches only the statements whose action matches. What is
	// compiled is kept behind a pointer, set once, so that a statement never compiled stays
	// small.
	vars      bool         // the policy substitutes variables
	assume    atomic.Int32 // coversAssume's answer: 0 not yet known, 1 no, 2 yes
	escalates atomic.Int32 // allowsEscalation's answer, as assume
	uses      atomic.Int32
	resUses   atomic.Int32
	index     atomic.Pointer[actionIndex]
	resources atomic.Pointer[[]globValue]
	conds     atomic.Pointer[[]*condition]
}

// actionIndex is a statement's action patterns compiled: lower-cased linear-time globs, with
// the service part of each, and for long lists the patterns grouped by service.
type actionIndex struct {
	patterns  []wildcard.Pattern // lower-cased
	services  []string           // the lower-cased service part of each pattern
	wildSvc   []bool             // services[i] holds a wildcard
	byService map[string][]int   // for long lists: the indexes of each service's patterns
	wildIdx   []int              // for long lists: the patterns whose service holds a wildcard
	// For coversWholeService: whether a pattern is `*`; the ASCII-lower-cased service part of
	// the ASCII patterns written `service:*`; the patterns outside ASCII, compared as written.
	star     bool
	whole    map[string]bool
	nonASCII []string
}

// res returns the compiled Resource (or NotResource) patterns.
func (s *statement) res() []globValue {
	if r := s.resources.Load(); r != nil {
		return *r
	}
	r := make([]globValue, 0, len(s.src.Resources))
	for _, raw := range s.src.Resources {
		r = append(r, newGlobValue(raw, s.vars))
	}
	return *setOnce(&s.resources, &r)
}

// conditions returns the compiled conditions. Compile has already checked their operators,
// so compiling them cannot fail here.
func (s *statement) conditions() []*condition {
	if c := s.conds.Load(); c != nil {
		return *c
	}
	c := make([]*condition, 0, len(s.src.Conditions))
	for _, cond := range s.src.Conditions {
		cc, err := compileCondition(cond, s.vars)
		if err != nil {
			continue // unreachable: Compile refused the policy
		}
		c = append(c, cc)
	}
	return *setOnce(&s.conds, &c)
}

// setOnce stores v in p unless another goroutine, compiling the same thing at the same time,
// stored its own first; either way it returns what p holds.
func setOnce[T any](p *atomic.Pointer[T], v *T) *T {
	if p.CompareAndSwap(nil, v) {
		return v
	}
	return p.Load()
}

// Compile prepares a parsed policy for evaluation. name labels it in explanations.
func Compile(name string, p *model.Policy) (*Policy, error) {
	cp := &Policy{Name: name, Source: p, statements: make([]*statement, 0, len(p.Statements))}
	vars := p.HasVariables()
	// The statements take one allocation for the policy.
	stmts := make([]statement, len(p.Statements))
	for i, s := range p.Statements {
		cs := &stmts[i]
		*cs = statement{
			src:         s,
			deny:        s.Effect == model.Deny,
			notAction:   s.NotAction,
			notResource: s.NotResource,
			anyResource: s.Resources == nil,
			principal:   s.Principal,
			notPrinc:    s.NotPrincipal,
			vars:        vars,
		}
		for _, c := range s.Conditions {
			if err := checkOperator(c); err != nil {
				return nil, &model.PolicyError{Path: fmt.Sprintf("Statement[%d].Condition.%s", s.Index, c.Operator), Msg: err.Error()}
			}
		}
		cp.statements = append(cp.statements, cs)
	}
	return cp, nil
}

// ParseAndCompile parses a policy document in any accepted form and compiles it.
func ParseAndCompile(name string, doc []byte) (*Policy, error) {
	p, err := model.ParsePolicy(doc)
	if err != nil {
		return nil, err
	}
	return Compile(name, p)
}

// coversAssume reports whether the statement's action element covers sts:AssumeRole, found
// once: every principal whose policies hold the statement asks.
func (s *statement) coversAssume() bool {
	switch s.assume.Load() {
	case 1:
		return false
	case 2:
		return true
	}
	// Matched as written, this asks no use of the statement's actions (see matchAction):
	// every statement is asked once, most for nothing else.
	m, ok := false, false
	if s.index.Load() == nil {
		m, ok = anyMatchesAsWritten(s.src.Actions, assumeLower, true, false)
	}
	covers := m != s.notAction
	if !ok {
		covers = s.matchAction(assumeLower)
	}
	if covers {
		s.assume.Store(2)
	} else {
		s.assume.Store(1)
	}
	return covers
}

// matchAction reports whether the statement's Action (or NotAction) element covers the
// lower-cased action.
func (s *statement) matchAction(action string) bool {
	if s.index.Load() == nil && s.uses.Add(1) == 1 {
		if m, ok := anyMatchesAsWritten(s.src.Actions, action, true, false); ok {
			return m != s.notAction
		}
	}
	return s.actions().matches(action) != s.notAction
}

// anyMatchesAsWritten reports whether one of the patterns matches text, without compiling
// them (wildcard.MatchSmall; fold for actions, which text is lower-cased); ok is false when one
// of them is too long or not ASCII for that, or holds a policy variable to substitute (vars).
func anyMatchesAsWritten(patterns []string, text string, fold, vars bool) (match, ok bool) {
	for _, p := range patterns {
		if vars && strings.Contains(p, "${") {
			return false, false
		}
		m, ok := wildcard.MatchSmall(p, text, fold)
		if !ok {
			return false, false
		}
		if m {
			return true, true
		}
	}
	return false, true
}

// actions returns the compiled action patterns, compiling them at the first call.
func (s *statement) actions() *actionIndex {
	if x := s.index.Load(); x != nil {
		return x
	}
	x := new(actionIndex)
	x.compile(s.src.Actions)
	return setOnce(&s.index, x)
}

// compile lower-cases and compiles the action patterns, and indexes a long list.
func (x *actionIndex) compile(actions []string) {
	x.patterns = make([]wildcard.Pattern, 0, len(actions))
	x.services = make([]string, 0, len(actions))
	x.wildSvc = make([]bool, 0, len(actions))
	for _, lower := range lowerAll(actions) {
		x.patterns = append(x.patterns, wildcard.Compile(lower))
		svc, _, _ := strings.Cut(lower, ":")
		x.services = append(x.services, svc)
		x.wildSvc = append(x.wildSvc, strings.ContainsAny(svc, "*?"))
	}
	x.indexServices()
	for _, a := range actions {
		switch {
		case a == "*":
			x.star = true
		case !isASCII(a):
			x.nonASCII = append(x.nonASCII, a)
		case strings.HasSuffix(a, ":*"):
			if x.whole == nil {
				x.whole = map[string]bool{}
			}
			x.whole[strings.ToLower(a[:len(a)-2])] = true
		}
	}
}

// matches reports whether one of the action patterns matches the lower-cased action.
// A long list (AWS managed policies hold hundreds) is looked up by the action's service.
func (x *actionIndex) matches(action string) bool {
	if x.byService == nil {
		for i := range x.patterns {
			if x.patterns[i].Match(action) {
				return true
			}
		}
		return false
	}
	svc, _, _ := strings.Cut(action, ":")
	for _, i := range x.byService[svc] {
		if x.patterns[i].Match(action) {
			return true
		}
	}
	for _, i := range x.wildIdx {
		if x.patterns[i].Match(action) {
			return true
		}
	}
	return false
}

// indexServices groups a long action list by service, so that matching an action tries only
// the patterns of its service and those whose service part holds a wildcard.
func (x *actionIndex) indexServices() {
	if len(x.patterns) < 8 {
		return
	}
	x.byService = map[string][]int{}
	for i, svc := range x.services {
		if x.wildSvc[i] {
			x.wildIdx = append(x.wildIdx, i)
			continue
		}
		x.byService[svc] = append(x.byService[svc], i)
	}
}

// matchResource reports whether the statement's Resource (or NotResource) element covers the
// resource. Resource ARNs are case-sensitive.
func (s *statement) matchResource(resource string, ctx *Context) bool {
	if s.anyResource {
		return true
	}
	if s.resources.Load() == nil && s.resUses.Add(1) == 1 {
		if m, ok := anyMatchesAsWritten(s.src.Resources, resource, false, s.vars); ok {
			return m != s.notResource
		}
	}
	hit := false
	resources := s.res()
	for i := range resources {
		if resources[i].match(ctx, resource) {
			hit = true
			break
		}
	}
	return hit != s.notResource
}

// globMatch matches text against a glob pattern, case-sensitively.
func globMatch(pattern, text string) bool { return wildcard.Compile(pattern).Match(text) }

// mightMatchResource is matchResource without a request context: a pattern with policy
// variables counts as a match, for quick tests that the engine then confirms.
func (s *statement) mightMatchResource(resource string) bool {
	if s.anyResource {
		return true
	}
	hit := false
	resources := s.res()
	for i := range resources {
		if resources[i].tpl != nil || resources[i].glob.Match(resource) {
			hit = true
			break
		}
	}
	return hit != s.notResource || (s.notResource && s.hasTemplates())
}

func (s *statement) hasTemplates() bool {
	resources := s.res()
	for i := range resources {
		if resources[i].tpl != nil {
			return true
		}
	}
	return false
}

// mayCoverService reports whether the statement's action element may cover an action of the
// service: by a pattern whose service part matches, or by NotAction.
func (s *statement) mayCoverService(service string) bool {
	if s.notAction {
		return true
	}
	x := s.actions()
	for i, svc := range x.services {
		if svc == service || (x.wildSvc[i] && (svc == "*" || globMatch(svc, service))) {
			return true
		}
	}
	return false
}

// coversWholeService reports whether the action element covers every action of the service:
// an Action of `*` or `service:*`, or a NotAction that names nothing of the service.
func (s *statement) coversWholeService(service string) bool {
	if s.notAction {
		x := s.actions()
		for i, svc := range x.services {
			if svc == service || (x.wildSvc[i] && (svc == "*" || globMatch(svc, service))) {
				return false
			}
		}
		return true
	}
	if !isASCII(service) {
		for i := range s.src.Actions {
			if s.src.Actions[i] == "*" || wholeService(s.src.Actions[i], service) {
				return true
			}
		}
		return false
	}
	// An ASCII pattern `X:*` covers an ASCII service whole when X and the service are equal
	// regardless of case (wholeService): their lower-cased forms are equal.
	x := s.actions()
	if x.star || x.whole[strings.ToLower(service)] {
		return true
	}
	for _, a := range x.nonASCII {
		if wholeService(a, service) {
			return true
		}
	}
	return false
}

// wholeService reports whether an action pattern is `service:*`, regardless of case, as
// strings.EqualFold(a, service+":*") does but without building the string.
func wholeService(a, service string) bool {
	if n := len(service); len(a) == n+2 && a[n] == ':' && a[n+1] == '*' {
		return strings.EqualFold(a[:n], service)
	}
	return !isASCII(a) && strings.EqualFold(a, service+":*")
}
