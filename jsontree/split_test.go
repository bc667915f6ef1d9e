package jsontree

import (
	"strings"
	"testing"
)

// TestSplitReadItemAsItems checks that Split and ReadItem together accept exactly the arrays
// Items accepts, nesting limit included.
func TestSplitReadItemAsItems(t *testing.T) {
	deep := func(n int) string { return "[" + strings.Repeat("[", n) + strings.Repeat("]", n) + "]" }
	for _, text := range []string{
		`[]`, ` [ 1 , "a" , {"k":[true,null]} ] `, `[1 2]`, `[{]`, `[1,]`, `["\u00e9", "\ud800"]`,
		`{}`, `null`, `[`, deep(maxDepth - 1), deep(maxDepth), deep(maxDepth + 1),
	} {
		_, want := Items([]byte(text))
		items, got := Split([]byte(text))
		var rd Reader
		for _, it := range items {
			if _, ok := rd.ReadItem(it); !ok {
				got = false
			}
		}
		if got != want {
			t.Errorf("%.40q: Split and ReadItem accept it: %v, Items: %v", text, got, want)
		}
	}
}
