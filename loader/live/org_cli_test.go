package live_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/iamscope/iamscope/cli"
	"github.com/iamscope/iamscope/loader/live/internal/fakeaws"
)

// TestWhoCanAcrossOrganizationFromTheCLI runs `iamscope who-can --profile mgmt --org-role
// OrgRead --json` as a user would, the profile reaching the fakes through its endpoint_url,
// on a generated organization (GenerateOrg: 40 accounts of 20 roles, or IAMSCOPE_ORG_ACCOUNTS
// and IAMSCOPE_ORG_ROLES), and checks that the answer lists a member's own roles and the role
// of another member that reaches them through its trust, and that it took the time it says.
func TestWhoCanAcrossOrganizationFromTheCLI(t *testing.T) {
	n, roles := 40, 20
	if v, err := strconv.Atoi(os.Getenv("IAMSCOPE_ORG_ACCOUNTS")); err == nil && v > 3 {
		n = v
	}
	if v, err := strconv.Atoi(os.Getenv("IAMSCOPE_ORG_ROLES")); err == nil && v > 0 {
		roles = v
	}
	mgmt, members := fakeaws.GenerateOrg(n, roles, "OrgRead")
	srv := fakeaws.NewOrg(mgmt, members...)
	defer srv.Close()

	dir := t.TempDir()
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Setenv("AWS_CONFIG_FILE", write("config", "[profile mgmt]\nregion = eu-west-1\nendpoint_url = "+srv.URL+"\n"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", write("credentials", "[mgmt]\naws_access_key_id = AKIDMGMT\naws_secret_access_key = secret\n"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")

	const member = "100000000003"
	cmd := cli.NewWhoCanCommand()
	var out, errOut strings.Builder
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs([]string{"--profile", "mgmt", "--org-role", "OrgRead", "--json", "s3:GetObject", "arn:aws:s3:::data-" + member + "/report.csv"})
	start := time.Now()
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("who-can --org-role: %v\n%s", err, errOut.String())
	}
	t.Logf("who-can across %d accounts of %d roles, load included: %v", n, roles, time.Since(start).Round(time.Millisecond))
	var answer struct {
		Partial    []string `json:"partial"`
		Principals []struct {
			ARN string `json:"arn"`
		} `json:"principals"`
	}
	if err := json.Unmarshal([]byte(out.String()), &answer); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	got := map[string]bool{}
	for _, p := range answer.Principals {
		got[p.ARN] = true
	}
	for _, want := range []string{"arn:aws:iam::" + member + ":role/app-0", "arn:aws:iam::" + member + ":role/OrgRead",
		"arn:aws:iam::100000000002:role/OrgRead"} { // through member 3's app roles, which trust it
		if !got[want] {
			t.Errorf("who-can does not list %s (%d principals)", want, len(answer.Principals))
		}
	}
	if got["arn:aws:iam::100000000001:role/OrgRead"] {
		t.Errorf("who-can lists member 1's OrgRead, which no role of member 3 trusts")
	}
	if len(answer.Partial) > 0 {
		t.Errorf("partial: %v", answer.Partial)
	}

	// An account whose role cannot be assumed: the answer still comes, says partial and
	// names the account's role.
	const unreadable = "100000000005"
	srv.Inject(fakeaws.Fault{Service: "sts", Operation: "AssumeRole", Resource: unreadable, Kind: fakeaws.AccessDenied})
	cmd = cli.NewWhoCanCommand()
	out.Reset()
	errOut.Reset()
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs([]string{"--profile", "mgmt", "--org-role", "OrgRead", "--json", "s3:GetObject", "arn:aws:s3:::data-" + member + "/report.csv"})
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("who-can --org-role with an unreadable account: %v\n%s", err, errOut.String())
	}
	answer.Partial, answer.Principals = nil, nil
	if err := json.Unmarshal([]byte(out.String()), &answer); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if len(answer.Partial) == 0 || !strings.Contains(strings.Join(answer.Partial, " "), "arn:aws:iam::"+unreadable+":role/OrgRead") {
		t.Errorf("partial %v; want the unreadable account's role named", answer.Partial)
	}
}
