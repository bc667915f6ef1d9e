package loader

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/iamscope/iamscope/jsontree"
)

// This file holds a small scanner over JSON already known to be valid (jsontree.Valid), used to
// split files into their parts without copying them and to find where in a file a JSON path
// lies, so that errors and warnings can give a line and column.

// source is one input file held in memory, with its line starts for turning offsets into
// line and column numbers.
type source struct {
	name string
	data []byte
	// ends holds where the file's long objects and arrays end, by where they start
	// (jsontree.ValidEnds): skipValue jumps over them.
	ends *jsontree.Ends

	linesOnce sync.Once
	lines     []int // offsets at which lines start
}

// position turns a byte offset into a 1-based line and column (in bytes).
func (s *source) position(off int) (line, col int) {
	s.linesOnce.Do(func() {
		s.lines = append(s.lines, 0)
		for i, c := range s.data {
			if c == '\n' {
				s.lines = append(s.lines, i+1)
			}
		}
	})
	if off > len(s.data) {
		off = len(s.data)
	}
	i := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off }) - 1
	return i + 1, off - s.lines[i] + 1
}

// at names a place in the file: "name:line:col path".
func (s *source) at(off int, path string) string {
	line, col := s.position(off)
	w := fmt.Sprintf("%s:%d:%d", s.name, line, col)
	if path != "" {
		w += " " + path
	}
	return w
}

// syntaxError describes why data is not valid JSON, with the line and column.
func (s *source) syntaxError() error {
	var v json.RawMessage
	err := json.Unmarshal(s.data, &v)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		if err == nil {
			err = errors.New("not valid JSON")
		}
		return fmt.Errorf("%s: %w", s.name, err)
	}
	off := int(se.Offset)
	if len(bytes.TrimSpace(s.data)) == 0 {
		return fmt.Errorf("%s: the file is empty", s.name)
	}
	if off >= len(s.data) {
		line, col := s.position(off)
		return fmt.Errorf("%s:%d:%d: the JSON ends early (the file is truncated?): %v", s.name, line, col, se)
	}
	line, col := s.position(max(off-1, 0)) // the offset is just past the byte at fault
	if strings.Contains(se.Error(), "exceeded max depth") {
		return fmt.Errorf("%s:%d:%d: bad JSON: it nests more than 10,000 levels deep; an account dump nests about ten", s.name, line, col)
	}
	return fmt.Errorf("%s:%d:%d: bad JSON: %v", s.name, line, col, se)
}

// skipSpace returns the offset of the first non-space byte at or after i.
func skipSpace(data []byte, i int) int { return jsontree.SkipSpace(data, i) }

// skipString returns the offset just past the string starting at data[i] == '"'.
func skipString(data []byte, i int) int {
	for i++; i < len(data); {
		q := bytes.IndexByte(data[i:], '"')
		if q < 0 {
			return len(data)
		}
		q += i
		// The quote closes the string unless an odd run of backslashes stands before it.
		n := 0
		for q-n-1 >= i && data[q-n-1] == '\\' {
			n++
		}
		if n%2 == 0 {
			return q + 1
		}
		i = q + 1
	}
	return len(data)
}

