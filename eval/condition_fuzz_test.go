package eval

import (
	"math"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/iamscope/iamscope/model"
)

// twinOf returns the operator of the same family and comparison with the opposite negation
// (StringEquals -> StringNotEquals), or "" when there is none (NumericLessThan, Bool, Null).
func twinOf(spec opSpec) string {
	for name, s := range operators {
		if s.fam == spec.fam && s.cmp == spec.cmp && s.negated != spec.negated && s.fam != famNull {
			return name
		}
	}
	return ""
}

// FuzzCondition decides arbitrary condition entries against arbitrary contexts. It must never
// panic, and the answers must hang together: strict mode answers true or false; discovery
// mode leaves open exactly the conditions on keys the request does not give; IfExists on a
// missing key is true; and on a present key without a set operator, a "Not" operator answers
// the opposite of its positive twin.
func FuzzCondition(f *testing.F) {
	f.Add("StringEquals", "aws:username", "alice\nbob", "alice", false, true, true)
	f.Add("ForAllValues:StringLike", "aws:TagKeys", "team\nenv*", "team\nenvironment", true, true, true)
	f.Add("ForAnyValue:ArnLikeIfExists", "aws:SourceArn", "arn:aws:s3:::${aws:username}/${*}", "arn:aws:s3:::alice/*", false, true, true)
	f.Add("NumericLessThan", "s3:max-keys", "10\nNaN", "9", false, false, true)
	f.Add("DateGreaterThan", "aws:CurrentTime", "2020-01-01T00:00:00Z", "1700000000", false, true, true)
	f.Add("NotIpAddress", "aws:SourceIp", "203.0.113.0/24\n::ffff:10.0.0.0/104", "::ffff:10.1.2.3", false, true, true)
	f.Add("Null", "aws:TokenIssueTime", "true", "", false, true, false)
	f.Add("BinaryEquals", "k", "QUJD", "QUJD", false, false, true)
	f.Add("StringLike", "s3:prefix", "${aws:PrincipalTag/team, 'x'}/*", "x/y", false, true, true)
	f.Add("ArnNotEquals", "aws:PrincipalArn", "arn:*:iam::*:role/${aws:username}", "arn:aws:iam::1:role/a", false, true, true)
	f.Fuzz(func(t *testing.T, op, key, policyValues, requestValues string, multi, variables, present bool) {
		c, err := compileCondition(model.Condition{Operator: op, Key: key, Values: strings.Split(policyValues, "\n")}, variables)
		if err != nil {
			if !strings.Contains(err.Error(), strconv.Quote(op)) && !strings.Contains(err.Error(), "empty key") {
				t.Fatalf("compile error %q names neither the operator nor the key", err)
			}
			return
		}
		ctx := NewContext()
		ctx.Set("aws:username", strings.SplitN(requestValues, "\n", 2)[0])
		if present {
			vals := strings.Split(requestValues, "\n")
			if multi {
				ctx.SetMulti(strings.ToUpper(key), vals)
			} else {
				ctx.Set(key, vals[0])
			}
		} else {
			ctx.Delete(key)
		}
		strict, _, gotPresent := c.eval(&request{ctx: ctx})
		if strict == triUnknown {
			t.Fatalf("%s %s: unknown in strict mode", op, key)
		}
		cv, given := ctx.Get(key)
		hasValues := given && len(cv.Values) > 0
		if gotPresent != hasValues {
			t.Fatalf("%s %s: present = %v, but the context gives %+v", op, key, gotPresent, cv)
		}

		disc, _, _ := c.eval(&request{ctx: ctx, discovery: true})
		switch {
		case !hasValues && disc != triUnknown:
			t.Fatalf("%s %s: discovery with no value gave %v, want unknown", op, key, disc)
		case hasValues && disc != strict:
			t.Fatalf("%s %s: discovery gave %v but strict %v with the key given", op, key, disc, strict)
		}
		if c.ifExists && !hasValues && strict != triTrue {
			t.Fatalf("%s on a missing key = %v, want true", op, strict)
		}

		twin := twinOf(c.spec)
		if twin == "" || c.set != setNone || (c.ifExists && !hasValues) {
			return
		}
		tc, err := compileCondition(model.Condition{Operator: twin, Key: key, Values: strings.Split(policyValues, "\n")}, variables)
		if err != nil {
			t.Fatalf("twin %s: %v", twin, err)
		}
		other, _, _ := tc.eval(&request{ctx: ctx})
		if other == strict {
			t.Fatalf("%s and its twin %s both say %v on %q (values %q)", op, twin, strict, requestValues, policyValues)
		}
	})
}

