package eval

import (
	"slices"
	"sort"
	"strings"

	"github.com/iamscope/iamscope/model"
	"github.com/iamscope/iamscope/wildcard"
)

// What an answer could not weigh.
//
// An account can be partial: a load could not read some of its policies (the SCPs, a bucket
// policy, an inline policy), or the engine could not compile one (an unknown condition
// operator). The engine then leaves those policies out, and every answer that depends on one
// of them names it rather than passing for complete. Each missing piece has a reach (the
// model.Warning's Scope): a principal's own policies (Principal.Incomplete), every answer
// about an account (its SCPs and RCPs), or the answers about some resources (their policies,
// or every policy of a service whose listing failed).

// resourceGap is a resource policy, or a set of them, that answers could not weigh.
type resourceGap struct {
	text    string           // what is missing and why, for people
	pattern wildcard.Pattern // the resources it governs
	role    bool             // a trust policy: answers through role chains depend on it
}

// gapText says what a warning leaves out and why: "bucket policy of arn:aws:s3:::logs
// (s3:GetBucketPolicy arn:aws:s3:::logs: access denied: ...)".
func gapText(w model.Warning) string {
	if w.Missing == "" {
		return w.String()
	}
	return w.Missing + " (" + w.String() + ")"
}

// addAccountGap records something every answer about the account depends on.
func (e *Engine) addAccountGap(account, text string) {
	e.accountGaps[account] = append(e.accountGaps[account], "account "+account+": "+text)
}

// addResourceGap records a policy that answers about the resources pattern matches depend on.
func (e *Engine) addResourceGap(pattern, text string) {
	e.resourceGaps = append(e.resourceGaps, resourceGap{
		text: text, pattern: wildcard.Compile(pattern),
		role: strings.HasPrefix(pattern, "arn:aws:iam::") && strings.Contains(pattern, ":role/"),
	})
}

// readWarnings turns an account's load warnings into gaps: a principal's go to its
// Incomplete (a group's to its members'), a resource's and the account's to the engine.
// Warnings about managed policies need nothing here: a principal whose attached policy is
// missing finds it missing (entityPolicies). Warnings no decision depends on are left out.
func (e *Engine) readWarnings(a *model.Account) {
	var groupMembers map[string][]*Principal // by group ARN, built when needed
	for _, w := range a.Warnings {
		scope, about := w.Affects()
		switch scope {
		case model.ScopeAccount:
			e.addAccountGap(a.ID, gapText(w))
		case model.ScopeResource:
			e.addResourceGap(about, gapText(w))
		case model.ScopePrincipal:
			if p, ok := e.principals[about]; ok {
				p.Incomplete = append(p.Incomplete, gapText(w))
				continue
			}
			if groupMembers == nil {
				groupMembers = map[string][]*Principal{}
				byName := map[string]string{}
				for _, g := range a.Groups {
					byName[g.Name] = g.ARN
				}
				for _, u := range a.Users {
					for _, g := range u.Groups {
						if p, ok := e.principals[u.ARN]; ok && byName[g] != "" {
							groupMembers[byName[g]] = append(groupMembers[byName[g]], p)
						}
					}
				}
			}
			if members, ok := groupMembers[about]; ok {
				for _, p := range members {
					p.Incomplete = append(p.Incomplete, gapText(w))
				}
				e.groupMissing[about] = append(e.groupMissing[about], gapText(w))
				continue
			}
			if strings.Contains(about, ":group/") {
				e.groupMissing[about] = append(e.groupMissing[about], gapText(w))
				continue // a group without members changes no principal's answer
			}
			e.addAccountGap(a.ID, gapText(w)) // a principal that is not loaded
		}
	}
}

// finishGaps computes each principal's own list once: its Incomplete and its account's gaps.
func (e *Engine) finishGaps() {
	for _, p := range e.order {
		p.unweighed = e.ownGaps(p)
	}
}

// ownGaps lists what any answer about p cannot weigh: its incomplete policies and its
// account's gaps, without repeats, in order.
func (e *Engine) ownGaps(p *Principal) []string {
	if len(p.Incomplete) == 0 && len(e.accountGaps[p.Account]) == 0 {
		return nil
	}
	return slices.Clip(unique(append(append([]string(nil), p.Incomplete...), e.accountGaps[p.Account]...)))
}

