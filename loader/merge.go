package loader

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/iamscope/iamscope/model"
)

// mergePages joins pages into accounts: the pages of one account (the same account in their
// ARNs: several files of a paginated dump, or the same dump given twice) become one account,
// and different accounts stay apart. Accounts come in the order their first page came. A page
// whose ARNs name no account (only AWS managed policies) joins the one account loaded; with
// none or several, the load fails.
func mergePages(pages []*page, loadedAt time.Time) ([]*model.Account, error) {
	var order []string
	byAccount := map[string][]*page{}
	var orphans []*page
	for _, p := range pages {
		if p.account == "" {
			orphans = append(orphans, p)
			continue
		}
		if _, ok := byAccount[p.account]; !ok {
			order = append(order, p.account)
		}
		byAccount[p.account] = append(byAccount[p.account], p)
	}
	for _, p := range orphans {
		if len(order) != 1 {
			return nil, fmt.Errorf("%s: no user, group, role or customer managed policy ARN names the account this file belongs to, and %d accounts are loaded with it; give it with the other pages of its account only", pageName(p), len(order))
		}
		byAccount[order[0]] = append(byAccount[order[0]], p)
	}
	accounts := make([]*model.Account, 0, len(order))
	for _, id := range order {
		accounts = append(accounts, mergeAccount(id, byAccount[id], loadedAt))
	}
	return accounts, nil
}

// pageName names a page for people: its file, and its place in the file when the file holds
// several.
func pageName(p *page) string {
	if p.path == "" {
		return p.src.name
	}
	return p.src.name + " " + p.path
}

// mergeAccount builds one account from its pages.
func mergeAccount(id string, pages []*page, loadedAt time.Time) *model.Account {
	a := &model.Account{ID: id, LoadedAt: loadedAt}
	var files []string
	for _, p := range pages {
		if !slices.Contains(files, p.src.name) {
			files = append(files, p.src.name)
		}
	}
	a.Source = "file:" + strings.Join(files, ",")

	users := dedup[model.User]{kind: "user"}
	groups := dedup[model.Group]{kind: "group"}
	roles := dedup[model.Role]{kind: "role"}
	policies := dedup[model.ManagedPolicy]{kind: "managed policy"}
	profiles := map[string]*model.InstanceProfile{}
	complete := false
	for _, p := range pages {
		a.Warnings = append(a.Warnings, p.warnings...)
		a.Warnings = append(a.Warnings, foreignARNs(p, id)...)
		for _, u := range p.users {
			users.add(u, u.ARN, p, &a.Warnings)
		}
		for _, g := range p.groups {
			groups.add(g, g.ARN, p, &a.Warnings)
		}
		for _, r := range p.roles {
			roles.add(r, r.ARN, p, &a.Warnings)
		}
		for _, mp := range p.policies {
			policies.add(mp, mp.ARN, p, &a.Warnings)
		}
		for _, ip := range p.profiles {
			if have, ok := profiles[ip.ARN]; ok {
				for _, r := range ip.Roles {
					if !slices.Contains(have.Roles, r) {
						have.Roles = append(have.Roles, r)
					}
				}
				continue
			}
			profiles[ip.ARN] = ip
			a.InstanceProfiles = append(a.InstanceProfiles, ip)
		}
		complete = complete || !p.truncated
	}
	a.Users, a.Groups, a.Roles, a.Policies = users.list, groups.list, roles.list, policies.list
	if !complete {
		last := pages[len(pages)-1]
		a.Warnings = append(a.Warnings, model.Warning{
			Where:   pageName(last),
			Message: fmt.Sprintf("IsTruncated is true (Marker %q): this is one page of a longer listing and the next page was not given; give every page's file together", firstBytes([]byte(last.marker), 24)),
			Missing: "the users, groups, roles and policies of later pages",
		})
	}
	a.Warnings = append(a.Warnings, sharedIDs(a)...)
	return a
}

// dedup keeps the entities of one kind by ARN, in order. An entity given again with the same
// contents is dropped silently (the same page given twice); with other contents, the later
// one replaces it, with a warning.
type dedup[T any] struct {
	kind  string
	list  []*T
	index map[string]int
}

func (d *dedup[T]) add(v *T, arn string, p *page, warns *[]model.Warning) {
	if d.index == nil {
		d.index = map[string]int{}
	}
	i, ok := d.index[arn]
	if !ok {
		d.index[arn] = len(d.list)
		d.list = append(d.list, v)
		return
	}
	if reflect.DeepEqual(d.list[i], v) {
		return
	}
	*warns = append(*warns, model.Warning{
		Where:   pageName(p),
		Message: fmt.Sprintf("%s %s is given again with other contents; this later one is kept", d.kind, arn),
	})
	d.list[i] = v
}

// foreignARNs warns about the entities of a page whose ARNs name another account than the
// page's (the samples hold such hand-made entries, and users named under the account "aws").
// They are kept as written.
func foreignARNs(p *page, account string) []model.Warning {
	byAccount := map[string][]string{}
	var order []string
	for _, arn := range p.arns() {
		acct := model.AccountOf(arn)
		if acct == account || acct == "aws" && strings.Contains(arn, ":policy/") {
			continue
		}
		if _, ok := byAccount[acct]; !ok {
			order = append(order, acct)
		}
		byAccount[acct] = append(byAccount[acct], arn)
	}
	var warns []model.Warning
	for _, acct := range order {
		arns := byAccount[acct]
		shown := arns
		if len(shown) > 5 {
			shown = shown[:5]
		}
		more := ""
		if len(arns) > len(shown) {
			more = fmt.Sprintf(" and %d more", len(arns)-len(shown))
		}
		warns = append(warns, model.Warning{
			Where: pageName(p),
			Message: fmt.Sprintf("%d ARNs name the account %q, not %s as the rest of the file does; they are kept as written: %s%s",
				len(arns), acct, account, strings.Join(shown, ", "), more),
		})
	}
	return warns
}

// sharedIDs warns about unique ids that several entities carry (the AWS CLI's sample gives
// every user and group the same id): a lookup by such an id finds only one of them.
func sharedIDs(a *model.Account) []model.Warning {
	byID := map[string][]string{}
	add := func(id, arn string) {
		if id != "" {
			byID[id] = append(byID[id], arn)
		}
	}
	for _, u := range a.Users {
		add(u.ID, u.ARN)
	}
	for _, g := range a.Groups {
		add(g.ID, g.ARN)
	}
	for _, r := range a.Roles {
		add(r.ID, r.ARN)
	}
	var ids []string
	for id, arns := range byID {
		if len(arns) > 1 {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	var warns []model.Warning
	for _, id := range ids {
		warns = append(warns, model.Warning{
			Where:   a.Source,
			Message: fmt.Sprintf("unique id %s is carried by %d entities (%s); looking it up finds only one", id, len(byID[id]), strings.Join(byID[id], ", ")),
		})
	}
	return warns
}
