// Package live reads an account from AWS itself, through aws-sdk-go-v2 and the default
// configuration chain (profiles, SSO, environment, instance roles), with read-only calls only.
//
// Load asks STS who the caller is, reads the IAM graph with GetAccountAuthorizationDetails,
// then each user's access keys and login profile, the alias, the Lambda functions' execution
// roles, the resource policies of S3 buckets (with Block Public
// Access), KMS keys, SQS queues, SNS topics, Lambda functions and Secrets Manager secrets in
// the configured region, and the SCPs and RCPs that bind the account when the organization
// lets it read them. Calls run concurrently, at most Options.Concurrency in flight, under the
// SDK's standard retryer and its retry quota. What cannot be read becomes a model.Warning naming the operation,
// the resource and what is missing, and the rest still loads.
//
// Every client carries a middleware that refuses, before anything is sent, any operation whose
// name does not start with Get, List or Describe (see readonly.go). Credentials are the SDK's
// business: this package never prints, logs or stores them.
package live

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/model"
)

// Options says which account to read and how.
type Options struct {
	// Profile is the shared config profile (~/.aws/config, ~/.aws/credentials); "" leaves the
	// choice to the default chain (AWS_PROFILE, then "default").
	Profile string
	// Region is where the regional services (KMS, SQS, SNS, Lambda, Secrets Manager) are read;
	// "" takes the profile's or the environment's, and us-east-1 when neither names one.
	Region string

	// Endpoint, when set, is the base URL of every service (an emulator such as LocalStack, or
	// test fakes); S3 is then addressed path-style, as with any custom endpoint the
	// configuration names (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3, a profile's endpoint_url).
	// "" uses the configuration's endpoints, AWS's own by default.
	Endpoint string
	// HTTPClient sends the requests; nil uses the SDK's default client.
	HTTPClient aws.HTTPClient
	// Credentials, when set, replaces the default chain's credentials (tests use static ones).
	Credentials aws.CredentialsProvider

	// Concurrency bounds the API calls in flight at once across all services; 0 means 12.
	Concurrency int
	// MaxAttempts bounds the attempts of one call, the first included; 0 means 8.
	MaxAttempts int
	// MaxBackoff bounds the wait between two attempts; 0 means the SDK's 20 seconds.
	MaxBackoff time.Duration
	// AttemptTimeout bounds one attempt of one call, reading the answer included, so that a
	// service that stops answering costs a retry and not the load; 0 means 2 minutes.
	AttemptTimeout time.Duration
}

const (
	defaultConcurrency = 12
	defaultMaxAttempts = 8
	defaultAttemptTime = 2 * time.Minute
	defaultRegion      = "us-east-1"
)

// Load reads the account that opts' credentials belong to.
//
// It fails only when the essentials cannot be had: the configuration or credentials, the
// caller's identity (STS), or the IAM authorization details. Anything else that cannot be read
// is kept as a warning in the account, which is then partial (model.Account.Partial).
//
// The account is indexed (model.Account.Index). When ctx is cancelled, Load stops promptly and returns the partial account, its warnings
// saying what was not read, together with an error wrapping ctx's error; the account is nil
// only when the cancellation came before the IAM graph was read.
func Load(ctx context.Context, opts Options, progress loader.ProgressFunc) (*model.Account, error) {
	cfg, err := newConfig(ctx, opts)
	if err != nil {
		return nil, err
	}
	return loadAccount(ctx, cfg, opts, progress, nil, "live:"+sourceName(opts.Profile, cfg.Region))
}

