package cli

import (
	"fmt"
	"hash/maphash"
	"slices"
	"sync"

	"github.com/iamscope/iamscope/eval"
)

// accessTable holds what each role reached through a chain can do itself, each distinct
// answer once: what-can's JSON lists every reached role with the number of its answer, so
// that its size grows with the roles and the distinct answers, not with the roles times
// every action of each.
//
// Alike roles share their lists outside sts (the engine gives them the same slices). Their
// sts actions differ by one role at most: a role is never listed as taking itself on, so each
// of n roles trusting their account lists the n-1 others. An entry shared by such roles lists
// them all, and each role leaves itself out (exceptItself): its own answer is the entry with
// the known resources of sts actions that name it taken away. Every role's answer is compared
// with an entry's in full before it shares it, so the entry gives back exactly its answer.
type accessTable struct {
	entries []*accessEntry
	// of and exceptItself give, for each reached role in order, the index of its entry and
	// whether it leaves itself out of that entry's sts actions.
	of           []int
	exceptItself []bool
	byKey        map[uint64][]int // entries by the key of their lists (accessKey)
	byLists      map[string]int   // the entries of lists alike roles share (addShared), by their identity
	// sharedByContent holds those entries by the key of their whole content.
	sharedByContent map[uint64][]int
	seed            maphash.Seed
	// sliceKeys holds the key of a service's lists outside sts, by identity, with the lists
	// (kept so that their memory is not taken by other lists while the table is filled).
	sliceKeys map[actionsID]sliceKey
	conds     map[*eval.Expr]string
}

// accessEntry is one distinct answer of the roles reached through a chain.
type accessEntry struct {
	services []eval.ServiceAccess // read only: its lists may be the engine's
	// members and arns give the first two reached roles that share the entry (their index
	// and ARN): an entry of one role may take that role's own ARN in (the role leaves itself
	// out, another lists it), and one of two may put the two roles' ARNs, next to each other,
	// in the order a third lists them.
	members []int
	arns    []string
	n       int // how many roles share it
	// alone marks an entry no role's answer is matched with: that of a role whose own sts
	// actions list itself (it leaves nothing out), or the lists the engine shares between
	// alike roles (addShared, by identity).
	alone bool
}

// sliceKey is the key of a service's lists, and the lists.
type sliceKey struct {
	key  uint64
	keep []eval.Access
}

// actionsID names a list of actions by identity: alike roles share the same one.
type actionsID struct {
	first *eval.Access
	n     int
}

// maxTried is how many entries of the same key a role's answer is compared with, the latest
// first: a role that matches none of them has an entry of its own, so that finding it stays
// linear however many distinct answers share a key.
const maxTried = 4

// newAccessTable makes the table of n reached roles.
func newAccessTable(n int) *accessTable {
	return &accessTable{of: make([]int, n), exceptItself: make([]bool, n), byKey: map[uint64][]int{}, byLists: map[string]int{}, sharedByContent: map[uint64][]int{},
		seed: maphash.MakeSeed(), sliceKeys: map[actionsID]sliceKey{}, conds: map[*eval.Expr]string{}}
}

// whatCanThrough fills the table with what each role of reaches can do itself, decided on
// every processor and added in the order of reaches, so that the entries and their numbers do
// not depend on which role is decided first; the engine's answers are held only while they
// wait for their turn.
func whatCanThrough(e *eval.Engine, reaches []eval.Reach, extra *eval.Context, mode eval.Mode) *accessTable {
	t := newAccessTable(len(reaches))
	var mu sync.Mutex
	turn := sync.NewCond(&mu)
	next := 0
	e.WhatCanServicesThrough(reaches, extra, mode, func(i int, acc []eval.ServiceAccess, exceptItself bool) {
		mu.Lock()
		defer mu.Unlock()
		// Indexes are handed out in order: the lowest one not added yet is being decided by
		// a goroutine not waiting here, so the wait ends.
		for next != i {
			turn.Wait()
		}
		if exceptItself {
			t.addShared(i, acc)
		} else {
			t.add(i, reaches[i].Role.ARN, acc)
		}
		next++
		turn.Broadcast()
	})
	return t
}

