package eval

import (
	"fmt"
	"maps"
	"slices"
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

// reached lists the names of the roles start reaches.
func reached(e *Engine, start string) map[string]bool {
	p, _ := e.Principal(start)
	out := map[string]bool{}
	for _, r := range e.RoleChains(p, nil, Discovery) {
		out[r.Role.Name()] = true
	}
	return out
}

// TestRoleChainsUnderSCPs: an SCP of the caller's account that denies sts:AssumeRole cuts the
// chain at that caller, even though the trust policy names it. "SCPs affect only IAM users
// and roles that are managed by accounts that are part of the organization"
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html),
// and they bind every request such a principal makes, a role assumption too.
func TestRoleChainsUnderSCPs(t *testing.T) {
	accts := chainAccount(t)
	if got := reached(NewEngine(accts...), "arn:aws:iam::111111111111:user/start"); !got["hop3"] {
		t.Fatalf("without the SCP the chain reaches hop3: %v", got)
	}
	accts[0].Organization = &model.Organization{ID: "o-x", Levels: []model.OrgLevel{{ID: "r-1", Name: "Root", SCPs: []model.OrgPolicy{
		{ID: "p-1", Name: "FullAWSAccess", Document: mustPolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)},
		{ID: "p-2", Name: "NoHop3", Document: mustPolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111111111111:role/hop3"}]}`)},
	}}}}
	got := reached(NewEngine(accts...), "arn:aws:iam::111111111111:user/start")
	if !got["hop2"] || got["hop3"] {
		t.Errorf("the SCP must stop the chain before hop3: %v", got)
	}
}

// TestRoleChainsCrossAccountNeedBothSides: a role of another account that trusts the
// caller's account is reached only by a caller whose own identity policy allows
// sts:AssumeRole on it: "both sides must allow" across accounts
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
// The user start has no such policy; hop1 allows sts:AssumeRole on "*".
func TestRoleChainsCrossAccountNeedBothSides(t *testing.T) {
	e := NewEngine(chainAccount(t)...)
	start, _ := e.Principal("arn:aws:iam::111111111111:user/start")
	for _, r := range e.RoleChains(start, nil, Strict) {
		if r.Role.Name() == "audit" && len(r.Path) != 2 {
			t.Errorf("audit must be reached through hop1 only, got %d hops", len(r.Path))
		}
	}
	hop1, _ := e.Principal("arn:aws:iam::111111111111:role/hop1")
	if r, _ := e.Can(start, AssumeAction, "arn:aws:iam::222222222222:role/audit", nil, Options{Explain: true}); r.Decision != ImplicitlyDenied {
		t.Errorf("start without an identity permission: %s", r.Decision)
	}
	if r, _ := e.Can(hop1, AssumeAction, "arn:aws:iam::222222222222:role/audit", nil, Options{}); r.Decision != Allowed {
		t.Errorf("hop1 with one: %s", r.Decision)
	}
}

