package eval

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/iamscope/iamscope/jsontree"
	"github.com/iamscope/iamscope/model"
)

// This file reads and runs request cases: the format of eval/testdata/conformance/FORMAT.md, which
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
	if items, ok := jsontree.Items(data); ok {
		out := make([]json.RawMessage, len(items))
		for i, it := range items {
			out[i] = it
		}
		return out, nil
	}
	// Not a JSON array (or JSON null, no cases): encoding/json names what is wrong.
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
// 1-based line and column (jsontree.LineCol).
func LineCol(data []byte, offset int64) (int, int) { return jsontree.LineCol(data, offset) }

// readers read cases, each reusing its memory from one case to the next: a case's JSON is
// done with once the case is compiled (nothing compiled points into it).
var readers = sync.Pool{New: func() any { return new(jsontree.Reader) }}

// ParseCase reads and compiles one case. Errors name the field at fault.
func ParseCase(raw json.RawMessage) (*Case, error) {
	rd := readers.Get().(*jsontree.Reader)
	defer readers.Put(rd)
	v, ok := rd.Read(raw)
	if !ok {
		return nil, fmt.Errorf("a case must be a JSON object")
	}
	return parseCaseValue(v, false)
}

// parseCaseItem reads and compiles one item of an array of cases; ok is false when its text is
// not JSON, and then neither is the file's.
func parseCaseItem(raw json.RawMessage) (c *Case, err error, ok bool) {
	rd := readers.Get().(*jsontree.Reader)
	defer readers.Put(rd)
	v, ok := rd.ReadSharedItem(raw)
	if !ok {
		return nil, nil, false
	}
	c, err = parseCaseValue(v, true)
	return c, err, true
}

