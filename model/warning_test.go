package model

import "testing"

// Warnings from older snapshots carry no Scope: Affects reads it from Missing.
func TestWarningAffects(t *testing.T) {
	for _, c := range []struct {
		w     Warning
		scope Scope
		about string
	}{
		{Warning{Message: "a disagreement, kept"}, ScopeNone, ""},
		{Warning{Missing: "SCPs and RCPs"}, ScopeAccount, ""},
		{Warning{Missing: "the users, groups, roles and policies of later pages"}, ScopeAccount, ""},
		{Warning{Missing: "bucket policy of arn:aws:s3:::logs"}, ScopeResource, "arn:aws:s3:::logs"},
		{Warning{Missing: "trust policy of arn:aws:iam::1:role/r"}, ScopePrincipal, "arn:aws:iam::1:role/r"},
		{Warning{Missing: "AWS managed policy arn:aws:iam::aws:policy/ReadOnlyAccess"}, ScopePolicy, "arn:aws:iam::aws:policy/ReadOnlyAccess"},
		{Warning{Missing: "key policy of arn:aws:kms:eu-west-1:1:key/k (3 not read)"}, ScopeResource, "arn:aws:kms:eu-west-1:1:key/k"},
		{Warning{Missing: "policy arn:", Scope: ScopeNone}, ScopeNone, ""},
		{Warning{Missing: "x", Scope: ScopeResource, About: "arn:aws:sqs:*"}, ScopeResource, "arn:aws:sqs:*"},
		{Warning{Missing: "not an arn: arn:broken"}, ScopeAccount, ""},
	} {
		if s, about := c.w.Affects(); s != c.scope || about != c.about {
			t.Errorf("%+v: Affects() = %q, %q; want %q, %q", c.w, s, about, c.scope, c.about)
		}
	}
}
