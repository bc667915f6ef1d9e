package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/synth"
	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/model"
)

// smallDense is a small account of the dense shape (issue 14): principals allowed to assume
// any role, roles trusting the account and earlier roles.
var smallDense = synth.Options{Roles: 300, Users: 100, Policies: 150, Seed: 5, Shape: synth.Dense}

// denseDriver is the explorer on smallDense, with the list on the first role that trusts its
// account.
func denseDriver(t *testing.T) (*driver, *principalItem) {
	t.Helper()
	d := newDriver(t, 140, 45, func(o *Options) {
		o.Load = func(loader.ProgressFunc) ([]*model.Account, error) { return synth.Load(smallDense) }
		o.Source = "synth dense"
	})
	role := denseFlowRole(d)
	if role == nil {
		t.Fatal("no role trusts its account")
	}
	d.selectPrincipal(role.name)
	return d, role
}

// TestChainsArriveAsFound: the Chains & paths view's work reports the one-hop roles first,
// then longer chains, each report the beginning of the answer, then how many roles' paths are
// checked; the screen shows each report with a row that says the work goes on and the pane's
// title says it works; the last answer is the engine's. Role chaining:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html
func TestChainsArriveAsFound(t *testing.T) {
	d, role := denseDriver(t)
	_, cmd := d.m.Update(keyMsg("["))
	if d.m.view != viewPaths {
		t.Fatalf("[ went to view %d", d.m.view)
	}
	root := d.m.paths.tree.root
	if !root.loading {
		t.Fatal("the paths tree does not wait for its answer")
	}
	// The job the view runs, run here with every report kept.
	var reports []pathsData
	job := d.m.pathsSrc.fetch(d.m.ctx, root)
	final, err := job(context.Background(), func(part any) { reports = append(reports, part.(pathsData)) })
	if err != nil {
		t.Fatal(err)
	}
	e := d.m.ctx.engine
	p, _ := e.Principal(role.arn)
	want := e.RoleChains(p, nil, eval.Discovery)
	if len(want) == 0 || len(want[len(want)-1].Path) < 2 {
		t.Fatalf("%s reaches %d roles, none by two hops: the test weighs nothing", role.name, len(want))
	}
	var oneHop []string
	for _, r := range want {
		if len(r.Path) == 1 {
			oneHop = append(oneHop, r.Role.ARN)
		}
	}
	if len(reports) == 0 || !reports[0].chainsPending {
		t.Fatalf("no report while the chains were followed: %d reports", len(reports))
	}
	var first []string
	for _, r := range reports[0].reaches {
		first = append(first, r.Role.ARN)
	}
	if strings.Join(first, " ") != strings.Join(oneHop, " ") {
		t.Errorf("the first report is not the one-hop roles:\n%v\nwant\n%v", first, oneHop)
	}
	sawPaths := false
	for i, r := range reports {
		for j, x := range r.reaches {
			if x.Role != want[j].Role || len(x.Path) != len(want[j].Path) {
				t.Fatalf("report %d: reach %d is %s by %d hops, the answer's is %s by %d", i, j, x.Role.ARN, len(x.Path), want[j].Role.ARN, len(want[j].Path))
			}
		}
		sawPaths = sawPaths || (!r.chainsPending && r.pathsPending && len(r.reaches) == len(want))
	}
	if !sawPaths {
		t.Error("no report between the chains and the escalation paths")
	}

	// Each report shown, then the answer, as the program delivers them.
	msg := loadedMsg{pane: panePaths, id: root.loadID, key: root.key, epoch: d.m.ctx.epoch, partial: true}
	msg.data = reports[0]
	d.m.Update(msg)
	d.contains(fmt.Sprintf("Role chains (%d so far)", len(oneHop)), "following role chains", fmt.Sprintf("%d roles so far", len(oneHop)))
	if row := d.m.paths.tree.root.children[1].children[0].label; row != "… finding escalation paths once the chains are known" {
		t.Errorf("the escalation paths say %q while the chains are followed", row)
	}
	firstRow := d.m.paths.tree.root.children[0].children[1] // after the row that says it works
	rev := firstRow.rev
	msg.data = pathsData{reaches: want, pathsPending: true, checked: 7, of: len(want)}
	d.m.Update(msg)
	if kept := d.m.paths.tree.root.children[0].children[0]; kept != firstRow || kept.rev != rev {
		t.Errorf("the row of %s was made again for a later report", firstRow.label)
	}
	d.contains(fmt.Sprintf("paths: 7/%d roles", len(want)))
	if row := d.m.paths.tree.root.children[1].children[0].label; row != fmt.Sprintf("… finding escalation paths: 7 of %d roles reached checked", len(want)) {
		t.Errorf("the escalation paths say %q while they are found", row)
	}
	// The escalation paths' progress finds no role: the section of the chains is left as it
	// is, its drawing kept.
	section := d.m.paths.tree.root.children[0]
	rev = section.rev
	msg.data = pathsData{reaches: want, pathsPending: true, checked: 8, of: len(want)}
	d.m.Update(msg)
	if kept := d.m.paths.tree.root.children[0]; kept != section || kept.rev != rev || len(kept.children) != len(want) {
		t.Errorf("the section %q was made again for the escalation paths' progress", section.label)
	}
	d.contains(fmt.Sprintf("paths: 8/%d roles", len(want)))
	msg.data, msg.partial = final, false
	d.m.Update(msg)
	d.lacks("following role chains", "roles so far", "paths: ")
	paths := e.PathsIn(p, nil, eval.Discovery)
	d.contains(fmt.Sprintf("Role chains (%d)", len(want)))
	if got := d.m.paths.tree.root.children[1]; got.label != fmt.Sprintf("Escalation paths (%d)", len(paths)) || len(got.children) != len(paths) {
		t.Errorf("the escalation paths are %q with %d rows, the engine finds %d", got.label, len(got.children), len(paths))
	}
	d.run(cmd) // the view's own job: its answer is stale (the node was answered), dropped
	d.contains(fmt.Sprintf("Role chains (%d)", len(want)))
}

