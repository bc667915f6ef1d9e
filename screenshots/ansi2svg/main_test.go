package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseStyles(t *testing.T) {
	rows := parse("\x1b[1;38;2;1;2;3mAB\x1b[0m C\x1b[48;5;196mD\x1b[49mE\n\x1b[7mx\x1b]0;t\x07")
	if len(rows) != 2 || len(rows[0]) != 6 {
		t.Fatalf("rows %v", rows)
	}
	a := rows[0][0]
	if !a.style.bold || a.style.fg != "#010203" {
		t.Errorf("A: %+v", a)
	}
	if rows[0][2].style != (style{}) {
		t.Errorf("reset: %+v", rows[0][2])
	}
	if rows[0][4].style.bg != "#ff0000" || rows[0][5].style.bg != "" {
		t.Errorf("bg: %+v %+v", rows[0][4], rows[0][5])
	}
	if !rows[1][0].style.reverse {
		t.Errorf("reverse: %+v", rows[1][0])
	}
}

func TestRenderEscapesAndAligns(t *testing.T) {
	var b bytes.Buffer
	render(&b, parse("a<b>&\x1b[41m  \x1b[0m✓ 東\n"), "t", "#000000", "#ffffff")
	svg := b.String()
	for _, want := range []string{"a&lt;b&gt;&amp;", `fill="#ff7b72"`, "✓ 東", `<svg`, "</svg>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("svg lacks %q:\n%s", want, svg)
		}
	}
}
