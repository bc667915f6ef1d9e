package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestInputScrollsOnlyWhenFull: the field drops text from the left only once the text and the
// cursor's cell no longer fit beside the prompt (issue 15: it scrolled one character early).
func TestInputScrollsOnlyWhenFull(t *testing.T) {
	st := newStyles(Theme{Dark: true})
	const w = 20
	in := newInput(": ", "")
	full := strings.Repeat("x", w-4) + "y" // with the cursor's cell: exactly w
	in.insert(full)
	if got := ansi.Strip(in.view(st, w)); got != ": "+full+" " {
		t.Errorf("a full field: %q, want it whole", got)
	}
	in.insert("z")
	if got := ansi.Strip(in.view(st, w)); !strings.HasSuffix(got, "yz ") || strings.Count(got, "x") != w-5 {
		t.Errorf("one more: %q, want the first character dropped", got)
	}
}
