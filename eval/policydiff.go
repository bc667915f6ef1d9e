package eval

import (
	"bytes"
	"encoding/json"
	"sort"

	"github.com/iamscope/iamscope/model"
)

// The kinds of PolicyChange.
const (
	ChangeAttached       = "attached"       // a managed policy attached to a user, group or role
	ChangeDetached       = "detached"       // a managed policy detached from one
	ChangeInlineAdded    = "inline-added"   // a new inline policy
	ChangeInlineRemoved  = "inline-removed" // an inline policy deleted
	ChangeInlineEdited   = "inline-edited"  // an inline policy's document changed
	ChangeDefaultVersion = "default-version"
	ChangePolicyEdited   = "policy-edited" // a managed policy's default document changed under the same version id
	ChangeBoundary       = "boundary"      // a permission boundary set, removed or replaced
	ChangeGroupJoined    = "group-joined"
	ChangeGroupLeft      = "group-left"
	ChangeTrust          = "trust"           // a role's trust policy edited
	ChangeResourcePolicy = "resource-policy" // a resource policy added, removed or edited
	ChangeSCP            = "scp"             // an SCP added to, removed from or edited at a level
	ChangeRCP            = "rcp"
	ChangeCreated        = "created" // a user or role that is only after
	ChangeDeleted        = "deleted" // a user or role that is only before
)

// PolicyChange is one change of the policies between two states of the same accounts: what an
// administrator did (attach, detach, make a version the default, edit a trust, ...), down to
// the statements it added, removed or edited.
type PolicyChange struct {
	Kind string `json:"kind"`
	// Entity is what changed: the user, group or role ARN (attachments, inline policies,
	// boundaries, groups, trust), the managed policy ARN (default version), the resource ARN
	// (resource policy), or the account id (SCP, RCP).
	Entity string `json:"entity"`
	// Policy names the policy: a managed policy ARN, an inline policy's name, a group's name,
	// an SCP or RCP as "level/id".
	Policy string `json:"policy,omitempty"`
	// Before and After are the version ids (default-version) or boundary ARNs (boundary).
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	// Statements are the statements added, removed or edited, when a document changed.
	Statements []StatementChange `json:"statements,omitempty"`
}

// StatementChange is one statement of a policy that is new, gone or edited. Statements are
// compared by content; an edited statement is one whose Sid is on both sides with different
// content.
type StatementChange struct {
	Change string          `json:"change"` // "added", "removed" or "edited"
	Sid    string          `json:"sid,omitempty"`
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
}

// PolicyDiff compares the policies of two states of the accounts (matched by account id):
// managed policies by ARN and default version, inline policies by owner and name, attachments,
// group memberships, boundaries, trust policies, resource policies by resource ARN, and SCPs
// and RCPs by level and id. A user or role on one side only is one change (created or deleted);
// a group on one side only shows as the memberships that changed.
func PolicyDiff(before, after []*model.Account) []PolicyChange {
	var out []PolicyChange
	b := map[string]*model.Account{}
	for _, a := range before {
		b[a.ID] = a
	}
	for _, a := range after {
		if old, ok := b[a.ID]; ok {
			out = append(out, accountPolicyDiff(old, a)...)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Entity != out[j].Entity {
			return out[i].Entity < out[j].Entity
		}
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Policy < out[j].Policy
	})
	return out
}

// entityPolicySet is what a user, group or role holds, for comparing.
type entityPolicySet struct {
	attached []string
	inline   []model.InlinePolicy
	boundary string
	groups   []string
	trust    *model.Policy
}

func entitySets(a *model.Account) map[string]entityPolicySet {
	m := map[string]entityPolicySet{}
	for _, u := range a.Users {
		m[u.ARN] = entityPolicySet{attached: u.AttachedPolicies, inline: u.InlinePolicies, boundary: u.Boundary, groups: u.Groups}
	}
	for _, g := range a.Groups {
		m[g.ARN] = entityPolicySet{attached: g.AttachedPolicies, inline: g.InlinePolicies}
	}
	for _, r := range a.Roles {
		m[r.ARN] = entityPolicySet{attached: r.AttachedPolicies, inline: r.InlinePolicies, boundary: r.Boundary, trust: r.TrustPolicy}
	}
	return m
}

