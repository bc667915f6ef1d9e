package eval

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/iamscope/iamscope/model"
)

// This file reads and runs request cases: the format of shared/conformance/FORMAT.md, which
// `iamscope simulate` reads and the reference simulator reads too, so that one file can be run
// through both.

// CaseResult is the answer to one case.
type CaseResult struct {
	ID          json.RawMessage  `json:"id"`
	Decision    Decision         `json:"decision,omitempty"`
	AllowedIf   string           `json:"allowedIf,omitempty"`
	Conditions  []*OpenCondition `json:"conditions,omitempty"`
	Explanation *Explanation     `json:"explanation,omitempty"`
	Error       string           `json:"error,omitempty"`
}

// Case is one parsed, compiled request case.
type Case struct {
	ID      json.RawMessage
	Input   Input
	Request Request
	Mode    Mode
}

// caseFields are the fields a case may hold; metadata fields are read past.
var caseFields = map[string]bool{
	"id": true, "request": true, "identityPolicies": true, "resourcePolicy": true,
	"permissionBoundaries": true, "scps": true, "rcps": true, "sessionPolicy": true,
	"resourceAccount": true, "principalAccount": true, "mode": true,
	"expect": true, "note": true, "description": true, "oracleKnownWrong": true,
}

var requestFields = map[string]bool{"principal": true, "action": true, "resource": true, "context": true, "resourceAccount": true}

// SplitCases reads a JSON array of cases without reading the cases themselves, so that one
// malformed case does not spoil the others. A file that is not a JSON array is an error naming
// the line and column.
func SplitCases(data []byte) ([]json.RawMessage, error) {
	var cases []json.RawMessage
	if err := json.Unmarshal(data, &cases); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line, col := LineCol(data, se.Offset)
			return nil, fmt.Errorf("line %d, column %d: %v", line, col, se)
		case errors.As(err, &te):
			off := int64(len(data) - len(bytes.TrimLeft(data, " \t\r\n")))
			line, col := LineCol(data, off+1)
			return nil, fmt.Errorf("line %d, column %d: the cases must be a JSON array, not a JSON %s", line, col, te.Value)
		}
		return nil, err
	}
	return cases, nil
}

// LineCol turns a byte offset (as encoding/json reports it: the count of bytes read) into a
// 1-based line and column.
func LineCol(data []byte, offset int64) (int, int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset < 1 {
		offset = 1
	}
	before := data[:offset-1]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// ParseCase reads and compiles one case. Errors name the field at fault.
func ParseCase(raw json.RawMessage) (*Case, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("a case must be a JSON object")
	}
	c := &Case{ID: m["id"]}
	if c.ID == nil {
		c.ID = json.RawMessage("null")
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !caseFields[k] {
			return c, fmt.Errorf("%s: unknown case field", k)
		}
	}
	var err error
	if err = c.parseRequest(m["request"]); err != nil {
		return c, err
	}
	if c.Input.Identity, err = policyList(m["identityPolicies"], "identityPolicies", model.KindIdentity); err != nil {
		return c, err
	}
	if c.Input.Resource, err = optionalPolicy(m["resourcePolicy"], "resourcePolicy", model.KindTrust); err != nil {
		return c, err
	}
	if c.Input.Boundaries, err = policyList(m["permissionBoundaries"], "permissionBoundaries", model.KindBoundary); err != nil {
		return c, err
	}
	if c.Input.SCPs, err = policyLevels(m["scps"], "scps", model.KindSCP); err != nil {
		return c, err
	}
	if c.Input.RCPs, err = policyLevels(m["rcps"], "rcps", model.KindRCP); err != nil {
		return c, err
	}
	if c.Input.Session, err = optionalPolicy(m["sessionPolicy"], "sessionPolicy", model.KindSession); err != nil {
		return c, err
	}
	if v, ok := m["resourceAccount"]; ok && !isNull(v) {
		if c.Request.ResourceAccount, err = jsonString(v, "resourceAccount"); err != nil {
			return c, err
		}
	}
	if v, ok := m["principalAccount"]; ok && !isNull(v) {
		if c.Request.PrincipalAccount, err = jsonString(v, "principalAccount"); err != nil {
			return c, err
		}
	}
	if v, ok := m["mode"]; ok && !isNull(v) {
		mode, err := jsonString(v, "mode")
		if err != nil {
			return c, err
		}
		switch mode {
		case "Strict":
			c.Mode = Strict
		case "Discovery":
			c.Mode = Discovery
		default:
			return c, fmt.Errorf("mode: %q is not a mode (want \"Strict\" or \"Discovery\")", mode)
		}
	}
	return c, nil
}

func (c *Case) parseRequest(raw json.RawMessage) error {
	if raw == nil || isNull(raw) {
		return fmt.Errorf("request: missing")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("request: must be an object")
	}
	for k := range m {
		if !requestFields[k] {
			return fmt.Errorf("request.%s: unknown request field", k)
		}
	}
	var err error
	r := &c.Request
	if r.Principal, err = jsonString(m["principal"], "request.principal"); err != nil {
		return err
	}
	if r.Action, err = jsonString(m["action"], "request.action"); err != nil {
		return err
	}
	if err := checkRequestAction(r.Action); err != nil {
		return fmt.Errorf("request.action: %w", err)
	}
	if r.Resource, err = jsonString(m["resource"], "request.resource"); err != nil {
		return err
	}
	if v, ok := m["resourceAccount"]; ok && !isNull(v) {
		if r.ResourceAccount, err = jsonString(v, "request.resourceAccount"); err != nil {
			return err
		}
	}
	r.Context, err = parseContext(m["context"])
	return err
}

