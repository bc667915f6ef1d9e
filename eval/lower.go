package eval

import (
	"strings"
	"unicode/utf8"
)

// lowerAll returns strings.ToLower of each string. The ASCII ones that hold upper case (as
// actions such as "s3:GetObject" do) are lowered into one shared allocation rather than one
// each; strings already lower are returned as they are.
func lowerAll(ss []string) []string {
	out := make([]string, len(ss))
	size := 0
	for i, s := range ss {
		switch ascii, upper := asciiUpper(s); {
		case !ascii:
			out[i] = strings.ToLower(s)
		case !upper:
			out[i] = s
		default:
			size += len(s)
		}
	}
	if size == 0 {
		return out
	}
	var b strings.Builder
	b.Grow(size)
	for i, s := range ss {
		if out[i] == "" && s != "" {
			for j := 0; j < len(s); j++ {
				c := s[j]
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				b.WriteByte(c)
			}
		}
	}
	text := b.String()
	for i, s := range ss {
		if out[i] == "" && s != "" {
			out[i], text = text[:len(s)], text[len(s):]
		}
	}
	return out
}

// asciiUpper reports whether s is all ASCII, and whether it holds upper case letters.
func asciiUpper(s string) (ascii, upper bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return false, upper
		}
		upper = upper || 'A' <= c && c <= 'Z'
	}
	return true, upper
}

// appendLowerASCII appends the ASCII string s lower-cased.
func appendLowerASCII(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}

// lowerString returns strings.ToLower(s), lowering ASCII with a plain loop.
func lowerString(s string) string {
	ascii, upper := asciiUpper(s)
	switch {
	case !ascii:
		return strings.ToLower(s)
	case !upper:
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}
