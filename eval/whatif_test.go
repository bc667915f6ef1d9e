package eval

import (
	"strings"
	"testing"
)

func TestWhatIfDetachRemoveAndDeny(t *testing.T) {
	e := newTestEngine(t)
	const dana = "arn:aws:iam::111111111111:user/dana"
	before := e.WhatCan(mustPrincipal(t, e, dana), nil, Discovery)

	// Taking dana out of her group loses the team bucket; the original engine is untouched.
	e2, err := e.WhatIf(RemoveFromGroup{User: dana, Group: "devs"})
	if err != nil {
		t.Fatal(err)
	}
	d := DiffAccess(before, e2.WhatCan(mustPrincipal(t, e2, dana), nil, Discovery))
	if len(d.Gained) != 0 || !contains(d.Lost, "s3:GetObject on arn:aws:s3:::team-payments/*") {
		t.Errorf("diff %+v", d)
	}
	if r := can(t, e, dana, "s3:GetObject", "arn:aws:s3:::team-payments/x", nil, Strict); r.Decision != Allowed {
		t.Error("the original engine changed")
	}

	// Detaching the assume policy loses the role; a deny statement loses PutObject.
	e3, err := e.WhatIf(DetachPolicy{Entity: dana, Policy: "arn:aws:iam::111111111111:policy/assume"},
		AddDeny{Entity: dana, Statement: `{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}`})
	if err != nil {
		t.Fatal(err)
	}
	d = DiffAccess(before, e3.WhatCan(mustPrincipal(t, e3, dana), nil, Discovery))
	want := []string{"s3:PutObject on arn:aws:s3:::team-payments/*", "sts:AssumeRole on arn:aws:iam::111111111111:role/deploy"}
	if strings.Join(d.Lost, "|") != strings.Join(want, "|") {
		t.Errorf("lost %v, want %v", d.Lost, want)
	}
	if _, err := e.WhatIf(DetachPolicy{Entity: dana, Policy: "arn:aws:iam::111111111111:policy/none"}); err == nil {
		t.Error("detaching a policy the user does not have must fail")
	}
	if _, err := e.WhatIf(RemoveFromGroup{User: "arn:aws:iam::111111111111:user/ghost", Group: "devs"}); err == nil {
		t.Error("a what-if on an unknown user must fail")
	}
}

func mustPrincipal(t *testing.T, e *Engine, arn string) *Principal {
	t.Helper()
	p, ok := e.Principal(arn)
	if !ok {
		t.Fatalf("no principal %s", arn)
	}
	return p
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
