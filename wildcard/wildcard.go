// Package wildcard matches the glob patterns of the IAM policy language: `*` matches any run of
// characters (including none, and including `:` and `/`), `?` matches exactly one character, and
// everything else matches itself. Matching takes time linear in the input for patterns made of
// literals and `*`, however the stars are placed, so a hostile pattern such as `*a*a*a*...b`
// cannot stall a query; a long run with `?` between two stars (`*?a?a...?b*`) costs the input's
// length times the run's length in 64-bit words (shift-and), not times the run's length.
//
// The package is a leaf shared by catalog (expanding `s3:Get*`) and eval (actions, resources and
// StringLike/ArnLike conditions); it imports nothing of ours.
package wildcard

import (
	"strings"
	"unicode/utf8"
)

// Pattern is a compiled glob. The zero value matches only the empty string.
type Pattern struct {
	// segs are the pieces between stars. With no star, len(segs) == 1 and the whole input must
	// equal segs[0]; with stars, segs[0] is a prefix, segs[len-1] a suffix and the rest float.
	// Compile leaves them out of a literal pattern, which text alone describes.
	segs    []segment
	star    bool // at least one star
	literal bool // no wildcard at all: Match is string equality
	text    string
}

// segment is a run of literal characters and `?` placeholders between two stars. Literal text
// matches the same bytes, as in a pattern without wildcards; a `?` matches one character.
type segment struct {
	lit string // the segment with each `?` kept as a placeholder byte at the positions in any
	any []bool // any[i]: the i-th unit of the segment is a `?`; nil when the segment has none
	// units are the byte lengths of the segment's units (characters as written, and `?`
	// placeholders), when it has a `?`.
	units []int
	// shift finds a long segment with `?` in linear time (see shiftAnd); nil for short ones.
	shift *shiftAnd
}

// Part is one piece of a pattern built from parts: a literal text (wildcard characters in it
// match only themselves, as for a substituted policy variable), or a `*` or `?` wildcard.
type Part struct {
	Text string
	Star bool
	Any  bool
}

// Compile parses a glob in which `*` and `?` are wildcards.
func Compile(pattern string) Pattern {
	if !strings.ContainsAny(pattern, "*?") {
		return Pattern{literal: true, text: pattern}
	}
	if !strings.Contains(pattern, "?") {
		// Stars only, as most patterns: the segments are the text between them.
		segs := make([]segment, 0, strings.Count(pattern, "*")+1)
		for {
			i := strings.IndexByte(pattern, '*')
			if i < 0 {
				return Pattern{segs: append(segs, segment{lit: pattern}), star: true}
			}
			segs = append(segs, segment{lit: pattern[:i]})
			pattern = pattern[i+1:]
		}
	}
	if p, ok := compileShortASCII(pattern); ok {
		return p
	}
	var parts []Part
	start := 0
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '*', '?':
			if start < i {
				parts = append(parts, Part{Text: pattern[start:i]})
			}
			parts = append(parts, Part{Star: pattern[i] == '*', Any: pattern[i] == '?'})
			start = i + 1
		}
	}
	if start < len(pattern) {
		parts = append(parts, Part{Text: pattern[start:]})
	}
	return FromParts(parts)
}

// ones are the unit lengths of ASCII segments, shared by them (units are only read).
var ones = func() (u [shiftAndMin]int) {
	for i := range u {
		u[i] = 1
	}
	return u
}()

// compileShortASCII compiles an ASCII pattern with `?` whose segments are all shorter than
// shiftAndMin, as FromParts would, without splitting it into characters: each segment is its
// own text, `?` in place, every unit one byte. ok is false for any other pattern.
func compileShortASCII(pattern string) (p Pattern, ok bool) {
	for i := 0; i < len(pattern); i++ {
		if pattern[i] >= utf8.RuneSelf {
			return Pattern{}, false
		}
	}
	p.segs = make([]segment, 0, strings.Count(pattern, "*")+1)
	for {
		piece, rest, star := strings.Cut(pattern, "*")
		if len(piece) >= shiftAndMin {
			return Pattern{}, false
		}
		seg := segment{lit: piece}
		if strings.Contains(piece, "?") {
			seg.any = make([]bool, len(piece))
			for i := range len(piece) {
				seg.any[i] = piece[i] == '?'
			}
			seg.units = ones[:len(piece):len(piece)]
		}
		p.segs = append(p.segs, seg)
		if !star {
			return p, true
		}
		p.star, pattern = true, rest
	}
}

