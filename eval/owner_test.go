package eval

import (
	"testing"

	"github.com/iamscope/iamscope/model"
)

// TestBucketWithoutPolicyBelongsToItsOwner: an S3 ARN names no account, so the engine learns
// a bucket's owner from the account that lists it (model.Account.OwnedResources). A request
// from another account for a bucket without a policy is then cross-account: the identity
// policy alone does not grant it, because the resource's account must allow it too, and
// without a resource policy nothing does
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
// Within the owner's account, the identity policy alone grants it, and aws:ResourceAccount is
// the owner's in both cases.
func TestBucketWithoutPolicyBelongsToItsOwner(t *testing.T) {
	const owner, other = "111111111111", "222222222222"
	readAll := mustPolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	user := func(acct string) *model.User {
		return &model.User{ARN: "arn:aws:iam::" + acct + ":user/reader", Name: "reader", Path: "/",
			InlinePolicies: []model.InlinePolicy{{Name: "read", Document: readAll}}}
	}
	ownerAcct := &model.Account{ID: owner, Users: []*model.User{user(owner)}, OwnedResources: []string{"arn:aws:s3:::quiet-bucket"}}
	otherAcct := &model.Account{ID: other, Users: []*model.User{user(other)}}
	ownerAcct.Index()
	otherAcct.Index()
	e := NewEngine(ownerAcct, otherAcct)

	const object = "arn:aws:s3:::quiet-bucket/report.csv"
	for _, tc := range []struct {
		who  string
		want Decision
	}{
		{"arn:aws:iam::" + owner + ":user/reader", Allowed},
		{"arn:aws:iam::" + other + ":user/reader", ImplicitlyDenied},
	} {
		r := can(t, e, tc.who, "s3:GetObject", object, nil, Strict)
		if r.Decision != tc.want {
			t.Errorf("%s s3:GetObject %s: %s, want %s (%s)", tc.who, object, r.Decision, tc.want, r.Explanation.Reason)
		}
		if r.Explanation.ResourceAccount != owner {
			t.Errorf("%s: resource account %q, want the bucket's owner %s", tc.who, r.Explanation.ResourceAccount, owner)
		}
	}
	// A bucket no loaded account lists is still taken to be the caller's: nothing says otherwise.
	if r := can(t, e, "arn:aws:iam::"+other+":user/reader", "s3:GetObject", "arn:aws:s3:::unknown-bucket/x", nil, Strict); r.Decision != Allowed {
		t.Errorf("a bucket of no loaded account: %s, want Allowed (%s)", r.Decision, r.Explanation.Reason)
	}
}