// parseCaseValue reads and compiles a case read as JSON. shared says that the case's text
// stays unchanged while the case is in use, so that its policies may keep it rather than a copy.
func parseCaseValue(m *jsontree.Value, shared bool) (*Case, error) {
	switch m.Kind {
	case jsontree.Null:
		m = &jsontree.Value{Kind: jsontree.Object}
	case jsontree.Object:
	default:
		return nil, fmt.Errorf("a case must be a JSON object")
	}
	c := &Case{ID: json.RawMessage("null")}
	if id := m.Get("id"); id != nil {
		c.ID = id.Raw
	}
	if k, ok := unknownField(m, caseFields); ok {
		return c, fmt.Errorf("%s: unknown case field", k)
	}
	var err error
	if err = c.parseRequest(m.Get("request")); err != nil {
		return c, err
	}
	if c.Input.Identity, err = policyList(m.Get("identityPolicies"), "identityPolicies", model.KindIdentity, shared); err != nil {
		return c, err
	}
	if c.Input.Resource, err = optionalPolicy(m.Get("resourcePolicy"), "resourcePolicy", model.KindTrust, shared); err != nil {
		return c, err
	}
	if c.Input.Boundaries, err = policyList(m.Get("permissionBoundaries"), "permissionBoundaries", model.KindBoundary, shared); err != nil {
		return c, err
	}
	if c.Input.SCPs, err = policyLevels(m.Get("scps"), "scps", model.KindSCP, shared); err != nil {
		return c, err
	}
	if c.Input.RCPs, err = policyLevels(m.Get("rcps"), "rcps", model.KindRCP, shared); err != nil {
		return c, err
	}
	if c.Input.Session, err = optionalPolicy(m.Get("sessionPolicy"), "sessionPolicy", model.KindSession, shared); err != nil {
		return c, err
	}
	if v := m.Get("resourceAccount"); !isNull(v) {
		if c.Request.ResourceAccount, err = jsonString(v, "resourceAccount"); err != nil {
			return c, err
		}
	}
	if v := m.Get("principalAccount"); !isNull(v) {
		if c.Request.PrincipalAccount, err = jsonString(v, "principalAccount"); err != nil {
			return c, err
		}
	}
	if v := m.Get("mode"); !isNull(v) {
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

// unknownField returns the first key of an object, in sorted order, that is not one of fields.
// The members are sorted only when one is unknown.
func unknownField(m *jsontree.Value, fields map[string]bool) (string, bool) {
	for _, member := range m.Members {
		if !fields[member.Key] {
			for _, member := range m.Sorted() {
				if !fields[member.Key] {
					return member.Key, true
				}
			}
		}
	}
	return "", false
}

func (c *Case) parseRequest(m *jsontree.Value) error {
	if isNull(m) {
		return fmt.Errorf("request: missing")
	}
	if m.Kind != jsontree.Object {
		return fmt.Errorf("request: must be an object")
	}
	if k, ok := unknownField(m, requestFields); ok {
		return fmt.Errorf("request.%s: unknown request field", k)
	}
	var err error
	r := &c.Request
	if r.Principal, err = jsonString(m.Get("principal"), "request.principal"); err != nil {
		return err
	}
	if r.Action, err = jsonString(m.Get("action"), "request.action"); err != nil {
		return err
	}
	if err := checkRequestAction(r.Action); err != nil {
		return fmt.Errorf("request.action: %w", err)
	}
	if r.Resource, err = jsonString(m.Get("resource"), "request.resource"); err != nil {
		return err
	}
	if v := m.Get("resourceAccount"); !isNull(v) {
		if r.ResourceAccount, err = jsonString(v, "request.resourceAccount"); err != nil {
			return err
		}
	}
	r.Context, err = parseContext(m.Get("context"))
	return err
}

// parseContext reads a request context: each key a string, number or boolean, or an array of them.
// The keys are lowered, and the single values held, in one allocation each for the context.
func parseContext(m *jsontree.Value) (*Context, error) {
	if isNull(m) {
		return NewContext(), nil
	}
	if m.Kind != jsontree.Object {
		return nil, fmt.Errorf("request.context: must be an object")
	}
	ctx := &Context{entries: make([]contextEntry, 0, len(m.Members))}
	keys := make([]string, len(m.Members))
	for i, member := range m.Members {
		keys[i] = member.Key
	}
	lower := lowerAll(keys)
	singles := make([]string, len(m.Members))
	for i, member := range m.Members {
		k, v := member.Key, member.Value
		if v.Kind == jsontree.Array {
			vals := make([]string, len(v.Items))
			for j, it := range v.Items {
				s, err := scalarText(it)
				if err != nil {
					return nil, fmt.Errorf("request.context.%s[%d]: %v", k, j, err)
				}
				vals[j] = s
			}
			ctx.put(lower[i], ContextValue{Key: k, Values: vals, Multi: true})
			continue
		}
		s, err := scalarText(v)
		if err != nil {
			return nil, fmt.Errorf("request.context.%s: %v", k, err)
		}
		singles[i] = s
		ctx.put(lower[i], ContextValue{Key: k, Values: singles[i : i+1 : i+1]})
	}
	return ctx, nil
}

// scalarText returns the text of a JSON string, number or boolean.
func scalarText(v *jsontree.Value) (string, error) {
	switch v.Kind {
	case jsontree.String:
		return v.Str, nil
	case jsontree.Bool, jsontree.Number:
		return string(v.Raw), nil
	}
	return "", fmt.Errorf("must be a string, number or boolean (or an array of them)")
}

// isNull reports whether a member is absent (nil) or JSON null.
func isNull(v *jsontree.Value) bool { return v == nil || v.Kind == jsontree.Null }

// jsonString reads a string member; null reads as "", as encoding/json reads it.
func jsonString(v *jsontree.Value, field string) (string, error) {
	switch {
	case v == nil:
		return "", fmt.Errorf("%s: missing", field)
	case v.Kind == jsontree.Null:
		return "", nil
	case v.Kind != jsontree.String:
		return "", fmt.Errorf("%s: must be a string", field)
	}
	return v.Str, nil
}

// casePolicy reads a policy given as an object, a JSON string, or {"name": ..., "policy": ...}.
func casePolicy(v *jsontree.Value, field string, kind model.Kind, shared bool) (*Policy, error) {
	name := field
	doc := v
	if v.Kind == jsontree.Object && v.Get("Statement") == nil && v.Get("policy") != nil {
		if n := v.Get("name"); !isNull(n) {
			if n.Kind != jsontree.String {
				// encoding/json names the mistake as it always has.
				var named struct {
					Name *string `json:"name"`
				}
				return nil, fmt.Errorf("%s: %v", field, json.Unmarshal(v.Raw, &named))
			}
			name = n.Str
		}
		doc = v.Get("policy")
		field += ".policy"
	}
	parse := model.ParsePolicyValue
	if shared {
		parse = model.ParseSharedPolicyValue
	}
	p, err := parse(doc)
	if err == nil {
		err = p.Check(kind)
	}
	var out *Policy
	if err == nil {
		out, err = Compile(name, p)
	}
	if err != nil {
		var pe *model.PolicyError
		if errors.As(err, &pe) && pe.Path != "" {
			return nil, fmt.Errorf("%s.%s: %s", field, pe.Path, pe.Msg)
		}
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	return out, nil
}

func optionalPolicy(v *jsontree.Value, field string, kind model.Kind, shared bool) (*Policy, error) {
	if isNull(v) {
		return nil, nil
	}
	return casePolicy(v, field, kind, shared)
}

func policyList(v *jsontree.Value, field string, kind model.Kind, shared bool) ([]*Policy, error) {
	if isNull(v) {
		return nil, nil
	}
	if v.Kind != jsontree.Array {
		return nil, fmt.Errorf("%s: must be an array of policies or null", field)
	}
	out := make([]*Policy, 0, len(v.Items))
	for i, it := range v.Items {
		p, err := casePolicy(it, field+"["+strconv.Itoa(i)+"]", kind, shared)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func policyLevels(v *jsontree.Value, field string, kind model.Kind, shared bool) ([][]*Policy, error) {
	if isNull(v) {
		return nil, nil
	}
	if v.Kind != jsontree.Array {
		return nil, fmt.Errorf("%s: must be an array of levels (arrays of policies) or null", field)
	}
	out := make([][]*Policy, 0, len(v.Items))
	for i, l := range v.Items {
		if l.Kind != jsontree.Array {
			return nil, fmt.Errorf("%s[%d]: each level must be an array of policies", field, i)
		}
		ps, err := policyList(l, field+"["+strconv.Itoa(i)+"]", kind, shared)
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
	return c.result(err, explain)
}

// RunCaseItem is RunCase for an item of an array of cases found by its brackets and quotes
// alone (jsontree.SplitReader), unchecked: ok is false when the item's text is not JSON, and
// then the file is not JSON either (SplitCases names the fault). The case's
// text must stay unchanged while the result is in use: the result and the compiled policies
// keep slices of it rather than copies.
func RunCaseItem(raw json.RawMessage, explain bool) (res CaseResult, ok bool) {
	c, err, ok := parseCaseItem(raw)
	if !ok {
		return CaseResult{}, false
	}
	return c.result(err, explain), true
}

// result evaluates a case, or reports why it could not be read (c may then be nil).
func (c *Case) result(err error, explain bool) CaseResult {
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
