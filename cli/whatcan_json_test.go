package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/sanitize"
	"github.com/iamscope/iamscope/internal/synth"
	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/model"
)

// testAccounts are the accounts what-can's JSON is checked on: the demo, a small dense
// generated account, and a small one whose roles all trust the account root (each may take
// on every other).
func testAccounts(t *testing.T) map[string][]*model.Account {
	t.Helper()
	accounts, err := demo.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]*model.Account{"demo": accounts}
	for name, opts := range map[string]synth.Options{
		"dense":      {Roles: 50, Users: 12, Policies: 30, Seed: 3, Shape: synth.Dense},
		"root-trust": {Roles: 30, Users: 1, Policies: 0, Seed: 1, Shape: synth.RootTrust},
	} {
		if out[name], err = synth.Load(opts); err != nil {
			t.Fatal(err)
		}
	}
	out["team-only"] = teamOnlyAccount(t)
	return out
}

// teamOnlyAccount holds a user that may take on three roles trusting the account, which each
// may tag sessions and take on only the team-a-* roles: team-a-1 may take on none (it would be
// itself), the others team-a-1. The three share one answer: team-a-1 leaves itself out of it,
// and with it the action sts:AssumeRole.
func teamOnlyAccount(t *testing.T) []*model.Account {
	t.Helper()
	pol := func(doc string) *model.Policy {
		p, err := model.ParsePolicy([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	const acct = "123456789012"
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	teamOnly := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession"],"Resource":"*"},
		{"Effect":"Deny","Action":"sts:AssumeRole","NotResource":"arn:aws:iam::123456789012:role/team-a-*"}]}`
	a := &model.Account{ID: acct}
	a.Users = append(a.Users, &model.User{ARN: "arn:aws:iam::" + acct + ":user/u", Name: "u", Path: "/", ID: "AIDAU",
		InlinePolicies: []model.InlinePolicy{{Name: "any", Document: pol(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)}}})
	for i, name := range []string{"team-a-1", "other-1", "other-2"} {
		a.Roles = append(a.Roles, &model.Role{ARN: "arn:aws:iam::" + acct + ":role/" + name, Name: name, Path: "/", ID: fmt.Sprintf("AROA%d", i),
			TrustPolicy: pol(trust), InlinePolicies: []model.InlinePolicy{{Name: "team-only", Document: pol(teamOnly)}}})
	}
	a.Index()
	return []*model.Account{a}
}

// whatCanAnswer writes what-can's JSON answer for p, with chains or not, a piece at a time,
// and checks it is byte for byte the whole document (whatCanDocument).
func whatCanAnswer(t *testing.T, e *eval.Engine, p *eval.Principal, chains bool) []byte {
	t.Helper()
	head := whatCanJSON{Principal: p.ARN, Warnings: []string{"a warning \u009b"}}
	own := e.WhatCanServices(p, nil, eval.Discovery)
	var reaches []eval.Reach
	var table *accessTable
	if chains {
		reaches = e.RoleChains(p, nil, eval.Discovery)
		table = whatCanThrough(e, reaches, nil, eval.Discovery)
	}
	var want, got bytes.Buffer
	if err := writeJSON(&want, whatCanDocument(head, own, reaches, table)); err != nil {
		t.Fatal(err)
	}
	if err := writeWhatCanJSON(&got, head, own, reaches, table); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("%s: written a piece at a time, the JSON differs from the whole document:\n%s\nwant:\n%s", p.ARN, got.Bytes(), want.Bytes())
	}
	return got.Bytes()
}

// TestWhatCanJSONWrittenOneAtATime: what-can's JSON, written a piece at a time, is byte for
// byte the document of the whole answer, for every principal of the test accounts, with and
// without chains, and its services are the same bytes either way; and for one that can do
// nothing.
func TestWhatCanJSONWrittenOneAtATime(t *testing.T) {
	for name, accts := range testAccounts(t) {
		e := eval.NewEngine(accts...)
		for _, p := range e.Principals() {
			with := whatCanAnswer(t, e, p, true)
			without := whatCanAnswer(t, e, p, false)
			var a, b struct {
				Services json.RawMessage `json:"services"`
			}
			mustJSON(t, string(with), &a)
			mustJSON(t, string(without), &b)
			if !bytes.Equal(a.Services, b.Services) {
				t.Errorf("%s %s: services with chains differ from --no-chains", name, p.ARN)
			}
		}
	}
	var got bytes.Buffer
	head := whatCanJSON{Principal: "arn:aws:iam::123456789012:user/nobody"}
	if err := writeWhatCanJSON(&got, head, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	whole := head
	whole.Services = []serviceJSON{}
	var want bytes.Buffer
	if err := writeJSON(&want, whole); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("nothing to list: %s, want %s", got.Bytes(), want.Bytes())
	}
}

// roleAccess is what one role reached through a chain can do itself, and its chain.
type roleAccess struct {
	Services []serviceJSON
	Via      []hopJSON
}

// TestWhatCanJSONLosesNothing: from what-can's JSON, each reached role's chain unrolls from
// the chains table to its via (from the principal to the role), its access entry exists, and
// that entry (the role's own ARN taken from its sts actions with exceptItself) with the chain
// gives back exactly what the engine's WhatCanVia lists for the role, for every principal of
// the test accounts: every action, resource and allowedIf, and every hop's allowedIf (an
// action through a chain is allowed if the hops' conditions and the resource's hold; the
// resource's allowedIf is the role's own: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html).
// Alike roles share one entry: on the root-trust account one entry serves every role.
func TestWhatCanJSONLosesNothing(t *testing.T) {
	through, exceptItself, conditional := 0, 0, 0
	for name, accts := range testAccounts(t) {
		e := eval.NewEngine(accts...)
		for _, p := range e.Principals() {
			var doc whatCanJSON
			mustJSON(t, string(whatCanAnswer(t, e, p, true)), &doc)
			if got, want := doc.Services, groupAccess(e.WhatCan(p, nil, eval.Discovery)); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s %s: own services %v, want %v", name, p.ARN, got, want)
			}
			// The engine's answer through chains, by role.
			want := map[string]roleAccess{}
			var flat []eval.Access
			all := e.WhatCanVia(p, nil, eval.Discovery)[len(e.WhatCan(p, nil, eval.Discovery)):]
			for k, a := range all {
				flat = append(flat, a)
				if k+1 == len(all) || &all[k+1].Via[0] != &a.Via[0] {
					want[a.Via[len(a.Via)-1].To] = roleAccess{Services: groupAccess(flat), Via: hops(a.Via)}
					flat = nil
				}
			}
			got := map[string]roleAccess{}
			for _, r := range doc.Reached {
				if r.Access < 0 || r.Access >= len(doc.Access) || r.Chain < 0 || r.Chain >= len(doc.Chains) {
					t.Fatalf("%s %s: %s: access %d of %d, chain %d of %d", name, p.ARN, r.Role, r.Access, len(doc.Access), r.Chain, len(doc.Chains))
				}
				if chain := unrollChain(t, doc.Chains, r.Chain); !reflect.DeepEqual(chain, r.Via) || chain[0].From != p.ARN || chain[len(chain)-1].To != r.Role {
					t.Errorf("%s %s: %s: chain %d is %v, via %v", name, p.ARN, r.Role, r.Chain, chain, r.Via)
				}
				if slices.ContainsFunc(r.Via, func(h hopJSON) bool { return h.AllowedIf != "" }) {
					conditional++
				}
				services := doc.Access[r.Access].Services
				if r.ExceptItself {
					exceptItself++
					services = leaveOut(services, r.Role)
				}
				if len(services) > 0 {
					got[r.Role] = roleAccess{Services: services, Via: r.Via}
				}
				through++
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s: through chains the JSON gives\n%v\nthe engine\n%v", name, p.ARN, got, want)
			}
			if name == "root-trust" && len(doc.Reached) > 1 && len(doc.Access) != 1 {
				t.Errorf("%s %s: %d roles alike, %d access entries", name, p.ARN, len(doc.Reached), len(doc.Access))
			}
		}
	}
	if through == 0 || exceptItself == 0 || conditional == 0 {
		t.Fatalf("%d roles reached, %d leaving themselves out, %d through a conditional hop: the test weighs nothing", through, exceptItself, conditional)
	}
}

// unrollChain returns the hops of chain k of a chains table, first to last.
func unrollChain(t *testing.T, chains []chainJSON, k int) []hopJSON {
	t.Helper()
	var out []hopJSON
	for seen := 0; seen <= len(chains); seen++ {
		c := chains[k]
		out = append([]hopJSON{c.hopJSON}, out...)
		if c.After == nil {
			return out
		}
		k = *c.After
		if k < 0 || k >= len(chains) {
			t.Fatalf("chain after %d: %d chains", k, len(chains))
		}
	}
	t.Fatalf("chain %d does not end", k)
	return nil
}

// leaveOut returns services without the known resources of sts actions naming arn.
func leaveOut(services []serviceJSON, arn string) []serviceJSON {
	var out []serviceJSON
	for _, s := range services {
		svc := serviceJSON{Service: s.Service}
		for _, l := range s.Levels {
			level := levelJSON{Level: l.Level}
			for _, a := range l.Actions {
				res := []resourceJSON{}
				for _, r := range a.Resources {
					if s.Service != "sts" || !r.Known || r.Resource != arn {
						res = append(res, r)
					}
				}
				if len(res) > 0 { // an action left with no resource is not the role's
					level.Actions = append(level.Actions, actionJSON{Action: a.Action, Resources: res})
				}
			}
			if len(level.Actions) > 0 {
				svc.Levels = append(svc.Levels, level)
			}
		}
		if len(svc.Levels) > 0 {
			out = append(out, svc)
		}
	}
	return out
}

// TestWhatCanJSONSizeGrowsWithTheRoles: on an account whose roles all trust the account root
// (each may take on every other), what-can's JSON grows with the roles, not with the roles
// times the roles each may take on: twice the roles, about twice the bytes.
func TestWhatCanJSONSizeGrowsWithTheRoles(t *testing.T) {
	size := map[int]int{}
	for _, n := range []int{150, 300} {
		accts, err := synth.Load(synth.Options{Roles: n, Users: 1, Policies: 0, Seed: 1, Shape: synth.RootTrust})
		if err != nil {
			t.Fatal(err)
		}
		e := eval.NewEngine(accts...)
		user := e.Principals()[0]
		for _, p := range e.Principals() {
			if p.Entity.Kind == model.EntityUser {
				user = p
			}
		}
		reaches := e.RoleChains(user, nil, eval.Discovery)
		if len(reaches) != n {
			t.Fatalf("%s reaches %d roles of %d", user.ARN, len(reaches), n)
		}
		var out bytes.Buffer
		if err := writeWhatCanJSON(&out, whatCanJSON{Principal: user.ARN}, e.WhatCanServices(user, nil, eval.Discovery), reaches, whatCanThrough(e, reaches, nil, eval.Discovery)); err != nil {
			t.Fatal(err)
		}
		size[n] = out.Len()
	}
	if ratio := float64(size[300]) / float64(size[150]); ratio > 2.5 {
		t.Errorf("150 roles: %d bytes, 300 roles: %d bytes (%.2fx)", size[150], size[300], ratio)
	}
}

// TestAccessTableSharesAnyOrder: roles that each take on every other (and not themselves)
// share one entry whatever order they are reached in, the entry listing them in the order
// their lists give, and each role's answer is the entry without itself; a role that takes on
// itself, or one that differs by another role, has its own.
func TestAccessTableSharesAnyOrder(t *testing.T) {
	arn := func(i int) string { return "arn:aws:iam::111122223333:role/r" + string(rune('0'+i)) }
	answer := func(roles ...int) []eval.ServiceAccess {
		res := []eval.ResourceAccess{{Resource: "*"}}
		for _, r := range roles {
			res = append(res, eval.ResourceAccess{Resource: arn(r), Known: true})
		}
		return []eval.ServiceAccess{{Service: "sts", Actions: []eval.Access{{Action: eval.AssumeAction, Service: "sts", Level: catalog.Write, Resources: res}}}}
	}
	but := func(self int) []eval.ServiceAccess {
		var others []int
		for r := range 5 {
			if r != self {
				others = append(others, r)
			}
		}
		return answer(others...)
	}
	for _, order := range [][]int{{0, 1, 2, 3, 4}, {1, 0, 2, 3, 4}, {4, 3, 2, 1, 0}, {2, 4, 0, 3, 1}} {
		table := newAccessTable(len(order))
		for i, r := range order {
			table.add(i, arn(r), but(r))
		}
		if len(table.entries) != 1 {
			t.Errorf("order %v: %d entries", order, len(table.entries))
			continue
		}
		if got, want := table.entries[0].services, answer(0, 1, 2, 3, 4); !reflect.DeepEqual(got, want) {
			t.Errorf("order %v: the entry lists %v, want %v", order, got, want)
		}
		for i, r := range order {
			if !table.exceptItself[i] {
				t.Errorf("order %v: %s does not leave itself out", order, arn(r))
			}
		}
	}
	table := newAccessTable(4)
	table.add(0, arn(0), but(0))
	table.add(1, arn(1), answer(0, 1, 2, 3, 4)) // lists itself
	table.add(2, arn(2), answer(0, 1, 3))       // not r4
	table.add(3, arn(3), but(3))
	if want := []int{0, 1, 2, 0}; !reflect.DeepEqual(table.of, want) || table.exceptItself[1] || table.exceptItself[2] {
		t.Errorf("entries %v (leaving themselves out %v), want %v", table.of, table.exceptItself, want)
	}
}

// TestActionJSONWrittenAsEncodingJSON: an action written without reflection is byte for byte
// what encoding/json and sanitize write, at any indent, and one with a string encoding/json
// escapes otherwise (HTML, control, outside ASCII) is left to them.
func TestActionJSONWrittenAsEncodingJSON(t *testing.T) {
	plain := []actionJSON{
		{Action: "s3:ListAllMyBuckets", Resources: []resourceJSON{}},
		{Action: "s3:GetObject", Resources: []resourceJSON{
			{Resource: "arn:aws:s3:::b/*", AllowedIf: `StringEquals aws:SourceVpc ["vpc-1"] and a\b`, Except: []string{"arn:aws:s3:::b/secret/*", `arn:aws:s3:::b/x if "y"`}},
			{Resource: "arn:aws:s3:::c", Known: true},
		}},
	}
	for _, a := range plain {
		for _, indent := range []string{"            ", "                  "} {
			want, err := json.MarshalIndent(a, indent, "  ")
			if err != nil {
				t.Fatal(err)
			}
			got, ok := appendActionJSON(nil, a, indent)
			if !ok || !bytes.Equal(got, sanitize.JSON(want)) {
				t.Errorf("%+v: written\n%s\nencoding/json writes\n%s", a, got, want)
			}
		}
	}
	for _, s := range []string{"a<b", "a&b", "role/é", "x\u009by", "tab\there"} {
		for _, a := range []actionJSON{
			{Action: s, Resources: []resourceJSON{}},
			{Action: "s3:GetObject", Resources: []resourceJSON{{Resource: "r", Except: []string{s}}}},
		} {
			if _, ok := appendActionJSON(nil, a, ""); ok {
				t.Errorf("%q: written without encoding/json", s)
			}
		}
	}
}
