package wildcard

import (
	"reflect"
	"strings"
	"testing"
)

// TestCompileShortASCIIAsFromParts checks that the ASCII shortcut builds the very pattern the
// general path builds.
func TestCompileShortASCIIAsFromParts(t *testing.T) {
	for _, pattern := range []string{
		"a?b", "?", "??", "*?*", "arn:aws:s3:::bucket-?/*", "s3:Get?bject*", "**?", "?*", "a*b?c*d",
		strings.Repeat("?", shiftAndMin-1) + "*x", strings.Repeat("a?", 40), "é?",
	} {
		got, ok := compileShortASCII(pattern)
		if !ok {
			continue
		}
		var parts []Part
		start := 0
		for i := 0; i < len(pattern); i++ {
			if pattern[i] == '*' || pattern[i] == '?' {
				if start < i {
					parts = append(parts, Part{Text: pattern[start:i]})
				}
				parts = append(parts, Part{Star: pattern[i] == '*', Any: pattern[i] == '?'})
				start = i + 1
			}
		}
		if start < len(pattern) {
			parts = append(parts, Part{Text: pattern[start:]})
		}
		if want := FromParts(parts); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: compileShortASCII = %+v, FromParts = %+v", pattern, got, want)
		}
	}
}
