package tui

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"slices"
	"syscall"
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

// The dense benchmarks run the explorer on the dense account (synth.DenseOptions(): 5,000
// roles, 1,500 users, 3,000 policies; 40% of principals may assume any role, roles trust the
// root and earlier roles), the shape of issue 14. BenchmarkDenseFlow times the answers as
// they arrive, running the commands each key returns as the program does; the key benchmarks
// time Update and View as the others of this file do.

// denseFlowRole is the role the dense flow opens: the first role of the list whose trust
// names its own account, so that every principal of the account allowed sts:AssumeRole on it
// may assume it (thousands on the dense account).
func denseFlowRole(d *driver) *principalItem {
	for _, it := range d.m.principals.items {
		p := it.(*principalItem)
		if p.kind == model.EntityRole && trustsOwnAccount(d.m.ctx.accounts[0], p.arn) {
			return p
		}
	}
	return nil
}

// trustsOwnAccount reports whether the role's trust policy allows its account (the root or
// the account id).
func trustsOwnAccount(a *model.Account, arn string) bool {
	e, ok := a.Entity(arn)
	if !ok || e.Role == nil || e.Role.TrustPolicy == nil {
		return false
	}
	for _, s := range e.Role.TrustPolicy.Statements {
		if s.Effect != model.Allow || s.Principal == nil {
			continue
		}
		for _, v := range s.Principal.AWS {
			if v == a.ID || v == "arn:aws:iam::"+a.ID+":root" {
				return true
			}
		}
	}
	return false
}

// denseModel is the explorer at 140x45 on the dense account with a new engine, asked only for
// the first principal's access tree (badges are not decided), and the list on the first role
// that trusts its account.
func denseModel(b *testing.B) (*driver, *principalItem) {
	b.Helper()
	accounts, err := synth.Load(synth.DenseOptions())
	if err != nil {
		b.Fatal(err)
	}
	e := eval.NewEngine(accounts...)
	e.Now = func() time.Time { return testNow }
	d := &driver{m: New(Options{Source: "synth dense", Theme: "dark", Now: func() time.Time { return testNow }})}
	d.t = &testing.T{}
	d.m.Update(tea.WindowSizeMsg{Width: 140, Height: 45})
	d.m.badgesDone = true
	d.run(d.m.setReady(accounts, e)) // the first principal's access tree
	role := denseFlowRole(d)
	d.m.focus = focusList
	d.m.principals.selectItem(func(it listItem) bool { return it == role })
	return d, role
}

// flowClock runs commands as the program does, one after the other, and times from the key
// press: when each pane's first answer (partial or whole) arrives, when its last arrives,
// and the longest Update and View of a key or an answer.
type flowClock struct {
	start       time.Time
	first, done map[paneID]time.Duration
	chains      time.Duration // the paths tree's chains complete (escalation paths to come)
	slowest     time.Duration
	// frames is every Update and View of the flow: its wall time, the processor time of the
	// thread that ran it, and what it handled.
	frames []frame
}

// frame is one Update and View: its wall time, the processor time its thread spent in it,
// the time the thread waited for a processor the system gave to other work (other processes
// on a shared machine, or the program's other threads), and the message, with the size of an
// answer. Wall time beyond both is time the thread slept: the goroutine waited for Go's
// scheduler (a P, busy with the engine's work or the collector's) or a stop of the world.
type frame struct {
	wall, cpu, machine time.Duration
	span               time.Duration // the wall time over which cpu and machine are counted
	what               string
	at                 time.Duration // since the process started, as GODEBUG=gctrace=1 counts
	gcs                uint64        // collections completed meanwhile
}

// processStart is about when the process started (the package's initialization).
var processStart = time.Now()

