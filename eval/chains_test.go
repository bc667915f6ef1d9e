package eval

import (
	"fmt"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/model"
)

// chainAccount builds roles hop1 -> hop2 -> hop3 (each trusting the previous by role ARN),
// hop3 trusting hop1 back (a cycle), a role that trusts the account root with an ExternalId,
// and one in a second account that trusts the first account.
func chainAccount(t *testing.T) []*model.Account {
	trustRole := func(arn string, cond string) *model.Policy {
		c := ""
		if cond != "" {
			c = `,"Condition":` + cond
		}
		return mustPolicy(t, fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":%q},"Action":"sts:AssumeRole"%s}]}`, arn, c))
	}
	assumeAll := []model.InlinePolicy{{Name: "assume", Document: mustPolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)}}
	role := func(acct, name string, trust *model.Policy) *model.Role {
		return &model.Role{ARN: "arn:aws:iam::" + acct + ":role/" + name, Name: name, Path: "/", ID: "AROA" + strings.ToUpper(name), TrustPolicy: trust, InlinePolicies: assumeAll}
	}
	a := &model.Account{ID: "111111111111"}
	a.Users = []*model.User{{ARN: "arn:aws:iam::111111111111:user/start", Name: "start", Path: "/", ID: "AIDASTART"}}
	a.Roles = []*model.Role{
		role("111111111111", "hop1", trustRole("arn:aws:iam::111111111111:user/start", "")),
		role("111111111111", "hop2", trustRole("arn:aws:iam::111111111111:role/hop1", "")),
		role("111111111111", "hop3", trustRole("arn:aws:iam::111111111111:role/hop2", "")),
		role("111111111111", "vendor", trustRole("111111111111", `{"StringEquals":{"sts:ExternalId":"s3cret"}}`)),
	}
	a.Roles[0].TrustPolicy = mustPolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111111111111:user/start","arn:aws:iam::111111111111:role/hop3"]},"Action":"sts:AssumeRole"}]}`)
	b := &model.Account{ID: "222222222222"}
	b.Roles = []*model.Role{role("222222222222", "audit", trustRole("arn:aws:iam::111111111111:root", ""))}
	a.Index()
	b.Index()
	return []*model.Account{a, b}
}

func TestRoleChainsThreeHopsAcrossAccounts(t *testing.T) {
	e := NewEngine(chainAccount(t)...)
	start, _ := e.Principal("arn:aws:iam::111111111111:user/start")
	got := map[string]string{}
	for _, r := range e.RoleChains(start, nil, Discovery) {
		var hops []string
		for _, h := range r.Path {
			hops = append(hops, h.To[strings.LastIndexByte(h.To, '/')+1:])
		}
		desc := strings.Join(hops, ">")
		if r.Conditional() {
			desc += " if " + r.Conditions()[0].String()
		}
		got[r.Role.Name()] = desc
	}
	want := map[string]string{
		"hop1": "hop1",
		"hop2": "hop1>hop2",
		"hop3": "hop1>hop2>hop3",
		// The user has no identity policy allowing sts:AssumeRole, so account-delegated trust
		// (vendor, audit) is reached only from hop1, whose policy allows it.
		"vendor": "hop1>vendor if StringEquals sts:ExternalId [s3cret]",
		"audit":  "hop1>audit",
	}
	if len(got) != len(want) {
		t.Errorf("reached %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
	// Strict mode: the ExternalId is not given, so vendor is out of reach.
	for _, r := range e.RoleChains(start, nil, Strict) {
		if r.Role.Name() == "vendor" {
			t.Error("vendor reached in strict mode without an ExternalId")
		}
	}
}

func (p *Principal) Name() string { return p.Entity.Name() }
