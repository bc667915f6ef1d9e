package tui

import (
	"context"
	"sort"

	tea "charm.land/bubbletea/v2"

	"strings"
	"time"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/model"
)

// badges are what the principals list flags about a principal. Admin and escalation are
// decided by the engine, off the event loop (for a group: what membership grants); the others
// are read from the account.
type badges struct {
	boundary, external, unused bool
	admin, escalation          bool
	adminKnown, escKnown       bool
}

// The badge letters, in the order they are drawn; the help explains them.
const badgeLegend = "A admin · B boundary · E escalation path · X reachable from outside · U unused 90 days"

func (b badges) letters() string {
	var s strings.Builder
	flag := func(on bool, c byte) {
		if on {
			s.WriteByte(c)
		}
	}
	flag(b.admin, 'A')
	flag(b.boundary, 'B')
	flag(b.escalation, 'E')
	flag(b.external, 'X')
	flag(b.unused, 'U')
	return s.String()
}

// words spells the badges out, for the detail line of the selected principal.
func (b badges) words() []string {
	var out []string
	add := func(on bool, w string) {
		if on {
			out = append(out, w)
		}
	}
	add(b.admin, "admin")
	add(b.boundary, "permission boundary")
	add(b.escalation, "escalation path")
	add(b.external, "reachable from outside the account")
	add(b.unused, "unused for 90 days")
	return out
}

// principalItem is a user, group or role in the principals list.
type principalItem struct {
	kind    model.EntityKind
	name    string // clean
	path    string // clean
	arn     string // as loaded (for lookups)
	account string
	main    bool // in the first account
	alias   string
	acct    []string // accountWords of its account
	filter  string
	badges  badges
	r       int
}

func (p *principalItem) filterValue() string    { return p.filter }
func (p *principalItem) rev() int               { return p.r }
func (p *principalItem) accountWords() []string { return p.acct }

// principalItems lists every user, group and role of the accounts: the first account's first,
// then by kind (users, groups, roles) and name. The badges read from the account are filled.
func principalItems(accounts []*model.Account) []*principalItem {
	var out []*principalItem
	for i, a := range accounts {
		asOf := a.LoadedAt
		if asOf.IsZero() {
			asOf = time.Now()
		}
		words := accountWords(a.ID, a)
		add := func(kind model.EntityKind, name, path, arn string, b badges) {
			it := &principalItem{kind: kind, name: clean(name), path: clean(path), arn: arn, account: a.ID, main: i == 0, alias: clean(a.Alias), acct: words, badges: b}
			it.filter = it.name + " " + kind.String() + " " + it.path
			out = append(out, it)
		}
		for _, u := range a.Users {
			add(model.EntityUser, u.Name, u.Path, u.ARN, badges{boundary: u.Boundary != "", unused: userUnused(u, asOf)})
		}
		for _, g := range a.Groups {
			add(model.EntityGroup, g.Name, g.Path, g.ARN, badges{})
		}
		for _, r := range a.Roles {
			add(model.EntityRole, r.Name, r.Path, r.ARN, badges{boundary: r.Boundary != "", external: trustsOutside(r, a.ID), unused: roleUnused(r, asOf)})
		}
	}
	rank := map[model.EntityKind]int{model.EntityUser: 0, model.EntityGroup: 1, model.EntityRole: 2}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.main != b.main {
			return a.main
		}
		if a.account != b.account {
			return a.account < b.account
		}
		if a.kind != b.kind {
			return rank[a.kind] < rank[b.kind]
		}
		return strings.ToLower(a.name) < strings.ToLower(b.name)
	})
	return out
}

// unusedFor is how long without use makes a principal unused.
const unusedFor = 90 * 24 * time.Hour

func userUnused(u *model.User, asOf time.Time) bool {
	last := u.PasswordLastUsed
	for _, k := range u.AccessKeys {
		if k.LastUsed != nil && (last == nil || k.LastUsed.After(*last)) {
			last = k.LastUsed
		}
	}
	return stale(last, u.CreateDate, asOf)
}

func roleUnused(r *model.Role, asOf time.Time) bool {
	if r.IsServiceLinked() {
		return false
	}
	return stale(r.LastUsed, r.CreateDate, asOf)
}

// stale: last used before the window, or never used and made before it.
func stale(last *time.Time, created, asOf time.Time) bool {
	cutoff := asOf.Add(-unusedFor)
	if last != nil {
		return last.Before(cutoff)
	}
	return !created.IsZero() && created.Before(cutoff)
}

// trustsOutside reports whether a role's trust policy lets someone outside its account
// assume it: another account, anyone ("*"), or a federated identity provider.
func trustsOutside(r *model.Role, account string) bool {
	if r.TrustPolicy == nil {
		return false
	}
	for _, s := range r.TrustPolicy.Statements {
		if s.Effect != model.Allow || s.Principal == nil {
			continue
		}
		if s.Principal.Wildcard || s.NotPrincipal || len(s.Principal.Federated) > 0 {
			return true
		}
		for _, v := range s.Principal.AWS {
			if v == "*" {
				return true
			}
			acct := v
			if a, err := model.ParseARN(v); err == nil {
				acct = a.Account
			}
			if acct != account {
				return true
			}
		}
	}
	return false
}

// badgeResult is the engine's badges for some principals.
type badgeResult struct {
	arn               string
	admin, escalation bool
	escDone           bool
}

// badgesMsg carries badges computed off the event loop.
type badgesMsg struct {
	id      uint64
	results []badgeResult
}

// badgeBudget is how long one badge command works before it reports, so that badges appear
// as they are found.
const badgeBudget = 60 * time.Millisecond

