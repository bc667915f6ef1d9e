//go:build unix

package live_test

// The emulator test: a real AWS emulator, moto (python3 -m moto.server), is seeded through its
// API with an account of every kind of thing the loader reads, then the loader reads it back
// through a profile, as `iamscope --profile` does, and the engine answers questions whose
// answers follow from AWS's documented rules. Without python3 and moto the test is skipped
// with a one-line reason; with CI=true it fails instead.
//
// What moto 5.2.1 does not implement, or this test does not reach, and the fakes
// (internal/fakeaws) that cover it instead:
//   - a user's permission boundary: CreateUser drops PermissionsBoundary and
//     PutUserPermissionsBoundary fails with a 500, so no user here has one (a role does);
//     TestLoadReadsEverything reads bob's boundary from the fake.
//   - GetAccountAuthorizationDetails leaves out each managed policy's PolicyName and PolicyId;
//     the loader then takes the name from the ARN (TestPolicyNameFromARN).
//   - GetAccountAuthorizationDetails lists every AWS managed policy (about 1,500), not only
//     those attached; the AWS managed policies that a dump leaves out are filled from the
//     catalog (loader.FillFromCatalog, tested in loader).
//   - lambda:AddPermission keeps a bare account id as the Principal instead of turning it into
//     {"AWS":"arn:aws:iam::ACCOUNT:root"}; the seed names principals by ARN.
//   - a member account's own view of its SCPs and RCPs (--profile in a member account): the
//     subtest "organization" (moto_org_test.go) loads member accounts with --org-role, their
//     organization policies read from the management account; TestManagementAccountIsRecorded
//     and TestLoadReadsEverything read a member account's own from the fake.
//   - refusals and faults: by default moto authorizes every call, never throttles, and never
//     answers malformed or truncated pages; the fault tests (faults_test.go, live_test.go)
//     inject them.

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/testenv"
	"github.com/iamscope/iamscope/loader/live"
	"github.com/iamscope/iamscope/model"
)

const (
	// motoAccount is the account moto serves; partnerAccount is another account, outside
	// the organization, that the seed grants access to.
	motoAccount    = "123456789012"
	partnerAccount = "999988887777"
	motoProfile    = "emulator"
	motoRegion     = "us-east-1"
	externalID     = "acme-partner-7"
	iamARN         = "arn:aws:iam::" + motoAccount + ":"
)

// TestMotoEmulator loads an account seeded into moto and checks what was loaded, that only
// reads were sent, and answers decided from AWS's rules. One emulator serves every subtest.
func TestMotoEmulator(t *testing.T) {
	endpoint := startMoto(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	isolateAWSEnv(t, endpoint)

	seedCfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile(motoProfile))
	if err != nil {
		t.Fatal(err)
	}
	want := seed(ctx, t, seedCfg)

	rec := &recordingClient{next: awshttp.NewBuildableClient()}
	start := time.Now()
	a, err := live.Load(ctx, live.Options{Profile: motoProfile, HTTPClient: rec}, nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	t.Logf("loaded %d users, %d roles, %d policies, %d resource policies in %v", len(a.Users), len(a.Roles), len(a.Policies), len(a.ResourcePolicies), time.Since(start).Round(time.Millisecond))

	t.Run("read-only", func(t *testing.T) { checkOperations(t, rec.operations()) })
	t.Run("loaded", func(t *testing.T) { checkLoaded(t, a, want) })
	t.Run("answers", func(t *testing.T) { checkAnswers(t, a, motoAnswers) })
	t.Run("a wrong answer fails", func(t *testing.T) {
		// The same assertion helper, given an answer AWS's rules contradict (the SCP does
		// bind the management account's role), must report a failure.
		wrong := []answer{motoAnswers[0]}
		wrong[0].want = eval.ExplicitlyDenied
		var tb fakeTB
		tb.run(func() { checkAnswers(&tb, a, wrong) })
		if !tb.failed() {
			t.Errorf("checkAnswers accepted %s for %s %s", wrong[0].want, wrong[0].who, wrong[0].action)
		}
		var right fakeTB
		right.run(func() { checkAnswers(&right, a, motoAnswers) })
		if right.failed() {
			t.Errorf("checkAnswers rejected the right answers: %v", right.msgs)
		}
	})
	// Last: it adds member accounts to the organization the checks above saw alone.
	t.Run("organization", func(t *testing.T) { checkOrganization(ctx, t, seedCfg) })
}

// startMoto starts moto's server on a free loopback port and returns its endpoint; the server
// (its whole process group) is killed when the test ends.
func startMoto(t *testing.T) string {
	t.Helper()
	python := testenv.LookPath(t, "python3", "the live loader's emulator test (moto)")
	if out, err := exec.Command(python, "-c", "import moto.server").CombinedOutput(); err != nil {
		testenv.Unavailable(t, "python3 cannot import moto.server (pip install 'moto[server]'): %s", lastLine(string(out)))
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()

	var logs syncBuffer
	cmd := exec.Command(python, "-m", "moto.server", "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	// Without it moto has no AWS managed policy to attach.
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting moto: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	})

	// localhost, not 127.0.0.1: S3 addressed virtual-hosted style would go to
	// BUCKET.localhost, which does not resolve (an IP address host the SDK addresses path
	// style by itself).
	endpoint := fmt.Sprintf("http://localhost:%d", port)
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(endpoint + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return endpoint
			}
		}
		select {
		case <-exited:
			t.Fatalf("moto exited before serving:\n%s", logs.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto did not answer on %s within 20s:\n%s", endpoint, logs.String())
		}
	}
}

