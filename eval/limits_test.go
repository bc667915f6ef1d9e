package eval

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/iamscope/iamscope/model"
)

// Resource limits (the README's Limits table). The tests use sizes that run in well under a
// second and bound time and memory only loosely, for a shared machine; BenchmarkLimits has the
// real figures at the sizes the README states.

const limitAcct = "111111111111"

// within runs f and fails the test when it takes longer than limit or allocates more than
// maxMB megabytes.
func within(t *testing.T, what string, limit time.Duration, maxMB uint64, f func()) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	d := time.Since(start)
	runtime.ReadMemStats(&after)
	mb := (after.TotalAlloc - before.TotalAlloc) >> 20
	if d > limit {
		t.Errorf("%s took %v, over %v", what, d, limit)
	}
	if mb > maxMB {
		t.Errorf("%s allocated %d MB, over %d MB", what, mb, maxMB)
	}
}

func mustParse(tb testing.TB, doc string) *model.Policy {
	tb.Helper()
	p, err := model.ParsePolicy([]byte(doc))
	if err != nil {
		tb.Fatalf("%v", err)
	}
	return p
}

// bigPolicy returns a policy document of at least size bytes: statements with actions,
// resources and a condition each. AWS caps a managed policy at 6,144 characters; a dump may
// hold anything.
func bigPolicy(size int) (doc string, statements int) {
	var b strings.Builder
	b.WriteString(`{"Version":"2012-10-17","Statement":[`)
	for b.Len() < size {
		if statements > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"Sid":"s%d","Effect":"Allow","Action":["s3:GetObject","ec2:Describe*"],"Resource":"arn:aws:s3:::bucket-%d/*","Condition":{"StringLike":{"aws:userid":["A*%d"]}}}`,
			statements, statements, statements)
		statements++
	}
	b.WriteString("]}")
	return b.String(), statements
}

// A policy of 1 MB (6,262 statements) parses, compiles and decides with a full explanation.
func TestLimitPolicyOfOneMegabyte(t *testing.T) {
	doc, n := bigPolicy(1 << 20)
	var r *Result
	within(t, "a 1 MB policy", 5*time.Second, 400, func() {
		cp, err := Compile("big", mustParse(t, doc))
		if err != nil {
			t.Fatal(err)
		}
		r, err = Evaluate(&Input{Identity: []*Policy{cp}}, &Request{Principal: "arn:aws:iam::1:user/u", Action: "s3:GetObject",
			Resource: fmt.Sprintf("arn:aws:s3:::bucket-%d/x", n-1), Context: NewContext()}, Options{Mode: Discovery, Explain: true})
		if err != nil {
			t.Fatal(err)
		}
	})
	if !r.Conditional() || len(r.Explanation.Policies[0].Statements) != n {
		t.Errorf("decision %s, %d statements explained, want allowed if and %d", r.Decision, len(r.Explanation.Policies[0].Statements), n)
	}
}

// condValuesPolicy has a condition with n IP ranges and n string patterns.
func condValuesPolicy(n int) string {
	vals := make([]string, n)
	for i := range vals {
		vals[i] = fmt.Sprintf(`"10.%d.%d.0/24"`, i/256%256, i%256)
	}
	list := strings.Join(vals, ",")
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{` +
		`"IpAddress":{"aws:SourceIp":[` + list + `]},"StringLike":{"aws:userid":[` + list + `]}}}]}`
}

// A condition with 20,000 values per operator (BenchmarkLimits: 100,000) is decided in time
// linear in them.
func TestLimitHugeConditionValueLists(t *testing.T) {
	doc := condValuesPolicy(20_000)
	within(t, "20,000 condition values", 5*time.Second, 200, func() {
		cp, err := Compile("values", mustParse(t, doc))
		if err != nil {
			t.Fatal(err)
		}
		ctx := NewContext()
		ctx.Set("aws:SourceIp", "10.78.31.9")
		ctx.Set("aws:userid", "10.78.31.0/24")
		r, err := Evaluate(&Input{Identity: []*Policy{cp}}, &Request{Principal: "arn:aws:iam::1:user/u", Action: "s3:GetObject",
			Resource: "arn:aws:s3:::b/x", Context: ctx}, Options{Mode: Strict, Explain: true})
		if err != nil || r.Decision != Allowed {
			t.Errorf("decision %v, %v; want allowed (the last range holds the address)", r.Decision, err)
		}
	})
}

