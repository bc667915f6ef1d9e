package eval

import (
	"strings"
	"testing"

	"github.com/iamscope/iamscope/model"
)

// The rules these tests hold the engine to come from three AWS pages, cited by short name:
//
//	[operators]  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
//	[multi]      https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
//	[variables]  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
//	[logic]      https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html

// condCtx builds a context from key, value pairs; a value holding "|" is multivalued (split on
// it), and the value "[]" is a present but empty multivalued key.
func condCtx(kv ...string) *Context {
	ctx := NewContext()
	for i := 0; i+1 < len(kv); i += 2 {
		switch v := kv[i+1]; {
		case v == "[]":
			ctx.SetMulti(kv[i], []string{})
		case strings.Contains(v, "|"):
			ctx.SetMulti(kv[i], strings.Split(v, "|"))
		default:
			ctx.Set(kv[i], v)
		}
	}
	return ctx
}

// condResult compiles one condition entry (in a 2012-10-17 policy when variables is true) and
// decides it against ctx in strict mode.
func condResult(t *testing.T, op, key string, values []string, ctx *Context, variables bool) tri {
	t.Helper()
	c, err := compileCondition(model.Condition{Operator: op, Key: key, Values: values}, variables)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	res, _, _ := c.eval(&request{ctx: ctx})
	return res
}

// baseOperators lists every operator of [operators] but Null, each with a policy value of its
// kind, and whether it is a negated ("Not") operator.
var baseOperators = []struct {
	op      string
	value   string
	negated bool
}{
	{"StringEquals", "a", false}, {"StringNotEquals", "a", true},
	{"StringEqualsIgnoreCase", "a", false}, {"StringNotEqualsIgnoreCase", "a", true},
	{"StringLike", "a*", false}, {"StringNotLike", "a*", true},
	{"NumericEquals", "1", false}, {"NumericNotEquals", "1", true},
	{"NumericLessThan", "1", false}, {"NumericLessThanEquals", "1", false},
	{"NumericGreaterThan", "1", false}, {"NumericGreaterThanEquals", "1", false},
	{"DateEquals", "2020-01-01T00:00:00Z", false}, {"DateNotEquals", "2020-01-01T00:00:00Z", true},
	{"DateLessThan", "2020-01-01T00:00:00Z", false}, {"DateLessThanEquals", "2020-01-01T00:00:00Z", false},
	{"DateGreaterThan", "2020-01-01T00:00:00Z", false}, {"DateGreaterThanEquals", "2020-01-01T00:00:00Z", false},
	{"Bool", "true", false}, {"BinaryEquals", "QmluYXJ5VmFsdWVJbkJhc2U2NA==", false},
	{"IpAddress", "203.0.113.0/24", false}, {"NotIpAddress", "203.0.113.0/24", true},
	{"ArnEquals", "arn:aws:s3:::b", false}, {"ArnLike", "arn:aws:s3:::*", false},
	{"ArnNotEquals", "arn:aws:s3:::b", true}, {"ArnNotLike", "arn:aws:s3:::*", true},
}

// TestConditionMissingKey: [operators] "If the key that you specify in a policy condition is not
// present in the request context, the values do not match and the condition is false. If the
// policy condition requires that the key is not matched, such as StringNotLike or ArnNotLike,
// and the right key is not present, the condition is true." ...IfExists: "If the key is not
// present, evaluate the condition element as true." [multi]: with no value in the request,
// ForAllValues returns true and ForAnyValue returns false, whatever the operator.
func TestConditionMissingKey(t *testing.T) {
	absent := []struct {
		name string
		ctx  *Context
	}{
		{"missing", condCtx("other:key", "x")},
		{"empty list", condCtx("test:key", "[]")},
	}
	for _, o := range baseOperators {
		for _, a := range absent {
			vals := []string{o.value}
			want := triOf(o.negated)
			if a.name == "missing" { // an empty list is a set of no values: only set operators and Null read it
				if got := condResult(t, o.op, "test:key", vals, a.ctx, true); got != want {
					t.Errorf("%s with the key %s = %v, want %v", o.op, a.name, got, want)
				}
				if got := condResult(t, o.op+"IfExists", "test:key", vals, a.ctx, true); got != triTrue {
					t.Errorf("%sIfExists with the key %s = %v, want true", o.op, a.name, got)
				}
			}
			if got := condResult(t, "ForAllValues:"+o.op, "test:key", vals, a.ctx, true); got != triTrue {
				t.Errorf("ForAllValues:%s with the key %s = %v, want true", o.op, a.name, got)
			}
			if got := condResult(t, "ForAnyValue:"+o.op, "test:key", vals, a.ctx, true); got != triFalse {
				t.Errorf("ForAnyValue:%s with the key %s = %v, want false", o.op, a.name, got)
			}
		}
	}
}

