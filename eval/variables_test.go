package eval

import (
	"testing"
)

// compileStatement compiles a one-statement policy of the given Version ("" for none) and
// returns its statement.
func compileStatement(t *testing.T, version, statement string) *statement {
	t.Helper()
	doc := `{"Statement":[` + statement + `]}`
	if version != "" {
		doc = `{"Version":"` + version + `","Statement":[` + statement + `]}`
	}
	p, err := ParseAndCompile("test", []byte(doc))
	if err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	return p.statements[0]
}

// conditionsHold decides every condition of a statement in strict mode.
func conditionsHold(s *statement, ctx *Context) bool {
	for _, c := range s.conditions() {
		if res, _, _ := c.eval(&request{ctx: ctx}); res != triTrue {
			return false
		}
	}
	return true
}

// TestVariablesInResource: [variables] "When this policy is evaluated, IAM replaces the variable
// ${aws:username} with the friendly name of the actual current user"; "Key names are
// case-insensitive"; and in a policy without Version 2012-10-17 "variables like
// ${aws:username} are treated as literal strings in the policy".
func TestVariablesInResource(t *testing.T) {
	alice := condCtx("aws:username", "alice")
	const elem = `{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::mybucket/${aws:username}/*"}`
	s := compileStatement(t, "2012-10-17", elem)
	for res, want := range map[string]bool{
		"arn:aws:s3:::mybucket/alice/notes.txt":           true,
		"arn:aws:s3:::mybucket/bob/notes.txt":             false,
		"arn:aws:s3:::mybucket/${aws:username}/notes.txt": false,
	} {
		if got := s.matchResource(res, alice); got != want {
			t.Errorf("2012-10-17: %s matched %v, want %v", res, got, want)
		}
	}
	if s.matchResource("arn:aws:s3:::mybucket/alice/x", NewContext()) {
		t.Error("a variable without a value must match nothing ([variables]: any attempt to match it fails)")
	}
	mixed := compileStatement(t, "2012-10-17", `{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${AWS:UserName}"}`)
	if !mixed.matchResource("arn:aws:s3:::b/alice", alice) {
		t.Error("variable names are case-insensitive")
	}
	for _, version := range []string{"", "2008-10-17"} {
		s := compileStatement(t, version, elem)
		if s.matchResource("arn:aws:s3:::mybucket/alice/notes.txt", alice) {
			t.Errorf("Version %q: the variable was substituted", version)
		}
		if !s.matchResource("arn:aws:s3:::mybucket/${aws:username}/notes.txt", alice) {
			t.Errorf("Version %q: the literal text ${aws:username} must match itself", version)
		}
	}
}

// TestVariablesSpecialCharacters: [variables] "${*} - use where you need an * (asterisk)
// character. ${?} - use where you need a ? (question mark) character. ${$} - use where you need
// a $ (dollar sign) character. These predefined policy variables can be used in any string
// where you can use regular policy variables": the character is literal, never a wildcard.
func TestVariablesSpecialCharacters(t *testing.T) {
	s := compileStatement(t, "2012-10-17", `{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${*}/x${?}*"}`)
	for res, want := range map[string]bool{
		"arn:aws:s3:::b/*/x?":       true,
		"arn:aws:s3:::b/*/x?tail":   true,
		"arn:aws:s3:::b/any/x?":     false,
		"arn:aws:s3:::b/*/xy":       false,
		"arn:aws:s3:::b/${*}/x${?}": false,
	} {
		if got := s.matchResource(res, NewContext()); got != want {
			t.Errorf("Resource b/${*}/x${?}*: %s matched %v, want %v", res, got, want)
		}
	}

	cases := []struct {
		op, value, request string
		want               bool
	}{
		{"StringLike", "a${?}b*", "a?bc", true},
		{"StringLike", "a${?}b*", "axbc", false},
		{"StringLike", "${*}", "*", true},
		{"StringLike", "${*}", "anything", false},
		{"StringEquals", "cost${$}", "cost$", true},
		{"StringEquals", "${*}${?}${$}", "*?$", true},
		{"StringNotLike", "${*}", "anything", true},
		{"ArnLike", "arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*", true},
		{"ArnLike", "arn:aws:s3:::b/${*}", "arn:aws:s3:::b/secret", false},
		{"ArnLike", "arn:aws:s3:::b/x${?}", "arn:aws:s3:::b/xy", false},
		{"ArnEquals", "arn:aws:${*}:::b", "arn:aws:s3:::b", false},
		{"ArnNotLike", "arn:aws:s3:::b/${*}", "arn:aws:s3:::b/secret", true},
	}
	for _, c := range cases {
		if got := condResult(t, c.op, "test:key", []string{c.value}, condCtx("test:key", c.request), true); got != triOf(c.want) {
			t.Errorf("%s %q on %q = %v, want %v", c.op, c.value, c.request, got, c.want)
		}
	}
	// Without Version 2012-10-17 the escapes are plain text too.
	if got := condResult(t, "StringEquals", "test:key", []string{"${*}"}, condCtx("test:key", "${*}"), false); got != triTrue {
		t.Errorf("2008-10-17: StringEquals ${*} on the literal text = %v, want true", got)
	}
	if got := condResult(t, "StringLike", "test:key", []string{"${*}"}, condCtx("test:key", "x"), false); got != triFalse {
		t.Errorf("2008-10-17: StringLike ${*} must not be a wildcard for x, got %v", got)
	}
}