// badgeWork returns the work that decides the admin badge, and the escalation badge when
// withPaths, for the principals in turn until the budget is spent or ctx is done (the user
// asked for something: the badges wait). The escalation badge asks only whether a path exists
// (eval.EscalatesIn), in discovery mode without a request context.
func badgeWork(ctx context.Context, e *eval.Engine, arns []string, withPaths bool, id uint64) func() badgesMsg {
	return func() badgesMsg {
		start := time.Now()
		out := badgesMsg{id: id}
		for _, arn := range arns {
			if ctx.Err() != nil {
				break
			}
			p, ok := e.Principal(arn)
			if !ok {
				p, ok = groupStandIn(e, arn)
			}
			if !ok {
				continue
			}
			r := badgeResult{arn: arn, admin: e.IsAdmin(p)}
			if withPaths {
				has, err := e.EscalatesIn(ctx, p, nil, eval.Discovery)
				if err != nil {
					break // stopped: this principal's badge is decided later
				}
				r.escalation, r.escDone = has, true
			}
			out.results = append(out.results, r)
			if time.Since(start) > badgeBudget {
				break
			}
		}
		return out
	}
}

// groupStandIn returns the stand-in for a group (Engine.GroupPrincipal), whose badges say
// what membership grants: admin, or an escalation path.
func groupStandIn(e *eval.Engine, arn string) (*eval.Principal, bool) {
	account := model.AccountOf(arn)
	a, ok := e.Account(account)
	if !ok {
		return nil, false
	}
	ent, ok := a.Entity(arn)
	if !ok || ent.Kind != model.EntityGroup {
		return nil, false
	}
	return e.GroupPrincipal(ent.Group, account), true
}

// badgeBatch is how many principals one badge command takes at most.
const badgeBatch = 64

// nextBadges starts deciding the next badges: the admin badge of every principal in list
// order, then the escalation badge of the principals on screen first and the rest after.
// One badge command runs at a time, so that the engine's work for what the user asks for
// is not queued behind it.
func (m *Model) nextBadges() tea.Cmd {
	c := m.ctx
	if c.base == nil || m.badgesDone {
		return nil
	}
	if m.userBusy() {
		// What the user asked for comes first: the badges go on once it is answered.
		m.badgesPaused = true
		return nil
	}
	var arns []string
	withPaths := false
	// Admin badges first, they are cheap.
	for m.badgeCursor < len(m.principals.items) && len(arns) < badgeBatch {
		it := m.principals.items[m.badgeCursor].(*principalItem)
		m.badgeCursor++
		if !it.badges.adminKnown {
			arns = append(arns, it.arn)
		}
	}
	if len(arns) == 0 {
		withPaths = true
		add := func(it *principalItem) {
			if !it.badges.escKnown && len(arns) < badgeBatch {
				arns = append(arns, it.arn)
			}
		}
		rows := listRows(c.layout.list.h)
		for i := m.principals.offset; i < len(m.principals.shown) && i < m.principals.offset+rows; i++ {
			add(m.principals.items[m.principals.shown[i]].(*principalItem))
		}
		for _, it := range m.principals.items {
			add(it.(*principalItem))
		}
	}
	if len(arns) == 0 {
		m.badgesDone = true
		return nil
	}
	m.badgeID = c.newID()
	ctx, cancel := context.WithCancel(context.Background())
	m.badgeCancel = cancel
	work := badgeWork(ctx, c.engine, arns, withPaths, m.badgeID)
	return func() tea.Msg { return work() }
}

// userBusy reports whether the engine works on something the user asked for: a tree's
// answer or an explanation.
func (m *Model) userBusy() bool {
	return m.access.busy() || m.reverse.busy() || m.paths.busy() || m.explain.loading
}

// yieldBadges stops the badge command under way while the user's work runs, and starts the
// badges again once it is done.
func (m *Model) yieldBadges() tea.Cmd {
	if m.userBusy() {
		if m.badgeCancel != nil {
			m.badgeCancel()
		}
		return nil
	}
	if m.badgesPaused && m.badgeCancel == nil {
		m.badgesPaused = false
		return m.nextBadges()
	}
	return nil
}

// handleBadges records badges and asks for the next ones.
func (m *Model) handleBadges(msg badgesMsg) tea.Cmd {
	if msg.id != m.badgeID {
		return nil
	}
	if m.badgeCancel != nil {
		m.badgeCancel()
		m.badgeCancel = nil
	}
	for _, r := range msg.results {
		it, ok := m.byARN[r.arn]
		if !ok {
			continue
		}
		it.badges.admin, it.badges.adminKnown = r.admin, true
		if r.escDone {
			it.badges.escalation, it.badges.escKnown = r.escalation, true
		}
		it.r++
		if m.explain.principal == it {
			m.showPrincipalInfo(it) // its badges are part of its description
		}
	}
	return m.nextBadges()
}

// restartBadges decides every badge again when the engine in force changes (what-ifs applied
// or undone): admin and escalation are what the what-ifs make them. Badges asked of the
// engine before are dropped by their id.
func (m *Model) restartBadges() tea.Cmd {
	c := m.ctx
	if c.engine == m.badgeEngine {
		return nil
	}
	m.badgeEngine = c.engine
	for _, it := range m.principals.items {
		p := it.(*principalItem)
		p.badges.adminKnown, p.badges.escKnown = false, false
		p.r++
	}
	m.badgeCursor, m.badgesDone, m.badgesPaused = 0, false, false
	if m.badgeCancel != nil {
		m.badgeCancel()
		m.badgeCancel = nil
	}
	m.badgeID = c.newID()
	return m.nextBadges()
}