func accountPolicyDiff(before, after *model.Account) []PolicyChange {
	var out []PolicyChange
	bs, as := entitySets(before), entitySets(after)
	for _, p := range principalARNs(after) {
		if _, ok := bs[p]; !ok {
			out = append(out, PolicyChange{Kind: ChangeCreated, Entity: p})
		}
	}
	for _, p := range principalARNs(before) {
		if _, ok := as[p]; !ok {
			out = append(out, PolicyChange{Kind: ChangeDeleted, Entity: p})
		}
	}
	for arn, a := range as {
		b, ok := bs[arn]
		if !ok {
			continue
		}
		for _, p := range missingFrom(a.attached, b.attached) {
			out = append(out, PolicyChange{Kind: ChangeAttached, Entity: arn, Policy: p})
		}
		for _, p := range missingFrom(b.attached, a.attached) {
			out = append(out, PolicyChange{Kind: ChangeDetached, Entity: arn, Policy: p})
		}
		for _, g := range missingFrom(a.groups, b.groups) {
			out = append(out, PolicyChange{Kind: ChangeGroupJoined, Entity: arn, Policy: g})
		}
		for _, g := range missingFrom(b.groups, a.groups) {
			out = append(out, PolicyChange{Kind: ChangeGroupLeft, Entity: arn, Policy: g})
		}
		if a.boundary != b.boundary {
			out = append(out, PolicyChange{Kind: ChangeBoundary, Entity: arn, Before: b.boundary, After: a.boundary})
		}
		out = append(out, inlineDiff(arn, b.inline, a.inline)...)
		if sc := StatementDiff(b.trust, a.trust); len(sc) > 0 {
			out = append(out, PolicyChange{Kind: ChangeTrust, Entity: arn, Statements: sc})
		}
	}
	for _, a := range after.Policies {
		b, ok := before.Policy(a.ARN)
		if !ok {
			continue
		}
		sc := StatementDiff(b.Default(), a.Default())
		bv, av := defaultVersion(b), defaultVersion(a)
		switch {
		case bv != av:
			out = append(out, PolicyChange{Kind: ChangeDefaultVersion, Entity: a.ARN, Before: bv, After: av, Statements: sc})
		case len(sc) > 0:
			out = append(out, PolicyChange{Kind: ChangePolicyEdited, Entity: a.ARN, Before: bv, After: av, Statements: sc})
		}
	}
	rb := map[string]*model.Policy{}
	for _, rp := range before.ResourcePolicies {
		rb[rp.ResourceARN] = rp.Document
	}
	seen := map[string]bool{}
	for _, rp := range after.ResourcePolicies {
		seen[rp.ResourceARN] = true
		if sc := StatementDiff(rb[rp.ResourceARN], rp.Document); len(sc) > 0 {
			out = append(out, PolicyChange{Kind: ChangeResourcePolicy, Entity: rp.ResourceARN, Statements: sc})
		}
	}
	for _, rp := range before.ResourcePolicies {
		if !seen[rp.ResourceARN] {
			if sc := StatementDiff(rp.Document, nil); len(sc) > 0 {
				out = append(out, PolicyChange{Kind: ChangeResourcePolicy, Entity: rp.ResourceARN, Statements: sc})
			}
		}
	}
	out = append(out, orgDiff(before, after, ChangeSCP, func(l model.OrgLevel) []model.OrgPolicy { return l.SCPs })...)
	out = append(out, orgDiff(before, after, ChangeRCP, func(l model.OrgLevel) []model.OrgPolicy { return l.RCPs })...)
	return out
}

// principalARNs lists the ARNs of an account's users and roles.
func principalARNs(a *model.Account) []string {
	out := make([]string, 0, len(a.Users)+len(a.Roles))
	for _, u := range a.Users {
		out = append(out, u.ARN)
	}
	for _, r := range a.Roles {
		out = append(out, r.ARN)
	}
	return out
}

