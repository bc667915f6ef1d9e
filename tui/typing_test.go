package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// Typing goes only where the user looks (issue 15): in the context and what-if editors, text
// typed is never run as commands, q does not quit, ? and : work as everywhere, and the moving
// keys move; a window too small to draw in takes no key but q.

func TestContextEditorTypingRunsNoCommand(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.selectPrincipal("dana.whitfield")
	d.press("c")
	// What the walk typed: a palette command, into the editor.
	d.typeText("can dana.whitfield w space a deny")
	if d.quit || len(d.m.ctx.changes) != 0 {
		t.Fatalf("typing in the context editor ran commands: quit %v, what-ifs %v", d.quit, d.m.ctx.changes)
	}
	if _, ok := d.m.overlays[0].(*contextOverlay); !ok || len(d.m.overlays) != 1 {
		t.Fatalf("the context editor is not the only overlay: %T", d.m.overlays)
	}
	d.press("esc", "esc") // out of the add field, then out of the editor
	if len(d.m.overlays) != 0 {
		t.Fatal("esc did not close the editor")
	}
}

func TestEditorsTakeGlobalAndMovingKeys(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.selectPrincipal("dana.whitfield")
	for _, opener := range []string{"c", "w"} {
		d.press(opener, "q")
		if d.quit || len(d.m.overlays) != 0 {
			t.Fatalf("%s then q: quit %v, overlays %d; want the editor closed", opener, d.quit, len(d.m.overlays))
		}
		d.press(opener, "?")
		if _, ok := d.m.overlays[len(d.m.overlays)-1].(*helpOverlay); !ok {
			t.Errorf("%s then ?: no help", opener)
		}
		d.press("esc", ":")
		if _, ok := d.m.overlays[len(d.m.overlays)-1].(*paletteOverlay); !ok {
			t.Errorf("%s then :: no palette", opener)
		}
		d.press("esc", "esc")
	}
	d.press("c", "G")
	o := d.m.overlays[0].(*contextOverlay)
	if rows := o.rows(d.m); o.cursor != len(rows)-1 {
		t.Errorf("G: cursor %d of %d rows", o.cursor, len(rows))
	}
	d.press("g")
	if o.cursor != 0 {
		t.Errorf("g: cursor %d", o.cursor)
	}
	d.press("pgdown")
	if o.cursor == 0 {
		t.Error("pgdn did not move")
	}
}

func TestTooSmallWindowTakesNoKeys(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.send(tea.WindowSizeMsg{Width: 40, Height: 10})
	before := d.m.principals.cursor
	d.press("c", "m", "j", "w", ":")
	if len(d.m.ctx.req.values) != 0 || d.m.principals.cursor != before || len(d.m.overlays) != 0 {
		t.Errorf("keys acted: context %v, cursor %d→%d, overlays %d", d.m.ctx.req.values, before, d.m.principals.cursor, len(d.m.overlays))
	}
	if s := d.screen(); !strings.Contains(strings.Join(strings.Fields(s), " "), "press q to quit.") {
		t.Errorf("the message is cut:\n%s", s)
	}
	d.press("q")
	if !d.quit {
		t.Error("q did not quit")
	}
}

// TestEditorHelpListsWhatWorksThere: the help opened in an editor lists the keys that work
// there (the palette, the questions, help, close), not the panes' (views, panes, mode).
func TestEditorHelpListsWhatWorksThere(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.selectPrincipal("dana.whitfield")
	for _, opener := range []string{"c", "w"} {
		d.press(opener, "?")
		d.contains("guided questions", "esc/q", "close")
		d.lacks("next view", "previous pane", "strict / discovery")
		d.press("esc", "esc")
	}
}
