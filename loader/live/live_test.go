package live

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/iamscope/iamscope/loader/live/internal/fakeaws"
	"github.com/iamscope/iamscope/model"
)

func TestLoadReadsEverything(t *testing.T) {
	w := fakeaws.Sample()
	srv, opts := startFake(t, w)
	var progress progressLog
	a, err := loadWithin(t, context.Background(), 10*time.Second, opts, progress.report)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	checkReadOnly(t, srv)
	if a.Partial() {
		t.Fatalf("account is partial: %v", a.Warnings)
	}
	if a.ID != w.AccountID || a.Alias != "example-prod" || a.Source != "live:default/eu-west-1" {
		t.Errorf("ID, Alias, Source = %q, %q, %q", a.ID, a.Alias, a.Source)
	}
	if len(a.Users) != 5 || len(a.Groups) != 2 || len(a.Roles) != 3 || len(a.Policies) != 3 || len(a.InstanceProfiles) != 1 {
		t.Errorf("users, groups, roles, policies, instance profiles = %d, %d, %d, %d, %d; want 5, 2, 3, 3, 1",
			len(a.Users), len(a.Groups), len(a.Roles), len(a.Policies), len(a.InstanceProfiles))
	}
	// Every page of the authorization details was read: 13 entries, 2 a page.
	if n := countCalls(srv, "iam", "GetAccountAuthorizationDetails"); n != 7 {
		t.Errorf("GetAccountAuthorizationDetails called %d times, want 7 (every page)", n)
	}
	if warns := a.Index(); len(warns) != 0 {
		t.Errorf("Index warnings: %v", warns)
	}

	alice := a.Find("alice")[0].User
	if len(alice.AccessKeys) != 2 || alice.AccessKeys[1].ID != "AKIAFAKE9999" || alice.AccessKeys[0].LastUsed == nil {
		t.Errorf("alice's access keys = %+v, want two (both pages), with last use", alice.AccessKeys)
	}
	if got := a.Find("AKIAFAKE9999"); len(got) != 1 || got[0].User != alice {
		t.Errorf("Find(access key) = %v, want alice", got)
	}
	if len(alice.Groups) != 2 || len(alice.Tags) != 1 {
		t.Errorf("alice: groups %v, tags %v", alice.Groups, alice.Tags)
	}
	bob := a.Find("bob")[0].User
	if bob.Boundary == "" || len(bob.InlinePolicies) != 1 || bob.InlinePolicies[0].Document == nil {
		t.Errorf("bob: boundary %q, inline %+v", bob.Boundary, bob.InlinePolicies)
	}
	web := a.Find("web")[0].Role
	if web.TrustPolicy == nil || len(web.InstanceProfiles) != 1 || web.LastUsed == nil || web.LastUsedRegion != "eu-west-1" {
		t.Errorf("role web = %+v", web)
	}
	ro, _ := a.Policy("arn:aws:iam::aws:policy/ReadOnlyAccess")
	if ro == nil || !ro.AWSManaged || len(ro.Versions) != 2 || ro.Default() == nil || ro.DefaultVersion != "v2" {
		t.Errorf("ReadOnlyAccess = %+v", ro)
	}

	services := map[string]int{}
	for _, rp := range a.ResourcePolicies {
		services[rp.Service]++
		if rp.Document == nil {
			t.Errorf("%s has no document", rp.ResourceARN)
		}
	}
	want := map[string]int{"s3": 2, "kms": 3, "sqs": 2, "sns": 3, "lambda": 2, "secretsmanager": 2}
	for s, n := range want {
		if services[s] != n {
			t.Errorf("%s resource policies = %d, want %d", s, services[s], n)
		}
	}
	logs, ok := a.ResourcePolicy("arn:aws:s3:::logs")
	if !ok || logs.BlockPublicAccess == nil ||
		*logs.BlockPublicAccess != (model.BlockPublicAccess{BlockPublicACLs: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}) {
		t.Errorf("logs bucket: %+v (want the account's and the bucket's settings merged)", logs)
	}
	site, _ := a.ResourcePolicy("arn:aws:s3:::public-site")
	if site == nil || site.BlockPublicAccess == nil || *site.BlockPublicAccess != (model.BlockPublicAccess{BlockPublicACLs: true}) {
		t.Errorf("public-site bucket: %+v (want the account's settings)", site)
	}
	if _, ok := a.ResourcePolicy(w.QueueARN("jobs")); !ok {
		t.Errorf("no policy for queue jobs")
	}

	org := a.Organization
	if org == nil || org.ID != "o-exampleorg" || len(org.Levels) != 3 {
		t.Fatalf("organization = %+v", org)
	}
	names := []string{org.Levels[0].Name, org.Levels[1].Name, org.Levels[2].Name}
	if names[0] != "Root" || names[1] != "Production" || org.Levels[2].ID != w.AccountID {
		t.Errorf("levels = %v, want Root, Production, the account", names)
	}
	if len(org.Levels[1].SCPs) != 2 || len(org.Levels[0].RCPs) != 1 || org.Levels[1].SCPs[1].Document == nil {
		t.Errorf("OU level = %+v", org.Levels[1])
	}
	if n := countCalls(srv, "organizations", "DescribePolicy"); n != 3 {
		t.Errorf("DescribePolicy called %d times, want 3 (once per policy)", n)
	}

	last := progress.last()
	for _, stage := range []string{stageIAM, stageKeys, stageS3, "KMS key policies", "SQS queue policies",
		"SNS topic policies", "Lambda function policies", "Secrets Manager policies", stageOrg} {
		p, ok := last[stage]
		if !ok || p.Total == 0 || p.Done != p.Total {
			t.Errorf("last progress of %q = %+v (reported %v), want done = total > 0", stage, p, ok)
		}
	}
}

