package eval

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// UnknownKey is a condition key that a policy tests and iamscope does not know: a typo such as
// aws:SourceIpp, which never matches, or a key newer than the catalog, which AWS may set. The
// engine takes it as absent from the request, as AWS takes a key it does not set.
type UnknownKey struct {
	Key       string // as written
	Policy    string // the policy's name
	Statement int    // the statement's index
}

// String renders the key and where it is written.
func (k UnknownKey) String() string {
	return k.Key + " (" + k.Policy + ", Statement[" + strconv.Itoa(k.Statement) + "])"
}

// UnknownKeysWhatCan lists the condition keys that known does not know in the policies a
// what-can answer about p weighs: its identity policies, its permission boundary, its
// account's SCPs and RCPs, and with chains those of the roles it reaches.
func (e *Engine) UnknownKeysWhatCan(p *Principal, chains bool, extra *Context, mode Mode, known func(string) bool) []UnknownKey {
	var out []UnknownKey
	add := func(q *Principal) {
		out = unknownKeysIn(out, q.denying, "", known)
		for _, level := range e.rcps[q.Account] {
			out = unknownKeysIn(out, level, "", known)
		}
	}
	add(p)
	if chains {
		for _, r := range e.RoleChains(p, extra, mode) {
			add(r.Role)
		}
	}
	return sortedKeys(out)
}

// UnknownKeysWhoCan lists the condition keys that known does not know in the statements a
// who-can answer on action and resource weighs: those of the resource's own policy, and of
// every principal's identity, boundary and organization policies, whose action element
// covers the action.
func (e *Engine) UnknownKeysWhoCan(action, resource string, known func(string) bool) []UnknownKey {
	lower := strings.ToLower(action)
	var out []UnknownKey
	if rp := e.resourcePolicyFor(resource); rp != nil {
		out = unknownKeysIn(out, []*Policy{rp.policy}, lower, known)
	}
	// Most policies are held by many principals (managed policies, SCPs): each is read once.
	seen := map[*Policy]bool{}
	for _, p := range e.order {
		for _, pol := range p.denying {
			if !seen[pol] {
				seen[pol] = true
				out = unknownKeysIn(out, []*Policy{pol}, lower, known)
			}
		}
	}
	for _, levels := range e.rcps {
		for _, level := range levels {
			out = unknownKeysIn(out, level, lower, known)
		}
	}
	return sortedKeys(out)
}

// UnknownKeysPaths lists the condition keys that known does not know in the policies the
// escalation paths of p weigh (of every principal when p is nil): the identity, boundary and
// organization policies of p and of the roles it reaches.
func (e *Engine) UnknownKeysPaths(p *Principal, known func(string) bool) []UnknownKey {
	if p != nil {
		return e.UnknownKeysWhatCan(p, true, nil, Discovery, known)
	}
	var out []UnknownKey
	for _, q := range e.order {
		out = append(out, e.UnknownKeysWhatCan(q, false, nil, Discovery, known)...)
	}
	return sortedKeys(out)
}

// unknownKeysIn appends the unknown condition keys of the policies' statements; with
// lowerAction, only of the statements whose action element covers it.
func unknownKeysIn(out []UnknownKey, policies []*Policy, lowerAction string, known func(string) bool) []UnknownKey {
	for _, pol := range policies {
		for _, s := range pol.statements {
			// The keys are looked up first: most statements test none that is unknown, and
			// need not match the action.
			matched := 0 // 1 when the statement covers the action, -1 when not, 0 not yet asked
			for _, c := range s.src.Conditions {
				if known(c.Key) {
					continue
				}
				if matched == 0 {
					matched = -1
					if lowerAction == "" || s.matchAction(lowerAction) {
						matched = 1
					}
				}
				if matched > 0 {
					out = append(out, UnknownKey{Key: c.Key, Policy: pol.Name, Statement: s.src.Index})
				}
			}
		}
	}
	return out
}

// sortedKeys sorts unknown keys by key, policy and statement, each once.
func sortedKeys(keys []UnknownKey) []UnknownKey {
	slices.SortFunc(keys, func(a, b UnknownKey) int {
		return cmp.Or(strings.Compare(a.Key, b.Key), strings.Compare(a.Policy, b.Policy), cmp.Compare(a.Statement, b.Statement))
	})
	return slices.Compact(keys)
}

// UnknownKeyNames returns the distinct keys of a list of unknown keys, sorted.
func UnknownKeyNames(keys []UnknownKey) []string {
	var out []string
	for _, k := range keys {
		if len(out) == 0 || out[len(out)-1] != k.Key {
			out = append(out, k.Key)
		}
	}
	return out
}