// gcCycles is how many collections the process has completed.
func gcCycles() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// frameWhat names a message for the frame log: its type and, for an answer, its pane and
// how much it holds.
func frameWhat(msg tea.Msg) string {
	what := fmt.Sprintf("%T", msg)
	lm, ok := msg.(loadedMsg)
	if !ok {
		if k, ok := msg.(tea.KeyPressMsg); ok {
			what += " " + k.String()
		}
		return what
	}
	what += fmt.Sprintf(" pane %d partial %v", lm.pane, lm.partial)
	switch d := lm.data.(type) {
	case pathsData:
		what += fmt.Sprintf(" reaches %d escalations %d checked %d/%d", len(d.reaches), len(d.escalations), d.checked, d.of)
	case viaData:
		what += fmt.Sprintf(" reaches %d rows %d", len(d.reaches), len(d.rows))
	case whoData:
		what += fmt.Sprintf(" grantees %d rows %d", len(d.grantees), len(d.rows))
	case nil:
	default:
		what += fmt.Sprintf(" %T", d)
	}
	return what
}

// key presses a key and runs what follows from it.
func (f *flowClock) key(d *driver, name string) {
	f.start = time.Now()
	f.first, f.done, f.chains = map[paneID]time.Duration{}, map[paneID]time.Duration{}, 0
	f.update(d, keyMsg(name))
}

// update hands a message to Update, then draws, and runs the commands that follow.
func (f *flowClock) update(d *driver, msg tea.Msg) {
	gc0 := gcCycles()
	t0 := time.Now()
	c0, w0 := threadTime()
	t := time.Now()
	_, cmd := d.m.Update(msg)
	d.m.View()
	el := time.Since(t)
	c1, w1 := threadTime()
	fr := frame{wall: el, span: time.Since(t0), cpu: c1 - c0, machine: w1 - w0, what: frameWhat(msg), at: t.Sub(processStart), gcs: gcCycles() - gc0}
	f.frames = append(f.frames, fr)
	f.slowest = max(f.slowest, el)
	f.run(d, cmd)
}

// run runs a command and everything that follows from it, timing the answers.
func (f *flowClock) run(d *driver, cmd tea.Cmd) {
	for _, msg := range d.answers(cmd) {
		if lm, ok := msg.(loadedMsg); ok {
			at := time.Since(f.start)
			if _, ok := f.first[lm.pane]; !ok {
				f.first[lm.pane] = at
			}
			if pd, ok := lm.data.(pathsData); ok && !pd.chainsPending && f.chains == 0 {
				f.chains = at
			}
			if !lm.partial {
				f.done[lm.pane] = at
			}
		}
		f.update(d, msg)
	}
}

// BenchmarkDenseFlow is issue 14's explorer flow on the dense account, each run on a new
// engine (nothing decided yet, as after loading): open a role, its Chains & paths view, the
// access tree's V (only via role chains), then the role in the Resources view and who may
// assume it (the reverse tree). It reports, in ms from the key press, when the first answer
// arrives (the one-hop roles) and when the last does, and the longest Update and View of a
// key or an answer on the event loop. Of every Update and View of the flows (frames) it
// reports the 99th percentile of the wall time, and the 99th percentile and the largest of the
// event loop thread's processor time (cpu) and of the unshared time (wall time less the time
// the thread waited for a processor the system gave to other work: what the frame takes on a
// machine to itself). It logs the five slowest frames and the three of most unshared time,
// each split into the thread's run, its wait for a processor and its sleep (the goroutine
// waiting for Go's scheduler), with what it handled, when (GODEBUG=gctrace=1 counts from
// about the same start) and whether a collection ended meanwhile.
func BenchmarkDenseFlow(b *testing.B) {
	sum := map[string]time.Duration{}
	var slowest, cpu time.Duration
	reached, paths, grantees := 0, 0, 0
	// The thread that runs the event loop runs nothing else, so that its processor time is the
	// Update's and View's own.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var frames []frame
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		d, role := denseModel(b)
		f := &flowClock{}
		b.StartTimer()
		cpu0 := processTime()

		// Open the role: its access tree.
		f.start = time.Now()
		f.first, f.done = map[paneID]time.Duration{}, map[paneID]time.Duration{}
		f.run(d, d.m.listChanged())
		sum["open-ms"] += f.done[paneAccess]

		// Its Chains & paths view.
		f.key(d, "[")
		if d.m.view != viewPaths {
			b.Fatalf("[ went to view %d", d.m.view)
		}
		sum["chains-first-ms"] += f.first[panePaths]
		sum["chains-ms"] += f.chains
		sum["paths-ms"] += f.done[panePaths]
		pd, _ := d.m.paths.tree.root.data.(pathsData)
		reached, paths = len(pd.reaches), len(pd.escalations)

		// Back to the access tree, then V.
		f.key(d, "]")
		f.key(d, "enter")
		f.key(d, "V")
		if _, ok := d.m.access.tree.root.data.(viaData); !ok {
			b.Fatal("V did not answer with the role chains")
		}
		sum["via-first-ms"] += f.first[paneAccess]
		sum["via-ms"] += f.done[paneAccess]

		// The Resources view: the role, and who may assume it.
		f.key(d, "]")
		d.m.resources.selectItem(func(it listItem) bool { return it.(*resourceItem).arn == role.arn })
		f.run(d, d.m.listChanged())
		var assume *node
		for _, n := range d.m.reverse.tree.root.children {
			if n.kind == nkWhoAction && n.service == eval.AssumeAction {
				assume = n
			}
		}
		if assume == nil {
			b.Fatalf("the reverse tree of %s has no %s", role.name, eval.AssumeAction)
		}
		f.start = time.Now()
		f.first, f.done = map[paneID]time.Duration{}, map[paneID]time.Duration{}
		f.run(d, d.m.reverse.expand(d.m.ctx, assume))
		sum["whocan-ms"] += f.done[paneReverse]
		wd, _ := assume.data.(whoData)
		grantees = len(wd.grantees)
		cpu += processTime() - cpu0
		slowest = max(slowest, f.slowest)
		frames = append(frames, f.frames...)
	}
	reportFrames(b, frames)
	for name, t := range sum {
		b.ReportMetric(float64(t.Microseconds())/1000/float64(b.N), name)
	}
	b.ReportMetric(float64(slowest.Microseconds())/1000, "slowest-update-ms")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	b.Logf("roles reached %d, escalation paths %d, may assume the role %d", reached, paths, grantees)
}