// TestConditionIfExistsPresent: [operators] "If the policy key is present in the context of
// the request, process the key as specified in the policy": IfExists changes nothing then.
func TestConditionIfExistsPresent(t *testing.T) {
	for _, o := range baseOperators {
		for _, v := range []string{o.value, "arn:aws:iam::111122223333:user/x", "7", "false"} {
			ctx := condCtx("test:key", v)
			base := condResult(t, o.op, "test:key", []string{o.value}, ctx, true)
			if got := condResult(t, o.op+"IfExists", "test:key", []string{o.value}, ctx, true); got != base {
				t.Errorf("%sIfExists on %q = %v, but %s = %v", o.op, v, got, o.op, base)
			}
		}
	}
}

// TestConditionDiscoveryUnknown: in discovery mode a key the request does not give leaves the
// condition open, and a key it gives decides it.
func TestConditionDiscoveryUnknown(t *testing.T) {
	c, err := compileCondition(model.Condition{Operator: "StringEquals", Key: "aws:PrincipalTag/team", Values: []string{"red"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	if res, _, present := c.eval(&request{ctx: NewContext(), discovery: true}); res != triUnknown || present {
		t.Errorf("missing key in discovery mode: %v (present %v), want unknown", res, present)
	}
	if res, _, present := c.eval(&request{ctx: condCtx("AWS:PrincipalTag/Team", "red"), discovery: true}); res != triTrue || !present {
		t.Errorf("key given in discovery mode (any case): %v (present %v), want true", res, present)
	}
}

type opCase struct {
	op     string
	values []string
	ctx    string // the request's value of test:key; "|" separates several values
	want   bool
}

func runOpCases(t *testing.T, cases []opCase) {
	t.Helper()
	for _, c := range cases {
		got := condResult(t, c.op, "test:key", c.values, condCtx("test:key", c.ctx), true)
		if got != triOf(c.want) {
			t.Errorf("%s %q on request value %q = %v, want %v", c.op, c.values, c.ctx, got, c.want)
		}
	}
}

// TestConditionString: [operators] StringEquals is exact and case-sensitive, the IgnoreCase
// forms ignore case, StringLike takes `*` (any run, including none) and `?` (one character)
// anywhere, the Not forms negate. [logic]: "If a single condition operator includes multiple
// values for a context key, those values are evaluated using a logical OR. If a single negated
// matching condition operator includes multiple values for a context key, those values are
// evaluated using a logical NOR."
func TestConditionString(t *testing.T) {
	runOpCases(t, []opCase{
		{"StringEquals", []string{"alice"}, "alice", true},
		{"StringEquals", []string{"alice"}, "Alice", false},
		{"StringEquals", []string{"bob", "alice"}, "alice", true},
		{"StringEquals", []string{"a*"}, "abc", false}, // no wildcards in StringEquals
		{"StringEquals", []string{""}, "", true},
		{"StringNotEquals", []string{"alice"}, "Alice", true},
		{"StringNotEquals", []string{"bob", "alice"}, "alice", false},
		{"StringEqualsIgnoreCase", []string{"ALICE"}, "alice", true},
		{"StringEqualsIgnoreCase", []string{"ALICE"}, "alicia", false},
		{"StringNotEqualsIgnoreCase", []string{"ALICE"}, "alice", false},
		{"StringNotEqualsIgnoreCase", []string{"ALICE"}, "bob", true},
		{"StringLike", []string{"home/*"}, "home/alice/x.txt", true},
		{"StringLike", []string{"home/*"}, "Home/alice", false},
		{"StringLike", []string{"home/*"}, "home/", true},
		{"StringLike", []string{"t?.micro"}, "t2.micro", true},
		{"StringLike", []string{"t?.micro"}, "t2a.micro", false},
		{"StringLike", []string{"", "home/"}, "", true},
		{"StringNotLike", []string{"t1.*", "t2.*"}, "m5.large", true},
		{"StringNotLike", []string{"t1.*", "t2.*"}, "t2.nano", false},
	})
}

// TestConditionNumeric: [operators] Numeric operators compare integers and decimals. A value
// that is not a number matches nothing, so a positive operator on it is false.
func TestConditionNumeric(t *testing.T) {
	runOpCases(t, []opCase{
		{"NumericEquals", []string{"10"}, "10", true},
		{"NumericEquals", []string{"10"}, "10.0", true},
		{"NumericEquals", []string{"1e1"}, "10", true},
		{"NumericEquals", []string{"10"}, "11", false},
		{"NumericNotEquals", []string{"10"}, "11", true},
		{"NumericNotEquals", []string{"10"}, "10", false},
		{"NumericLessThan", []string{"10"}, "9.5", true},
		{"NumericLessThan", []string{"10"}, "10", false},
		{"NumericLessThan", []string{"-1"}, "-2", true},
		{"NumericLessThanEquals", []string{"10"}, "10", true},
		{"NumericLessThanEquals", []string{"10"}, "10.01", false},
		{"NumericGreaterThan", []string{"10"}, "11", true},
		{"NumericGreaterThan", []string{"10"}, "10", false},
		{"NumericGreaterThanEquals", []string{"10"}, "10", true},
		{"NumericGreaterThanEquals", []string{"10"}, "9", false},
		// Not numbers: the request's or the policy's.
		{"NumericEquals", []string{"10"}, "ten", false},
		{"NumericLessThan", []string{"10"}, "", false},
		{"NumericGreaterThan", []string{"ten"}, "11", false},
		{"NumericLessThan", []string{"ten", "20"}, "11", true}, // the numeric value still counts
		// Only decimal numbers are numbers: not Go's NaN, infinities, hex or digit separators.
		// (NaN compares neither less nor greater than anything, so it once equalled every number.)
		{"NumericEquals", []string{"NaN"}, "NaN", false},
		{"NumericEquals", []string{"5"}, "NaN", false},
		{"NumericLessThanEquals", []string{"5"}, "nan", false},
		{"NumericGreaterThanEquals", []string{"NaN"}, "5", false},
		{"NumericGreaterThan", []string{"5"}, "Inf", false},
		{"NumericGreaterThan", []string{"5"}, "+Infinity", false},
		{"NumericEquals", []string{"16"}, "0x10", false},
		{"NumericEquals", []string{"1000"}, "1_000", false},
		{"NumericEquals", []string{"1e400"}, "1e400", false}, // out of range
		{"NumericEquals", []string{"-0"}, "0", true},
		{"NumericEquals", []string{".5"}, "0.50", true},
		{"NumericEquals", []string{" 7 "}, "7", true},
	})
}

// TestConditionDate: [operators] date values are "one of the W3C implementations of the ISO
// 8601 date formats or in epoch (UNIX) time"; time zones are honoured.
func TestConditionDate(t *testing.T) {
	const d = "2020-01-01T00:00:00Z"
	runOpCases(t, []opCase{
		{"DateEquals", []string{d}, "2020-01-01T00:00:00Z", true},
		{"DateEquals", []string{d}, "2020-01-01T01:00:00+01:00", true},
		{"DateEquals", []string{d}, "2019-12-31T19:00:00-05:00", true},
		{"DateEquals", []string{d}, "2020-01-01T00:00:00.000Z", true},
		{"DateEquals", []string{d}, "2020-01-01", true},
		{"DateEquals", []string{d}, "2020-01-01T00:00Z", true},
		{"DateEquals", []string{d}, "1577836800", true}, // epoch seconds
		{"DateEquals", []string{"1577836800"}, d, true},
		{"DateEquals", []string{d}, "2020-01-01T00:00:01Z", false},
		{"DateNotEquals", []string{d}, "2020-01-01T00:00:01Z", true},
		{"DateNotEquals", []string{d}, "1577836800", false},
		{"DateLessThan", []string{d}, "2019-12-31T23:59:59Z", true},
		{"DateLessThan", []string{d}, d, false},
		{"DateLessThan", []string{"2020-06-30T23:59:59Z"}, "1593561599", false}, // the same instant
		{"DateLessThanEquals", []string{d}, d, true},
		{"DateLessThanEquals", []string{d}, "2020-01-01T00:00:00.001Z", false},
		{"DateGreaterThan", []string{d}, "2020-01-01T00:00:00.5Z", true},
		{"DateGreaterThan", []string{d}, "1577836799", false},
		{"DateGreaterThanEquals", []string{d}, "2020-01-01T00:00:00Z", true},
		{"DateGreaterThanEquals", []string{d}, "2019-01-01", false},
		// Not dates match nothing.
		{"DateEquals", []string{d}, "yesterday", false},
		{"DateLessThan", []string{d}, "01/01/2019", false},
		{"DateGreaterThan", []string{"someday"}, d, false},
	})
}

// TestConditionBoolBinary: [operators] Bool compares to "true" or "false"; BinaryEquals
// "compares the value of the specified key byte for byte against a base-64 encoded
// representation of the binary value in the policy".
func TestConditionBoolBinary(t *testing.T) {
	runOpCases(t, []opCase{
		{"Bool", []string{"true"}, "true", true},
		{"Bool", []string{"true"}, "false", false},
		{"Bool", []string{"false"}, "false", true},
		{"Bool", []string{"false"}, "no", false},
		{"Bool", []string{"yes"}, "yes", false}, // neither true nor false
		{"BinaryEquals", []string{"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}, "QmluYXJ5VmFsdWVJbkJhc2U2NA==", true},
		{"BinaryEquals", []string{"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}, "QmluYXJ5VmFsdWVJbkJhc2U2NQ==", false},
		{"BinaryEquals", []string{"AAEC"}, "AAED", false},
	})
}

// TestConditionIP: [operators] values are "in the standard CIDR format (for example,
// 203.0.113.0/24 or 2001:DB8:1234:5678::/64). If you specify an IP address without the
// associated routing prefix, IAM uses the default prefix value of /32."
func TestConditionIP(t *testing.T) {
	runOpCases(t, []opCase{
		{"IpAddress", []string{"203.0.113.0/24"}, "203.0.113.7", true},
		{"IpAddress", []string{"203.0.113.0/24"}, "203.0.114.7", false},
		{"IpAddress", []string{"203.0.113.9"}, "203.0.113.9", true}, // a bare address is a /32
		{"IpAddress", []string{"203.0.113.9"}, "203.0.113.10", false},
		{"IpAddress", []string{"203.0.113.77/24"}, "203.0.113.1", true}, // host bits are ignored
		{"IpAddress", []string{"0.0.0.0/0"}, "198.51.100.1", true},
		{"IpAddress", []string{"10.0.0.0/8", "2001:DB8:1234:5678::/64"}, "2001:db8:1234:5678:abcd::1", true},
		{"IpAddress", []string{"2001:DB8:1234:5678::/64"}, "2001:db8:1234:5679::1", false},
		{"IpAddress", []string{"2001:DB8::/32"}, "203.0.113.1", false}, // an IPv6 range holds no IPv4 address
		{"IpAddress", []string{"203.0.113.0/24"}, "2001:db8::1", false},
		// An IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 2.5.5.2) is that IPv4 host,
		// in the request or in the policy.
		{"IpAddress", []string{"203.0.113.0/24"}, "::ffff:203.0.113.5", true},
		{"IpAddress", []string{"::ffff:203.0.113.0/120"}, "203.0.113.5", true},
		{"IpAddress", []string{"::ffff:203.0.113.0/120"}, "203.0.112.5", false},
		{"NotIpAddress", []string{"203.0.113.0/24"}, "198.51.100.1", true},
		{"NotIpAddress", []string{"203.0.113.0/24"}, "203.0.113.1", false},
		{"NotIpAddress", []string{"203.0.113.0/24", "198.51.100.0/24"}, "198.51.100.1", false},
		// Not addresses match nothing.
		{"IpAddress", []string{"203.0.113.0/24"}, "203.0.113", false},
		{"IpAddress", []string{"203.0.113.0/24"}, "203.0.113.0/24", false}, // a range is not a source address
		{"IpAddress", []string{"203.0.113.0/33"}, "203.0.113.1", false},
		{"IpAddress", []string{"not-an-ip"}, "203.0.113.1", false},
	})
}

// TestConditionARN: [operators] "Each of the six colon-delimited components of the ARN is
// checked separately and each can include multi-character match wildcards (*) or
// single-character match wildcards (?). The ArnEquals and ArnLike condition operators behave
// identically." The page's own example: `arn:aws:someservice:*:111122223333:finance/*` does
// not ArnLike-match a value whose region field would have to swallow colons, though StringLike
// matches it.
func TestConditionARN(t *testing.T) {
	const pattern = "arn:aws:someservice:*:111122223333:finance/*"
	const tricky = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
	runOpCases(t, []opCase{
		{"ArnLike", []string{pattern}, tricky, false},
		{"ArnEquals", []string{pattern}, tricky, false},
		{"StringLike", []string{pattern}, tricky, true},
		{"ArnNotLike", []string{pattern}, tricky, true},
		{"ArnLike", []string{pattern}, "arn:aws:someservice:us-east-2:111122223333:finance/document.txt", true},
		{"ArnEquals", []string{pattern}, "arn:aws:someservice:us-east-2:111122223333:finance/document.txt", true},
		{"ArnLike", []string{pattern}, "arn:aws:someservice:us-east-2:111122223333:Finance/document.txt", false}, // case-sensitive
		{"ArnLike", []string{"arn:aws:sns:us-east-?:*:topic"}, "arn:aws:sns:us-east-1:111122223333:topic", true},
		{"ArnLike", []string{"arn:aws:sns:us-east-?:*:topic"}, "arn:aws:sns:us-east-10:111122223333:topic", false},
		{"ArnLike", []string{"arn:aws:*:*:*:*"}, "arn:aws:s3:::bucket", true},
		{"ArnLike", []string{"arn:aws:*:*:*:*"}, "arn:aws:s3::bucket", false}, // five fields: not an ARN
		{"ArnLike", []string{"arn:*:s3:::b"}, "arn:aws:sns:::b", false},
		// The sixth field is the rest of the ARN: its colons belong to it.
		{"ArnLike", []string{"arn:aws:lambda:*:*:function:*"}, "arn:aws:lambda:us-east-1:111122223333:function:f:PROD", true},
		{"ArnEquals", []string{"arn:aws:sns:us-east-1:111122223333:topic"}, "arn:aws:sns:us-east-1:111122223333:topic", true},
		{"ArnNotEquals", []string{"arn:aws:sns:us-east-1:111122223333:topic"}, "arn:aws:sns:us-east-1:111122223333:topic", false},
		{"ArnNotEquals", []string{"arn:aws:sns:us-east-1:111122223333:topic"}, "arn:aws:sns:us-east-1:111122223333:other", true},
	})
}

// TestConditionNull: [operators] "use either true (the key doesn't exist — it is null) or false
// (the key exists and its value is not null)". Null takes no IfExists.
func TestConditionNull(t *testing.T) {
	cases := []struct {
		values []string
		ctx    *Context
		want   bool
	}{
		{[]string{"true"}, condCtx(), true},
		{[]string{"true"}, condCtx("aws:TokenIssueTime", "2020-01-01T00:00:00Z"), false},
		{[]string{"false"}, condCtx(), false},
		{[]string{"false"}, condCtx("aws:TokenIssueTime", "2020-01-01T00:00:00Z"), true},
		{[]string{"TRUE"}, condCtx(), true},
		{[]string{"false"}, condCtx("aws:TokenIssueTime", ""), true},  // present, if empty
		{[]string{"true"}, condCtx("aws:TokenIssueTime", "[]"), true}, // an empty list holds no value
		{[]string{"maybe"}, condCtx(), false},
		{[]string{"maybe"}, condCtx("aws:TokenIssueTime", "x"), false},
	}
	for _, c := range cases {
		if got := condResult(t, "Null", "aws:TokenIssueTime", c.values, c.ctx, true); got != triOf(c.want) {
			t.Errorf("Null %q with context %v = %v, want %v", c.values, c.ctx.Keys(), got, c.want)
		}
	}
	if _, err := compileCondition(model.Condition{Operator: "NullIfExists", Key: "k", Values: []string{"true"}}, true); err == nil {
		t.Error("NullIfExists was accepted; [operators]: IfExists goes on any operator except Null")
	}
}

// TestConditionSetOperators: [multi] ForAllValues: "If every context key value in the request
// matches at least one context key value in the policy, the condition returns true";
// ForAnyValue: true "if any one of the key values in the request matches any one of the
// condition values in the policy" (the page's DynamoDB examples are the first cases here).
// With a negated operator the test on each request value is negated ([logic]: NOR).
func TestConditionSetOperators(t *testing.T) {
	allowed := []string{"PostDateTime", "Message", "Tags"}
	runOpCases(t, []opCase{
		{"ForAllValues:StringLike", allowed, "PostDateTime|Message", true},
		{"ForAllValues:StringLike", allowed, "PostDateTime|ID", false},
		{"ForAllValues:StringEquals", allowed, "Tags", true},
		{"ForAnyValue:StringLike", []string{"ID", "PostDateTime"}, "UserName|Message|PostDateTime", true},
		{"ForAnyValue:StringLike", []string{"ID", "PostDateTime"}, "UserName|Message", false},
		{"ForAnyValue:StringEquals", []string{"env"}, "team|Env", false},
		{"ForAnyValue:StringEqualsIgnoreCase", []string{"env"}, "team|Env", true},
		{"ForAllValues:StringNotEquals", []string{"ID", "UserName"}, "Message|Tags", true},
		{"ForAllValues:StringNotEquals", []string{"ID", "UserName"}, "Message|ID", false},
		{"ForAnyValue:StringNotEquals", []string{"ID"}, "ID|Message", true},
		{"ForAnyValue:StringNotEquals", []string{"ID"}, "ID|ID", false},
		{"ForAnyValue:ArnLike", []string{"arn:aws:iam::*:role/admin"}, "arn:aws:iam::1:role/dev|arn:aws:iam::2:role/admin", true},
		{"ForAllValues:ArnLike", []string{"arn:aws:iam::*:role/admin"}, "arn:aws:iam::1:role/dev|arn:aws:iam::2:role/admin", false},
		{"ForAnyValue:NumericLessThan", []string{"5"}, "9|4", true},
		{"ForAllValues:NumericLessThan", []string{"5"}, "9|4", false},
		// A set operator on a single value treats it as a set of one.
		{"ForAllValues:StringEquals", allowed, "Tags", true},
		{"ForAnyValue:StringEquals", allowed, "ID", false},
	})
}

// TestConditionNegationComplements: on a present single-valued key, every "Not" operator
// answers the opposite of its positive form ([operators]: "Negated matching").
func TestConditionNegationComplements(t *testing.T) {
	pairs := [][2]string{
		{"StringEquals", "StringNotEquals"}, {"StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"},
		{"StringLike", "StringNotLike"}, {"NumericEquals", "NumericNotEquals"},
		{"DateEquals", "DateNotEquals"}, {"IpAddress", "NotIpAddress"},
		{"ArnEquals", "ArnNotEquals"}, {"ArnLike", "ArnNotLike"},
	}
	values := []string{"a", "A", "a*", "1", "1.0", "2020-01-01T00:00:00Z", "1577836800", "203.0.113.0/24",
		"203.0.113.1", "arn:aws:s3:::b", "arn:aws:s3:::*", "x"}
	for _, p := range pairs {
		for _, pv := range values {
			for _, rv := range values {
				ctx := condCtx("test:key", rv)
				pos := condResult(t, p[0], "test:key", []string{pv}, ctx, true)
				neg := condResult(t, p[1], "test:key", []string{pv}, ctx, true)
				if pos == neg {
					t.Errorf("%s and %s agree (%v) on policy value %q, request value %q", p[0], p[1], pos, pv, rv)
				}
			}
		}
	}
}

// TestConditionOperatorErrors: an unknown operator or an empty key is refused when compiling.
func TestConditionOperatorErrors(t *testing.T) {
	for _, c := range []model.Condition{
		{Operator: "StringEqualz", Key: "k", Values: []string{"v"}},
		{Operator: "ForSomeValues:StringEquals", Key: "k", Values: []string{"v"}},
		{Operator: "IfExists", Key: "k", Values: []string{"v"}},
		{Operator: "StringEquals", Key: "", Values: []string{"v"}},
	} {
		if _, err := compileCondition(c, true); err == nil {
			t.Errorf("%+v was accepted", c)
		}
	}
	for _, op := range []string{"stringequals", "ForAnyValue:StringLikeIfExists", "forallvalues:arnlikeifexists"} {
		if _, err := compileCondition(model.Condition{Operator: op, Key: "k", Values: []string{"v"}}, true); err != nil {
			t.Errorf("%s: %v", op, err)
		}
	}
	p, err := ParseAndCompile("p", []byte(`{"Statement":[{"Effect":"Allow","Action":"s3:*"},{"Effect":"Allow","Action":"s3:*","Condition":{"StringEqualz":{"k":"v"}}}]}`))
	if err == nil {
		t.Fatalf("compiled %+v", p)
	}
	if want := `Statement[1].Condition.StringEqualz: unknown condition operator "StringEqualz"`; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}