// A depth bomb in a policy document is refused at once, naming the nesting.
func TestLimitDepthBombInAPolicy(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"a:b":` +
		strings.Repeat("[", 1_000_000) + strings.Repeat("]", 1_000_000) + `}}}]}`
	within(t, "a depth bomb", 2*time.Second, 100, func() {
		_, err := model.ParsePolicy([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), "deep") {
			t.Errorf("err = %v, want one about the nesting", err)
		}
	})
}

// hopsAccount is an account where a user may assume hop0, each hop the next, and the last
// the first again (a cycle of trust); only the last may read the crown bucket.
func hopsAccount(tb testing.TB, hops int) *model.Account {
	a := &model.Account{ID: limitAcct}
	role := func(i int) string { return fmt.Sprintf("arn:aws:iam::%s:role/hop%d", limitAcct, i) }
	user := "arn:aws:iam::" + limitAcct + ":user/start"
	a.Users = []*model.User{{ARN: user, Name: "start", Path: "/", InlinePolicies: []model.InlinePolicy{{Name: "a",
		Document: mustParse(tb, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"`+role(0)+`"}]}`)}}}}
	for i := range hops {
		trusted := `"` + user + `","` + role(hops-1) + `"`
		if i > 0 {
			trusted = `"` + role(i-1) + `"`
		}
		stmts := `{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"` + role((i+1)%hops) + `"}`
		if i == hops-1 {
			stmts += `,{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::crown/*"}`
		}
		a.Roles = append(a.Roles, &model.Role{ARN: role(i), Name: fmt.Sprintf("hop%d", i), Path: "/",
			TrustPolicy:    mustParse(tb, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":[`+trusted+`]},"Action":"sts:AssumeRole"}]}`),
			InlinePolicies: []model.InlinePolicy{{Name: "p", Document: mustParse(tb, `{"Version":"2012-10-17","Statement":[`+stmts+`]}`)}}})
	}
	a.Index()
	return a
}

// A role chain of 1,000 hops that closes into a cycle of trust: every query ends, with the
// whole chain, and the cycle is not followed round.
func TestLimitRoleChainOfAThousandHops(t *testing.T) {
	e := NewEngine(hopsAccount(t, 1000))
	start, _ := e.Principal("arn:aws:iam::" + limitAcct + ":user/start")
	within(t, "role chains over 1,000 hops", 5*time.Second, 500, func() {
		reach := e.RoleChains(start, nil, Discovery)
		if len(reach) != 1000 || len(reach[999].Path) != 1000 {
			t.Errorf("%d roles reached, the last by %d hops; want 1,000 and 1,000", len(reach), len(reach[len(reach)-1].Path))
		}
	})
	within(t, "who-can at the end of 1,000 hops", 5*time.Second, 1000, func() {
		longest := 0
		for _, g := range e.WhoCan("s3:GetObject", "arn:aws:s3:::crown/jewels", nil, Discovery) {
			longest = max(longest, len(g.Via))
		}
		if longest != 1000 {
			t.Errorf("the longest chain to the crown is %d hops, want 1,000 (the user's)", longest)
		}
	})
	within(t, "paths through 1,000 hops", 5*time.Second, 500, func() { e.Paths(start) })
}

