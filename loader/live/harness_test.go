package live

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/loader/live/internal/fakeaws"
	"github.com/iamscope/iamscope/model"
)

// The fake credentials every test signs with; the secret must never appear in any output.
const (
	testKeyID  = "AKIDFAKETESTKEY00001"
	testSecret = "fake/secret+never+printed+0123456789"
)

// startFake starts a fake serving w and returns it with the options that reach it: its
// endpoint, its loopback client, static credentials, and retries with tiny backoffs. The
// environment is cleared of AWS settings, so that nothing of the machine's leaks in and the
// SDK never looks for instance credentials.
func startFake(t testing.TB, w *fakeaws.World, faults ...fakeaws.Fault) (*fakeaws.Server, Options) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS", "AWS_CA_BUNDLE"} {
		t.Setenv(k, "")
	}
	srv := fakeaws.New(w)
	t.Cleanup(srv.Close)
	for _, f := range faults {
		srv.Inject(f)
	}
	return srv, Options{
		Region:      w.Region,
		Endpoint:    srv.URL,
		HTTPClient:  srv.Client(),
		Credentials: credentials.NewStaticCredentialsProvider(testKeyID, testSecret, ""),
		Concurrency: 8,
		MaxAttempts: 5,
		MaxBackoff:  2 * time.Millisecond,
		// Long enough for any answer of the fake, short enough for the hang tests.
		AttemptTimeout: 2 * time.Second,
	}
}

// progressLog records progress reports.
type progressLog struct {
	mu      sync.Mutex
	reports []loader.Progress
}

func (p *progressLog) report(r loader.Progress) {
	p.mu.Lock()
	p.reports = append(p.reports, r)
	p.mu.Unlock()
}

// last returns the last report of each stage.
func (p *progressLog) last() map[string]loader.Progress {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]loader.Progress{}
	for _, r := range p.reports {
		out[r.Stage] = r
	}
	return out
}

// readOnlyOperation is what the read-only check accepts, written out independently of the
// loader's own guard.
var readOnlyOperation = regexp.MustCompile(`^(Get|List|Describe)[A-Z][A-Za-z]*$`)

// checkReadOnly fails the test for any operation the fake received that is not a read, and
// for any request signed with other credentials than the test's.
func checkReadOnly(t *testing.T, srv *fakeaws.Server) {
	t.Helper()
	calls := srv.Calls()
	if len(calls) == 0 {
		t.Fatal("the fake received no calls")
	}
	for _, c := range calls {
		if !readOnlyOperation.MatchString(c.Operation) {
			t.Errorf("the loader sent %s, which is not a Get, List or Describe operation", c)
		}
	}
	if keys := srv.AccessKeys(); len(keys) != 1 || keys[0] != testKeyID {
		t.Errorf("requests were signed by %v, want only %s", keys, testKeyID)
	}
}

// countCalls counts the calls of one service operation.
func countCalls(srv *fakeaws.Server, service, op string) int {
	n := 0
	for _, c := range srv.Calls() {
		if c.Service == service && c.Operation == op {
			n++
		}
	}
	return n
}

// findWarning returns the first warning whose Where contains where.
func findWarning(a *model.Account, where string) (model.Warning, bool) {
	for _, w := range a.Warnings {
		if strings.Contains(w.Where, where) {
			return w, true
		}
	}
	return model.Warning{}, false
}

// loadWithin runs Load and fails the test if it takes longer than limit (a hang).
func loadWithin(t *testing.T, ctx context.Context, limit time.Duration, opts Options, progress loader.ProgressFunc) (*model.Account, error) {
	t.Helper()
	type result struct {
		a   *model.Account
		err error
	}
	done := make(chan result, 1)
	go func() {
		a, err := Load(ctx, opts, progress)
		done <- result{a, err}
	}()
	select {
	case r := <-done:
		return r.a, r.err
	case <-time.After(limit):
		t.Fatalf("Load did not return within %v", limit)
		return nil, nil
	}
}
