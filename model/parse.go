package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/iamscope/iamscope/jsontree"
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
func ParsePolicy(data []byte) (*Policy, error) { return parsePolicy(data, false) }

// ParseSharedPolicy is ParsePolicy for text that its caller never changes while the Policy is
// in use (a file read once and kept to the end): the Policy's strings, and its Document when
// the text has no space to remove, are then parts of that text rather than copies.
func ParseSharedPolicy(data []byte) (*Policy, error) { return parsePolicy(data, true) }

// parsePolicy is ParsePolicy; shared is as for ParseSharedPolicy.
func parsePolicy(data []byte, shared bool) (*Policy, error) {
	doc, err := DecodeDocument(data)
	if err != nil {
		return nil, err
	}
	rd := readers.Get().(*jsontree.Reader)
	defer readers.Put(rd)
	read := rd.Read
	if shared {
		read = rd.ReadShared
	}
	top, ok := read(doc)
	if !ok || top.Kind != jsontree.Object {
		// encoding/json says what is wrong, in the words users know.
		var m map[string]json.RawMessage
		err := json.Unmarshal(doc, &m)
		if err == nil {
			err = fmt.Errorf("not an object")
		}
		var se *json.SyntaxError
		if errors.As(err, &se) && strings.Contains(se.Error(), "exceeded max depth") {
			return nil, errAt("", "policy document is not a JSON object: it nests more than 10,000 levels deep (byte %d); a policy nests a few", se.Offset)
		}
		return nil, errAt("", "policy document is not a JSON object: %v", err)
	}
	return parseDocument(top, shared)
}

// readers read policy documents, each reusing its memory from one document to the next: a
// parsed Policy keeps no part of the JSON tree.
var readers = sync.Pool{New: func() any { return new(jsontree.Reader) }}

// ParsePolicyValue reads a policy document that is part of JSON already read (a policy in a
// request case): an object, or a JSON string holding the document.
func ParsePolicyValue(v *jsontree.Value) (*Policy, error) {
	if v.Kind != jsontree.Object {
		return ParsePolicy(v.Raw)
	}
	return parseDocument(v, false)
}

// ParseSharedPolicyValue is ParsePolicyValue for JSON whose text its caller never changes
// while the Policy is in use (a file read once and kept to the end): the Policy's Document is
// then that text itself, rather than a copy, when it has no space to remove.
func ParseSharedPolicyValue(v *jsontree.Value) (*Policy, error) {
	if v.Kind != jsontree.Object {
		return ParsePolicy(v.Raw)
	}
	return parseDocument(v, true)
}

// parseDocument reads a policy document object; shared says that its text may be kept rather
// than copied (ParseSharedPolicyValue).
func parseDocument(top *jsontree.Value, shared bool) (*Policy, error) {
	doc, parts := compactDocument(top, shared)
	p := &Policy{Document: doc}
	// A statement's JSON is its part of the document's, compacted in the same pass.
	next := 0
	jsonOf := func(m *jsontree.Value) []byte {
		for range parts {
			if pt := parts[next%len(parts)]; pt.v == m {
				return doc[pt.start:pt.end:pt.end]
			}
			next++
		}
		return jsontree.AppendCompact(nil, m.Raw)
	}
	var buf [4]jsontree.Member
	for _, m := range top.SortedIn(buf[:]) {
		k, v := m.Key, m.Value
		switch k {
		case "Version":
			if v.Kind != jsontree.String {
				return nil, errAt("Version", "must be a string")
			}
			p.Version = v.Str
			if p.Version != Version2012 && p.Version != Version2008 {
				return nil, errAt("Version", "unknown version %q (want %q or %q)", p.Version, Version2012, Version2008)
			}
		case "Id":
			if v.Kind != jsontree.String {
				return nil, errAt("Id", "must be a string")
			}
			p.ID = v.Str
		case "Statement":
			stmts, err := parseStatements(v, jsonOf)
			if err != nil {
				return nil, err
			}
			p.Statements = stmts
		default:
			return nil, errAt(k, "unknown policy element (want Version, Id or Statement)")
		}
	}
	if top.Get("Statement") == nil {
		return nil, errAt("Statement", "missing")
	}
	return p, nil
}

// statementPart is where one statement's text lies in its document's compacted text.
type statementPart struct {
	v          *jsontree.Value
	start, end int
}

