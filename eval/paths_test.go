package eval

import (
	"sort"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/model"
)

// escalationAccount holds users that each deploy one kind of escalation, and decoys that hold
// part of a path and must not be flagged.
func escalationAccount(t *testing.T) *model.Account {
	const acct = "111111111111"
	inline := func(doc string) []model.InlinePolicy {
		return []model.InlinePolicy{{Name: "p", Document: mustPolicy(t, `{"Version":"2012-10-17","Statement":`+doc+`}`)}}
	}
	user := func(name, doc string) *model.User {
		return &model.User{ARN: "arn:aws:iam::" + acct + ":user/" + name, Name: name, Path: "/", ID: "AIDA" + strings.ToUpper(name), InlinePolicies: inline(doc)}
	}
	trust := func(service string) *model.Policy {
		return mustPolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"`+service+`"},"Action":"sts:AssumeRole"}]}`)
	}
	a := &model.Account{ID: acct}
	a.Users = []*model.User{
		user("self-put", `[{"Effect":"Allow","Action":"iam:PutUserPolicy","Resource":"arn:aws:iam::111111111111:user/self-put"}]`),
		user("decoy-put-other", `[{"Effect":"Allow","Action":"iam:PutUserPolicy","Resource":"arn:aws:iam::111111111111:user/nobody"}]`),
		user("passrole-lambda", `[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"},{"Effect":"Allow","Action":["lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"*"}]`),
		user("decoy-passrole-only", `[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]`),
		user("decoy-passrole-wrong-service", `[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}},{"Effect":"Allow","Action":["lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"*"}]`),
		user("key-maker", `[{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::111111111111:user/admin"}]`),
		user("admin", `[{"Effect":"Allow","Action":"*","Resource":"*"}]`),
		user("chain-start", `[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111111111111:role/middle"}]`),
	}
	a.Roles = []*model.Role{
		{ARN: "arn:aws:iam::111111111111:role/lambda-admin", Name: "lambda-admin", Path: "/", ID: "AROALA", TrustPolicy: trust("lambda.amazonaws.com"),
			InlinePolicies: inline(`[{"Effect":"Allow","Action":"*","Resource":"*"}]`)},
		{ARN: "arn:aws:iam::111111111111:role/lambda-weak", Name: "lambda-weak", Path: "/", ID: "AROALW", TrustPolicy: trust("lambda.amazonaws.com"),
			InlinePolicies: inline(`[{"Effect":"Allow","Action":"logs:CreateLogGroup","Resource":"*"}]`)},
		{ARN: "arn:aws:iam::111111111111:role/middle", Name: "middle", Path: "/", ID: "AROAMID",
			TrustPolicy:    mustPolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/chain-start"},"Action":"sts:AssumeRole"}]}`),
			InlinePolicies: inline(`[{"Effect":"Allow","Action":"iam:AttachRolePolicy","Resource":"arn:aws:iam::111111111111:role/middle"}]`)},
	}
	a.Index()
	return a
}

func escalationSummary(es []Escalation) []string {
	var out []string
	for _, e := range es {
		s := e.Path.ID + " -> " + e.Target[strings.LastIndexByte(e.Target, '/')+1:]
		if len(e.Via) > 0 {
			s += " via " + e.Via[len(e.Via)-1].To[strings.LastIndexByte(e.Via[len(e.Via)-1].To, '/')+1:]
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func TestPathsFindDeployedEscalationsAndSpareDecoys(t *testing.T) {
	e := NewEngine(escalationAccount(t))
	want := map[string]string{
		"self-put":                     "iam-007 -> admin",
		"decoy-put-other":              "",
		"passrole-lambda":              "lambda-001 -> lambda-admin",
		"decoy-passrole-only":          "",
		"decoy-passrole-wrong-service": "",
		"key-maker":                    "iam-002 -> admin",
		"admin":                        "",
		"chain-start":                  "iam-009 -> admin via middle",
	}
	for name, w := range want {
		p, _ := e.Principal("arn:aws:iam::111111111111:user/" + name)
		got := strings.Join(escalationSummary(e.Paths(p)), ", ")
		if got != w {
			t.Errorf("%s: got %q, want %q", name, got, w)
		}
	}
}