// TestRoleChainsRoleARNTrustLimitedByBoundary: a trust policy that names the caller's role
// ARN (rather than its session, or the account) grants the session on its own within the
// account, but the caller's permission boundary still limits it
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
// "Resource-based policies" and permissions boundaries).
func TestRoleChainsRoleARNTrustLimitedByBoundary(t *testing.T) {
	accts := chainAccount(t)
	a := accts[0]
	// hop1 loses its identity permission and gets a boundary that does not allow sts.
	a.Roles[0].InlinePolicies = nil
	if got := reached(NewEngine(accts...), "arn:aws:iam::111111111111:role/hop1"); !got["hop2"] {
		t.Fatalf("the trust policy naming hop1's ARN grants on its own: %v", got)
	}
	a.Policies = append(a.Policies, managed(t, "arn:aws:iam::111111111111:policy/no-sts",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`))
	a.Roles[0].Boundary = "arn:aws:iam::111111111111:policy/no-sts"
	a.Index()
	if got := reached(NewEngine(accts...), "arn:aws:iam::111111111111:role/hop1"); got["hop2"] {
		t.Errorf("the boundary must limit a grant to the role ARN: %v", got)
	}
}

// TestTrustIndexLists: the trust index lists each role under every name its trust policy gives
// principals by (an account by id or root ARN, a user or role ARN, a role session ARN naming
// the role), an Allow naming anyone ("*") or NotPrincipal among the wildcards, and nothing
// for a Deny's principals or a service; it marks classable the roles whose trust names
// accounts only without policy variables (a Deny's accounts count), with the accounts named,
// and gathers the condition keys of those that trust an account; two roles of one trust text
// are both listed. Principals in trust policies:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func TestTrustIndexLists(t *testing.T) {
	const acct = "111111111111"
	user := "arn:aws:iam::" + acct + ":user/u"
	trust := func(statements string) *model.Policy {
		return mustPolicy(t, `{"Version":"2012-10-17","Statement":[`+statements+`]}`)
	}
	allow := func(principal, more string) string {
		return `{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"` + more + `}`
	}
	a := &model.Account{ID: acct, Users: []*model.User{{ARN: user, Name: "u", Path: "/", ID: "AIDAU"}}}
	for name, doc := range map[string]*model.Policy{
		"root":        trust(allow(`{"AWS":"arn:aws:iam::111111111111:root"}`, "")),
		"root2":       trust(allow(`{"AWS":"arn:aws:iam::111111111111:root"}`, "")),
		"id":          trust(allow(`{"AWS":"222222222222"}`, "")),
		"byarn":       trust(allow(`{"AWS":"`+user+`"}`, "")),
		"session":     trust(allow(`{"AWS":"arn:aws:sts::111111111111:assumed-role/root/s1"}`, "")),
		"star":        trust(allow(`{"AWS":"*"}`, "")),
		"notprinc":    trust(`{"Effect":"Allow","NotPrincipal":{"AWS":"222222222222"},"Action":"sts:AssumeRole"}`),
		"denied":      trust(allow(`{"AWS":"111111111111"}`, "") + `,{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"sts:AssumeRole"}`),
		"mixed":       trust(allow(`{"AWS":["111111111111","`+user+`"]}`, "")),
		"service":     trust(allow(`{"Service":"ec2.amazonaws.com"}`, "")),
		"tagged":      trust(allow(`{"AWS":"111111111111"}`, `,"Condition":{"StringEquals":{"aws:PrincipalTag/team":"data"}}`)),
		"substitutes": trust(allow(`{"AWS":"111111111111"}`, `,"Condition":{"StringEquals":{"aws:PrincipalTag/owner":"${aws:username}"}}`)),
	} {
		a.Roles = append(a.Roles, &model.Role{ARN: "arn:aws:iam::" + acct + ":role/" + name, Name: name, Path: "/", ID: "AROA" + strings.ToUpper(name), TrustPolicy: doc})
	}
	a.Index()
	e := NewEngine(a)
	ix := e.trust()
	names := func(list []*Principal) string {
		var out []string
		for _, p := range list {
			out = append(out, p.Name())
		}
		return strings.Join(out, " ")
	}
	for what, got := range map[string][2]string{
		"by account " + acct:      {names(ix.byAccount[acct]), "denied mixed root root2 substitutes tagged"},
		"by account 222222222222": {names(ix.byAccount["222222222222"]), "id"},
		"by account 333333333333": {names(ix.byAccount["333333333333"]), ""},
		"by ARN " + user:          {names(ix.byARN[user]), "byarn mixed"},
		"by role session of root": {names(ix.byRole[acct+"/root"]), "session"},
		"wildcards":               {names(ix.wildcard), "notprinc star"},
		"unclassed of " + acct:    {names(ix.unclassed[acct]), "mixed substitutes"},
	} {
		if got[0] != got[1] {
			t.Errorf("%s: %q, want %q", what, got[0], got[1])
		}
	}
	var classable []string
	for _, p := range e.order {
		if ix.classable[p.idx] && p.Entity.Kind == model.EntityRole {
			classable = append(classable, p.Name()+fmt.Sprint(slices.Sorted(maps.Keys(ix.trusts[p.idx]))))
		}
	}
	if got, want := strings.Join(classable, " "), "denied[111111111111 333333333333] id[222222222222] root[111111111111] root2[111111111111] service[] tagged[111111111111]"; got != want {
		t.Errorf("classable roles and the accounts they trust: %s, want %s", got, want)
	}
	if keys := ix.principalKeys[acct]; !slices.Contains(keys, "aws:principaltag/team") || slices.Contains(keys, "aws:principaltag/owner") {
		t.Errorf("condition keys the trust of %s reads: %v, want aws:principaltag/team and not the key of a trust with variables", acct, keys)
	}
	if r := ix.roleNamed(acct, "root"); r == nil || r.Name() != "root" {
		t.Errorf("role named root: %v", r)
	}
}
