package tui

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// panicky is the explorer with a bug: it panics on the first key press.
type panicky struct{ *Model }

func (p panicky) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tea.KeyPressMsg); ok {
		panic("a bug")
	}
	_, cmd := p.Model.Update(msg)
	return p, cmd
}

// TestPanicLeavesTheAlternateScreen runs the explorer in a real program that panics, and checks
// that the terminal is given back: the alternate screen entered, then left.
func TestPanicLeavesTheAlternateScreen(t *testing.T) {
	var out bytes.Buffer
	in, keys := io.Pipe()
	defer keys.Close()
	go func() {
		time.Sleep(500 * time.Millisecond) // the explorer is up
		keys.Write([]byte("j"))
	}()
	// Bubble Tea reports the panic on standard error; keep it out of the test's output.
	stderr := os.Stderr
	report, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	os.Stderr = report
	m := panicky{New(Options{Load: demoLoad, Source: "demo", Theme: "dark", Now: func() time.Time { return testNow }})}
	p := tea.NewProgram(m, tea.WithInput(in), tea.WithOutput(&out), tea.WithWindowSize(80, 24))
	_, err = p.Run()
	os.Stderr = stderr
	report.Close()
	if !errors.Is(err, tea.ErrProgramPanic) {
		t.Fatalf("run: %v", err)
	}
	if said, _ := os.ReadFile(report.Name()); !strings.Contains(string(said), "Restoring terminal") {
		t.Errorf("standard error: %q", said)
	}
	s := out.String()
	enter, leave := strings.Index(s, "\x1b[?1049h"), strings.LastIndex(s, "\x1b[?1049l")
	if enter < 0 || leave < enter {
		t.Errorf("alternate screen entered at %d, left at %d", enter, leave)
	}
}
