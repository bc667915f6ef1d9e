package tui

import (
	"slices"
	"sync"

	"github.com/iamscope/iamscope/loader"
)

// loadBoard is where a load of several accounts (an organization, several profiles) writes
// each account's latest step, so that the loading screen lists every account. Progress reports
// to the screen may be dropped when it is behind; the board never drops one.
type loadBoard struct {
	mu    sync.Mutex
	order []string // accounts in the order first seen
	steps map[string]accountStep
}

// accountStep is one account's latest step of the load.
type accountStep struct {
	account, step string
	done, total   int
	warnings      int
}

// record keeps the report's step for its account; a report about no account is ignored.
func (b *loadBoard) record(p loader.Progress) {
	if p.Account == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.steps == nil {
		b.steps = map[string]accountStep{}
	}
	if _, ok := b.steps[p.Account]; !ok {
		b.order = append(b.order, p.Account)
	}
	b.steps[p.Account] = accountStep{account: p.Account, step: p.Step, done: p.Done, total: p.Total, warnings: p.Warnings}
}

// rows returns every account's step: those still loading first, in the order first seen,
// then those done.
func (b *loadBoard) rows() []accountStep {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]accountStep, 0, len(b.order))
	for _, a := range b.order {
		out = append(out, b.steps[a])
	}
	slices.SortStableFunc(out, func(x, y accountStep) int {
		switch xd, yd := x.step == "done", y.step == "done"; {
		case xd == yd:
			return 0
		case yd:
			return -1
		}
		return 1
	})
	return out
}
