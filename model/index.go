package model

import (
	"fmt"
	"strings"
)

// EntityKind says what an Entity is.
type EntityKind uint8

// The kinds of IAM entity an account holds.
const (
	EntityUser EntityKind = iota + 1
	EntityGroup
	EntityRole
)

func (k EntityKind) String() string {
	switch k {
	case EntityUser:
		return "user"
	case EntityGroup:
		return "group"
	case EntityRole:
		return "role"
	}
	return "entity"
}

// Entity is a user, group or role of an account: exactly one of the pointers is set.
type Entity struct {
	Kind  EntityKind
	User  *User
	Group *Group
	Role  *Role
}

// ARN returns the entity's ARN.
func (e Entity) ARN() string {
	switch e.Kind {
	case EntityUser:
		return e.User.ARN
	case EntityGroup:
		return e.Group.ARN
	case EntityRole:
		return e.Role.ARN
	}
	return ""
}

// Name returns the entity's name.
func (e Entity) Name() string {
	switch e.Kind {
	case EntityUser:
		return e.User.Name
	case EntityGroup:
		return e.Group.Name
	case EntityRole:
		return e.Role.Name
	}
	return ""
}

// accountIndex holds the lookups Index builds.
type accountIndex struct {
	byARN       map[string]Entity
	byName      map[string][]Entity // lower-cased name: IAM names are unique regardless of case
	byID        map[string]Entity
	byAccessKey map[string]*User
	policies    map[string]*ManagedPolicy
	groups      map[string]*Group // by name
	resources   map[string]*ResourcePolicy
}

// Index resolves group memberships and builds the lookups by ARN, name, unique id and access
// key id. It returns a warning for every reference it cannot resolve (a user in a group the
// source did not list, a policy attached but not present), and appends them to Warnings.
func (a *Account) Index() []Warning {
	n := len(a.Users) + len(a.Groups) + len(a.Roles) // made to size: no growing on a large account
	ix := &accountIndex{
		byARN:       make(map[string]Entity, n),
		byName:      make(map[string][]Entity, n),
		byID:        make(map[string]Entity, n),
		byAccessKey: map[string]*User{},
		policies:    make(map[string]*ManagedPolicy, len(a.Policies)),
		groups:      make(map[string]*Group, len(a.Groups)),
		resources:   make(map[string]*ResourcePolicy, len(a.ResourcePolicies)),
	}
	add := func(e Entity, id string) {
		ix.byARN[e.ARN()] = e
		n := strings.ToLower(e.Name())
		ix.byName[n] = append(ix.byName[n], e)
		if id != "" {
			ix.byID[id] = e
		}
	}
	for _, p := range a.Policies {
		ix.policies[p.ARN] = p
		p.Name = p.DisplayName() // a source that gave no PolicyName: the ARN's
	}
	for _, g := range a.Groups {
		g.Members = g.Members[:0]
		ix.groups[g.Name] = g
		add(Entity{Kind: EntityGroup, Group: g}, g.ID)
	}
	for _, r := range a.Roles {
		add(Entity{Kind: EntityRole, Role: r}, r.ID)
	}
	for _, rp := range a.ResourcePolicies {
		ix.resources[rp.ResourceARN] = rp
	}
	var warns []Warning
	missingPolicy := func(owner, arn string) {
		if _, ok := ix.policies[arn]; !ok {
			warns = append(warns, Warning{Where: owner, Message: fmt.Sprintf("attached policy %s is not in the source", arn), Missing: "policy " + arn, Scope: ScopePolicy, About: arn})
		}
	}
	for _, u := range a.Users {
		add(Entity{Kind: EntityUser, User: u}, u.ID)
		for _, k := range u.AccessKeys {
			ix.byAccessKey[k.ID] = u
		}
		for _, gn := range u.Groups {
			g, ok := ix.groups[gn]
			if !ok {
				warns = append(warns, Warning{Where: u.ARN, Message: fmt.Sprintf("member of group %q, which the source does not list", gn), Missing: "group " + gn, Scope: ScopePrincipal, About: u.ARN})
				continue
			}
			g.Members = append(g.Members, u)
		}
		for _, p := range u.AttachedPolicies {
			missingPolicy(u.ARN, p)
		}
		if u.Boundary != "" {
			missingPolicy(u.ARN, u.Boundary)
		}
	}
	for _, g := range a.Groups {
		for _, p := range g.AttachedPolicies {
			missingPolicy(g.ARN, p)
		}
	}
	for _, r := range a.Roles {
		for _, p := range r.AttachedPolicies {
			missingPolicy(r.ARN, p)
		}
		if r.Boundary != "" {
			missingPolicy(r.ARN, r.Boundary)
		}
	}
	a.index = ix
	a.Warnings = append(a.Warnings, warns...)
	return warns
}

func (a *Account) ix() *accountIndex {
	if a.index == nil {
		a.Index()
	}
	return a.index
}

// Policy returns the managed policy with the given ARN.
func (a *Account) Policy(arn string) (*ManagedPolicy, bool) {
	p, ok := a.ix().policies[arn]
	return p, ok
}

// Group returns the group with the given name.
func (a *Account) Group(name string) (*Group, bool) {
	g, ok := a.ix().groups[name]
	return g, ok
}

// ResourcePolicy returns the policy of the resource with the given ARN.
func (a *Account) ResourcePolicy(arn string) (*ResourcePolicy, bool) {
	rp, ok := a.ix().resources[arn]
	return rp, ok
}

// Entity returns the user, group or role with the given ARN.
func (a *Account) Entity(arn string) (Entity, bool) {
	e, ok := a.ix().byARN[arn]
	return e, ok
}

// Find returns the entities a query names: an ARN, a name (case-insensitive), a unique id
// (AIDA..., AROA..., AGPA...) or an access key id (AKIA..., ASIA...), which names its user.
// A name may match several entities (a user and a role both called "deploy").
func (a *Account) Find(query string) []Entity {
	ix := a.ix()
	if e, ok := ix.byARN[query]; ok {
		return []Entity{e}
	}
	if e, ok := ix.byID[query]; ok {
		return []Entity{e}
	}
	if u, ok := ix.byAccessKey[query]; ok {
		return []Entity{{Kind: EntityUser, User: u}}
	}
	return append([]Entity(nil), ix.byName[strings.ToLower(query)]...)
}