// defaultVersion names a managed policy's default version.
func defaultVersion(p *model.ManagedPolicy) string {
	for _, v := range p.Versions {
		if v.IsDefault {
			return v.ID
		}
	}
	return p.DefaultVersion
}

// missingFrom lists the items of xs that ys does not hold.
func missingFrom(xs, ys []string) []string {
	var out []string
	for _, x := range xs {
		found := false
		for _, y := range ys {
			found = found || x == y
		}
		if !found {
			out = append(out, x)
		}
	}
	return out
}

// inlineDiff compares an entity's inline policies by name.
func inlineDiff(owner string, before, after []model.InlinePolicy) []PolicyChange {
	var out []PolicyChange
	b := map[string]*model.Policy{}
	for _, p := range before {
		b[p.Name] = p.Document
	}
	seen := map[string]bool{}
	for _, p := range after {
		seen[p.Name] = true
		old, ok := b[p.Name]
		switch sc := StatementDiff(old, p.Document); {
		case !ok:
			out = append(out, PolicyChange{Kind: ChangeInlineAdded, Entity: owner, Policy: p.Name, Statements: sc})
		case len(sc) > 0:
			out = append(out, PolicyChange{Kind: ChangeInlineEdited, Entity: owner, Policy: p.Name, Statements: sc})
		}
	}
	for _, p := range before {
		if !seen[p.Name] {
			out = append(out, PolicyChange{Kind: ChangeInlineRemoved, Entity: owner, Policy: p.Name, Statements: StatementDiff(p.Document, nil)})
		}
	}
	return out
}

// orgDiff compares the SCPs (or RCPs) of an account's organization, level by level.
func orgDiff(before, after *model.Account, kind string, pick func(model.OrgLevel) []model.OrgPolicy) []PolicyChange {
	docs := func(a *model.Account) map[string]*model.Policy {
		m := map[string]*model.Policy{}
		if a.Organization == nil {
			return m
		}
		for _, l := range a.Organization.Levels {
			for _, p := range pick(l) {
				m[l.ID+"/"+p.ID] = p.Document
			}
		}
		return m
	}
	b, a := docs(before), docs(after)
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []PolicyChange
	for _, k := range keys {
		if sc := StatementDiff(b[k], a[k]); len(sc) > 0 {
			out = append(out, PolicyChange{Kind: kind, Entity: after.ID, Policy: k, Statements: sc})
		}
	}
	return out
}

// StatementDiff compares two documents statement by statement (either may be nil): a statement
// with the same content on both sides is unchanged; of the others, one whose Sid is on both
// sides is edited, the rest are added or removed. The result is in the documents' order.
func StatementDiff(before, after *model.Policy) []StatementChange {
	var bs, as []*model.Statement
	if before != nil {
		bs = before.Statements
	}
	if after != nil {
		as = after.Statements
	}
	usedB := make([]bool, len(bs))
	usedA := make([]bool, len(as))
	for i, a := range as {
		for j, b := range bs {
			if !usedB[j] && bytes.Equal(a.JSON, b.JSON) {
				usedA[i], usedB[j] = true, true
				break
			}
		}
	}
	var out []StatementChange
	for i, a := range as {
		if usedA[i] {
			continue
		}
		sc := StatementChange{Change: "added", Sid: a.Sid, After: json.RawMessage(a.JSON)}
		if a.Sid != "" {
			for j, b := range bs {
				if !usedB[j] && b.Sid == a.Sid {
					usedB[j] = true
					sc.Change, sc.Before = "edited", json.RawMessage(b.JSON)
					break
				}
			}
		}
		out = append(out, sc)
	}
	for j, b := range bs {
		if !usedB[j] {
			out = append(out, StatementChange{Change: "removed", Sid: b.Sid, Before: json.RawMessage(b.JSON)})
		}
	}
	return out
}