// addShared gives the reached role i the entry of acc, the engine's answer of the roles alike
// with it, which each leave themselves out (exceptItself): the same lists make the same entry.
// Such an entry takes no other role: one whose own answer only matches it decides apart.
func (t *accessTable) addShared(i int, acc []eval.ServiceAccess) {
	id := make([]actionsID, len(acc))
	for k, svc := range acc {
		id[k] = actionsID{n: len(svc.Actions)}
		if len(svc.Actions) > 0 {
			id[k].first = &svc.Actions[0]
		}
	}
	key := fmt.Sprint(id)
	k, ok := t.byLists[key]
	if !ok {
		// Other lists, of roles alike in another way (another class of those a trust tells
		// apart), may say the same: each new list is compared in full once.
		var h maphash.Hash
		h.SetSeed(t.seed)
		for _, svc := range acc {
			h.WriteString(svc.Service)
			h.WriteByte(0)
			t.hashActions(&h, svc.Actions, false)
		}
		sum := h.Sum64()
		for _, c := range t.sharedByContent[sum] {
			if t.sameServices(t.entries[c].services, acc) {
				k, ok = c, true
				break
			}
		}
		if !ok {
			k = len(t.entries)
			t.entries = append(t.entries, &accessEntry{services: acc, alone: true})
			t.sharedByContent[sum] = append(t.sharedByContent[sum], k)
		}
		t.byLists[key] = k
	}
	t.entries[k].n++
	t.of[i], t.exceptItself[i] = k, true
}

// add gives the reached role i (its ARN, its own answer acc) its entry: one it matches, or a
// new one.
func (t *accessTable) add(i int, arn string, acc []eval.ServiceAccess) {
	key := t.key(acc)
	tried := t.byKey[key]
	listsItself := t.listsItself(acc, arn)
	for k := len(tried) - 1; k >= max(0, len(tried)-maxTried) && !listsItself; k-- {
		ent := t.entries[tried[k]]
		merged, skipped, ok := t.match(ent, i, arn, acc)
		if !ok {
			continue
		}
		if merged != nil {
			if len(ent.members) == 1 {
				// The entry now lists its first role, which leaves itself out.
				t.exceptItself[ent.members[0]] = true
			}
			ent.services = merged
		}
		ent.n++
		if len(ent.members) < 2 {
			ent.members, ent.arns = append(ent.members, i), append(ent.arns, arn)
		}
		t.of[i], t.exceptItself[i] = tried[k], skipped
		return
	}
	t.of[i] = len(t.entries)
	t.entries = append(t.entries, &accessEntry{services: acc, members: []int{i}, arns: []string{arn}, n: 1, alone: listsItself})
	t.byKey[key] = append(t.byKey[key], t.of[i])
}

// listsItself reports whether a role's own answer lists its own ARN among the known resources
// of an sts action: then it cannot leave itself out of an entry, and has one of its own.
func (t *accessTable) listsItself(acc []eval.ServiceAccess, arn string) bool {
	for _, svc := range acc {
		if svc.Service != "sts" {
			continue
		}
		for _, a := range svc.Actions {
			if slices.ContainsFunc(a.Resources, func(r eval.ResourceAccess) bool { return names(r, arn) }) {
				return true
			}
		}
	}
	return false
}

// names reports whether r is the known resource arn.
func names(r eval.ResourceAccess, arn string) bool { return r.Known && r.Resource == arn }

// key is the key of an answer under which alike answers are found: its services, and their
// actions and resources, but the known resources of sts actions (one role's may differ from
// an alike one's by the two roles themselves).
func (t *accessTable) key(acc []eval.ServiceAccess) uint64 {
	var h maphash.Hash
	h.SetSeed(t.seed)
	for _, svc := range acc {
		h.WriteString(svc.Service)
		h.WriteByte(0)
		if svc.Service == "sts" {
			t.hashActions(&h, svc.Actions, true)
			continue
		}
		id := actionsID{n: len(svc.Actions)}
		if len(svc.Actions) > 0 {
			id.first = &svc.Actions[0]
		}
		k, ok := t.sliceKeys[id]
		if !ok {
			var hs maphash.Hash
			hs.SetSeed(t.seed)
			t.hashActions(&hs, svc.Actions, false)
			k = sliceKey{key: hs.Sum64(), keep: svc.Actions}
			t.sliceKeys[id] = k
		}
		maphash.WriteComparable(&h, k.key)
	}
	return h.Sum64()
}

// hashActions adds actions to h: each one's name and resources, leaving the known ones out
// with unknown.
func (t *accessTable) hashActions(h *maphash.Hash, actions []eval.Access, unknownOnly bool) {
	for _, a := range actions {
		h.WriteString(a.Action)
		h.WriteByte(0)
		for _, r := range a.Resources {
			if unknownOnly && r.Known {
				continue
			}
			h.WriteString(r.Resource)
			h.WriteByte(1)
		}
	}
}

