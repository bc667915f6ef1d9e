package eval

import (
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/model"
)

// attribute finds, for each policy change, the principals whose answers it can change, and
// returns for each such principal the changes that touch it (indices into changes):
//
//   - the principal's own policies, memberships, boundary, its groups' policies, the managed
//     policies it or its groups hold (a new default version), its account's SCPs and RCPs, a
//     resource policy that names it (by ARN, its account, or "*");
//   - for a role whose trust changed, the principals its changed statements name that may
//     assume it on either side (trustAssumers); for a user or role created or deleted, every
//     principal its trust admits;
//   - the principals whose escalation steps can find something else on a principal touched
//     so far, or on a group whose policies changed: what path finding weighs of a target
//     changed (targetChange) in a way those steps see (mayChangeFor), decided in the request
//     context and mode of opt;
//   - every principal whose role chains reach, on either side, a role touched so far that
//     looks different from a chain (differsForChains).
//
// Principals outside this map are known to answer the same on both sides. moved holds those
// that may take other escalation paths themselves, or be worth something else: all but those
// the last rule adds.
func attribute(before, after *Engine, changes []PolicyChange, opt DiffOptions) (causes map[string]map[int]bool, needs map[string]need, moved map[string]bool) {
	causes, needs = map[string]map[int]bool{}, map[string]need{}
	var part need // what the causes being added can change
	add := func(arn string, i int) {
		if causes[arn] == nil {
			causes[arn] = map[int]bool{}
		}
		causes[arn][i] = true
		needs[arn] |= part
	}
	part = needAll
	engines := []*Engine{before, after}
	holders := [2]map[string][]string{policyHolders(before), policyHolders(after)}
	trustChanged := map[string][]int{}
	for i, c := range changes {
		switch c.Kind {
		case ChangeAttached, ChangeDetached, ChangeInlineAdded, ChangeInlineRemoved, ChangeInlineEdited,
			ChangeBoundary, ChangeGroupJoined, ChangeGroupLeft:
			add(c.Entity, i)
			for _, e := range engines {
				for _, m := range groupMembers(e, c.Entity) {
					add(m, i)
				}
			}
		case ChangeDefaultVersion, ChangePolicyEdited:
			for _, h := range holders {
				for _, p := range h[c.Entity] {
					add(p, i)
				}
			}
		case ChangeSCP, ChangeRCP:
			for _, e := range engines {
				for _, p := range e.order {
					if p.Account == c.Entity {
						add(p.ARN, i)
					}
				}
			}
		case ChangeResourcePolicy:
			for _, e := range engines {
				for _, p := range namedBy(e, c.Statements) {
					add(p, i)
				}
			}
		case ChangeTrust, ChangeCreated, ChangeDeleted:
			part = needPaths
			add(c.Entity, i)
			part = needAll
			trustChanged[c.Entity] = append(trustChanged[c.Entity], i)
		}
	}
	part = needHops | needPaths
	// Those a changed trust admits, on either side, assume the role differently.
	for role, is := range trustChanged {
		for _, arn := range trustAssumers(before, after, role, is, changes) {
			for _, i := range is {
				add(arn, i)
			}
		}
	}
	// Everyone touched so far is all whose power may differ: the others' is decided once.
	if !opt.Full {
		for _, pa := range after.order {
			if pb, ok := before.principals[pa.ARN]; ok && causes[pa.ARN] == nil {
				sharePowerLater(before, pb, pa)
			}
		}
	}
	// Those whose escalation steps act on a principal whose worth as a target changed.
	part = needPaths
	var changed []*changedTarget
	for arn, is := range causes {
		if t := targetChange(before, after, arn, is, holders, trustChanged[arn] != nil); t != nil {
			changed = append(changed, t)
		}
	}
	for g, is := range groupChanges(engines, changes) {
		changed = append(changed, &changedTarget{arn: g, is: is, specific: []escalationTarget{{"group", g}}})
	}
	sort.Slice(changed, func(i, j int) bool { return changed[i].arn < changed[j].arn })
	for k, e := range engines {
		// Each principal is weighed on its own (in parallel); what it gains is added after.
		gains := make([][]*changedTarget, len(e.order))
		e.forEach(e.order, func(j int, x *Principal) {
			stmts := x.escalationStatements()
			if len(stmts) == 0 {
				return
			}
			for _, t := range changed {
				if causes[x.ARN] != nil && containsAll(causes[x.ARN], t.is) || !t.mayChangeFor(engines, k, x, stmts, opt) {
					continue
				}
				if adminOnBoth(before, after, x.ARN) {
					return // an administrator has no path of its own to gain
				}
				gains[j] = append(gains[j], t)
			}
		})
		for j, ts := range gains {
			for _, t := range ts {
				for i := range t.is {
					add(e.order[j].ARN, i)
				}
			}
		}
	}
	// Everyone touched so far may take other paths itself; those the walk back from a changed
	// role adds take the same (their own policies, hops and targets did not change).
	moved = make(map[string]bool, len(causes))
	for arn := range causes {
		moved[arn] = true
	}
	// Those whose chains reach a role that looks different from a chain, on either side.
	seen := map[string]map[int]bool{}
	var arns []string
	for arn := range causes {
		arns = append(arns, arn)
	}
	differs := make([]bool, len(arns))
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				differs[i] = differsForChains(before, after, arns[i])
			}
		})
	}
	for i := range arns {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, arn := range arns {
		if differs[i] {
			seen[arn] = causes[arn]
		}
	}
	for _, e := range engines {
		for arn, is := range upstream(e, seen) {
			for i := range is {
				add(arn, i)
			}
		}
	}
	return causes, needs, moved
}