// lastLine returns the last line of a command's output: where Python says what failed.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// syncBuffer is a buffer the server's output can be written to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// isolateAWSEnv points the AWS configuration at temporary files holding one profile that
// reaches the emulator through its endpoint_url, and clears the machine's AWS settings.
func isolateAWSEnv(t *testing.T, endpoint string) {
	t.Helper()
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
		"AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS", "AWS_CA_BUNDLE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Setenv("AWS_CONFIG_FILE", write("config", "[profile "+motoProfile+"]\nregion = "+motoRegion+"\nendpoint_url = "+endpoint+"\n"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", write("credentials", "["+motoProfile+"]\naws_access_key_id = testing\naws_secret_access_key = testing\n"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// recordingClient records the service and operation of every request sent over the wire.
type recordingClient struct {
	next aws.HTTPClient
	mu   sync.Mutex
	ops  []string
}

func (c *recordingClient) Do(req *http.Request) (*http.Response, error) {
	op := awsmiddleware.GetServiceID(req.Context()) + ":" + middleware.GetOperationName(req.Context())
	c.mu.Lock()
	c.ops = append(c.ops, op)
	c.mu.Unlock()
	return c.next.Do(req)
}

func (c *recordingClient) operations() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.ops...)
}

// readOp is what a read-only operation looks like, written out apart from the loader's guard.
var readOp = regexp.MustCompile(`^[A-Za-z0-9 ]+:(Get|List|Describe)[A-Z][A-Za-z]*$`)

// checkOperations fails for any operation sent that is not a read, and checks that each kind
// of data was asked for.
func checkOperations(t *testing.T, ops []string) {
	seen := map[string]bool{}
	for _, op := range ops {
		seen[op] = true
		if !readOp.MatchString(op) {
			t.Errorf("the loader sent %s, which is not a Get, List or Describe operation", op)
		}
	}
	for _, op := range []string{"STS:GetCallerIdentity", "IAM:GetAccountAuthorizationDetails", "IAM:GetLoginProfile",
		"S3:GetBucketPolicy", "S3 Control:GetPublicAccessBlock", "KMS:GetKeyPolicy", "SQS:GetQueueAttributes",
		"SNS:GetTopicAttributes", "Lambda:GetPolicy", "Secrets Manager:GetResourcePolicy",
		"Organizations:DescribeOrganization", "Organizations:DescribePolicy"} {
		if !seen[op] {
			t.Errorf("%s was never sent (sent: %d operations)", op, len(ops))
		}
	}
}