// compactDocument returns a document's text without insignificant space (the text itself when
// shared and it has none), and where in it lies each value that Statement holds.
func compactDocument(top *jsontree.Value, shared bool) ([]byte, []statementPart) {
	var stmts []*jsontree.Value
	if st := top.Get("Statement"); st != nil {
		stmts = st.Items
		if st.Kind == jsontree.Object {
			stmts = []*jsontree.Value{st}
		}
	}
	raw := top.Raw
	// The values' text lies in the document's: both slices end where the text read ends,
	// so their capacities tell the offset.
	offset := func(v *jsontree.Value) int { return cap(raw) - cap(v.Raw) }
	parts := make([]statementPart, 0, len(stmts))
	if shared && jsontree.Spaceless(raw) {
		for _, v := range stmts {
			parts = append(parts, statementPart{v, offset(v), offset(v) + len(v.Raw)})
		}
		return raw, parts
	}
	doc := make([]byte, 0, len(raw))
	prev := 0
	for _, v := range stmts {
		off := offset(v)
		if off < prev || off+len(v.Raw) > len(raw) {
			break // not a part of this text: jsonOf compacts it alone
		}
		doc = jsontree.AppendCompact(doc, raw[prev:off])
		start := len(doc)
		doc = jsontree.AppendCompact(doc, v.Raw)
		parts = append(parts, statementPart{v, start, len(doc)})
		prev = off + len(v.Raw)
	}
	return jsontree.AppendCompact(doc, raw[prev:]), parts
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

func parseStatements(v *jsontree.Value, jsonOf func(*jsontree.Value) []byte) ([]*Statement, error) {
	if v.Kind == jsontree.Object {
		s, err := parseStatement(v, 0, "Statement", jsonOf)
		if err != nil {
			return nil, err
		}
		return []*Statement{s}, nil
	}
	if v.Kind != jsontree.Array {
		return nil, errAt("Statement", "must be an object or an array of objects")
	}
	// The statements take one allocation for the document.
	stmts := make([]Statement, len(v.Items))
	out := make([]*Statement, len(v.Items))
	for i, it := range v.Items {
		if err := fillStatement(&stmts[i], it, i, statementPath(i), jsonOf); err != nil {
			return nil, err
		}
		out[i] = &stmts[i]
	}
	return out, nil
}

// statementPaths are the paths of the first statements of an array, made once.
var statementPaths = func() (p [16]string) {
	for i := range p {
		p[i] = "Statement[" + strconv.Itoa(i) + "]"
	}
	return p
}()

// statementPath returns the path of the i-th statement of an array.
func statementPath(i int) string {
	if i < len(statementPaths) {
		return statementPaths[i]
	}
	return "Statement[" + strconv.Itoa(i) + "]"
}

// place is where an element is, as the parts of its JSON path (`Statement[2]`, `Condition`,
// `StringEquals`, `aws:SourceIp`), joined only when an error names it: most elements are fine,
// and building every path would cost more than reading the policy.
type place struct {
	parts [4]string
	n     int
}

func placeOf(path string) place { return place{}.with(path) }

// with returns the place of an element under this one.
func (p place) with(key string) place {
	p.parts[p.n] = key
	p.n++
	return p
}

func (p place) String() string { return strings.Join(p.parts[:p.n], ".") }

// index names the i-th item of the element's array.
func (p place) index(i int) string { return p.String() + "[" + strconv.Itoa(i) + "]" }

// parseStatement reads a statement object; path names it in errors.
func parseStatement(m *jsontree.Value, index int, path string, jsonOf func(*jsontree.Value) []byte) (*Statement, error) {
	s := new(Statement)
	if err := fillStatement(s, m, index, path, jsonOf); err != nil {
		return nil, err
	}
	return s, nil
}

// fillStatement reads a statement into s.
func fillStatement(s *Statement, m *jsontree.Value, index int, path string, jsonOf func(*jsontree.Value) []byte) error {
	if m.Kind != jsontree.Object {
		return errAt(path, "must be a JSON object")
	}
	*s = Statement{Index: index, JSON: jsonOf(m)}
	var buf [8]jsontree.Member
	for _, member := range m.SortedIn(buf[:]) {
		k, v := member.Key, member.Value
		at := placeOf(path).with(k)
		var err error
		switch k {
		case "Sid":
			if v.Kind != jsontree.String {
				err = errAt(at.String(), "must be a string")
			}
			s.Sid = v.Str
		case "Effect":
			if v.Kind != jsontree.String && v.Kind != jsontree.Null {
				return errAt(at.String(), "must be a string")
			}
			switch v.Str {
			case "Allow":
				s.Effect = Allow
			case "Deny":
				s.Effect = Deny
			default:
				err = errAt(at.String(), "must be \"Allow\" or \"Deny\", not %q", v.Str)
			}
		case "Action", "NotAction":
			if s.Actions != nil {
				return errAt(at.String(), "a statement has Action or NotAction, not both")
			}
			s.Actions, err = stringList(v, at)
			s.NotAction = k == "NotAction"
			if err == nil {
				err = checkActions(s.Actions, at)
			}
		case "Resource", "NotResource":
			if s.Resources != nil {
				return errAt(at.String(), "a statement has Resource or NotResource, not both")
			}
			s.Resources, err = stringList(v, at)
			s.NotResource = k == "NotResource"
		case "Principal", "NotPrincipal":
			if s.Principal != nil {
				return errAt(at.String(), "a statement has Principal or NotPrincipal, not both")
			}
			s.Principal, err = parsePrincipal(v, at)
			s.NotPrincipal = k == "NotPrincipal"
		case "Condition":
			s.Conditions, err = parseConditions(v, at)
		default:
			err = errAt(at.String(), "unknown statement element (want Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource or Condition)")
		}
		if err != nil {
			return err
		}
	}
	if s.Effect == "" {
		return errAt(path+".Effect", "missing")
	}
	if s.Actions == nil {
		return errAt(path+".Action", "missing (a statement needs Action or NotAction)")
	}
	return nil
}

// stringList reads an element that is one string or an array of strings.
func stringList(v *jsontree.Value, at place) ([]string, error) {
	if v.Kind == jsontree.String {
		return []string{v.Str}, nil
	}
	if v.Kind != jsontree.Array {
		return nil, errAt(at.String(), "must be a string or an array of strings")
	}
	out := make([]string, len(v.Items))
	for i, it := range v.Items {
		if it.Kind != jsontree.String {
			return nil, errAt(at.index(i), "must be a string")
		}
		out[i] = it.Str
	}
	return out, nil
}

// checkActions verifies action syntax: `*` or `service:action`, where either part may hold wildcards.
func checkActions(actions []string, at place) error {
	for i, a := range actions {
		if a == "*" {
			continue
		}
		svc, name, ok := strings.Cut(a, ":")
		if !ok || svc == "" || name == "" || strings.Contains(name, ":") {
			return errAt(at.index(i), "%q is not an action (want \"service:Action\" or \"*\")", a)
		}
	}
	return nil
}

// PrincipalTypes are the keys a Principal object may hold.
var PrincipalTypes = []string{"AWS", "Service", "Federated", "CanonicalUser"}

func parsePrincipal(v *jsontree.Value, at place) (*Principal, error) {
	if v.Kind == jsontree.String {
		if v.Str != "*" {
			return nil, errAt(at.String(), "a principal given as a string must be \"*\", not %q (use {\"AWS\": ...})", v.Str)
		}
		return &Principal{Wildcard: true}, nil
	}
	if v.Kind != jsontree.Object {
		return nil, errAt(at.String(), "must be \"*\" or an object of principal types")
	}
	p := &Principal{}
	for _, m := range v.Sorted() {
		k := m.Key
		list, err := stringList(m.Value, at.with(k))
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
			return nil, errAt(at.with(k).String(), "unknown principal type (want AWS, Service, Federated or CanonicalUser)")
		}
	}
	p.indexAWS()
	return p, nil
}

