package eval

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/iamscope/iamscope/model"
)

// TestContextKeys: keys are found regardless of case, the last value set wins, a layer hides
// its parent's keys and can delete them, and Clone flattens the layers; the same with a
// handful of keys and with enough for the layer to keep an index.
func TestContextKeys(t *testing.T) {
	for _, n := range []int{4, indexAbove + 10} {
		base := NewContext()
		for i := range n {
			base.Set(fmt.Sprintf("test:Key%d", i), fmt.Sprint(i))
		}
		base.Set("TEST:KEY1", "one") // the same key: replaces
		base.SetMulti("aws:TagKeys", []string{"a", "b"})
		top := base.layer()
		top.Set("test:key2", "two")
		top.Delete("test:Key0")
		if _, ok := top.Get("test:key0"); ok {
			t.Errorf("%d keys: a key deleted in a layer is still found", n)
		}
		if v, ok := base.Get("test:key0"); !ok || v.Values[0] != "0" {
			t.Errorf("%d keys: deleting in a layer changed its parent: %v %v", n, v, ok)
		}
		for key, want := range map[string]string{"test:key1": "one", "Test:Key2": "two", fmt.Sprintf("test:key%d", n-1): fmt.Sprint(n - 1)} {
			if v, ok := top.Get(key); !ok || len(v.Values) != 1 || v.Values[0] != want {
				t.Errorf("%d keys: %s = %v (%v), want %s", n, key, v, ok, want)
			}
		}
		if v, ok := top.Get("AWS:tagkeys"); !ok || !v.Multi || !slices.Equal(v.Values, []string{"a", "b"}) {
			t.Errorf("%d keys: aws:TagKeys = %v", n, v)
		}
		flat := top.Clone()
		keys := flat.Keys()
		if len(keys) != n || slices.Contains(keys, "test:Key0") || !slices.Contains(keys, "TEST:KEY1") {
			t.Errorf("%d keys: the flattened keys are %q", n, keys)
		}
		flat.Delete("test:key1")
		flat.Delete("aws:tagkeys")
		if _, ok := flat.Get("test:key1"); ok {
			t.Errorf("%d keys: a deleted key is still found", n)
		}
		if v, ok := flat.Get("test:key2"); !ok || v.Values[0] != "two" {
			t.Errorf("%d keys: after deleting others, test:key2 = %v %v", n, v, ok)
		}
		if len(flat.Keys()) != n-2 {
			t.Errorf("%d keys: %d left after deleting two, want %d", n, len(flat.Keys()), n-2)
		}
	}
}

// aws:TokenIssueTime is set only for temporary credentials: a role's requests always carry it,
// no later than the request's time (a given aws:CurrentTime included); a user acting with its
// access key carries none, so it is unknown in discovery mode (the user may hold a session
// token) and absent in strict mode, unless the context gives it. A user's session token lasts
// at most 36 hours, so a condition that no token issued in that span, nor its absence, can
// meet is decided, not left open.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-tokenissuetime
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html
func TestTokenIssueTimeOnlyForTemporaryCredentials(t *testing.T) {
	a := smallAccount(t)
	a.Users = append(a.Users, &model.User{ARN: "arn:aws:iam::111111111111:user/tok", Name: "tok", Path: "/", ID: "AIDATOK",
		InlinePolicies: []model.InlinePolicy{{Name: "tok", Document: mustPolicy(t, `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::temp","Condition":{"Null":{"aws:TokenIssueTime":"false"}}},
			{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::old","Condition":{"DateLessThan":{"aws:TokenIssueTime":"2020-01-01T00:00:00Z"}}},
			{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::recent","Condition":{"DateGreaterThan":{"aws:TokenIssueTime":"2026-10-31T00:00:00Z"}}}]}`)}}})
	a.Index()
	e := NewEngine(a)
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	e.Now = func() time.Time { return now }
	role, _ := e.Principal("arn:aws:iam::111111111111:role/deploy")
	user, _ := e.Principal("arn:aws:iam::111111111111:user/tok")

	if v, ok := e.DeriveContext(role, "*", nil).Get("aws:TokenIssueTime"); !ok || v.Values[0] != "2026-11-01T12:00:00Z" {
		t.Errorf("a role's token time: %v %v, want the present moment", v, ok)
	}
	earlier := NewContext()
	earlier.Set("aws:CurrentTime", "2025-06-01T08:00:00Z")
	if v, ok := e.DeriveContext(role, "*", earlier).Get("aws:TokenIssueTime"); !ok || v.Values[0] != "2025-06-01T08:00:00Z" {
		t.Errorf("a role's token time with an earlier aws:CurrentTime: %v %v, want no later than it", v, ok)
	}
	if v, ok := e.DeriveContext(user, "*", nil).Get("aws:TokenIssueTime"); ok {
		t.Errorf("a user's derived token time: %v, want none", v)
	}

	for _, c := range []struct {
		bucket string
		extra  *Context
		mode   Mode
		want   string
	}{
		{"temp", nil, Strict, "ImplicitlyDenied"},
		{"temp", nil, Discovery, "Allowed if Null aws:TokenIssueTime [false]"},
		{"temp", tokenAt("2026-11-01T11:00:00Z"), Strict, "Allowed"},
		{"old", nil, Discovery, "ImplicitlyDenied"}, // no token still valid was issued before 2020
		{"recent", nil, Discovery, "Allowed if DateGreaterThan aws:TokenIssueTime [2026-10-31T00:00:00Z]"},
		{"recent", nil, Strict, "ImplicitlyDenied"},
	} {
		r := can(t, e, user.ARN, "s3:ListBucket", "arn:aws:s3:::"+c.bucket, c.extra, c.mode)
		got := string(r.Decision)
		if r.Conditional() {
			got += " if " + r.Condition.String()
		}
		if got != c.want {
			t.Errorf("user on %s (mode %d): %s, want %s", c.bucket, c.mode, got, c.want)
		}
	}
}