// seeded is what the seed created, for checking the load against.
type seeded struct {
	users, groups, roles []string
	customer             map[string]string // customer managed policy ARN -> its default version
	resources            map[string]string // resource ARN -> service
	functionRole         map[string]string // Lambda function ARN -> execution role ARN
	orgID                string
}

// The seed's policy documents.
const (
	allowAll      = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	allowS3       = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	allowS3Read   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}]}`
	allowAssume   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`
	denyDelete    = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`
	bucketPolicy  = `{"Version":"2012-10-17","Statement":[{"Sid":"NoObjectDeletes","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::acme-artifacts/*"},{"Sid":"PartnerReads","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + partnerAccount + `:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-artifacts/*"}]}`
	trustAccount  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + motoAccount + `:root"},"Action":"sts:AssumeRole"}]}`
	trustAlice    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + iamARN + `user/alice"},"Action":"sts:AssumeRole"}]}`
	trustDeploy   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + iamARN + `role/DeployRole"},"Action":"sts:AssumeRole"}]}`
	trustPartner  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + partnerAccount + `:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"` + externalID + `"}}}]}`
	trustLambda   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	readOnlyarn   = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	motoQueue     = "arn:aws:sqs:" + motoRegion + ":" + motoAccount + ":jobs"
	motoTopic     = "arn:aws:sns:" + motoRegion + ":" + motoAccount + ":alerts"
	motoFunction  = "arn:aws:lambda:" + motoRegion + ":" + motoAccount + ":function:thumbnailer"
	motoBucketARN = "arn:aws:s3:::acme-artifacts"
)

// orgOnlyQueues is an RCP that denies SQS messages from outside organization org.
func orgOnlyQueues(org string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"` + org + `"}}}]}`
}

// resourceGrant is a resource policy that grants action on resource to the partner account.
func resourceGrant(action, resource string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + partnerAccount + `:root"},"Action":"` + action + `","Resource":"` + resource + `"}]}`
}

