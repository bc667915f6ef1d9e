package tui

import (
	"math/rand"
	"reflect"
	"strings"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
)

// A burst is keys pressed faster than the engine answers: each key's commands are held, not
// run, until the burst is over; then every answer is delivered in an order the test chooses
// (reversed, or shuffled), and the commands those answers start are held and delivered the
// same way until none is left. This is what a person typing ahead in a real terminal does to
// the explorer, made reproducible.

// orderFunc puts the answers of a burst in the order they are delivered.
type orderFunc = func([]tea.Msg)

// burst presses the keys without running their commands, then settles.
func (d *driver) burst(order orderFunc, keys ...string) {
	var held []tea.Cmd
	for _, k := range keys {
		_, cmd := d.m.Update(keyMsg(k))
		held = append(held, cmd)
	}
	d.settle(held, order)
}

// settle runs the held commands, hands their answers to Update in the order order puts them
// in, and goes on with the commands the answers start, until there are none.
func (d *driver) settle(held []tea.Cmd, order orderFunc) {
	for len(held) > 0 {
		var msgs []tea.Msg
		for _, c := range held {
			msgs = append(msgs, d.answers(c)...)
		}
		held = held[:0]
		order(msgs)
		for _, msg := range msgs {
			_, next := d.m.Update(msg)
			held = append(held, next)
		}
	}
}

// answers runs a command and the commands of its batches and sequences, and returns the
// messages meant for Update (not spinner ticks, requests to the terminal or quitting).
func (d *driver) answers(c tea.Cmd) []tea.Msg {
	if c == nil {
		return nil
	}
	msg := c()
	if cmds, ok := asCmds(msg); ok {
		var out []tea.Msg
		for _, ic := range cmds {
			out = append(out, d.answers(ic)...)
		}
		return out
	}
	switch msg.(type) {
	case nil, spinner.TickMsg:
		return nil
	case tea.QuitMsg:
		d.quit = true
		return nil
	}
	if t := reflect.TypeOf(msg); t.PkgPath() == "charm.land/bubbletea/v2" {
		return nil
	}
	return []tea.Msg{msg}
}

// reversed delivers the answers last first: the oldest request is answered last.
func reversed(msgs []tea.Msg) {
	for i, j := 0, len(msgs)-1; i < j; i, j = i+1, j-1 {
		msgs[i], msgs[j] = msgs[j], msgs[i]
	}
}

// shuffled delivers the answers in an order drawn from r.
func shuffled(r *rand.Rand) orderFunc {
	return func(msgs []tea.Msg) {
		r.Shuffle(len(msgs), func(i, j int) { msgs[i], msgs[j] = msgs[j], msgs[i] })
	}
}

// explanationMismatch says how the explanation pane fails to show the selected row of the
// current tree, "" when it shows it: the explanation of the row's request, decided, or the
// row's description when it has no request.
func explanationMismatch(m *Model) string {
	n := m.currentTree().tree.selected()
	if n == nil {
		return ""
	}
	e := &m.explain
	if !n.req.valid() {
		if e.req.valid() || e.result != nil || e.loading {
			return "row " + n.key + " has no request, the pane shows " + e.title
		}
		if e.info != n {
			return "row " + n.key + " has no request, the pane describes another row: " + e.title
		}
		return ""
	}
	switch {
	case e.loading:
		return "the explanation of row " + n.key + " never arrived"
	case e.req != n.req || e.result == nil:
		return "row " + n.key + " asks " + n.req.action + " on " + n.req.resource + ", the pane explains " + e.req.action + " on " + e.req.resource
	case !strings.Contains(docText(&e.doc), "do "+clean(n.req.action)+" on "+clean(n.req.resource)+"?"):
		return "the pane's text is not the explanation of row " + n.key
	}
	return ""
}

// docText is a document's logical lines, one a line, unwrapped.
func docText(d *document) string {
	var b strings.Builder
	for _, l := range d.lines {
		b.WriteString(l.text)
		b.WriteByte('\n')
	}
	return b.String()
}