// loadAccount reads the account cfg's credentials belong to, as Load does. org, when set, is
// the account's place in an organization already read from its management account
// (LoadOrganization): the account does not read its own then.
func loadAccount(ctx context.Context, cfg aws.Config, opts Options, progress loader.ProgressFunc, org *model.Organization, source string) (*model.Account, error) {
	r := newReader(cfg, opts, progress)

	r.report("caller identity", 0, 1)
	id, err := r.readIdentity(ctx)
	if err != nil {
		return nil, err
	}
	r.report("caller identity", 1, 1)
	r.accountID, r.partition = id.account, id.partition

	// A load whose credentials stop working part-way is stopped rather than left to fail call
	// by call; loadCtx carries that cause.
	loadCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	r.stop = stop

	acct := &model.Account{
		ID:       id.account,
		Source:   source,
		LoadedAt: time.Now().UTC(),
	}

	var (
		wg     sync.WaitGroup
		iamErr error
	)
	run := func(f func(context.Context)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(loadCtx)
		}()
	}
	run(func(ctx context.Context) {
		g, err := r.readAuthorizationDetails(ctx)
		if err != nil {
			iamErr = err
			return
		}
		g.fill(acct)
		r.readUserCredentials(ctx, acct.Users)
	})
	run(func(ctx context.Context) { acct.Alias = r.readAlias(ctx) })
	run(r.readS3)
	run(r.readKMS)
	run(r.readSQS)
	run(r.readSNS)
	run(r.readLambda)
	run(r.readSecrets)
	if org != nil {
		acct.Organization = org
	} else {
		run(func(ctx context.Context) { acct.Organization = r.readOrganization(ctx) })
	}
	wg.Wait()

	if iamErr != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("live: load of account %s interrupted: %w", id.account, context.Cause(ctx))
		}
		return nil, iamErr
	}
	acct.ResourcePolicies = r.resourcePolicies()
	acct.Functions = r.functionList()
	acct.OwnedResources = r.ownedList()
	acct.Warnings = r.warnings()
	acct.Warnings = append(acct.Warnings, loader.FillFromCatalog(acct)...)
	acct.Index() // adds a warning for every reference it cannot resolve
	if ctx.Err() != nil {
		acct.Warnings = append(acct.Warnings, model.Warning{
			Where:   "live load",
			Message: "interrupted before it finished; what was not read is named in the other warnings",
			Missing: "the rest of the account",
			Scope:   model.ScopeAccount,
		})
		return acct, fmt.Errorf("live: load of account %s interrupted (the account is partial): %w", id.account, context.Cause(ctx))
	}
	if cause := context.Cause(loadCtx); cause != nil && !errors.Is(cause, context.Canceled) {
		acct.Warnings = append(acct.Warnings, model.Warning{
			Where:   "live load",
			Message: "stopped early: " + cause.Error(),
			Missing: "the rest of the account",
			Scope:   model.ScopeAccount,
		})
	}
	return acct, nil
}

// sourceName names a live source for model.Account.Source: profile and region.
func sourceName(profile, region string) string {
	if profile == "" {
		profile = "default"
	}
	return profile + "/" + region
}

// reader is the state of one live load, shared by the per-service readers.
type reader struct {
	cfg         aws.Config
	opts        Options
	progress    loader.ProgressFunc
	concurrency int
	stop        context.CancelCauseFunc

	accountID, partition string

	// One client per service for the whole load, each with its own retryer.
	iam       *iam.Client
	s3        *s3.Client
	s3control *s3control.Client
	kms       *kms.Client
	sqs       *sqs.Client
	sns       *sns.Client
	lambda    *lambda.Client
	secrets   *secretsmanager.Client
	org       *organizations.Client

	mu        sync.Mutex
	warns     []model.Warning
	resources []*model.ResourcePolicy
	functions []*model.Function
	owned     []string // ARNs of resources that name no account (buckets)
}

func newReader(cfg aws.Config, opts Options, progress loader.ProgressFunc) *reader {
	n := opts.Concurrency
	if n <= 0 {
		n = defaultConcurrency
	}
	return &reader{
		cfg: cfg, opts: opts, progress: progress, concurrency: n, partition: "aws",
		iam:       iam.NewFromConfig(cfg),
		s3:        s3.NewFromConfig(cfg, s3Addressing(cfg)),
		s3control: s3control.NewFromConfig(cfg, s3controlAddressing),
		kms:       kms.NewFromConfig(cfg),
		sqs:       sqs.NewFromConfig(cfg),
		sns:       sns.NewFromConfig(cfg),
		lambda:    lambda.NewFromConfig(cfg),
		secrets:   secretsmanager.NewFromConfig(cfg),
		org:       organizations.NewFromConfig(cfg),
	}
}

// report sends a progress report for one stage.
func (r *reader) report(stage string, done, total int) {
	if r.progress == nil {
		return
	}
	r.mu.Lock()
	n := len(r.warns)
	r.mu.Unlock()
	r.progress(loader.Progress{Stage: stage, Done: done, Total: total, Warnings: n})
}

// addResource keeps one resource's policy.
func (r *reader) addResource(rp *model.ResourcePolicy) {
	r.mu.Lock()
	r.resources = append(r.resources, rp)
	r.mu.Unlock()
}

// ownedList returns the ARNs of the account's resources whose ARN names no account, sorted.
func (r *reader) ownedList() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]string(nil), r.owned...)
	sort.Strings(out)
	return out
}

// resourcePolicies returns the resource policies read, by ARN.
func (r *reader) resourcePolicies() []*model.ResourcePolicy {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]*model.ResourcePolicy(nil), r.resources...)
	sort.Slice(out, func(i, j int) bool { return out[i].ResourceARN < out[j].ResourceARN })
	return out
}

// warnings returns the warnings so far, ordered by where they arose.
func (r *reader) warnings() []model.Warning {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]model.Warning(nil), r.warns...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Where < out[j].Where })
	return out
}
