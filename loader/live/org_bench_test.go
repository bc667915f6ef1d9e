package live

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/iamscope/iamscope/eval"
)

// orgScale returns the size of the organization the scale benchmark loads: 200 accounts of
// 500 roles, or IAMSCOPE_ORG_ACCOUNTS and IAMSCOPE_ORG_ROLES.
func orgScale() (accounts, roles int) {
	accounts, roles = 200, 500
	if n, err := strconv.Atoi(os.Getenv("IAMSCOPE_ORG_ACCOUNTS")); err == nil && n > 1 {
		accounts = n
	}
	if n, err := strconv.Atoi(os.Getenv("IAMSCOPE_ORG_ROLES")); err == nil && n >= 0 {
		roles = n
	}
	return accounts, roles
}

// BenchmarkOrganization loads a generated organization (orgScale) through --org-role from the
// local fakes, which answer without delay, then asks who can read one member's bucket across
// the whole organization (every role of every account, chains across accounts followed). It
// reports the wall time per run of the load, of building the engine and of who-can (load-s,
// engine-s, whocan-s) and the parties found.
//
//	go test ./loader/live -run '^$' -bench Organization -benchtime 1x
func BenchmarkOrganization(b *testing.B) {
	n, roles := orgScale()
	_, opts := startOrg(b, n, roles)
	var load, build, who time.Duration
	parties := 0
	for b.Loop() {
		start := time.Now()
		accounts, err := LoadOrganization(context.Background(), opts, nil)
		if err != nil {
			b.Fatal(err)
		}
		load += time.Since(start)
		if len(accounts) != n {
			b.Fatalf("%d accounts, want %d", len(accounts), n)
		}
		for _, a := range accounts {
			if a.Partial() {
				b.Fatalf("account %s is partial: %v", a.ID, a.Warnings)
			}
		}
		start = time.Now()
		e := eval.NewEngine(accounts...)
		build += time.Since(start)
		start = time.Now()
		got := e.WhoCan("s3:GetObject", "arn:aws:s3:::data-100000000101/report.csv", nil, eval.Strict)
		who += time.Since(start)
		parties = len(got)
	}
	b.ReportMetric(load.Seconds()/float64(b.N), "load-s")
	b.ReportMetric(build.Seconds()/float64(b.N), "engine-s")
	b.ReportMetric(who.Seconds()/float64(b.N), "whocan-s")
	b.ReportMetric(float64(parties), "parties")
}
