package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/model"
)

// The explorer across accounts (issue 16): the header, the lists' account filter, and the
// account named on who-can rows and role chains.

// orgAccounts is a small organization as --org-role loads it: the management account, a
// member whose loading left a warning that changes answers (partial), and a member with no
// alias whose one warning changes none, each with a user.
func orgAccounts() []*model.Account {
	tree := &model.OrgTree{ID: "o-abc123def4", ManagementAccountID: "111111111111", Nodes: []model.OrgNode{
		{ID: "r-ab12", Name: "Root", Kind: model.OrgRoot},
		{ID: "ou-ab12-prod", Name: "Prod", Kind: model.OrgUnit, Parent: "r-ab12"},
		{ID: "111111111111", Name: "mgmt", Kind: model.OrgAccount, Parent: "r-ab12"},
		{ID: "222222222222", Name: "prod", Kind: model.OrgAccount, Parent: "ou-ab12-prod"},
		{ID: "333333333333", Name: "sandbox", Kind: model.OrgAccount, Parent: "ou-ab12-prod"},
	}}
	acct := func(id, alias, user string) *model.Account {
		a := &model.Account{ID: id, Alias: alias, LoadedAt: testNow.Add(-time.Hour),
			Organization: &model.Organization{ID: tree.ID, ManagementAccountID: tree.ManagementAccountID, Levels: tree.Path(id), Tree: tree},
			Users:        []*model.User{{Name: user, Path: "/", ARN: "arn:aws:iam::" + id + ":user/" + user}},
		}
		return a
	}
	prod := acct("222222222222", "acme-prod", "pat.prod")
	prod.Warnings = []model.Warning{{Where: "iam:GetAccountAuthorizationDetails", Message: "throttled", Missing: "roles"}}
	// The sandbox's warning changes no answer: it is not partial.
	sandbox := acct("333333333333", "", "sam.sandbox")
	sandbox.Warnings = []model.Warning{{Where: "iam:ListAccountAliases", Message: "access denied", Scope: model.ScopeNone}}
	return []*model.Account{acct("111111111111", "acme-mgmt", "max.mgmt"), prod, sandbox}
}

func orgDriver(t *testing.T, w, h int) *driver {
	return newDriver(t, w, h, func(o *Options) {
		o.Load = func(loader.ProgressFunc) ([]*model.Account, error) { return orgAccounts(), nil }
		o.Source = "fixture"
	})
}

// The header names the organization by its management account's alias and id, and counts
// the accounts loaded and those partial; a narrow window keeps the counts.
func TestHeaderNamesTheOrganization(t *testing.T) {
	d := orgDriver(t, 140, 45)
	line := d.m.headerView()[0]
	if !strings.Contains(line, "org acme-mgmt (o-abc123def4) · 3 accounts, 1 partial") {
		t.Errorf("header: %q", line)
	}
	d.golden("org-header-140x45")
	d = orgDriver(t, 80, 24)
	if line := d.m.headerView()[0]; !strings.Contains(line, "3 accounts, 1 partial") {
		t.Errorf("narrow header: %q", line)
	}
	// The demo: Tidewater's organization (its management account is not loaded, so its id)
	// and the auditor's account outside it.
	d = newDriver(t, 140, 45)
	if line := d.m.headerView()[0]; !strings.Contains(line, "org o-7tw2k9x4mq · 2 accounts") || strings.Contains(line, "partial") {
		t.Errorf("demo header: %q", line)
	}
	// Two profiles' accounts outside any organization: counted, no organization named.
	d = newDriver(t, 140, 45, func(o *Options) {
		o.Load = func(loader.ProgressFunc) ([]*model.Account, error) {
			return []*model.Account{{ID: "444444444444", Alias: "solo"}, {ID: "555555555555"}}, nil
		}
	})
	if line := d.m.headerView()[0]; strings.Contains(line, "org ") || !strings.Contains(line, "2 accounts") {
		t.Errorf("two accounts' header: %q", line)
	}
	// One account outside any organization: nothing to say.
	d = newDriver(t, 140, 45, func(o *Options) {
		o.Load = func(loader.ProgressFunc) ([]*model.Account, error) {
			return []*model.Account{{ID: "444444444444", Alias: "solo"}}, nil
		}
	})
	if line := d.m.headerView()[0]; strings.Contains(line, "org ") || strings.Contains(line, "account") {
		t.Errorf("single account header: %q", line)
	}
}

// shownNames are the names of the principals the list shows.
func shownNames(d *driver) []string {
	var out []string
	for _, i := range d.m.principals.shown {
		out = append(out, d.m.principals.items[i].(*principalItem).name)
	}
	return out
}

// typeFilter types a filter into the current view's list and keeps it.
func typeFilter(d *driver, query string) {
	d.m.focus = focusList
	d.m.currentList().clearFilter()
	d.press("/")
	d.typeText(query)
	d.press("enter")
}

