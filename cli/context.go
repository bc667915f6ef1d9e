package cli

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/eval"
)

// parseContext reads --context key=value flags into a request context. A key that AWS types
// as multivalued (aws:TagKeys, ...) takes a comma-separated list; others take the value whole.
func parseContext(pairs []string) (*eval.Context, error) {
	ctx := eval.NewContext()
	for _, kv := range pairs {
		key, value, ok := strings.Cut(kv, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" {
			return nil, usageErr(fmt.Sprintf("--context %s: want key=value, e.g. aws:MultiFactorAuthPresent=true", quoteBounded(kv)))
		}
		if !strings.Contains(key, ":") {
			return nil, usageErr(fmt.Sprintf("--context %s: a condition key has a prefix, e.g. aws:SourceIp", quoteBounded(kv)))
		}
		ck, found := catalog.LookupConditionKey(key)
		check := func(v string) error {
			if !found {
				return nil
			}
			if err := eval.CheckContextValue(ck.Type, v); err != nil {
				// The engine's message quotes the value whole: quote a bounded prefix instead.
				msg := strings.Replace(err.Error(), strconv.Quote(v), quoteBounded(v), 1)
				return usageErr(fmt.Sprintf("--context %s: %s: %s", quoteBounded(kv), bounded(key), clean(msg)))
			}
			return nil
		}
		if found && ck.IsMultivalued() {
			var vals []string
			if value != "" {
				vals = strings.Split(value, ",")
			}
			for _, v := range vals {
				if err := check(v); err != nil {
					return nil, err
				}
			}
			ctx.SetMulti(key, vals)
			continue
		}
		if err := check(value); err != nil {
			return nil, err
		}
		ctx.Set(key, value)
	}
	return ctx, nil
}

// maxQuoted is how many bytes of a flag's value an error message quotes.
const maxQuoted = 80

// quoteBounded quotes bounded(s) for an error message.
func quoteBounded(s string) string {
	b, n := boundedPrefix(s)
	if n == len(s) {
		return strconv.Quote(b)
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(b), len(s))
}

// bounded is s cleaned for the terminal, for an error message: whole when short, else its
// first maxQuoted bytes (whole characters), an ellipsis and its length, so that a huge value
// does not make a huge message.
func bounded(s string) string {
	b, n := boundedPrefix(s)
	if n == len(s) {
		return b
	}
	return fmt.Sprintf("%s… (%d bytes)", b, len(s))
}

// boundedPrefix returns the first maxQuoted bytes of s (or all of it), cut between
// characters and cleaned, and how many bytes of s it took.
func boundedPrefix(s string) (string, int) {
	if len(s) <= maxQuoted {
		return clean(s), len(s)
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return clean(s[:cut]), cut
}