// skipValue returns the offset just past the value starting at i (after spaces); ends, when
// not nil, holds where some of the objects and arrays of data end, by where they start.
func skipValue(data []byte, ends *jsontree.Ends, i int) int {
	i = skipSpace(data, i)
	if i >= len(data) {
		return i
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		if end, ok := ends.End(i); ok {
			return end
		}
		depth := 0
		for i < len(data) {
			i = nextStructural(data, i)
			if i >= len(data) {
				break
			}
			switch data[i] {
			case '"':
				i = skipString(data, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(data) {
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// nextStructural returns the offset of the first quote or bracket at or after i, or
// len(data). It looks at eight bytes at a time while none of them is one, as in the space
// and words between them.
func nextStructural(data []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	has := func(x uint64) uint64 { return (x - ones) &^ x & highs } // a zero byte in x
	for i+8 <= len(data) {
		w := binary.LittleEndian.Uint64(data[i:])
		// '[' and ']' are '{' and '}' without the 0x20 bit: or-ing it in finds all four.
		lower := w | 0x20*ones
		if has(w^'"'*ones)|has(lower^'{'*ones)|has(lower^'}'*ones) != 0 {
			break
		}
		i += 8
	}
	for i < len(data) && !structural[data[i]] {
		i++
	}
	return i
}

// structural marks the bytes skipValue looks at inside objects and arrays.
var structural = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true}

// span is a value's place in a file: data[start:end].
type span struct{ start, end int }

// member is one member of a JSON object.
type member struct {
	key string
	val span
}

// objectMembers lists the members of the object starting at i, in order; ok is false when
// the value at i is not an object. ends is as for skipValue.
func objectMembers(data []byte, ends *jsontree.Ends, i int) (members []member, ok bool) {
	i = skipSpace(data, i)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	i++
	for {
		i = skipSpace(data, i)
		if i >= len(data) || data[i] == '}' {
			return members, true
		}
		if data[i] == ',' {
			i++
			continue
		}
		kend := skipString(data, i)
		key := unquoteKey(data[i:kend])
		i = skipSpace(data, kend)
		if i < len(data) && data[i] == ':' {
			i++
		}
		vs := skipSpace(data, i)
		ve := skipValue(data, ends, vs)
		if members == nil {
			members = make([]member, 0, 8) // enough for most: one allocation, not four
		}
		members = append(members, member{key: key, val: span{vs, ve}})
		i = ve
	}
}

// arrayElements lists the elements of the array starting at i; ok is false when the value at
// i is not an array. ends is as for skipValue.
func arrayElements(data []byte, ends *jsontree.Ends, i int) (elems []span, ok bool) {
	i = skipSpace(data, i)
	if i >= len(data) || data[i] != '[' {
		return nil, false
	}
	i++
	for {
		i = skipSpace(data, i)
		if i >= len(data) || data[i] == ']' {
			return elems, true
		}
		if data[i] == ',' {
			i++
			continue
		}
		e := skipValue(data, ends, i)
		if elems == nil {
			elems = make([]span, 0, 8)
		}
		elems = append(elems, span{i, e})
		i = e
	}
}

// dumpKeys are the member names of get-account-authorization-details output, which
// unquoteKey gives without making a string each time it reads one.
var dumpKeys = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{
		"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies", "IsTruncated", "Marker",
		keyResponse, keyResult, "ResponseMetadata", "RequestId",
		"Path", "UserName", "UserId", "GroupName", "GroupId", "RoleName", "RoleId", "PolicyName",
		"PolicyId", "Arn", "CreateDate", "UpdateDate", "GroupList", "AttachedManagedPolicies",
		"UserPolicyList", "GroupPolicyList", "RolePolicyList", "PolicyArn", "PolicyDocument",
		"Tags", "Key", "Value", "PermissionsBoundary", "PermissionsBoundaryType",
		"PermissionsBoundaryArn", "AssumeRolePolicyDocument", "Description", "MaxSessionDuration",
		"InstanceProfileList", "InstanceProfileName", "InstanceProfileId", "Roles", "RoleLastUsed",
		"LastUsedDate", "Region", "DefaultVersionId", "AttachmentCount",
		"PermissionsBoundaryUsageCount", "IsAttachable", "PolicyVersionList", "Document",
		"VersionId", "IsDefaultVersion",
	} {
		m[`"`+k+`"`] = k
	}
	return m
}()

// unquoteKey is unquote for a member name: the common ones come from dumpKeys.
func unquoteKey(lit []byte) string {
	if k, ok := dumpKeys[string(lit)]; ok { // looking up by the bytes makes no string
		return k
	}
	return unquote(lit)
}

// sharedText is unquote for a string literal of a file's text, which the loader never changes
// once read: text without escapes is that part of the file itself, not a copy (the file stays
// in memory while the strings do, as the policy documents read from it keep it too).
func sharedText(lit []byte) string {
	if len(lit) > 2 && bytes.IndexByte(lit, '\\') < 0 && utf8.Valid(lit) {
		return unsafe.String(&lit[1], len(lit)-2)
	}
	return unquote(lit)
}

// unquote decodes a JSON string literal; it returns the raw text if it cannot.
func unquote(lit []byte) string {
	// Without escapes the text is the bytes between the quotes, when they are UTF-8; otherwise
	// encoding/json reads it, turning each byte that is not UTF-8 into U+FFFD as it does
	// everywhere else (so that a snapshot reads back the same text).
	if len(lit) >= 2 && bytes.IndexByte(lit, '\\') < 0 && utf8.Valid(lit) {
		return string(lit[1 : len(lit)-1])
	}
	var s string
	if err := json.Unmarshal(lit, &s); err != nil {
		return string(lit)
	}
	return s
}

// kindOf names the JSON type of a value for messages: "an object", "a string", ...
func kindOf(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// pathElem is one step of a JSON path: a member name, or an index when key is "".
type pathElem struct {
	key   string
	index int
}

// splitPath parses a JSON path as this package writes them ("RoleDetailList[3].Tags[0].Key",
// "[2].Policies[1]") into its steps. Names holding '.' or '[' cannot be told apart from
// steps; locate then stops early, which only makes a position less precise.
func splitPath(path string) []pathElem {
	var out []pathElem
	for path != "" {
		switch path[0] {
		case '.':
			path = path[1:]
		case '[':
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return out
			}
			n, err := strconv.Atoi(path[1:end])
			if err != nil {
				return out
			}
			out = append(out, pathElem{index: n})
			path = path[end+1:]
		default:
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			out = append(out, pathElem{key: path[:end]})
			path = path[end:]
		}
	}
	return out
}

// locate returns the offset in data of the value a JSON path names, starting from the value
// at offset i; when the path leads somewhere that does not exist (a member that is missing),
// it returns the offset of the deepest value found on the way.
func locate(data []byte, i int, path string) int {
	i = skipSpace(data, i)
	for _, step := range splitPath(path) {
		next := -1
		if step.key != "" {
			members, _ := objectMembers(data, nil, i)
			for _, m := range members {
				if m.key == step.key {
					next = m.val.start
					break
				}
			}
		} else if elems, _ := arrayElements(data, nil, i); step.index < len(elems) {
			next = elems[step.index].start
		}
		if next < 0 {
			return i
		}
		i = next
	}
	return i
}
