package eval_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/synth"
	"github.com/iamscope/iamscope/model"
)

// The benchmarks of this file run on the generated large account (internal/synth's default:
// 5,000 roles, 1,500 users, 3,000 customer policies, about 18 MB), generated and loaded once.
func largeAccounts(b *testing.B) []*model.Account {
	accts, err := synth.Default()
	if err != nil {
		b.Fatal(err)
	}
	return accts
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

func BenchmarkLargeNewEngine(b *testing.B) {
	accts := largeAccounts(b)
	for b.Loop() {
		eval.NewEngine(accts...)
	}
}

func BenchmarkLargeWhoCan(b *testing.B) {
	e := eval.NewEngine(largeAccounts(b)...)
	// The first who-can builds the trust index; measure the steady state.
	e.WhoCan("s3:GetObject", "arn:aws:s3:::acme-payments-api-prod/report.csv", nil, eval.Discovery)
	b.ResetTimer()
	for b.Loop() {
		e.WhoCan("s3:GetObject", "arn:aws:s3:::acme-payments-api-prod/report.csv", nil, eval.Discovery)
	}
}

func BenchmarkLargeWhatCan(b *testing.B) {
	e := eval.NewEngine(largeAccounts(b)...)
	p := pick(b, e)
	e.WhatCan(p, nil, eval.Discovery)
	b.ResetTimer()
	for b.Loop() {
		if len(e.WhatCan(p, nil, eval.Discovery)) == 0 {
			b.Fatal("nothing")
		}
	}
}

// BenchmarkLargePathsEveryPrincipal runs AllPaths on a cold engine (paths are cached per
// engine). Besides ns/op it reports cpu-ms/op, the processor time of all threads, which a
// machine shared with other work does not inflate as it does the wall time.
func BenchmarkLargePathsEveryPrincipal(b *testing.B) {
	accts := largeAccounts(b)
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		e := eval.NewEngine(accts...) // paths are cached per engine: start cold each time
		c0 := processTime()
		b.StartTimer()
		n := 0
		for _, paths := range e.AllPaths() {
			n += len(paths)
		}
		cpu += processTime() - c0
		b.ReportMetric(float64(n), "paths")
	}
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
}

// processTime is the processor time (user and system, all threads) the process has used.
func processTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
