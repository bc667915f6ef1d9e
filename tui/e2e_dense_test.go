package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/synth"
	"github.com/iamscope/iamscope/loader"
)

// TestEndToEndDenseFlow runs issue 14's explorer flow in tmux on a dense account (smaller than
// the benchmark's, of the same shape), written as a dump: open a role that trusts its account,
// its Chains & paths view, V in its access tree, then the role in the Resources view and who
// may assume it. Each answer must be on screen within the session's wait, and be the
// engine's, computed here on the same file: the counts and the first rows.
// Role chaining: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html
func TestEndToEndDenseFlow(t *testing.T) {
	s, bin := startTmux(t, 160, 45)
	path := filepath.Join(t.TempDir(), "dense.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.Generate(f, synth.Options{Roles: 800, Users: 250, Policies: 400, Seed: 7, Shape: synth.Dense}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	accounts, err := loader.LoadFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := eval.NewEngine(accounts...)

	// The role: the first, by name, that trusts its own account.
	var names []string
	for _, r := range accounts[0].Roles {
		if trustsOwnAccount(accounts[0], r.ARN) {
			names = append(names, r.Name)
		}
	}
	if len(names) == 0 {
		t.Fatal("no role trusts its account")
	}
	sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
	name := names[0]
	role, _ := e.Principal(accounts[0].Roles[0].ARN)
	for _, r := range accounts[0].Roles {
		if r.Name == name {
			role, _ = e.Principal(r.ARN)
		}
	}
	chains := e.RoleChains(role, nil, eval.Discovery)
	paths := e.PathsIn(role, nil, eval.Discovery)
	who := e.WhoCan(eval.AssumeAction, role.ARN, nil, eval.Discovery)
	if len(chains) < 50 || len(who) < 50 {
		t.Fatalf("%s reaches %d roles and %d may assume it: not a dense account's role", name, len(chains), len(who))
	}

	s.keys("clear; "+bin+" --no-mouse -f "+path, "Enter")
	s.waitFor("Principals")
	s.keys("/")
	s.keys("-l", name)
	s.keys("Enter", "Enter")
	s.waitFor("› role " + name)

	// Chains & paths: the engine's chains, the first ones on screen in its order.
	s.keys("[")
	scr := s.waitFor(fmt.Sprintf("Role chains (%d)", len(chains)))
	for _, r := range chains[:3] {
		if l := lineOf(scr, " "+roleName(r.Role.ARN)+"  "); !strings.Contains(l, fmt.Sprintf("%d hop", len(r.Path))) {
			t.Errorf("the row of %s does not say %d hop: %q\n%s", r.Role.ARN, len(r.Path), l, scr)
		}
	}
	s.keys("/")
	s.keys("-l", "Escalation paths")
	s.keys("Enter")
	s.waitFor(fmt.Sprintf("Escalation paths (%d)", len(paths)))
	s.keys("Escape")
	s.waitGone("/Escalation paths")

	// V in the access tree: the roles the chains reach, each with its chain.
	s.keys("]")
	s.waitFor("[Access]")
	s.keys("V")
	// The rows arrive as the walk finds them. A row's note is cut to the tree's width, which
	// the pane beside it narrows once it shows the selected row, where its chain is whole.
	s.waitFor("[via chains]", " "+roleName(chains[0].Role.ARN)+"  via ", "via "+chainText(chains[0].Path))
	s.waitFor(" " + roleName(chains[1].Role.ARN) + "  via " + chainText(chains[1].Path)[:12])

	// The reverse tree: the role among the resources, and who may assume it.
	s.keys("]")
	s.waitFor("[Resources]")
	s.keys("Escape") // to the list (an escape and a key at once would read as alt+key)
	s.waitFor("/ filter · enter open")
	s.keys("/")
	s.keys("-l", "role "+name)
	s.keys("Enter", "Enter")
	s.waitFor(eval.AssumeAction)
	s.keys("Space")
	scr = s.waitFor(fmt.Sprintf("%d can", len(who)))
	first := who[0]
	label := string(first.Kind) + " " + first.ARN
	if first.Principal != nil {
		label = string(first.Kind) + " " + shortPrincipal(first.Principal)
	}
	if !strings.Contains(scr, label) {
		t.Errorf("the first party that may assume %s, %q, is not on screen:\n%s", name, label, scr)
	}
	s.keys("q")
	s.waitPrompt()
}
