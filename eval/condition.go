package eval

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/iamscope/iamscope/model"
	"github.com/iamscope/iamscope/wildcard"
)

// family is what a condition operator compares: strings, numbers, dates, and so on.
type family uint8

const (
	famStringEquals family = iota
	famStringEqualsFold
	famStringLike
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famARN
	famNull
)

// comparison is how numeric and date operators order the two values.
type comparison uint8

const (
	cmpEq comparison = iota
	cmpLT
	cmpLE
	cmpGT
	cmpGE
)

// opSpec describes one base operator (without ForAnyValue:/ForAllValues: and IfExists).
type opSpec struct {
	fam     family
	cmp     comparison
	negated bool
}

// operators are the condition operators of
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
// keyed by lower-cased name.
var operators = map[string]opSpec{
	"stringequals":              {fam: famStringEquals},
	"stringnotequals":           {fam: famStringEquals, negated: true},
	"stringequalsignorecase":    {fam: famStringEqualsFold},
	"stringnotequalsignorecase": {fam: famStringEqualsFold, negated: true},
	"stringlike":                {fam: famStringLike},
	"stringnotlike":             {fam: famStringLike, negated: true},
	"numericequals":             {fam: famNumeric, cmp: cmpEq},
	"numericnotequals":          {fam: famNumeric, cmp: cmpEq, negated: true},
	"numericlessthan":           {fam: famNumeric, cmp: cmpLT},
	"numericlessthanequals":     {fam: famNumeric, cmp: cmpLE},
	"numericgreaterthan":        {fam: famNumeric, cmp: cmpGT},
	"numericgreaterthanequals":  {fam: famNumeric, cmp: cmpGE},
	"dateequals":                {fam: famDate, cmp: cmpEq},
	"datenotequals":             {fam: famDate, cmp: cmpEq, negated: true},
	"datelessthan":              {fam: famDate, cmp: cmpLT},
	"datelessthanequals":        {fam: famDate, cmp: cmpLE},
	"dategreaterthan":           {fam: famDate, cmp: cmpGT},
	"dategreaterthanequals":     {fam: famDate, cmp: cmpGE},
	"bool":                      {fam: famBool},
	"binaryequals":              {fam: famBinary},
	"ipaddress":                 {fam: famIP},
	"notipaddress":              {fam: famIP, negated: true},
	"arnequals":                 {fam: famARN},
	"arnlike":                   {fam: famARN},
	"arnnotequals":              {fam: famARN, negated: true},
	"arnnotlike":                {fam: famARN, negated: true},
	"null":                      {fam: famNull},
}

// setOp is a condition's set operator for multivalued keys.
type setOp uint8

const (
	setNone setOp = iota
	setAnyValue
	setAllValues
)

// condition is one compiled condition entry: operator, key and values.
type condition struct {
	src      model.Condition
	spec     opSpec
	set      setOp
	ifExists bool
	key      string // lower-cased
	values   []condValue
}

// condValue is one policy value of a condition, parsed once for its operator unless it holds
// policy variables (then it is parsed per request, after substitution).
type condValue struct {
	raw  string
	tpl  *template
	p    parsedValue
	glob wildcard.Pattern // StringLike
}

// parsedValue is a value read for its operator family; ok is false when it cannot be read
// (a number that is not a number), and then it matches nothing.
type parsedValue struct {
	ok   bool
	s    string
	num  float64
	t    time.Time
	ip   netip.Prefix
	bin  []byte
	arn  []wildcard.Pattern // six field globs, or one glob of the whole value
	null bool
}

// compileCondition parses an operator and pre-parses the values.
func compileCondition(c model.Condition, variables bool) (*condition, error) {
	cc, err := parseOperator(c)
	if err != nil {
		return nil, err
	}
	spec := cc.spec
	cc.values = make([]condValue, 0, len(c.Values))
	for _, raw := range c.Values {
		v := condValue{raw: raw}
		if variables && takesVariables(spec.fam) {
			v.tpl = parseTemplate(raw)
		}
		if v.tpl == nil {
			v.p = parseValue(spec.fam, raw)
			if spec.fam == famStringLike {
				v.glob = wildcard.Compile(raw)
			}
		}
		cc.values = append(cc.values, v)
	}
	return cc, nil
}