func tokenAt(at string) *Context {
	c := NewContext()
	c.Set("aws:TokenIssueTime", at)
	return c
}

// TestRequestBaseFollowsTheContext: the part of a request's context that does not depend on
// the resource is kept per principal and extra context (requestBase), so it must follow a
// change to extra, a new extra, and the clock; and keys extra sets still override those the
// resource gives (aws:RequestedRegion, aws:ResourceAccount), as DeriveContext documents.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
func TestRequestBaseFollowsTheContext(t *testing.T) {
	a := smallAccount(t)
	a.Users = append(a.Users, &model.User{ARN: "arn:aws:iam::111111111111:user/mfa", Name: "mfa", Path: "/", ID: "AIDAMFA",
		InlinePolicies: []model.InlinePolicy{{Name: "mfa", Document: mustPolicy(t, `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`)}}})
	a.Index()
	e := NewEngine(a)
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	e.Now = func() time.Time { return now }
	user, _ := e.Principal("arn:aws:iam::111111111111:user/mfa")
	role, _ := e.Principal("arn:aws:iam::111111111111:role/deploy")
	decision := func(extra *Context) string {
		r := can(t, e, user.ARN, "s3:ListBucket", "arn:aws:s3:::b", extra, Strict)
		return string(r.Decision)
	}
	extra := NewContext()
	extra.Set("aws:MultiFactorAuthPresent", "false")
	if got := decision(extra); got != "ImplicitlyDenied" {
		t.Fatalf("without MFA: %s", got)
	}
	extra.Set("aws:MultiFactorAuthPresent", "true") // the same context, changed
	if got := decision(extra); got != "Allowed" {
		t.Errorf("after setting MFA in the same context: %s, want Allowed", got)
	}
	extra.Delete("aws:MultiFactorAuthPresent")
	if got := decision(extra); got != "ImplicitlyDenied" {
		t.Errorf("after deleting MFA from the same context: %s, want ImplicitlyDenied (strict)", got)
	}
	other := NewContext()
	other.Set("aws:MultiFactorAuthPresent", "true")
	if got := decision(other); got != "Allowed" {
		t.Errorf("another context with MFA: %s, want Allowed", got)
	}

	region := NewContext()
	region.Set("aws:RequestedRegion", "eu-west-1")
	region.Set("aws:ResourceAccount", "222222222222")
	ctx := e.DeriveContext(role, "arn:aws:sqs:us-east-1:111111111111:q", region)
	for key, want := range map[string]string{"aws:RequestedRegion": "eu-west-1", "aws:ResourceAccount": "222222222222"} {
		if v, ok := ctx.Get(key); !ok || v.Values[0] != want {
			t.Errorf("%s = %v (%v), want the context's %s over the resource's", key, v, ok, want)
		}
	}
	ctx = e.DeriveContext(role, "arn:aws:sqs:us-east-1:111111111111:q", other)
	if v, ok := ctx.Get("aws:RequestedRegion"); !ok || v.Values[0] != "us-east-1" {
		t.Errorf("aws:RequestedRegion = %v (%v), want the resource's us-east-1", v, ok)
	}

	earlier := NewContext()
	earlier.Set("aws:CurrentTime", "2026-10-01T08:00:00Z")
	if v, _ := e.DeriveContext(role, "*", earlier).Get("aws:TokenIssueTime"); v.Values[0] != "2026-10-01T08:00:00Z" {
		t.Errorf("token time %v, want the context's earlier time", v)
	}
	now = now.Add(time.Hour) // the clock moves: the role's own keys are made again
	if v, _ := e.DeriveContext(role, "*", nil).Get("aws:CurrentTime"); v.Values[0] != "2026-11-01T13:00:00Z" {
		t.Errorf("aws:CurrentTime %v after the clock moved", v)
	}
	earlier.Set("aws:CurrentTime", "2026-11-01T12:30:00Z")
	if v, _ := e.DeriveContext(role, "*", earlier).Get("aws:TokenIssueTime"); v.Values[0] != "2026-11-01T12:30:00Z" {
		t.Errorf("token time %v, want the changed context's time", v)
	}
}
