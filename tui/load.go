package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/model"
)

// progressMsg reports how far the load has got.
type progressMsg struct {
	p  loader.Progress
	ok bool // false: the channel is closed
}

// accountsMsg says the accounts are read and compiled.
type accountsMsg struct {
	accounts []*model.Account
	engine   *eval.Engine
	err      error
}

// compileStage is the stage shown while the engine compiles the policies.
const compileStage = "compiling policies"

// loadCmd reads the accounts and compiles them, reporting progress on ch, which it closes, and
// each account's step of a load of several on board.
func loadCmd(load LoadFunc, now func() time.Time, ch chan loader.Progress, board *loadBoard) tea.Cmd {
	return func() tea.Msg {
		defer close(ch)
		report := func(p loader.Progress) {
			board.record(p)
			select {
			case ch <- p:
			default: // the screen is behind: skip this report, a later one will do
			}
		}
		accounts, err := load(report)
		if err != nil {
			return accountsMsg{err: err}
		}
		n := 0
		for _, a := range accounts {
			n += len(a.Users) + len(a.Groups) + len(a.Roles)
		}
		report(loader.Progress{Stage: compileStage, Done: n, Total: n})
		e := eval.NewEngine(accounts...)
		if now != nil {
			e.Now = now
		}
		return accountsMsg{accounts: accounts, engine: e}
	}
}

// waitProgress waits for the next progress report.
func waitProgress(ch chan loader.Progress) tea.Cmd {
	return func() tea.Msg {
		p, ok := <-ch
		return progressMsg{p: p, ok: ok}
	}
}