// TestLeavingStopsWork: leaving the Chains & paths view stops its work (the pane waits for
// nothing, and the stopped work's last word is dropped); coming back asks again and shows the
// engine's answer; moving to another principal stops the old principal's work.
func TestLeavingStopsWork(t *testing.T) {
	d, role := denseDriver(t)
	_, old := d.m.Update(keyMsg("["))
	if !d.m.paths.busy() || len(d.m.paths.cancels) != 1 {
		t.Fatalf("the view's work is not under way: %d pending, %d cancellable", len(d.m.paths.pending), len(d.m.paths.cancels))
	}
	_, back := d.m.Update(keyMsg("]")) // the access view
	if d.m.paths.busy() || len(d.m.paths.cancels) != 0 {
		t.Fatalf("leaving the view left its work under way: %d pending, %d cancellable", len(d.m.paths.pending), len(d.m.paths.cancels))
	}
	d.run(old)
	d.run(back)
	if root := d.m.paths.tree.root; root.loaded || root.loading {
		t.Fatalf("the stopped work's answer was taken: loaded %v, loading %v", root.loaded, root.loading)
	}
	d.press("[")
	e := d.m.ctx.engine
	p, _ := e.Principal(role.arn)
	d.contains(fmt.Sprintf("Role chains (%d)", len(e.RoleChains(p, nil, eval.Discovery))))

	// Another principal while the first one's work runs: only the new one's is under way.
	d.m.pathsFor = ""
	_, first := d.m.Update(keyMsg("]"))
	_, first2 := d.m.Update(keyMsg("["))
	firstID := d.m.paths.tree.root.loadID
	d.m.focus = focusList
	_, second := d.m.Update(keyMsg("j"))
	if d.m.paths.pending[firstID] != nil || len(d.m.paths.pending) != 1 {
		t.Fatalf("moving to another principal left the first one's work: %d pending", len(d.m.paths.pending))
	}
	next := d.m.selectedARN
	d.run(tea.Batch(first, first2, second))
	if d.m.paths.tree.root.principal != next || !d.m.paths.tree.root.loaded {
		t.Fatalf("the tree shows %s (loaded %v), not %s", d.m.paths.tree.root.principal, d.m.paths.tree.root.loaded, next)
	}
}

