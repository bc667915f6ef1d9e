package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/loader/live/internal/fakeaws"
	"github.com/iamscope/iamscope/model"
)

const orgRole = "OrgRead"

// startOrg serves GenerateOrg's organization of n accounts with `roles` roles each.
func startOrg(t testing.TB, n, roles int, faults ...fakeaws.Fault) (*fakeaws.Server, OrgOptions) {
	t.Helper()
	mgmt, members := fakeaws.GenerateOrg(n, roles, orgRole)
	_, opts := startFake(t, mgmt) // the environment and options; the server is replaced
	srv := fakeaws.NewOrg(mgmt, members...)
	t.Cleanup(srv.Close)
	for _, f := range faults {
		srv.Inject(f)
	}
	opts.Endpoint, opts.HTTPClient = srv.URL, srv.Client()
	return srv, OrgOptions{Options: opts, RoleName: orgRole}
}

func byID(accounts []*model.Account) map[string]*model.Account {
	m := map[string]*model.Account{}
	for _, a := range accounts {
		m[a.ID] = a
	}
	return m
}

func levelIDs(o *model.Organization) (ids []string, scps []string) {
	for _, l := range o.Levels {
		ids = append(ids, l.ID)
		for _, p := range l.SCPs {
			scps = append(scps, l.ID+":"+p.ID)
		}
	}
	return ids, scps
}

