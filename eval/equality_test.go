package eval_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/synth"
	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/model"
)

// updateEquality rewrites testdata/equality.json with the digests of the current answers.
var updateEquality = flag.Bool("update-equality", false, "record the current answers' digests in testdata/equality.json")

// equalityFile holds, per question, the SHA-256 of every field of the engine's answer as
// recorded before the shared assumption graph (issue 14): the graph must change no answer.
const equalityFile = "testdata/equality.json"

// TestAnswersUnchanged asks fixed who-can, what-can, role chains and paths questions of the
// demo, the sparse generated account and the dense one (those that ended before the shared
// graph: who-can, role chains, what-can without chains, one principal's paths), with and
// without a request context, in both modes, and compares a digest of every field of each
// answer (conditions as text, chains hop by hop) with the one recorded. The large accounts take
// about two minutes: they are asked only with IAMSCOPE_EQUALITY set (any value).
func TestAnswersUnchanged(t *testing.T) {
	large := os.Getenv("IAMSCOPE_EQUALITY") != ""
	want := map[string]string{}
	if !*updateEquality {
		data, err := os.ReadFile(equalityFile)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("%s: %v", equalityFile, err)
		}
	}
	got := map[string]string{}
	if !large {
		// Without the large accounts, their recorded digests stand as they are.
		got = maps.Clone(want)
	}
	check := func(name string, write func(w io.Writer)) {
		start := time.Now()
		h := sha256.New()
		write(h)
		if d := time.Since(start); d > time.Second {
			t.Logf("%s took %v", name, d)
		}
		sum := hex.EncodeToString(h.Sum(nil))
		if !*updateEquality && want[name] != sum {
			t.Errorf("%s: the answer changed (digest %s, recorded %s)", name, sum, want[name])
		}
		got[name] = sum
	}
	demoAccounts, err := demo.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	var sparse, dense []*model.Account
	if large {
		if sparse, err = synth.Load(synth.DefaultOptions()); err != nil {
			t.Fatal(err)
		}
		if dense, err = synth.Load(synth.DenseOptions()); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	withTime := eval.NewContext()
	withTime.Set("aws:CurrentTime", at.Format(time.RFC3339))
	withMFA := eval.NewContext()
	withMFA.Set("aws:MultiFactorAuthPresent", "true")
	withMFA.Set("sts:ExternalId", "ext-1")
	contexts := []struct {
		name string
		ctx  *eval.Context
	}{{"none", nil}, {"time", withTime}, {"mfa", withMFA}}
	for _, acct := range []struct {
		name       string
		accounts   []*model.Account
		allPaths   bool
		whatCanVia bool
		principals int
	}{{"demo", demoAccounts, true, true, 1000}, {"sparse", sparse, true, true, 6}, {"dense", dense, false, false, 6}} {
		if acct.accounts == nil {
			continue // the large accounts: only with IAMSCOPE_EQUALITY set
		}
		e := eval.NewEngine(acct.accounts...)
		e.Now = func() time.Time { return at }
		chosen := choosePrincipals(e, acct.principals)
		queries := whoCanQueries(e)
		for _, c := range contexts {
			for _, mode := range []eval.Mode{eval.Discovery, eval.Strict} {
				prefix := fmt.Sprintf("%s/%s/%v/", acct.name, c.name, mode)
				for _, q := range queries {
					check(prefix+"who-can "+q[0]+" "+q[1], func(w io.Writer) { writeGrantees(w, e.WhoCan(q[0], q[1], c.ctx, mode)) })
				}
				for _, p := range chosen {
					check(prefix+"role-chains "+p.ARN, func(w io.Writer) { writeReaches(w, e.RoleChains(p, c.ctx, mode)) })
					check(prefix+"what-can "+p.ARN, func(w io.Writer) { writeAccess(w, e.WhatCan(p, c.ctx, mode)) })
					if acct.whatCanVia && c.name != "mfa" {
						check(prefix+"what-can-via "+p.ARN, func(w io.Writer) { writeAccess(w, e.WhatCanVia(p, c.ctx, mode)) })
					}
				}
				if acct.allPaths && (c.name == "none" && mode == eval.Discovery || c.name == "time" && mode == eval.Strict) {
					check(prefix+"paths", func(w io.Writer) {
						for _, escs := range e.AllPathsIn(c.ctx, mode) {
							writeEscalations(w, escs)
						}
					})
				} else if c.ctx == nil && mode == eval.Discovery {
					for _, p := range chosen[:2] {
						check(prefix+"paths "+p.ARN, func(w io.Writer) { writeEscalations(w, e.PathsIn(p, c.ctx, mode)) })
					}
				}
			}
		}
	}
	if *updateEquality {
		data, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(equalityFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(equalityFile, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// choosePrincipals picks up to n principals spread over the engine's order, and the one among
// the first 300 that reach a role that reaches the most roles.
func choosePrincipals(e *eval.Engine, n int) []*eval.Principal {
	all := e.Principals()
	if n >= len(all) {
		return all
	}
	var out []*eval.Principal
	for i := range n - 1 {
		out = append(out, all[(i*len(all))/(n-1)+len(all)/(2*n)])
	}
	var best *eval.Principal
	most, seen := -1, 0
	for _, p := range all {
		k := len(e.RoleChains(p, nil, eval.Discovery))
		if k == 0 {
			continue
		}
		if k > most {
			best, most = p, k
		}
		if seen++; seen == 300 {
			break
		}
	}
	if best != nil {
		out = append(out, best)
	}
	return out
}

// whoCanQueries lists (action, resource) questions on the account's own resources: a bucket
// object, every resource with a policy of its own (up to 4) and a few roles to assume.
func whoCanQueries(e *eval.Engine) [][2]string {
	out := [][2]string{{"s3:GetObject", "arn:aws:s3:::bucket-17/x"}, {"iam:PassRole", "*"}}
	var roles []string
	for _, p := range e.Principals() {
		if p.Kind() == model.EntityRole {
			roles = append(roles, p.ARN)
		}
	}
	for i := 0; i < len(roles) && i < 3*97; i += 97 {
		out = append(out, [2]string{"sts:AssumeRole", roles[i]})
	}
	for _, id := range accountIDs(e) {
		a, _ := e.Account(id)
		for i, rp := range a.ResourcePolicies {
			if i == 4 {
				break
			}
			action := "s3:GetObject"
			if !strings.Contains(rp.ResourceARN, ":s3:") {
				action = strings.SplitN(strings.TrimPrefix(rp.ResourceARN, "arn:aws:"), ":", 2)[0] + ":*"
			}
			out = append(out, [2]string{action, rp.ResourceARN + "/x"})
		}
	}
	return out
}

func accountIDs(e *eval.Engine) []string {
	seen := map[string]bool{}
	var ids []string
	for _, p := range e.Principals() {
		if !seen[p.Account] {
			seen[p.Account] = true
			ids = append(ids, p.Account)
		}
	}
	sort.Strings(ids)
	return ids
}

func exprText(x *eval.Expr) string {
	if x == nil {
		return "<nil>"
	}
	return x.String()
}

func writeHops(w io.Writer, hops []eval.Hop) {
	for _, h := range hops {
		fmt.Fprintf(w, "  hop %s -> %s %s [%s]\n", h.From, h.To, h.Action, exprText(h.Condition))
	}
}

func writeGrantees(w io.Writer, gs []eval.Grantee) {
	for _, g := range gs {
		fmt.Fprintf(w, "%s %s %v [%s] %q\n", g.ARN, g.Kind, g.Decision, exprText(g.Condition), g.Note)
		writeHops(w, g.Via)
	}
}

func writeReaches(w io.Writer, rs []eval.Reach) {
	for _, r := range rs {
		fmt.Fprintf(w, "%s\n", r.Role.ARN)
		writeHops(w, r.Path)
	}
}

func writeAccess(w io.Writer, acc []eval.Access) {
	for _, a := range acc {
		fmt.Fprintf(w, "%s %s %s\n", a.Action, a.Service, a.Level)
		for _, r := range a.Resources {
			fmt.Fprintf(w, "  %s %v [%s] %q\n", r.Resource, r.Known, exprText(r.Condition), r.Except)
		}
		writeHops(w, a.Via)
	}
}

func writeEscalations(w io.Writer, escs []eval.Escalation) {
	for _, esc := range escs {
		actor := ""
		if esc.Actor != nil {
			actor = esc.Actor.ARN
		}
		fmt.Fprintf(w, "%s %s actor=%s %s %q %s %v %q %v\n", esc.Path.ID, esc.From.ARN, actor, esc.Target, esc.Targets,
			esc.TargetKind, esc.Exploitable, esc.Needs, esc.Bounded)
		writeHops(w, esc.Via)
		for _, s := range esc.Steps {
			fmt.Fprintf(w, "  step %s %s [%s] %v\n", s.Action, s.Resource, exprText(s.Condition), s.Context.Keys())
			for _, k := range s.Context.Keys() {
				v, _ := s.Context.Get(k)
				fmt.Fprintf(w, "    %s=%q\n", k, v.Values)
			}
		}
	}
}
