// Package tui is iamscope's explorer: a terminal interface in which a person finds out who can
// do what in an AWS account, and why, drilling from principals to services, actions and
// resources, with every decision explained and recomputed as the request context and
// what-ifs change.
//
// The root model (Model) owns one programContext that every pane shares: sizes and layout,
// styles, key map, accounts and engine, request context and what-ifs. Each pane lives in a
// file of its own. Engine work runs in tea.Cmds that answer with typed messages carrying a
// request id; answers the user has moved on from are dropped. View draws only what is on
// screen and never evaluates or does I/O.
package tui

import (
	"fmt"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/iamscope/iamscope/keymap"
	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/model"
)

// LoadFunc reads the accounts to explore, reporting progress as it goes.
type LoadFunc func(progress loader.ProgressFunc) ([]*model.Account, error)

// Options configure the explorer.
type Options struct {
	// Load reads the accounts; Source names them for the header while they load.
	Load   LoadFunc
	Source string
	// Before reads the earlier state the Changes view compares with (--before, or the demo a
	// week earlier); nil leaves the view out.
	Before LoadFunc
	// Theme is "light", "dark", or "" to follow the terminal's background.
	Theme string
	// NoColor draws without colours (NO_COLOR, --no-color).
	NoColor bool
	// NoMouse leaves the mouse to the terminal, for selecting text.
	NoMouse bool
	// Strict opens the explorer in strict mode (--strict): keys the request context does not
	// set are absent, as AWS sees a request. By default they are unknown (discovery mode).
	Strict bool
	// Questions are the guided questions the tour (Q) offers: the demo's, or a trainer's file
	// (--questions). nil offers none.
	Questions *demo.Questions
	// HistoryPath is the file that keeps the palette's history between sessions ("" keeps it
	// for the session only).
	HistoryPath string
	// Keys is the key map; the zero value means keymap.Default().
	Keys *keymap.KeyMap
	// Now is the clock for the engine and the age of the data; nil means time.Now.
	Now func() time.Time
}

// NoColorFromEnv reports whether the NO_COLOR convention asks for no colour: any non-empty
// value (https://no-color.org).
func NoColorFromEnv() bool { return os.Getenv("NO_COLOR") != "" }

// Run runs the explorer on the terminal until the user quits. The alternate screen is left
// on exit, on ctrl+c, on a panic (Bubble Tea recovers it and restores the terminal) and while
// suspended with ctrl+z.
func Run(opts Options) error {
	if opts.Theme != "" && opts.Theme != "light" && opts.Theme != "dark" {
		return fmt.Errorf("--theme %q: want light or dark", opts.Theme)
	}
	var progOpts []tea.ProgramOption
	if opts.NoColor {
		progOpts = append(progOpts, tea.WithColorProfile(colorprofile.Ascii))
	}
	m := New(opts)
	_, err := tea.NewProgram(m, progOpts...).Run()
	return err
}
