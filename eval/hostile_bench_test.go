package eval_test

import (
	"testing"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/synth"
	"github.com/iamscope/iamscope/model"
)

// BenchmarkHostileWideTrust asks who may assume a role whose trust policy names thousands of
// outside accounts (synth's WideTrust shape): every account is a party of the answer.
func BenchmarkHostileWideTrust(b *testing.B) {
	accts, err := synth.Load(synth.Options{Roles: 1, Users: 1, Seed: 1, Shape: synth.WideTrust, TrustedAccounts: 3000})
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
		if n := len(e.WhoCan(eval.AssumeAction, role, nil, eval.Discovery)); n < 3000 {
			b.Fatalf("%d parties", n)
		}
	}
}
