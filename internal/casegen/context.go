package casegen

import (
	"strconv"
	"strings"
)

// ctxVal is a context key of the request being built: its values, whether it is multivalued,
// and whether the request carries it at all.
type ctxVal struct {
	key     string
	typ     string // the catalog's type, ArrayOf stripped
	vals    []string
	multi   bool
	present bool
}

// globalKey is an aws: key the generator uses, with values that fit the request.
type globalKey struct {
	name string
	// vals returns the key's values for the request; nil when the key does not fit it.
	vals func(g *gen) []string
}

func one(s string) []string { return []string{s} }

func (g *gen) boolText() []string { return one(strconv.FormatBool(g.chance(0.5))) }

func (g *gen) ip() string {
	if g.chance(0.35) {
		return pick(g, []string{"2001:db8:1::5", "2001:db8:ff::1", "2600:1f18::10"})
	}
	return pick(g, []string{"203.0.113.7", "198.51.100.20", "10.1.2.3", "192.0.2.200"})
}

func (g *gen) date() string {
	day := 1 + g.r.IntN(28)
	hour := g.r.IntN(24)
	return "2026-03-" + pad2(day) + "T" + pad2(hour) + ":00:00Z"
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// globalKeys are the aws: keys drawn for conditions and context. Their types come from the
// catalog; their values are chosen to fit the request (aws:username is the user's name).
var globalKeys = []globalKey{
	{"aws:SourceIp", func(g *gen) []string { return one(g.ip()) }},
	{"aws:VpcSourceIp", func(g *gen) []string { return one("10.0." + strconv.Itoa(g.r.IntN(3)) + ".9") }},
	{"aws:SecureTransport", (*gen).boolText},
	{"aws:MultiFactorAuthPresent", (*gen).boolText},
	{"aws:MultiFactorAuthAge", func(g *gen) []string { return one(strconv.Itoa(g.r.IntN(7200))) }},
	{"aws:ViaAWSService", (*gen).boolText},
	{"aws:CurrentTime", func(g *gen) []string { return one(g.date()) }},
	{"aws:TokenIssueTime", func(g *gen) []string { return one(g.date()) }},
	{"aws:EpochTime", func(g *gen) []string { return one(strconv.Itoa(1772323200 + g.r.IntN(2419200))) }},
	{"aws:RequestedRegion", func(g *gen) []string { return one(pick(g, regions)) }},
	{"aws:TagKeys", func(g *gen) []string { return g.subset([]string{"env", "team", "owner", "cost-center"}) }},
	{"aws:RequestTag/env", func(g *gen) []string { return one(pick(g, []string{"prod", "dev", "Prod"})) }},
	{"aws:ResourceTag/env", func(g *gen) []string {
		if g.s3Data {
			return nil
		}
		return one(pick(g, []string{"prod", "dev", "Prod"}))
	}},
	{"aws:ResourceTag/owner", func(g *gen) []string {
		if g.s3Data {
			return nil
		}
		return one(pick(g, append([]string{g.team}, userNames...)))
	}},
	{"aws:SourceVpc", func(g *gen) []string { return one(pick(g, []string{"vpc-0a1b2c3d", "vpc-0e5f6a7b"})) }},
	{"aws:SourceVpce", func(g *gen) []string { return one(pick(g, []string{"vpce-1a2b3c4d", "vpce-5e6f7a8b"})) }},
	{"aws:CalledVia", func(g *gen) []string {
		return g.subset([]string{"cloudformation.amazonaws.com", "athena.amazonaws.com", "dynamodb.amazonaws.com"})
	}},
	{"aws:CalledViaFirst", func(g *gen) []string { return one("cloudformation.amazonaws.com") }},
	{"aws:PrincipalOrgPaths", func(g *gen) []string {
		return g.subset([]string{orgID + "/r-ab12/ou-ab12-11111111/", orgID + "/r-ab12/ou-ab12-22222222/"})
	}},
	{"aws:UserAgent", func(g *gen) []string { return one(pick(g, []string{"aws-cli/2.15.0", "Boto3/1.34"})) }},
	{"aws:referer", func(g *gen) []string { return one("https://www.example.com/app/") }},
	{"aws:ResourceAccount", func(g *gen) []string { return one(g.resAccount) }},
	{"aws:SourceAccount", func(g *gen) []string { return one(pick(g, []string{acctA, acctB})) }},
	{"aws:SourceArn", func(g *gen) []string {
		return one(pick(g, []string{"arn:aws:s3:::logs-2024", "arn:aws:sns:us-east-1:" + acctB + ":alerts", "arn:aws:lambda:us-east-1:" + acctA + ":function:alpha"}))
	}},
	// Keys about the caller: set for callers they describe (see principalContext).
	{"aws:PrincipalArn", func(g *gen) []string { return g.principalARNValue() }},
	{"aws:PrincipalAccount", func(g *gen) []string { return g.ifIAM(acctA) }},
	{"aws:PrincipalOrgID", func(g *gen) []string { return g.ifIAM(pick(g, []string{orgID, orgID, "o-zzzz9999zz"})) }},
	{"aws:PrincipalTag/team", func(g *gen) []string { return g.ifIAM(g.team) }},
	{"aws:PrincipalType", func(g *gen) []string { return g.principalType() }},
	{"aws:username", func(g *gen) []string {
		if g.kind == kUser {
			return one(g.userName)
		}
		return nil
	}},
	{"aws:userid", func(g *gen) []string { return g.userID() }},
	{"aws:PrincipalServiceName", func(g *gen) []string {
		if g.kind == kService {
			return one(g.service)
		}
		return nil
	}},
	{"aws:PrincipalIsAWSService", func(g *gen) []string {
		if g.kind == kAnonymous {
			return nil
		}
		return one(strconv.FormatBool(g.kind == kService))
	}},
}

// principalKeys are set (or left out) for every case before any condition is drawn, so that
// policy variables have them.
var principalKeys = []string{"aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalOrgID", "aws:PrincipalTag/team", "aws:PrincipalType", "aws:username", "aws:userid", "aws:PrincipalServiceName", "aws:PrincipalIsAWSService"}

func (g *gen) ifIAM(v string) []string {
	if g.kind == kService || g.kind == kAnonymous {
		return nil
	}
	return one(v)
}

func (g *gen) principalARNValue() []string {
	switch g.kind {
	case kSession:
		return one(g.roleARN)
	case kService, kAnonymous:
		return nil
	}
	return one(g.principal)
}

func (g *gen) principalType() []string {
	switch g.kind {
	case kUser:
		return one("User")
	case kRole, kSession:
		return one("AssumedRole")
	case kFederated:
		return one("FederatedUser")
	}
	return nil
}

func (g *gen) userID() []string {
	switch g.kind {
	case kUser:
		return one("AIDAEXAMPLE" + strings.ToUpper(g.userName))
	case kRole, kSession:
		return one("AROAEXAMPLEROLE:" + pick(g, sessionNames))
	case kFederated:
		return one(acctA + ":" + g.userName)
	}
	return nil
}

// subset returns a random subset of list, never empty: whether an empty list is a present key
// (for Null) is not documented.
func (g *gen) subset(list []string) []string {
	out := []string{}
	for _, v := range list {
		if g.chance(0.45) {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		out = append(out, pick(g, list))
	}
	return out
}

func findGlobal(name string) *globalKey {
	for i := range globalKeys {
		if strings.EqualFold(globalKeys[i].name, name) {
			return &globalKeys[i]
		}
	}
	return nil
}

// principalContext decides the caller's keys up front.
func (g *gen) principalContext() {
	for _, k := range principalKeys {
		g.value(k)
	}
}

// value returns the request's value of a key, deciding it (and whether the request carries
// the key at all) the first time it is asked for. It returns nil when the key cannot be used.
func (g *gen) value(key string) *ctxVal {
	lower := strings.ToLower(key)
	if v, ok := g.cv[lower]; ok {
		return v
	}
	typ := keyType(key)
	if typ == "" {
		g.cv[lower] = nil
		return nil
	}
	v := &ctxVal{key: key, multi: strings.HasPrefix(typ, "ArrayOf"), typ: strings.TrimPrefix(typ, "ArrayOf")}
	if gk := findGlobal(key); gk != nil {
		v.vals = gk.vals(g)
		if v.vals == nil {
			g.cv[lower] = nil
			return nil
		}
	} else {
		v.vals = g.typedValues(v.typ, v.multi)
	}
	v.present = g.chance(0.8)
	g.cv[lower] = v
	if v.present {
		g.ctx[key] = g.jsonValue(v)
	}
	return v
}

// typedValues makes values for a service's key of the given (element) type.
func (g *gen) typedValues(typ string, multi bool) []string {
	n := 1
	if multi {
		n = 1 + g.r.IntN(3)
	}
	out := make([]string, 0, n)
	for range n {
		out = append(out, g.typedValue(typ))
	}
	return out
}

func (g *gen) typedValue(typ string) string {
	switch typ {
	case "ARN":
		return pick(g, []string{g.resourceOrRole(), "arn:aws:s3:::logs-2024", "arn:aws:iam::" + acctA + ":role/app"})
	case "Numeric":
		return strconv.Itoa(g.r.IntN(100))
	case "Bool":
		return strconv.FormatBool(g.chance(0.5))
	case "Date":
		return g.date()
	case "IPAddress":
		return g.ip()
	}
	return pick(g, []string{"alpha", "beta", "Gamma", "prod", "dev"})
}

func (g *gen) resourceOrRole() string {
	if g.resource != "*" {
		return g.resource
	}
	return "arn:aws:iam::" + acctA + ":role/deployer"
}

// jsonValue is how the case file writes a context value: a list for multivalued keys; for
// numbers and booleans, sometimes a JSON number or boolean rather than a string.
func (g *gen) jsonValue(v *ctxVal) any {
	if v.multi {
		return v.vals
	}
	s := v.vals[0]
	if g.chance(0.5) {
		switch v.typ {
		case "Bool":
			return s == "true"
		case "Numeric":
			if n, err := strconv.Atoi(s); err == nil {
				return n
			}
		}
	}
	return s
}

// noise adds a few keys no policy asks about.
func (g *gen) noise() {
	for range g.r.IntN(3) {
		g.value(pick(g, globalKeys).name)
	}
}
