package cli

import (
	"fmt"
	"strings"

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
			return nil, usageErr(fmt.Sprintf("--context %q: want key=value, e.g. aws:MultiFactorAuthPresent=true", clean(kv)))
		}
		if !strings.Contains(key, ":") {
			return nil, usageErr(fmt.Sprintf("--context %q: a condition key has a prefix, e.g. aws:SourceIp", clean(kv)))
		}
		ck, found := catalog.LookupConditionKey(key)
		check := func(v string) error {
			if !found {
				return nil
			}
			if err := eval.CheckContextValue(ck.Type, v); err != nil {
				return usageErr(fmt.Sprintf("--context %q: %s: %v", clean(kv), clean(key), err))
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