// Literal returns a pattern that matches exactly s.
func Literal(s string) Pattern {
	return Pattern{literal: true, text: s}
}

// FromParts builds a pattern from literal texts and wildcards.
func FromParts(parts []Part) Pattern {
	var p Pattern
	start := 0
	for i, part := range parts {
		if part.Star {
			p.segs = append(p.segs, segmentOf(parts[start:i]))
			p.star = true
			start = i + 1
		}
	}
	p.segs = append(p.segs, segmentOf(parts[start:]))
	if !p.star && len(p.segs) == 1 && p.segs[0].any == nil {
		p.literal = true
		p.text = p.segs[0].lit
	}
	return p
}

// segmentOf makes the segment of the parts between two stars. A segment without `?` is just
// its text; one with `?` is split into characters.
func segmentOf(parts []Part) segment {
	hasAny := false
	for _, part := range parts {
		hasAny = hasAny || part.Any
	}
	if !hasAny {
		if len(parts) == 1 {
			return segment{lit: parts[0].Text}
		}
		var b strings.Builder
		for _, part := range parts {
			b.WriteString(part.Text)
		}
		return segment{lit: b.String()}
	}
	var rs []segRune
	for _, part := range parts {
		if part.Any {
			rs = append(rs, segRune{any: true})
			continue
		}
		for i, w := 0, 0; i < len(part.Text); i += w {
			_, w = utf8.DecodeRuneInString(part.Text[i:])
			rs = append(rs, segRune{text: part.Text[i : i+w]})
		}
	}
	return makeSegment(rs)
}

// segRune is one character of a segment, as the bytes written (so that text that is not valid
// UTF-8 still matches itself), or a `?`.
type segRune struct {
	text string
	any  bool
}

func makeSegment(rs []segRune) segment {
	var b strings.Builder
	var anyPos []bool
	units := make([]int, len(rs))
	for i, r := range rs {
		if r.any {
			if anyPos == nil {
				anyPos = make([]bool, len(rs))
			}
			anyPos[i] = true
			b.WriteByte('?')
			units[i] = 1
			continue
		}
		b.WriteString(r.text)
		units[i] = len(r.text)
	}
	if anyPos == nil {
		units = nil
	}
	return segment{lit: b.String(), any: anyPos, units: units, shift: newShiftAnd(rs)}
}

// shiftAnd finds the leftmost occurrence of a segment with `?` by the bit-parallel shift-and
// algorithm: one pass over the input, each character costing the segment's length in 64-bit
// words. Trying each start in turn costs the input's length times the segment's, which a
// hostile pattern such as `*?a?a?a...?b*` against a long ARN turns into seconds.
type shiftAnd struct {
	words int
	top   uint64            // the bit of the last unit, in the last word
	any   []uint64          // bit k is set when unit k is a `?`
	masks map[rune][]uint64 // bit k of masks[r] is set when unit k is the character r
}

// shiftAndMin is the number of units from which a segment with `?` is found by shift-and;
// below it, trying each start costs at most that many steps per character anyway.
const shiftAndMin = 64

// newShiftAnd prepares shift-and for a long segment with `?`, or returns nil: for a short one,
// and for one holding bytes that are not UTF-8 (policy text never does), which must match
// byte for byte where shift-and reads characters.
func newShiftAnd(rs []segRune) *shiftAnd {
	if len(rs) < shiftAndMin {
		return nil
	}
	words := (len(rs) + 63) / 64
	a := &shiftAnd{words: words, top: 1 << ((len(rs) - 1) % 64), any: make([]uint64, words), masks: map[rune][]uint64{}}
	for k, r := range rs {
		if r.any {
			a.any[k/64] |= 1 << (k % 64)
			continue
		}
		c, size := utf8.DecodeRuneInString(r.text)
		if c == utf8.RuneError && size <= 1 {
			return nil
		}
		m := a.masks[c]
		if m == nil {
			m = make([]uint64, words)
			a.masks[c] = m
		}
		m[k/64] |= 1 << (k % 64)
	}
	return a
}

