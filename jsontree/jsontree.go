// Package jsontree reads JSON text in one pass into a tree that keeps each value's text. It
// accepts exactly the JSON that encoding/json accepts, and decodes strings as it does; on text
// it refuses, callers ask encoding/json for its error, so that messages stay the same.
//
// Policy documents and request cases are read with it rather than with encoding/json's
// RawMessage at every level, which scans each byte again at every level of nesting (five or
// six times for a condition value). It is a leaf package, like wildcard: model, eval and the
// commands share it.
package jsontree

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"
)

// Kind is the kind of a JSON value.
type Kind uint8

const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// Value is one JSON value.
type Value struct {
	Kind    Kind
	Str     string   // a string's decoded text
	Members []Member // an object's members, in the order written
	Items   []*Value // an array's items
	Raw     []byte   // the value's text, without surrounding space
}

// Member is one member of an object.
type Member struct {
	Key   string
	Value *Value
}

// Get returns the value of a member, the last one where a key repeats (as encoding/json reads
// an object into a map), or nil.
func (v *Value) Get(key string) *Value {
	var out *Value
	for i := range v.Members {
		if v.Members[i].Key == key {
			out = v.Members[i].Value
		}
	}
	return out
}

// Sorted returns an object's members sorted by key, one per key (the last where a key
// repeats, as encoding/json reads an object into a map). It is the members themselves when they
// are so already, as programs write them.
func (v *Value) Sorted() []Member { return v.SortedIn(nil) }

// SortedIn is Sorted, sorting into buf's memory where the members are out of order and buf is
// large enough: a caller may pass an array on its stack, and read the members before it
// passes the array again.
func (v *Value) SortedIn(buf []Member) []Member {
	sorted := true
	for i := 1; i < len(v.Members); i++ {
		if v.Members[i-1].Key >= v.Members[i].Key {
			sorted = false
			break
		}
	}
	if sorted {
		return v.Members
	}
	out := append(buf[:0], v.Members...)
	slices.SortStableFunc(out, func(a, b Member) int { return strings.Compare(a.Key, b.Key) })
	// keep the last of each key
	n := 0
	for i := range out {
		if i+1 < len(out) && out[i+1].Key == out[i].Key {
			continue
		}
		out[n] = out[i]
		n++
	}
	return out[:n]
}

// maxDepth is encoding/json's limit on nesting.
const maxDepth = 10000

// Read reads data as one JSON value; ok is false where encoding/json would refuse it.
func Read(data []byte) (v *Value, ok bool) {
	r := reader{data: data}
	return r.read(0)
}

// Reader reads JSON as Read does, but keeps its memory from one Read to the next: the values
// one Read returns are good only until the next. It is for reading many documents in turn,
// each done with before the next. The strings stay good: they are slices of one copy of the
// document's text (or decoded copies of their own), which they keep alive.
type Reader struct {
	r reader
}

// Read reads data as one JSON value, as the function Read does.
func (rd *Reader) Read(data []byte) (*Value, bool) {
	return rd.read(data, 0, false)
}

// ReadShared is Read for text that its caller never changes while the values, or the strings
// read from them, are in use: the strings are slices of data itself rather than of a copy.
func (rd *Reader) ReadShared(data []byte) (*Value, bool) {
	return rd.read(data, 0, true)
}

// ReadItem reads data as one item of a JSON array, such as Split finds: as Read, but one level
// deeper, as encoding/json counts nesting. ok is false where the item would make encoding/json
// refuse the array.
func (rd *Reader) ReadItem(data []byte) (*Value, bool) {
	return rd.read(data, 1, false)
}

// ReadSharedItem is ReadItem for text that its caller never changes while the values, or the
// strings taken from them, are in use (a file read once and kept to the end): the strings are
// then slices of data itself rather than of a copy.
func (rd *Reader) ReadSharedItem(data []byte) (*Value, bool) {
	return rd.read(data, 1, true)
}

func (rd *Reader) read(data []byte, depth int, shared bool) (*Value, bool) {
	r := &rd.r
	r.data, r.pos, r.bad, r.text = data, 0, false, ""
	if shared {
		// Safe while data stays unchanged, as ReadSharedItem's callers promise.
		r.text = unsafe.String(unsafe.SliceData(data), len(data))
	}
	r.values.reset()
	r.memberArena.reset()
	r.itemArena.reset()
	return r.read(depth)
}

