package eval_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/synth"
	"github.com/iamscope/iamscope/model"
)

// The benchmarks of this file run on the generated large accounts (internal/synth: 5,000 roles,
// 1,500 users, 3,000 customer policies), each generated and loaded once, in two shapes of
// trust: sparse (short chains, few may assume any role) and dense (a real account's trust:
// 40% of principals may assume any role, roles trust the root and earlier roles). Each
// benchmark runs on both, as sub-benchmarks named for the shape.
var largeShapes = []struct {
	name string
	opts synth.Options
}{{"sparse", synth.DefaultOptions()}, {"dense", synth.DenseOptions()}}

// onLargeAccounts runs f as a sub-benchmark on each shape's account.
func onLargeAccounts(b *testing.B, f func(b *testing.B, accts []*model.Account)) {
	for _, shape := range largeShapes {
		b.Run(shape.name, func(b *testing.B) {
			accts, err := synth.Load(shape.opts)
			if err != nil {
				b.Fatal(err)
			}
			f(b, accts)
		})
	}
}

// pick returns a principal of the large account with some power but not everything: the
// median of those whose policies grant anything, so that what-can has work to do.
func pick(b *testing.B, e *eval.Engine) *eval.Principal {
	var mid []*eval.Principal
	for _, p := range e.Principals() {
		if len(p.Identity) >= 2 {
			mid = append(mid, p)
		}
	}
	if len(mid) == 0 {
		b.Fatal("no principal with policies")
	}
	return mid[len(mid)/2]
}

// pickChained returns the principal of the large account that reaches the most roles among
// the first 300 that reach any: the chains benchmarks' worst case.
func pickChained(b *testing.B, e *eval.Engine) *eval.Principal {
	var best *eval.Principal
	most, seen := -1, 0
	for _, p := range e.Principals() {
		n := len(e.RoleChains(p, nil, eval.Discovery))
		if n == 0 {
			continue
		}
		if n > most {
			best, most = p, n
		}
		if seen++; seen == 300 {
			break
		}
	}
	if best == nil {
		b.Fatal("no principal reaches a role")
	}
	b.ReportMetric(float64(most), "roles-reached")
	return best
}

func BenchmarkLargeNewEngine(b *testing.B) {
	onLargeAccounts(b, func(b *testing.B, accts []*model.Account) {
		for b.Loop() {
			eval.NewEngine(accts...)
		}
	})
}

// BenchmarkLargeWhoCan measures who-can on an engine that has answered once (the trust index
// and one-hop assumptions are built). Besides ns/op it reports cpu-ms/op, the processor time
// of all threads (see BenchmarkLargePathsEveryPrincipal).
func BenchmarkLargeWhoCan(b *testing.B) {
	onLargeAccounts(b, func(b *testing.B, accts []*model.Account) {
		e := eval.NewEngine(accts...)
		e.WhoCan("s3:GetObject", "arn:aws:s3:::acme-payments-api-prod/report.csv", nil, eval.Discovery)
		b.ResetTimer()
		c0 := processTime()
		for b.Loop() {
			e.WhoCan("s3:GetObject", "arn:aws:s3:::acme-payments-api-prod/report.csv", nil, eval.Discovery)
		}
		reportCPU(b, processTime()-c0)
	})
}

// BenchmarkLargeWhoCanCold measures a who-can on a new engine: the first answer, as the CLI
// gives it. It reports cpu-ms/op as BenchmarkLargeWhoCan does.
func BenchmarkLargeWhoCanCold(b *testing.B) {
	onLargeAccounts(b, func(b *testing.B, accts []*model.Account) {
		coldRuns(b, accts, func(e *eval.Engine) {
			e.WhoCan("s3:GetObject", "arn:aws:s3:::acme-payments-api-prod/report.csv", nil, eval.Discovery)
		})
	})
}

func BenchmarkLargeWhatCan(b *testing.B) {
	onLargeAccounts(b, func(b *testing.B, accts []*model.Account) {
		e := eval.NewEngine(accts...)
		p := pick(b, e)
		e.WhatCan(p, nil, eval.Discovery)
		b.ResetTimer()
		for b.Loop() {
			if len(e.WhatCan(p, nil, eval.Discovery)) == 0 {
				b.Fatal("nothing")
			}
		}
	})
}

// chainedCold runs query on the best-connected principal of each shape, each run on a new
// engine: the first answer, as the CLI gives it. Besides ns/op it reports cpu-ms/op, the
// processor time of all threads, which a shared machine does not inflate as it does the wall
// time.
func chainedCold(b *testing.B, query func(e *eval.Engine, p *eval.Principal)) {
	onLargeAccounts(b, func(b *testing.B, accts []*model.Account) {
		arn := pickChained(b, eval.NewEngine(accts...)).ARN
		coldRuns(b, accts, func(e *eval.Engine) {
			p, _ := e.Principal(arn)
			query(e, p)
		})
	})
}

// chainedWarm runs query on the best-connected principal of each shape, on an engine whose
// assumption graph another query has built (the explorer's and a second query's case), with
// cpu-ms/op as chainedCold.
func chainedWarm(b *testing.B, query func(e *eval.Engine, p *eval.Principal)) {
	onLargeAccounts(b, func(b *testing.B, accts []*model.Account) {
		e := eval.NewEngine(accts...)
		p := pickChained(b, e)
		e.WhoCan("s3:GetObject", "arn:aws:s3:::acme-payments-api-prod/report.csv", nil, eval.Discovery)
		var cpu time.Duration
		for b.Loop() {
			c0 := processTime()
			query(e, p)
			cpu += processTime() - c0
		}
		reportCPU(b, cpu)
	})
}

