package eval_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/synth"
	"github.com/iamscope/iamscope/model"
)

// BenchmarkHostileWideTrust asks who may assume a role whose trust policy names thousands of
// outside accounts (synth's WideTrust shape): every account is a party of the answer. The
// 30,000 accounts are those of the wide-trust file the CLI is timed on.
func BenchmarkHostileWideTrust(b *testing.B) {
	for _, n := range []int{3000, 30000} {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			accts, err := synth.Load(synth.Options{Roles: 1, Users: 1, Seed: 1, Shape: synth.WideTrust, TrustedAccounts: n})
			if err != nil {
				b.Fatal(err)
			}
			e := eval.NewEngine(accts...)
			var role string
			for _, p := range e.Principals() {
				if p.Kind() == model.EntityRole {
					role = p.ARN
				}
			}
			for b.Loop() {
				if got := len(e.WhoCan(eval.AssumeAction, role, nil, eval.Discovery)); got < n {
					b.Fatalf("%d parties", got)
				}
			}
		})
	}
}

// rootTrust loads synth's RootTrust shape: roles that all trust the account root and may
// each assume any role, and a user that may too.
func rootTrust(b *testing.B, roles int) []*model.Account {
	accts, err := synth.Load(synth.Options{Roles: roles, Users: 1, Seed: 1, Shape: synth.RootTrust})
	if err != nil {
		b.Fatal(err)
	}
	return accts
}

// rootTrustUser returns the user of a root-trust account.
func rootTrustUser(e *eval.Engine) *eval.Principal {
	var user *eval.Principal
	for _, p := range e.Principals() {
		if p.Kind() == model.EntityUser {
			user = p
		}
	}
	return user
}

// BenchmarkHostileRootTrustPaths finds the escalation paths of every principal of a root-trust
// account of 2,000 roles, on a new engine each time: every principal reaches every role.
func BenchmarkHostileRootTrustPaths(b *testing.B) {
	accts := rootTrust(b, 2000)
	for b.Loop() {
		b.StopTimer()
		e := eval.NewEngine(accts...)
		b.StartTimer()
		e.AllPaths()
	}
}

// BenchmarkHostileRootTrustWhatCanVia asks what the user of a root-trust account of 2,000 roles
// can do through role chains, on a new engine each time.
func BenchmarkHostileRootTrustWhatCanVia(b *testing.B) {
	accts := rootTrust(b, 2000)
	for b.Loop() {
		b.StopTimer()
		e := eval.NewEngine(accts...)
		user := rootTrustUser(e)
		b.StartTimer()
		e.WhatCanVia(user, nil, eval.Discovery)
	}
}

// BenchmarkHostileRootTrustWhatCanChains asks what the text of `what-can` says of the user of a
// root-trust account (its own access, and each role it reaches counted by service), on a new
// engine each time, for 2,000 and 20,000 roles, with cpu-ms/op as chainedCold.
func BenchmarkHostileRootTrustWhatCanChains(b *testing.B) {
	for _, roles := range []int{2000, 20000} {
		b.Run(fmt.Sprint(roles), func(b *testing.B) {
			accts := rootTrust(b, roles)
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				e := eval.NewEngine(accts...)
				user := rootTrustUser(e)
				c0 := processTime()
				b.StartTimer()
				whatCanChains(e, user)
				cpu += processTime() - c0
			}
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}