// need says which parts of a principal's answer a change can alter.
type need uint8

const (
	needAccess need = 1 << iota // what-can and administrator status: its own policies changed
	needHops                    // the roles it assumes in one hop
	needPaths                   // its escalation paths, through chains and targets
	needAll    = needAccess | needHops | needPaths
)

// differsForChains reports whether a role looks different to those whose chains reach it: what
// it can do (administrator, the powers escalation weighs), its own escalation paths, or the
// roles it assumes in one hop. Anything else about it reaches no one upstream. A user, or a
// principal on one side only, counts as different.
func differsForChains(before, after *Engine, arn string) bool {
	pb, okB := before.principals[arn]
	pa, okA := after.principals[arn]
	if !okB || !okA {
		return true
	}
	if pb.Kind() != model.EntityRole {
		return false
	}
	if before.power(pb) != after.power(pa) {
		return true
	}
	added, removed := hopDiff(before.assumable(pb, nil, Discovery).all(), after.assumable(pa, nil, Discovery).all())
	if len(added)+len(removed) > 0 {
		return true
	}
	opened, closed := pathDiff(before.graph(nil, Discovery).directPaths(pb), after.graph(nil, Discovery).directPaths(pa))
	return len(opened)+len(closed) > 0
}

// trustAssumers lists the principals whose one hop to a role can differ between the sides
// because of the changes is (indices into changes) of its trust: those the changed statements
// name (an unchanged statement treats everyone the same on both sides) and that may assume the
// role, as can decides it, on either side. A role created or deleted is weighed whole: every
// principal that may assume it on the side it is on.
func trustAssumers(before, after *Engine, role string, is []int, changes []PolicyChange) []string {
	var stmts []StatementChange
	for _, i := range is {
		if changes[i].Kind != ChangeTrust {
			var out []string
			for _, e := range []*Engine{before, after} {
				if r, ok := e.principals[role]; ok && r.Kind() == model.EntityRole {
					for _, p := range e.assumersOf(r) {
						out = append(out, p.ARN)
					}
				}
			}
			return out
		}
		stmts = append(stmts, changes[i].Statements...)
	}
	seen := map[string]bool{}
	var out []string
	for _, e := range []*Engine{before, after} {
		r, ok := e.principals[role]
		if !ok || r.Kind() != model.EntityRole {
			continue
		}
		for _, arn := range namedBy(e, stmts) {
			p, ok := e.principals[arn]
			if seen[arn] || !ok || p == r {
				continue
			}
			if res, err := e.Can(p, AssumeAction, r.ARN, nil, Options{Mode: Discovery}); err == nil && res.Decision == Allowed {
				seen[arn] = true
				out = append(out, arn)
			}
		}
	}
	return out
}