// TestBadgesWaitForTheUser: the badges' work waits while the user's runs, and goes on once it
// is answered.
func TestBadgesWaitForTheUser(t *testing.T) {
	d, _ := denseDriver(t)
	for _, it := range d.m.principals.items {
		it.(*principalItem).badges.escKnown = false
	}
	d.m.badgeCursor, d.m.badgesDone = len(d.m.principals.items), false
	_, cmd := d.m.Update(keyMsg("["))
	if got := d.m.nextBadges(); got != nil || !d.m.badgesPaused {
		t.Fatal("the badges did not wait for the Chains & paths view's work")
	}
	d.run(cmd)
	if d.m.badgesPaused || !d.m.badgesDone {
		t.Fatalf("the badges did not go on once the view was answered: paused %v, done %v", d.m.badgesPaused, d.m.badgesDone)
	}
	for _, it := range d.m.principals.items {
		if p := it.(*principalItem); !p.badges.escKnown {
			t.Fatalf("%s: escalation badge not decided", p.name)
		}
	}
}

// TestViaChainsArriveAsFound: V (only via role chains) shows the roles found so far under a
// row that says the chains are still followed, then the engine's roles.
func TestViaChainsArriveAsFound(t *testing.T) {
	d, role := denseDriver(t)
	d.m.focus = focusTree
	_, cmd := d.m.Update(keyMsg("V"))
	root := d.m.access.tree.root
	if root.kind != nkChains || !root.loading {
		t.Fatalf("V did not ask for the chains: root %d, loading %v", root.kind, root.loading)
	}
	e := d.m.ctx.engine
	p, _ := e.Principal(role.arn)
	want := e.RoleChains(p, nil, eval.Discovery)
	msg := loadedMsg{pane: paneAccess, id: root.loadID, key: root.key, epoch: d.m.ctx.epoch, partial: true, data: viaData{reaches: want[:2]}}
	d.m.Update(msg)
	d.contains("[via chains]", "working", "following role chains: 2 roles so far", roleName(want[1].Role.ARN)+"  via ")
	// A later report keeps the rows of the roles shown before, and their drawings.
	firstRow := d.m.access.tree.root.children[1] // after the row that says it works
	rev := firstRow.rev
	msg.data = viaData{reaches: want[:3]}
	d.m.Update(msg)
	if kept := d.m.access.tree.root.children[1]; kept != firstRow || kept.rev != rev {
		t.Errorf("the row of %s was made again for a later report", firstRow.label)
	}
	d.contains("following role chains: 3 roles so far", roleName(want[2].Role.ARN)+"  via ")
	d.run(cmd)
	d.lacks("following role chains", "working")
	if got := len(d.m.access.tree.root.children); got != len(want) {
		t.Errorf("V lists %d roles, the engine reaches %d", got, len(want))
	}
}

// TestOutOfSightTreeWaits: a change of mode while the Chains & paths tree is out of sight
// starts none of its work; going back to it asks again, in the new mode. Strict mode:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
func TestOutOfSightTreeWaits(t *testing.T) {
	d, role := denseDriver(t)
	d.press("[")
	if !d.m.paths.tree.root.loaded {
		t.Fatal("the Chains & paths view did not answer")
	}
	d.press("]") // the access view
	_, cmd := d.m.Update(keyMsg("S"))
	if d.m.paths.busy() || d.m.paths.tree.root.loaded {
		t.Fatalf("the out-of-sight tree: busy %v, still loaded %v", d.m.paths.busy(), d.m.paths.tree.root.loaded)
	}
	d.run(cmd)
	d.press("[")
	e := d.m.ctx.engine
	p, _ := e.Principal(role.arn)
	want := e.RoleChains(p, nil, eval.Strict)
	if got := d.m.paths.tree.root.children[0].label; got != fmt.Sprintf("Role chains (%d)", len(want)) {
		t.Errorf("back in the view, strict: %q, the engine reaches %d roles", got, len(want))
	}
	if len(want) == len(e.RoleChains(p, nil, eval.Discovery)) {
		t.Errorf("%s reaches as many roles in both modes: the test cannot tell them apart", role.name)
	}
}

