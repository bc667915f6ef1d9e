package tui

import (
	"sort"
	"strings"

	"github.com/sahilm/fuzzy"
)

// rankMatches orders the items that match a query as a person expects (issue 15): an exact
// name first, then names that start with the query, then those where it starts a word
// ("rosa" in "keystone rosa.delgado", "3" in "app-3"), then those that hold it, then the rest
// of the fuzzy matches (sahilm/fuzzy), best score first. A name is any space-separated field
// of the item's text; ties keep the items' order. At most limit indexes are returned (0: all).
func rankMatches(query string, src fuzzy.Source, limit int) []int {
	q := strings.ToLower(strings.TrimSpace(query))
	type ranked struct {
		index, tier, score int
	}
	var out []ranked
	for _, m := range fuzzy.FindFromNoSort(q, src) {
		out = append(out, ranked{index: m.Index, tier: matchTier(q, strings.ToLower(m.Str)), score: m.Score})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.tier != b.tier {
			return a.tier < b.tier
		}
		if a.tier == tierFuzzy && a.score != b.score {
			return a.score > b.score
		}
		return a.index < b.index
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	idx := make([]int, len(out))
	for i, r := range out {
		idx[i] = r.index
	}
	return idx
}

// The tiers of a match, best first.
const (
	tierExact = iota
	tierPrefix
	tierWordStart
	tierContains
	tierFuzzy
)

// matchTier is how well a query (lower case) matches a text (lower case).
func matchTier(q, text string) int {
	best := tierFuzzy
	for _, f := range strings.Fields(text) {
		switch {
		case f == q:
			return tierExact
		case strings.HasPrefix(f, q):
			best = min(best, tierPrefix)
		case wordStart(f, q):
			best = min(best, tierWordStart)
		case strings.Contains(f, q):
			best = min(best, tierContains)
		}
	}
	if best == tierFuzzy && strings.Contains(text, q) {
		best = tierContains
	}
	return best
}

// wordStart reports whether q occurs in f right after a separator (. - _ / : @).
func wordStart(f, q string) bool {
	for i := 1; i < len(f); i++ {
		if strings.ContainsRune(".-_/:@", rune(f[i-1])) && strings.HasPrefix(f[i:], q) {
			return true
		}
	}
	return false
}