// changedTarget is a principal or group whose worth as the target of an escalation step
// changed: what steps on it find may differ between the sides.
type changedTarget struct {
	arn string
	is  map[int]bool // the changes (indices) that touch it
	// whole is set when it is on one side only or its administrator status changed (paths
	// rank their targets by it): any step on what all lists may find something else.
	whole bool
	all   [2][]escalationTarget // what steps act on to take it over, on each side (targetResources)
	// power is set when what it can do changed, administrator status aside: a path that takes
	// it over finds it only when it is worth more than the actor (worthMore), on each side p.
	power bool
	p     [2]*Principal
	// only lists, on each side, the customer managed policies attached to it on that side only,
	// and common those on both: a new policy version (iam:CreatePolicyVersion) on any of them
	// rewrites it.
	only   [2][]string
	common []string
	// specific lists the other things whose change steps on them may see: the role, when its
	// trust admits another set of services (passing it to one); the group, when its policies
	// changed (joining it).
	specific []escalationTarget
}

// targetChange says how the principal with the ARN changed as the target of escalation steps,
// or nil when steps on it find the same on both sides. The weighing follows what path finding
// reads of a target (finder): its administrator status (ranking), whether it is worth more
// than the actor (principal access, passing a role), the customer managed policies attached to
// it (a new policy version), and for a role, the services its trust admits.
func targetChange(before, after *Engine, arn string, is map[int]bool, holders [2]map[string][]string, trustChanged bool) *changedTarget {
	pb, okB := before.principals[arn]
	pa, okA := after.principals[arn]
	t := &changedTarget{arn: arn, is: is, p: [2]*Principal{pb, pa}}
	t.all = [2][]escalationTarget{before.targetResources(arn, holders[0]), after.targetResources(arn, holders[1])}
	if !okB || !okA || before.IsAdmin(pb) != after.IsAdmin(pa) {
		t.whole = true
		return t
	}
	t.power = before.power(pb) != after.power(pa)
	pols := [2][]string{(&finder{e: before}).attachedCustomerPolicies(pb), (&finder{e: after}).attachedCustomerPolicies(pa)}
	for k := range pols {
		for _, pol := range pols[k] {
			switch {
			case !slices.Contains(pols[1-k], pol):
				t.only[k] = append(t.only[k], pol)
			case k == 0:
				t.common = append(t.common, pol)
			}
		}
	}
	if trustChanged && pb.Kind() == model.EntityRole && serviceTrustChanged(before, after, pb, pa) {
		t.specific = append(t.specific, escalationTarget{"role", arn})
	}
	if !t.power && len(t.only[0])+len(t.only[1]) == 0 && len(t.specific) == 0 {
		return nil
	}
	return t
}

