package cli

import (
	"testing"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/synth"
)

// BenchmarkWhatCanJSONThroughChains answers `what-can --json` through role chains as the
// command does once the accounts are loaded (a new engine, the principal's own answer, its
// chains, every reached role's answer shared in the access table, the JSON written to a
// counting writer): user-0 of the root-trust account of 2,000 roles (each role may take on
// every other) and a role of the dense account that reaches about 1,000. It reports the bytes
// of the answer.
func BenchmarkWhatCanJSONThroughChains(b *testing.B) {
	rootTrust := synth.Options{Roles: 2000, Users: 1, Policies: 0, Seed: 1, Shape: synth.RootTrust}
	for _, c := range []struct {
		name, principal string
		opts            synth.Options
	}{
		{"root-trust-2000", "arn:aws:iam::574714094597:user/user-0", rootTrust},
		{"dense", "arn:aws:iam::574714094597:role/inventory-webhook-dev", synth.DenseOptions()},
	} {
		accts, err := synth.Load(c.opts)
		if err != nil {
			b.Fatal(err)
		}
		ctx, err := parseContext([]string{"aws:CurrentTime=2026-01-01T00:00:00Z"})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				e := eval.NewEngine(accts...)
				p, ok := e.Principal(c.principal)
				if !ok {
					b.Fatalf("no principal %s", c.principal)
				}
				reaches := e.RoleChains(p, ctx, eval.Discovery)
				w := &countingWriter{}
				err := writeWhatCanJSON(w, whatCanJSON{Principal: p.ARN}, e.WhatCanServices(p, ctx, eval.Discovery), reaches, whatCanThrough(e, reaches, ctx, eval.Discovery))
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(w.n), "bytes")
				b.ReportMetric(float64(len(reaches)), "roles")
			}
		})
	}
}
