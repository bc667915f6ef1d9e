package tui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/synth"
	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/model"
)

// The benchmarks of this file measure one key press, Update and View together, on the large
// generated account (internal/synth's default: 5,000 roles, 1,500 users, 3,000 policies).
// The commands a key press returns run off the event loop in the program and are not
// measured; the state they build (an open service of hundreds of actions, an explanation) is
// made before the timer starts. The target is one frame, 16 ms.

// largeAccount is the large account (read once per process by internal/synth), compiled
// afresh for each benchmark.
func largeAccount(b *testing.B) ([]*model.Account, *eval.Engine) {
	accounts, err := synth.Default()
	if err != nil {
		b.Fatal(err)
	}
	e := eval.NewEngine(accounts...)
	e.Now = func() time.Time { return testNow }
	return accounts, e
}

// benchModel is the explorer on the large account at 140x45, with the principal of widest
// access selected, its largest service open and an action explained. Badges are not decided
// (they run in the background in the program).
func benchModel(b *testing.B) *driver {
	b.Helper()
	accounts, e := largeAccount(b)
	d := &driver{m: New(Options{Source: "synth", Theme: "dark", Now: func() time.Time { return testNow }})}
	d.t = &testing.T{}
	d.m.Update(tea.WindowSizeMsg{Width: 140, Height: 45})
	d.m.badgesDone = true
	d.m.setReady(accounts, e) // its commands (the first principal's trees) are not run

	// The principal whose identity policies name the most services, among the roles.
	var best *principalItem
	bestN := -1
	for _, it := range d.m.principals.items {
		p := it.(*principalItem)
		if p.kind != model.EntityRole {
			continue
		}
		ep, _ := e.Principal(p.arn)
		if n := len(ep.Identity); n > bestN {
			best, bestN = p, n
		}
	}
	d.m.principals.selectItem(func(it listItem) bool { return it == best })
	d.run(d.m.selectPrincipal())
	// Open the service with the most actions.
	var big *node
	for _, svc := range d.m.access.tree.root.children {
		if svc.kind == nkService && (big == nil || svc.service == "ec2") {
			big = svc
		}
	}
	if big == nil {
		b.Fatalf("%s has no service", best.name)
	}
	d.run(d.m.access.expand(d.m.ctx, big))
	d.m.focus = focusTree
	d.m.access.tree.selectKey(big.key)
	d.m.access.tree.move(3, 44)
	if n := d.m.access.tree.selected(); n != nil && n.req.valid() {
		d.run(d.m.explain.ask(d.m.ctx, n.req, true))
	}
	d.m.View()
	b.Logf("%s: %d services, %s open with %d rows in the tree", best.name, len(d.m.access.tree.root.children), big.service, len(d.m.access.tree.rows))
	return d
}

// updateText types text into the model, one Update a character, running none of the commands.
func updateText(d *driver, text string) {
	for _, k := range text {
		d.m.Update(tea.KeyPressMsg{Code: k, Text: string(k)})
	}
}

// press measures keys pressed in turn, each Update then View.
func benchKeys(b *testing.B, d *driver, keys ...tea.KeyPressMsg) {
	b.Helper()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		d.m.Update(keys[i%len(keys)])
		d.m.View()
		i++
	}
}

func BenchmarkKeyPrincipalsDown(b *testing.B) {
	d := benchModel(b)
	d.m.focus = focusList
	benchKeys(b, d, keyMsg("j"), keyMsg("k"))
}

func BenchmarkKeyPrincipalsFilter(b *testing.B) {
	d := benchModel(b)
	d.m.focus = focusList
	d.m.Update(keyMsg("/"))
	d.m.Update(keyMsg("a"))
	benchKeys(b, d, keyMsg("p"), keyMsg("backspace"))
}

func BenchmarkKeyTreeDown(b *testing.B) {
	d := benchModel(b)
	benchKeys(b, d, keyMsg("j"), keyMsg("k"))
}

func BenchmarkKeyTreePageDown(b *testing.B) {
	d := benchModel(b)
	benchKeys(b, d, keyMsg("pgdown"), keyMsg("pgup"))
}

func BenchmarkKeyTreeFilter(b *testing.B) {
	d := benchModel(b)
	d.m.Update(keyMsg("/"))
	updateText(d, "describe")
	benchKeys(b, d, keyMsg("s"), keyMsg("backspace"))
}

