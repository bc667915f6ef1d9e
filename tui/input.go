package tui

import (
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
)

// lineInput is a one-line text field: typing inserts at the cursor; backspace, delete,
// left, right, home/ctrl+a, end/ctrl+e, ctrl+u (clear to start) and ctrl+w (delete a word)
// edit. It has no blinking cursor, so that it draws the same every time.
type lineInput struct {
	prompt string
	value  []rune
	pos    int
}

func newInput(prompt, value string) lineInput {
	in := lineInput{prompt: prompt}
	in.setValue(value)
	return in
}

func (in *lineInput) setValue(s string) {
	in.value = []rune(s)
	in.pos = len(in.value)
}

func (in lineInput) String() string { return string(in.value) }

// update applies a key press; it reports whether the key edited the field.
func (in *lineInput) update(msg tea.KeyPressMsg) bool {
	switch msg.String() {
	case "backspace", "ctrl+h":
		if in.pos > 0 {
			in.value = append(in.value[:in.pos-1], in.value[in.pos:]...)
			in.pos--
		}
	case "delete", "ctrl+d":
		if in.pos < len(in.value) {
			in.value = append(in.value[:in.pos], in.value[in.pos+1:]...)
		}
	case "left", "ctrl+b":
		in.pos = max(in.pos-1, 0)
	case "right", "ctrl+f":
		in.pos = min(in.pos+1, len(in.value))
	case "home", "ctrl+a":
		in.pos = 0
	case "end", "ctrl+e":
		in.pos = len(in.value)
	case "ctrl+u":
		in.value = in.value[in.pos:]
		in.pos = 0
	case "ctrl+w":
		start := in.pos
		for start > 0 && in.value[start-1] == ' ' {
			start--
		}
		for start > 0 && in.value[start-1] != ' ' {
			start--
		}
		in.value = append(in.value[:start], in.value[in.pos:]...)
		in.pos = start
	default:
		if msg.Text == "" || msg.Mod&(tea.ModCtrl|tea.ModAlt) != 0 {
			return false
		}
		in.insert(msg.Text)
	}
	return true
}

// insert types text at the cursor; control characters are dropped.
func (in *lineInput) insert(text string) {
	text = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, clean(text))
	rs := []rune(text)
	v := make([]rune, 0, len(in.value)+len(rs))
	v = append(v, in.value[:in.pos]...)
	v = append(v, rs...)
	v = append(v, in.value[in.pos:]...)
	in.value = v
	in.pos += len(rs)
}

// view draws the prompt and the value, with the cursor as a reversed cell, in w cells.
func (in lineInput) view(s *styles, w int) string {
	cur := " "
	after := ""
	if in.pos < len(in.value) {
		cur = string(in.value[in.pos])
		after = string(in.value[in.pos+1:])
	}
	before := string(in.value[:in.pos])
	// Keep the cursor in view: drop text from the left when the text before it and the
	// cursor's cell do not fit beside the prompt.
	avail := w - width(in.prompt)
	for avail > 0 && width(before)+1 > avail && before != "" {
		_, size := utf8.DecodeRuneInString(before)
		before = before[size:]
	}
	cursor := s.rowSelected.Reverse(true).Render(cur)
	return fit(s.bold.Render(in.prompt)+before+cursor+after, w)
}