// TestOrganizationIsLoadedFromItsManagementAccount loads every account of an organization
// with --org-role: each member through sts:AssumeRole into the role, the management account
// with its own credentials; each account's SCPs are those of its own path in the tree, the
// management account is bound by none, buckets without a policy know their owner, and the
// only call that is not a read is sts:AssumeRole, for exactly the roles of the accounts.
// (SCPs bind member accounts only along their path:
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html)
func TestOrganizationIsLoadedFromItsManagementAccount(t *testing.T) {
	srv, opts := startOrg(t, 5, 3)
	accounts, err := LoadOrganization(context.Background(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := byID(accounts)
	if len(accounts) != 5 {
		t.Fatalf("%d accounts, want 5", len(accounts))
	}
	for id, a := range got {
		if a.Partial() {
			t.Errorf("account %s is partial: %v", id, a.Warnings)
		}
		if a.Organization == nil || a.Organization.Tree == nil || a.Organization.ID != "o-generated" {
			t.Fatalf("account %s: organization %+v", id, a.Organization)
		}
	}
	if !got[fakeaws.OrgManagementAccount].Organization.IsManagement(fakeaws.OrgManagementAccount) {
		t.Errorf("the management account is not recorded as such")
	}
	prod, sandbox := got["100000000001"], got["100000000002"]
	if ids, scps := levelIDs(prod.Organization); !slices.Equal(ids, []string{"r-gen", "ou-gen-prod", "100000000001"}) ||
		!slices.Equal(scps, []string{"r-gen:p-FullAWSAccess", "r-gen:p-noleave", "ou-gen-prod:p-FullAWSAccess", "100000000001:p-FullAWSAccess"}) {
		t.Errorf("production member: levels %v, SCPs %v", ids, scps)
	}
	if ids, scps := levelIDs(sandbox.Organization); !slices.Equal(ids, []string{"r-gen", "ou-gen-sandbox", "100000000002"}) ||
		!slices.Contains(scps, "ou-gen-sandbox:p-sandbox") {
		t.Errorf("sandbox member: levels %v, SCPs %v", ids, scps)
	}
	if len(prod.Roles) != 4 || prod.Alias != "member-1" {
		t.Errorf("production member: %d roles (want 4), alias %q", len(prod.Roles), prod.Alias)
	}
	if !slices.Equal(sandbox.OwnedResources, []string{"arn:aws:s3:::data-100000000002"}) {
		t.Errorf("sandbox member's buckets: %v", sandbox.OwnedResources)
	}

	var assumed []string
	for _, c := range srv.Calls() {
		if c.Service == "sts" && c.Operation == "AssumeRole" {
			assumed = append(assumed, c.Resource)
			continue
		}
		if !IsReadOnly(c.Operation) {
			t.Errorf("a call that is not a read was sent: %v", c)
		}
	}
	slices.Sort(assumed)
	want := []string{"arn:aws:iam::100000000001:role/OrgRead", "arn:aws:iam::100000000002:role/OrgRead",
		"arn:aws:iam::100000000003:role/OrgRead", "arn:aws:iam::100000000004:role/OrgRead"}
	if !slices.Equal(assumed, want) {
		t.Errorf("sts:AssumeRole calls: %v, want one for each member: %v", assumed, want)
	}

	// Decided across the accounts: the sandbox SCP binds the sandbox member, not the
	// production one, nor the management account; a chain crosses accounts; and a bucket
	// without a policy is another account's.
	e := eval.NewEngine(accounts...)
	can := func(who, action, resource string, ctx map[string]string) eval.Decision {
		t.Helper()
		p, ok := e.Principal(who)
		if !ok {
			t.Fatalf("no principal %s", who)
		}
		c := eval.NewContext()
		for k, v := range ctx {
			c.Set(k, v)
		}
		r, err := e.Can(p, action, resource, c, eval.Options{Mode: eval.Strict})
		if err != nil {
			t.Fatal(err)
		}
		return r.Decision
	}
	usEast := map[string]string{"aws:RequestedRegion": "us-east-1"}
	if d := can("arn:aws:iam::100000000002:role/OrgRead", "s3:GetObject", "arn:aws:s3:::data-100000000002/x", usEast); d != eval.ExplicitlyDenied {
		t.Errorf("sandbox role outside eu-west-1: %s, want ExplicitlyDenied by the Sandbox OU's SCP", d)
	}
	if d := can("arn:aws:iam::100000000001:role/OrgRead", "s3:GetObject", "arn:aws:s3:::data-100000000001/x", usEast); d != eval.Allowed {
		t.Errorf("production role outside eu-west-1: %s, want Allowed", d)
	}
	if d := can("arn:aws:iam::100000000001:role/OrgRead", "sts:AssumeRole", "arn:aws:iam::100000000002:role/app-0", nil); d != eval.Allowed {
		t.Errorf("member 1's OrgRead assuming member 2's app-0 (trusted across accounts): %s, want Allowed", d)
	}
	if d := can("arn:aws:iam::100000000001:role/OrgRead", "s3:GetObject", "arn:aws:s3:::data-100000000002/x", nil); d != eval.ImplicitlyDenied {
		t.Errorf("member 1's admin role reading member 2's bucket, which has no policy: %s, want ImplicitlyDenied (cross-account)", d)
	}
}

// TestOrganizationAccountThatCannotBeReadIsAWarning: a member whose role cannot be assumed is
// kept as an account with a warning that names the role; the others load in full.
func TestOrganizationAccountThatCannotBeReadIsAWarning(t *testing.T) {
	_, opts := startOrg(t, 4, 1, fakeaws.Fault{Service: "sts", Operation: "AssumeRole", Resource: "100000000002", Kind: fakeaws.AccessDenied})
	accounts, err := LoadOrganization(context.Background(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := byID(accounts)
	bad := got["100000000002"]
	if bad == nil || len(bad.Warnings) != 1 || !strings.Contains(bad.Warnings[0].Where, "arn:aws:iam::100000000002:role/OrgRead") ||
		bad.Warnings[0].Scope != model.ScopeAccount || bad.Organization == nil || len(bad.Organization.Levels) != 3 {
		t.Fatalf("the unreadable account: %+v", bad)
	}
	for _, id := range []string{"100000000000", "100000000001", "100000000003"} {
		if a := got[id]; a == nil || a.Partial() {
			t.Errorf("account %s: %+v", id, a)
		}
	}
	// A member whose IAM graph is refused, though its role was assumed: the warning names
	// the account's load and the refused call.
	_, opts2 := startOrg(t, 3, 1, fakeaws.Fault{Service: "iam", Operation: "GetAccountAuthorizationDetails", Account: "100000000001", Kind: fakeaws.AccessDenied})
	refused, err := LoadOrganization(context.Background(), opts2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := byID(refused)["100000000001"]; r == nil || len(r.Warnings) != 1 || r.Warnings[0].Where != "live load of account 100000000001" ||
		!strings.Contains(r.Warnings[0].Message, "GetAccountAuthorizationDetails") {
		t.Errorf("the account whose IAM graph was refused: %+v", r)
	}
	if ok := byID(refused)["100000000002"]; ok == nil || ok.Partial() {
		t.Errorf("the other member: %+v", ok)
	}

	// An answer about a resource of that account says what it could not weigh.
	e := eval.NewEngine(accounts...)
	p, _ := e.Principal("arn:aws:iam::100000000001:role/OrgRead")
	if gaps := e.Unweighed(p, "arn:aws:iam::100000000002:role/app-0"); len(gaps) == 0 {
		t.Errorf("an answer about the unreadable account's role weighs everything, want it partial")
	}
}

// TestOrganizationNarrowed: --accounts and --ou load only the accounts named, or under the OU.
func TestOrganizationNarrowed(t *testing.T) {
	srv, opts := startOrg(t, 6, 1)
	opts.OU = "ou-gen-sandbox"
	accounts, err := LoadOrganization(context.Background(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range accounts {
		ids = append(ids, a.ID)
	}
	if !slices.Equal(ids, []string{"100000000002", "100000000004"}) {
		t.Errorf("--ou ou-gen-sandbox: %v", ids)
	}
	_ = srv
	opts.OU, opts.Accounts = "", []string{"100000000003", "100000000000"}
	accounts, err = LoadOrganization(context.Background(), opts, nil)
	if err != nil || len(accounts) != 2 || accounts[0].ID != "100000000003" {
		t.Errorf("--accounts: %d accounts, err %v", len(accounts), err)
	}
	opts.Accounts = []string{"999999999999"}
	if _, err := LoadOrganization(context.Background(), opts, nil); err == nil || !strings.Contains(err.Error(), "999999999999") {
		t.Errorf("an account not in the organization: %v", err)
	}
}

// TestAssumeRoleIsAllowedOnlyForTheOrganizationsRoles: the STS client of --org-role may send
// sts:AssumeRole, the one call that is not a read, for exactly the roles it was given; any
// other role, and any other call that is not a read, is refused before it is sent.
func TestAssumeRoleIsAllowedOnlyForTheOrganizationsRoles(t *testing.T) {
	srv, opts := startOrg(t, 2, 0)
	base, err := baseConfig(context.Background(), opts.Options)
	if err != nil {
		t.Fatal(err)
	}
	allowed := "arn:aws:iam::100000000001:role/OrgRead"
	cfg := base.Copy()
	cfg.APIOptions = append(cfg.APIOptions, allowAssumingOnly(map[string]bool{allowed: true}))
	client := sts.NewFromConfig(cfg)
	ctx := context.Background()
	if _, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(allowed), RoleSessionName: aws.String("iamscope")}); err != nil {
		t.Fatalf("the allowed role: %v", err)
	}
	for _, role := range []string{"arn:aws:iam::100000000001:role/Admin", "arn:aws:iam::100000000002:role/OrgRead"} {
		_, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("x")})
		if !errors.Is(err, ErrNotReadOnly) {
			t.Errorf("AssumeRole %s: %v, want refused", role, err)
		}
	}
	if _, err := client.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(allowed),
		RoleSessionName: aws.String("x"), WebIdentityToken: aws.String("t")}); !errors.Is(err, ErrNotReadOnly) {
		t.Errorf("AssumeRoleWithWebIdentity: %v, want refused", err)
	}
	var sent []string
	for _, c := range srv.Calls() {
		sent = append(sent, c.String())
	}
	if !slices.Equal(sent, []string{"sts:AssumeRole " + allowed}) {
		t.Errorf("sent: %v, want only the allowed AssumeRole", sent)
	}
}

// TestOrganizationLoadStopsPromptly: ctrl+c during the load of an organization whose services
// never answer ends it within two seconds.
func TestOrganizationLoadStopsPromptly(t *testing.T) {
	_, opts := startOrg(t, 6, 1, fakeaws.Fault{Service: "iam", Operation: "GetAccountAuthorizationDetails", Kind: fakeaws.Hang})
	opts.AttemptTimeout = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, err := LoadOrganization(ctx, opts, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want the cancellation", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("stopped after %v, want within 2s", d)
	}
}

// TestOrganizationSnapshotReadsBackExactly: a snapshot of an organization holds every account
// and the organization's tree, once; --file reads both back exactly, each account attached to
// its tree.
func TestOrganizationSnapshotReadsBackExactly(t *testing.T) {
	_, opts := startOrg(t, 4, 2)
	accounts, err := LoadOrganization(context.Background(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "org.snapshot.json")
	if err := loader.WriteSnapshot(path, accounts, loader.SnapshotMeta{Source: "live-org:test"}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), `"ou-gen-sandbox","name":"Sandbox","kind":"ou"`); n != 1 {
		t.Errorf("the tree's Sandbox OU is written %d times, want once", n)
	}
	back, _, err := loader.ReadSnapshot(path)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(accounts)
	got, _ := json.Marshal(back)
	if string(want) != string(got) {
		t.Errorf("the accounts read back differ")
	}
	tree, _ := json.Marshal(accounts[0].Organization.Tree)
	for _, a := range back {
		if a.Organization == nil || a.Organization.Tree == nil {
			t.Fatalf("account %s read back without its organization's tree", a.ID)
		}
		if a.Organization.Tree != back[0].Organization.Tree {
			t.Errorf("account %s has a tree of its own, want the one the others share", a.ID)
		}
	}
	if got, _ := json.Marshal(back[0].Organization.Tree); string(got) != string(tree) {
		t.Errorf("the tree read back differs:\n%s\nwant\n%s", got, tree)
	}
}

// TestProfileThatAssumesARoleHonoursTheEndpoint: a profile with role_arn and source_profile
// gets its credentials from sts:AssumeRole, which must go to the configured endpoint
// (AWS_ENDPOINT_URL here) like every other call, not to AWS's public STS endpoint; the
// account loaded is the role's.
func TestProfileThatAssumesARoleHonoursTheEndpoint(t *testing.T) {
	srv, opts := startOrg(t, 2, 0)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Setenv("AWS_CONFIG_FILE", write("config", "[profile source]\nregion = eu-west-1\n\n"+
		"[profile member]\nregion = eu-west-1\nrole_arn = arn:aws:iam::100000000001:role/OrgRead\nsource_profile = source\n"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", write("credentials", "[source]\naws_access_key_id = "+testKeyID+"\naws_secret_access_key = "+testSecret+"\n"))
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)

	// An HTTP client that reaches the fake only, and refuses any other host.
	fake := strings.TrimPrefix(srv.URL, "http://")
	var (
		mu      sync.Mutex
		refused []string
	)
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr != fake {
			mu.Lock()
			refused = append(refused, addr)
			mu.Unlock()
			return nil, fmt.Errorf("the test refuses to dial %s", addr)
		}
		return dialer.DialContext(ctx, network, addr)
	}}}
	a, err := Load(context.Background(), Options{Profile: "member", HTTPClient: client, MaxAttempts: 2, MaxBackoff: opts.MaxBackoff}, nil)
	if err != nil {
		t.Fatalf("Load: %v (hosts refused: %v)", err, refused)
	}
	if a.ID != "100000000001" || len(refused) > 0 {
		t.Errorf("loaded account %s (want the role's, 100000000001); hosts refused: %v", a.ID, refused)
	}
}