func TestLoadNeverShowsTheSecret(t *testing.T) {
	_, opts := startFake(t, fakeaws.Sample(), fakeaws.Fault{Service: "kms", Kind: fakeaws.AccessDenied})
	var progress progressLog
	a, err := Load(context.Background(), opts, progress.report)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(a)
	all := string(out) + a.Source
	for _, p := range progress.reports {
		all += p.Stage
	}
	if strings.Contains(all, testSecret) || strings.Contains(all, testKeyID) {
		t.Error("the account, its warnings or the progress reports show the credentials")
	}
}

func TestThrottlingIsAbsorbed(t *testing.T) {
	srv, opts := startFake(t, fakeaws.Sample(),
		fakeaws.Fault{Service: "iam", Operation: "GetAccountAuthorizationDetails", Kind: fakeaws.Throttle, Times: 3, After: 1},
		fakeaws.Fault{Service: "iam", Operation: "ListAccessKeys", Kind: fakeaws.Throttle, Times: 4},
		fakeaws.Fault{Service: "s3", Operation: "GetBucketPolicy", Kind: fakeaws.Throttle, Times: 3},
		fakeaws.Fault{Service: "kms", Operation: "ListKeys", Kind: fakeaws.Throttle, Times: 2},
		fakeaws.Fault{Service: "sqs", Operation: "GetQueueAttributes", Kind: fakeaws.Throttle, Times: 3},
		fakeaws.Fault{Service: "sns", Operation: "ListTopics", Kind: fakeaws.Throttle, Times: 2},
		fakeaws.Fault{Service: "lambda", Operation: "GetPolicy", Kind: fakeaws.Throttle, Times: 3},
		fakeaws.Fault{Service: "secretsmanager", Operation: "ListSecrets", Kind: fakeaws.Throttle, Times: 2},
		fakeaws.Fault{Service: "organizations", Operation: "ListPoliciesForTarget", Kind: fakeaws.Throttle, Times: 3},
		fakeaws.Fault{Service: "iam", Operation: "GetAccessKeyLastUsed", Kind: fakeaws.ServerError, Times: 2},
	)
	a, err := loadWithin(t, context.Background(), 10*time.Second, opts, nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	checkReadOnly(t, srv)
	if a.Partial() {
		t.Errorf("throttling bursts should be retried away, got warnings: %v", a.Warnings)
	}
	if len(a.ResourcePolicies) != 14 || a.Organization == nil || len(a.Users) != 5 {
		t.Errorf("resource policies %d (want 14), organization %v, users %d", len(a.ResourcePolicies), a.Organization != nil, len(a.Users))
	}
	if n := countCalls(srv, "lambda", "GetPolicy"); n != 6 {
		t.Errorf("lambda GetPolicy calls = %d, want 6 (3 functions, 3 throttled)", n)
	}
}

func TestThrottlingStormGivesUpWithWarnings(t *testing.T) {
	srv, opts := startFake(t, fakeaws.Sample(), fakeaws.Fault{Service: "sns", Kind: fakeaws.Throttle})
	a, err := loadWithin(t, context.Background(), 10*time.Second, opts, nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	w, ok := findWarning(a, "sns:ListTopics")
	if !ok || !strings.Contains(w.Message, "throttled") || w.Missing != "SNS topic policies" {
		t.Errorf("warning = %+v, want sns:ListTopics throttled, missing SNS topic policies; all: %v", w, a.Warnings)
	}
	if n := countCalls(srv, "sns", "ListTopics"); n != opts.MaxAttempts {
		t.Errorf("ListTopics sent %d times, want %d (bounded retries, no storm)", n, opts.MaxAttempts)
	}
	if len(a.ResourcePolicies) != 11 {
		t.Errorf("%d resource policies, want the 11 outside SNS", len(a.ResourcePolicies))
	}
}

func TestAccessDeniedGivesNamedWarnings(t *testing.T) {
	srv, opts := startFake(t, fakeaws.Sample(),
		fakeaws.Fault{Service: "s3", Operation: "GetBucketPolicy", Resource: "logs", Kind: fakeaws.AccessDenied},
		fakeaws.Fault{Service: "kms", Operation: "ListKeys", Kind: fakeaws.AccessDenied},
		fakeaws.Fault{Service: "iam", Operation: "ListAccessKeys", Resource: "bob", Kind: fakeaws.AccessDenied},
		fakeaws.Fault{Service: "sns", Operation: "GetTopicAttributes", Resource: "audit", Kind: fakeaws.AccessDenied},
		fakeaws.Fault{Service: "lambda", Operation: "GetPolicy", Resource: "webhook", Kind: fakeaws.AccessDenied},
		fakeaws.Fault{Service: "organizations", Operation: "ListParents", Kind: fakeaws.AccessDenied},
		fakeaws.Fault{Service: "s3control", Kind: fakeaws.AccessDenied},
	)
	a, err := loadWithin(t, context.Background(), 10*time.Second, opts, nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	checkReadOnly(t, srv)
	if !a.Partial() {
		t.Fatal("account should be partial")
	}
	want := map[string]string{
		"s3:GetBucketPolicy arn:aws:s3:::logs":                         "bucket policy of arn:aws:s3:::logs",
		"kms:ListKeys":                                                 "KMS key policies",
		"iam:ListAccessKeys arn:aws:iam::111122223333:user/bob":        "access keys of arn:aws:iam::111122223333:user/bob",
		"sns:GetTopicAttributes " + fakeaws.Sample().TopicARN("audit"): "topic policy of " + fakeaws.Sample().TopicARN("audit"),
		"lambda:GetPolicy " + fakeaws.Sample().FunctionARN("webhook"):  "function policy of " + fakeaws.Sample().FunctionARN("webhook"),
		"organizations:ListParents 111122223333":                       "SCPs and RCPs",
		"s3control:GetPublicAccessBlock 111122223333":                  "account-level S3 Block Public Access settings",
	}
	for where, missing := range want {
		w, ok := findWarning(a, where)
		if !ok {
			t.Errorf("no warning at %q; warnings: %v", where, a.Warnings)
			continue
		}
		if w.Missing != missing || !strings.HasPrefix(w.Message, "access denied") {
			t.Errorf("warning at %q = %+v, want access denied, missing %q", where, w, missing)
		}
	}
	if len(a.Warnings) != len(want) {
		t.Errorf("%d warnings, want %d: %v", len(a.Warnings), len(want), a.Warnings)
	}
	if a.Organization != nil {
		t.Error("a partly read organization should be left out, not half kept")
	}
	// What was readable is there: bob's keys are missing, the others' are not.
	if len(a.Find("alice")[0].User.AccessKeys) != 2 || len(a.Find("bob")[0].User.AccessKeys) != 0 {
		t.Error("access keys: want alice's and not bob's")
	}
	// Without the account-level settings, the bucket's settings in force are unknown.
	if site, ok := a.ResourcePolicy("arn:aws:s3:::public-site"); !ok || site.BlockPublicAccess != nil {
		t.Errorf("public-site = %+v, want its policy with Block Public Access unknown", site)
	}
	if n := len(a.ResourcePolicies); n != 8 {
		t.Errorf("%d resource policies, want 8 (14 less logs, 3 keys, audit, webhook)", n)
	}
}

func TestMalformedAnswers(t *testing.T) {
	w := fakeaws.Sample()
	w.Buckets[0].Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow"` // cut short
	w.Org.Policies[1].Document = `{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}`
	srv, opts := startFake(t, w,
		fakeaws.Fault{Service: "sns", Operation: "ListTopics", Kind: fakeaws.Malformed},
		fakeaws.Fault{Service: "secretsmanager", Operation: "GetResourcePolicy", Resource: "db-password", Kind: fakeaws.Malformed},
		fakeaws.Fault{Service: "lambda", Operation: "ListFunctions", Kind: fakeaws.Malformed},
	)
	a, err := loadWithin(t, context.Background(), 10*time.Second, opts, nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	checkReadOnly(t, srv)
	for where, message := range map[string]string{
		"sns:ListTopics":                         "malformed",
		"lambda:ListFunctions":                   "malformed",
		"secretsmanager:GetResourcePolicy":       "malformed",
		"s3:GetBucketPolicy arn:aws:s3:::logs":   "policy document does not parse",
		"organizations:DescribePolicy p-regions": "policy document does not parse",
	} {
		if w, ok := findWarning(a, where); !ok || !strings.Contains(w.Message, message) {
			t.Errorf("warning at %q = %+v, want %q; all: %v", where, w, message, a.Warnings)
		}
	}
	// The SCP that does not parse stays in its level, without a document, so that answers
	// know it is there and could not be weighed.
	if a.Organization == nil || len(a.Organization.Levels[1].SCPs) != 2 || a.Organization.Levels[1].SCPs[1].Document != nil {
		t.Errorf("organization = %+v", a.Organization)
	}
}

func TestEssentialFailuresAreErrors(t *testing.T) {
	cases := []struct {
		name  string
		fault fakeaws.Fault
		want  string
	}{
		{"identity denied", fakeaws.Fault{Service: "sts", Kind: fakeaws.AccessDenied}, "sts:GetCallerIdentity"},
		{"expired credentials", fakeaws.Fault{Service: "sts", Kind: fakeaws.ExpiredToken}, "ExpiredToken"},
		{"IAM denied", fakeaws.Fault{Service: "iam", Operation: "GetAccountAuthorizationDetails", Kind: fakeaws.AccessDenied}, "iam:GetAccountAuthorizationDetails"},
		{"IAM failing", fakeaws.Fault{Service: "iam", Operation: "GetAccountAuthorizationDetails", Kind: fakeaws.ServerError, After: 2}, "page 3"},
		{"IAM malformed", fakeaws.Fault{Service: "iam", Operation: "GetAccountAuthorizationDetails", Kind: fakeaws.Malformed}, "iam:GetAccountAuthorizationDetails"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, opts := startFake(t, fakeaws.Sample(), c.fault)
			a, err := loadWithin(t, context.Background(), 10*time.Second, opts, nil)
			if err == nil || a != nil {
				t.Fatalf("Load = %v, %v; want an error", a, err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not name %q", err, c.want)
			}
		})
	}
}

func TestCancelStopsPromptly(t *testing.T) {
	srv, opts := startFake(t, fakeaws.Sample(), fakeaws.Fault{Service: "s3", Operation: "GetBucketPolicy", Kind: fakeaws.Hang})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // ctrl+c once the load is stuck on a bucket
		for countCalls(srv, "s3", "GetBucketPolicy") == 0 {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	start := time.Now()
	a, err := loadWithin(t, ctx, 5*time.Second, opts, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want one wrapping context.Canceled", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("Load took %v to stop", time.Since(start))
	}
	if a == nil {
		t.Fatal("the IAM graph was read before the cancel: want the partial account")
	}
	if !a.Partial() {
		t.Error("an interrupted account must be marked partial")
	}
	if _, ok := findWarning(a, "s3:GetBucketPolicy"); !ok {
		t.Errorf("no warning names the bucket policies not read: %v", a.Warnings)
	}
}

func TestCancelBeforeIAMIsAnError(t *testing.T) {
	srv, opts := startFake(t, fakeaws.Sample(), fakeaws.Fault{Service: "iam", Operation: "GetAccountAuthorizationDetails", Kind: fakeaws.Hang})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for countCalls(srv, "iam", "GetAccountAuthorizationDetails") == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	a, err := loadWithin(t, ctx, 5*time.Second, opts, nil)
	if a != nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("Load = %v, %v; want no account and context.Canceled", a, err)
	}
}

func TestCredentialsExpiringMidLoadStopIt(t *testing.T) {
	srv, opts := startFake(t, fakeaws.Sample(), fakeaws.Fault{Service: "iam", Operation: "ListAccessKeys", Kind: fakeaws.ExpiredToken})
	a, err := loadWithin(t, context.Background(), 10*time.Second, opts, nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	w, ok := findWarning(a, "live load")
	if !ok || !strings.Contains(w.Message, "credentials stopped working") {
		t.Errorf("want a warning that the load stopped because the credentials expired; got %v", a.Warnings)
	}
	if n := countCalls(srv, "iam", "ListAccessKeys"); n > opts.Concurrency {
		t.Errorf("%d ListAccessKeys calls after the credentials expired, want at most the %d in flight", n, opts.Concurrency)
	}
}

func TestBucketRegionFromLocation(t *testing.T) {
	w := fakeaws.Sample()
	w.ListBucketsWithoutRegion = true
	srv, opts := startFake(t, w)
	a, err := loadWithin(t, context.Background(), 10*time.Second, opts, nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if a.Partial() {
		t.Fatalf("warnings: %v", a.Warnings)
	}
	if n := countCalls(srv, "s3", "GetBucketLocation"); n != 3 {
		t.Errorf("GetBucketLocation called %d times, want once per bucket", n)
	}
	for _, c := range srv.Calls() {
		if c.Operation == "GetBucketPolicy" {
			b, _ := findBucket(w, c.Resource)
			if c.Region != b.Region {
				t.Errorf("%s signed for %s, want the bucket's region %s", c, c.Region, b.Region)
			}
		}
	}
}

func findBucket(w *fakeaws.World, name string) (fakeaws.Bucket, bool) {
	for _, b := range w.Buckets {
		if b.Name == name {
			return b, true
		}
	}
	return fakeaws.Bucket{}, false
}

func TestOrganizationVariants(t *testing.T) {
	t.Run("no organization", func(t *testing.T) {
		w := fakeaws.Sample()
		w.Org = nil
		_, opts := startFake(t, w)
		a, err := Load(context.Background(), opts, nil)
		if err != nil || a.Organization != nil || a.Partial() {
			t.Fatalf("Load = org %+v, warnings %v, err %v; want no organization and no warning", a.Organization, a.Warnings, err)
		}
	})
	t.Run("SCPs not enabled", func(t *testing.T) {
		w := fakeaws.Sample()
		w.Org.SCPEnabled = false
		_, opts := startFake(t, w)
		a, err := Load(context.Background(), opts, nil)
		if err != nil || a.Organization == nil {
			t.Fatalf("Load: %v", err)
		}
		for _, lv := range a.Organization.Levels {
			if len(lv.SCPs) != 1 || lv.SCPs[0].Document == nil || len(lv.RCPs) != 1 {
				t.Errorf("level %s: SCPs %+v, RCPs %+v; want one allow-all stand-in and the RCP", lv.ID, lv.SCPs, lv.RCPs)
			}
		}
	})
	t.Run("no policy types", func(t *testing.T) {
		w := fakeaws.Sample()
		w.Org.SCPEnabled, w.Org.RCPEnabled = false, false
		_, opts := startFake(t, w)
		a, err := Load(context.Background(), opts, nil)
		if err != nil || a.Organization == nil || len(a.Organization.Levels) != 0 {
			t.Fatalf("Load = %+v, %v; want the organization with no levels", a.Organization, err)
		}
	})
}

func TestNetworkFaultsAreRetried(t *testing.T) {
	srv, opts := startFake(t, fakeaws.Sample(),
		fakeaws.Fault{Service: "kms", Operation: "GetKeyPolicy", Kind: fakeaws.Reset, Times: 2},
		fakeaws.Fault{Service: "iam", Operation: "GetAccountAuthorizationDetails", Kind: fakeaws.Reset, Times: 1, After: 3},
		fakeaws.Fault{Service: "sqs", Operation: "ListQueues", Kind: fakeaws.Hang, Times: 1},
	)
	opts.AttemptTimeout = 200 * time.Millisecond
	a, err := loadWithin(t, context.Background(), 10*time.Second, opts, nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	checkReadOnly(t, srv)
	if a.Partial() {
		t.Errorf("resets and one slow answer should be retried away, got warnings: %v", a.Warnings)
	}
	if n := countCalls(srv, "sqs", "ListQueues"); n != 3 {
		t.Errorf("ListQueues sent %d times, want 3 (2 pages, the first once more after its timeout)", n)
	}
}

func TestServiceThatNeverAnswersIsAWarning(t *testing.T) {
	_, opts := startFake(t, fakeaws.Sample(), fakeaws.Fault{Service: "secretsmanager", Kind: fakeaws.Hang})
	opts.AttemptTimeout, opts.MaxAttempts = 50*time.Millisecond, 2
	a, err := loadWithin(t, context.Background(), 5*time.Second, opts, nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if w, ok := findWarning(a, "secretsmanager:ListSecrets"); !ok || w.Missing != "Secrets Manager policies" || !strings.Contains(w.Message, "timed out") {
		t.Errorf("want a warning that the secrets were not read; got %v", a.Warnings)
	}
	if len(a.ResourcePolicies) != 12 {
		t.Errorf("%d resource policies, want the 12 outside Secrets Manager", len(a.ResourcePolicies))
	}
}

func TestUnknownProfileIsAnError(t *testing.T) {
	_, opts := startFake(t, fakeaws.Sample())
	opts.Profile, opts.Credentials = "no-such-profile", nil
	_, err := loadWithin(t, context.Background(), 5*time.Second, opts, nil)
	if err == nil || !strings.Contains(err.Error(), `profile "no-such-profile"`) {
		t.Errorf("error = %v, want one naming the profile", err)
	}
}
