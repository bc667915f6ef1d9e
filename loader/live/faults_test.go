package live_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/iamscope/iamscope/cli"
	"github.com/iamscope/iamscope/loader/live"
	"github.com/iamscope/iamscope/loader/live/internal/fakeaws"
	"github.com/iamscope/iamscope/model"
)

// Faults against the fakes: each load ends complete, partial with its warnings named (and the
// CLI's JSON saying "partial" for the answers that depend on them), or with a clear error;
// never a hang, and never partial passed off as complete.

// loadBounded runs Load and fails the test if it takes longer than limit (a hang).
func loadBounded(t *testing.T, limit time.Duration, opts live.Options) (*model.Account, error) {
	t.Helper()
	return live.LoadWithin(t, context.Background(), limit, opts, nil)
}

// warningAt returns the warning whose Where starts with where.
func warningAt(a *model.Account, where string) (model.Warning, bool) {
	for _, w := range a.Warnings {
		if strings.HasPrefix(w.Where, where) {
			return w, true
		}
	}
	return model.Warning{}, false
}

// cliPartial runs a query command with --json on a snapshot of a and returns its "partial".
func cliPartial(t *testing.T, a *model.Account, command string, args ...string) []string {
	t.Helper()
	snap := snapshotOf(t, a)
	all := append([]string{"--json", "--file", snap}, args...)
	var out string
	switch command {
	case "can":
		out, _ = runCLI(t, cli.NewCanCommand(), all...)
	case "what-can":
		out, _ = runCLI(t, cli.NewWhatCanCommand(), all...)
	case "who-can":
		out, _ = runCLI(t, cli.NewWhoCanCommand(), all...)
	case "paths":
		out, _ = runCLI(t, cli.NewPathsCommand(), all...)
	default:
		t.Fatalf("no command %s", command)
	}
	return partialOf(t, out)
}

// A page that says more follow (IsTruncated, Truncated) but gives no marker: for the IAM graph
// the load fails, saying so; for KMS keys the account is partial, and answers about keys say
// the key policies were not weighed; for access keys the account is partial, no decision
// changes.
func TestTruncatedPaginationWithoutMarker(t *testing.T) {
	t.Run("IAM graph", func(t *testing.T) {
		w := fakeaws.Sample()
		w.DropMarkers = []string{"iam:GetAccountAuthorizationDetails"}
		_, opts := live.StartFake(t, w)
		a, err := loadBounded(t, 10*time.Second, opts)
		if err == nil || a != nil || !strings.Contains(err.Error(), "iam:GetAccountAuthorizationDetails (page 2)") ||
			!strings.Contains(err.Error(), "gives no marker") {
			t.Errorf("Load = %v, %v; want a failure naming the truncated listing", a, err)
		}
	})
	t.Run("KMS keys", func(t *testing.T) {
		w := fakeaws.Sample()
		w.DropMarkers = []string{"kms:ListKeys"}
		_, opts := live.StartFake(t, w)
		a, err := loadBounded(t, 10*time.Second, opts)
		if err != nil {
			t.Fatal(err)
		}
		wn, ok := warningAt(a, "kms:ListKeys")
		if !a.Partial() || !ok || wn.Missing != "KMS key policies" || !strings.Contains(wn.Message, "no NextMarker") {
			t.Fatalf("want a warning that the key listing is incomplete; warnings %v", a.Warnings)
		}
		key := w.KeyARN("1234abcd-0000-0000-0000-000000000001")
		if got := cliPartial(t, a, "can", "alice", "kms:Decrypt", key); !mentions(got, "KMS key policies") {
			t.Errorf("can on a key: partial = %q", got)
		}
		if got := cliPartial(t, a, "can", "alice", "iam:ListUsers", "*"); got != nil {
			t.Errorf("can on IAM does not depend on key policies: partial = %q", got)
		}
	})
	t.Run("access keys", func(t *testing.T) {
		w := fakeaws.Sample()
		w.DropMarkers = []string{"iam:ListAccessKeys"}
		_, opts := live.StartFake(t, w)
		a, err := loadBounded(t, 10*time.Second, opts)
		if err != nil {
			t.Fatal(err)
		}
		if wn, ok := warningAt(a, "iam:ListAccessKeys arn:aws:iam::111122223333:user/alice"); !a.Partial() || !ok || !strings.Contains(wn.Message, "no Marker") {
			t.Fatalf("want a warning that alice's keys are incomplete (two keys, one a page); warnings %v", a.Warnings)
		}
		_, errText := runCLI(t, cli.NewCanCommand(), "--file", snapshotOf(t, a), "alice", "iam:ListUsers", "*")
		if !strings.Contains(errText, "is partial") {
			t.Errorf("text mode says nothing of the partial account on standard error: %q", errText)
		}
	})
}

// regional lists the services whose failure leaves the account partial, not unloadable.
var regional = []string{"s3", "s3control", "kms", "sqs", "sns", "lambda", "secretsmanager", "organizations"}

