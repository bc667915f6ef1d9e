package casegen_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/casegen"
)

// diffCase is a case on which the reference simulator and the engine disagree.
type diffCase struct {
	Raw    json.RawMessage
	Case   casegen.Case
	Oracle string // the reference simulator's decision
	Ours   eval.CaseResult
}

// deviation is a documented way in which the reference simulator parts from AWS: the AWS
// documentation that says what AWS does, and a rule that recognises a case the reference
// decides that way.
//
// Most rules are rewrites: Rewrite changes the case into what the reference reads (a 2008
// policy with its variables substituted, say); the deviation explains the disagreement when
// the engine, given the rewritten case, answers as the reference did. A rule no rewrite can
// express recognises the case from the engine's explanation instead (Match).
type deviation struct {
	Name    string
	URL     string // the AWS documentation that says what AWS does
	Rewrite func(c *casegen.Case) bool
	Match   func(c *diffCase) bool
}

var deviations = []deviation{
	{
		// AWS substitutes policy variables only in Version 2012-10-17 policies; without a
		// Version (2008-10-17) `${aws:username}` is literal text. The reference substitutes
		// them in every policy.
		Name:    "policy variables substituted in a 2008-10-17 or unversioned policy",
		URL:     "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html",
		Rewrite: versionVariables,
	},
	{
		// "You can use wildcard characters (* and ?) within the individual segments of an ARN"
		// (all but the service): `table?/beta` matches `table/beta`; and policy variables may
		// stand anywhere in "the resource portion of the ARN ... after the fifth colon"
		// (reference_policies_variables.html#policy-vars-wheretouse). The reference takes the
		// text before the first "/" or ":" of the resource segment literally, wildcards and
		// variables included (and the "/" of `${aws:PrincipalTag/team}` for that "/").
		Name:    "wildcard or variable in the resource-type part of a Resource ARN read literally",
		URL:     "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html",
		Rewrite: literalResourceTypes,
	},
	{
		// "Inverted condition operators like StringNotEquals or StringNotLike do match against a
		// null value": a policy variable whose key the request lacks. The reference makes the
		// condition false, so the statement never applies.
		Name:    "inverted operator with a policy variable that has no value does not match",
		URL:     "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value",
		Rewrite: dropNullVariableNegations,
	},
	{
		// Date operators take ISO 8601 dates and epoch seconds alike. The reference compares
		// epoch seconds with the milliseconds of an ISO date, so a date compared with the other
		// form is off by a factor of a thousand.
		Name:    "Date condition comparing epoch seconds with an ISO 8601 date",
		URL:     "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date",
		Rewrite: epochAsMilliseconds,
	},
	{
		// "A resource-based policy can specify the ARN of the session as a principal ... The
		// resource-based policy permissions are not limited by the session policy." The
		// reference applies the session policy's implicit deny first (eval/testdata/conformance/FORMAT.md).
		Name:  "session policy applied to a grant that names the session itself",
		URL:   "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session",
		Match: sessionNamedDirectly,
	},
}

// explain returns the documented deviation that accounts for a disagreement, or nil. Each rule
// is tried alone, then all rewrites together with the explanation rules on the rewritten case
// (a case may hit two deviations).
func explain(c *diffCase) *deviation {
	for i := range deviations {
		d := &deviations[i]
		if d.Match != nil && d.Match(c) {
			return d
		}
		if d.Rewrite != nil {
			if rc, ok := rewritten(c, d.Rewrite); ok && string(rc.Ours.Decision) == c.Oracle {
				return d
			}
		}
	}
	all := func(cc *casegen.Case) bool {
		any := false
		for _, d := range deviations {
			if d.Rewrite != nil && d.Rewrite(cc) {
				any = true
			}
		}
		return any
	}
	several := &deviation{Name: "several of the above in one case"}
	rc, ok := rewritten(c, all)
	if !ok {
		return nil
	}
	if string(rc.Ours.Decision) == c.Oracle {
		return several
	}
	for _, d := range deviations {
		if d.Match != nil && d.Match(rc) {
			return several
		}
	}
	return nil
}

// rewritten applies a rewrite to the case and has the engine decide the result (with its
// explanation); ok is false when the rewrite changed nothing.
func rewritten(c *diffCase, rewrite func(*casegen.Case) bool) (*diffCase, bool) {
	rc := &diffCase{Oracle: c.Oracle}
	if err := json.Unmarshal(c.Raw, &rc.Case); err != nil || !rewrite(&rc.Case) {
		return nil, false
	}
	raw, err := json.Marshal(&rc.Case)
	if err != nil {
		return nil, false
	}
	rc.Raw, rc.Ours = raw, eval.RunCase(raw, true)
	return rc, true
}

// policies returns every policy of a case.
func policies(c *casegen.Case) []*casegen.Policy {
	out := append([]*casegen.Policy{}, c.IdentityPolicies...)
	out = append(out, c.PermissionBoundaries...)
	for _, p := range []*casegen.Policy{c.ResourcePolicy, c.SessionPolicy} {
		if p != nil {
			out = append(out, p)
		}
	}
	for _, levels := range [][][]casegen.Policy{c.SCPs, c.RCPs} {
		for i := range levels {
			for j := range levels[i] {
				out = append(out, &levels[i][j])
			}
		}
	}
	return out
}

// strs reads an element that is a string or a list of strings.
func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// values reads a condition's values as text.
func values(v any) []string {
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		switch x := x.(type) {
		case string:
			out = append(out, x)
		case float64:
			out = append(out, strconv.FormatFloat(x, 'f', -1, 64))
		case bool:
			out = append(out, strconv.FormatBool(x))
		}
	}
	return out
}

