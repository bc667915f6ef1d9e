package sanitize

import (
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// JSON returns JSON text with the characters a terminal acts on escaped as \uXXXX, so that
// JSON read on a terminal is as inert as text. encoding/json escapes the C0 controls but writes
// DEL, the C1 controls (U+0080–U+009F, among them the 8-bit CSI and OSC), the bidirectional
// controls and the characters that draw nothing (isHidden) as they are. Outside strings JSON holds only ASCII punctuation, so every such
// character is inside a string, where the escape means the same character. Invalid UTF-8 is
// left as it is (encoding/json never writes any). JSON that holds none is returned as it is.
func JSON(b []byte) []byte {
	first := -1
	for i := 0; i < len(b); {
		if b[i] < 0x7f {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if escapedInJSON(r, size) {
			first = i
			break
		}
		i += size
	}
	if first < 0 {
		return b
	}
	out := make([]byte, 0, len(b)+32)
	out = append(out, b[:first]...)
	for i := first; i < len(b); {
		if b[i] < 0x7f {
			out = append(out, b[i])
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if escapedInJSON(r, size) {
			if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
				out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2) // beyond U+FFFF: a surrogate pair
			} else {
				out = fmt.Appendf(out, `\u%04x`, r)
			}
		} else {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

// escapedInJSON reports whether JSON must escape the character r (read as size bytes).
func escapedInJSON(r rune, size int) bool {
	if r == utf8.RuneError && size <= 1 {
		return false
	}
	return r == 0x7f || (r >= 0x80 && r <= 0x9f) || isHidden(r)
}