// A throttling storm: on every service at once the caller's identity cannot be had, and the
// load fails in bounded time with bounded calls; on every service but STS and IAM the load
// ends partial with each service named; a storm that every service recovers from is retried
// away and the account is complete.
func TestThrottlingStormOnEveryService(t *testing.T) {
	t.Run("everything", func(t *testing.T) {
		srv, opts := live.StartFake(t, fakeaws.Sample(), fakeaws.Fault{Kind: fakeaws.Throttle})
		a, err := loadBounded(t, 10*time.Second, opts)
		if err == nil || a != nil || !strings.Contains(err.Error(), "GetCallerIdentity") || !strings.Contains(err.Error(), "throttl") {
			t.Errorf("Load = %v, %v; want a failure: the caller's identity was throttled", a, err)
		}
		if n := len(srv.Calls()); n > opts.MaxAttempts {
			t.Errorf("%d calls, want at most %d (the attempts at the identity)", n, opts.MaxAttempts)
		}
	})
	t.Run("every service but STS and IAM", func(t *testing.T) {
		var faults []fakeaws.Fault
		for _, s := range regional {
			faults = append(faults, fakeaws.Fault{Service: s, Kind: fakeaws.Throttle})
		}
		srv, opts := live.StartFake(t, fakeaws.Sample(), faults...)
		a, err := loadBounded(t, 20*time.Second, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, where := range []string{"s3:ListBuckets", "kms:ListKeys", "sqs:ListQueues", "sns:ListTopics", "lambda:ListFunctions",
			"secretsmanager:ListSecrets", "organizations:DescribeOrganization"} {
			if wn, ok := warningAt(a, where); !ok || !strings.Contains(wn.Message, "throttled") {
				t.Errorf("no throttling warning at %s; warnings %v", where, a.Warnings)
			}
		}
		if len(a.Users) != 5 || len(a.ResourcePolicies) != 0 || a.Organization != nil {
			t.Errorf("users %d (want 5), resource policies %d (want none), organization %v", len(a.Users), len(a.ResourcePolicies), a.Organization)
		}
		for _, c := range srv.Calls() {
			if c.Service != "sts" && c.Service != "iam" && live.CountCalls(srv, c.Service, c.Operation) > opts.MaxAttempts {
				t.Errorf("%s:%s sent %d times, over %d attempts", c.Service, c.Operation, live.CountCalls(srv, c.Service, c.Operation), opts.MaxAttempts)
				break
			}
		}
		got := cliPartial(t, a, "what-can", "alice")
		for _, want := range []string{"SCPs and RCPs", "S3 bucket policies", "KMS key policies", "SQS queue policies", "SNS topic policies", "Lambda function policies", "Secrets Manager policies"} {
			if !mentions(got, want) {
				t.Errorf("what-can partial lacks %q: %q", want, got)
			}
		}
		got = cliPartial(t, a, "who-can", "s3:GetObject", "arn:aws:s3:::logs/a")
		if !mentions(got, "S3 bucket policies") || !mentions(got, "SCPs and RCPs") || mentions(got, "KMS") {
			t.Errorf("who-can on an object: partial = %q", got)
		}
	})
	t.Run("a storm every service recovers from", func(t *testing.T) {
		var faults []fakeaws.Fault
		for _, s := range append([]string{"sts", "iam"}, regional...) {
			faults = append(faults, fakeaws.Fault{Service: s, Kind: fakeaws.Throttle, Times: 2})
		}
		_, opts := live.StartFake(t, fakeaws.Sample(), faults...)
		a, err := loadBounded(t, 20*time.Second, opts)
		if err != nil {
			t.Fatal(err)
		}
		if a.Partial() {
			t.Errorf("a storm that passes should be retried away: %v", a.Warnings)
		}
		if got := cliPartial(t, a, "what-can", "alice"); got != nil {
			t.Errorf("a complete account answered partial: %q", got)
		}
	})
}

// Timeouts: a service that never answers costs its attempts, not the load. IAM or STS never
// answering fails the load, saying it timed out; every other service never answering leaves
// the account partial, each named.
func TestTimeouts(t *testing.T) {
	for _, essential := range []string{"sts", "iam"} {
		t.Run(essential+" never answers", func(t *testing.T) {
			_, opts := live.StartFake(t, fakeaws.Sample(), fakeaws.Fault{Service: essential, Kind: fakeaws.Hang})
			opts.AttemptTimeout, opts.MaxAttempts = 100*time.Millisecond, 2
			a, err := loadBounded(t, 10*time.Second, opts)
			if err == nil || a != nil || !strings.Contains(err.Error(), "timed out") {
				t.Errorf("Load = %v, %v; want a failure saying it timed out", a, err)
			}
		})
	}
	t.Run("every other service never answers", func(t *testing.T) {
		var faults []fakeaws.Fault
		for _, s := range regional {
			faults = append(faults, fakeaws.Fault{Service: s, Kind: fakeaws.Hang})
		}
		_, opts := live.StartFake(t, fakeaws.Sample(), faults...)
		opts.AttemptTimeout, opts.MaxAttempts = 100*time.Millisecond, 2
		a, err := loadBounded(t, 20*time.Second, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, where := range []string{"s3:ListBuckets", "kms:ListKeys", "sqs:ListQueues", "organizations:DescribeOrganization"} {
			if wn, ok := warningAt(a, where); !ok || !strings.Contains(wn.Message, "timed out") {
				t.Errorf("no timeout warning at %s; warnings %v", where, a.Warnings)
			}
		}
		if got := cliPartial(t, a, "can", "alice", "s3:GetObject", "arn:aws:s3:::logs/a"); !mentions(got, "S3 bucket policies") || !mentions(got, "SCPs and RCPs") {
			t.Errorf("can on an object: partial = %q", got)
		}
	})
	t.Run("slow answers within the timeout", func(t *testing.T) {
		_, opts := live.StartFake(t, fakeaws.Sample(), fakeaws.Fault{Service: "kms", Operation: "GetKeyPolicy", Kind: fakeaws.Hang, Times: 1})
		opts.AttemptTimeout = 100 * time.Millisecond
		a, err := loadBounded(t, 10*time.Second, opts)
		if err != nil || a.Partial() {
			t.Errorf("one attempt timed out and retried: want a complete account; err %v, warnings %v", err, a.Warnings)
		}
	})
}
