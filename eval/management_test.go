package eval

import (
	"strings"
	"testing"

	"github.com/iamscope/iamscope/model"
)

// orgAccount is an account of organization o-mgmt whose management account is mgmt: an
// administrator role, and a bucket whose policy lets account other read it. The root carries
// an SCP that denies s3:DeleteBucket and an RCP that denies s3:GetObject to anyone outside
// the organization.
func orgAccount(t *testing.T, id, mgmt string) *model.Account {
	allowAll := mustPolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	a := &model.Account{ID: id}
	a.Roles = []*model.Role{{ARN: "arn:aws:iam::" + id + ":role/Admin", Name: "Admin", Path: "/", ID: "AROAADMIN" + id,
		TrustPolicy:    mustPolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
		InlinePolicies: []model.InlinePolicy{{Name: "admin", Document: allowAll}}}}
	bucket := "arn:aws:s3:::data-" + id
	a.ResourcePolicies = []*model.ResourcePolicy{{ResourceARN: bucket, Service: "s3",
		Document: mustPolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"`+bucket+`/*"}]}`)}}
	a.Organization = &model.Organization{ID: "o-mgmt", ManagementAccountID: mgmt, Levels: []model.OrgLevel{
		{ID: "r-root", Name: "Root",
			SCPs: []model.OrgPolicy{{ID: "p-scp", Name: "NoDeleteBucket", Document: mustPolicy(t, `{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Action":"*","Resource":"*"},
				{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`)}},
			RCPs: []model.OrgPolicy{{ID: "p-rcp", Name: "OrgOnly", Document: mustPolicy(t, `{"Version":"2012-10-17","Statement":[
				{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-mgmt"}}}]}`)}}},
		{ID: id, Name: "account " + id},
	}}
	a.Index()
	return a
}

// TestManagementAccountIsNotBoundByOrgPolicies: SCPs do not affect users or roles in the
// management account, and RCPs do not affect its resources
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html,
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html);
// a member account of the same organization is bound by both.
func TestManagementAccountIsNotBoundByOrgPolicies(t *testing.T) {
	const mgmt, member, outsider = "111111111111", "222222222222", "444455556666"
	e := NewEngine(orgAccount(t, mgmt, mgmt), orgAccount(t, member, mgmt),
		&model.Account{ID: outsider, Users: []*model.User{{ARN: "arn:aws:iam::" + outsider + ":user/olga", Name: "olga", Path: "/",
			InlinePolicies: []model.InlinePolicy{{Name: "read", Document: mustPolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)}}}}})
	if len(e.Warnings) > 0 {
		t.Fatalf("warnings: %v", e.Warnings)
	}
	tests := []struct {
		who, action, resource string
		want                  Decision
	}{
		// The SCP binds the member account's role, not the management account's.
		{"arn:aws:iam::" + mgmt + ":role/Admin", "s3:DeleteBucket", "arn:aws:s3:::data-" + mgmt, Allowed},
		{"arn:aws:iam::" + member + ":role/Admin", "s3:DeleteBucket", "arn:aws:s3:::data-" + member, ExplicitlyDenied},
		// A management account's principal is unbound wherever the resource is; the member
		// account's RCP still does not bind it (it is in the organization).
		{"arn:aws:iam::" + mgmt + ":role/Admin", "s3:DeleteBucket", "arn:aws:s3:::data-" + member, ImplicitlyDenied},
		// The RCP denies the outsider on the member account's bucket, not on the management
		// account's.
		{"arn:aws:iam::" + outsider + ":user/olga", "s3:GetObject", "arn:aws:s3:::data-" + mgmt + "/a.csv", Allowed},
		{"arn:aws:iam::" + outsider + ":user/olga", "s3:GetObject", "arn:aws:s3:::data-" + member + "/a.csv", ExplicitlyDenied},
	}
	for _, tc := range tests {
		if r := can(t, e, tc.who, tc.action, tc.resource, nil, Strict); r.Decision != tc.want {
			t.Errorf("%s %s %s: %s, want %s (%s)", tc.who, tc.action, tc.resource, r.Decision, tc.want, r.Explanation.Reason)
		}
	}

	// The explanation lists the management account's SCPs and RCPs as skipped, and why.
	r := can(t, e, "arn:aws:iam::"+mgmt+":role/Admin", "s3:DeleteBucket", "arn:aws:s3:::data-"+mgmt, nil, Strict)
	skipped := map[PolicyType]string{}
	for _, pt := range r.Explanation.Policies {
		if pt.Type == SCP || pt.Type == RCP {
			skipped[pt.Type] = pt.Skipped
		}
	}
	if !strings.Contains(skipped[SCP], "management account") || !strings.Contains(skipped[RCP], "management account") {
		t.Errorf("explanation's SCP and RCP: skipped %q; want both skipped for the management account", skipped)
	}

	// A management account's SCP that cannot be read leaves no answer about it partial.
	broken := orgAccount(t, mgmt, mgmt)
	broken.Organization.Levels[0].SCPs[0].Document = nil
	e = NewEngine(broken)
	if r := can(t, e, "arn:aws:iam::"+mgmt+":role/Admin", "s3:DeleteBucket", "arn:aws:s3:::data-"+mgmt, nil, Strict); r.Decision != Allowed || len(r.Unweighed) != 0 {
		t.Errorf("management account with an unreadable SCP: %s, unweighed %v; want Allowed, nothing unweighed", r.Decision, r.Unweighed)
	}

	// Without the management account's id (an older snapshot), the SCP binds every account.
	unknown := orgAccount(t, mgmt, "")
	e = NewEngine(unknown)
	if r := can(t, e, "arn:aws:iam::"+mgmt+":role/Admin", "s3:DeleteBucket", "arn:aws:s3:::data-"+mgmt, nil, Strict); r.Decision != ExplicitlyDenied {
		t.Errorf("management account unknown: %s, want ExplicitlyDenied", r.Decision)
	}
}
