package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/iamscope/iamscope/internal/corpus"
	"github.com/iamscope/iamscope/loader"
)

// run executes a command with arguments and returns its standard output and error.
func run(t *testing.T, cmd *cobra.Command, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func mustJSON(t *testing.T, text string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(text), v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, text)
	}
}

// The demo account (no --file) is documented in docs/demo-account.md.
const (
	dana    = "arn:aws:iam::210987654321:user/staff/dana.whitfield"
	payroll = "arn:aws:s3:::tidewater-payroll/2025/03/salaries.csv"
)

func TestCanExplainsOnTheDemo(t *testing.T) {
	out, err := run(t, NewCanCommand(), "dana.whitfield", "s3:GetObject", payroll)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"DENIED (explicitly)", "DenyOutsideFinance", "permissionBoundary", "*"} {
		if !strings.Contains(out, want) {
			t.Errorf("can output lacks %q:\n%s", want, out)
		}
	}
	out, err = run(t, NewCanCommand(), "--json", "--context", "aws:SecureTransport=true", "--context", "aws:RequestedRegion=eu-west-1", dana, "s3:GetObject", payroll)
	if err != nil {
		t.Fatal(err)
	}
	var got canJSON
	mustJSON(t, out, &got)
	if got.Decision != "ExplicitlyDenied" || got.Principal != dana || got.Explanation == nil || len(got.Explanation.Policies) == 0 {
		t.Errorf("can --json: %+v", got)
	}
}

func TestCanResolvesNamesAndRefusesBadOnes(t *testing.T) {
	_, err := run(t, NewCanCommand(), "dana.whitfeld", "s3:GetObject", payroll)
	if err == nil || !IsUsage(err) || !strings.Contains(err.Error(), "did you mean: dana.whitfield") {
		t.Errorf("a misspelt name: %v", err)
	}
	_, err = run(t, NewCanCommand(), "developers", "s3:GetObject", payroll)
	if err == nil || !strings.Contains(err.Error(), "is a group") || !strings.Contains(err.Error(), "dana.whitfield") {
		t.Errorf("a group: %v", err)
	}
	_, err = run(t, NewCanCommand(), "dana.whitfield", "GetObject", payroll)
	if err == nil || !IsUsage(err) {
		t.Errorf("a bad action: %v", err)
	}
	_, err = run(t, NewCanCommand(), "--context", "nokey", "dana.whitfield", "s3:GetObject", payroll)
	if err == nil || !strings.Contains(err.Error(), "want key=value") {
		t.Errorf("a bad context: %v", err)
	}
}

func TestWhoCanJSONShape(t *testing.T) {
	out, err := run(t, NewWhoCanCommand(), "--json", "s3:GetObject", "arn:aws:s3:::tidewater-marketing-assets/crm/export.csv")
	if err != nil {
		t.Fatal(err)
	}
	var got whoCanJSON
	mustJSON(t, out, &got)
	kinds := map[string]bool{}
	for _, p := range got.Principals {
		kinds[p.Kind] = true
		if p.ARN == "" || p.Decision != "Allowed" || p.Conditions == nil && p.AllowedIf != "" || p.Via == nil {
			t.Errorf("principal %+v", p)
		}
	}
	if !kinds["anyone"] || !kinds["user"] {
		t.Errorf("the public bucket must list anyone and users: %v", kinds)
	}
	// The raw JSON has the documented field names.
	for _, field := range []string{`"principals"`, `"arn"`, `"decision"`, `"conditions"`, `"via"`} {
		if !strings.Contains(out, field) {
			t.Errorf("who-can --json lacks %s", field)
		}
	}
}

func TestPathsJSONShape(t *testing.T) {
	out, err := run(t, NewPathsCommand(), "--json", "dana.whitfield")
	if err != nil {
		t.Fatal(err)
	}
	var got pathsJSON
	mustJSON(t, out, &got)
	found := false
	for _, p := range got.Paths {
		if p.ID == "lambda-001" && p.From == dana && strings.HasSuffix(p.To, "role/lambda-ops-automation") && p.Exploitable && len(p.Steps) == 3 {
			found = true
		}
	}
	if !found {
		t.Errorf("dana's PassRole path to the admin Lambda role is missing: %s", out)
	}
	for _, field := range []string{`"paths"`, `"from"`, `"to"`, `"id"`, `"steps"`, `"exploitable"`} {
		if !strings.Contains(out, field) {
			t.Errorf("paths --json lacks %s", field)
		}
	}
}

func TestWhatCanByAccessKeyAndGroup(t *testing.T) {
	// The legacy service user is found by its access key id.
	out, err := run(t, NewWhatCanCommand(), "--json", "AKIA2TWLEGACYEXAMPLE")
	if err != nil {
		t.Fatal(err)
	}
	var got whatCanJSON
	mustJSON(t, out, &got)
	if !strings.HasSuffix(got.Principal, "user/service/svc-legacy-reports") || len(got.Services) == 0 {
		t.Errorf("what-can by key: %s %d services", got.Principal, len(got.Services))
	}
}

func TestWhatCanGroupedByServiceAndLevel(t *testing.T) {
	out, err := run(t, NewWhatCanCommand(), "--json", "--no-chains", "developers")
	if err != nil {
		t.Fatal(err)
	}
	var got whatCanJSON
	mustJSON(t, out, &got)
	levels := map[string][]string{}
	for _, s := range got.Services {
		for _, l := range s.Levels {
			levels[s.Service] = append(levels[s.Service], string(l.Level))
		}
	}
	if len(levels["s3"]) == 0 || len(levels["lambda"]) == 0 {
		t.Fatalf("developers' access: %v", levels)
	}
	order := map[string]int{"List": 0, "Read": 1, "Write": 2, "Permissions management": 3, "Tagging": 4}
	for svc, ls := range levels {
		for i := 1; i < len(ls); i++ {
			if order[ls[i-1]] >= order[ls[i]] {
				t.Errorf("%s levels out of order: %v", svc, ls)
			}
		}
	}
}

func TestQueriesOnADump(t *testing.T) {
	path, err := corpus.Account("cloudsplaining-example-iam-vulnerable-account.json")
	if err != nil {
		t.Fatal(err)
	}
	out, err := run(t, NewPathsCommand(), "--file", path, "--json", "privesc4-CreateAccessKey-user")
	if err != nil {
		t.Fatal(err)
	}
	var got pathsJSON
	mustJSON(t, out, &got)
	if len(got.Paths) == 0 || got.Paths[0].ID != "iam-002" {
		t.Errorf("privesc4: %s", out)
	}
}

func TestProgressLine(t *testing.T) {
	var b bytes.Buffer
	report, done := newProgressLine(&b)
	report(loader.Progress{Stage: "S3 bucket policies\x1b]52;c;AAAA\x07", Done: 3, Total: 10, Warnings: 1})
	done()
	if got := b.String(); got != "\r\x1b[2KS3 bucket policies\uFFFD 3/10 (1 warning(s))\r\x1b[2K" {
		t.Errorf("progress line %q", got)
	}
}
