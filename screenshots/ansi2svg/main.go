// Command ansi2svg draws a terminal screen captured with colours (tmux capture-pane -e) as an
// SVG image, cell by cell, for the README's screenshots. It understands the SGR sequences a
// terminal application draws with (colours in 16, 256 and 24-bit form, bold, faint, italic,
// underline, reverse, strikethrough) and ignores every other sequence.
//
//	ansi2svg [-title TEXT] [-bg #0d1117] [-fg #e6edf3] < screen.ansi > screen.svg
package main

import (
	"bufio"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// style is the look of one cell.
type style struct {
	fg, bg                                          string // "" is the default
	bold, faint, italic, underline, reverse, strike bool
}

// cell is one character cell of the screen.
type cell struct {
	r     string
	style style
	wide  bool // the first half of a double-width character
	cont  bool // the second half
}

func main() {
	title := flag.String("title", "", "a caption drawn above the screen")
	bg := flag.String("bg", "#0d1117", "the terminal's background colour")
	fg := flag.String("fg", "#e6edf3", "the terminal's default foreground colour")
	flag.Parse()
	data, err := io.ReadAll(bufio.NewReader(os.Stdin))
	if err != nil {
		fmt.Fprintln(os.Stderr, "ansi2svg:", err)
		os.Exit(1)
	}
	screen := parse(string(data))
	w := bufio.NewWriter(os.Stdout)
	render(w, screen, *title, *bg, *fg)
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "ansi2svg:", err)
		os.Exit(1)
	}
}