// mayChangeFor reports whether the escalation paths of x (a principal of engines[k], with its
// escalationStatements stmts) can differ between the sides because of the target, in the
// request context and mode of opt.
func (t *changedTarget) mayChangeFor(engines []*Engine, k int, x *Principal, stmts []*statement, opt DiffOptions) bool {
	if t.whole {
		return mayActOn(stmts, t.all[k])
	}
	if mayActOn(stmts, t.specific) {
		return true
	}
	xs := [2]*Principal{engines[0].principals[x.ARN], engines[1].principals[x.ARN]}
	if xs[0] == nil || xs[1] == nil {
		return mayActOn(stmts, t.all[k])
	}
	if t.power && mayActOn(stmts, t.all[k]) && engines[0].worthMore(t.p[0], xs[0]) != engines[1].worthMore(t.p[1], xs[1]) {
		return true
	}
	// A path that rewrites the target through a policy attached to it on one side only finds
	// it there alone, unless x may rewrite a policy attached on both sides. Finding it on one
	// side changes what the path reports only when it is the target the path names there.
	if len(t.only[0])+len(t.only[1]) == 0 || mayRewrite(engines[k], x, stmts, t.common, true) {
		return false
	}
	for side, e := range engines {
		if !mayRewrite(e, xs[side], xs[side].escalationStatements(), t.only[side], false) {
			continue
		}
		// Whether a rewrite path names the target, as path finding reports it.
		if e.power(xs[side]).admin {
			continue // an administrator has no path of its own
		}
		f := e.graph(opt.Context, opt.Mode).newFinder(xs[side])
		for _, path := range rewritePaths() {
			if t.reportedBy(f, side, path) {
				return true
			}
		}
	}
	return false
}

// rewritePaths are the escalation catalogue's paths that take another principal over by a
// new version of a policy attached to it (iam:CreatePolicyVersion).
var rewritePaths = sync.OnceValue(func() []*catalog.EscalationPath {
	var out []*catalog.EscalationPath
	for _, p := range catalog.EscalationPaths() {
		if p.Category == catalog.PrincipalAccess && slices.Contains(p.RequiredActions, "iam:createpolicyversion") {
			out = append(out, p)
		}
	}
	return out
})

// reportedBy reports whether the principal-access path (a rewrite path), found for the
// finder's principal on the side as directPaths finds it, names the target: it finds the
// target, and no target ranked before it settles the path's report first. finder.flush
// ranks targets administrators first, then by ARN, and reports the best, and when that one
// does not work with what the account holds now, the first that does as well. Only the
// target and its rivals are decided, each rival's rank only once the path finds it.
func (t *changedTarget) reportedBy(f *finder, side int, path *catalog.EscalationPath) bool {
	req := path.RequiredActions
	for _, a := range req {
		if !f.holds(a) {
			return false // finder.path tries it no further
		}
	}
	tp := t.p[side]
	if tp == nil || f.p.Account != tp.Account {
		return false
	}
	wantRole := slices.ContainsFunc(req, func(a string) bool { return strings.Contains(a, "role") })
	list := f.e.takeable(tp.Account, wantRole)
	if !slices.Contains(list.ps, tp) {
		return false
	}
	found, exploitable := f.takesOver(req, tp)
	if !found {
		return false
	}
	tAdmin := f.e.adminRank(tp)
	for _, u := range list.ps {
		if u == tp || tAdmin && u.ARN > tp.ARN {
			continue // ranked after the target whatever it is worth
		}
		// A target ranked before that works now is reported instead; one that does not comes
		// first when the target does not work now either.
		ok, now := f.takesOver(req, u)
		if !ok || !now && exploitable {
			continue
		}
		if tAdmin && f.e.adminRank(u) || !tAdmin && (u.ARN < tp.ARN || f.e.adminRank(u)) {
			return false
		}
	}
	return true
}

// mayRewrite reports whether x may create a new version (iam:CreatePolicyVersion) of one of
// the policies, as can decides it in discovery mode with no request context (what any context
// allows it); with sure, only where it is allowed outright, in every context.
func mayRewrite(e *Engine, x *Principal, stmts []*statement, policies []string, sure bool) bool {
	const action = "iam:createpolicyversion"
	for _, pol := range policies {
		if !mayActOnWith(stmts, action, escalationTarget{"policy", pol}) {
			continue
		}
		res, err := e.Can(x, action, pol, nil, Options{Mode: Discovery})
		if err == nil && res.Decision == Allowed && (!sure || res.Condition == nil || !res.Condition.IsOpen()) {
			return true
		}
	}
	return false
}

