//go:build unix

package live_test

// The organization, in the emulator: TestMotoEmulator's management account gets two member
// accounts created through organizations:CreateAccount (each with its
// OrganizationAccountAccessRole), an OU with an SCP that holds one of them, a role in each
// member that the management account may assume, and a trust across the two members. Then
// --org-role loads them all, through sts:AssumeRole into that role.
//
// What this does not reach in moto, and the fakes cover instead (org_test.go): an account
// whose role cannot be assumed, and its warning (moto lets every AssumeRole through); --ou
// and --accounts; cancelling an organization's load; the guard's refusal of other roles.

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamscope/iamscope/cli"
	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/loader/live"
	"github.com/iamscope/iamscope/model"
)

const auditRole = "iamscope-audit"

// orgSeed is what seedOrganization made.
type orgSeed struct {
	ciAccount, deployAccount string // the members: ci in the Workloads OU, deploy under the root
	ou, scp                  string
}

// seedOrganization adds two members, an OU and its SCP to the organization seeded by seed.
func seedOrganization(ctx context.Context, t *testing.T, cfg aws.Config) orgSeed {
	t.Helper()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seeding the organization: %s: %v", what, err)
		}
	}
	s := aws.String
	oc := organizations.NewFromConfig(cfg)
	var got orgSeed
	for i, name := range []string{"ci", "deploy"} {
		out, err := oc.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: s(name), Email: s(name + "@example.com")})
		must("CreateAccount "+name, err)
		id := aws.ToString(out.CreateAccountStatus.AccountId)
		if id == "" {
			st, err := oc.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: out.CreateAccountStatus.Id})
			must("DescribeCreateAccountStatus", err)
			id = aws.ToString(st.CreateAccountStatus.AccountId)
		}
		if i == 0 {
			got.ciAccount = id
		} else {
			got.deployAccount = id
		}
	}
	roots, err := oc.ListRoots(ctx, &organizations.ListRootsInput{})
	must("ListRoots", err)
	root := roots.Roots[0].Id
	ou, err := oc.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: root, Name: s("Workloads")})
	must("CreateOrganizationalUnit", err)
	got.ou = aws.ToString(ou.OrganizationalUnit.Id)
	_, err = oc.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: s(got.ciAccount), SourceParentId: root, DestinationParentId: s(got.ou)})
	must("MoveAccount", err)
	scp, err := oc.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: s("WorkloadsNoIAMUsers"), Description: s("no IAM users in workloads"),
		Type: "SERVICE_CONTROL_POLICY", Content: s(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}]}`)})
	must("CreatePolicy", err)
	got.scp = aws.ToString(scp.Policy.PolicySummary.Id)
	_, err = oc.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: scp.Policy.PolicySummary.Id, TargetId: s(got.ou)})
	must("AttachPolicy", err)

	// In each member, through OrganizationAccountAccessRole: the audit role the management
	// account may assume; in ci a role that may assume deploy's deployer, which trusts it.
	for _, acct := range []string{got.ciAccount, got.deployAccount} {
		member := cfg.Copy()
		member.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg),
			"arn:aws:iam::"+acct+":role/OrganizationAccountAccessRole"))
		who, err := sts.NewFromConfig(member).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		must("GetCallerIdentity in "+acct, err)
		if aws.ToString(who.Account) != acct {
			t.Fatalf("credentials of OrganizationAccountAccessRole in %s act in account %s", acct, aws.ToString(who.Account))
		}
		ic := iam.NewFromConfig(member)
		role := func(name, trusted, inline string) {
			t.Helper()
			_, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: s(name),
				AssumeRolePolicyDocument: s(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + trusted + `"},"Action":"sts:AssumeRole"}]}`)})
			must("CreateRole "+name+" in "+acct, err)
			_, err = ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: s(name), PolicyName: s("inline"), PolicyDocument: s(inline)})
			must("PutRolePolicy "+name, err)
		}
		role(auditRole, "arn:aws:iam::"+motoAccount+":root", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"}]}`)
		if acct == got.ciAccount {
			role("ci", "arn:aws:iam::"+motoAccount+":root", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::`+got.deployAccount+`:role/deployer"},{"Effect":"Allow","Action":"iam:CreateUser","Resource":"*"}]}`)
		} else {
			role("deployer", "arn:aws:iam::"+got.ciAccount+":role/ci", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","iam:CreateUser"],"Resource":"*"}]}`)
			_, err := s3.NewFromConfig(member, func(o *s3.Options) { o.UsePathStyle = true }).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: s("deploy-artifacts-" + acct)})
			must("CreateBucket in deploy", err)
		}
	}
	return got
}

