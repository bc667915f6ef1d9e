package wildcard

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// withoutShiftAnd returns p finding every segment by trying each start, the reference for
// shift-and.
func withoutShiftAnd(p Pattern) Pattern {
	q := p
	q.segs = append([]segment(nil), p.segs...)
	for i := range q.segs {
		q.segs[i].shift = nil
	}
	return q
}

// Hostile patterns of 10,000 characters against ARNs of 100,000: each match ends in well
// under a second (the README's Limits table; BenchmarkHostile has the real figures). Trying
// each start took 3.7 s on the `?` pattern before shift-and.
func TestHostilePatternsStayFast(t *testing.T) {
	long := "arn:aws:s3:::" + strings.Repeat("a", 100_000)
	for _, c := range hostile {
		p := Compile(c.pattern)
		start := time.Now()
		got := p.Match(long + c.suffix)
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: %v", c.name, d)
		}
		if got != c.match {
			t.Errorf("%s: Match = %v, want %v", c.name, got, c.match)
		}
	}
}

var hostile = []struct {
	name, pattern, suffix string
	match                 bool
}{
	{"*a*a...*b, no b", strings.Repeat("*a", 5000) + "*b", "", false},
	{"*a*a...*b, b at the end", strings.Repeat("*a", 5000) + "*b", "b", true},
	{"*?a?a...?b*", "*" + strings.Repeat("?a", 5000) + "?b*", "", false},
	{"*?a?a...?b*, found at the end", "*" + strings.Repeat("?a", 5000) + "?b*", "ab", true},
	{"*aaa...ab*", "*" + strings.Repeat("a", 9999) + "b*", "", false},
	{"*a?*a?...*b", strings.Repeat("*a?", 3333) + "*b", "", false},
	{"a?a?...? without stars", strings.Repeat("a?", 5000), "", false},
}

func BenchmarkHostile(b *testing.B) {
	long := "arn:aws:s3:::" + strings.Repeat("a", 100_000)
	for _, c := range hostile {
		p := Compile(c.pattern)
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				p.Match(long + c.suffix)
			}
		})
	}
}

// Shift-and finds what trying each start finds, on random long runs with `?` between stars,
// against inputs that hold near-copies of the run.
func TestShiftAndAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", "?", "é", "/"}
	fill := []string{"a", "b", "é", "/", "\xff", "\uFFFD"}
	matched := 0
	for range 3000 {
		var run, copy strings.Builder
		for range 64 + rng.IntN(80) {
			c := alphabet[rng.IntN(len(alphabet))]
			run.WriteString(c)
			if c == "?" {
				c = fill[rng.IntN(len(fill))]
			}
			if rng.IntN(50) == 0 { // now and then a copy that does not match
				c = fill[rng.IntN(len(fill))]
			}
			copy.WriteString(c)
		}
		var pre strings.Builder
		for range rng.IntN(100) {
			pre.WriteString(fill[rng.IntN(len(fill))])
		}
		input := pre.String() + copy.String() + pre.String()
		for _, pattern := range []string{"*" + run.String() + "*", "x*" + run.String() + "*", "*" + run.String()} {
			p := Compile(pattern)
			got, want := p.Match(input), withoutShiftAnd(p).Match(input)
			if got != want {
				t.Fatalf("Match(%q, %q) = %v, trying each start says %v", pattern, input, got, want)
			}
			if got {
				matched++
			}
		}
	}
	if matched < 500 {
		t.Errorf("only %d of 9,000 matched: the test does not exercise matches", matched)
	}
}
