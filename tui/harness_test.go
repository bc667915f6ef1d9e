package tui

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testNow is the clock of every test: eight months after the demo data was read.
var testNow = time.Date(2025, 11, 14, 9, 0, 0, 0, time.UTC)

func demoLoad(loader.ProgressFunc) ([]*model.Account, error) { return demo.Accounts() }

// driver runs a model the way Bubble Tea does, but synchronously: every command is run and
// its message handed to Update until there is nothing left, so that engine-backed flows are
// deterministic. Spinner ticks are dropped (they are timers), and so is quitting.
type driver struct {
	t       *testing.T
	m       *Model
	quit    bool
	clip    []string
	pending []tea.Cmd
}

func newDriver(t *testing.T, w, h int, opts ...func(*Options)) *driver {
	t.Helper()
	o := Options{Load: demoLoad, Source: "demo", Theme: "dark", Now: func() time.Time { return testNow }}
	for _, f := range opts {
		f(&o)
	}
	d := &driver{t: t, m: New(o)}
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	d.run(d.m.Init())
	if d.m.state != stateReady {
		t.Fatalf("not ready after Init: state %d, %v", d.m.state, d.m.loadErr)
	}
	return d
}

// run runs a command and everything that follows from it.
func (d *driver) run(cmd tea.Cmd) {
	d.pending = append(d.pending, cmd)
	for len(d.pending) > 0 {
		c := d.pending[0]
		d.pending = d.pending[1:]
		if c == nil {
			continue
		}
		msg := c()
		if cmds, ok := asCmds(msg); ok {
			d.pending = append(d.pending, cmds...)
			continue
		}
		switch msg.(type) {
		case spinner.TickMsg:
			continue
		case tea.QuitMsg:
			d.quit = true
			continue
		case nil:
			continue
		}
		if t := reflect.TypeOf(msg); t.PkgPath() == "charm.land/bubbletea/v2" {
			if strings.Contains(t.Name(), "lipboard") {
				d.clip = append(d.clip, reflect.ValueOf(msg).String())
			}
			continue // requests to the terminal
		}
		_, next := d.m.Update(msg)
		d.pending = append(d.pending, next)
	}
}

// asCmds unpacks a batch or sequence of commands.
func asCmds(msg tea.Msg) ([]tea.Cmd, bool) {
	if b, ok := msg.(tea.BatchMsg); ok {
		return b, true
	}
	v := reflect.ValueOf(msg)
	if v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
		out := make([]tea.Cmd, v.Len())
		for i := range out {
			out[i] = v.Index(i).Interface().(tea.Cmd)
		}
		return out, true
	}
	return nil, false
}

func (d *driver) send(msg tea.Msg) {
	_, cmd := d.m.Update(msg)
	d.run(cmd)
}

// keyMsg makes the key press a key name stands for, as Bubble Tea names keys.
func keyMsg(name string) tea.KeyPressMsg {
	special := map[string]tea.Key{
		"enter": {Code: tea.KeyEnter}, "esc": {Code: tea.KeyEscape}, "tab": {Code: tea.KeyTab},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift}, "space": {Code: tea.KeySpace, Text: " "},
		"up": {Code: tea.KeyUp}, "down": {Code: tea.KeyDown}, "left": {Code: tea.KeyLeft}, "right": {Code: tea.KeyRight},
		"backspace": {Code: tea.KeyBackspace}, "pgdown": {Code: tea.KeyPgDown}, "pgup": {Code: tea.KeyPgUp},
		"ctrl+c": {Code: 'c', Mod: tea.ModCtrl}, "ctrl+z": {Code: 'z', Mod: tea.ModCtrl}, "ctrl+t": {Code: 't', Mod: tea.ModCtrl},
		"ctrl+u": {Code: 'u', Mod: tea.ModCtrl},
	}
	if k, ok := special[name]; ok {
		return tea.KeyPressMsg(k)
	}
	r := []rune(name)
	return tea.KeyPressMsg{Code: r[0], Text: name}
}

// press presses keys by name.
func (d *driver) press(keys ...string) {
	for _, k := range keys {
		d.send(keyMsg(k))
	}
}

// typeText types text, one key per character.
func (d *driver) typeText(s string) {
	for _, r := range s {
		if r == ' ' {
			d.send(keyMsg("space"))
			continue
		}
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// screen is the view without colours.
func (d *driver) screen() string {
	return ansi.Strip(d.m.View().Content)
}

// golden compares the screen with testdata/NAME.golden (rewritten with -update).
func (d *driver) golden(name string) {
	d.t.Helper()
	got := d.screen()
	checkGolden(d.t, name, got)
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tui -update to write it)", err)
	}
	if string(want) != got {
		t.Errorf("screen differs from %s (go test ./tui -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// contains fails unless the screen shows every text.
func (d *driver) contains(texts ...string) {
	d.t.Helper()
	s := d.screen()
	for _, x := range texts {
		if !strings.Contains(s, x) {
			d.t.Errorf("screen does not show %q:\n%s", x, s)
			return
		}
	}
}

func (d *driver) lacks(texts ...string) {
	d.t.Helper()
	s := d.screen()
	for _, x := range texts {
		if strings.Contains(s, x) {
			d.t.Errorf("screen shows %q:\n%s", x, s)
			return
		}
	}
}

// selectPrincipal moves the principals list to the principal with the name, by filtering.
func (d *driver) selectPrincipal(name string) {
	d.t.Helper()
	d.m.focus = focusList
	if !d.m.principals.selectItem(func(it listItem) bool { return it.(*principalItem).name == name }) {
		d.t.Fatalf("no principal %s", name)
	}
	d.run(d.m.listChanged())
}

// treeRow selects the row of the current tree whose label is text.
func (d *driver) treeRow(text string) *node {
	d.t.Helper()
	tp := d.m.currentTree()
	tp.tree.flatten()
	for i, n := range tp.tree.rows {
		if n.label == text {
			d.m.focus = focusTree
			tp.tree.cursor = i
			d.run(d.m.followSelection(false))
			return n
		}
	}
	var labels []string
	for _, n := range tp.tree.rows {
		labels = append(labels, n.label)
	}
	d.t.Fatalf("no row %q in %v", text, labels)
	return nil
}