// TestVariablesDefaults: [variables] "To add a default value to a variable, surround the
// default value with single quotes (' '), and separate the variable text and the default
// value with a comma and space (, )."
func TestVariablesDefaults(t *testing.T) {
	const v = "${aws:PrincipalTag/team, 'none'}"
	cases := []struct {
		ctx     *Context
		request string
		want    bool
	}{
		{condCtx(), "none", true},
		{condCtx(), "red", false},
		{condCtx("aws:PrincipalTag/team", "red"), "red", true},
		{condCtx("aws:PrincipalTag/team", "red"), "none", false},
		{condCtx("aws:principaltag/TEAM", "red"), "red", true},
	}
	for _, c := range cases {
		ctx := c.ctx.Clone()
		ctx.Set("test:key", c.request)
		if got := condResult(t, "StringEquals", "test:key", []string{v}, ctx, true); got != triOf(c.want) {
			t.Errorf("StringEquals %s with %v on %q = %v, want %v", v, c.ctx.Keys(), c.request, got, c.want)
		}
	}
	s := compileStatement(t, "2012-10-17", `{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team, 'shared'}/*"}`)
	if !s.matchResource("arn:aws:s3:::b/shared/x", NewContext()) || s.matchResource("arn:aws:s3:::b/red/x", NewContext()) {
		t.Error("Resource: the default must stand in for a missing tag")
	}
	if !s.matchResource("arn:aws:s3:::b/red/x", condCtx("aws:PrincipalTag/team", "red")) {
		t.Error("Resource: the tag's value must win over the default")
	}
	empty := condCtx("test:key", "")
	if got := condResult(t, "StringEquals", "test:key", []string{"${aws:userid, ''}"}, empty, true); got != triTrue {
		t.Errorf("an empty default stands in for a missing key: got %v", got)
	}
	// Without a default, a variable with no value matches nothing: a positive operator is false.
	if got := condResult(t, "StringEquals", "test:key", []string{"${aws:userid}"}, empty, true); got != triFalse {
		t.Errorf("a variable without a value or default matched: %v", got)
	}
	if got := condResult(t, "StringLike", "test:key", []string{"*${aws:userid}*"}, condCtx("test:key", "x"), true); got != triFalse {
		t.Errorf("StringLike with a variable without a value matched: %v", got)
	}
}

// TestVariablesWhichOperators: [variables] "You can use a policy variable for Condition values
// in any condition that involves the string operators or the ARN operators ... You can't use a
// policy variable with other operators, such as Numeric, Date, Boolean, Binary, IP Address, or
// Null operators"; [operators] says the same of Numeric, Date, Binary, IpAddress and Null under
// each. There `${...}` is the literal text, which is no number, date, address or base-64.
// (Bool is left out here: [operators] says "You can use a policy variable with the Boolean
// condition operator", [variables] says you can't.)
func TestVariablesWhichOperators(t *testing.T) {
	tags := condCtx(
		"aws:PrincipalTag/limit", "10", "aws:PrincipalTag/expiry", "2030-01-01T00:00:00Z",
		"aws:PrincipalTag/cidr", "203.0.113.0/24", "aws:PrincipalTag/blob", "AAEC",
		"aws:username", "alice", "aws:PrincipalTag/role", "arn:aws:iam::111122223333:role/ops",
	)
	cases := []struct {
		op, value, request string
		want               bool
	}{
		{"StringEquals", "${aws:username}", "alice", true},
		{"StringLike", "home/${aws:username}/*", "home/alice/x", true},
		{"StringEqualsIgnoreCase", "${aws:username}", "ALICE", true},
		{"ArnEquals", "${aws:PrincipalTag/role}", "arn:aws:iam::111122223333:role/ops", true},
		{"ArnLike", "arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::111122223333:user/alice", true},
		{"ArnLike", "arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::111122223333:user/bob", false},
		{"NumericLessThan", "${aws:PrincipalTag/limit}", "5", false},
		{"NumericNotEquals", "${aws:PrincipalTag/limit}", "10", true},
		{"DateLessThan", "${aws:PrincipalTag/expiry}", "2020-01-01T00:00:00Z", false},
		{"IpAddress", "${aws:PrincipalTag/cidr}", "203.0.113.5", false},
		{"NotIpAddress", "${aws:PrincipalTag/cidr}", "203.0.113.5", true},
		{"BinaryEquals", "${aws:PrincipalTag/blob}", "AAEC", false},
	}
	for _, c := range cases {
		ctx := tags.Clone()
		ctx.Set("test:key", c.request)
		if got := condResult(t, c.op, "test:key", []string{c.value}, ctx, true); got != triOf(c.want) {
			t.Errorf("%s %q on %q = %v, want %v", c.op, c.value, c.request, got, c.want)
		}
	}
}

