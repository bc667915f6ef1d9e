package tui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iamscope/iamscope/model"
)

// The explorer across accounts (issue 16): which account a principal or resource belongs to,
// and what the header says of the organization loaded.

// accountName names an account for people: its alias when it has one, else its id; clean.
func accountName(id, alias string) string {
	if alias != "" {
		return clean(alias)
	}
	return clean(id)
}

// accountNameOf names the loaded account with the id (its alias, or the id when it has none
// or is not loaded); clean.
func (c *programContext) accountNameOf(id string) string {
	for _, a := range c.accounts {
		if a.ID == id {
			return accountName(a.ID, a.Alias)
		}
	}
	return clean(id)
}

// otherAccount is " @name" for an ARN of an account other than home, so that a row of a
// who-can tree or a role chain says where a principal lives; "" for home's own ARNs and for
// what names no account (a service, anyone).
func (c *programContext) otherAccount(arn, home string) string {
	acct := model.AccountOf(arn)
	if acct == "" || acct == home {
		return ""
	}
	return " @" + c.accountNameOf(acct)
}

// affectsAnswers reports whether some warning of the account names missing data that can
// change a decision (a warning of ScopeNone, such as an unread alias or access key use,
// changes none).
func affectsAnswers(a *model.Account) bool {
	for _, w := range a.Warnings {
		if scope, _ := w.Affects(); scope != model.ScopeNone {
			return true
		}
	}
	return false
}

// orgSummary is the header's words on the organization: its name (the management account's
// alias when it is loaded, else the organization's id), how many accounts are loaded and how
// many of them are partial (some warning can change an answer: affectsAnswers); "" for one account outside
// any organization. Compact leaves the organization's name out, for narrow windows.
func (c *programContext) orgSummary(compact bool) string {
	var org *model.Organization
	partial := 0
	for _, a := range c.accounts {
		if org == nil && a.Organization != nil && a.Organization.ID != "" {
			org = a.Organization
		}
		if affectsAnswers(a) {
			partial++
		}
	}
	if org == nil && len(c.accounts) < 2 {
		return ""
	}
	out := ""
	if org != nil && !compact {
		name := clean(org.ID)
		if mgmt := org.ManagementAccountID; mgmt != "" {
			for _, a := range c.accounts {
				if a.ID == mgmt && a.Alias != "" {
					name = clean(a.Alias) + " (" + clean(org.ID) + ")"
				}
			}
		}
		out = "org " + name + " · "
	}
	word := "accounts"
	if len(c.accounts) == 1 {
		word = "account"
	}
	out += fmt.Sprintf("%d %s", len(c.accounts), word)
	if partial > 0 {
		out += fmt.Sprintf(", %d partial", partial)
	}
	return out
}

// accountsByID maps each loaded account's id to it.
func accountsByID(accounts []*model.Account) map[string]*model.Account {
	out := make(map[string]*model.Account, len(accounts))
	for _, a := range accounts {
		out[a.ID] = a
	}
	return out
}

// accountWords are what a list filter's account terms match of the account with the id: the
// id, the alias, and the id and name of each OU above it when the organization's tree is
// known; lower case. a may be nil (an account not loaded): its id alone.
func accountWords(id string, a *model.Account) []string {
	words := []string{strings.ToLower(id)}
	if a == nil {
		return words
	}
	if a.Alias != "" {
		words = append(words, strings.ToLower(a.Alias))
	}
	if a.Organization != nil {
		for _, l := range a.Organization.Levels {
			if strings.HasPrefix(l.ID, "ou-") {
				words = append(words, strings.ToLower(l.ID), strings.ToLower(l.Name))
			}
		}
	}
	return words
}

// accountItem is a list row that belongs to an account: the filter's account terms keep it
// when they name that account or an OU above it.
type accountItem interface {
	accountWords() []string
}

// splitAccountTerms takes a list filter's account terms out of its query: each word that
// starts with "@" (matched against an account's alias or id, or an OU's: "@keystone") and each word of
// twelve digits (an account id: "629384756102"). The rest is the fuzzy query.
func splitAccountTerms(query string) (terms []string, rest string) {
	var others []string
	for _, w := range strings.Fields(query) {
		switch {
		case strings.HasPrefix(w, "@") && len(w) > 1:
			terms = append(terms, strings.ToLower(w[1:]))
		case isAccountID(w):
			terms = append(terms, w)
		default:
			others = append(others, w)
		}
	}
	return terms, strings.Join(others, " ")
}

// isAccountID reports whether s is an AWS account id: twelve digits.
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// inAccounts reports whether the item belongs to an account every term names (the term is
// part of its id, its alias or an OU's id or name above it, case aside).
func inAccounts(it listItem, terms []string) bool {
	if len(terms) == 0 {
		return true
	}
	a, ok := it.(accountItem)
	if !ok {
		return false
	}
	words := a.accountWords()
	for _, t := range terms {
		if !slices.ContainsFunc(words, func(w string) bool { return w != "" && strings.Contains(w, t) }) {
			return false
		}
	}
	return true
}
