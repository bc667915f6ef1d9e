package catalog

import (
	"cmp"
	"slices"
	"strings"

	"github.com/iamscope/iamscope/wildcard"
)

// ConditionKey is a key a Condition element can test, with the type of its value. The engine
// uses the type to tell single-valued keys from multivalued ones (which need ForAnyValue or
// ForAllValues) and to check that an operator suits the key.
type ConditionKey struct {
	// Name is the key as AWS writes it. A templated key holds a placeholder for the part a
	// policy chooses: "aws:PrincipalTag/${TagKey}", "s3:ExistingObjectTag/<key>".
	Name string
	// Type is the value's type as AWS names it: String, ArrayOfString, ARN, ArrayOfARN,
	// Numeric, Date, Bool, ArrayOfBool, IPAddress, ...
	Type string
}

// IsMultivalued reports whether the key carries a set of values (its type is an ArrayOf...),
// as aws:TagKeys and aws:CalledVia do.
func (k *ConditionKey) IsMultivalued() bool {
	return strings.HasPrefix(k.Type, "ArrayOf")
}

// keyTemplate is a templated condition key compiled for matching: each placeholder matches one
// or more characters.
type keyTemplate struct {
	key     *ConditionKey
	pattern wildcard.Pattern
	literal int // the length of the text before the first placeholder: longer tries first
}

// indexConditionKeys files every condition key by lowercased name: the global keys first, so
// that their entry wins, then each service's keys in order of prefix. Templated keys are also
// compiled and filed by their service part.
func (idx *index) indexConditionKeys(globals []*ConditionKey) {
	idx.keys = map[string]*ConditionKey{}
	idx.templates = map[string][]*keyTemplate{}
	add := func(k *ConditionKey) {
		lower := toLowerASCII(k.Name)
		if _, ok := idx.keys[lower]; ok {
			return
		}
		idx.keys[lower] = k
		if t, ok := compileKeyTemplate(k, lower); ok {
			svc := ""
			if colon := strings.IndexByte(lower, ':'); colon >= 0 && t.literal > colon {
				svc = lower[:colon]
			}
			idx.templates[svc] = append(idx.templates[svc], t)
		}
	}
	for _, k := range globals {
		add(k)
	}
	for _, s := range idx.services {
		for _, k := range s.ConditionKeys {
			add(k)
		}
	}
	for _, list := range idx.templates {
		slices.SortFunc(list, func(a, b *keyTemplate) int {
			if c := cmp.Compare(b.literal, a.literal); c != 0 {
				return c
			}
			return strings.Compare(a.key.Name, b.key.Name)
		})
	}
}

// compileKeyTemplate compiles a key with "${...}" or "<...>" placeholders; ok is false for a
// plain key.
func compileKeyTemplate(k *ConditionKey, lower string) (*keyTemplate, bool) {
	var parts []wildcard.Part
	literal := -1
	rest := lower
	for rest != "" {
		open := strings.IndexAny(rest, "$<")
		if open < 0 {
			break
		}
		closer := byte('>')
		start := open + 1
		if rest[open] == '$' {
			if !strings.HasPrefix(rest[open:], "${") {
				parts = append(parts, wildcard.Part{Text: rest[:open+1]})
				rest = rest[open+1:]
				continue
			}
			closer, start = '}', open+2
		}
		end := strings.IndexByte(rest[start:], closer)
		if end < 0 {
			break
		}
		if literal < 0 {
			literal = len(lower) - len(rest) + open
		}
		parts = append(parts, wildcard.Part{Text: rest[:open]}, wildcard.Part{Any: true}, wildcard.Part{Star: true})
		rest = rest[start+end+1:]
	}
	if literal < 0 {
		return nil, false
	}
	parts = append(parts, wildcard.Part{Text: rest})
	return &keyTemplate{key: k, pattern: wildcard.FromParts(parts), literal: literal}, true
}

// KnowsConditionKey reports whether a request to AWS may carry the key: a key of the reference
// (LookupConditionKey), a key that an AWS managed policy tests (AWS sets what it writes), or an
// identity provider's, whose prefix is the provider's host name
// (token.actions.githubusercontent.com:sub, oidc.eks.<region>.amazonaws.com/id/<id>:aud), for
// which any claim may be a key. A key it does not know is a typo, or newer than the catalog.
func KnowsConditionKey(name string) bool {
	if prefix, _, ok := strings.Cut(name, ":"); ok && strings.Contains(prefix, ".") {
		return true
	}
	if _, ok := LookupConditionKey(name); ok {
		return true
	}
	return managedKeys()[toLowerASCII(name)]
}

// LookupConditionKey finds a condition key by name, regardless of case: a global key
// (aws:SourceIp, aws:PrincipalArn, ...) or a service's key (s3:prefix, iam:PassedToService).
// A name that fills in a templated key finds the template: "aws:PrincipalTag/team" finds
// aws:PrincipalTag/${TagKey}, "s3:ExistingObjectTag/env" finds s3:ExistingObjectTag/<key>.
// A key that two services type differently is taken from the global keys, else from the
// first service by prefix.
func LookupConditionKey(name string) (*ConditionKey, bool) {
	idx := loadIndex()
	lower := toLowerASCII(name)
	if k, ok := idx.keys[lower]; ok {
		return k, true
	}
	svc := ""
	if colon := strings.IndexByte(lower, ':'); colon >= 0 {
		svc = lower[:colon]
	}
	for _, list := range [][]*keyTemplate{idx.templates[svc], idx.templates[""]} {
		for _, t := range list {
			if t.pattern.Match(lower) {
				return t.key, true
			}
		}
	}
	return nil, false
}
