package live

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/iamscope/iamscope/loader/live/internal/fakeaws"
	"github.com/iamscope/iamscope/model"
)

// TestManagementAccountIsRecorded: DescribeOrganization's MasterAccountId is kept. For the
// management account, SCPs and RCPs that cannot be read change no answer (they do not bind it:
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html),
// so the organization is kept without levels and the warning has no scope; for a member
// account the same refusal leaves its SCPs unknown.
func TestManagementAccountIsRecorded(t *testing.T) {
	t.Run("member account", func(t *testing.T) {
		_, opts := startFake(t, fakeaws.Sample())
		a, err := Load(context.Background(), opts, nil)
		if err != nil {
			t.Fatal(err)
		}
		if org := a.Organization; org == nil || org.ManagementAccountID != "000011112222" || org.IsManagement(a.ID) {
			t.Fatalf("organization %+v: want management account 000011112222, not %s", org, a.ID)
		}
	})
	for _, tc := range []struct {
		name  string
		mgmt  bool
		scope model.Scope
	}{{"management account, SCPs refused", true, model.ScopeNone}, {"member account, SCPs refused", false, model.ScopeAccount}} {
		t.Run(tc.name, func(t *testing.T) {
			w := fakeaws.Sample()
			if tc.mgmt {
				w.Org.ManagementAccount = w.AccountID
			}
			_, opts := startFake(t, w, fakeaws.Fault{Service: "organizations", Operation: "ListPoliciesForTarget", Kind: fakeaws.AccessDenied})
			a, err := Load(context.Background(), opts, nil)
			if err != nil {
				t.Fatal(err)
			}
			warn, ok := findWarning(a, "organizations:ListPoliciesForTarget")
			if scope, _ := warn.Affects(); !ok || scope != tc.scope {
				t.Errorf("warning %+v (found %v): want scope %q", warn, ok, tc.scope)
			}
			org := a.Organization
			switch {
			case tc.mgmt && (org == nil || !org.IsManagement(a.ID) || len(org.Levels) != 0 || org.ID != "o-exampleorg"):
				t.Errorf("organization %+v: want o-exampleorg, managed by %s, without levels", org, a.ID)
			case !tc.mgmt && org != nil:
				t.Errorf("organization %+v: want none (its SCPs are unknown)", org)
			}
		})
	}
}

