package tui

import (
	"testing"
)

// TestPaletteHelpQuestionsEverywhere checks the README's keys table where it says
// "everywhere but a text field": `:` opens the palette, `Q` the guided questions and `?` the
// help, from every pane and every dialog that is not a text field.
func TestPaletteHelpQuestionsEverywhere(t *testing.T) {
	places := []struct {
		name string
		open []string
	}{
		{"principals", nil},
		{"tree", []string{"enter"}},
		{"explanation", []string{"enter", "tab"}},
		{"context editor", []string{"c"}},
		{"what-if editor", []string{"w"}},
		{"help", []string{"?"}},
		{"warnings", []string{"W"}},
		{"guided questions", []string{"Q"}},
	}
	for _, p := range places {
		for _, k := range []string{":", "Q", "?"} {
			if k == "Q" && p.name == "guided questions" {
				continue // Q closes them
			}
			if k == "?" && (p.name == "help" || p.name == "warnings") {
				continue // ? closes the help; the README claims ? in the panes and editors only
			}
			d := newDriver(t, 140, 45, withQuestions(t))
			d.selectPrincipal("dana.whitfield")
			d.press(p.open...)
			d.press(k)
			if len(d.m.overlays) == 0 {
				t.Errorf("%s: %s opened nothing", p.name, k)
				continue
			}
			top := d.m.overlays[len(d.m.overlays)-1]
			ok := false
			switch k {
			case ":":
				_, ok = top.(*paletteOverlay)
			case "Q":
				_, ok = top.(*questionsOverlay)
			case "?":
				_, ok = top.(*helpOverlay)
			}
			if !ok || d.quit {
				t.Errorf("%s: %s gave %T (quit %v)", p.name, k, top, d.quit)
			}
		}
	}
}
