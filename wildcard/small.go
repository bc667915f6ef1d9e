package wildcard

import "unicode/utf8"

// smallWork bounds the steps MatchSmall may take: the product of the pattern's and the
// text's lengths. Within it, trying the stars' places in turn costs no more than compiling.
const smallWork = 4096

// MatchSmall matches text against a pattern without compiling it, for a pattern read once (as
// every policy of a request case is). With fold, the pattern is read lower-cased, as eval reads
// action patterns, and the text should be lower case already. It decides (ok) only when both
// strings are ASCII and short: the product of their lengths at most 4,096. Otherwise the caller
// compiles the pattern, whose matching takes linear time on any input. Where it decides, it
// answers as Compile(pattern).Match(text) does (with fold, as Compile of the lower-cased
// pattern).
func MatchSmall(pattern, text string, fold bool) (match, ok bool) {
	if len(pattern)*len(text) > smallWork || !isASCII(pattern) || !isASCII(text) {
		return false, false
	}
	// The pattern's next unit is tried at each place in turn; on a mismatch, the last star
	// takes one more byte of the text and the units after it are tried again from there.
	p, t := 0, 0
	star, starT := -1, 0
	for t < len(text) {
		if p < len(pattern) {
			c := pattern[p]
			if c == '*' {
				star, starT = p, t
				p++
				continue
			}
			if fold && 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c == '?' || c == text[t] {
				p++
				t++
				continue
			}
		}
		if star < 0 {
			return false, true
		}
		starT++
		p, t = star+1, starT
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern), true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