// baseOperator strips a condition operator of its set operator and IfExists, lower-cased.
func baseOperator(op string) string {
	op = strings.ToLower(op)
	if _, rest, ok := strings.Cut(op, ":"); ok {
		op = rest
	}
	return strings.TrimSuffix(op, "ifexists")
}

// versionVariables makes every policy that holds `${` a 2012-10-17 policy, as the reference
// reads it.
func versionVariables(c *casegen.Case) bool {
	changed := false
	for _, p := range policies(c) {
		if p.Version == "2012-10-17" {
			continue
		}
		b, _ := json.Marshal(p.Statement)
		if strings.Contains(string(b), "${") {
			p.Version, changed = "2012-10-17", true
		}
	}
	return changed
}

// literalResourceTypes turns the wildcards and variables in the resource-type part of Resource
// and NotResource patterns into a character no ARN holds, so that they match only literally.
func literalResourceTypes(c *casegen.Case) bool {
	changed := false
	fix := func(v any) any {
		list := strs(v)
		if list == nil {
			return v
		}
		out := make([]any, len(list))
		for i, pat := range list {
			out[i] = pat
			f := strings.SplitN(pat, ":", 6)
			if len(f) != 6 {
				continue
			}
			end := strings.IndexAny(f[5], "/:")
			if end <= 0 || !strings.ContainsAny(f[5][:end], "*?") && !strings.Contains(f[5][:end], "${") {
				continue
			}
			f[5] = strings.NewReplacer("*", "\x01", "?", "\x01", "${", "\x01{").Replace(f[5][:end]) + f[5][end:]
			out[i], changed = strings.Join(f, ":"), true
		}
		return out
	}
	for _, p := range policies(c) {
		for _, s := range p.Statement {
			if s.Resource != nil {
				s.Resource = fix(s.Resource)
			}
			if s.NotResource != nil {
				s.NotResource = fix(s.NotResource)
			}
		}
	}
	return changed
}

// dropNullVariableNegations makes every statement that has an inverted operator whose value
// holds a policy variable without a value (and without a default) match nothing, as the
// reference reads it.
func dropNullVariableNegations(c *casegen.Case) bool {
	has := func(key string) bool {
		for k, v := range c.Request.Context {
			if strings.EqualFold(k, key) {
				_, multi := v.([]any)
				return !multi
			}
		}
		return false
	}
	nullVariable := func(val string) bool {
		for rest := val; ; {
			i := strings.Index(rest, "${")
			if i < 0 {
				return false
			}
			end := strings.IndexByte(rest[i:], '}')
			if end < 0 {
				return false
			}
			body := rest[i+2 : i+end]
			rest = rest[i+end+1:]
			if body == "*" || body == "?" || body == "$" || strings.Contains(body, ",") {
				continue
			}
			if !has(strings.TrimSpace(body)) {
				return true
			}
		}
	}
	changed := false
	for _, p := range policies(c) {
		for _, s := range p.Statement {
			hit := false
			for op, keys := range s.Condition {
				base := baseOperator(op)
				if base == "null" || !strings.Contains(base, "not") {
					continue
				}
				for _, v := range keys {
					for _, val := range values(v) {
						hit = hit || nullVariable(val)
					}
				}
			}
			if hit {
				s.Action, s.NotAction, s.Condition = nil, "*", nil
				changed = true
			}
		}
	}
	return changed
}

// epochAsMilliseconds reads the epoch values of Date conditions, and the request's values of
// the keys they test, as milliseconds, as the reference does (seconds against the
// milliseconds of ISO dates).
func epochAsMilliseconds(c *casegen.Case) bool {
	asMillis := func(s string) (string, bool) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return s, false
		}
		return time.UnixMilli(n).UTC().Format(time.RFC3339Nano), true
	}
	keys := map[string]bool{}
	changed := false
	for _, p := range policies(c) {
		for _, s := range p.Statement {
			for op, entries := range s.Condition {
				if !strings.HasPrefix(baseOperator(op), "date") {
					continue
				}
				for k, v := range entries {
					keys[strings.ToLower(k)] = true
					var out []any
					for _, val := range values(v) {
						m, ok := asMillis(val)
						changed = changed || ok
						out = append(out, m)
					}
					entries[k] = out
				}
			}
		}
	}
	for k, v := range c.Request.Context {
		if !keys[strings.ToLower(k)] {
			continue
		}
		switch v := v.(type) {
		case string:
			if m, ok := asMillis(v); ok {
				c.Request.Context[k], changed = m, true
			}
		case float64:
			m, _ := asMillis(strconv.FormatFloat(v, 'f', -1, 64))
			c.Request.Context[k], changed = m, true
		}
	}
	return changed
}

// sessionNamedDirectly recognises a role or federated-user session that the engine allows by
// a resource policy naming the session itself, in its own account, where the session policy
// does not allow and the reference therefore denies.
func sessionNamedDirectly(c *diffCase) bool {
	ex := c.Ours.Explanation
	if ex == nil || c.Oracle != string(eval.ImplicitlyDenied) || c.Ours.Decision != eval.Allowed || !ex.SameAccount {
		return false
	}
	if ex.PrincipalKind != "role session" && ex.PrincipalKind != "federated user" {
		return false
	}
	sessionDenies, named := false, false
	for _, p := range ex.Policies {
		switch p.Type {
		case eval.SessionPolicyType:
			sessionDenies = p.Allows == "no"
		case eval.ResourcePolicy:
			for _, s := range p.Statements {
				if s.Effect == "Allow" && s.Result == "match" && s.PrincipalMatch == "direct" {
					named = true
				}
			}
		}
	}
	return sessionDenies && named
}