// seed creates the account in the emulator with write calls of the test's own clients (the
// loader's clients cannot send them).
func seed(ctx context.Context, t *testing.T, cfg aws.Config) seeded {
	t.Helper()
	must := func(what string, _ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seeding %s: %v", what, err)
		}
	}
	want := seeded{customer: map[string]string{}, resources: map[string]string{}, functionRole: map[string]string{}}
	s := aws.String

	ic := iam.NewFromConfig(cfg)
	policy := func(name string, versions ...string) string {
		out, err := ic.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: s(name), PolicyDocument: s(versions[0])})
		must("policy "+name, out, err)
		arn := aws.ToString(out.Policy.Arn)
		for _, v := range versions[1:] {
			o, err := ic.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: s(arn), PolicyDocument: s(v), SetAsDefault: true})
			must("a version of "+name, o, err)
		}
		want.customer[arn] = fmt.Sprintf("v%d", len(versions))
		return arn
	}
	devPolicy := policy("DevPolicy", allowS3Read, allowAssume)
	boundary := policy("S3ReadBoundary", allowS3, allowS3Read)

	o1, err := ic.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: s("developers")})
	must("group", o1, err)
	o2, err := ic.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: s("developers"), PolicyArn: s(devPolicy)})
	must("group policy", o2, err)
	want.groups = []string{"developers"}
	for _, u := range []string{"alice", "bob"} {
		o, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: s(u)})
		must("user "+u, o, err)
		want.users = append(want.users, u)
	}
	o3, err := ic.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: s("developers"), UserName: s("alice")})
	must("membership", o3, err)
	o4, err := ic.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: s("alice"), Password: s("Correct-Horse-9")})
	must("login profile", o4, err)
	o5, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: s("bob")})
	must("access key", o5, err)

	role := func(name, trust string, boundary string, inline string, attached ...string) {
		in := &iam.CreateRoleInput{RoleName: s(name), AssumeRolePolicyDocument: s(trust)}
		if boundary != "" {
			in.PermissionsBoundary = s(boundary)
		}
		o, err := ic.CreateRole(ctx, in)
		must("role "+name, o, err)
		if inline != "" {
			o, err := ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: s(name), PolicyName: s(name + "-inline"), PolicyDocument: s(inline)})
			must("inline policy of "+name, o, err)
		}
		for _, p := range attached {
			o, err := ic.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: s(name), PolicyArn: s(p)})
			must("attached policy of "+name, o, err)
		}
		want.roles = append(want.roles, name)
	}
	role("AdminRole", trustAccount, "", allowAll)
	role("DeployRole", trustAlice, boundary, allowAll)
	role("ChainRole", trustDeploy, "", allowS3Read)
	role("PartnerRole", trustPartner, "", "", readOnlyarn)
	role("LambdaExec", trustLambda, "", "", readOnlyarn)

	sc := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	o6, err := sc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: s("acme-artifacts")})
	must("bucket", o6, err)
	o7, err := sc.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: s("acme-artifacts"), Policy: s(bucketPolicy)})
	must("bucket policy", o7, err)
	want.resources[motoBucketARN] = "s3"

	kc := kms.NewFromConfig(cfg)
	key, err := kc.CreateKey(ctx, &kms.CreateKeyInput{Policy: s(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + motoAccount + `:root"},"Action":"kms:*","Resource":"*"},{"Effect":"Allow","Principal":{"AWS":"` + iamARN + `role/LambdaExec"},"Action":"kms:Decrypt","Resource":"*"}]}`)})
	must("KMS key", key, err)
	want.resources[aws.ToString(key.KeyMetadata.Arn)] = "kms"

	qc := sqs.NewFromConfig(cfg)
	q, err := qc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: s("jobs"),
		Attributes: map[string]string{string(sqstypes.QueueAttributeNamePolicy): resourceGrant("sqs:SendMessage", motoQueue)}})
	must("queue", q, err)
	want.resources[motoQueue] = "sqs"

	nc := sns.NewFromConfig(cfg)
	topic, err := nc.CreateTopic(ctx, &sns.CreateTopicInput{Name: s("alerts")})
	must("topic", topic, err)
	o8, err := nc.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: topic.TopicArn, AttributeName: s("Policy"), AttributeValue: s(resourceGrant("sns:Publish", motoTopic))})
	must("topic policy", o8, err)
	want.resources[motoTopic] = "sns"

	mc := secretsmanager.NewFromConfig(cfg)
	secret, err := mc.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: s("db-password"), SecretString: s("not-a-real-password")})
	must("secret", secret, err)
	o9, err := mc.PutResourcePolicy(ctx, &secretsmanager.PutResourcePolicyInput{SecretId: secret.ARN, ResourcePolicy: s(resourceGrant("secretsmanager:GetSecretValue", "*"))})
	must("secret policy", o9, err)
	want.resources[aws.ToString(secret.ARN)] = "secretsmanager"

	lc := lambda.NewFromConfig(cfg)
	fn, err := lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: s("thumbnailer"), Runtime: lambdatypes.RuntimePython311,
		Role: s(iamARN + "role/LambdaExec"), Handler: s("index.handler"), Code: &lambdatypes.FunctionCode{ZipFile: zipped(t)}})
	must("function", fn, err)
	o10, err := lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: s("thumbnailer"), StatementId: s("partner"),
		Action: s("lambda:InvokeFunction"), Principal: s("arn:aws:iam::" + partnerAccount + ":root")})
	must("function policy", o10, err)
	want.resources[motoFunction] = "lambda"
	want.functionRole[motoFunction] = iamARN + "role/LambdaExec"

	oc := organizations.NewFromConfig(cfg)
	org, err := oc.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll})
	must("organization", org, err)
	want.orgID = aws.ToString(org.Organization.Id)
	roots, err := oc.ListRoots(ctx, &organizations.ListRootsInput{})
	must("organization root", roots, err)
	o11, err := oc.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: roots.Roots[0].Id, PolicyType: orgtypes.PolicyTypeServiceControlPolicy})
	must("SCPs", o11, err)
	scp, err := oc.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: s("DenyDeleteBucket"), Description: s("no bucket deletes"),
		Type: orgtypes.PolicyTypeServiceControlPolicy, Content: s(denyDelete)})
	must("SCP", scp, err)
	o12, err := oc.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: scp.Policy.PolicySummary.Id, TargetId: roots.Roots[0].Id})
	must("SCP attachment", o12, err)
	o13, err := oc.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: roots.Roots[0].Id, PolicyType: orgtypes.PolicyTypeResourceControlPolicy})
	must("RCPs", o13, err)
	rcp, err := oc.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: s("OrgOnlyQueues"), Description: s("queues for the organization only"),
		Type: orgtypes.PolicyTypeResourceControlPolicy, Content: s(orgOnlyQueues(want.orgID))})
	must("RCP", rcp, err)
	o14, err := oc.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: rcp.Policy.PolicySummary.Id, TargetId: roots.Roots[0].Id})
	must("RCP attachment", o14, err)
	return want
}