// chainedNext runs query on the second best-connected principal of each shape, each run on a
// new engine that has first answered the same query for the best-connected one (untimed): the
// explorer's second question, when the roles it reaches have been met before but the
// principal has not. It reports cpu-ms/op as chainedCold.
func chainedNext(b *testing.B, query func(e *eval.Engine, p *eval.Principal)) {
	onLargeAccounts(b, func(b *testing.B, accts []*model.Account) {
		e := eval.NewEngine(accts...)
		first := pickChained(b, e)
		var second *eval.Principal
		most := -1
		for _, p := range e.Principals()[:300] {
			if n := len(e.RoleChains(p, nil, eval.Discovery)); p != first && n > most {
				second, most = p, n
			}
		}
		b.Logf("second principal %s reaches %d roles", second.ARN, most)
		var cpu time.Duration
		for b.Loop() {
			b.StopTimer()
			e := eval.NewEngine(accts...)
			p, _ := e.Principal(first.ARN)
			query(e, p)
			q, _ := e.Principal(second.ARN)
			c0 := processTime()
			b.StartTimer()
			query(e, q)
			cpu += processTime() - c0
		}
		reportCPU(b, cpu)
	})
}

func roleChains(e *eval.Engine, p *eval.Principal) { e.RoleChains(p, nil, eval.Discovery) }
func whatCanVia(e *eval.Engine, p *eval.Principal) { e.WhatCanVia(p, nil, eval.Discovery) }

// BenchmarkLargeRoleChains measures the role chains of the best-connected principal, cold.
func BenchmarkLargeRoleChains(b *testing.B) { chainedCold(b, roleChains) }

// BenchmarkLargeRoleChainsWarm measures them on a built assumption graph.
func BenchmarkLargeRoleChainsWarm(b *testing.B) { chainedWarm(b, roleChains) }

// whatCanChains answers what the text of `what-can PRINCIPAL` says: the principal's own
// access, and each role it reaches through a chain with its actions counted by service.
func whatCanChains(e *eval.Engine, p *eval.Principal) {
	e.WhatCan(p, nil, eval.Discovery)
	reaches := e.RoleChains(p, nil, eval.Discovery)
	e.WhatCanCountsThrough(reaches, nil, eval.Discovery, func(int, []eval.ServiceCount) {})
}

// BenchmarkLargeWhatCanChains measures what-can through role chains of the best-connected
// principal as its text answer needs it (each reached role's actions counted), cold.
func BenchmarkLargeWhatCanChains(b *testing.B) { chainedCold(b, whatCanChains) }

// BenchmarkLargeWhatCanChainsNext measures it for another principal after the first
// (chainedNext): the explorer's second question.
func BenchmarkLargeWhatCanChainsNext(b *testing.B) { chainedNext(b, whatCanChains) }

// BenchmarkLargeRoleChainsNext measures role chains the same way.
func BenchmarkLargeRoleChainsNext(b *testing.B) { chainedNext(b, roleChains) }

// BenchmarkLargeWhatCanChainsWarm measures it on a built assumption graph.
func BenchmarkLargeWhatCanChainsWarm(b *testing.B) { chainedWarm(b, whatCanChains) }

// BenchmarkLargeWhatCanVia measures what-can through role chains of the best-connected
// principal, cold.
func BenchmarkLargeWhatCanVia(b *testing.B) { chainedCold(b, whatCanVia) }

// BenchmarkLargeWhatCanViaWarm measures it on a built assumption graph.
func BenchmarkLargeWhatCanViaWarm(b *testing.B) { chainedWarm(b, whatCanVia) }

// BenchmarkLargePathsEveryPrincipal summarizes the paths of every principal on a cold engine
// (paths are cached per engine), as the paths command does: AllPathSummariesIn; "paths" counts
// what the summaries stand for (AllPaths lists them one by one). Besides ns/op it reports
// cpu-ms/op, the processor time of all threads, which a machine shared with other work does
// not inflate as it does the wall time.
func BenchmarkLargePathsEveryPrincipal(b *testing.B) {
	onLargeAccounts(b, func(b *testing.B, accts []*model.Account) {
		n := 0
		coldRuns(b, accts, func(e *eval.Engine) { // paths are cached per engine: start cold each time
			n = 0
			sums := e.AllPathSummariesIn(nil, eval.Discovery)
			for i := range sums {
				n += sums[i].Count()
			}
		})
		b.ReportMetric(float64(n), "paths")
	})
}

// coldRuns runs query once per iteration on a new engine over accts, made outside the timer (a
// cold engine: what the CLI answers with), and reports cpu-ms/op as reportCPU does.
func coldRuns(b *testing.B, accts []*model.Account, query func(e *eval.Engine)) {
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		e := eval.NewEngine(accts...)
		c0 := processTime()
		b.StartTimer()
		query(e)
		cpu += processTime() - c0
	}
	reportCPU(b, cpu)
}

// reportCPU reports cpu-ms/op: the processor time of all threads per iteration, to the
// microsecond, which a machine shared with other work does not inflate as it does wall time.
func reportCPU(b *testing.B, cpu time.Duration) {
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// processTime is the processor time (user and system, all threads) the process has used.
func processTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLargeHasPaths decides the explorer's escalation badge (HasPathsIn) of every
// principal on a cold engine: whether each has any path, not which.
func BenchmarkLargeHasPaths(b *testing.B) {
	onLargeAccounts(b, func(b *testing.B, accts []*model.Account) {
		n := 0
		coldRuns(b, accts, func(e *eval.Engine) {
			n = 0
			for _, p := range e.Principals() {
				if e.HasPathsIn(p, nil, eval.Discovery) {
					n++
				}
			}
		})
		b.ReportMetric(float64(n), "with-paths")
	})
}
