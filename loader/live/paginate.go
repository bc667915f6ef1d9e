package live

import (
	"context"
	"fmt"
)

// maxPages bounds one listing, so that a service that never stops paginating cannot hold a
// load forever (a million pages is far beyond any real account).
const maxPages = 1_000_000

// paginate walks a paginated listing: page is called with the previous page's token ("" for the
// first) and returns the next one ("" after the last). It stops with an error when a token
// repeats, rather than looping, and when ctx is done.
func paginate(ctx context.Context, op string, page func(ctx context.Context, token string) (next string, err error)) error {
	seen := map[string]bool{}
	token := ""
	for range maxPages {
		if err := context.Cause(ctx); err != nil {
			return err
		}
		next, err := page(ctx, token)
		if err != nil {
			return err
		}
		if next == "" {
			return nil
		}
		if seen[next] {
			return fmt.Errorf("%s returned the pagination token %q twice; the listing is incomplete", op, next)
		}
		seen[next] = true
		token = next
	}
	return fmt.Errorf("%s: more than %d pages; the listing is incomplete", op, maxPages)
}

// optional returns nil for "" and a pointer to s otherwise: the form the SDK wants a first
// page's token in.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