// TestVariablesMultivaluedKey: [multi] "You can use any available single-valued context key as
// a policy variable, but you cannot use a multivalued context key as a policy variable."
func TestVariablesMultivaluedKey(t *testing.T) {
	for _, vals := range [][]string{{"a"}, {"a", "b"}, {}} {
		ctx := NewContext()
		ctx.SetMulti("aws:TagKeys", vals)
		ctx.Set("test:key", "a")
		if got := condResult(t, "StringEquals", "test:key", []string{"${aws:TagKeys}"}, ctx, true); got != triFalse {
			t.Errorf("a multivalued key %q was used as a variable: %v", vals, got)
		}
		s := compileStatement(t, "2012-10-17", `{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:TagKeys}"}`)
		if s.matchResource("arn:aws:s3:::b/a", ctx) {
			t.Errorf("Resource: a multivalued key %q was used as a variable", vals)
		}
	}
}

// TestVariablesThroughEvaluate runs a variable through the whole engine: the documented
// home-directory policy of [variables] allows alice her own prefix and nobody else's.
func TestVariablesThroughEvaluate(t *testing.T) {
	pol, err := ParseAndCompile("home", []byte(`{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Action": ["s3:ListBucket"], "Effect": "Allow", "Resource": ["arn:aws:s3:::mybucket"],
	     "Condition": {"StringLike": {"s3:prefix": ["${aws:username}/*"]}}},
	    {"Action": ["s3:GetObject", "s3:PutObject"], "Effect": "Allow", "Resource": ["arn:aws:s3:::mybucket/${aws:username}/*"]}
	  ]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	in := &Input{Identity: []*Policy{pol}}
	ask := func(action, resource string, ctx *Context) Decision {
		t.Helper()
		res, err := Evaluate(in, &Request{Principal: "arn:aws:iam::111122223333:user/alice", Action: action, Resource: resource, Context: ctx}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return res.Decision
	}
	alice := condCtx("aws:username", "alice")
	if d := ask("s3:GetObject", "arn:aws:s3:::mybucket/alice/a.txt", alice); d != Allowed {
		t.Errorf("alice's own object: %s", d)
	}
	if d := ask("s3:GetObject", "arn:aws:s3:::mybucket/bob/a.txt", alice); d != ImplicitlyDenied {
		t.Errorf("bob's object: %s", d)
	}
	list := alice.Clone()
	list.Set("s3:prefix", "alice/docs")
	if d := ask("s3:ListBucket", "arn:aws:s3:::mybucket", list); d != Allowed {
		t.Errorf("listing alice's prefix: %s", d)
	}
	list.Set("s3:prefix", "bob/")
	if d := ask("s3:ListBucket", "arn:aws:s3:::mybucket", list); d != ImplicitlyDenied {
		t.Errorf("listing bob's prefix: %s", d)
	}
}

// TestConditionsHoldHelper keeps the helper honest: a statement with two conditions holds
// only when both do.
func TestConditionsHoldHelper(t *testing.T) {
	s := compileStatement(t, "2012-10-17", `{"Effect":"Allow","Action":"s3:*","Condition":{"Bool":{"aws:SecureTransport":"true"},"StringEquals":{"aws:username":"${aws:PrincipalTag/owner}"}}}`)
	if !conditionsHold(s, condCtx("aws:SecureTransport", "true", "aws:username", "al", "aws:PrincipalTag/owner", "al")) {
		t.Error("both conditions hold")
	}
	if conditionsHold(s, condCtx("aws:SecureTransport", "false", "aws:username", "al", "aws:PrincipalTag/owner", "al")) {
		t.Error("the Bool condition fails")
	}
	if conditionsHold(s, condCtx("aws:SecureTransport", "true", "aws:username", "al", "aws:PrincipalTag/owner", "bo")) {
		t.Error("the variable condition fails")
	}
}