// match compares the reached role i's answer acc with an entry. It reports whether the entry
// gives acc back exactly, once the known resources of its sts actions that name the role are
// taken away (skipped: there were some); and when the entry must change for that (it takes
// in the ARN of its only role, or puts its two roles' ARNs in acc's order), the entry's new
// lists (merged), which give back each role already sharing it too.
func (t *accessTable) match(ent *accessEntry, i int, arn string, acc []eval.ServiceAccess) (merged []eval.ServiceAccess, skipped, ok bool) {
	if ent.alone || len(ent.services) != len(acc) {
		return nil, false, false
	}
	var insert string  // the ARN the entry may take in: of its only role
	var pair [2]string // the ARNs the entry may swap: of its two roles
	switch ent.n {
	case 1:
		insert = ent.arns[0]
	case 2:
		pair = [2]string{ent.arns[0], ent.arns[1]}
	}
	for s := range acc {
		es, as := ent.services[s], acc[s]
		if es.Service != as.Service || len(es.Actions) != len(as.Actions) {
			return nil, false, false
		}
		if len(es.Actions) == 0 || &es.Actions[0] == &as.Actions[0] {
			continue // the same lists
		}
		var actions []eval.Access // the entry's service's actions, once one changes
		for k := range as.Actions {
			ea, aa := &es.Actions[k], &as.Actions[k]
			if ea.Action != aa.Action || ea.Level != aa.Level {
				return nil, false, false
			}
			var res []eval.ResourceAccess
			if as.Service == "sts" {
				var sk bool
				res, sk, ok = t.mergeResources(ea.Resources, aa.Resources, arn, insert, pair)
				skipped = skipped || sk
			} else {
				ok = slices.EqualFunc(ea.Resources, aa.Resources, t.same)
			}
			if !ok {
				return nil, false, false
			}
			if res != nil {
				if actions == nil {
					actions = slices.Clone(es.Actions)
				}
				actions[k].Resources = res
			}
		}
		if actions != nil {
			if merged == nil {
				merged = slices.Clone(ent.services)
			}
			merged[s].Actions = actions
		}
	}
	return merged, skipped, true
}

// mergeResources compares an entry's resources of an sts action, e, with the role's own, a,
// once the known resources naming the role (arn) are taken from e (skipped: there were
// some). It may take in the known resource insert where a lists it and e does not, and swap
// the known resources pair where they lie next to each other in the other order in a; the
// resources so changed are returned (nil when e stays as it is).
func (t *accessTable) mergeResources(e, a []eval.ResourceAccess, arn, insert string, pair [2]string) (out []eval.ResourceAccess, skipped, ok bool) {
	// out is built once e changes: e's resources read so far, then each one kept or added.
	changed := false
	change := func(i int) {
		if !changed {
			out, changed = slices.Clone(e[:i]), true
		}
	}
	i, j := 0, 0
	for i < len(e) || j < len(a) {
		switch {
		case i < len(e) && j < len(a) && t.same(e[i], a[j]):
			if changed {
				out = append(out, e[i])
			}
			i, j = i+1, j+1
		case insert != "" && j < len(a) && names(a[j], insert):
			change(i)
			out = append(out, a[j])
			j++
		case i < len(e) && names(e[i], arn):
			if changed {
				out = append(out, e[i])
			}
			skipped = true
			i++
		case pair[0] != "" && i+1 < len(e) && j+1 < len(a) && isPair(e[i], e[i+1], pair) &&
			t.same(e[i], a[j+1]) && t.same(e[i+1], a[j]):
			change(i)
			out = append(out, e[i+1], e[i])
			i, j = i+2, j+2
		default:
			return nil, false, false
		}
	}
	return out, skipped, true
}

// isPair reports whether x and y are the two known resources of pair, in either order.
func isPair(x, y eval.ResourceAccess, pair [2]string) bool {
	return x.Known && y.Known && (x.Resource == pair[0] && y.Resource == pair[1] || x.Resource == pair[1] && y.Resource == pair[0])
}

// sameServices reports whether two answers are written alike, every resource of them.
func (t *accessTable) sameServices(x, y []eval.ServiceAccess) bool {
	return slices.EqualFunc(x, y, func(a, b eval.ServiceAccess) bool {
		return a.Service == b.Service && slices.EqualFunc(a.Actions, b.Actions, func(p, q eval.Access) bool {
			return p.Action == q.Action && p.Level == q.Level && slices.EqualFunc(p.Resources, q.Resources, t.same)
		})
	})
}

// same reports whether two resources of an answer are written alike.
func (t *accessTable) same(x, y eval.ResourceAccess) bool {
	return x.Resource == y.Resource && x.Known == y.Known && slices.Equal(x.Except, y.Except) &&
		(x.Condition == y.Condition || t.condText(x.Condition) == t.condText(y.Condition))
}

// condText is condText, each condition written once.
func (t *accessTable) condText(c *eval.Expr) string {
	if c == nil {
		return ""
	}
	s, ok := t.conds[c]
	if !ok {
		s = condText(c)
		t.conds[c] = s
	}
	return s
}
