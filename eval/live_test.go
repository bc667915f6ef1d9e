package eval

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/internal/synth"
	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/model"
)

// reachText writes reaches as text: each role with its chain and the hops' conditions.
func reachText(rs []Reach) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "%s:", r.Role.ARN)
		for _, h := range r.Path {
			fmt.Fprintf(&b, " %s>%s[%v]", h.From, h.To, h.Condition)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// escalationText writes escalation paths as text, with their chains and steps.
func escalationText(es []Escalation) string {
	var b strings.Builder
	for _, esc := range es {
		fmt.Fprintf(&b, "%s %s %v %s %v %s via", esc.Path.ID, esc.Target, esc.Targets, esc.TargetKind, esc.Exploitable, esc.Needs)
		for _, h := range esc.Via {
			fmt.Fprintf(&b, " %s>%s[%v]", h.From, h.To, h.Condition)
		}
		for _, st := range esc.Steps {
			fmt.Fprintf(&b, " %s %s [%v]", st.Action, st.Resource, st.Condition)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TestLiveAnswersAgree: the explorer's reporting and cancellable forms answer exactly as the
// plain queries do, each on an engine of its own, on the demo and on a dense account: role
// chains (and every report is the beginning of the answer), escalation paths, and whether a
// principal has any path. Role chaining and escalation through sts:AssumeRole:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html
func TestLiveAnswersAgree(t *testing.T) {
	demoAccounts, err := demo.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	dense, err := synth.Load(synth.Options{Roles: 300, Users: 100, Policies: 150, Seed: 5, Shape: synth.Dense})
	if err != nil {
		t.Fatal(err)
	}
	// PathsInEach shares the roles among all processors but one: with four, three.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	ctx := context.Background()
	for name, accts := range map[string][]*model.Account{"demo": demoAccounts, "dense": dense} {
		live, plain := NewEngine(accts...), NewEngine(accts...)
		with, without, reports := 0, 0, 0
		for i, p := range live.order {
			want := reachText(plain.RoleChains(plain.order[i], nil, Discovery))
			got, err := live.RoleChainsEach(ctx, p, nil, Discovery, func(soFar []Reach) {
				reports++
				if part := reachText(soFar); !strings.HasPrefix(want, part) {
					t.Errorf("%s: %s: a report is not the beginning of the chains:\n%s", name, p.ARN, part)
				}
			})
			if err != nil || reachText(got) != want {
				t.Errorf("%s: %s: RoleChainsEach gives (%v)\n%s\nRoleChains gives\n%s", name, p.ARN, err, reachText(got), want)
			}
			wantPaths := plain.PathsIn(plain.order[i], nil, Discovery)
			has, err := live.EscalatesIn(ctx, p, nil, Discovery)
			if err != nil || has != (len(wantPaths) > 0) {
				t.Errorf("%s: %s: EscalatesIn %v (%v), PathsIn finds %d", name, p.ARN, has, err, len(wantPaths))
			}
			if has {
				with++
			} else {
				without++
			}
			gotPaths, err := live.PathsInEach(ctx, p, nil, Discovery, nil)
			if err != nil || escalationText(gotPaths) != escalationText(wantPaths) {
				t.Errorf("%s: %s: PathsInEach gives (%v)\n%s\nPathsIn gives\n%s", name, p.ARN, err, escalationText(gotPaths), escalationText(wantPaths))
			}
		}
		if with == 0 || without == 0 {
			t.Errorf("%s: %d principals with escalation paths, %d without: the test weighs one side only", name, with, without)
		}
		if reports == 0 {
			t.Errorf("%s: RoleChainsEach never reported", name)
		}
	}
}

// TestLiveAnswersStop: a done context stops each of them with its error (EscalatesIn, of
// every principal that takes no path itself: one that does has its answer at once).
func TestLiveAnswersStop(t *testing.T) {
	accts, err := demo.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(accts...)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	stopped := 0
	for _, p := range e.order {
		if r, err := e.RoleChainsEach(ctx, p, nil, Discovery, nil); err != context.Canceled || r != nil {
			t.Errorf("%s: RoleChainsEach after cancel: %d reaches, %v", p.ARN, len(r), err)
		}
		if r, err := e.PathsInEach(ctx, p, nil, Discovery, nil); err != context.Canceled || r != nil {
			t.Errorf("%s: PathsInEach after cancel: %d paths, %v", p.ARN, len(r), err)
		}
		if len(e.graph(nil, Discovery).directPaths(p)) > 0 {
			continue
		}
		if has, err := e.EscalatesIn(ctx, p, nil, Discovery); err != context.Canceled || has {
			t.Errorf("%s: EscalatesIn after cancel: %v, %v", p.ARN, has, err)
		}
		stopped++
	}
	if stopped == 0 {
		t.Error("every principal takes a path itself: EscalatesIn was not stopped once")
	}
}