// read reads r.data as one value nested depth levels deep.
func (r *reader) read(depth int) (*Value, bool) {
	// A value takes at least two bytes of text (`0,`), a member four (`"":0`).
	r.values.sizeFor(r.data, 6)
	r.memberArena.sizeFor(r.data, 12)
	r.itemArena.sizeFor(r.data, 12)
	r.space()
	v := r.value(depth)
	if r.bad {
		return nil, false
	}
	r.space()
	return v, r.pos == len(r.data)
}

// Valid reports whether data is one JSON value, as json.Valid does, checking it as Read reads
// it but building nothing.
func Valid(data []byte) bool {
	r := reader{data: data, skip: true}
	return r.valid()
}

// Ends tells where the long objects and arrays of a text end, by where they start (ValidEnds):
// a caller that walks the text again may skip them without reading them.
type Ends struct {
	min    int
	bits   []uint64 // by offset in the text: a long object or array starts there
	starts []int    // where each starts, in order
	ends   []int    // and where it ends, just past its closing bracket
}

// End returns where the object or array that starts at start ends, if it is one of the long
// ones.
func (x *Ends) End(start int) (int, bool) {
	if x == nil || start < 0 || start>>6 >= len(x.bits) || x.bits[start>>6]&(1<<(start&63)) == 0 {
		return 0, false
	}
	i, _ := slices.BinarySearch(x.starts, start)
	return x.ends[i], true
}

// ValidEnds is Valid that also notes where the objects and arrays of the text at least min
// bytes long end.
func ValidEnds(data []byte, min int) (*Ends, bool) {
	x := &Ends{min: min}
	r := reader{data: data, skip: true, ends: x}
	if !r.valid() {
		return nil, false
	}
	x.bits = make([]uint64, len(data)>>6+1)
	for _, s := range x.starts {
		x.bits[s>>6] |= 1 << (s & 63)
	}
	return x, true
}

// valid checks that r.data is one JSON value.
func (r *reader) valid() bool {
	r.space()
	r.value(0)
	if r.bad {
		return false
	}
	r.space()
	return r.pos == len(r.data)
}

// Items reads data as a JSON array and returns the text of each item, checked but not built;
// ok is false where encoding/json would refuse the text, or it is not an array. The items are
// found by their brackets and quotes, then checked on every CPU.
func Items(data []byte) ([][]byte, bool) {
	items, ok := Split(data)
	if !ok {
		return nil, false
	}
	var bad atomic.Bool
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(items)) {
		wg.Go(func() {
			r := reader{skip: true}
			for !bad.Load() {
				i := int(next.Add(1)) - 1
				if i >= len(items) {
					return
				}
				r.data, r.pos = items[i], 0
				r.value(1)
				if r.bad || r.pos != len(items[i]) {
					bad.Store(true)
				}
			}
		})
	}
	wg.Wait()
	if bad.Load() {
		return nil, false
	}
	return items, true
}

// Split finds the items of a JSON array by their brackets and quotes alone, and checks what
// stands between them; it does not check the items. The array is JSON if every item reads with
// Reader.ReadItem, as Items checks.
func Split(data []byte) ([][]byte, bool) {
	i := SkipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return nil, false
	}
	items := [][]byte{}
	i = SkipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return items, SkipSpace(data, i+1) == len(data)
	}
	for {
		end := itemEnd(data, i)
		if end <= i {
			return nil, false
		}
		items = append(items, data[i:end])
		i = SkipSpace(data, end)
		if i >= len(data) {
			return nil, false
		}
		switch data[i] {
		case ',':
			i = SkipSpace(data, i+1)
			continue
		case ']':
			return items, SkipSpace(data, i+1) == len(data)
		}
		return nil, false
	}
}