// serviceTrustChanged reports whether a role's trust admits a different set of the service
// principals escalation paths pass roles to (servicePrincipals), decided as rolesTrusting
// decides them.
func serviceTrustChanged(before, after *Engine, pb, pa *Principal) bool {
	admits := func(e *Engine, r *Principal, service string) bool {
		rp := e.resources[r.ARN]
		if rp == nil {
			return false
		}
		req := &Request{Principal: service, Action: AssumeAction, Resource: r.ARN, ResourceAccount: r.Account}
		res, err := Evaluate(&Input{Resource: rp.policy}, req, Options{Mode: Discovery})
		return err == nil && res.Decision == Allowed
	}
	for _, service := range servicePrincipals {
		if admits(before, pb, service) != admits(after, pa, service) {
			return true
		}
	}
	return false
}

// adminOnBoth reports whether the principal is an administrator on both sides: it then has no
// escalation path of its own, whatever its targets are worth.
func adminOnBoth(before, after *Engine, arn string) bool {
	pb, okB := before.principals[arn]
	pa, okA := after.principals[arn]
	return okB && okA && before.IsAdmin(pb) && after.IsAdmin(pa)
}

func containsAll(have, want map[int]bool) bool {
	for i := range want {
		if !have[i] {
			return false
		}
	}
	return true
}

// groupMembers lists the users of a group by the group's ARN; nil for anything else.
func groupMembers(e *Engine, arn string) []string {
	if !strings.Contains(arn, ":group/") {
		return nil
	}
	for _, a := range e.accounts {
		for _, g := range a.Groups {
			if g.ARN == arn {
				out := make([]string, 0, len(g.Members))
				for _, u := range g.Members {
					out = append(out, u.ARN)
				}
				return out
			}
		}
	}
	return nil
}

// policyHolders maps each managed policy ARN to the users and roles that hold it: attached to
// them or their groups, or as their boundary.
func policyHolders(e *Engine) map[string][]string {
	m := map[string][]string{}
	for _, a := range e.accounts {
		for _, u := range a.Users {
			for _, p := range u.AttachedPolicies {
				m[p] = append(m[p], u.ARN)
			}
			if u.Boundary != "" {
				m[u.Boundary] = append(m[u.Boundary], u.ARN)
			}
		}
		for _, g := range a.Groups {
			for _, p := range g.AttachedPolicies {
				for _, u := range g.Members {
					m[p] = append(m[p], u.ARN)
				}
			}
		}
		for _, r := range a.Roles {
			for _, p := range r.AttachedPolicies {
				m[p] = append(m[p], r.ARN)
			}
			if r.Boundary != "" {
				m[r.Boundary] = append(m[r.Boundary], r.ARN)
			}
		}
	}
	return m
}

// namedBy lists the loaded principals the Principal elements of the changed statements can
// name: by ARN (a role for its sessions), every principal of an account named, and every
// principal for "*" or NotPrincipal.
func namedBy(e *Engine, stmts []StatementChange) []string {
	var out []string
	all := func(account string) {
		for _, p := range e.order {
			if account == "" || p.Account == account {
				out = append(out, p.ARN)
			}
		}
	}
	for _, sc := range stmts {
		for _, raw := range [][]byte{sc.Before, sc.After} {
			if len(raw) == 0 {
				continue
			}
			pol, err := model.ParsePolicy([]byte(`{"Statement":[` + string(raw) + `]}`))
			if err != nil || len(pol.Statements) != 1 {
				all("")
				continue
			}
			s := pol.Statements[0]
			if s.Principal == nil || s.Principal.Wildcard || s.NotPrincipal {
				all("")
				continue
			}
			for _, v := range s.Principal.AWS {
				switch {
				case v == "*":
					all("")
				case isAccountID(v):
					all(v)
				default:
					a, err := model.ParseARN(v)
					switch {
					case err != nil:
					case a.Resource == "root":
						all(a.Account)
					default:
						if acct, name, _, ok := sessionOf(v); ok {
							for _, p := range e.order {
								if p.Account == acct && p.Kind() == model.EntityRole && p.Entity.Name() == name {
									out = append(out, p.ARN)
								}
							}
						} else if strings.ContainsAny(v, "*?") {
							all(a.Account)
						} else {
							out = append(out, v)
						}
					}
				}
			}
		}
	}
	return out
}

