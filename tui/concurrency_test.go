package tui

import (
	"sync"
	"testing"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
)

// TestCommandsRunTogether runs the commands of many key presses at once, as Bubble Tea does,
// while the badges are decided: the engine is shared by all of them (go test -race).
func TestCommandsRunTogether(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.m.badgesDone, d.m.badgeCursor = false, 0
	for _, it := range d.m.principals.items {
		p := it.(*principalItem)
		p.badges.adminKnown, p.badges.escKnown = false, false
	}
	var cmds []tea.Cmd
	cmds = append(cmds, d.m.nextBadges())
	for _, name := range []string{"dana.whitfield", "omar.haddad", "felix.brandt"} {
		d.selectPrincipal(name)
		for _, svc := range d.m.access.tree.root.children {
			if svc.kind == nkService {
				cmds = append(cmds, d.m.access.expand(d.m.ctx, svc))
			}
		}
		cmds = append(cmds, d.m.setView(viewPaths), d.m.setView(viewAccess))
	}
	cmds = append(cmds, d.m.explain.ask(d.m.ctx, request{principal: findItem(t, d, "ada.okafor").arn, action: "s3:GetObject", resource: "arn:aws:s3:::tidewater-payroll/x"}, true))
	var (
		mu   sync.Mutex
		msgs []tea.Msg
		wg   sync.WaitGroup
		run  func(tea.Cmd)
	)
	run = func(c tea.Cmd) {
		defer wg.Done()
		if c == nil {
			return
		}
		msg := c()
		if inner, ok := asCmds(msg); ok {
			for _, ic := range inner {
				wg.Add(1)
				go run(ic)
			}
			return
		}
		mu.Lock()
		msgs = append(msgs, msg)
		mu.Unlock()
	}
	for _, c := range cmds {
		wg.Add(1)
		go run(c)
	}
	wg.Wait()
	if len(msgs) < 10 {
		t.Fatalf("only %d answers", len(msgs))
	}
	for _, msg := range msgs {
		if _, tick := msg.(spinner.TickMsg); tick {
			continue
		}
		d.send(msg)
	}
	if it := findItem(t, d, "dana.whitfield"); !it.badges.escKnown || !it.badges.escalation {
		t.Errorf("badges not decided: %+v", it.badges)
	}
}