// SkipSpace returns the index of the first byte at or after i that is not JSON space. Indented
// text has long runs of blanks: they are passed eight at a time.
func SkipSpace(data []byte, i int) int {
	for {
		for i+8 <= len(data) && binary.LittleEndian.Uint64(data[i:]) == blanks {
			i += 8
		}
		if i >= len(data) {
			return i
		}
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
}

// blanks is eight spaces read as one word.
const blanks = 0x2020202020202020

// closingQuote returns the index of the quote that closes a string whose text starts at i, or
// -1. A quote is escaped where an odd run of backslashes stands before it.
func closingQuote(data []byte, i int) int {
	for start := i; ; {
		j := bytes.IndexByte(data[i:], '"')
		if j < 0 {
			return -1
		}
		q := i + j
		n := 0
		for q-n-1 >= start && data[q-n-1] == '\\' {
			n++
		}
		if n%2 == 0 {
			return q
		}
		i = q + 1
	}
}

// itemEnd returns where the item that starts at i ends: after its closing bracket, or at the
// first comma, bracket or space outside strings and brackets; -1 when a string or bracket is
// left open.
func itemEnd(data []byte, i int) int {
	depth := 0
	for i < len(data) {
		switch data[i] {
		case '"':
			if i = closingQuote(data, i+1); i < 0 {
				return -1
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i
			}
		}
		i++
	}
	if depth != 0 {
		return -1
	}
	return i
}

type reader struct {
	data    []byte
	pos     int
	bad     bool
	skip    bool // check the text only: build no values
	skipped Value
	// ends, when set, records where the objects and arrays at least ends.min long end.
	ends *Ends
	// text is the document as one string, made at the first plain string it holds (or the
	// document itself, for ReadSharedItem): plain strings are slices of it rather than an
	// allocation each.
	text string
	// members and items of the objects and arrays being read, copied out to slices of the
	// right size when each is done
	members []Member
	items   []*Value
	// where values, and the members and items of finished objects and arrays, are kept
	values      arena[Value]
	memberArena arena[Member]
	itemArena   arena[*Value]
}

// arena hands out slices from chunks of memory that it keeps, and takes them all back at
// reset.
type arena[T any] struct {
	chunks [][]T
	cur    int // the chunk in use
	used   int // how much of it is handed out
	size   int // of the next chunk to make: small for a small document, then doubling to 256
}

// sizeFor sizes the first chunk for a document: one entry per every bytes of it.
func (a *arena[T]) sizeFor(data []byte, every int) {
	if len(a.chunks) == 0 {
		a.size = min(len(data)/every+4, 256)
	}
}

func (a *arena[T]) take(n int) []T {
	for {
		if a.cur == len(a.chunks) {
			a.chunks = append(a.chunks, make([]T, max(n, a.size)))
			a.size = min(max(2*a.size, 16), 256)
		}
		if c := a.chunks[a.cur]; len(c)-a.used >= n {
			out := c[a.used : a.used+n : a.used+n]
			a.used += n
			return out
		}
		a.cur++
		a.used = 0
	}
}

func (a *arena[T]) reset() { a.cur, a.used = 0, 0 }

// newValue returns a fresh value to fill in (a scratch one when only checking).
func (r *reader) newValue() *Value {
	if r.skip {
		return &r.skipped // written to, never read: not cleared for each value
	}
	v := &r.values.take(1)[0]
	*v = Value{}
	return v
}

func (r *reader) space() {
	d, i := r.data, r.pos
	if i < len(d) && d[i] > ' ' {
		return // the common case: no space at all
	}
	r.pos = SkipSpace(d, i)
}

// pop takes the entries of a stack from base on, into a slice of their own from the arena
// (nil when there are none, as when only checking).
func pop[T any](stack *[]T, a *arena[T], base int) []T {
	n := len(*stack) - base
	if n == 0 {
		return nil
	}
	out := a.take(n)
	copy(out, (*stack)[base:])
	*stack = (*stack)[:base]
	return out
}

// open reads past an opening bracket and the space after it; it reports whether the list
// closes at once.
func (r *reader) open(close byte) bool {
	r.pos++
	r.space()
	if r.pos < len(r.data) && r.data[r.pos] == close {
		r.pos++
		return true
	}
	return false
}

// next reads what follows an item of a list: a comma, and then it reports that more follow, or
// the closing bracket. Anything else makes the text bad.
func (r *reader) next(close byte) bool {
	r.space()
	if r.pos < len(r.data) {
		switch r.data[r.pos] {
		case ',':
			r.pos++
			return true
		case close:
			r.pos++
			return false
		}
	}
	r.bad = true
	return false
}

func (r *reader) fail() *Value {
	r.bad = true
	return nil
}

func (r *reader) value(depth int) *Value {
	if r.pos >= len(r.data) || depth > maxDepth {
		return r.fail()
	}
	start := r.pos
	v := r.newValue()
	slot := -1 // where ends notes the object or array (in start order), if it does
	if c := r.data[start]; r.ends != nil && (c == '{' || c == '[') {
		slot = len(r.ends.starts)
		r.ends.starts, r.ends.ends = append(r.ends.starts, start), append(r.ends.ends, 0)
	}
	switch c := r.data[r.pos]; {
	case c == '{':
		v.Kind = Object
		if r.open('}') {
			break
		}
		base := len(r.members)
		for more := true; more; more = r.next('}') {
			r.space()
			if r.pos >= len(r.data) || r.data[r.pos] != '"' {
				return r.fail()
			}
			key, ok := r.key()
			if !ok {
				return r.fail()
			}
			r.space()
			if r.pos >= len(r.data) || r.data[r.pos] != ':' {
				return r.fail()
			}
			r.pos++
			r.space()
			m := r.value(depth + 1)
			if r.bad {
				return nil
			}
			if !r.skip {
				r.members = append(r.members, Member{key, m})
			}
		}
		if r.bad {
			return nil
		}
		v.Members = pop(&r.members, &r.memberArena, base)
	case c == '[':
		v.Kind = Array
		if r.open(']') {
			break
		}
		base := len(r.items)
		for more := true; more; more = r.next(']') {
			r.space()
			it := r.value(depth + 1)
			if r.bad {
				return nil
			}
			if !r.skip {
				r.items = append(r.items, it)
			}
		}
		if r.bad {
			return nil
		}
		v.Items = pop(&r.items, &r.itemArena, base)
	case c == '"':
		v.Kind = String
		s, ok := r.string()
		if !ok {
			return r.fail()
		}
		v.Str = s
	case c == 't':
		v.Kind = Bool
		if !r.literal("true") {
			return r.fail()
		}
	case c == 'f':
		v.Kind = Bool
		if !r.literal("false") {
			return r.fail()
		}
	case c == 'n':
		v.Kind = Null
		if !r.literal("null") {
			return r.fail()
		}
	case c == '-' || c >= '0' && c <= '9':
		v.Kind = Number
		if !r.number() {
			return r.fail()
		}
	default:
		return r.fail()
	}
	if slot >= 0 {
		if x := r.ends; r.pos-start >= x.min {
			x.ends[slot] = r.pos
		} else {
			// Shorter than the least noted: so is all it holds, dropped as it closed.
			x.starts, x.ends = x.starts[:slot], x.ends[:slot]
		}
	}
	v.Raw = r.data[start:r.pos]
	return v
}

func (r *reader) literal(word string) bool {
	if len(r.data)-r.pos < len(word) || string(r.data[r.pos:r.pos+len(word)]) != word {
		return false
	}
	r.pos += len(word)
	return true
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (r *reader) number() bool {
	d := r.data
	if r.pos < len(d) && d[r.pos] == '-' {
		r.pos++
	}
	digits := func() int {
		n := 0
		for r.pos < len(d) && d[r.pos] >= '0' && d[r.pos] <= '9' {
			r.pos++
			n++
		}
		return n
	}
	switch {
	case r.pos < len(d) && d[r.pos] == '0':
		r.pos++
	case digits() == 0:
		return false
	}
	if r.pos < len(d) && d[r.pos] == '.' {
		r.pos++
		if digits() == 0 {
			return false
		}
	}
	if r.pos < len(d) && (d[r.pos] == 'e' || d[r.pos] == 'E') {
		r.pos++
		if r.pos < len(d) && (d[r.pos] == '+' || d[r.pos] == '-') {
			r.pos++
		}
		if digits() == 0 {
			return false
		}
	}
	return true
}

// keys are the object keys of policies and request cases, taken from here while the text read
// is not yet a string that keys can be slices of (see decode).
var keys = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{
		"Version", "Id", "Statement", "Sid", "Effect", "Principal", "NotPrincipal", "Action",
		"NotAction", "Resource", "NotResource", "Condition", "AWS", "Service", "Federated",
		"CanonicalUser", "id", "request", "principal", "action", "resource", "context",
		"resourceAccount", "principalAccount", "identityPolicies", "resourcePolicy",
		"permissionBoundaries", "scps", "rcps", "sessionPolicy", "mode", "name", "policy",
	} {
		m[k] = k
	}
	return m
}()

// key reads an object key: a string, from keys where it is a common one and the text is not
// yet a string (once it is, a slice of it costs less than the lookup).
func (r *reader) key() (string, bool) {
	lit, plain, ok := r.scanString()
	if !ok || r.skip {
		return "", ok
	}
	if plain && r.text == "" {
		if k, found := keys[string(lit[1:len(lit)-1])]; found {
			return k, true
		}
	}
	return r.decode(lit, plain)
}

// string reads a string literal at r.pos and returns its text.
func (r *reader) string() (string, bool) {
	lit, plain, ok := r.scanString()
	if !ok || r.skip {
		return "", ok
	}
	return r.decode(lit, plain)
}

// decode returns the text of the string literal just read (lit, ending at r.pos). Plain ASCII
// and valid UTF-8 without escapes are taken as they are, sliced from the document's text;
// anything else is decoded by encoding/json, so that escapes and invalid bytes come out as it
// has them.
func (r *reader) decode(lit []byte, plain bool) (string, bool) {
	if plain {
		if r.text == "" {
			r.text = string(r.data)
		}
		return r.text[r.pos-len(lit)+1 : r.pos-1], true
	}
	var s string
	if err := json.Unmarshal(lit, &s); err != nil {
		return "", false
	}
	return s, true
}

// scanString reads past the string literal at r.pos and returns it, quotes included; plain
// reports that its text is the bytes between the quotes.
func (r *reader) scanString() (lit []byte, plain, ok bool) {
	d := r.data
	start := r.pos
	i := start + 1
	plain = true
	for i < len(d) {
		i = skipPlain(d, i)
		if i >= len(d) {
			break
		}
		c := d[i]
		switch {
		case c == '"':
			i++
			r.pos = i
			return d[start:i], plain, true
		case c == '\\':
			plain = false
			i++
			if i >= len(d) {
				r.pos = i
				return nil, false, false
			}
			switch d[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if len(d)-i < 5 || !isHex4(d[i+1:i+5]) {
					r.pos = i
					return nil, false, false
				}
				i += 5
			default:
				r.pos = i
				return nil, false, false
			}
		case c < 0x20:
			r.pos = i
			return nil, false, false
		case c < utf8.RuneSelf:
			i++
		default:
			ch, size := utf8.DecodeRune(d[i:])
			if ch == utf8.RuneError && size == 1 {
				plain = false
			}
			i += size
		}
	}
	r.pos = i
	return nil, false, false
}

// skipPlain returns the index of the first byte at or after i that does not stand for itself
// in a string literal (plainByte), or len(d). It looks at eight bytes at a time while none of
// them is a quote, a backslash, a control character or beyond ASCII, as in most text.
func skipPlain(d []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for i+8 <= len(d) {
		w := binary.LittleEndian.Uint64(d[i:])
		quote, backslash := w^('"'*ones), w^('\\'*ones)
		special := w | (w - 0x20*ones) | (quote-ones)&^quote | (backslash-ones)&^backslash
		if special&highs != 0 {
			break
		}
		i += 8
	}
	for i < len(d) && plainByte[d[i]] {
		i++
	}
	return i
}

// compactByte marks the bytes Spaceless looks at: quotes, backslashes and space.
var compactByte = [256]bool{'"': true, '\\': true, ' ': true, '\t': true, '\n': true, '\r': true}

// plainByte marks the bytes that stand for themselves in a string literal: ASCII other than
// control characters, quotes and backslashes.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// AppendCompact appends to dst the text of a value that Read accepts without its
// insignificant space: what json.Compact makes of it. raw may also be a run of such a value's
// text that starts and ends outside strings (between two of its values, say): the runs of a
// value, compacted one after the other, make the value compacted.
func AppendCompact(dst, raw []byte) []byte {
	start := 0
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '"':
			j := closingQuote(raw, i+1)
			if j < 0 {
				return append(dst, raw[start:]...)
			}
			i = j
		case ' ', '\t', '\n', '\r':
			dst = append(dst, raw[start:i]...)
			j := SkipSpace(raw, i)
			start, i = j, j-1
		}
	}
	return append(dst, raw[start:]...)
}

// Spaceless reports whether the text of a value that Read accepts has no insignificant space:
// whether AppendCompact would copy it as it is.
func Spaceless(raw []byte) bool {
	if bytes.IndexByte(raw, ' ') < 0 && bytes.IndexByte(raw, '\n') < 0 && bytes.IndexByte(raw, '\t') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		return true // no space at all, as in text that programs write: found a word at a time
	}
	inString := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if !compactByte[c] {
			continue
		}
		switch {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case !inString:
			return false
		}
	}
	return true
}
