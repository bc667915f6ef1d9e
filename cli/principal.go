package cli

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sahilm/fuzzy"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/model"
)

// resolve finds the principal a query names — an ARN, a name, a unique id or an access key id —
// in the loaded accounts. A group is accepted only when allowGroup is set (what-can), and
// stands for what its membership grants. An unknown or ambiguous query is an error that lists
// the close matches.
func resolve(e *eval.Engine, accounts []*model.Account, query string, allowGroup bool) (*eval.Principal, error) {
	var found []model.Entity
	var owner []string
	for _, a := range accounts {
		for _, ent := range a.Find(query) {
			found = append(found, ent)
			owner = append(owner, a.ID)
		}
	}
	switch len(found) {
	case 0:
		return nil, usageErr(fmt.Sprintf("no user, group or role is called %q%s", clean(query), suggest(accounts, query)))
	case 1:
	default:
		var names []string
		for _, ent := range found {
			names = append(names, ent.Kind.String()+" "+clean(ent.ARN()))
		}
		return nil, usageErr(fmt.Sprintf("%q names %d principals; give an ARN:\n  %s", clean(query), len(found), strings.Join(names, "\n  ")))
	}
	ent := found[0]
	if ent.Kind == model.EntityGroup {
		if !allowGroup {
			var members []string
			for _, m := range ent.Group.Members {
				members = append(members, m.Name)
			}
			return nil, usageErr(fmt.Sprintf("%s is a group, not a principal; ask about one of its members (%s), or use what-can on the group",
				clean(ent.ARN()), clean(strings.Join(members, ", "))))
		}
		return e.GroupPrincipal(ent.Group, owner[0]), nil
	}
	p, ok := e.Principal(ent.ARN())
	if !ok {
		return nil, fmt.Errorf("%s is loaded but not compiled", clean(ent.ARN()))
	}
	return p, nil
}

// resolveParty finds the party a `can` query names: any party who-can lists ("*" or
// anonymous, an account id or root ARN, a service principal, a federated provider, a loaded
// user or role ARN, a session ARN of a loaded role), or a loaded user or role by name, unique
// id or access key id (resolve). A name a loaded account holds comes before an account id.
func resolveParty(e *eval.Engine, accounts []*model.Account, query string) (eval.Party, error) {
	pt, ok, err := e.FindParty(query)
	if err != nil {
		return eval.Party{}, usageErr(clean(err.Error()))
	}
	if ok && !(pt.Kind == eval.GranteeAccount && namedIn(accounts, query)) {
		return pt, nil
	}
	p, err := resolve(e, accounts, query, false)
	if err != nil {
		return eval.Party{}, err
	}
	return eval.PartyOf(p), nil
}

// namedIn reports whether a loaded account holds an entity the query names.
func namedIn(accounts []*model.Account, query string) bool {
	for _, a := range accounts {
		if len(a.Find(query)) > 0 {
			return true
		}
	}
	return false
}

// suggest lists the names closest to a query that names nothing.
func suggest(accounts []*model.Account, query string) string {
	var names []string
	for _, a := range accounts {
		for _, u := range a.Users {
			names = append(names, u.Name)
		}
		for _, g := range a.Groups {
			names = append(names, g.Name)
		}
		for _, r := range a.Roles {
			names = append(names, r.Name)
		}
	}
	matches := fuzzy.Find(query, names)
	if len(matches) == 0 {
		return ""
	}
	sort.Stable(matches)
	var out []string
	for i, m := range matches {
		if i == 5 {
			break
		}
		out = append(out, clean(m.Str))
	}
	return "; did you mean: " + strings.Join(out, ", ") + "?"
}
