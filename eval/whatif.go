package eval

import (
	"fmt"
	"sort"
	"strings"

	"github.com/iamscope/iamscope/model"
)

// Change is one what-if to try on the loaded accounts before and after comparing access.
type Change interface {
	apply(a *model.Account) (bool, error)
	String() string
}

// DetachPolicy detaches a managed policy (by ARN) or removes an inline policy (by name) from a
// user, group or role.
type DetachPolicy struct {
	Entity string // the user, group or role ARN
	Policy string // a managed policy ARN, or an inline policy name
}

func (c DetachPolicy) String() string { return "detach " + c.Policy + " from " + c.Entity }

// RemoveFromGroup takes a user out of a group.
type RemoveFromGroup struct {
	User  string // the user ARN
	Group string // the group name
}

func (c RemoveFromGroup) String() string { return "remove " + c.User + " from group " + c.Group }

// AddDeny adds an inline policy holding one Deny statement to a user, group or role.
type AddDeny struct {
	Entity    string // the user, group or role ARN
	Statement string // the statement's JSON; its Effect is forced to Deny
}

func (c AddDeny) String() string { return "add a deny to " + c.Entity + ": " + c.Statement }

// WhatIf returns a new engine over copies of the loaded accounts with the changes applied;
// the engine it is called on is left as it was. A change that names nothing loaded is an error.
func (e *Engine) WhatIf(changes ...Change) (*Engine, error) {
	ids := make([]string, 0, len(e.accounts))
	for id := range e.accounts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var copies []*model.Account
	for _, id := range ids {
		copies = append(copies, cloneAccount(e.accounts[id]))
	}
	for _, c := range changes {
		applied := false
		for _, a := range copies {
			ok, err := c.apply(a)
			if err != nil {
				return nil, fmt.Errorf("what-if %q: %w", c.String(), err)
			}
			applied = applied || ok
		}
		if !applied {
			return nil, fmt.Errorf("what-if %q: no such user, group, role or policy is loaded", c.String())
		}
	}
	for _, a := range copies {
		a.Index()
	}
	n := NewEngine(copies...)
	n.Now = e.Now
	return n, nil
}

// cloneAccount copies an account deeply enough that changes to its users', groups' and roles'
// policy lists and memberships leave the original untouched.
func cloneAccount(a *model.Account) *model.Account {
	c := *a
	c.Users = make([]*model.User, len(a.Users))
	for i, u := range a.Users {
		cu := *u
		cu.Groups = append([]string(nil), u.Groups...)
		cu.AttachedPolicies = append([]string(nil), u.AttachedPolicies...)
		cu.InlinePolicies = append([]model.InlinePolicy(nil), u.InlinePolicies...)
		c.Users[i] = &cu
	}
	c.Groups = make([]*model.Group, len(a.Groups))
	for i, g := range a.Groups {
		cg := *g
		cg.Members = nil
		cg.AttachedPolicies = append([]string(nil), g.AttachedPolicies...)
		cg.InlinePolicies = append([]model.InlinePolicy(nil), g.InlinePolicies...)
		c.Groups[i] = &cg
	}
	c.Roles = make([]*model.Role, len(a.Roles))
	for i, r := range a.Roles {
		cr := *r
		cr.AttachedPolicies = append([]string(nil), r.AttachedPolicies...)
		cr.InlinePolicies = append([]model.InlinePolicy(nil), r.InlinePolicies...)
		c.Roles[i] = &cr
	}
	c.Warnings = append([]model.Warning(nil), a.Warnings...)
	return &c
}

// policies returns pointers to the attached and inline policy lists of the entity with the ARN.
func policies(a *model.Account, arn string) (*[]string, *[]model.InlinePolicy, bool) {
	for _, u := range a.Users {
		if u.ARN == arn {
			return &u.AttachedPolicies, &u.InlinePolicies, true
		}
	}
	for _, g := range a.Groups {
		if g.ARN == arn {
			return &g.AttachedPolicies, &g.InlinePolicies, true
		}
	}
	for _, r := range a.Roles {
		if r.ARN == arn {
			return &r.AttachedPolicies, &r.InlinePolicies, true
		}
	}
	return nil, nil, false
}

func (c DetachPolicy) apply(a *model.Account) (bool, error) {
	attached, inline, ok := policies(a, c.Entity)
	if !ok {
		return false, nil
	}
	for i, p := range *attached {
		if p == c.Policy {
			*attached = append((*attached)[:i], (*attached)[i+1:]...)
			return true, nil
		}
	}
	for i, p := range *inline {
		if p.Name == c.Policy {
			*inline = append((*inline)[:i], (*inline)[i+1:]...)
			return true, nil
		}
	}
	return false, fmt.Errorf("%s has no policy %s", c.Entity, c.Policy)
}

func (c RemoveFromGroup) apply(a *model.Account) (bool, error) {
	for _, u := range a.Users {
		if u.ARN != c.User {
			continue
		}
		for i, g := range u.Groups {
			if g == c.Group {
				u.Groups = append(u.Groups[:i], u.Groups[i+1:]...)
				return true, nil
			}
		}
		return false, fmt.Errorf("%s is not in group %s", c.User, c.Group)
	}
	return false, nil
}

func (c AddDeny) apply(a *model.Account) (bool, error) {
	_, inline, ok := policies(a, c.Entity)
	if !ok {
		return false, nil
	}
	doc := `{"Version":"2012-10-17","Statement":[` + c.Statement + `]}`
	p, err := model.ParsePolicy([]byte(doc))
	if err != nil {
		return false, err
	}
	if err := p.Check(model.KindIdentity); err != nil {
		return false, err
	}
	for _, s := range p.Statements {
		s.Effect = model.Deny
	}
	*inline = append(*inline, model.InlinePolicy{Name: fmt.Sprintf("what-if deny %d", len(*inline)+1), Document: p})
	return true, nil
}

// AccessDiff is what a principal gained and lost between two answers of WhatCan.
type AccessDiff struct {
	Gained, Lost []string // "action on resource", sorted
}

// DiffAccess compares two what-can answers, action by action and resource by resource.
func DiffAccess(before, after []Access) AccessDiff {
	set := func(acc []Access) map[string]bool {
		m := map[string]bool{}
		for _, a := range acc {
			for _, r := range a.Resources {
				k := a.Action + " on " + r.Resource
				if r.Condition != nil && r.Condition.IsOpen() {
					k += " if " + r.Condition.String()
				}
				if len(r.Except) > 0 {
					k += " except " + strings.Join(r.Except, ", ")
				}
				m[k] = true
			}
		}
		return m
	}
	b, a := set(before), set(after)
	var d AccessDiff
	for k := range a {
		if !b[k] {
			d.Gained = append(d.Gained, k)
		}
	}
	for k := range b {
		if !a[k] {
			d.Lost = append(d.Lost, k)
		}
	}
	sort.Strings(d.Gained)
	sort.Strings(d.Lost)
	return d
}