// TestLoginProfiles: iam:GetLoginProfile says whether each user has a console password;
// NoSuchEntity means none, and a refusal leaves it unknown with a warning that changes no
// decision.
func TestLoginProfiles(t *testing.T) {
	w := fakeaws.Sample()
	srv, opts := startFake(t, w, fakeaws.Fault{Service: "iam", Operation: "GetLoginProfile", Resource: "carol", Kind: fakeaws.AccessDenied})
	a, err := Load(context.Background(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkReadOnly(t, srv)
	want := map[string]model.LoginProfile{"alice": model.LoginProfilePresent, "bob": model.LoginProfileAbsent, "carol": model.LoginProfileUnknown}
	for name, state := range want {
		if got := a.Find(name)[0].User.LoginProfile; got != state {
			t.Errorf("%s: login profile %q, want %q", name, got, state)
		}
	}
	if n := countCalls(srv, "iam", "GetLoginProfile"); n != len(w.Users) {
		t.Errorf("GetLoginProfile called %d times, want once per user (%d)", n, len(w.Users))
	}
	if len(a.Warnings) != 1 {
		t.Fatalf("warnings %v, want one for carol", a.Warnings)
	}
	if warn := a.Warnings[0]; warn.Where != "iam:GetLoginProfile arn:aws:iam::111122223333:user/carol" || warn.Scope != model.ScopeNone {
		t.Errorf("warning %+v", warn)
	}
}

// TestLambdaExecutionRoles: ListFunctions gives each function's execution role, kept for every
// function, with a policy or without.
func TestLambdaExecutionRoles(t *testing.T) {
	w := fakeaws.Sample()
	_, opts := startFake(t, w)
	a, err := Load(context.Background(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Function{
		{ARN: w.FunctionARN("cron"), Name: "cron", Role: "arn:aws:iam::111122223333:role/web"},
		{ARN: w.FunctionARN("thumbnailer"), Name: "thumbnailer", Role: "arn:aws:iam::111122223333:role/deployer"},
		{ARN: w.FunctionARN("webhook"), Name: "webhook"},
	}
	if len(a.Functions) != len(want) {
		t.Fatalf("functions %+v, want %+v", a.Functions, want)
	}
	for i := range want {
		if *a.Functions[i] != want[i] {
			t.Errorf("function %d = %+v, want %+v", i, a.Functions[i], want[i])
		}
	}
}

// TestS3PathStyleWithConfiguredEndpoint: the endpoint named by AWS_ENDPOINT_URL (not
// Options.Endpoint) is an emulator's; S3 must be addressed path style there, or every
// bucket's requests go to bucket.HOST and no bucket policy is read.
func TestS3PathStyleWithConfiguredEndpoint(t *testing.T) {
	w := fakeaws.Sample()
	srv, opts := startFake(t, w)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	opts.Endpoint = ""
	a, err := Load(context.Background(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Partial() {
		t.Fatalf("warnings: %v", a.Warnings)
	}
	n := 0
	for _, rp := range a.ResourcePolicies {
		if rp.Service == "s3" {
			n++
		}
	}
	if n != 2 || countCalls(srv, "s3", "GetBucketPolicy") != len(w.Buckets) {
		t.Errorf("%d bucket policies from %d GetBucketPolicy calls; want 2 from %d", n, countCalls(srv, "s3", "GetBucketPolicy"), len(w.Buckets))
	}
}

// TestS3Addressing: each way of naming a custom endpoint for S3, and the config file's
// addressing_style = path, make S3 path style; AWS's own endpoints stay virtual-hosted.
func TestS3Addressing(t *testing.T) {
	const profile = "[profile emu]\nregion = us-east-1\n"
	tests := []struct {
		name   string
		env    map[string]string
		config string
		want   bool
	}{
		{"AWS's endpoints", nil, profile, false},
		{"AWS_ENDPOINT_URL", map[string]string{"AWS_ENDPOINT_URL": "http://localhost:4566"}, profile, true},
		{"AWS_ENDPOINT_URL_S3", map[string]string{"AWS_ENDPOINT_URL_S3": "http://localhost:4566"}, profile, true},
		{"profile endpoint_url", nil, profile + "endpoint_url = http://localhost:4566\n", true},
		{"services section", nil, profile + "services = emu\n[services emu]\ns3 =\n  endpoint_url = http://localhost:4566\n", true},
		{"addressing_style = path", nil, profile + "s3 =\n  addressing_style = path  # comment\n", true},
		{"addressing_style = virtual", nil, profile + "s3 =\n  addressing_style = virtual\n", false},
		{"addressing_style of another profile", nil, "[default]\ns3 =\n  addressing_style = path\n" + profile, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _ = startFake(t, fakeaws.Sample()) // clears the environment's AWS settings
			dir := t.TempDir()
			cfgFile := filepath.Join(dir, "config")
			if err := os.WriteFile(cfgFile, []byte(tc.config), 0o600); err != nil {
				t.Fatal(err)
			}
			t.Setenv("AWS_CONFIG_FILE", cfgFile)
			// Set but empty, AWS_ENDPOINT_URL hides the services section from the SDK.
			os.Unsetenv("AWS_ENDPOINT_URL")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			opts := Options{Profile: "emu", Credentials: credentials.NewStaticCredentialsProvider(testKeyID, testSecret, "")}
			cfg, err := newConfig(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			r := newReader(cfg, opts, nil)
			if got := r.s3.Options().UsePathStyle; got != tc.want {
				t.Errorf("UsePathStyle = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestPolicyNameFromARN: a managed policy whose name the answer leaves out is named by its
// ARN's last segment (arn:aws:iam::ACCOUNT:policy/PATH/NAME).
func TestPolicyNameFromARN(t *testing.T) {
	given := "Given"
	for _, tc := range []struct {
		name *string
		arn  string
		want string
	}{
		{&given, "arn:aws:iam::123456789012:policy/Other", "Given"},
		{nil, "arn:aws:iam::123456789012:policy/team/a/DevPolicy", "DevPolicy"},
		{new(string), "arn:aws:iam::aws:policy/ReadOnlyAccess", "ReadOnlyAccess"},
		{nil, "not-an-arn", "not-an-arn"},
	} {
		if got := policyName(tc.name, tc.arn); got != tc.want {
			t.Errorf("policyName(%v, %q) = %q, want %q", tc.name, tc.arn, got, tc.want)
		}
	}
}