// unique removes repeats, keeping the first of each.
func unique(list []string) []string {
	seen := make(map[string]bool, len(list))
	out := list[:0]
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// Unweighed lists what an answer about p doing something to resource could not weigh: p's
// policies that could not be read or compiled (Principal.Incomplete), the SCPs and RCPs of
// p's account and of the resource's that could not be, and the resource's own policy when it
// could not be. Nil means the answer weighed everything AWS would. Engine.Can puts it in
// Result.Unweighed.
func (e *Engine) Unweighed(p *Principal, resource string) []string {
	base := p.unweighed
	if base == nil { // nothing missing, or a stand-in principal (GroupPrincipal) not yet counted
		base = e.ownGaps(p)
	}
	var extra []string
	if acct := e.resourceAccount(resource, p.Account); acct != p.Account {
		extra = append(extra, e.accountGaps[acct]...)
	}
	extra = e.resourceGapsFor(extra, resource)
	if len(extra) == 0 {
		return base
	}
	return unique(append(append([]string(nil), base...), extra...))
}

// resourceGapsFor appends the resource gaps that govern resource (an S3 object's bucket's
// among them) to out.
func (e *Engine) resourceGapsFor(out []string, resource string) []string {
	if len(e.resourceGaps) == 0 {
		return out
	}
	bucket := ""
	if rest, ok := strings.CutPrefix(resource, "arn:aws:s3:::"); ok {
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			bucket = "arn:aws:s3:::" + rest[:i]
		}
	}
	for _, g := range e.resourceGaps {
		if g.pattern.Match(resource) || bucket != "" && g.pattern.Match(bucket) {
			out = append(out, g.text)
		}
	}
	return out
}

// UnweighedWhatCan lists what p's what-can answer could not weigh: p's own gaps, every
// resource policy that could not be read (what-can lists the resources whose policies grant
// p), the other accounts' gaps and, with chains, the gaps of every role p reaches.
func (e *Engine) UnweighedWhatCan(p *Principal, chains bool, extra *Context, mode Mode) []string {
	out := append([]string(nil), e.Unweighed(p, "")...)
	for _, g := range e.resourceGaps {
		out = append(out, g.text)
	}
	out = append(out, e.otherAccountGaps(p.Account)...)
	if chains {
		for _, r := range e.RoleChains(p, extra, mode) {
			out = append(out, r.Role.Incomplete...)
		}
	}
	return sortedUnique(out)
}

// UnweighedWhoCan lists what a who-can answer on resource could not weigh: the resource's
// own policy, the trust policies of roles on the way, every account's gaps, and the policies
// of every principal that could not be read (each might have granted it).
func (e *Engine) UnweighedWhoCan(resource string) []string {
	out := e.resourceGapsFor(nil, resource)
	for _, g := range e.resourceGaps {
		if g.role {
			out = append(out, g.text)
		}
	}
	out = append(out, e.otherAccountGaps("")...)
	for _, p := range e.order {
		out = append(out, p.Incomplete...)
	}
	return sortedUnique(out)
}

// UnweighedPaths lists what the escalation paths of p (of every principal when p is nil)
// could not weigh: p's own gaps, those of the roles it reaches, every resource policy and
// every account's gaps. For every principal, everything missing counts.
func (e *Engine) UnweighedPaths(p *Principal) []string {
	var out []string
	for _, g := range e.resourceGaps {
		out = append(out, g.text)
	}
	out = append(out, e.otherAccountGaps("")...)
	if p == nil {
		for _, q := range e.order {
			out = append(out, q.Incomplete...)
		}
		return sortedUnique(out)
	}
	out = append(out, p.Incomplete...)
	for _, n := range e.reach(p, nil, Discovery)[1:] {
		out = append(out, n.p.Incomplete...)
	}
	return sortedUnique(out)
}

// otherAccountGaps lists the gaps of every account but except.
func (e *Engine) otherAccountGaps(except string) []string {
	var out []string
	for acct, gaps := range e.accountGaps {
		if acct != except {
			out = append(out, gaps...)
		}
	}
	return out
}

func sortedUnique(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	sort.Strings(list)
	return slices.Compact(list)
}