// parseContext reads a request context: each key a string, number or boolean, or an array of them.
func parseContext(raw json.RawMessage) (*Context, error) {
	ctx := NewContext()
	if raw == nil || isNull(raw) {
		return ctx, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("request.context: must be an object")
	}
	for k, v := range m {
		at := "request.context." + k
		v = bytes.TrimSpace(v)
		if len(v) > 0 && v[0] == '[' {
			var items []json.RawMessage
			if err := json.Unmarshal(v, &items); err != nil {
				return nil, fmt.Errorf("%s: %v", at, err)
			}
			vals := make([]string, len(items))
			for i, it := range items {
				s, err := scalarText(it)
				if err != nil {
					return nil, fmt.Errorf("%s[%d]: %v", at, i, err)
				}
				vals[i] = s
			}
			ctx.SetMulti(k, vals)
			continue
		}
		s, err := scalarText(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", at, err)
		}
		ctx.Set(k, s)
	}
	return ctx, nil
}

// scalarText returns the text of a JSON string, number or boolean.
func scalarText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", fmt.Errorf("empty value")
	}
	switch raw[0] {
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case 't', 'f':
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return "", err
		}
		return string(raw), nil
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		var n json.Number
		err := json.Unmarshal(raw, &n)
		return n.String(), err
	}
	return "", fmt.Errorf("must be a string, number or boolean (or an array of them)")
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

func jsonString(raw json.RawMessage, field string) (string, error) {
	if raw == nil {
		return "", fmt.Errorf("%s: missing", field)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s: must be a string", field)
	}
	return s, nil
}

// casePolicy reads a policy given as an object, a JSON string, or {"name": ..., "policy": ...}.
func casePolicy(raw json.RawMessage, field string, kind model.Kind) (*Policy, error) {
	name := field
	doc := raw
	var named struct {
		Name   *string         `json:"name"`
		Policy json.RawMessage `json:"policy"`
	}
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(trimmed, &probe); err == nil {
			if _, hasStmt := probe["Statement"]; !hasStmt && probe["policy"] != nil {
				if err := json.Unmarshal(trimmed, &named); err != nil {
					return nil, fmt.Errorf("%s: %v", field, err)
				}
				if named.Name != nil {
					name = *named.Name
				}
				doc = named.Policy
				field += ".policy"
			}
		}
	}
	p, err := parseChecked(name, doc, kind)
	if err != nil {
		var pe *model.PolicyError
		if errors.As(err, &pe) && pe.Path != "" {
			return nil, fmt.Errorf("%s.%s: %s", field, pe.Path, pe.Msg)
		}
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	return p, nil
}

// parseChecked parses a policy, checks it for its kind and compiles it.
func parseChecked(name string, doc []byte, kind model.Kind) (*Policy, error) {
	p, err := model.ParsePolicy(doc)
	if err != nil {
		return nil, err
	}
	if err := p.Check(kind); err != nil {
		return nil, err
	}
	return Compile(name, p)
}

func optionalPolicy(raw json.RawMessage, field string, kind model.Kind) (*Policy, error) {
	if raw == nil || isNull(raw) {
		return nil, nil
	}
	return casePolicy(raw, field, kind)
}

func policyList(raw json.RawMessage, field string, kind model.Kind) ([]*Policy, error) {
	if raw == nil || isNull(raw) {
		return nil, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("%s: must be an array of policies or null", field)
	}
	out := make([]*Policy, 0, len(items))
	for i, it := range items {
		p, err := casePolicy(it, fmt.Sprintf("%s[%d]", field, i), kind)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func policyLevels(raw json.RawMessage, field string, kind model.Kind) ([][]*Policy, error) {
	if raw == nil || isNull(raw) {
		return nil, nil
	}
	var levels []json.RawMessage
	if err := json.Unmarshal(raw, &levels); err != nil {
		return nil, fmt.Errorf("%s: must be an array of levels (arrays of policies) or null", field)
	}
	out := make([][]*Policy, 0, len(levels))
	for i, l := range levels {
		if t := bytes.TrimSpace(l); len(t) == 0 || t[0] != '[' {
			return nil, fmt.Errorf("%s[%d]: each level must be an array of policies", field, i)
		}
		ps, err := policyList(l, fmt.Sprintf("%s[%d]", field, i), kind)
		if err != nil {
			return nil, err
		}
		out = append(out, ps)
	}
	return out, nil
}

// RunCase parses and evaluates one case; a malformed case yields a result with an error.
func RunCase(raw json.RawMessage, explain bool) CaseResult {
	c, err := ParseCase(raw)
	if err != nil {
		id := json.RawMessage("null")
		if c != nil {
			id = c.ID
		}
		return CaseResult{ID: id, Error: err.Error()}
	}
	res, err := Evaluate(&c.Input, &c.Request, Options{Mode: c.Mode, Explain: explain})
	if err != nil {
		return CaseResult{ID: c.ID, Error: err.Error()}
	}
	out := CaseResult{ID: c.ID, Decision: res.Decision, Explanation: res.Explanation}
	if res.Conditional() {
		out.AllowedIf = res.Condition.String()
		out.Conditions = res.Condition.Conditions()
	}
	return out
}