// zipped returns a Lambda deployment package of one Python file.
func zipped(t *testing.T) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, err := z.Create("index.py")
	if err == nil {
		_, err = w.Write([]byte("def handler(event, context):\n    return None\n"))
	}
	if err == nil {
		err = z.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// checkLoaded compares the loaded account with the seed.
func checkLoaded(t *testing.T, a *model.Account, want seeded) {
	if a.ID != motoAccount || a.Partial() {
		t.Errorf("account %s, warnings %v; want %s, complete", a.ID, a.Warnings, motoAccount)
	}
	names := func(n int, name func(int) string) []string {
		var out []string
		for i := range n {
			out = append(out, name(i))
		}
		return out
	}
	for _, c := range []struct {
		kind      string
		got, want []string
	}{
		{"users", names(len(a.Users), func(i int) string { return a.Users[i].Name }), want.users},
		{"groups", names(len(a.Groups), func(i int) string { return a.Groups[i].Name }), want.groups},
		{"roles", names(len(a.Roles), func(i int) string { return a.Roles[i].Name }), want.roles},
	} {
		if !sameSet(c.got, c.want) {
			t.Errorf("%s %v, want %v", c.kind, c.got, c.want)
		}
	}

	customer := 0
	for _, p := range a.Policies {
		if p.AWSManaged {
			continue
		}
		customer++
		if p.Name == "" || !strings.HasSuffix(p.ARN, "/"+p.Name) {
			t.Errorf("policy %s is named %q", p.ARN, p.Name)
		}
		v, ok := want.customer[p.ARN]
		if !ok || p.DefaultVersion != v || len(p.Versions) != 2 || p.Default() == nil || p.Default() == p.Versions[0].Document {
			t.Errorf("policy %s: default %s of %d versions; want %s of 2, the default's document", p.ARN, p.DefaultVersion, len(p.Versions), v)
		}
	}
	if customer != len(want.customer) {
		t.Errorf("%d customer managed policies, want %d", customer, len(want.customer))
	}
	if ro, ok := a.Policy(readOnlyarn); !ok || !ro.AWSManaged || ro.Default() == nil {
		t.Errorf("AWS managed %s: %+v", readOnlyarn, ro)
	}

	alice, bob := a.Find("alice"), a.Find("bob")
	if len(alice) != 1 || len(bob) != 1 {
		t.Fatalf("alice %v, bob %v", alice, bob)
	}
	if u := alice[0].User; u.LoginProfile != model.LoginProfilePresent || len(u.Groups) != 1 {
		t.Errorf("alice: login profile %q, groups %v; want present, developers", u.LoginProfile, u.Groups)
	}
	if u := bob[0].User; u.LoginProfile != model.LoginProfileAbsent || len(u.AccessKeys) != 1 {
		t.Errorf("bob: login profile %q, %d access keys; want absent, 1", u.LoginProfile, len(u.AccessKeys))
	}
	if r := a.Find("DeployRole"); len(r) != 1 || r[0].Role.Boundary == "" || r[0].Role.TrustPolicy == nil {
		t.Errorf("DeployRole: %+v; want its boundary and trust policy", r)
	}

	if len(a.ResourcePolicies) != len(want.resources) {
		t.Errorf("%d resource policies, want %d", len(a.ResourcePolicies), len(want.resources))
	}
	for arn, service := range want.resources {
		rp, ok := a.ResourcePolicy(arn)
		if !ok || rp.Service != service || rp.Document == nil || len(rp.Document.Statements) == 0 {
			t.Errorf("resource policy of %s: %+v; want a %s policy with statements", arn, rp, service)
		}
	}
	if rp, ok := a.ResourcePolicy(motoBucketARN); ok && rp.BlockPublicAccess == nil {
		t.Errorf("bucket %s: no Block Public Access settings (none configured reads as all off)", motoBucketARN)
	}
	if len(a.Functions) != len(want.functionRole) {
		t.Errorf("functions %+v, want %v", a.Functions, want.functionRole)
	}
	for _, f := range a.Functions {
		if want.functionRole[f.ARN] != f.Role {
			t.Errorf("function %s runs with %q, want %q", f.ARN, f.Role, want.functionRole[f.ARN])
		}
	}

	org := a.Organization
	if org == nil || org.ID != want.orgID || !org.IsManagement(motoAccount) || len(org.Levels) != 2 {
		t.Fatalf("organization %+v: want %s, managed by %s, root and account levels", org, want.orgID, motoAccount)
	}
	var scps []string
	for _, lv := range org.Levels {
		for _, p := range lv.SCPs {
			scps = append(scps, p.Name)
		}
	}
	if !sameSet(scps, []string{"FullAWSAccess", "DenyDeleteBucket", "FullAWSAccess"}) {
		t.Errorf("SCPs %v, want FullAWSAccess at both levels and DenyDeleteBucket at the root", scps)
	}
	if rcps := org.Levels[0].RCPs; len(rcps) == 0 || rcps[len(rcps)-1].Name != "OrgOnlyQueues" || rcps[len(rcps)-1].Document == nil {
		t.Errorf("root RCPs %+v, want OrgOnlyQueues with its document", rcps)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	count := map[string]int{}
	for _, s := range a {
		count[s]++
	}
	for _, s := range b {
		count[s]--
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return true
}

// answer is one question for the engine and the decision AWS's rules give.
type answer struct {
	who, action, resource string
	context               map[string]string
	mode                  eval.Mode
	want                  eval.Decision
	// reason is part of the explanation's one-line reason, naming what decided.
	reason string
	why    string
}

// motoAnswers are decided from AWS's documented rules
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
// The partner account's user may do anything its own account allows.
var motoAnswers = []answer{
	{iamARN + "role/AdminRole", "s3:DeleteBucket", motoBucketARN, nil, eval.Strict, eval.Allowed, "AdminRole-inline",
		"SCPs do not affect users or roles in the management account (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html)"},
	{iamARN + "role/AdminRole", "s3:DeleteObject", motoBucketARN + "/build.zip", nil, eval.Strict, eval.ExplicitlyDenied, "NoObjectDeletes",
		"the bucket policy's explicit deny wins over the role's allow"},
	{iamARN + "role/DeployRole", "s3:PutObject", motoBucketARN + "/build.zip", nil, eval.Strict, eval.ImplicitlyDenied, "permission boundary",
		"the boundary's default version (v2) allows only reads"},
	{iamARN + "role/DeployRole", "s3:GetObject", motoBucketARN + "/build.zip", nil, eval.Strict, eval.Allowed, "DeployRole-inline",
		"the role's policy and its boundary both allow reads"},
	{iamARN + "user/alice", "sts:AssumeRole", iamARN + "role/DeployRole", nil, eval.Strict, eval.Allowed, "DevPolicy",
		"the trust policy names alice, and her group's policy (default v2) allows sts:AssumeRole"},
	{iamARN + "user/bob", "sts:AssumeRole", iamARN + "role/DeployRole", nil, eval.Strict, eval.ImplicitlyDenied, "",
		"bob has no policy"},
	{"arn:aws:iam::" + partnerAccount + ":user/partner", "sts:AssumeRole", iamARN + "role/PartnerRole", nil, eval.Discovery, eval.Allowed, "sts:ExternalId",
		"the cross-account trust holds only with the external id: allowed if sts:ExternalId matches"},
	{"arn:aws:iam::" + partnerAccount + ":user/partner", "sts:AssumeRole", iamARN + "role/PartnerRole", nil, eval.Strict, eval.ImplicitlyDenied, "",
		"without the external id the trust policy does not allow it"},
	{"arn:aws:iam::" + partnerAccount + ":user/partner", "sts:AssumeRole", iamARN + "role/PartnerRole", map[string]string{"sts:ExternalId": externalID}, eval.Strict, eval.Allowed, "",
		"with the external id both sides allow"},
	{"arn:aws:iam::" + partnerAccount + ":user/partner", "sqs:SendMessage", motoQueue, nil, eval.Strict, eval.Allowed, "",
		"the queue policy grants the partner account, whose user's policy allows it; the RCP that denies callers outside the organization does not affect the management account's resources (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html)"},
	{"arn:aws:iam::" + partnerAccount + ":user/partner", "s3:DeleteObject", motoBucketARN + "/build.zip", nil, eval.Strict, eval.ExplicitlyDenied, "NoObjectDeletes",
		"the bucket policy denies everyone"},
}

// checkAnswers asks the engine each question about the loaded account, with a partner account
// whose one user may do anything, and reports each answer that differs from AWS's rules.
func checkAnswers(tb testing.TB, a *model.Account, answers []answer) {
	tb.Helper()
	partner := &model.Account{ID: partnerAccount, Users: []*model.User{{ARN: "arn:aws:iam::" + partnerAccount + ":user/partner", Name: "partner", Path: "/",
		InlinePolicies: []model.InlinePolicy{{Name: "all", Document: mustParse(tb, allowAll)}}}}}
	partner.Index()
	e := eval.NewEngine(a, partner)
	if len(e.Warnings) > 0 {
		tb.Errorf("engine warnings: %v", e.Warnings)
	}
	for _, q := range answers {
		p, ok := e.Principal(q.who)
		if !ok {
			tb.Errorf("no principal %s", q.who)
			continue
		}
		var extra *eval.Context
		if q.context != nil {
			extra = eval.NewContext()
			for k, v := range q.context {
				extra.Set(k, v)
			}
		}
		r, err := e.Can(p, q.action, q.resource, extra, eval.Options{Mode: q.mode, Explain: true})
		if err != nil {
			tb.Errorf("%s %s %s: %v", q.who, q.action, q.resource, err)
			continue
		}
		if r.Decision != q.want || !strings.Contains(r.Explanation.Reason, q.reason) || (q.mode == eval.Discovery && !r.Conditional()) {
			tb.Errorf("%s %s %s: %s (%s); want %s naming %q: %s", q.who, q.action, q.resource, r.Decision, r.Explanation.Reason, q.want, q.reason, q.why)
		}
	}
}

func mustParse(tb testing.TB, doc string) *model.Policy {
	tb.Helper()
	p, err := model.ParsePolicy([]byte(doc))
	if err != nil {
		tb.Fatalf("%v: %s", err, doc)
	}
	return p
}

// fakeTB is a testing.TB that records failures instead of failing the test, so that a test can
// check that an assertion helper fails when it should.
type fakeTB struct {
	testing.TB // nil: calling anything not overridden panics, which fails the real test
	mu         sync.Mutex
	msgs       []string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.msgs = append(f.msgs, fmt.Sprintf(format, args...))
}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	runtime.Goexit()
}

func (f *fakeTB) failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.msgs) > 0
}

// run calls fn on its own goroutine, so that Fatalf can stop it.
func (f *fakeTB) run(fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	<-done
}