// TestPathsRowsMadeByTheJob: the rows of the role chains and escalation paths, and those of V
// (the roles reached, in the access tree), the jobs make off the event loop are those the tree
// makes of the same answer itself, on the dense account
// and across accounts (rows naming another account's roles, issue 16). Role chaining:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html
func TestPathsRowsMadeByTheJob(t *testing.T) {
	dense, role := denseDriver(t)
	demo := newDriver(t, 140, 45)
	demo.selectPrincipal("keystone-assessor")
	for _, c := range []struct {
		d   *driver
		arn string
	}{{dense, role.arn}, {demo, demo.m.selectedARN}} {
		p, _ := c.d.m.ctx.engine.Principal(c.arn)
		kind := p.Entity.Kind
		src := pathsSource{}
		got, err := src.fetch(c.d.m.ctx, src.root(kind, c.arn))(context.Background(), func(any) {})
		if err != nil {
			t.Fatal(err)
		}
		data := got.(pathsData)
		if len(data.reachRows) != len(data.reaches) || len(data.escalationRows) != len(data.escalations) || len(data.reaches) == 0 {
			t.Fatalf("%s: the job made %d rows for %d reaches, %d for %d escalation paths", c.arn, len(data.reachRows), len(data.reaches), len(data.escalationRows), len(data.escalations))
		}
		byJob := src.root(kind, c.arn)
		byJob.data, byJob.loaded = data, true
		src.build(c.d.m.ctx, byJob)
		own := src.root(kind, c.arn)
		data.reachRows, data.escalationRows = nil, nil
		own.data, own.loaded = data, true
		src.build(c.d.m.ctx, own)
		if a, b := nodeDump(byJob), nodeDump(own); a != b {
			t.Errorf("%s: the job's rows differ from the tree's own:\n%s\nwant\n%s", c.arn, a, b)
		}

		// V: the roles reached, in the access tree.
		access := &accessSource{viaChains: true}
		got, err = access.fetch(c.d.m.ctx, access.accessRoot(kind, c.arn))(context.Background(), func(any) {})
		if err != nil {
			t.Fatal(err)
		}
		via := got.(viaData)
		if len(via.rows) != len(via.reaches) {
			t.Fatalf("%s: the job made %d rows for %d reaches", c.arn, len(via.rows), len(via.reaches))
		}
		byJob = access.accessRoot(kind, c.arn)
		byJob.data, byJob.loaded = via, true
		access.build(c.d.m.ctx, byJob)
		own = access.accessRoot(kind, c.arn)
		via.rows = nil
		own.data, own.loaded = via, true
		access.build(c.d.m.ctx, own)
		if a, b := nodeDump(byJob), nodeDump(own); a != b {
			t.Errorf("%s: the job's rows of V differ from the tree's own:\n%s\nwant\n%s", c.arn, a, b)
		}
	}
}

// nodeDump writes out what a tree's nodes say and ask, a line a node.
func nodeDump(n *node) string {
	var b strings.Builder
	var walk func(n *node, depth int)
	walk = func(n *node, depth int) {
		fmt.Fprintf(&b, "%s%d %q %q %q %q %d %d %+v %q %v %v %q %q %v\n", strings.Repeat("  ", depth), n.kind, n.key, n.label, n.level, n.note, n.decision, n.mark, n.req, n.copyText, n.expandable, n.loaded, n.principal, n.homeAccount(), n.parent != nil)
		for _, k := range n.children {
			if k.parent != n {
				fmt.Fprintf(&b, "%s(not its parent's child)\n", strings.Repeat("  ", depth+1))
			}
			walk(k, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}
