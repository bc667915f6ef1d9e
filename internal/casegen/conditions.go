package casegen

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Operators by the type of the key they test
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
var (
	stringOps  = []string{"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike"}
	arnOps     = []string{"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "StringEquals", "StringLike"}
	numericOps = []string{"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals"}
	dateOps    = []string{"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"}
	ipOps      = []string{"IpAddress", "NotIpAddress"}
)

// conditions adds up to n condition entries to a statement.
func (g *gen) conditions(s *Statement, p *pol, n int) {
	for range n {
		op, key, val, ok := g.condition(p)
		if !ok {
			continue
		}
		if s.Condition == nil {
			s.Condition = map[string]map[string]any{}
		}
		if s.Condition[op] == nil {
			s.Condition[op] = map[string]any{}
		}
		if _, dup := s.Condition[op][key]; !dup {
			s.Condition[op][key] = val
		}
	}
}

// condition draws a key (a global key, or one of the action's own), an operator that suits its
// type, and one to three values, some made from the request's value so that they match.
func (g *gen) condition(p *pol) (op, key string, val any, ok bool) {
	if len(g.keys) > 0 && g.chance(0.3) {
		key = pick(g, g.keys)
		if isTemplated(key) {
			key = fillKey(key, pick(g, []string{"env", "team"}))
		}
	} else {
		key = pick(g, globalKeys).name
	}
	v := g.value(key)
	if v == nil {
		return "", "", nil, false
	}
	if g.chance(0.06) {
		key = flipCase(g, key) // keys are matched regardless of case
	}
	if g.chance(0.08) {
		vals := []any{}
		for range 1 + g.weighted(85, 15) {
			b := g.chance(0.5)
			if g.chance(0.5) {
				vals = append(vals, b)
			} else {
				vals = append(vals, strconv.FormatBool(b))
			}
		}
		return "Null", key, listAny(vals), true
	}
	var base string
	switch v.typ {
	case "String":
		base = pick(g, stringOps)
		if g.chance(0.04) {
			// The values stay as written: whether a request value is base64 text or raw
			// bytes is not something the case format says.
			base = "BinaryEquals"
		}
	case "ARN":
		base = pick(g, arnOps)
	case "Numeric":
		base = pick(g, numericOps)
	case "Date":
		base = pick(g, dateOps)
	case "Bool":
		base = "Bool"
	case "IPAddress":
		base = pick(g, ipOps)
	default:
		return "", "", nil, false
	}
	op = base
	switch {
	case v.multi:
		// Multivalued keys need a set operator: what AWS does without one is not documented
		// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
		op = pick(g, []string{"ForAnyValue:", "ForAllValues:"}) + base
	case g.chance(0.04):
		op = pick(g, []string{"ForAnyValue:", "ForAllValues:"}) + base
	}
	if op == base && g.chance(0.15) {
		// Not with a set operator: whether ForAnyValue: or IfExists decides for a missing key
		// is not documented.
		op += "IfExists"
	}
	var vals []any
	for range 1 + g.weighted(60, 30, 10) {
		vals = append(vals, g.policyValue(base, v, p))
	}
	return op, key, listAny(vals), true
}

func listAny(vals []any) any {
	if len(vals) == 1 {
		return vals[0]
	}
	return vals
}

// policyValue writes one value for a condition: often one made from the request's value (equal,
// a pattern that covers it, a range that holds it, or one just beside it), else another value
// of the key's type; sometimes a policy variable.
func (g *gen) policyValue(base string, v *ctxVal, p *pol) any {
	// Variables only in string operators: those here (the caller's name, team, account) are
	// not ARNs, and what an ARN operator makes of a value that is not an ARN is not documented.
	if strings.HasPrefix(base, "String") && p.mayUseVars() && g.chance(0.12) {
		vr := g.variable()
		if strings.HasSuffix(base, "Like") && g.chance(0.5) {
			return vr + "*"
		}
		return vr
	}
	src := ""
	if base == "IpAddress" || base == "NotIpAddress" {
		// Ranges of the request address's own family: how AWS compares an IPv4 address with
		// an IPv6 range is not documented.
		if len(v.vals) > 0 {
			return g.cidr(pick(g, v.vals))
		}
	}
	if len(v.vals) > 0 && g.chance(0.6) {
		src = pick(g, v.vals)
	} else if gk := findGlobal(v.key); gk != nil {
		if vals := gk.vals(g); len(vals) > 0 {
			src = pick(g, vals)
		}
	}
	if src == "" {
		src = g.typedValue(v.typ)
	}
	switch {
	case base == "StringEqualsIgnoreCase" || base == "StringNotEqualsIgnoreCase":
		if g.chance(0.5) {
			return flipCase(g, src)
		}
	case strings.HasSuffix(base, "Like"):
		if strings.HasPrefix(base, "Arn") {
			return arnPattern(g, src)
		}
		return likePattern(g, src)
	case strings.HasPrefix(base, "Numeric"):
		n, _ := strconv.Atoi(src)
		n += pick(g, []int{0, 0, 1, -1, 10, -10})
		if g.chance(0.4) {
			return n
		}
		if g.chance(0.1) {
			return strconv.Itoa(n) + ".5"
		}
		return strconv.Itoa(n)
	case strings.HasPrefix(base, "Date"):
		return g.nearDate(src)
	case base == "Bool":
		if g.chance(0.3) {
			return src == "true"
		}
	case base == "IpAddress" || base == "NotIpAddress":
		return g.cidr(src)
	}
	return src
}

// likePattern writes a StringLike pattern from a value: a prefix or suffix with `*`, a `?` for
// one character, `*` alone, or the value itself.
func likePattern(g *gen, s string) string {
	if s == "" {
		return "*"
	}
	i := g.r.IntN(len(s))
	switch g.weighted(30, 20, 20, 10, 20) {
	case 0:
		return s[:i] + "*"
	case 1:
		return "*" + s[i:]
	case 2:
		return s[:i] + "?" + s[i+1:]
	case 3:
		return "*"
	}
	return s
}

// arnPattern writes an ArnLike pattern from an ARN: a wildcard in the account, the region or
// the last part, or the ARN itself.
func arnPattern(g *gen, arn string) string {
	f := strings.SplitN(arn, ":", 6)
	if len(f) != 6 {
		return likePattern(g, arn)
	}
	switch g.weighted(25, 25, 15, 15, 20) {
	case 0:
		if i := strings.LastIndexAny(f[5], "/:"); i >= 0 {
			f[5] = f[5][:i+1] + "*"
		} else {
			f[5] = "*"
		}
	case 1:
		f[4] = "*"
	case 2:
		f[3] = "*"
	case 3:
		// always six fields: AWS matches ARN patterns field by field and does not say what
		// it makes of one with fewer
		f[5] = likePattern(g, f[5])
	}
	return strings.Join(f, ":")
}

// nearDate writes a date equal to or near a request date, in the same form (ISO 8601 or
// seconds since the epoch); rarely in the other form.
func (g *gen) nearDate(src string) any {
	var t time.Time
	epoch := false
	if n, err := strconv.ParseInt(src, 10, 64); err == nil {
		t, epoch = time.Unix(n, 0).UTC(), true
	} else if pt, err := time.Parse(time.RFC3339, src); err == nil {
		t = pt
	} else {
		return src
	}
	t = t.Add(pick(g, []time.Duration{0, 0, time.Hour, -time.Hour, 72 * time.Hour, -72 * time.Hour}))
	if g.chance(0.03) {
		epoch = !epoch
	}
	if epoch {
		if g.chance(0.3) {
			return t.Unix()
		}
		return strconv.FormatInt(t.Unix(), 10)
	}
	if g.chance(0.15) {
		return t.Format("2006-01-02")
	}
	return t.Format(time.RFC3339)
}

// cidr writes an IP range that holds the address, or one that does not; sometimes a bare
// address.
func (g *gen) cidr(src string) string {
	a, err := netip.ParseAddr(src)
	if err != nil {
		return src
	}
	if g.chance(0.2) {
		if a.Is4() {
			return pick(g, []string{"172.16.0.0/12", "203.0.113.128/25", "10.0.0.0/8"})
		}
		return pick(g, []string{"2001:db9::/32", "2600:1f18::/32"})
	}
	bits := pick(g, []int{8, 16, 24, 32})
	if a.Is6() {
		bits = pick(g, []int{32, 48, 64, 128})
	}
	if g.chance(0.1) {
		return a.String()
	}
	return netip.PrefixFrom(a, bits).Masked().String()
}