// checkOrganization loads the organization with --org-role and checks each account's
// principals, the SCPs at each level, and a chain across the members.
func checkOrganization(ctx context.Context, t *testing.T, cfg aws.Config) {
	want := seedOrganization(ctx, t, cfg)
	rec := &recordingClient{next: awshttp.NewBuildableClient()}
	accounts, err := live.LoadOrganization(ctx, live.OrgOptions{Options: live.Options{Profile: motoProfile, HTTPClient: rec}, RoleName: auditRole}, nil)
	if err != nil {
		t.Fatalf("LoadOrganization: %v", err)
	}
	// Every call was a read but sts:AssumeRole, the one --org-role needs.
	assumed := 0
	for _, op := range rec.operations() {
		if op == "STS:AssumeRole" {
			assumed++
		} else if !readOp.MatchString(op) {
			t.Errorf("the organization's load sent %s, which is not a read", op)
		}
	}
	if assumed != 2 {
		t.Errorf("sts:AssumeRole sent %d times, want once for each member", assumed)
	}
	byID := map[string]*model.Account{}
	for _, a := range accounts {
		byID[a.ID] = a
	}
	mgmt, ci, deploy := byID[motoAccount], byID[want.ciAccount], byID[want.deployAccount]
	if mgmt == nil || ci == nil || deploy == nil {
		t.Fatalf("loaded accounts %v; want %s, %s and %s", slices.Sorted(func(yield func(string) bool) {
			for id := range byID {
				if !yield(id) {
					return
				}
			}
		}), motoAccount, want.ciAccount, want.deployAccount)
	}
	roles := func(a *model.Account) []string {
		var out []string
		for _, r := range a.Roles {
			out = append(out, r.Name)
		}
		return out
	}
	for _, c := range []struct {
		a    *model.Account
		want []string
	}{{ci, []string{auditRole, "ci", "OrganizationAccountAccessRole"}}, {deploy, []string{auditRole, "deployer", "OrganizationAccountAccessRole"}}} {
		for _, r := range c.want {
			if !slices.Contains(roles(c.a), r) {
				t.Errorf("account %s: roles %v, want %s among them", c.a.ID, roles(c.a), r)
			}
		}
		if c.a.Organization == nil || c.a.Organization.ManagementAccountID != motoAccount {
			t.Errorf("account %s: organization %+v", c.a.ID, c.a.Organization)
		}
	}
	if !slices.Contains(deploy.OwnedResources, "arn:aws:s3:::deploy-artifacts-"+want.deployAccount) {
		t.Errorf("deploy's buckets: %v", deploy.OwnedResources)
	}
	if !mgmt.Organization.IsManagement(motoAccount) || len(mgmt.Users) == 0 {
		t.Errorf("the management account: organization %+v, %d users", mgmt.Organization, len(mgmt.Users))
	}
	// The SCPs at each level: ci sits in Workloads, with its SCP; deploy under the root.
	levels := func(a *model.Account) (ids []string, scps map[string][]string) {
		scps = map[string][]string{}
		for _, l := range a.Organization.Levels {
			ids = append(ids, l.ID)
			for _, p := range l.SCPs {
				scps[l.ID] = append(scps[l.ID], p.Name)
			}
		}
		return ids, scps
	}
	ciLevels, ciSCPs := levels(ci)
	if len(ciLevels) != 3 || ciLevels[1] != want.ou || !slices.Contains(ciSCPs[want.ou], "WorkloadsNoIAMUsers") ||
		!slices.Contains(ciSCPs[ciLevels[0]], "DenyDeleteBucket") {
		t.Errorf("ci's levels %v, SCPs %v; want root (DenyDeleteBucket), %s (WorkloadsNoIAMUsers), the account", ciLevels, ciSCPs, want.ou)
	}
	deployLevels, deploySCPs := levels(deploy)
	if len(deployLevels) != 2 || slices.ContainsFunc(deployLevels, func(id string) bool { return id == want.ou }) {
		t.Errorf("deploy's levels %v, SCPs %v; want the root and the account", deployLevels, deploySCPs)
	}

	// Decided: the OU's SCP binds ci's roles, not deploy's; ci's role reaches deploy's
	// deployer across accounts; deploy's bucket, which has no policy, is not ci's.
	// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html)
	e := eval.NewEngine(accounts...)
	decide := func(who, action, resource string) eval.Decision {
		t.Helper()
		p, ok := e.Principal(who)
		if !ok {
			t.Fatalf("no principal %s", who)
		}
		r, err := e.Can(p, action, resource, nil, eval.Options{Mode: eval.Strict})
		if err != nil {
			t.Fatal(err)
		}
		return r.Decision
	}
	ciRole := "arn:aws:iam::" + want.ciAccount + ":role/ci"
	deployer := "arn:aws:iam::" + want.deployAccount + ":role/deployer"
	if d := decide(ciRole, "sts:AssumeRole", deployer); d != eval.Allowed {
		t.Errorf("ci assuming deploy's deployer: %s, want Allowed (both sides allow)", d)
	}
	if d := decide(ciRole, "iam:CreateUser", "arn:aws:iam::"+want.ciAccount+":user/x"); d != eval.ExplicitlyDenied {
		t.Errorf("iam:CreateUser in ci: %s, want ExplicitlyDenied by the Workloads SCP", d)
	}
	if d := decide(deployer, "iam:CreateUser", "arn:aws:iam::"+want.deployAccount+":user/x"); d != eval.Allowed {
		t.Errorf("iam:CreateUser in deploy: %s, want Allowed (not in Workloads; SCPs %v)", d, deploySCPs)
	}
	if d := decide(deployer, "s3:GetObject", "arn:aws:s3:::deploy-artifacts-"+want.deployAccount+"/a"); d != eval.Allowed {
		t.Errorf("deployer reading its own account's bucket: %s, want Allowed", d)
	}

	// The CLI: who-can across the organization follows the chain from ci into deploy.
	cmd := cli.NewWhoCanCommand()
	var out strings.Builder
	cmd.SetOut(&out)
	cmd.SetErr(&strings.Builder{})
	cmd.SetArgs([]string{"--profile", motoProfile, "--org-role", auditRole, "--json",
		"s3:PutObject", "arn:aws:s3:::deploy-artifacts-" + want.deployAccount + "/build.zip"})
	if err := cmd.ExecuteContext(ctx); err != nil {
		t.Fatalf("who-can --org-role: %v", err)
	}
	var answer struct {
		Principals []struct {
			ARN string `json:"arn"`
			Via []struct {
				From, To string
			} `json:"via"`
		} `json:"principals"`
	}
	if err := json.Unmarshal([]byte(out.String()), &answer); err != nil {
		t.Fatalf("who-can --json: %v\n%s", err, out.String())
	}
	found := false
	for _, p := range answer.Principals {
		if p.ARN == ciRole && len(p.Via) > 0 && p.Via[len(p.Via)-1].To == deployer {
			found = true
		}
	}
	if !found {
		t.Errorf("who-can s3:PutObject on deploy's bucket does not list ci through deployer:\n%s", out.String())
	}
}
