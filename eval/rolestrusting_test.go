package eval

import (
	"testing"

	"github.com/iamscope/iamscope/internal/synth"
	"github.com/iamscope/iamscope/model"
)

// TestRolesTrustingAgreesRoleByRole: rolesTrusting decides a service's assumption once per
// trust policy text and account, and not at all for a trust with no Allow statement that may
// name the service. It must list exactly the roles whose trust, evaluated on its own for that
// role, admits the service: a trust whose Resource element names one role of two with the same
// text admits that one only; NotPrincipal and "*" admit services; an AWS principal does not.
// The trust policy of a role is its resource-based policy for sts:AssumeRole
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html).
func TestRolesTrustingAgreesRoleByRole(t *testing.T) {
	accts, err := synth.Load(synth.Options{Roles: 160, Users: 40, Policies: 80, Seed: 5, Shape: synth.Dense})
	if err != nil {
		t.Fatal(err)
	}
	const acct = "222222222222"
	role := func(name, stmts string) *model.Role {
		return &model.Role{ARN: "arn:aws:iam::" + acct + ":role/" + name, Name: name, Path: "/", ID: "AROA" + name,
			TrustPolicy: mustPolicy(t, `{"Version":"2012-10-17","Statement":`+stmts+`}`)}
	}
	const named = `[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"arn:aws:iam::222222222222:role/named-b"}]`
	crafted := &model.Account{ID: acct, Roles: []*model.Role{
		role("named-a", named),
		role("named-b", named),
		role("not-principal", `[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:AssumeRole"}]`),
		role("anyone", `[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]`),
		role("aws-only", `[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:AssumeRole"}]`),
		role("denied", `[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole"}]`),
	}}
	if w := crafted.Index(); len(w) > 0 {
		t.Fatal(w[0])
	}
	e := NewEngine(append(accts, crafted)...)
	admitted := 0
	for _, service := range servicePrincipals {
		want := map[*Principal]bool{}
		for _, p := range e.order {
			rp := e.resources[p.ARN]
			if p.Entity.Kind != model.EntityRole || rp == nil {
				continue
			}
			req := &Request{Principal: service, Action: AssumeAction, Resource: p.ARN, ResourceAccount: p.Account}
			if r, err := Evaluate(&Input{Resource: rp.policy}, req, Options{Mode: Discovery}); err == nil && r.Decision == Allowed {
				want[p] = true
			}
		}
		got := e.rolesTrusting(service)
		for _, p := range got {
			if !want[p] {
				t.Errorf("%s: rolesTrusting lists %s, whose trust does not admit it", service, p.ARN)
			}
			delete(want, p)
		}
		for p := range want {
			t.Errorf("%s: rolesTrusting leaves out %s, whose trust admits it", service, p.ARN)
		}
		admitted += len(got)
	}
	if admitted == 0 {
		t.Fatal("no role admits a service: the test weighs nothing")
	}
	lambda := map[string]bool{}
	for _, p := range e.rolesTrusting("lambda.amazonaws.com") {
		lambda[p.Entity.Role.Name] = true
	}
	for name, want := range map[string]bool{"named-a": false, "named-b": true, "not-principal": true, "anyone": true, "aws-only": false, "denied": false} {
		if lambda[name] != want {
			t.Errorf("lambda.amazonaws.com may assume %s: %v, want %v", name, lambda[name], want)
		}
	}
}