// parse reads lines of text and SGR sequences into rows of cells.
func parse(s string) [][]cell {
	var rows [][]cell
	var row []cell
	var st style
	for i := 0; i < len(s); {
		switch {
		case s[i] == '\n':
			rows = append(rows, row)
			row = nil
			i++
		case s[i] == '\r':
			i++
		case s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[':
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			if j < len(s) && s[j] == 'm' {
				st = apply(st, s[i+2:j])
			}
			i = j + 1
		case s[i] == 0x1b:
			i += 2 // another escape: skipped
		default:
			g, width := ansi.FirstGraphemeCluster(s[i:], ansi.GraphemeWidth)
			if g == "" {
				i++
				continue
			}
			if width == 2 {
				row = append(row, cell{r: g, style: st, wide: true}, cell{style: st, cont: true})
			} else {
				row = append(row, cell{r: g, style: st})
			}
			i += len(g)
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows
}

// apply applies the parameters of one SGR sequence.
func apply(st style, params string) style {
	if params == "" {
		return style{}
	}
	ps := strings.FieldsFunc(params, func(r rune) bool { return r == ';' || r == ':' })
	for k := 0; k < len(ps); k++ {
		n, _ := strconv.Atoi(ps[k])
		switch {
		case n == 0:
			st = style{}
		case n == 1:
			st.bold = true
		case n == 2:
			st.faint = true
		case n == 3:
			st.italic = true
		case n == 4:
			st.underline = true
		case n == 7:
			st.reverse = true
		case n == 9:
			st.strike = true
		case n == 22:
			st.bold, st.faint = false, false
		case n == 23:
			st.italic = false
		case n == 24:
			st.underline = false
		case n == 27:
			st.reverse = false
		case n == 29:
			st.strike = false
		case n >= 30 && n <= 37:
			st.fg = palette[n-30]
		case n >= 90 && n <= 97:
			st.fg = palette[n-90+8]
		case n == 39:
			st.fg = ""
		case n >= 40 && n <= 47:
			st.bg = palette[n-40]
		case n >= 100 && n <= 107:
			st.bg = palette[n-100+8]
		case n == 49:
			st.bg = ""
		case n == 38 || n == 48:
			var c string
			c, k = extended(ps, k)
			if n == 38 {
				st.fg = c
			} else {
				st.bg = c
			}
		}
	}
	return st
}

// extended reads a 256-colour (5;n) or 24-bit (2;r;g;b) colour after ps[k].
func extended(ps []string, k int) (string, int) {
	if k+1 >= len(ps) {
		return "", k
	}
	switch ps[k+1] {
	case "5":
		if k+2 < len(ps) {
			n, _ := strconv.Atoi(ps[k+2])
			return color256(n), k + 2
		}
	case "2":
		if k+4 < len(ps) {
			r, _ := strconv.Atoi(ps[k+2])
			g, _ := strconv.Atoi(ps[k+3])
			b, _ := strconv.Atoi(ps[k+4])
			return fmt.Sprintf("#%02x%02x%02x", r, g, b), k + 4
		}
	}
	return "", k
}

// palette is the 16 basic colours (GitHub's dark terminal theme).
var palette = [16]string{
	"#484f58", "#ff7b72", "#3fb950", "#d29922", "#58a6ff", "#bc8cff", "#39c5cf", "#b1bac4",
	"#6e7681", "#ffa198", "#56d364", "#e3b341", "#79c0ff", "#d2a8ff", "#56d4dd", "#ffffff",
}

func color256(n int) string {
	switch {
	case n < 16:
		return palette[n]
	case n < 232:
		n -= 16
		level := func(v int) int {
			if v == 0 {
				return 0
			}
			return 55 + v*40
		}
		return fmt.Sprintf("#%02x%02x%02x", level(n/36), level(n/6%6), level(n%6))
	}
	g := 8 + (n-232)*10
	return fmt.Sprintf("#%02x%02x%02x", g, g, g)
}

// The size of a cell, in pixels, at the font size below.
const (
	cellW    = 8.4
	cellH    = 18.0
	fontSize = 14.0
	pad      = 16.0
)

// render writes the SVG: a background, then for each row the runs of cells that share a
// background as rectangles and the runs that share a style as text, each text run stretched to
// its exact number of cells so that columns line up in any monospace font.
func render(w io.Writer, rows [][]cell, title, bg, fg string) {
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	top := pad
	if title != "" {
		top += cellH * 1.5
	}
	width := pad*2 + float64(cols)*cellW
	height := top + pad + float64(len(rows))*cellH
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f">`+"\n", width, height, width, height)
	fmt.Fprintf(w, `<rect width="100%%" height="100%%" rx="8" fill="%s"/>`+"\n", bg)
	fmt.Fprintf(w, `<g font-family="ui-monospace,SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace" font-size="%.0f">`+"\n", fontSize)
	if title != "" {
		fmt.Fprintf(w, `<text x="%.1f" y="%.1f" fill="#9198a1">%s</text>`+"\n", pad, pad+fontSize, html.EscapeString(title))
	}
	colours := func(c cell) (string, string) {
		f, b := c.style.fg, c.style.bg
		if f == "" {
			f = fg
		}
		if c.style.reverse {
			if b == "" {
				b = bg
			}
			f, b = b, f
		}
		return f, b
	}
	for y, row := range rows {
		ty := top + float64(y)*cellH
		// Backgrounds.
		for x := 0; x < len(row); {
			_, b := colours(row[x])
			end := x + 1
			for end < len(row) {
				if _, b2 := colours(row[end]); b2 != b {
					break
				}
				end++
			}
			if b != "" && b != bg {
				fmt.Fprintf(w, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`+"\n", pad+float64(x)*cellW, ty, float64(end-x)*cellW, cellH, b)
			}
			x = end
		}
		// Text.
		for x := 0; x < len(row); {
			c := row[x]
			if c.cont || strings.TrimSpace(c.r) == "" && !c.style.underline && !c.style.strike {
				x++
				continue
			}
			f, _ := colours(c)
			var text strings.Builder
			end := x
			for end < len(row) && row[end].style == c.style {
				if !row[end].cont {
					text.WriteString(row[end].r)
				}
				end++
			}
			s := strings.TrimRight(text.String(), " ")
			n := ansi.StringWidth(s)
			if n == 0 {
				x = end
				continue
			}
			attrs := fmt.Sprintf(`fill="%s"`, f)
			if c.style.bold {
				attrs += ` font-weight="bold"`
			}
			if c.style.faint {
				attrs += ` opacity="0.6"`
			}
			if c.style.italic {
				attrs += ` font-style="italic"`
			}
			var deco []string
			if c.style.underline {
				deco = append(deco, "underline")
			}
			if c.style.strike {
				deco = append(deco, "line-through")
			}
			if len(deco) > 0 {
				attrs += ` text-decoration="` + strings.Join(deco, " ") + `"`
			}
			fmt.Fprintf(w, `<text x="%.1f" y="%.1f" textLength="%.1f" lengthAdjust="spacingAndGlyphs" xml:space="preserve" %s>%s</text>`+"\n",
				pad+float64(x)*cellW, ty+cellH*0.75, float64(n)*cellW, attrs, html.EscapeString(s))
			x = end
		}
	}
	fmt.Fprintln(w, "</g>\n</svg>")
}
