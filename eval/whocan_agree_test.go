package eval_test

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/synth"
	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/model"
)

// agreeSamples is how many (action, resource, context, mode) questions the agreement test
// asks of each account: a few hundred in every `go test`, more with IAMSCOPE_AGREE_SAMPLES.
func agreeSamples(t *testing.T) int {
	if v := os.Getenv("IAMSCOPE_AGREE_SAMPLES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("IAMSCOPE_AGREE_SAMPLES=%q: want a positive number", v)
		}
		return n
	}
	return 300
}

// TestWhoCanAgreesWithCan: for a random sample of questions on the demo account and on a
// generated one, every party who-can lists gets, from CanParty with the identifier who-can
// prints, the same decision, the same open conditions and the same chain; and a sample of the
// loaded principals who-can leaves out are not allowed by CanParty. Both modes, with and
// without a context.
func TestWhoCanAgreesWithCan(t *testing.T) {
	demoAccounts, err := demo.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := synth.Generate(&buf, synth.Options{Roles: 120, Users: 40, Policies: 60, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "synth.json")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	synthAccounts, err := loader.LoadFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := agreeSamples(t)
	for _, c := range []struct {
		name     string
		accounts []*model.Account
	}{{"demo", demoAccounts}, {"synth", synthAccounts}} {
		t.Run(c.name, func(t *testing.T) {
			e := eval.NewEngine(c.accounts...)
			checks, bad := agree(t, e, c.accounts, n, rand.New(rand.NewPCG(1, 2)))
			t.Logf("%s: %d questions, %d party checks, %d disagreements", c.name, n, checks, bad)
		})
	}
}

// agree asks n random questions of e and checks who-can against CanParty; it returns how many
// parties it checked and how many disagreed.
func agree(t *testing.T, e *eval.Engine, accounts []*model.Account, n int, rng *rand.Rand) (checks, bad int) {
	pairs := questionPool(accounts)
	principals := e.Principals()
	report := func(format string, args ...any) {
		bad++
		if bad <= 20 {
			t.Errorf(format, args...)
		}
	}
	for range n {
		q := pairs[rng.IntN(len(pairs))]
		mode := eval.Discovery
		if rng.IntN(2) == 0 {
			mode = eval.Strict
		}
		var ctx *eval.Context
		if rng.IntN(3) == 0 {
			ctx = eval.NewContext()
			ctx.Set("aws:SecureTransport", "true")
			ctx.Set("aws:MultiFactorAuthPresent", strconv.FormatBool(rng.IntN(2) == 0))
		}
		listed := map[string]bool{}
		for _, g := range e.WhoCan(q[0], q[1], ctx, mode) {
			checks++
			if listed[g.ARN] {
				report("%s on %s: who-can lists %s twice", q[0], q[1], g.ARN)
			}
			listed[g.ARN] = true
			pt, ok, err := e.FindParty(g.ARN)
			if !ok || err != nil {
				report("%s on %s: can cannot ask about %s (%v)", q[0], q[1], g.ARN, err)
				continue
			}
			ans, err := e.CanParty(pt, q[0], q[1], ctx, eval.Options{Mode: mode})
			if err != nil {
				report("%s on %s as %s: %v", q[0], q[1], g.ARN, err)
				continue
			}
			if ans.Decision != g.Decision || condString(ans.Condition) != condString(g.Condition) || chain(ans.Via) != chain(g.Via) {
				report("%s on %s (mode %d) as %s: can says %s if %q via %q; who-can %s if %q via %q", q[0], q[1], mode, g.ARN,
					ans.Decision, condString(ans.Condition), chain(ans.Via), g.Decision, condString(g.Condition), chain(g.Via))
			}
		}
		for range 3 {
			p := principals[rng.IntN(len(principals))]
			if listed[p.ARN] {
				continue
			}
			checks++
			ans, err := e.CanParty(eval.PartyOf(p), q[0], q[1], ctx, eval.Options{Mode: mode})
			if err == nil && ans.Decision == eval.Allowed {
				report("%s on %s (mode %d): can allows %s via %q, who-can leaves it out", q[0], q[1], mode, p.ARN, chain(ans.Via))
			}
		}
	}
	return checks, bad
}

func condString(x *eval.Expr) string {
	if x == nil || !x.IsOpen() {
		return ""
	}
	return x.String()
}

func chain(via []eval.Hop) string {
	var b strings.Builder
	for _, h := range via {
		b.WriteString(h.From + ">" + h.To + "(" + h.Action + ") ")
	}
	return b.String()
}

// questionPool lists (action, resource) questions the accounts' policies make interesting:
// each statement's concrete actions (a service's catalog actions for a pattern) on its
// resources (a wildcard filled in), every role for sts:AssumeRole, and every resource with a
// policy for the actions that policy names.
func questionPool(accounts []*model.Account) [][2]string {
	seen := map[[2]string]bool{}
	var out [][2]string
	add := func(action, resource string) {
		k := [2]string{action, resource}
		if !seen[k] && strings.Count(action, ":") == 1 && !strings.ContainsAny(action, "*?") && resource != "" {
			seen[k] = true
			out = append(out, k)
		}
	}
	actionsOf := func(pattern string) []string {
		if !strings.ContainsAny(pattern, "*?") {
			return []string{pattern}
		}
		prefix, _, _ := strings.Cut(pattern, ":")
		svc, ok := catalog.LookupService(strings.ToLower(prefix))
		if !ok {
			return nil
		}
		var acts []string
		for i, a := range svc.Actions {
			if i%7 == 0 {
				acts = append(acts, a.FullName())
			}
		}
		return acts
	}
	fill := func(r string) string { return strings.NewReplacer("*", "x", "?", "x", "${", "", "}", "").Replace(r) }
	statements := func(doc *model.Policy, resource string) {
		if doc == nil {
			return
		}
		for _, s := range doc.Statements {
			if s.NotAction {
				continue
			}
			for _, a := range s.Actions {
				for _, act := range actionsOf(a) {
					if resource != "" {
						add(act, resource)
					}
					for _, r := range s.Resources {
						add(act, fill(r))
					}
				}
			}
		}
	}
	for _, a := range accounts {
		for _, mp := range a.Policies {
			statements(mp.Default(), "")
		}
		for _, u := range a.Users {
			for _, ip := range u.InlinePolicies {
				statements(ip.Document, "")
			}
		}
		for _, g := range a.Groups {
			for _, ip := range g.InlinePolicies {
				statements(ip.Document, "")
			}
		}
		for _, r := range a.Roles {
			add(eval.AssumeAction, r.ARN)
			statements(r.TrustPolicy, r.ARN)
			for _, ip := range r.InlinePolicies {
				statements(ip.Document, "")
			}
		}
		for _, rp := range a.ResourcePolicies {
			statements(rp.Document, rp.ResourceARN)
			if strings.HasPrefix(rp.ResourceARN, "arn:aws:s3:::") {
				statements(rp.Document, rp.ResourceARN+"/k")
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0]+out[i][1] < out[j][0]+out[j][1] })
	return out
}