// denseLoaded is the dense model with the first role's Chains & paths view answered.
func denseLoaded(b *testing.B) *driver {
	d, _ := denseModel(b)
	d.run(d.m.listChanged())
	d.run(d.m.setView(viewPaths))
	d.m.focus = focusTree
	d.m.View()
	return d
}

// BenchmarkDenseKeyPathsTree is j/k in the first role's Chains & paths tree (a thousand roles
// reached).
func BenchmarkDenseKeyPathsTree(b *testing.B) {
	d := denseLoaded(b)
	benchKeys(b, d, keyMsg("j"), keyMsg("k"))
}

// BenchmarkDenseKeyWhileWorking is j/k in the principals list while the engine works beside
// the event loop, from a new engine, as the program makes it work while the user waits for an
// answer: the role chains and escalation paths of each principal in turn, as the Chains &
// paths view asks for them (the badges wait meanwhile). It reports the 99th percentile and the
// slowest press, of wall time, of the thread's processor time (cpu) and of the unshared time
// (as BenchmarkDenseFlow's).
func BenchmarkDenseKeyWhileWorking(b *testing.B) {
	d, _ := denseModel(b)
	e := d.m.ctx.engine
	done := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		defer close(done)
		// As the Chains & paths view makes it work: the chains and paths of each principal in
		// turn (the badges wait while it works).
		src := pathsSource{}
		c := &programContext{engine: e}
		for _, p := range e.Principals() {
			if ctx.Err() != nil {
				return
			}
			if work := src.fetch(c, src.root(p.Entity.Kind, p.ARN)); work != nil {
				work(ctx, func(any) {})
			}
		}
	}()
	time.Sleep(200 * time.Millisecond) // the work is under way
	b.ReportAllocs()
	runtime.LockOSThread() // the thread's processor time is the key press's own
	defer runtime.UnlockOSThread()
	keys := []tea.KeyPressMsg{keyMsg("j"), keyMsg("k")}
	var took, cpu, unshared []time.Duration
	i := 0
	for b.Loop() {
		c0, w0 := threadTime()
		t := time.Now()
		d.m.Update(keys[i%len(keys)])
		d.m.View()
		el := time.Since(t)
		c1, w1 := threadTime()
		took, cpu, unshared = append(took, el), append(cpu, c1-c0), append(unshared, el-(w1-w0))
		i++
	}
	for _, m := range []struct {
		name string
		t    []time.Duration
	}{{"", took}, {"cpu-", cpu}, {"unshared-", unshared}} {
		slices.Sort(m.t)
		b.ReportMetric(float64(m.t[len(m.t)*99/100].Microseconds())/1000, m.name+"p99-ms")
		b.ReportMetric(float64(m.t[len(m.t)-1].Microseconds())/1000, m.name+"slowest-ms")
	}
	b.StopTimer()
	cancel()
	<-done
}

