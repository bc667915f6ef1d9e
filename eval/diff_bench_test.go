package eval_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/synth"
	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/model"
)

// BenchmarkDiff5000 diffs two states of the 5,000-role synthetic account (the default shape
// and the Dense one) that differ in a handful of policies (mutateHandful), against loading
// both. It reports load-ms (loading both files), diff-ms (compiling both engines and the
// incremental diff), the ratio diff/load (issue 17's target: under 2), the same ratio of the
// processor time both take (cpu-diff/load: steadier on a shared machine, where the diff's
// goroutines wait for processors), and how many principals the diff decided again.
func BenchmarkDiff5000(b *testing.B) {
	for _, tc := range []struct {
		name string
		opts synth.Options
	}{{"default", synth.DefaultOptions()}, {"dense", synth.DenseOptions()}} {
		b.Run(tc.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "account.json")
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			if err := synth.Generate(f, tc.opts); err != nil {
				b.Fatal(err)
			}
			if err := f.Close(); err != nil {
				b.Fatal(err)
			}
			var loadTotal, diffTotal, loadCPU, diffCPU time.Duration
			recomputed := 0
			for b.Loop() {
				start, c0 := time.Now(), processTime()
				before, err := loader.LoadFiles([]string{path}, nil)
				if err != nil {
					b.Fatal(err)
				}
				after, err := loader.LoadFiles([]string{path}, nil)
				if err != nil {
					b.Fatal(err)
				}
				loadTotal += time.Since(start)
				loadCPU += processTime() - c0
				mutateHandful(b, after[0], 5)
				start, c0 = time.Now(), processTime()
				d := eval.Diff(eval.NewEngine(before...), eval.NewEngine(after...), eval.DiffOptions{Mode: eval.Discovery})
				diffTotal += time.Since(start)
				diffCPU += processTime() - c0
				if len(d.Policies) < 5 {
					b.Fatalf("%d policy changes, want at least 5", len(d.Policies))
				}
				recomputed = d.Recomputed
			}
			b.ReportMetric(float64(loadTotal.Milliseconds())/float64(b.N), "load-ms")
			b.ReportMetric(float64(diffTotal.Milliseconds())/float64(b.N), "diff-ms")
			b.ReportMetric(float64(diffTotal)/float64(loadTotal), "diff/load")
			b.ReportMetric(float64(diffCPU)/float64(loadCPU), "cpu-diff/load")
			b.ReportMetric(float64(recomputed), "recomputed")
		})
	}
}

// mutateHandful changes n policies of a loaded account, chosen by a fixed seed, in the ways
// administrators do (mutateStep), and indexes it again.
func mutateHandful(tb testing.TB, a *model.Account, n int) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(17, 17))
	for i := range n {
		mutateStep(tb, a, rng, i%5)
	}
	if w := a.Index(); len(w) > 0 {
		tb.Fatalf("the mutated account does not index: %s", w[0])
	}
}

// mutateKinds is how many kinds of change mutateStep makes.
const mutateKinds = 10

// mutateStep makes one change of kind k: 0 a customer policy attached to a role, 1 an inline
// deny added to a user, 2 a managed policy's default document widened, 3 a role's trust opened
// to an outside account, 4 a policy detached from a role, 5 a customer policy attached to a
// group, 6 a role's trust opened to a service escalation paths pass roles to, 7 a role's trust
// opened to its own account, 8 a user put under a permission boundary, 9 a managed policy's
// default document made to allow every IAM action (a path to take others over).
func mutateStep(tb testing.TB, a *model.Account, rng *rand.Rand, k int) {
	tb.Helper()
	parse := func(doc string) *model.Policy {
		p, err := model.ParsePolicy([]byte(doc))
		if err != nil {
			tb.Fatal(err)
		}
		return p
	}
	var customer []*model.ManagedPolicy
	for _, p := range a.Policies {
		if !p.AWSManaged {
			customer = append(customer, p)
		}
	}
	switch k {
	case 0:
		r := a.Roles[rng.IntN(len(a.Roles))]
		r.AttachedPolicies = append(r.AttachedPolicies, customer[rng.IntN(len(customer))].ARN)
	case 1:
		u := a.Users[rng.IntN(len(a.Users))]
		u.InlinePolicies = append(u.InlinePolicies, model.InlinePolicy{Name: "bench-deny",
			Document: parse(`{"Version":"2012-10-17","Statement":[{"Sid":"NoS3","Effect":"Deny","Action":"s3:*","Resource":"*"}]}`)})
	case 2:
		p := customer[rng.IntN(len(customer))]
		for j := range p.Versions {
			if p.Versions[j].IsDefault || p.Versions[j].ID == p.DefaultVersion {
				p.Versions[j].Document = parse(`{"Version":"2012-10-17","Statement":[{"Sid":"Wider","Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}`)
			}
		}
	case 3:
		r := a.Roles[rng.IntN(len(a.Roles))]
		doc := strings.TrimSuffix(string(r.TrustPolicy.Document), "]}") +
			`,{"Sid":"Vendor","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}]}`
		r.TrustPolicy = parse(doc)
	case 4:
		for {
			r := a.Roles[rng.IntN(len(a.Roles))]
			if len(r.AttachedPolicies) > 0 {
				r.AttachedPolicies = r.AttachedPolicies[1:]
				break
			}
		}
	case 5:
		g := a.Groups[rng.IntN(len(a.Groups))]
		g.AttachedPolicies = append(g.AttachedPolicies, customer[rng.IntN(len(customer))].ARN)
	case 6, 7:
		r := a.Roles[rng.IntN(len(a.Roles))]
		who := `{"Service":"lambda.amazonaws.com"}`
		if k == 7 {
			who = `{"AWS":"arn:aws:iam::` + a.ID + `:root"}`
		}
		r.TrustPolicy = parse(strings.TrimSuffix(string(r.TrustPolicy.Document), "]}") +
			`,{"Sid":"Opened","Effect":"Allow","Principal":` + who + `,"Action":"sts:AssumeRole"}]}`)
	case 8:
		a.Users[rng.IntN(len(a.Users))].Boundary = customer[rng.IntN(len(customer))].ARN
	case 9:
		p := customer[rng.IntN(len(customer))]
		for j := range p.Versions {
			if p.Versions[j].IsDefault || p.Versions[j].ID == p.DefaultVersion {
				p.Versions[j].Document = parse(`{"Version":"2012-10-17","Statement":[{"Sid":"AllIAM","Effect":"Allow","Action":"iam:*","Resource":"*"}]}`)
			}
		}
	}
}