func parseConditions(v *jsontree.Value, at place) ([]Condition, error) {
	if v.Kind != jsontree.Object {
		return nil, errAt(at.String(), "must be an object of operators")
	}
	var out []Condition
	for _, m := range v.Sorted() {
		op, keys := m.Key, m.Value
		opAt := at.with(op)
		if keys.Kind != jsontree.Object {
			return nil, errAt(opAt.String(), "must be an object of condition keys")
		}
		for _, km := range keys.Sorted() {
			key := km.Key
			vals, err := conditionValues(km.Value, opAt.with(key))
			if err != nil {
				return nil, err
			}
			out = append(out, Condition{Operator: op, Key: key, Values: vals})
		}
	}
	return out, nil
}

// conditionValues reads one value or a list of them; strings, numbers and booleans are kept as
// text. No element of a policy may be null: reading it as absent would silently drop it (a
// condition dropped turns a conditional Allow into an unconditional one).
func conditionValues(v *jsontree.Value, at place) ([]string, error) {
	if v.Kind == jsontree.Array {
		out := make([]string, len(v.Items))
		for i, it := range v.Items {
			s, ok := scalar(it)
			if !ok {
				return nil, notScalar(at.index(i), it)
			}
			out[i] = s
		}
		return out, nil
	}
	s, ok := scalar(v)
	if !ok {
		return nil, notScalar(at.String(), v)
	}
	return []string{s}, nil
}

// scalar reads a string, number or boolean as text: numbers and booleans as written.
func scalar(v *jsontree.Value) (string, bool) {
	switch v.Kind {
	case jsontree.String:
		return v.Str, true
	case jsontree.Bool, jsontree.Number:
		return string(v.Raw), true
	}
	return "", false
}

func notScalar(path string, v *jsontree.Value) error {
	return errAt(path, "must be a string, number or boolean, not %s", firstRunes(string(v.Raw), 20))
}