// parseOperator reads a condition's operator (set operator, base operator, IfExists) and
// checks its key, without reading the values.
func parseOperator(c model.Condition) (*condition, error) {
	cc := &condition{src: c}
	var err error
	if cc.spec, cc.set, cc.ifExists, err = readOperator(c.Operator); err != nil {
		return nil, err
	}
	if c.Key == "" {
		return nil, fmt.Errorf("condition %s has an empty key", c.Operator)
	}
	cc.key = lowerString(c.Key)
	return cc, nil
}

// checkOperator reports what parseOperator would find wrong with a condition, without
// allocating.
func checkOperator(c model.Condition) error {
	if _, _, _, err := readOperator(c.Operator); err != nil {
		return err
	}
	if c.Key == "" {
		return fmt.Errorf("condition %s has an empty key", c.Operator)
	}
	return nil
}

// readOperator reads an operator's name, in any case: set operator, base operator, IfExists.
// ASCII names (all the known ones) are lowered on the stack.
func readOperator(name string) (spec opSpec, set setOp, ifExists bool, err error) {
	var buf [64]byte
	var lower []byte
	if ascii, _ := asciiUpper(name); ascii && len(name) <= len(buf) {
		lower = appendLowerASCII(buf[:0], name)
	} else {
		lower = []byte(strings.ToLower(name))
	}
	switch {
	case bytes.HasPrefix(lower, []byte("foranyvalue:")):
		set, lower = setAnyValue, lower[len("foranyvalue:"):]
	case bytes.HasPrefix(lower, []byte("forallvalues:")):
		set, lower = setAllValues, lower[len("forallvalues:"):]
	}
	if base, ok := bytes.CutSuffix(lower, []byte("ifexists")); ok && string(base) != "null" {
		ifExists, lower = true, base
	}
	spec, ok := operators[string(lower)]
	if !ok {
		return spec, set, ifExists, fmt.Errorf("unknown condition operator %q", name)
	}
	return spec, set, ifExists, nil
}

// takesVariables reports whether policy variables are substituted in the values of an operator
// family: the string and ARN operators, and Bool, but not Numeric, Date, Binary, IpAddress or
// Null, where `${...}` stays literal text
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
// "You can not use a policy variable with the Numeric condition operator", and so on under each).
func takesVariables(f family) bool {
	switch f {
	case famStringEquals, famStringEqualsFold, famStringLike, famARN, famBool:
		return true
	}
	return false
}

// parseValue reads a policy or context value for an operator family.
func parseValue(fam family, s string) parsedValue {
	p := parsedValue{s: s, ok: true}
	switch fam {
	case famNumeric:
		t := strings.TrimSpace(s)
		f, err := strconv.ParseFloat(t, 64)
		p.num, p.ok = f, err == nil && isDecimal(t)
	case famDate:
		p.t, p.ok = parseDate(s)
	case famBool:
		p.s = strings.ToLower(s)
		p.ok = p.s == "true" || p.s == "false"
	case famBinary:
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			b = []byte(s)
		}
		p.bin = b
	case famIP:
		p.ip, p.ok = parsePrefix(s)
	case famARN:
		p.arn = arnGlobs(s)
	case famNull:
		p.s = strings.ToLower(s)
		p.null = p.s == "true"
		p.ok = p.s == "true" || p.s == "false"
	}
	return p
}

// isDecimal reports whether s is written as a decimal number (sign, digits, point, exponent),
// the integers and decimals of Numeric conditions
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric).
// strconv.ParseFloat also reads "NaN", "Inf" and "1_000"; NaN compares neither less nor greater
// than anything, so it would equal every number.
func isDecimal(s string) bool {
	return s != "" && strings.Trim(s, "0123456789+-.eE") == "" && strings.ContainsAny(s, "0123456789")
}

// arnGlobs compiles an ArnLike value field by field: each of the six fields is matched on its
// own, so a `*` in one field never spans a colon into the next.
func arnGlobs(s string) []wildcard.Pattern { return arnPartGlobs(globParts(s)) }

