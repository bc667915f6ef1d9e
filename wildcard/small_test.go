package wildcard

import (
	"strings"
	"testing"
)

// TestMatchSmallAsCompile checks MatchSmall against the compiled matcher on every pattern of
// up to five units over a, B, * and ?, and every text of up to six of a, b and B, folded and
// not.
func TestMatchSmallAsCompile(t *testing.T) {
	patterns := words("aB*?", 5)
	texts := words("abB", 6)
	for _, p := range patterns {
		exact, folded := Compile(p), Compile(strings.ToLower(p))
		for _, s := range texts {
			if got, ok := MatchSmall(p, s, false); !ok || got != exact.Match(s) {
				t.Fatalf("MatchSmall(%q, %q) = %v, %v; Compile says %v", p, s, got, ok, exact.Match(s))
			}
			lower := strings.ToLower(s)
			if got, ok := MatchSmall(p, lower, true); !ok || got != folded.Match(lower) {
				t.Fatalf("MatchSmall(%q, %q, fold) = %v, %v; Compile of the lower-cased pattern says %v", p, lower, got, ok, folded.Match(lower))
			}
		}
	}
}

// TestMatchSmallDeclines: beyond ASCII, or beyond its bound on work, MatchSmall leaves the
// answer to the compiled matcher.
func TestMatchSmallDeclines(t *testing.T) {
	for _, c := range [][2]string{
		{"s3:Get?", "s3:Geté"},
		{"é*", "éa"},
		{strings.Repeat("*a", 40) + "b", strings.Repeat("a", 60)},
	} {
		if _, ok := MatchSmall(c[0], c[1], true); ok {
			t.Errorf("MatchSmall(%q, %q) decided", c[0], c[1])
		}
	}
	if got, ok := MatchSmall("S3:Get*", "s3:getobject", true); !ok || !got {
		t.Errorf("MatchSmall(S3:Get*, s3:getobject, fold) = %v, %v", got, ok)
	}
	if got, ok := MatchSmall("S3:Get*", "s3:getobject", false); !ok || got {
		t.Errorf("MatchSmall(S3:Get*, s3:getobject) = %v, %v; ARNs are case-sensitive", got, ok)
	}
}

// words returns every string of up to n letters of alphabet.
func words(alphabet string, n int) []string {
	out := []string{""}
	level := []string{""}
	for range n {
		var next []string
		for _, w := range level {
			for _, c := range alphabet {
				next = append(next, w+string(c))
			}
		}
		out = append(out, next...)
		level = next
	}
	return out
}
