package tui

import (
	"fmt"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/eval"
)

// The property: whatever keys a person types, one at a time or in bursts faster than the
// engine answers, once every answer is in, the selected tree row and the explanation pane
// agree. The pane explains the row's request, and says the decision the row shows (the same
// word) with the same open conditions the row shows ("if ..."). The test drives the model on
// the demo account with random keys (moving, opening and closing nodes, explaining, the D, M,
// V and S toggles, switching views and panes, the Changes view among them), delivers the answers of each burst in a random
// order, and checks the property after each burst.
//
// The seed is fixed, so a run is reproducible; IAMSCOPE_PROPERTY_STEPS sets how many bursts
// (default propertySteps) and IAMSCOPE_PROPERTY_SEED another seed, for longer searches;
// IAMSCOPE_PROPERTY_EPISODE starts at the episode a failure names, to replay it:
//
//	IAMSCOPE_PROPERTY_STEPS=20000 go test ./tui -run TestPropertyRowAgreesWithExplanation -v

// propertySteps is how many bursts a plain `go test` runs.
const propertySteps = 1500

// episodeSteps is how many bursts one explorer session takes before a fresh one starts, so
// that the search does not stay deep in one principal's tree.
const episodeSteps = 150

// propertyKeys are the keys drawn, by weight: mostly moving and opening.
var propertyKeys = []struct {
	key    string
	weight int
}{
	{"j", 14}, {"k", 8}, {"g", 2}, {"G", 1}, {"pgdown", 1}, {"pgup", 1},
	{"space", 6}, {"l", 3}, {"h", 2}, {"enter", 5},
	{"D", 1}, {"M", 1}, {"V", 1}, {"S", 1},
	{"]", 1}, {"[", 1}, {"tab", 2}, {"shift+tab", 1}, {"esc", 1},
}

// drawKey draws a key by weight.
func drawKey(r *rand.Rand) string {
	total := 0
	for _, k := range propertyKeys {
		total += k.weight
	}
	n := r.Intn(total)
	for _, k := range propertyKeys {
		if n < k.weight {
			return k.key
		}
		n -= k.weight
	}
	return "j"
}

// envInt reads an integer of at least least from the environment, or returns def.
func envInt(t *testing.T, name string, def, least int64) int64 {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < least {
		t.Fatalf("%s=%q: want an integer of at least %d", name, s, least)
	}
	return n
}

// shownRow is what a row or the explanation says: the decision word and the open condition.
type shownRow struct {
	word string // allow, if …, deny, DENY; "" when the row shows no decision
	cond string // the formula after "if", "" when none
}

func (s shownRow) String() string {
	if s.cond == "" {
		return s.word
	}
	return s.word + " " + s.cond
}

// rowShows is what the selected row shows of its request: its decision word and the open
// condition drawn with it (a note "if ..." on the row or under it; for an action, under the
// resource it explains). ok is false for a row that shows neither, such as an "except" note.
func rowShows(n *node) (shownRow, bool) {
	out := shownRow{word: n.decision.word()}
	cond := func(x *node) string {
		if c, ok := strings.CutPrefix(x.note, "if "); ok {
			return c
		}
		for _, k := range x.children {
			if k.kind == nkNote {
				if c, ok := strings.CutPrefix(k.label, "if "); ok {
					return c
				}
			}
		}
		return ""
	}
	switch n.kind {
	case nkNote:
		c, ok := strings.CutPrefix(n.label, "if ")
		if !ok {
			return out, false
		}
		return shownRow{word: decIf.word(), cond: c}, true
	case nkGrantee:
		// A party's note says what the answer assumes ("if account X's own policies allow
		// its principals"), not a condition: its condition is the "if" note under it.
		for _, k := range n.children {
			if c, ok := strings.CutPrefix(k.label, "if "); ok && k.kind == nkNote {
				out.cond = c
			}
		}
	case nkAction:
		for _, r := range n.children {
			if r.req == n.req && r.decision == n.decision {
				out.cond = cond(r)
				break
			}
		}
	case nkChangeResource:
		// The Changes row shows the later side: "if COND · was ...", gained or lost alike.
		c, _, _ := strings.Cut(cond(n), " · was ")
		out.cond = c
	default:
		out.cond = cond(n)
	}
	return out, true
}

// explanationShows is what the explanation pane says of its request: the decision line's word
// and its condition.
func explanationShows(r *eval.Result) shownRow {
	line, _ := decisionLine(r)
	switch {
	case strings.HasPrefix(line, "✗ EXPLICITLY DENIED"):
		return shownRow{word: decExplicitDeny.word()}
	case strings.HasPrefix(line, "✗ DENIED"):
		return shownRow{word: decDeny.word()}
	case strings.HasPrefix(line, "? ALLOWED IF "):
		return shownRow{word: decIf.word(), cond: strings.TrimPrefix(line, "? ALLOWED IF ")}
	}
	return shownRow{word: decAllow.word()}
}

