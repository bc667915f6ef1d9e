package model

import "testing"

// A managed policy's name is the last part of its ARN
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns):
// a source that gives the ARN but no PolicyName still names the policy.
func TestManagedPolicyNameFallsBackToItsARN(t *testing.T) {
	a := &Account{ID: "123456789012", Policies: []*ManagedPolicy{
		{ARN: "arn:aws:iam::123456789012:policy/team/ReadReports"},
		{ARN: "arn:aws:iam::123456789012:policy/Named", Name: "Named"},
	}}
	if got := a.Policies[0].DisplayName(); got != "ReadReports" {
		t.Errorf("DisplayName = %q, want ReadReports", got)
	}
	a.Index()
	for _, want := range []string{"ReadReports", "Named"} {
		found := false
		for _, p := range a.Policies {
			found = found || p.Name == want
		}
		if !found {
			t.Errorf("after Index no policy is named %q: %+v", want, a.Policies)
		}
	}
}
