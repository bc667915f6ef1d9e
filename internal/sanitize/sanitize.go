// Package sanitize makes untrusted text safe to draw on a terminal. Names, tags, policy text
// and warnings come from the accounts iamscope reads, and anyone who can name a role can put
// an escape sequence in it: one that moves the cursor, recolours the screen, sets the window
// title, writes the clipboard (OSC 52) or reverses the text's direction. Everything drawn from
// an account goes through Text first.
package sanitize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Replacement stands in, once, for each control character or escape sequence removed, so that
// a name that held one does not look like the name without it.
const Replacement = '\uFFFD'

// Text returns s with every terminal control removed: C0 controls and DEL, C1 controls
// (U+0080–U+009F), whole escape sequences (CSI, OSC including OSC 52, DCS, SOS, PM, APC and
// two-character escapes, in their 7-bit and 8-bit forms), the bidirectional overrides,
// embeddings, isolates and marks (U+200E, U+200F, U+061C, U+202A–U+202E, U+2066–U+2069), and
// the characters that draw nothing (isHidden: zero-width spaces and joiners, the byte order
// mark, the soft hyphen, line and paragraph separators, ...), which would let one name pass
// for another and which terminals and layout code disagree on the width of.
// Each removed control or sequence becomes one U+FFFD; tab, newline and carriage return become
// a space, so the result is always one line. Invalid UTF-8 becomes U+FFFD. Text that holds
// none of these is returned as it is, without allocating.
func Text(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune(Replacement)
			i++
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
			i += size
		case r == 0x1b:
			i = skipEscape(s, i+1)
			b.WriteRune(Replacement)
		case r >= 0x80 && r <= 0x9f:
			i = skipC1(s, r, i+size)
			b.WriteRune(Replacement)
		case r < 0x20 || r == 0x7f || isHidden(r):
			b.WriteRune(Replacement)
			i += size
		default:
			b.WriteString(s[i : i+size])
			i += size
		}
	}
	return b.String()
}

// clean reports whether s is printable ASCII, or otherwise holds nothing Text removes.
func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return false
		} else if c >= 0x80 {
			for _, r := range s[i:] {
				if r == utf8.RuneError || r < 0x20 || (r >= 0x7f && r <= 0x9f) || isHidden(r) {
					return false
				}
			}
			return true
		}
	}
	return true
}

// isHidden reports whether r draws nothing or acts on the text around it: the format
// characters (Unicode category Cf: the bidirectional controls, U+200B–U+200D zero-width space
// and joiners, U+2060 word joiner, U+FEFF byte order mark, U+00AD soft hyphen, the tag
// characters, ...), the line and paragraph separators U+2028 and U+2029, and the other
// default-ignorable code points (U+034F, the Hangul fillers U+115F, U+1160, U+3164, U+FFA0,
// ...).
func isHidden(r rune) bool {
	if r < 0xad {
		return false
	}
	return isBidi(r) || r == 0x2028 || r == 0x2029 || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r)
}

// isBidi reports whether r changes the direction in which text around it is drawn.
func isBidi(r rune) bool {
	return r == 0x200e || r == 0x200f || r == 0x061c || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// skipEscape returns the index just past the escape sequence whose ESC ends just before i.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[': // CSI: parameters and intermediates, then a final byte 0x40–0x7E
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC: a string ended by BEL or ST
		return skipString(s, i+1)
	}
	// nF escapes: intermediates 0x20–0x2F, then one final byte.
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipC1 returns the index just past the 8-bit control r (already read up to i) and, for the
// controls that open a sequence, the rest of the sequence.
func skipC1(s string, r rune, i int) int {
	switch r {
	case 0x9b: // CSI
		return skipCSI(s, i)
	case 0x9d, 0x90, 0x98, 0x9e, 0x9f: // OSC, DCS, SOS, PM, APC
		return skipString(s, i)
	}
	return i
}

func skipCSI(s string, i int) int {
	for i < len(s) {
		c := s[i]
		i++
		if c >= 0x40 && c <= 0x7e {
			return i
		}
		if c < 0x20 || c > 0x7e {
			return i - 1 // a malformed sequence ends at the first byte that cannot be in it
		}
	}
	return i
}

// skipString skips a control string up to and including its terminator: BEL, ESC \ or the
// 8-bit ST (U+009C). An unterminated string runs to the end of s.
func skipString(s string, i int) int {
	for i < len(s) {
		if s[i] == 0x07 {
			return i + 1
		}
		if s[i] == 0x1b {
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i // another sequence begins: let the caller see it
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == 0x9c {
			return i + size
		}
		i += size
	}
	return i
}