// BenchmarkDenseKeyViaChains is V pressed in the access tree of the first role (Update and
// View; the chains it asks for are found off the event loop and not run here).
func BenchmarkDenseKeyViaChains(b *testing.B) {
	d, _ := denseModel(b)
	d.run(d.m.listChanged())
	d.m.focus = focusTree
	benchKeys(b, d, keyMsg("V"))
}

// BenchmarkDenseBadges is the principals list's badges on the dense account, from a new
// engine until every principal's admin and escalation badge is known: the badge commands run
// one after the other, as the program runs them while the user asks for nothing.
func BenchmarkDenseBadges(b *testing.B) {
	escalations := 0
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		d, _ := denseModel(b)
		d.m.badgesDone = false
		b.StartTimer()
		cpu0 := processTime()
		d.run(d.m.nextBadges())
		cpu += processTime() - cpu0
		b.StopTimer()
		escalations = 0
		for _, it := range d.m.principals.items {
			p := it.(*principalItem)
			if !p.badges.escKnown || !p.badges.adminKnown {
				b.Fatalf("%s: badges not decided", p.name)
			}
			if p.badges.escalation {
				escalations++
			}
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	b.Logf("%d with an escalation path", escalations)
}

// reportFrames reports the 99th percentile of the frames' wall time, of their thread's
// processor time and of their unshared time (wall time less the time the system gave the
// thread's processor to other work), the slowest processor and unshared times, and logs the
// five slowest frames with what they handled, the three of most unshared time, and where the
// frames' time went.
func reportFrames(b *testing.B, frames []frame) {
	if len(frames) == 0 {
		return
	}
	at := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	unshared := func(fr frame) time.Duration { return fr.wall - fr.machine }
	var wall, span, cpu, machine time.Duration
	for _, fr := range frames {
		wall, span, cpu, machine = wall+fr.wall, span+fr.span, cpu+fr.cpu, machine+fr.machine
	}
	for _, m := range []struct {
		name string
		of   func(frame) time.Duration
	}{{"", func(fr frame) time.Duration { return fr.wall }}, {"cpu-", func(fr frame) time.Duration { return fr.cpu }}, {"unshared-", unshared}} {
		t := make([]time.Duration, len(frames))
		for i, fr := range frames {
			t[i] = m.of(fr)
		}
		slices.Sort(t)
		b.ReportMetric(at(t[len(t)*99/100]), "update-"+m.name+"p99-ms")
		if m.name != "" {
			b.ReportMetric(at(t[len(t)-1]), "update-"+m.name+"slowest-ms")
		}
	}
	line := func(fr frame) string {
		return fmt.Sprintf("%.2f ms: thread ran %.2f, waited for a processor %.2f, slept %.2f; at %.3f s, %d collections ended meanwhile: %s",
			at(fr.wall), at(fr.cpu), at(fr.machine), at(max(fr.span-fr.cpu-fr.machine, 0)), fr.at.Seconds(), fr.gcs, fr.what)
	}
	slices.SortFunc(frames, func(x, y frame) int { return cmp.Compare(y.wall, x.wall) })
	for _, fr := range frames[:min(5, len(frames))] {
		b.Logf("slowest %s", line(fr))
	}
	slices.SortFunc(frames, func(x, y frame) int { return cmp.Compare(unshared(y), unshared(x)) })
	for _, fr := range frames[:min(3, len(frames))] {
		b.Logf("unshared %s", line(fr))
	}
	b.Logf("%d frames, %.0f ms (%.0f ms with the counting): thread ran %.0f ms, waited for a processor %.0f ms, slept %.0f ms", len(frames), at(wall), at(span), at(cpu), at(machine), at(max(span-cpu-machine, 0)))
}

// processTime is the processor time (user and system, all threads) the process has used: a
// busy machine does not inflate it as it does wall time.
func processTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