// TestOrganizationProgressNamesEachAccount: the progress reports of an organization's load
// name each account as it is read, and count the accounts done.
func TestOrganizationProgressNamesEachAccount(t *testing.T) {
	_, opts := startOrg(t, 4, 1)
	var (
		mu     sync.Mutex
		stages []string
		last   = map[string]string{} // each account's last step, as the explorer lists it
	)
	_, err := LoadOrganization(context.Background(), opts, func(p loader.Progress) {
		mu.Lock()
		stages = append(stages, p.Stage)
		if p.Account != "" {
			last[p.Account] = p.Step
		}
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(stages, "\n")
	for _, acct := range []string{"100000000000", "100000000001", "100000000002", "100000000003"} {
		if !strings.Contains(all, acct+" IAM authorization details") {
			t.Errorf("no progress names account %s", acct)
		}
	}
	if !strings.Contains(all, "accounts 4/4") {
		t.Errorf("no progress says all 4 accounts are done:\n%s", stages[len(stages)-1])
	}
	for _, acct := range []string{"100000000000", "100000000001", "100000000002", "100000000003"} {
		if last[acct] != "done" {
			t.Errorf("account %s: last step %q, want done", acct, last[acct])
		}
	}
}

// TestSeveralProfilesLoadTogether: --profile given twice reads both accounts at once, and
// access across them is followed: the partner account's user may assume the sample account's
// auditor role, whose trust policy names the partner account and whose identity policy
// allows it on the partner's side; cross-account access needs both
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
func TestSeveralProfilesLoadTogether(t *testing.T) {
	_, sample := startFake(t, fakeaws.Sample())
	partner := &fakeaws.World{AccountID: "999988887777", Region: "eu-west-1", CallerARN: "arn:aws:iam::999988887777:user/partner",
		Users: []fakeaws.User{{Name: "partner", ID: "AIDAPARTNER", Inline: map[string]string{"assume": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111122223333:role/auditor"}]}`}}}}
	_, other := startFake(t, partner)
	sample.Profile, other.Profile = "sample", "partner"
	config := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(config, []byte("[profile sample]\nregion = eu-west-1\n[profile partner]\nregion = eu-west-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", config)

	accounts, err := LoadProfiles(context.Background(), []Options{sample, other}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) != 2 || accounts[0].ID != "111122223333" || accounts[1].ID != "999988887777" {
		t.Fatalf("accounts %v", accounts)
	}
	e := eval.NewEngine(accounts...)
	p, ok := e.Principal("arn:aws:iam::999988887777:user/partner")
	if !ok {
		t.Fatal("no partner user")
	}
	r, err := e.Can(p, "sts:AssumeRole", "arn:aws:iam::111122223333:role/auditor", nil, eval.Options{Mode: eval.Strict})
	if err != nil || r.Decision != eval.Allowed {
		t.Errorf("partner assuming the auditor role: %v %v, want Allowed", r.Decision, err)
	}

	// A profile that cannot be read fails the load, named.
	bad := other
	bad.Profile, bad.Credentials = "nosuch", nil
	if _, err := LoadProfiles(context.Background(), []Options{sample, bad}, nil); err == nil || !strings.Contains(err.Error(), "profile nosuch") {
		t.Errorf("a missing profile: %v", err)
	}
}