func BenchmarkKeyTreeToggleWrites(b *testing.B) {
	d := benchModel(b)
	benchKeys(b, d, keyMsg("M"))
}

func BenchmarkKeyExplanationScroll(b *testing.B) {
	d := benchModel(b)
	d.m.focus = focusDoc
	benchKeys(b, d, keyMsg("pgdown"), keyMsg("pgup"))
}

func BenchmarkKeyOpenPalette(b *testing.B) {
	d := benchModel(b)
	benchKeys(b, d, keyMsg(":"), keyMsg("esc"))
}

func BenchmarkKeyPaletteTypeAction(b *testing.B) {
	d := benchModel(b)
	d.m.Update(keyMsg(":"))
	updateText(d, "s3:get")
	benchKeys(b, d, keyMsg("o"), keyMsg("backspace"))
}

func BenchmarkViewOnly(b *testing.B) {
	d := benchModel(b)
	b.ReportAllocs()
	for b.Loop() {
		d.m.View()
	}
}

// demoBenchModel is the explorer on the demo account at 140x45 with its guided questions.
func demoBenchModel(b *testing.B) *driver {
	b.Helper()
	accounts, err := demo.Accounts()
	if err != nil {
		b.Fatal(err)
	}
	qs, err := demo.GuidedQuestions()
	if err != nil {
		b.Fatal(err)
	}
	e := eval.NewEngine(accounts...)
	e.Now = func() time.Time { return testNow }
	d := &driver{m: New(Options{Source: "demo", Theme: "dark", Now: func() time.Time { return testNow }, Questions: qs})}
	d.t = &testing.T{}
	d.m.Update(tea.WindowSizeMsg{Width: 140, Height: 45})
	d.m.badgesDone = true
	d.run(d.m.setReady(accounts, e))
	return d
}

// BenchmarkKeyTourAsk measures asking a guided question: Q, then its digit (the question's
// answer and trees are computed by the commands, off the event loop).
func BenchmarkKeyTourAsk(b *testing.B) {
	d := demoBenchModel(b)
	benchKeys(b, d, keyMsg("Q"), keyMsg("5"), keyMsg("Q"), keyMsg("2"))
}

// BenchmarkKeyPaletteHistory measures ↑ and ↓ through a full palette history.
func BenchmarkKeyPaletteHistory(b *testing.B) {
	d := benchModel(b)
	for i := range maxHistory {
		d.m.history = append(d.m.history, "who-can s3:GetObject arn:aws:s3:::bucket-"+string(rune('a'+i%26))+"/*")
	}
	d.m.Update(keyMsg(":"))
	benchKeys(b, d, keyMsg("up"), keyMsg("up"), keyMsg("down"), keyMsg("down"))
}

// BenchmarkChangesDiffDemo is the Changes view's work off the event loop on the demo: the
// earlier state compiled and diffed against the demo (the earlier state read once, as the
// view keeps it).
func BenchmarkChangesDiffDemo(b *testing.B) {
	d := &driver{m: New(Options{Load: demoLoad, Before: demoBefore, Source: "demo", Theme: "dark", Now: func() time.Time { return testNow }})}
	d.t = &testing.T{}
	d.send(tea.WindowSizeMsg{Width: 140, Height: 45})
	d.run(d.m.Init())
	for b.Loop() {
		if msg, ok := d.m.startDiff()().(changesMsg); !ok || msg.err != nil {
			b.Fatal("no diff")
		}
	}
}

// BenchmarkKeyChangesDown is a key press in the Changes tree of grace.mwangi on the demo.
func BenchmarkKeyChangesDown(b *testing.B) {
	d := &driver{m: New(Options{Load: demoLoad, Before: demoBefore, Source: "demo", Theme: "dark", Now: func() time.Time { return testNow }})}
	d.t = &testing.T{}
	d.send(tea.WindowSizeMsg{Width: 140, Height: 45})
	d.run(d.m.Init())
	d.press("[")
	d.m.changes.selectItem(func(li listItem) bool { return li.(*changeItem).name == "grace.mwangi" })
	d.run(d.m.listChanged())
	d.m.focus = focusTree
	for b.Loop() {
		d.m.Update(keyMsg("j"))
		_ = d.m.View()
	}
}