// filterPrincipals types a filter into the principals list and returns the names it shows.
func filterPrincipals(d *driver, query string) []string {
	typeFilter(d, query)
	return shownNames(d)
}

// The principals filter keeps an account's rows for "@alias", the account's id or an OU above
// it ("@Prod", "@ou-..."), and ranks
// the rest of the query among them; the other accounts' rows carry their account.
func TestPrincipalsFilterByAccount(t *testing.T) {
	d := newDriver(t, 140, 45)
	for query, want := range map[string]string{
		"@keystone":       "hugo.lam rosa.delgado assessors keystone-assessor",
		"629384756102":    "hugo.lam rosa.delgado assessors keystone-assessor",
		"@KEYSTONE rosa":  "rosa.delgado",
		"@keystone sofia": "",
	} {
		if got := strings.Join(filterPrincipals(d, query), " "); got != want {
			t.Errorf("filter %q shows %q, want %q", query, got, want)
		}
	}
	// An account term and a name: "sre" ranks Tidewater's group first and keeps no Keystone row.
	if got := filterPrincipals(d, "@tidewater sre"); len(got) == 0 || got[0] != "sre" {
		t.Errorf("filter @tidewater sre shows %v", got)
	}
	filterPrincipals(d, "@keystone")
	d.contains("rosa.delgado @keystone-assurance", "g assessors @keystone-assurance", "4/37")
	d.golden("principals-account-filter-140x45")

	// An account with no alias is named and matched by its id.
	d = orgDriver(t, 140, 45)
	if got := filterPrincipals(d, "@3333"); strings.Join(got, " ") != "sam.sandbox" {
		t.Errorf("@3333 shows %v", got)
	}
	if got := filterPrincipals(d, "@acme"); strings.Join(got, " ") != "max.mgmt pat.prod" {
		t.Errorf("@acme shows %v", got)
	}
	// An OU above the accounts, by name or id: the tree is known.
	if got := filterPrincipals(d, "@prod"); strings.Join(got, " ") != "pat.prod sam.sandbox" {
		t.Errorf("@prod (the OU and acme-prod) shows %v", got)
	}
	if got := filterPrincipals(d, "@ou-ab12-prod sam"); strings.Join(got, " ") != "sam.sandbox" {
		t.Errorf("@ou-ab12-prod sam shows %v", got)
	}
	d.m.principals.clearFilter()
	d.m.principals.applyFilter()
	d.contains("sam.sandbox @333333333333", "pat.prod @acme-prod")
}

// The resources list takes the same account terms, and names the account of a row not of
// the first account.
func TestResourcesFilterByAccount(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.press("]")
	typeFilter(d, "@keystone")
	var got []string
	for _, i := range d.m.resources.shown {
		got = append(got, d.m.resources.items[i].(*resourceItem).label)
	}
	if strings.Join(got, " ") != "role keystone-assessor" {
		t.Errorf("@keystone keeps %v", got)
	}
	d.contains("role keystone-assessor @keystone-assu")
}

// Who can assume Tidewater's audit role: the auditor's role, named with its account, since
// it is not the resource's (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html).
func TestWhoCanNamesOtherAccounts(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.press("]")
	if !d.m.resources.selectItem(func(it listItem) bool { return it.(*resourceItem).label == "role tw-external-audit" }) {
		t.Fatal("no role tw-external-audit")
	}
	d.run(d.m.listChanged())
	d.press("enter")
	d.treeRow("sts:AssumeRole")
	d.press("space")
	d.treeRow("role keystone-assessor @keystone-assurance")
	d.lacks("@tidewater-prod")
	d.golden("whocan-other-account-140x45")
}

// The auditor's role chains into Tidewater: the chain names the account it enters.
func TestChainsNameOtherAccounts(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.selectPrincipal("keystone-assessor")
	d.press("[", "enter")
	d.treeRow("tw-external-audit @tidewater-prod")
	d.press("space")
	d.treeRow("keystone-assessor → tw-external-audit @tidewater-prod")
}

// The Changes list takes the account terms too: the auditor's principals, unchanged between
// the demo's two states, are kept by "@keystone" and nothing of Tidewater's is; their rows
// name the account.
func TestChangesFilterByAccount(t *testing.T) {
	d := newDriver(t, 140, 45, withBefore)
	openChanges(t, d, "grace.mwangi")
	typeFilter(d, "@keystone")
	var got []string
	for _, i := range d.m.changes.shown {
		got = append(got, d.m.changes.items[i].(*changeItem).arn)
	}
	if len(got) == 0 {
		t.Fatal("@keystone keeps no Changes row")
	}
	for _, arn := range got {
		if model.AccountOf(arn) != "629384756102" {
			t.Errorf("@keystone keeps %s", arn)
		}
	}
	d.contains("hugo.lam @keystone-assurance")
}
