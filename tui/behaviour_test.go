package tui

import (
	"image/color"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/iamscope/iamscope/eval"
)

func TestThemeFollowsTheBackgroundUnlessForced(t *testing.T) {
	d := newDriver(t, 80, 24, func(o *Options) { o.Theme = "" })
	light := tea.BackgroundColorMsg{Color: color.RGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}}
	d.send(light)
	if d.m.ctx.styles.theme.Dark {
		t.Error("a light background left the dark theme")
	}
	forced := newDriver(t, 80, 24, func(o *Options) { o.Theme = "dark" })
	forced.send(light)
	if !forced.m.ctx.styles.theme.Dark {
		t.Error("--theme dark gave way to the background")
	}
}

func TestNoColorDrawsNoColours(t *testing.T) {
	d := newDriver(t, 140, 45, func(o *Options) { o.NoColor = true })
	d.selectPrincipal("dana.whitfield")
	d.press("enter")
	d.treeRow("iam")
	d.press("space", "D")
	for _, seq := range sgrSequences(d.m.View().Content) {
		if isColour(seq) {
			t.Fatalf("colour %q drawn without colour", seq)
		}
	}
	// Decisions still read without colour.
	d.contains("✓", "allow", "✗", "deny")
}

// isColour reports whether an SGR sequence ("[1;38;2;1;2;3m") sets a colour.
func isColour(seq string) bool {
	params := strings.FieldsFunc(strings.TrimSuffix(strings.TrimPrefix(seq, "["), "m"), func(r rune) bool { return r == ';' || r == ':' })
	for i, p := range params {
		n, err := strconv.Atoi(p)
		if err != nil {
			continue
		}
		if i > 0 && (params[i-1] == "4" || params[i-1] == "58") {
			continue // an underline style, not a colour
		}
		if n == 38 || n == 48 || (n >= 30 && n <= 37) || (n >= 40 && n <= 47) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107) {
			return true
		}
	}
	return false
}

// sgrSequences lists the SGR sequences of a drawing, without their ESC.
func sgrSequences(s string) []string {
	var out []string
	for _, m := range sgr.FindAllString(s, -1) {
		out = append(out, m[1:])
	}
	return out
}

func TestMouseSelectsAndScrolls(t *testing.T) {
	d := newDriver(t, 140, 45)
	l := d.m.ctx.layout
	// Click the third principal (the list's rows start under its title).
	d.send(tea.MouseClickMsg{X: 3, Y: l.list.y + 1 + 2, Button: tea.MouseLeft})
	if it := d.m.principals.selected().(*principalItem); it.name != "dana.whitfield" {
		t.Errorf("click selected %s", it.name)
	}
	if d.m.accessFor != findItem(t, d, "dana.whitfield").arn {
		t.Error("the access tree does not follow the click")
	}
	d.send(tea.MouseWheelMsg{X: 3, Y: l.list.y + 5, Button: tea.MouseWheelDown})
	if it := d.m.principals.selected().(*principalItem); it.name == "dana.whitfield" {
		t.Error("the wheel did not move the list")
	}
	// A click in the tree focuses it.
	d.send(tea.MouseClickMsg{X: l.tree.x + 2, Y: l.tree.y + 1, Button: tea.MouseLeft})
	if d.m.focus != focusTree {
		t.Errorf("focus %d after a click in the tree", d.m.focus)
	}
	// --no-mouse: the terminal keeps the mouse.
	nm := newDriver(t, 80, 24, func(o *Options) { o.NoMouse = true })
	if nm.m.View().MouseMode != tea.MouseModeNone || d.m.View().MouseMode != tea.MouseModeCellMotion {
		t.Error("mouse mode does not follow --no-mouse")
	}
	if !d.m.View().AltScreen {
		t.Error("not on the alternate screen")
	}
}

func TestStaleAnswersAreDropped(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.selectPrincipal("felix.brandt")
	d.press("enter")
	svc := d.treeRow("s3")
	// Ask for s3, but do not let the answer arrive yet.
	cmd := d.m.access.expand(d.m.ctx, svc)
	if cmd == nil || !svc.loading {
		t.Fatal("opening s3 asked nothing")
	}
	msg := cmd().(loadedMsg)
	// The user changes the context before the answer arrives: a new epoch.
	d.run(d.m.applyRequest(requestContext{values: map[string]string{keyMFA: "true"}}))
	after := len(svc.children)
	d.send(msg) // the old answer
	if msg.epoch == d.m.ctx.epoch {
		t.Fatal("the context change did not start a new epoch")
	}
	if len(svc.children) != after || svc.loadID == msg.id {
		t.Error("an answer of the old context was taken")
	}
	// An explanation the user has moved on from is dropped too.
	d.treeRow("s3:GetObject")
	old := d.m.explain.id
	stale := explainedMsg{id: old - 1, epoch: d.m.ctx.epoch, req: request{principal: "x", action: "y", resource: "z"}, err: errStale}
	d.send(stale)
	if d.m.explain.err != nil {
		t.Error("a stale explanation was shown")
	}
}

var errStale = &staleError{}

type staleError struct{}

func (*staleError) Error() string { return "stale" }

func TestGroupShowsItsMembersAccess(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.selectPrincipal("sre")
	d.press("enter")
	d.contains("user omar.haddad", "user priya.raman")
	d.treeRow("user omar.haddad")
	d.press("space")
	d.contains("sts")
	d.press("[")
	d.contains("A group does not act")
}

func TestWhatIfErrorIsShown(t *testing.T) {
	d := newDriver(t, 80, 24)
	d.run(d.m.setChanges([]eval.Change{eval.DetachPolicy{Entity: "arn:aws:iam::210987654321:user/nobody", Policy: "x"}}))
	if d.m.ctx.whatIfActive() || !d.m.statusErr {
		t.Error("a what-if naming nothing was applied")
	}
	d.contains("no such user")
}
