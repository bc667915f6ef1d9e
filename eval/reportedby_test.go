package eval

import (
	"slices"
	"testing"

	"github.com/iamscope/iamscope/internal/synth"
	"github.com/iamscope/iamscope/model"
)

// TestReportedByAgreesWithDirectPaths: the diff decides whether a path that rewrites a target
// by a new policy version names that target (reportedBy) on the target and the targets ranked
// before it alone, rather than finding the path over every target. For every principal that
// may create policy versions in a generated account, some of them administrators or able to
// act only on some policies, and every user and role as the target, it must answer as the
// principal's own paths (directPaths) do: the path is listed with the target as its Target.
// iam:CreatePolicyVersion with the default flag rewrites every holder of the policy
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html).
func TestReportedByAgreesWithDirectPaths(t *testing.T) {
	accts, err := synth.Load(synth.Options{Roles: 120, Users: 50, Policies: 60, Seed: 11, Shape: synth.Dense})
	if err != nil {
		t.Fatal(err)
	}
	a := accts[0]
	// Principals that may rewrite policies: one on every policy, one on some, so that targets
	// are found, ranked and left out.
	var customer []string
	for _, p := range a.Policies {
		if !p.AWSManaged {
			customer = append(customer, p.ARN)
		}
	}
	allow := func(resources string) []model.InlinePolicy {
		return []model.InlinePolicy{{Name: "rewrite", Document: mustPolicy(t, `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":["iam:CreatePolicyVersion","iam:UpdateAssumeRolePolicy","sts:AssumeRole","iam:ListAttachedRolePolicies","iam:ListAttachedUserPolicies"],"Resource":`+resources+`}]}`)}}
	}
	for i, u := range a.Users[:6] {
		res := `"*"`
		if i%2 == 1 {
			res = `["` + customer[i] + `","` + customer[i+7] + `","arn:aws:iam::` + a.ID + `:role/*"]`
		}
		u.InlinePolicies = append(u.InlinePolicies, allow(res)...)
	}
	if w := a.Index(); len(w) > 0 {
		t.Fatal(w[0])
	}
	e := NewEngine(accts...)
	g := e.graph(nil, Discovery)
	reported, checked := 0, 0
	for _, x := range e.order {
		if e.power(x).admin || !mayActOnWith(x.escalationStatements(), "iam:createpolicyversion", escalationTarget{"policy", "*"}) {
			continue
		}
		own := g.directPaths(x)
		for _, tp := range e.order {
			ct := &changedTarget{arn: tp.ARN, p: [2]*Principal{tp, tp}}
			f := g.newFinder(x)
			for _, path := range rewritePaths() {
				want := slices.ContainsFunc(own, func(esc Escalation) bool { return esc.Path == path && esc.Target == tp.ARN })
				got := ct.reportedBy(f, 0, path)
				checked++
				if got != want {
					t.Errorf("%s, %s on %s: reportedBy %v, directPaths %v", x.ARN, path.ID, tp.ARN, got, want)
				}
				if got {
					reported++
				}
			}
		}
	}
	if reported == 0 || reported == checked {
		t.Fatalf("%d of %d reported: the test tells nothing apart", reported, checked)
	}
	t.Logf("%d of %d reported", reported, checked)
}
