package wildcard

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzMatch checks the linear matcher against the naive backtracking reference of
// wildcard_test.go on short inputs, MatchSmall against it, and that long hostile inputs stay
// fast.
func FuzzMatch(f *testing.F) {
	for _, c := range [][2]string{
		{"*", ""}, {"s3:Get*", "s3:GetObject"}, {"a*b*c", "acb"}, {"a*a", "a"},
		{"arn:aws:s3:::bucket-?/*", "arn:aws:s3:::bucket-a/x/y"}, {"*é?", "xéü"}, {"??", "é"},
		{"*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaa"}, {"?*?*?", "ab"}, {"a?*b", "a\xffb"},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		p := Compile(pattern)
		got := p.Match(s)

		// Policy text comes from JSON and is always valid UTF-8; the reference, working on
		// runes, cannot tell two invalid bytes apart, so only valid text is compared.
		valid := utf8.ValidString(pattern) && utf8.ValidString(s)
		pr, sr := []rune(pattern), []rune(s)
		// The reference is exponential in the number of stars: keep it to short inputs.
		if valid && len(pr) <= 12 && len(sr) <= 24 {
			if want := naive(pr, sr); got != want {
				t.Fatalf("Match(%q, %q) = %v, naive says %v", pattern, s, got, want)
			}
		}
		if m, ok := MatchSmall(pattern, s, false); ok && m != got {
			t.Fatalf("MatchSmall(%q, %q) = %v, Match says %v", pattern, s, m, got)
		}
		if lower := strings.ToLower(s); valid {
			if m, ok := MatchSmall(pattern, lower, true); ok && m != Compile(strings.ToLower(pattern)).Match(lower) {
				t.Fatalf("MatchSmall(%q, %q, fold) = %v, Compile of the lower-cased pattern disagrees", pattern, lower, m)
			}
		}
		if valid && got && !strings.HasPrefix(s, p.Prefix()) {
			t.Fatalf("Match(%q, %q) but the input does not start with Prefix() %q", pattern, s, p.Prefix())
		}
		if p.IsLiteral() != !strings.ContainsAny(pattern, "*?") || p.HasStar() != strings.Contains(pattern, "*") {
			t.Fatalf("Compile(%q): IsLiteral %v HasStar %v", pattern, p.IsLiteral(), p.HasStar())
		}
		if utf8.ValidString(pattern) && !p.Match(pattern) {
			// Every pattern matches itself: a star matches a star, a `?` one character.
			t.Fatalf("Match(%q, itself) = false", pattern)
		}
		if !Literal(pattern).Match(pattern) || (pattern != s && Literal(pattern).Match(s)) {
			t.Fatalf("Literal(%q) must match exactly itself (input %q)", pattern, s)
		}
		// Literal parts keep their wildcard characters literal, as a substituted policy
		// variable does: FromParts with the whole pattern as text is string equality.
		if FromParts([]Part{{Text: pattern}}).Match(s) != (pattern == s) {
			t.Fatalf("FromParts(Text %q).Match(%q) is not equality", pattern, s)
		}

		// Long runs with `?` are found by shift-and: it agrees with trying each start.
		if len(pattern) > 0 && len(pattern) <= 64 && len(s) <= 64 {
			longP := Compile("*" + strings.Repeat(pattern, 8) + "*")
			longS := strings.Repeat(s, 8)
			if got, want := longP.Match(longS), withoutShiftAnd(longP).Match(longS); got != want {
				t.Fatalf("Match(*(%q x8)*, %q x8) = %v, trying each start says %v", pattern, s, got, want)
			}
		}

		// Never slow: the pattern and the input repeated into kilobytes must still match
		// in well under a second (the naive matcher takes ages on `*a*a*...*b`).
		if len(pattern) > 0 && len(s) > 0 && len(pattern) <= 64 && len(s) <= 64 {
			bigP := Compile(strings.Repeat(pattern, 64))
			bigS := strings.Repeat(s, 256)
			start := time.Now()
			bigP.Match(bigS)
			if d := time.Since(start); d > time.Second {
				t.Fatalf("Match of %q x64 on %q x256 took %v", pattern, s, d)
			}
		}
	})
}

// TestInvalidUTF8: literal text matches the very bytes written, valid UTF-8 or not, whether it
// comes from Compile, Literal or FromParts, and next to a `?` or not (FuzzMatch found Literal
// reading "\x95" as U+FFFD, so that it matched "\uFFFD" and not itself).
func TestInvalidUTF8(t *testing.T) {
	cases := []struct {
		p    Pattern
		s    string
		want bool
	}{
		{Literal("\x95"), "\x95", true},
		{Literal("\x95"), "\uFFFD", false},
		{Compile("\x95"), "\x95", true},
		{Compile("a?\xc4"), "ab\xc4", true},
		{Compile("a?\xc4"), "aé\xc4", true},
		{Compile("a?\xc4"), "ab\uFFFD", false},
		{Compile("*\xc4?"), "xx\xc4y", true},
		{Compile("*\xc4?"), "xx\xc5y", false},
		{Compile("?\xff*\xfe?"), "a\xff\xfeb", true},
		{FromParts([]Part{{Text: "\xc4"}, {Any: true}, {Text: "\x80"}}), "\xc4z\x80", true},
		{FromParts([]Part{{Text: "\xc4"}, {Star: true}, {Text: "\x80"}}), "\xc4\x80", true},
		{FromParts([]Part{{Text: "\xc4"}, {Star: true}, {Text: "\x80"}}), "\u0100", true}, // the same two bytes
	}
	for i, c := range cases {
		if got := c.p.Match(c.s); got != c.want {
			t.Errorf("case %d: Match(%q) = %v, want %v", i, c.s, got, c.want)
		}
	}
	if got := Compile("a\xc4?b").Prefix(); got != "a\xc4" {
		t.Errorf("Prefix() = %q, want %q", got, "a\xc4")
	}
}
