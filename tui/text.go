package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/iamscope/iamscope/internal/sanitize"
)

// clean is the one way text from an account reaches the screen: every name, tag, ARN, policy
// text and warning goes through it (see internal/sanitize).
func clean(s string) string { return sanitize.Text(s) }

// fit truncates s (which may hold styles) to w cells, with an ellipsis, and pads it with
// spaces to exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// truncate shortens s to at most w cells, with an ellipsis.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// width is the number of cells s takes.
func width(s string) int { return ansi.StringWidth(s) }

// wrap breaks plain text into lines of at most w cells, at spaces where it can.
func wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	if width(s) <= w {
		return []string{s}
	}
	return strings.Split(ansi.Wrap(s, w, " /,"), "\n")
}

// block pads or cuts lines to exactly h lines of w cells.
func block(lines []string, w, h int) []string {
	out := make([]string, h)
	for i := range out {
		if i < len(lines) {
			out[i] = fit(lines[i], w)
		} else {
			out[i] = strings.Repeat(" ", w)
		}
	}
	return out
}

// ansiStrip removes the styles from a drawn string.
func ansiStrip(s string) string { return ansi.Strip(s) }

// padLines adds blank lines of w cells until there are n.
func padLines(lines []string, w, n int) []string {
	for len(lines) < n {
		lines = append(lines, fit("", w))
	}
	return lines
}
