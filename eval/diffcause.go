package eval

import (
	"runtime"
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
//   - for a role whose trust changed (or a user or role created or deleted), the principals
//     its trust admits on either side;
//   - the principals whose escalation steps could act on a principal touched so far (its
//     ARN, its groups, its customer managed policies): a path's target is worth what it can do;
//   - every principal whose role chains reach, on either side, a role touched so far.
//
// Principals outside this map are known to answer the same on both sides.
func attribute(before, after *Engine, changes []PolicyChange) (map[string]map[int]bool, map[string]need) {
	causes := map[string]map[int]bool{}
	needs := map[string]need{}
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
		for _, e := range engines {
			if r, ok := e.principals[role]; ok && r.Kind() == model.EntityRole {
				for _, p := range e.assumersOf(r) {
					for _, i := range is {
						add(p.ARN, i)
					}
				}
			}
		}
	}
	// Those whose escalation steps act on a changed principal: its worth as a target changed.
	part = needPaths
	targets := make(map[string]map[int]bool, len(causes))
	for arn, is := range causes {
		targets[arn] = is
	}
	for k, e := range engines {
		on := make(map[string][]escalationTarget, len(targets))
		for arn := range targets {
			on[arn] = e.targetResources(arn, holders[k])
		}
		for _, x := range e.order {
			stmts := x.escalationStatements()
			if len(stmts) == 0 || adminOnBoth(before, after, x.ARN) {
				continue // an administrator has no path of its own to gain
			}
			for arn, is := range targets {
				if causes[x.ARN] != nil && containsAll(causes[x.ARN], is) {
					continue
				}
				if mayActOn(stmts, on[arn]) {
					for i := range is {
						add(x.ARN, i)
					}
				}
			}
		}
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
	return causes, needs
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
			if s.deny {
				continue
			}
			for _, a := range escalationActions() {
				if s.matchAction(a) {
					out = append(out, s)
					break
				}
			}
		}
	}
	return out
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
	for _, s := range stmts {
		for _, a := range escalationActions() {
			if !s.matchAction(a) {
				continue
			}
			kind := targetKind(a)
			for _, t := range targets {
				if t.kind == kind && s.mightMatchResource(t.arn) {
					return true
				}
			}
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