// disagreement is one row whose explanation says otherwise.
type disagreement struct {
	view, kind string
	req        request
	strict     bool
	via        bool // the row is reached through a role chain
	row, pane  shownRow
	at         string // seed, episode and step that found it first
	keys       string // the keys of the episode up to it
	count      int
}

func (d *disagreement) id() string {
	return fmt.Sprintf("%s|%s|%s|%s|%s|%v|%s|%s", d.view, d.kind, d.req.principal, d.req.action, d.req.resource, d.strict, d.row, d.pane)
}

// checkAgreement compares the selected row with the explanation pane; it returns a
// disagreement, or nil. A row with no request (a service, a heading) must show its
// description, and no explanation.
func checkAgreement(m *Model) (*disagreement, string) {
	if m.focus == focusList {
		return nil, "" // the pane describes the list's selection
	}
	if msg := explanationMismatch(m); msg != "" {
		return nil, msg
	}
	n := m.currentTree().tree.selected()
	if n == nil || !n.req.valid() || m.explain.result == nil {
		return nil, ""
	}
	row, ok := rowShows(n)
	if !ok {
		return nil, ""
	}
	pane := explanationShows(m.explain.result)
	if n.kind == nkNote && row.cond == pane.cond {
		return nil, "" // an "if" note explains its parent's request: the condition is what it shows
	}
	if row == pane {
		return nil, ""
	}
	return &disagreement{view: m.view.title(), kind: kindName(n.kind), req: n.req, strict: m.ctx.strict,
		via: len(n.via) > 0, row: row, pane: pane}, ""
}

func kindName(k nodeKind) string {
	return map[nodeKind]string{
		nkNote: "note", nkAction: "action", nkResource: "resource", nkDenied: "denied action",
		nkGrantee: "who-can party", nkHop: "hop", nkStep: "escalation step", nkChangeResource: "change",
	}[k]
}

func TestPropertyRowAgreesWithExplanation(t *testing.T) {
	if testing.Short() {
		t.Skip("the property drives the explorer through thousands of key bursts; -short skips it")
	}
	steps := envInt(t, "IAMSCOPE_PROPERTY_STEPS", propertySteps, 1)
	seed := envInt(t, "IAMSCOPE_PROPERTY_SEED", 1, 1)
	first := envInt(t, "IAMSCOPE_PROPERTY_EPISODE", 0, 0)
	found := map[string]*disagreement{}
	var stale []string
	keysPressed, bursts, checked := 0, 0, 0
	for episode := first; int64(bursts) < steps; episode++ {
		r := rand.New(rand.NewSource(seed*1_000_003 + episode))
		// The demo's earlier state puts the Changes view among those [ and ] reach.
		d := newDriver(t, 140, 45, withBefore)
		// Start on a random principal's access tree.
		d.m.principals.cursor = r.Intn(len(d.m.principals.items))
		d.run(d.m.listChanged())
		d.press("enter")
		var history []string
		for s := 0; s < episodeSteps && int64(bursts) < steps; s++ {
			n := 1
			if r.Intn(2) == 0 {
				n = 2 + r.Intn(7) // a burst
			}
			keys := make([]string, n)
			for i := range keys {
				keys[i] = drawKey(r)
			}
			history = append(history, strings.Join(keys, " "))
			if n == 1 {
				d.press(keys[0])
			} else {
				d.burst(shuffled(r), keys...)
			}
			if d.quit {
				t.Fatalf("the explorer quit on %v", keys)
			}
			keysPressed += n
			bursts++
			if d.m.focus != focusList {
				checked++
			}
			dis, msg := checkAgreement(d.m)
			at := fmt.Sprintf("seed %d episode %d burst %d", seed, episode, s)
			if msg != "" && len(stale) < 5 {
				stale = append(stale, at+": "+msg+"\n  keys: "+strings.Join(history, " | "))
			}
			if dis == nil {
				continue
			}
			if prev, ok := found[dis.id()]; ok {
				prev.count++
				continue
			}
			dis.at, dis.keys, dis.count = at, strings.Join(history, " | "), 1
			found[dis.id()] = dis
		}
	}
	var all []*disagreement
	for _, dis := range found {
		all = append(all, dis)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].id() < all[j].id() })
	t.Logf("%d bursts (%d keys), %d checked with the tree focused; %d distinct disagreements, %d stale explanations",
		bursts, keysPressed, checked, len(found), len(stale))
	for _, s := range stale {
		t.Errorf("stale explanation: %s", s)
	}
	for i, dis := range all {
		if i == 60 {
			t.Errorf("... and %d more", len(all)-i)
			break
		}
		t.Errorf("%s %s %s %s on %s (strict %v): row %q, explanation %q (seen %d times; first at %s)\n  keys: %s",
			dis.view, dis.kind, shortName(dis.req.principal), dis.req.action, dis.req.resource, dis.strict, dis.row, dis.pane, dis.count, dis.at, dis.keys)
	}
}