// find returns the end offset of the leftmost occurrence of the segment in s. Every occurrence
// spans the same number of characters, so the one that ends first is the one that starts first.
func (a *shiftAnd) find(s string) (int, bool) {
	d := make([]uint64, a.words)
	last := a.words - 1
	for i := 0; i < len(s); {
		c, size := utf8.DecodeRuneInString(s[i:])
		var mask []uint64
		if c != utf8.RuneError || size > 1 {
			mask = a.masks[c]
		}
		carry := uint64(1)
		for w := range d {
			next := d[w]<<1 | carry
			carry = d[w] >> 63
			allowed := a.any[w]
			if mask != nil {
				allowed |= mask[w]
			}
			d[w] = next & allowed
		}
		i += size
		if d[last]&a.top != 0 {
			return i, true
		}
	}
	return 0, false
}

// IsLiteral reports whether the pattern has no wildcard, so that Match is plain equality.
func (p Pattern) IsLiteral() bool { return p.literal }

// HasStar reports whether the pattern holds a `*`.
func (p Pattern) HasStar() bool { return p.star }

// Prefix returns the literal text the pattern must start with (up to its first wildcard).
func (p Pattern) Prefix() string {
	if p.literal {
		return p.text
	}
	if len(p.segs) == 0 {
		return ""
	}
	s := p.segs[0]
	if s.any == nil {
		return s.lit
	}
	n := 0
	for k, w := range s.units {
		if s.any[k] {
			break
		}
		n += w
	}
	return s.lit[:n]
}

// Match reports whether s matches the whole pattern.
func (p Pattern) Match(s string) bool {
	if p.literal {
		return s == p.text
	}
	if len(p.segs) == 0 {
		return s == ""
	}
	if !p.star {
		n, ok := p.segs[0].matchAt(s)
		return ok && n == len(s)
	}
	first, last := p.segs[0], p.segs[len(p.segs)-1]
	n, ok := first.matchAt(s)
	if !ok {
		return false
	}
	rest := s[n:]
	// The last segment must sit at the very end, after everything else.
	tail, ok := last.suffixStart(rest)
	if !ok {
		return false
	}
	if n, ok := last.matchAt(rest[tail:]); !ok || n != len(rest)-tail {
		return false
	}
	middle := rest[:tail]
	for _, seg := range p.segs[1 : len(p.segs)-1] {
		end, ok := seg.find(middle)
		if !ok {
			return false
		}
		middle = middle[end:]
	}
	return true
}

// matchAt matches the segment against the start of s and returns how many bytes it used.
func (g segment) matchAt(s string) (int, bool) {
	if g.any == nil {
		if strings.HasPrefix(s, g.lit) {
			return len(g.lit), true
		}
		return 0, false
	}
	i, j := 0, 0 // offsets in s and in g.lit
	for k, w := range g.units {
		if g.any[k] {
			if i >= len(s) {
				return 0, false
			}
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
		} else {
			if !strings.HasPrefix(s[i:], g.lit[j:j+w]) {
				return 0, false
			}
			i += w
		}
		j += w
	}
	return i, true
}

// suffixStart returns the byte offset in s at which the segment would start if it ended at the
// end of s, or false when s is shorter than the segment.
func (g segment) suffixStart(s string) (int, bool) {
	if g.any == nil {
		if len(s) < len(g.lit) {
			return 0, false
		}
		return len(s) - len(g.lit), true
	}
	i := len(s)
	for k := len(g.units) - 1; k >= 0; k-- {
		w := g.units[k]
		if g.any[k] {
			if i == 0 {
				return 0, false
			}
			_, w = utf8.DecodeLastRuneInString(s[:i])
		} else if i < w {
			return 0, false
		}
		i -= w
	}
	return i, true
}

// find returns the end offset of the leftmost occurrence of the segment in s.
func (g segment) find(s string) (int, bool) {
	if g.any == nil {
		i := strings.Index(s, g.lit)
		if i < 0 {
			return 0, false
		}
		return i + len(g.lit), true
	}
	if g.shift != nil {
		return g.shift.find(s)
	}
	for i := 0; i <= len(s); {
		if n, ok := g.matchAt(s[i:]); ok {
			return i + n, true
		}
		if i == len(s) {
			break
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return 0, false
}

// Match compiles pattern and matches s against it: a convenience for one-off matches.
func Match(pattern, s string) bool { return Compile(pattern).Match(s) }
