// Package sanitize makes untrusted text inert for a terminal. Names, tags, paths, policy text
// and error messages from an AWS account are chosen by whoever controls the account; drawn as
// they are, an escape sequence in a role name could move the cursor, rewrite the screen, set
// the clipboard (OSC 52) or reorder what is shown (bidirectional overrides).
package sanitize

import (
	"strings"
	"unicode/utf8"
)

// Text returns s with every terminal control removed: C0 controls except tab and newline
// (when keepNewlines), DEL, C1 controls, whole ESC and CSI/OSC/DCS sequences, and the Unicode
// bidirectional controls. Invalid UTF-8 becomes U+FFFD.
func Text(s string) string { return clean(s, false) }

// Lines is Text but keeps newlines and tabs, for multi-line text such as policy documents.
func Lines(s string) string { return clean(s, true) }

func clean(s string, keepNewlines bool) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == 0x1b: // ESC: drop the whole sequence
			i = skipEscape(s, i)
			continue
		case r == 0x9b || r == 0x9d || r == 0x90: // C1 CSI, OSC, DCS: drop the sequence
			i = skipC1(s, i+size, r)
			continue
		case r == '\n' || r == '\t':
			if keepNewlines {
				b.WriteRune(r)
			} else {
				b.WriteByte(' ')
			}
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			// other controls are dropped
		case isBidi(r):
			// bidirectional controls are dropped
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// isPlain reports whether s is printable ASCII, the common case, which needs no copy.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

func isBidi(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c
}

// skipEscape returns the index after the escape sequence that starts at s[i] (an ESC).
func skipEscape(s string, i int) int {
	i++
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[': // CSI: parameters and intermediates, then a final byte 0x40-0x7e
		for i++; i < len(s); i++ {
			if s[i] >= 0x40 && s[i] <= 0x7e {
				return i + 1
			}
		}
		return i
	case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC: up to BEL or ST (ESC \)
		return skipString(s, i+1)
	}
	return i + 1 // a two-byte escape
}

// skipC1 skips the body of a sequence introduced by a C1 control.
func skipC1(s string, i int, intro rune) int {
	if intro == 0x9b {
		for ; i < len(s); i++ {
			if s[i] >= 0x40 && s[i] <= 0x7e {
				return i + 1
			}
		}
		return i
	}
	return skipString(s, i)
}

// skipString skips a control string up to and including its terminator: BEL, ESC \ or the
// C1 string terminator U+009C.
func skipString(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == 0x07:
			return i + 1
		case s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\':
			return i + 2
		case strings.HasPrefix(s[i:], "\u009c"):
			return i + len("\u009c")
		}
		i++
	}
	return i
}
