package live_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/iamscope/iamscope/cli"
	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/loader/live"
	"github.com/iamscope/iamscope/loader/live/internal/fakeaws"
	"github.com/iamscope/iamscope/model"
)

const (
	alice   = "arn:aws:iam::111122223333:user/alice"
	logsObj = "arn:aws:s3:::logs/2025/app.log"
)

// loadPartial loads the sample account through the fake with faults, within a bound.
func loadPartial(t *testing.T, w *fakeaws.World, faults ...fakeaws.Fault) *model.Account {
	t.Helper()
	_, opts := live.StartFake(t, w, faults...)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a, err := live.Load(ctx, opts, nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return a
}

// snapshotOf writes the accounts to a snapshot in a temporary folder, for the CLI to read.
func snapshotOf(t *testing.T, accounts ...*model.Account) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "live.snapshot.json")
	if err := loader.WriteSnapshot(path, accounts, loader.SnapshotMeta{Source: "live:test"}); err != nil {
		t.Fatal(err)
	}
	return path
}

// runCLI runs one CLI command and returns its standard output and error.
func runCLI(t *testing.T, cmd *cobra.Command, args ...string) (string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	if err := cmd.Execute(); err != nil {
		t.Fatalf("%s %v: %v\n%s", cmd.Name(), args, err, errOut.String())
	}
	return out.String(), errOut.String()
}

// partialOf reads the "partial" list of a command's JSON output.
func partialOf(t *testing.T, out string) []string {
	t.Helper()
	var v struct {
		Partial []string `json:"partial"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return v.Partial
}

func mentions(list []string, part string) bool {
	for _, s := range list {
		if strings.Contains(s, part) {
			return true
		}
	}
	return false
}

// SCPs that cannot be read and a bucket policy behind AccessDenied: the warnings carry their
// reach, the engine's answers name what they could not weigh, and so does the CLI's JSON.
func TestUnreadablePoliciesMakeDependentAnswersPartial(t *testing.T) {
	a := loadPartial(t, fakeaws.Sample(),
		fakeaws.Fault{Service: "organizations", Operation: "ListRoots", Kind: fakeaws.AccessDenied},
		fakeaws.Fault{Service: "s3", Operation: "GetBucketPolicy", Resource: "logs", Kind: fakeaws.AccessDenied},
		fakeaws.Fault{Service: "iam", Operation: "ListAccessKeys", Resource: "bob", Kind: fakeaws.AccessDenied},
	)
	for _, c := range []struct {
		where string
		scope model.Scope
		about string
	}{
		{"organizations:ListRoots", model.ScopeAccount, ""},
		{"s3:GetBucketPolicy arn:aws:s3:::logs", model.ScopeResource, "arn:aws:s3:::logs"},
		{"iam:ListAccessKeys", model.ScopeNone, ""},
	} {
		found := false
		for _, w := range a.Warnings {
			if strings.HasPrefix(w.Where, c.where) {
				found = true
				if s, about := w.Affects(); s != c.scope || about != c.about {
					t.Errorf("%s: scope %q about %q, want %q %q", c.where, s, about, c.scope, c.about)
				}
			}
		}
		if !found {
			t.Errorf("no warning at %s: %v", c.where, a.Warnings)
		}
	}

	e := eval.NewEngine(a)
	p, _ := e.Principal(alice)
	r, err := e.Can(p, "s3:GetObject", logsObj, nil, eval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !mentions(r.Unweighed, "SCPs and RCPs") || !mentions(r.Unweighed, "bucket policy of arn:aws:s3:::logs") || mentions(r.Unweighed, "access keys") {
		t.Errorf("can on the bucket: Unweighed = %q", r.Unweighed)
	}
	r, _ = e.Can(p, "iam:ListUsers", "*", nil, eval.Options{})
	if !mentions(r.Unweighed, "SCPs and RCPs") || mentions(r.Unweighed, "bucket policy") {
		t.Errorf("can on IAM: Unweighed = %q", r.Unweighed)
	}

	snap := snapshotOf(t, a)
	out, _ := runCLI(t, cli.NewCanCommand(), "--json", "--file", snap, "alice", "s3:GetObject", logsObj)
	if got := partialOf(t, out); !mentions(got, "SCPs and RCPs") || !mentions(got, "bucket policy of arn:aws:s3:::logs") {
		t.Errorf("can --json partial = %q", got)
	}
	text, _ := runCLI(t, cli.NewCanCommand(), "--file", snap, "alice", "s3:GetObject", logsObj)
	if !strings.Contains(text, "PARTIAL") || !strings.Contains(text, "bucket policy of arn:aws:s3:::logs") {
		t.Errorf("can text does not say it is partial:\n%s", text)
	}
	for _, c := range []struct {
		cmd  *cobra.Command
		args []string
	}{
		{cli.NewWhatCanCommand(), []string{"alice"}},
		{cli.NewWhoCanCommand(), []string{"s3:GetObject", logsObj}},
		{cli.NewPathsCommand(), []string{"alice"}},
		{cli.NewPathsCommand(), nil},
	} {
		out, _ := runCLI(t, c.cmd, append([]string{"--json", "--file", snap}, c.args...)...)
		if got := partialOf(t, out); !mentions(got, "SCPs and RCPs") {
			t.Errorf("%s %v: partial = %q, want the SCPs named", c.cmd.Name(), c.args, got)
		}
	}
}

// An inline policy with a condition operator the engine does not know is left out, and the
// CLI's answers about its user say so, naming it.
func TestUnknownOperatorFromALiveLoad(t *testing.T) {
	w := fakeaws.Sample()
	w.Org = nil
	w.Users[0].Inline = map[string]string{"odd": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*",
		"Condition":{"StringEqualsSometimes":{"aws:username":"alice"}}}]}`}
	a := loadPartial(t, w)
	snap := snapshotOf(t, a)
	for _, c := range []struct {
		cmd  *cobra.Command
		args []string
	}{
		{cli.NewCanCommand(), []string{"alice", "s3:GetObject", logsObj}},
		{cli.NewWhatCanCommand(), []string{"alice"}},
		{cli.NewWhoCanCommand(), []string{"s3:GetObject", logsObj}},
		{cli.NewPathsCommand(), []string{"alice"}},
	} {
		out, _ := runCLI(t, c.cmd, append([]string{"--json", "--file", snap}, c.args...)...)
		if got := partialOf(t, out); !mentions(got, "inline policy odd of user alice") || !mentions(got, "StringEqualsSometimes") {
			t.Errorf("%s: partial = %q", c.cmd.Name(), got)
		}
	}
	// bob's answers do not depend on alice's policy.
	out, _ := runCLI(t, cli.NewCanCommand(), "--json", "--file", snap, "bob", "s3:GetObject", logsObj)
	if got := partialOf(t, out); got != nil {
		t.Errorf("bob's answer is partial: %q", got)
	}
}