// arnPartGlobs splits a glob given as parts at its first five colons into the six fields of an
// ARN and compiles each; a value with fewer fields is one glob of the whole. Literal parts (a
// substituted variable, `${*}`) stay literal.
func arnPartGlobs(parts []wildcard.Part) []wildcard.Pattern {
	var fields [][]wildcard.Part
	var cur []wildcard.Part
	for _, p := range parts {
		if p.Star || p.Any {
			cur = append(cur, p)
			continue
		}
		text := p.Text
		for len(fields) < 5 {
			i := strings.IndexByte(text, ':')
			if i < 0 {
				break
			}
			if i > 0 {
				cur = append(cur, wildcard.Part{Text: text[:i]})
			}
			fields, cur = append(fields, cur), nil
			text = text[i+1:]
		}
		if text != "" {
			cur = append(cur, wildcard.Part{Text: text})
		}
	}
	fields = append(fields, cur)
	if len(fields) != 6 {
		return []wildcard.Pattern{wildcard.FromParts(parts)}
	}
	out := make([]wildcard.Pattern, 6)
	for i, f := range fields {
		out[i] = wildcard.FromParts(f)
	}
	return out
}

func matchARN(globs []wildcard.Pattern, v string) bool {
	if len(globs) == 1 {
		return globs[0].Match(v)
	}
	fields := strings.SplitN(v, ":", 6)
	if len(fields) != 6 {
		return false
	}
	for i, g := range globs {
		if !g.Match(fields[i]) {
			return false
		}
	}
	return true
}

