package eval

import (
	"strings"
	"testing"
	"time"

	"github.com/iamscope/iamscope/model"
)

func granteeSummary(gs []Grantee) map[string]string {
	out := map[string]string{}
	for _, g := range gs {
		var hops []string
		for _, h := range g.Via {
			hops = append(hops, h.To[strings.LastIndexByte(h.To, '/')+1:])
		}
		desc := string(g.Kind)
		if len(hops) > 0 {
			desc += " via " + strings.Join(hops, ">")
		}
		if g.Condition != nil && g.Condition.IsOpen() {
			desc += " if " + g.Condition.String()
		}
		out[g.ARN] = desc
	}
	return out
}

// TestWhoCanFollowsChainsBackwards: only hop3 may read the bucket; everyone who can reach
// hop3 is listed with the chain, shortest first. vendor and audit are reachable from hop1
// but cannot reach hop3 (no trust policy on the way names them), so they are not listed.
func TestWhoCanFollowsChainsBackwards(t *testing.T) {
	e := NewEngine(chainAccount(t)...)
	hop3, _ := e.Principal("arn:aws:iam::111111111111:role/hop3")
	hop3.Identity = append(hop3.Identity, mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::vault"}]}`))
	e.gather(hop3)
	got := granteeSummary(e.WhoCan("s3:ListBucket", "arn:aws:s3:::vault", nil, Discovery))
	want := map[string]string{
		"arn:aws:iam::111111111111:role/hop3":  "role",
		"arn:aws:iam::111111111111:role/hop2":  "role via hop3",
		"arn:aws:iam::111111111111:role/hop1":  "role via hop2>hop3",
		"arn:aws:iam::111111111111:user/start": "user via hop1>hop2>hop3",
	}
	if len(got) != len(want) {
		t.Errorf("got %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
}

// TestWhoCanOutsideParties: a bucket policy open to "*" and to an account that is not loaded,
// and a role trusted by a service and an OIDC provider, list those outsiders.
func TestWhoCanOutsideParties(t *testing.T) {
	a := smallAccount(t)
	a.ResourcePolicies = append(a.ResourcePolicies, &model.ResourcePolicy{ResourceARN: "arn:aws:s3:::shared", Service: "s3",
		Document: mustPolicy(t, `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"},
			{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*","Condition":{"IpAddress":{"aws:SourceIp":"198.51.100.0/24"}}}]}`)})
	a.Roles = append(a.Roles, &model.Role{ARN: "arn:aws:iam::111111111111:role/ci", Name: "ci", Path: "/", ID: "AROACI",
		TrustPolicy: mustPolicy(t, `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity",
			 "Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/*"}}},
			{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	a.Index()
	e := NewEngine(a)
	got := granteeSummary(e.WhoCan("s3:GetObject", "arn:aws:s3:::shared/x", nil, Discovery))
	if got["999999999999"] != "account" {
		t.Errorf("outside account: %v", got)
	}
	if got["*"] != "anyone if IpAddress aws:SourceIp [198.51.100.0/24]" {
		t.Errorf("anyone: %q", got["*"])
	}
	// Loaded principals are granted by "*" too, under the same condition.
	if got["arn:aws:iam::111111111111:user/eve"] != "user if IpAddress aws:SourceIp [198.51.100.0/24]" {
		t.Errorf("eve: %q", got["arn:aws:iam::111111111111:user/eve"])
	}
	oidc := "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
	got = granteeSummary(e.WhoCan("sts:AssumeRoleWithWebIdentity", "arn:aws:iam::111111111111:role/ci", nil, Discovery))
	if got[oidc] != "federated if StringLike token.actions.githubusercontent.com:sub [repo:acme/*]" {
		t.Errorf("oidc: %v", got)
	}
	if _, ok := got["lambda.amazonaws.com"]; ok {
		t.Error("the service may sts:AssumeRole, not AssumeRoleWithWebIdentity")
	}
	got = granteeSummary(e.WhoCan("sts:AssumeRole", "arn:aws:iam::111111111111:role/ci", nil, Discovery))
	if got["lambda.amazonaws.com"] != "service" {
		t.Errorf("lambda: %v", got)
	}
}

// sts:GetCallerIdentity needs no permission, so who-can lists every loaded principal for it,
// policies or none, as can allows each
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
func TestWhoCanGetCallerIdentityListsEveryone(t *testing.T) {
	e := newTestEngine(t)
	got := granteeSummary(e.WhoCan("sts:GetCallerIdentity", "*", nil, Strict))
	for _, p := range e.Principals() {
		if got[p.ARN] != string(kindOf(p)) {
			t.Errorf("%s: %q, want listed without a chain", p.ARN, got[p.ARN])
		}
	}
}

// TestWhoCanOutsiderContextPrecedence: an outside account's request carries its own
// aws:PrincipalAccount and the request's time, and keys the question sets override both; the
// parties of one policy, weighed on a shared base, do not see each other's keys
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalaccount,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-currenttime).
func TestWhoCanOutsiderContextPrecedence(t *testing.T) {
	a := smallAccount(t)
	a.ResourcePolicies = append(a.ResourcePolicies, &model.ResourcePolicy{ResourceARN: "arn:aws:s3:::shared", Service: "s3",
		Document: mustPolicy(t, `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Principal":{"AWS":["999999999999","888888888888"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*",
			 "Condition":{"StringEquals":{"aws:PrincipalAccount":"999999999999"},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}]}`)})
	a.Index()
	e := NewEngine(a)
	e.Now = func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	ask := func(extra *Context) map[string]string {
		return granteeSummary(e.WhoCan("s3:GetObject", "arn:aws:s3:::shared/x", extra, Strict))
	}
	got := ask(nil)
	if got["999999999999"] != "account" {
		t.Errorf("999999999999 with its own account key: %v", got)
	}
	if _, ok := got["888888888888"]; ok {
		t.Errorf("888888888888 is not the account the condition names: %v", got)
	}
	other := NewContext()
	other.Set("aws:PrincipalAccount", "999999999999")
	if got := ask(other); got["888888888888"] != "account" || got["999999999999"] != "account" {
		t.Errorf("the question's aws:PrincipalAccount overrides each party's: %v", got)
	}
	later := NewContext()
	later.Set("aws:CurrentTime", "2031-01-01T00:00:00Z")
	if got := ask(later); got["999999999999"] != "" {
		t.Errorf("the question's aws:CurrentTime overrides the clock: %v", got)
	}
}
