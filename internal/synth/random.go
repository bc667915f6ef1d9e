package synth

import (
	"math/rand/v2"
	"strings"
	"time"
)

// rng wraps the seeded random source with the draws the generator makes. Everything random in
// the output comes from it, in a fixed order, so that one seed always gives the same file.
type rng struct {
	r *rand.Rand
}

func newRNG(seed uint64) *rng {
	return &rng{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// chance is true with probability p.
func (g *rng) chance(p float64) bool { return g.r.Float64() < p }

// between returns an int in [lo, hi].
func (g *rng) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// pick returns one element of list.
func (g *rng) pick(list []string) string { return list[g.r.IntN(len(list))] }

// pickN returns n distinct elements of list (all of them when n >= len(list)), in list order.
func (g *rng) pickN(list []string, n int) []string {
	if n >= len(list) {
		return append([]string(nil), list...)
	}
	idx := g.r.Perm(len(list))[:n]
	sortInts(idx)
	out := make([]string, n)
	for i, j := range idx {
		out[i] = list[j]
	}
	return out
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// uniqueIDChars are the characters of IAM unique ids after their prefix.
const uniqueIDChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// id returns an IAM unique id: the prefix (AIDA, AROA, AGPA, ANPA, AIPA) and 17 characters.
func (g *rng) id(prefix string) string {
	var b strings.Builder
	b.Grow(len(prefix) + 17)
	b.WriteString(prefix)
	for range 17 {
		b.WriteByte(uniqueIDChars[g.r.IntN(len(uniqueIDChars))])
	}
	return b.String()
}

// hex returns n lower-case hex digits.
func (g *rng) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.r.IntN(16)]
	}
	return string(b)
}

// uuid returns a random UUID, as KMS key ids are.
func (g *rng) uuid() string {
	return g.hex(8) + "-" + g.hex(4) + "-" + g.hex(4) + "-" + g.hex(4) + "-" + g.hex(12)
}

// timeBetween returns a time in [from, to), to the second.
func (g *rng) timeBetween(from, to time.Time) time.Time {
	span := int64(to.Sub(from) / time.Second)
	if span <= 0 {
		return from
	}
	return from.Add(time.Duration(g.r.Int64N(span)) * time.Second)
}

// cliDate formats a time as the AWS CLI prints IAM dates: 2023-03-09T10:41:45+00:00.
func cliDate(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05+00:00") }
