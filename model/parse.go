package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// PolicyError is a problem in a policy document, with the JSON path of the element at fault,
// such as `Statement[2].Condition.StringEquals`.
type PolicyError struct {
	Path string
	Msg  string
}

func (e *PolicyError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

func errAt(path, format string, args ...any) error {
	return &PolicyError{Path: path, Msg: fmt.Sprintf(format, args...)}
}

// ParsePolicy reads a policy document in any of the forms it arrives in: a JSON object, a JSON
// string holding the document (as policies are embedded in other JSON), or URL-encoded JSON (as
// the IAM API returns it). Every element is checked; an unknown element or a value of the wrong
// type is an error naming its place, never silently dropped.
func ParsePolicy(data []byte) (*Policy, error) {
	doc, err := DecodeDocument(data)
	if err != nil {
		return nil, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil {
		return nil, errAt("", "policy document is not a JSON object: %v", err)
	}
	p := &Policy{}
	var compact bytes.Buffer
	if err := json.Compact(&compact, doc); err == nil {
		p.Document = compact.Bytes()
	} else {
		p.Document = doc
	}
	for _, k := range sortedKeys(top) {
		v := top[k]
		switch k {
		case "Version":
			if err := json.Unmarshal(v, &p.Version); err != nil || isNull(v) {
				return nil, errAt("Version", "must be a string")
			}
			if p.Version != Version2012 && p.Version != Version2008 {
				return nil, errAt("Version", "unknown version %q (want %q or %q)", p.Version, Version2012, Version2008)
			}
		case "Id":
			if err := json.Unmarshal(v, &p.ID); err != nil || isNull(v) {
				return nil, errAt("Id", "must be a string")
			}
		case "Statement":
			stmts, err := parseStatements(v)
			if err != nil {
				return nil, err
			}
			p.Statements = stmts
		default:
			return nil, errAt(k, "unknown policy element (want Version, Id or Statement)")
		}
	}
	if _, ok := top["Statement"]; !ok {
		return nil, errAt("Statement", "missing")
	}
	return p, nil
}

// DecodeDocument returns the JSON object text of a policy document given as an object, as a
// JSON string holding one, or URL-encoded.
func DecodeDocument(data []byte) ([]byte, error) {
	trimmed := bytes.TrimSpace(data)
	for range 3 { // a string may hold URL-encoded text, which may hold an object
		if len(trimmed) == 0 {
			return nil, errAt("", "empty policy document")
		}
		switch trimmed[0] {
		case '{':
			return trimmed, nil
		case '"':
			var s string
			if err := json.Unmarshal(trimmed, &s); err != nil {
				return nil, errAt("", "policy document string is not valid JSON: %v", err)
			}
			trimmed = bytes.TrimSpace([]byte(s))
		case '%':
			s, err := url.PathUnescape(string(trimmed))
			if err != nil {
				return nil, errAt("", "policy document is not valid URL-encoded text: %v", err)
			}
			trimmed = bytes.TrimSpace([]byte(s))
		default:
			return nil, errAt("", "policy document must be a JSON object, a JSON string or URL-encoded JSON; it starts with %q", firstRunes(string(trimmed), 20))
		}
	}
	return nil, errAt("", "policy document is wrapped too many times (string or URL encoding)")
}

func firstRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func parseStatements(raw json.RawMessage) ([]*Statement, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		s, err := parseStatement(raw, 0, "Statement")
		if err != nil {
			return nil, err
		}
		return []*Statement{s}, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil || isNull(raw) {
		return nil, errAt("Statement", "must be an object or an array of objects")
	}
	out := make([]*Statement, 0, len(list))
	for i, r := range list {
		s, err := parseStatement(r, i, fmt.Sprintf("Statement[%d]", i))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func parseStatement(raw json.RawMessage, index int, path string) (*Statement, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || isNull(raw) {
		return nil, errAt(path, "must be a JSON object")
	}
	s := &Statement{Index: index}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err == nil {
		s.JSON = compact.Bytes()
	}
	for _, k := range sortedKeys(m) {
		v := m[k]
		at := path + "." + k
		var err error
		switch k {
		case "Sid":
			if json.Unmarshal(v, &s.Sid) != nil || isNull(v) {
				err = errAt(at, "must be a string")
			}
		case "Effect":
			var e string
			if json.Unmarshal(v, &e) != nil {
				return nil, errAt(at, "must be a string")
			}
			switch e {
			case "Allow":
				s.Effect = Allow
			case "Deny":
				s.Effect = Deny
			default:
				err = errAt(at, "must be \"Allow\" or \"Deny\", not %q", e)
			}
		case "Action", "NotAction":
			if s.Actions != nil {
				return nil, errAt(at, "a statement has Action or NotAction, not both")
			}
			s.Actions, err = stringList(v, at)
			s.NotAction = k == "NotAction"
			if err == nil {
				err = checkActions(s.Actions, at)
			}
		case "Resource", "NotResource":
			if s.Resources != nil {
				return nil, errAt(at, "a statement has Resource or NotResource, not both")
			}
			s.Resources, err = stringList(v, at)
			s.NotResource = k == "NotResource"
		case "Principal", "NotPrincipal":
			if s.Principal != nil {
				return nil, errAt(at, "a statement has Principal or NotPrincipal, not both")
			}
			s.Principal, err = parsePrincipal(v, at)
			s.NotPrincipal = k == "NotPrincipal"
		case "Condition":
			s.Conditions, err = parseConditions(v, at)
		default:
			err = errAt(at, "unknown statement element (want Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource or Condition)")
		}
		if err != nil {
			return nil, err
		}
	}
	if s.Effect == "" {
		return nil, errAt(path+".Effect", "missing")
	}
	if s.Actions == nil {
		return nil, errAt(path+".Action", "missing (a statement needs Action or NotAction)")
	}
	return s, nil
}

// stringList reads an element that is one string or an array of strings.
func stringList(raw json.RawMessage, path string) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, errAt(path, "must be a string or an array of strings")
		}
		return []string{s}, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil || isNull(raw) {
		return nil, errAt(path, "must be a string or an array of strings")
	}
	out := make([]string, len(list))
	for i, r := range list {
		if err := json.Unmarshal(r, &out[i]); err != nil || bytes.TrimSpace(r)[0] != '"' {
			return nil, errAt(fmt.Sprintf("%s[%d]", path, i), "must be a string")
		}
	}
	return out, nil
}

// checkActions verifies action syntax: `*` or `service:action`, where either part may hold wildcards.
func checkActions(actions []string, path string) error {
	for i, a := range actions {
		if a == "*" {
			continue
		}
		svc, name, ok := strings.Cut(a, ":")
		if !ok || svc == "" || name == "" || strings.Contains(name, ":") {
			return errAt(fmt.Sprintf("%s[%d]", path, i), "%q is not an action (want \"service:Action\" or \"*\")", a)
		}
	}
	return nil
}

// PrincipalTypes are the keys a Principal object may hold.
var PrincipalTypes = []string{"AWS", "Service", "Federated", "CanonicalUser"}

func parsePrincipal(raw json.RawMessage, path string) (*Principal, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		_ = json.Unmarshal(raw, &s)
		if s != "*" {
			return nil, errAt(path, "a principal given as a string must be \"*\", not %q (use {\"AWS\": ...})", s)
		}
		return &Principal{Wildcard: true}, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || isNull(raw) {
		return nil, errAt(path, "must be \"*\" or an object of principal types")
	}
	p := &Principal{}
	for _, k := range sortedKeys(m) {
		list, err := stringList(m[k], path+"."+k)
		if err != nil {
			return nil, err
		}
		switch k {
		case "AWS":
			p.AWS = list
		case "Service":
			p.Service = list
		case "Federated":
			p.Federated = list
		case "CanonicalUser":
			p.CanonicalUser = list
		default:
			return nil, errAt(path+"."+k, "unknown principal type (want AWS, Service, Federated or CanonicalUser)")
		}
	}
	return p, nil
}

func parseConditions(raw json.RawMessage, path string) ([]Condition, error) {
	var ops map[string]json.RawMessage
	if err := json.Unmarshal(raw, &ops); err != nil || isNull(raw) {
		return nil, errAt(path, "must be an object of operators")
	}
	var out []Condition
	for _, op := range sortedKeys(ops) {
		at := path + "." + op
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(ops[op], &keys); err != nil || isNull(ops[op]) {
			return nil, errAt(at, "must be an object of condition keys")
		}
		for _, key := range sortedKeys(keys) {
			vals, err := conditionValues(keys[key], at+"."+key)
			if err != nil {
				return nil, err
			}
			out = append(out, Condition{Operator: op, Key: key, Values: vals})
		}
	}
	return out, nil
}

// conditionValues reads one value or a list of them; strings, numbers and booleans are kept as text.
func conditionValues(raw json.RawMessage, path string) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var list []json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, errAt(path, "must be a value or an array of values")
		}
		out := make([]string, len(list))
		for i, r := range list {
			v, err := scalar(r, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	v, err := scalar(raw, path)
	if err != nil {
		return nil, err
	}
	return []string{v}, nil
}

func scalar(raw json.RawMessage, path string) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", errAt(path, "empty value")
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", errAt(path, "bad string: %v", err)
		}
		return s, nil
	case 't', 'f':
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return "", errAt(path, "bad value %s", raw)
		}
		return string(raw), nil
	case '{', '[', 'n':
		return "", errAt(path, "must be a string, number or boolean, not %s", firstRunes(string(raw), 20))
	default:
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			return "", errAt(path, "bad value %s", firstRunes(string(raw), 20))
		}
		return n.String(), nil
	}
}

// isNull reports whether raw is JSON null. encoding/json reads null into a string, slice or map
// as "nothing" without an error; no element of a policy may be null, because reading it as
// absent would silently drop it (a condition dropped turns a conditional Allow into an
// unconditional one).
func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