// escalationActions are the IAM actions of the escalation catalogue, lower case: the actions
// by which a principal acts on another (its keys, its trust, its policies, its groups, passing
// it as a role); reads are left out, and so is assuming a role, which upstream follows. They
// are listed on first use: reading the catalogue at package initialization would cost every
// process its start-up (about 15 MB and 60 ms).
var escalationActions = sync.OnceValue(func() []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range catalog.EscalationPaths() {
		for _, a := range append(append([]string{}, p.RequiredActions...), p.AdditionalActions...) {
			a = strings.ToLower(a)
			act, ok := catalog.LookupAction(a)
			if ok && (act.AccessLevel == catalog.List || act.AccessLevel == catalog.Read) {
				continue // reading a principal takes nothing over
			}
			if strings.HasPrefix(a, "iam:") && !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	return out
})

// escalationStatements lists p's identity statements that allow an IAM action of the
// escalation catalogue: only through them can p take another principal over.
func (p *Principal) escalationStatements() []*statement {
	var out []*statement
	for _, pol := range p.Identity {
		for _, s := range pol.statements {
			if s.allowsEscalation() {
				out = append(out, s)
			}
		}
	}
	return out
}

// allowsEscalation reports whether the statement allows an IAM action of the escalation
// catalogue, found once: a managed policy's statements are shared by all that hold it.
func (s *statement) allowsEscalation() bool {
	switch s.escalates.Load() {
	case 1:
		return false
	case 2:
		return true
	}
	allows := false
	if !s.deny && (s.notAction || mayNameIAM(s.src.Actions)) {
		// Matched as written where it can be, without compiling the statement's actions: most
		// statements are asked nothing else by a diff.
		for _, a := range escalationActions() {
			m, ok := anyMatchesAsWritten(s.src.Actions, a, true, false)
			if !ok {
				m = s.actions().matches(a)
			}
			if m != s.notAction {
				allows = true
				break
			}
		}
	}
	if allows {
		s.escalates.Store(2)
	} else {
		s.escalates.Store(1)
	}
	return allows
}

// mayNameIAM is a quick test of whether one of the action patterns may match an IAM action:
// it starts with "iam" (in any case) or a wildcard.
func mayNameIAM(patterns []string) bool {
	for _, p := range patterns {
		if p == "" {
			continue
		}
		switch p[0] {
		case '*', '?', 'i', 'I':
			return true
		}
	}
	return false
}

// escalationTarget is what an escalation step acts on to take a principal over: its ARN (a
// user's keys and login, a role's trust and policies, passing a role that trusts a service), its
// groups, or the managed policies it holds; kind names which ("user", "role", "group", "policy").
type escalationTarget struct {
	kind, arn string
}

// targetKind says what kind of resource an IAM escalation action acts on.
func targetKind(action string) string {
	switch {
	case strings.Contains(action, "policyversion"):
		return "policy"
	case strings.Contains(action, "group"):
		return "group"
	case strings.Contains(action, "role"):
		return "role"
	}
	return "user"
}

// targetResources lists what escalation steps act on to take over the principal with the ARN.
// A role is passed to a service only when its trust admits one.
func (e *Engine) targetResources(arn string, holders map[string][]string) []escalationTarget {
	t, ok := e.principals[arn]
	if !ok {
		return nil
	}
	var out []escalationTarget
	switch en := t.Entity; en.Kind {
	case model.EntityUser:
		out = append(out, escalationTarget{"user", arn})
		for _, g := range en.User.Groups {
			out = append(out, escalationTarget{"group", "arn:aws:iam::" + t.Account + ":group/" + g})
		}
	case model.EntityRole:
		out = append(out, escalationTarget{"role", arn})
	}
	for pol, hs := range holders {
		for _, h := range hs {
			if h == arn {
				out = append(out, escalationTarget{"policy", pol})
			}
		}
	}
	return out
}

// mayActOn is a quick test, ignoring conditions, of whether one of the statements
// (escalationStatements) allows an escalation action on a target of its kind.
func mayActOn(stmts []*statement, targets []escalationTarget) bool {
	for _, a := range escalationActions() {
		for _, t := range targets {
			if mayActOnWith(stmts, a, t) {
				return true
			}
		}
	}
	return false
}

// mayActOnWith is mayActOn for one escalation action (lower case).
func mayActOnWith(stmts []*statement, action string, t escalationTarget) bool {
	if targetKind(action) != t.kind {
		return false
	}
	for _, s := range stmts {
		if s.matchAction(action) && s.mightMatchResource(t.arn) {
			return true
		}
	}
	return false
}

// upstream walks back along trust from the roles among the touched principals: every
// principal whose role chains reach such a role gets the changes that touch the role. Each
// role's trust is read once; a role is walked again only when more changes flow into it.
func upstream(e *Engine, touched map[string]map[int]bool) map[string]map[int]bool {
	flow := map[*Principal]map[int]bool{}
	var queue []*Principal
	for arn, is := range touched {
		r, ok := e.principals[arn]
		if !ok || r.Kind() != model.EntityRole {
			continue
		}
		flow[r] = map[int]bool{}
		for i := range is {
			flow[r][i] = true
		}
		queue = append(queue, r)
	}
	parents := map[*Principal][]*Principal{}
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		ps, ok := parents[r]
		if !ok {
			ps = e.assumersOf(r)
			parents[r] = ps
		}
		for _, p := range ps {
			if flow[p] != nil && containsAll(flow[p], flow[r]) {
				continue
			}
			if flow[p] == nil {
				flow[p] = map[int]bool{}
			}
			for i := range flow[r] {
				flow[p][i] = true
			}
			if p.Kind() == model.EntityRole {
				queue = append(queue, p)
			}
		}
	}
	out := make(map[string]map[int]bool, len(flow))
	for p, is := range flow {
		out[p.ARN] = is
	}
	return out
}

