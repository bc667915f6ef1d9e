package casegen_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/casegen"
)

// TestGenerateIsDeterministic: the same seed gives the same cases, so that a failure of the
// differential test can be reproduced from its seed.
func TestGenerateIsDeterministic(t *testing.T) {
	a, b := casegen.Generate(7, 200), casegen.Generate(7, 200)
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			t.Fatalf("case %d differs between two runs with the same seed:\n%s\n%s", i, a[i], b[i])
		}
	}
	if c := casegen.Generate(8, 1); bytes.Equal(a[0], c[0]) {
		t.Fatal("seeds 7 and 8 gave the same first case")
	}
}

// TestGenerateCoversTheLanguage checks that the differential test's cases exercise everything
// the engine does: every condition operator and its forms, every policy element and policy
// type, every kind of caller, and all three decisions. It also checks that the engine reads
// every case.
func TestGenerateCoversTheLanguage(t *testing.T) {
	raws := casegen.Generate(diffSeed, diffCases)
	var all strings.Builder
	decisions := map[eval.Decision]int{}
	for _, raw := range raws {
		all.Write(raw)
		res := eval.RunCase(raw, false)
		if res.Error != "" {
			t.Fatalf("the engine refused a generated case: %s\n%s", res.Error, raw)
		}
		decisions[res.Decision]++
	}
	text := all.String()
	want := []string{
		// operators
		`"StringEquals"`, `"StringNotEquals"`, `"StringEqualsIgnoreCase"`, `"StringNotEqualsIgnoreCase"`,
		`"StringLike"`, `"StringNotLike"`, `"NumericEquals"`, `"NumericNotEquals"`, `"NumericLessThan"`,
		`"NumericLessThanEquals"`, `"NumericGreaterThan"`, `"NumericGreaterThanEquals"`, `"DateEquals"`,
		`"DateNotEquals"`, `"DateLessThan"`, `"DateLessThanEquals"`, `"DateGreaterThan"`,
		`"DateGreaterThanEquals"`, `"Bool"`, `"BinaryEquals"`, `"IpAddress"`, `"NotIpAddress"`,
		`"ArnEquals"`, `"ArnLike"`, `"ArnNotEquals"`, `"ArnNotLike"`, `"Null"`,
		`IfExists"`, `"ForAnyValue:`, `"ForAllValues:`,
		// multivalued keys, tags, IPv6, policy variables and their defaults
		`"aws:TagKeys":[`, `"aws:PrincipalTag/team"`, `"aws:SourceIp":"2001:db8`, `${aws:username}`,
		`${aws:PrincipalTag/team, '`,
		// policy elements and versions
		`"NotAction"`, `"NotResource"`, `"NotPrincipal"`, `"Principal":"*"`, `"Service":`,
		`"Version":"2008-10-17"`, `"Statement":[{"Effect"`,
		// policy types
		`"identityPolicies"`, `"resourcePolicy"`, `"permissionBoundaries"`, `"sessionPolicy"`,
		`"scps":[[`, `"rcps":[[`,
		// callers
		`:user/`, `:role/`, `:assumed-role/`, `:federated-user/`, `.amazonaws.com","action"`,
		`"principal":"anonymous"`,
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("no generated case holds %s", w)
		}
	}
	for _, d := range []eval.Decision{eval.Allowed, eval.ImplicitlyDenied, eval.ExplicitlyDenied} {
		if decisions[d] < len(raws)/10 {
			t.Errorf("only %d of %d cases are %s", decisions[d], len(raws), d)
		}
	}
	var c casegen.Case
	sameAccount, crossAccount, noAllowLevel := 0, 0, 0
	for _, raw := range raws {
		c = casegen.Case{}
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(c.Request.Principal, "arn:") {
			if strings.Contains(c.Request.Resource, ":444455556666:") || c.ResourceAccount == "444455556666" {
				crossAccount++
			} else {
				sameAccount++
			}
		}
		for _, level := range c.SCPs {
			allows := false
			for _, p := range level {
				for _, s := range p.Statement {
					allows = allows || s.Effect == "Allow"
				}
			}
			if !allows {
				noAllowLevel++
			}
		}
	}
	if sameAccount < len(raws)/5 || crossAccount < len(raws)/10 {
		t.Errorf("%d same-account and %d cross-account cases: want both", sameAccount, crossAccount)
	}
	if noAllowLevel == 0 {
		t.Error("no SCP level lacks an Allow")
	}
	t.Logf("%d cases: %v", len(raws), decisions)
}
