package eval

import (
	"sort"

	"github.com/iamscope/iamscope/model"
)

// Hop is one step of a role chain: From assumed To with Action, allowed outright or only if
// Condition holds (ExternalId, MFA, ...).
type Hop struct {
	From      string `json:"from"`
	To        string `json:"to"`
	Action    string `json:"action"`
	Condition *Expr  `json:"-"`
}

// Reach is a role a principal can reach through a chain of sts:AssumeRole hops, with the
// shortest such chain.
type Reach struct {
	Role *Principal
	Path []Hop
}

// Conditional reports whether any hop of the chain hangs on an open condition.
func (r *Reach) Conditional() bool {
	for _, h := range r.Path {
		if h.Condition != nil && h.Condition.IsOpen() {
			return true
		}
	}
	return false
}

// Conditions returns the open conditions of the hops, in chain order.
func (r *Reach) Conditions() []*Expr {
	var out []*Expr
	for _, h := range r.Path {
		if h.Condition != nil && h.Condition.IsOpen() {
			out = append(out, h.Condition)
		}
	}
	return out
}

// trustIndex finds the roles whose trust policy could admit a principal: by the principal's
// ARN, by its account, or by a wildcard. A role is listed under every name its trust policy
// gives, so a lookup never misses one; the engine then decides each candidate exactly.
type trustIndex struct {
	byARN     map[string][]*Principal // a user or role ARN named in Principal.AWS
	byAccount map[string][]*Principal // an account id or root ARN named
	byRole    map[string][]*Principal // "account/rolename" of a role session ARN named
	// assumers lists, by account, the principals whose identity policies allow
	// sts:AssumeRole somewhere: those that account-wide trust may admit.
	assumers map[string][]*Principal
	// roleByName finds a role by "account/name", as session ARNs name roles (without path).
	roleByName map[string]*Principal
	wildcard   []*Principal // "*", NotPrincipal, or anything we cannot index
}

func (e *Engine) trust() *trustIndex {
	e.trustOnce.Do(e.buildTrustIndex)
	return e.trustIx
}

func (e *Engine) buildTrustIndex() {
	ix := &trustIndex{byARN: map[string][]*Principal{}, byAccount: map[string][]*Principal{}, byRole: map[string][]*Principal{},
		assumers: map[string][]*Principal{}, roleByName: map[string]*Principal{}}
	for _, p := range e.order {
		if len(p.assumes) > 0 {
			ix.assumers[p.Account] = append(ix.assumers[p.Account], p)
		}
		if p.Entity.Kind == model.EntityRole {
			ix.roleByName[p.Account+"/"+p.Entity.Role.Name] = p
		}
	}
	for _, p := range e.order {
		if p.Entity.Kind != model.EntityRole {
			continue
		}
		rp := e.resources[p.ARN]
		if rp == nil {
			continue
		}
		seen := map[string]bool{}
		add := func(m map[string][]*Principal, k string) {
			if !seen[k] {
				seen[k] = true
				m[k] = append(m[k], p)
			}
		}
		wild := false
		for _, s := range rp.policy.statements {
			if s.deny {
				continue
			}
			if s.principal == nil || s.notPrinc || s.principal.Wildcard {
				wild = true
				continue
			}
			for _, v := range s.principal.AWS {
				switch {
				case v == "*":
					wild = true
				case isAccountID(v):
					add(ix.byAccount, v)
				default:
					a, err := model.ParseARN(v)
					if err != nil {
						continue
					}
					if acct, role, _, ok := sessionOf(v); ok {
						add(ix.byRole, acct+"/"+role)
					} else if a.Resource == "root" {
						add(ix.byAccount, a.Account)
					} else {
						add(ix.byARN, v)
					}
				}
			}
		}
		if wild {
			ix.wildcard = append(ix.wildcard, p)
		}
	}
	e.trustIx = ix
}

// candidates lists the roles whose trust policy names p (directly, by account or by wildcard).
func (ix *trustIndex) candidates(p *Principal) []*Principal {
	seen := map[*Principal]bool{}
	var out []*Principal
	add := func(list []*Principal) {
		for _, r := range list {
			if r != p && !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
		}
	}
	add(ix.byARN[p.ARN])
	if p.Entity.Kind == model.EntityRole {
		add(ix.byRole[p.Account+"/"+p.Entity.Role.Name])
	}
	add(ix.wildcard)
	// A trust policy that names p's account delegates to p's identity policies, which must
	// allow sts:AssumeRole on the role: only roles their patterns cover are candidates.
	if len(p.assumes) > 0 {
		for _, r := range ix.byAccount[p.Account] {
			if r != p && !seen[r] && p.mayAssume(r.ARN) {
				seen[r] = true
				out = append(out, r)
			}
		}
	}
	return out
}

// AssumeAction is the action by which one IAM principal takes on a role.
const AssumeAction = "sts:AssumeRole"

const assumeLower = "sts:assumerole"

// RoleChains follows sts:AssumeRole from p to every role it can reach, at any depth, across the
// loaded accounts and without cycles, and returns each reachable role with its shortest chain
// (breadth first; ties broken by ARN). In discovery mode a hop that hangs on a condition the
// context does not give (sts:ExternalId, MFA) is kept, with its condition. Each hop is decided
// by the engine: the role's trust policy, the caller's identity policies, boundary and SCPs.
func (e *Engine) RoleChains(p *Principal, extra *Context, mode Mode) []Reach {
	ix := e.trust()
	type node struct {
		p    *Principal
		path []Hop
	}
	visited := map[*Principal]bool{p: true}
	frontier := []node{{p: p}}
	var out []Reach
	for len(frontier) > 0 {
		var next []node
		for _, n := range frontier {
			cands := ix.candidates(n.p)
			sort.Slice(cands, func(i, j int) bool { return cands[i].ARN < cands[j].ARN })
			for _, r := range cands {
				if visited[r] {
					continue
				}
				res, err := e.Can(n.p, AssumeAction, r.ARN, extra, Options{Mode: mode})
				if err != nil || res.Decision != Allowed {
					continue
				}
				visited[r] = true
				path := append(append([]Hop(nil), n.path...), Hop{From: n.p.ARN, To: r.ARN, Action: AssumeAction, Condition: res.Condition})
				out = append(out, Reach{Role: r, Path: path})
				next = append(next, node{p: r, path: path})
			}
		}
		frontier = next
	}
	return out
}