// assumersOf lists the principals that may assume role in one hop, in any request context
// (the discovery graph without one: a hop that hangs on a condition is kept).
func (e *Engine) assumersOf(role *Principal) []*Principal {
	hops := e.graph(nil, Discovery).trustedBy(role)
	out := make([]*Principal, len(hops))
	for i, h := range hops {
		out[i] = h.role
	}
	return out
}

// groupChanges maps each group whose policies changed (attached, detached, inline, or a new
// default version or edit of a managed policy attached to it) to the changes: a user that
// may join it gains what its policies give.
func groupChanges(engines []*Engine, changes []PolicyChange) map[string]map[int]bool {
	out := map[string]map[int]bool{}
	add := func(g string, i int) {
		if out[g] == nil {
			out[g] = map[int]bool{}
		}
		out[g][i] = true
	}
	for i, c := range changes {
		switch c.Kind {
		case ChangeAttached, ChangeDetached, ChangeInlineAdded, ChangeInlineRemoved, ChangeInlineEdited:
			if strings.Contains(c.Entity, ":group/") {
				add(c.Entity, i)
			}
		case ChangeDefaultVersion, ChangePolicyEdited:
			for _, e := range engines {
				for _, a := range e.accounts {
					for _, g := range a.Groups {
						if slices.Contains(g.AttachedPolicies, c.Entity) {
							add(g.ARN, i)
						}
					}
				}
			}
		}
	}
	return out
}