// FuzzConditionValues parses arbitrary text as a number, a date, an address and the rest, as
// both policy and request values are read. Nothing panics, and what is read is read right: a
// number, date or address equals itself, and equals its canonical form.
func FuzzConditionValues(f *testing.F) {
	for _, s := range []string{
		"10", "-1.5e3", "NaN", "Inf", "0x10", "1_000", " 7 ", "2020-01-01T00:00:00Z", "2020-01-01T01:00:00+01:00",
		"2020-01-01", "2020-01-01T00:00", "1577836800", "-62135596800", "99999999999999", "203.0.113.0/24", "203.0.113.7",
		"::ffff:203.0.113.7", "::ffff:203.0.113.0/120", "2001:DB8::/32", "fe80::1%eth0", "QmluYXJ5", "arn:aws:s3:::b/*", "true",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for fam := famStringEquals; fam <= famNull; fam++ {
			parseValue(fam, s)
		}
		eq := func(op, policy, value string) tri {
			c, err := compileCondition(model.Condition{Operator: op, Key: "k", Values: []string{policy}}, false)
			if err != nil {
				t.Fatal(err)
			}
			ctx := NewContext()
			ctx.Set("k", value)
			res, _, _ := c.eval(&request{ctx: ctx})
			return res
		}

		if n := parseValue(famNumeric, s); n.ok {
			if math.IsNaN(n.num) || math.IsInf(n.num, 0) {
				t.Fatalf("%q read as the number %v", s, n.num)
			}
			canon := strconv.FormatFloat(n.num, 'g', -1, 64)
			if eq("NumericEquals", s, s) != triTrue || eq("NumericEquals", s, canon) != triTrue || eq("NumericLessThan", s, s) != triFalse {
				t.Fatalf("the number %q (%s) does not equal itself", s, canon)
			}
		} else if eq("NumericEquals", s, s) != triFalse {
			t.Fatalf("%q is no number, yet NumericEquals matched it", s)
		}

		if d := parseValue(famDate, s); d.ok {
			if eq("DateEquals", s, s) != triTrue || eq("DateGreaterThan", s, s) != triFalse {
				t.Fatalf("the date %q does not equal itself", s)
			}
			if y := d.t.Year(); y >= 0 && y <= 9999 {
				canon := d.t.Format(time.RFC3339Nano)
				if eq("DateEquals", s, canon) != triTrue {
					t.Fatalf("the date %q does not equal its RFC 3339 form %s", s, canon)
				}
			}
		}

		if p, ok := parsePrefix(s); ok {
			if !p.IsValid() || p != p.Masked() || p.Addr().Is4In6() {
				t.Fatalf("%q read as the range %v: not valid, masked and unmapped", s, p)
			}
			if !strings.Contains(s, "/") && p.Bits() != p.Addr().BitLen() {
				t.Fatalf("the bare address %q read as %v, not a single host", s, p)
			}
			if eq("IpAddress", s, p.Addr().String()) != triTrue || eq("NotIpAddress", s, p.Addr().String()) != triFalse {
				t.Fatalf("the range %q (%v) does not hold its own first address", s, p)
			}
			if p.Addr().Is4() {
				mapped := netip.AddrFrom16(p.Addr().As16()).String()
				if eq("IpAddress", s, mapped) != triTrue {
					t.Fatalf("the range %q does not hold %s, its first address IPv4-mapped", s, mapped)
				}
			}
		}

		if eq("StringEquals", s, s) != triTrue || eq("StringNotEquals", s, s) != triFalse || eq("ArnEquals", s, s) != triTrue {
			t.Fatalf("%q does not equal itself as a string or an ARN", s)
		}
		if parseTemplate(s) == nil && strings.Contains(s, "${") && strings.Contains(s, "}") {
			// Text with `${...}` is a template unless no body is a variable or an escape.
			for _, body := range []string{"${*}", "${?}", "${$}", "${aws:username}"} {
				if strings.Contains(s, body) {
					t.Fatalf("%q holds %s but was read as plain text", s, body)
				}
			}
		}
	})
}
