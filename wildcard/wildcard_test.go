package wildcard

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// naive is the textbook backtracking matcher, exponential in the worst case but obviously right:
// the reference the linear matcher is checked against.
func naive(p, s []rune) bool {
	if len(p) == 0 {
		return len(s) == 0
	}
	switch p[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if naive(p[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return len(s) > 0 && naive(p[1:], s[1:])
	default:
		return len(s) > 0 && s[0] == p[0] && naive(p[1:], s[1:])
	}
}

func TestMatchTable(t *testing.T) {
	cases := []struct {
		p, s string
		want bool
	}{
		{"*", "", true},
		{"*", "arn:aws:s3:::bucket/key", true},
		{"", "", true},
		{"", "a", false},
		{"s3:Get*", "s3:GetObject", true},
		{"s3:Get*", "s3:PutObject", false},
		{"arn:aws:s3:::bucket-?/*", "arn:aws:s3:::bucket-a/x/y", true},
		{"arn:aws:s3:::bucket-?/*", "arn:aws:s3:::bucket-ab/x", false},
		{"a*b*c", "abc", true},
		{"a*b*c", "acb", false},
		{"a*a", "a", false},
		{"*é?", "xéü", true},
		{"?", "é", true},
		{"??", "é", false},
		{"Arn", "arn", false},
	}
	for _, c := range cases {
		if got := Match(c.p, c.s); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.p, c.s, got, c.want)
		}
	}
}

func TestFromPartsLiteralWildcards(t *testing.T) {
	// A substituted variable holding `*` matches only a star.
	p := FromParts([]Part{{Text: "home/"}, {Text: "a*b"}, {Star: true}})
	if !p.Match("home/a*b/x") {
		t.Error("literal star should match a star")
	}
	if p.Match("home/aXb/x") {
		t.Error("literal star must not act as a wildcard")
	}
}

func TestMatchAgreesWithNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alpha := []rune("ab*?é")
	text := []rune("abé")
	for i := 0; i < 20000; i++ {
		p := make([]rune, r.IntN(7))
		for j := range p {
			p[j] = alpha[r.IntN(len(alpha))]
		}
		s := make([]rune, r.IntN(8))
		for j := range s {
			s[j] = text[r.IntN(len(text))]
		}
		if got, want := Match(string(p), string(s)), naive(p, s); got != want {
			t.Fatalf("Match(%q, %q) = %v, naive says %v", string(p), string(s), got, want)
		}
	}
}

func BenchmarkAdversarial(b *testing.B) {
	pattern := strings.Repeat("*a", 5000) + "*b"
	s := "arn:aws:s3:::" + strings.Repeat("a", 10000)
	p := Compile(pattern)
	b.ResetTimer()
	for b.Loop() {
		if p.Match(s) {
			b.Fatal("must not match")
		}
	}
}