// dateLayouts are the ISO 8601 forms AWS accepts in Date conditions.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseDate reads an ISO 8601 date or a number of seconds since the epoch.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parsePrefix reads a CIDR range or a single address (a /32 or /128).
func parsePrefix(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		return netip.PrefixFrom(p.Addr().Unmap(), unmappedBits(p)).Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

func unmappedBits(p netip.Prefix) int {
	if p.Addr().Is4In6() {
		return max(p.Bits()-96, 0)
	}
	return p.Bits()
}

// tri is the outcome of a condition: true, false, or unknown (discovery mode, key not given).
type tri uint8

const (
	triFalse tri = iota
	triTrue
	triUnknown
)

func (t tri) String() string {
	switch t {
	case triTrue:
		return "true"
	case triUnknown:
		return "unknown"
	}
	return "false"
}

// eval decides the condition against the request context. The rules follow
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// and .../reference_policies_condition-single-vs-multi-valued-context-keys.html:
//   - a missing key makes a positive operator false and a negated one true, unless IfExists
//     (then true) or a set operator (ForAllValues: true, ForAnyValue: false);
//   - several policy values are ORed; a negated operator is true when no value matches;
//   - ForAnyValue: some request value satisfies the operator; ForAllValues: every one does.
func (c *condition) eval(r *request) (tri, ContextValue, bool) {
	cv, present := r.ctx.get(c.key)
	if present && cv.Multi && len(cv.Values) == 0 {
		// An empty list is treated as a missing key.
		present = false
	}
	if !present && r.discovery && !r.ctx.isKnown(c.key) {
		if res, ok := c.boundedTokenTime(r); ok {
			return res, cv, false
		}
		return triUnknown, cv, false
	}
	if c.spec.fam == famNull {
		for _, v := range c.values {
			p := c.valueFor(v, r)
			if p.ok && p.null == !present {
				return triTrue, cv, present
			}
		}
		return triFalse, cv, present
	}
	if !present {
		switch {
		case c.ifExists:
			return triTrue, cv, false
		case c.set == setAllValues:
			return triTrue, cv, false
		case c.set == setAnyValue:
			return triFalse, cv, false
		case c.spec.negated:
			return triTrue, cv, false
		}
		return triFalse, cv, false
	}
	switch c.set {
	case setAllValues:
		for _, v := range cv.Values {
			if !c.satisfiedBy(v, r) {
				return triFalse, cv, true
			}
		}
		return triTrue, cv, true
	case setAnyValue:
		for _, v := range cv.Values {
			if c.satisfiedBy(v, r) {
				return triTrue, cv, true
			}
		}
		return triFalse, cv, true
	}
	// A single-valued operator on several request values: positive operators match when any
	// request value matches; negated operators when none does.
	any := false
	for _, v := range cv.Values {
		if c.matchesAny(v, r) {
			any = true
			break
		}
	}
	return triOf(any != c.spec.negated), cv, true
}

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// satisfiedBy reports whether one request value satisfies the operator: for a positive
// operator it matches some policy value, for a negated one it matches none.
func (c *condition) satisfiedBy(v string, r *request) bool {
	return c.matchesAny(v, r) != c.spec.negated
}

// matchesAny reports whether the request value matches any policy value under the positive
// form of the operator.
func (c *condition) matchesAny(v string, r *request) bool {
	var ctxVal parsedValue
	parsed := false
	for i := range c.values {
		pv := &c.values[i]
		switch c.spec.fam {
		case famStringEquals:
			if s, ok := c.text(pv, r); ok && s == v {
				return true
			}
		case famStringEqualsFold:
			if s, ok := c.text(pv, r); ok && strings.EqualFold(s, v) {
				return true
			}
		case famStringLike:
			if pv.tpl == nil {
				if pv.glob.Match(v) {
					return true
				}
			} else if g, ok := pv.tpl.glob(r.ctx, false); ok && g.Match(v) {
				return true
			}
		default:
			p := c.valueFor(*pv, r)
			if !p.ok {
				continue
			}
			if !parsed {
				ctxVal, parsed = parseValue(c.spec.fam, v), true
			}
			if matchParsed(c.spec, p, ctxVal, v) {
				return true
			}
		}
	}
	return false
}

// text returns a string value with its variables substituted.
func (c *condition) text(pv *condValue, r *request) (string, bool) {
	if pv.tpl == nil {
		return pv.raw, true
	}
	return pv.tpl.text(r.ctx)
}

// valueFor returns the parsed policy value, substituting variables first where it has them.
func (c *condition) valueFor(pv condValue, r *request) parsedValue {
	if pv.tpl == nil {
		return pv.p
	}
	if c.spec.fam == famARN {
		// Substituted values and `${*}`, `${?}` match literally, field by field.
		parts, ok := pv.tpl.globParts(r.ctx, false)
		if !ok {
			return parsedValue{}
		}
		return parsedValue{ok: true, arn: arnPartGlobs(parts)}
	}
	s, ok := pv.tpl.text(r.ctx)
	if !ok {
		return parsedValue{}
	}
	return parseValue(c.spec.fam, s)
}

// matchParsed compares a parsed policy value p with a request value.
func matchParsed(spec opSpec, p, ctx parsedValue, raw string) bool {
	switch spec.fam {
	case famNumeric:
		return ctx.ok && compare(spec.cmp, cmpFloat(ctx.num, p.num))
	case famDate:
		return ctx.ok && compare(spec.cmp, ctx.t.Compare(p.t))
	case famBool:
		return ctx.ok && ctx.s == p.s
	case famBinary:
		return bytes.Equal(ctx.bin, p.bin)
	case famIP:
		if !ctx.ok || ctx.ip.Bits() != ctx.ip.Addr().BitLen() {
			return false
		}
		return p.ip.Contains(ctx.ip.Addr())
	case famARN:
		return matchARN(p.arn, raw)
	}
	return false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compare turns a three-way comparison of request value against policy value into the
// operator's answer.
func compare(c comparison, r int) bool {
	switch c {
	case cmpLT:
		return r < 0
	case cmpLE:
		return r <= 0
	case cmpGT:
		return r > 0
	case cmpGE:
		return r >= 0
	}
	return r == 0
}

// maxSessionToken is the longest a user's temporary credentials last: GetSessionToken issues
// them for at most 129,600 seconds
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html).
const maxSessionToken = 36 * time.Hour

// boundedTokenTime decides an ordered date comparison on an unknown aws:TokenIssueTime when
// the request gives aws:CurrentTime: the key is either absent (a long-term access key) or the
// issue time of credentials still valid, between 36 hours before the request and the
// request's time. When the absent key and both ends of that span give the same result, every
// possible request does; ok is false otherwise, and the condition stays open.
func (c *condition) boundedTokenTime(r *request) (res tri, ok bool) {
	if c.key != "aws:tokenissuetime" || c.spec.fam != famDate || c.spec.cmp == cmpEq || c.set != setNone {
		return triUnknown, false
	}
	cur, present := r.ctx.get("aws:currenttime")
	if !present || len(cur.Values) != 1 {
		return triUnknown, false
	}
	now, err := time.Parse(time.RFC3339, cur.Values[0])
	if err != nil {
		return triUnknown, false
	}
	probe := func(value string, has bool) tri {
		ctx := r.ctx.layer()
		if has {
			ctx.Set("aws:TokenIssueTime", value)
		} else {
			ctx.MarkKnown(c.key)
		}
		q := *r
		q.ctx, q.discovery = ctx, false
		got, _, _ := c.eval(&q)
		return got
	}
	first := probe("", false)
	for _, t := range []time.Time{now.Add(-maxSessionToken), now} {
		if probe(t.UTC().Format(time.RFC3339), true) != first {
			return triUnknown, false
		}
	}
	return first, true
}