// statementsAccount has roles holding n statements in all, 100 per role.
func statementsAccount(tb testing.TB, n int) *model.Account {
	a := &model.Account{ID: limitAcct}
	trust := mustParse(tb, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	for r := range n / 100 {
		st := make([]string, 100)
		for s := range st {
			st[s] = fmt.Sprintf(`{"Effect":"Allow","Action":["s3:GetObject","ec2:Describe*","lambda:Invoke*"],"Resource":"arn:aws:s3:::b%d-%d/*"}`, r, s)
		}
		a.Roles = append(a.Roles, &model.Role{ARN: fmt.Sprintf("arn:aws:iam::%s:role/r%d", limitAcct, r), Name: fmt.Sprintf("r%d", r), Path: "/",
			TrustPolicy:    trust,
			InlinePolicies: []model.InlinePolicy{{Name: "p", Document: mustParse(tb, `{"Version":"2012-10-17","Statement":[`+strings.Join(st, ",")+`]}`)}}})
	}
	a.Index()
	return a
}

// 20,000 statements in an account (BenchmarkLimits: 100,000): the engine compiles them, and
// who-can and what-can answer.
func TestLimitManyStatements(t *testing.T) {
	a := statementsAccount(t, 20_000)
	var e *Engine
	within(t, "compiling 20,000 statements", 5*time.Second, 500, func() { e = NewEngine(a) })
	within(t, "who-can over 20,000 statements", 5*time.Second, 200, func() {
		g := e.WhoCan("s3:GetObject", "arn:aws:s3:::b199-99/x", nil, Discovery)
		// the role, and the service its trust policy admits
		if len(g) != 2 || g[0].ARN != "arn:aws:iam::"+limitAcct+":role/r199" && g[1].ARN != "arn:aws:iam::"+limitAcct+":role/r199" {
			t.Errorf("grantees %v, want role r199 and ec2", g)
		}
	})
	within(t, "what-can of a role of 100 statements", 5*time.Second, 200, func() { e.WhatCan(e.Principals()[0], nil, Discovery) })
}

// BenchmarkLimits measures the README's Limits at their full sizes.
//
//	go test ./eval -run '^$' -bench Limits -benchmem
func BenchmarkLimits(b *testing.B) {
	b.Run("policy-1MB-parse-compile-explain", func(b *testing.B) {
		doc, n := bigPolicy(1 << 20)
		for b.Loop() {
			cp, _ := ParseAndCompile("big", []byte(doc))
			Evaluate(&Input{Identity: []*Policy{cp}}, &Request{Principal: "arn:aws:iam::1:user/u", Action: "s3:GetObject",
				Resource: fmt.Sprintf("arn:aws:s3:::bucket-%d/x", n-1), Context: NewContext()}, Options{Mode: Discovery, Explain: true})
		}
	})
	b.Run("condition-100k-values", func(b *testing.B) {
		doc := condValuesPolicy(100_000)
		ctx := NewContext()
		ctx.Set("aws:SourceIp", "192.168.1.1")
		ctx.Set("aws:userid", "nope")
		for b.Loop() {
			cp, _ := ParseAndCompile("values", []byte(doc))
			Evaluate(&Input{Identity: []*Policy{cp}}, &Request{Principal: "arn:aws:iam::1:user/u", Action: "s3:GetObject",
				Resource: "arn:aws:s3:::b/x", Context: ctx}, Options{Mode: Strict})
		}
	})
	a := statementsAccount(b, 100_000)
	b.Run("statements-100k-engine", func(b *testing.B) {
		for b.Loop() {
			NewEngine(a)
		}
	})
	e := NewEngine(a)
	b.Run("statements-100k-who-can", func(b *testing.B) {
		for b.Loop() {
			e.WhoCan("s3:GetObject", "arn:aws:s3:::b999-99/x", nil, Discovery)
		}
	})
	b.Run("statements-100k-all-paths", func(b *testing.B) {
		for b.Loop() {
			NewEngine(a).AllPaths()
		}
	})
	ce := NewEngine(hopsAccount(b, 1000))
	start, _ := ce.Principal("arn:aws:iam::" + limitAcct + ":user/start")
	b.Run("chain-1000-role-chains", func(b *testing.B) {
		for b.Loop() {
			NewEngine(hopsAccount(b, 1000)).RoleChains(start, nil, Discovery)
		}
	})
	b.Run("chain-1000-who-can", func(b *testing.B) {
		for b.Loop() {
			ce.WhoCan("s3:GetObject", "arn:aws:s3:::crown/jewels", nil, Discovery)
		}
	})
	b.Run("chain-1000-what-can-via", func(b *testing.B) {
		for b.Loop() {
			ce.WhatCanVia(start, nil, Discovery)
		}
	})
	b.Run("chain-1000-all-paths", func(b *testing.B) {
		for b.Loop() {
			NewEngine(hopsAccount(b, 1000)).AllPaths()
		}
	})
}
