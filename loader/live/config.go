package live

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// newConfig builds the SDK configuration of one load: the default chain (shared config and
// credentials files, SSO, environment, instance roles) for opts.Profile and opts.Region, the
// standard retryer, and on every client the read-only guard and the in-flight limit.
//
// The guard and the limit are added after the chain is resolved, so that the credential
// providers' own calls (sts:AssumeRole for a profile with role_arn, SSO token refresh) are not
// subject to them: they fetch credentials and change nothing in the account.
func newConfig(ctx context.Context, opts Options) (aws.Config, error) {
	cfg, err := baseConfig(ctx, opts)
	if err != nil {
		return aws.Config{}, err
	}
	return guarded(cfg, opts), nil
}

// baseConfig resolves the configuration of opts without the guards: region, endpoint,
// credentials, the standard retryer.
func baseConfig(ctx context.Context, opts Options) (aws.Config, error) {
	// A profile that assumes a role (role_arn with source_profile) gets its credentials from
	// sts:AssumeRole. The SDK builds that STS client before it resolves the configured
	// endpoint (AWS_ENDPOINT_URL, endpoint_url), so it would ask AWS's public STS endpoint
	// even when an emulator is configured: stsEndpoint sends it where the configuration says.
	endpoint := &stsEndpoint{}
	loadOpts := []func(*config.LoadOptions) error{
		config.WithAssumeRoleCredentialOptions(func(o *stscreds.AssumeRoleOptions) {
			o.Client = &stsEndpointClient{next: o.Client, endpoint: endpoint}
		}),
	}
	if opts.Profile != "" {
		loadOpts = append(loadOpts, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.Region != "" {
		loadOpts = append(loadOpts, config.WithRegion(opts.Region))
	}
	if opts.HTTPClient != nil {
		loadOpts = append(loadOpts, config.WithHTTPClient(opts.HTTPClient))
	}
	if opts.Credentials != nil {
		loadOpts = append(loadOpts, config.WithCredentialsProvider(opts.Credentials))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		var missing config.SharedConfigProfileNotExistError
		if errors.As(err, &missing) {
			return aws.Config{}, fmt.Errorf("live: no profile %q in the AWS configuration files (~/.aws/config and ~/.aws/credentials, or AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE); "+
				"name one that `aws configure list-profiles` lists, or create it with `aws configure --profile %s`", opts.Profile, opts.Profile)
		}
		if opts.Profile != "" {
			return aws.Config{}, fmt.Errorf("live: loading AWS configuration for profile %q: %w", opts.Profile, err)
		}
		return aws.Config{}, fmt.Errorf("live: loading AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = defaultRegion
	}
	if opts.Endpoint != "" {
		cfg.BaseEndpoint = aws.String(opts.Endpoint)
	}
	endpoint.set(cfg.BaseEndpoint)
	cfg.Retryer = newRetryer(opts)
	return cfg, nil
}

// guarded returns cfg with the read-only guard, a limit of opts.Concurrency calls in flight
// (its own, for one account) and the time limit of each attempt on every client.
func guarded(cfg aws.Config, opts Options) aws.Config {
	concurrency := opts.Concurrency
	if concurrency <= 0 {
		concurrency = defaultConcurrency
	}
	limit := newLimiter(concurrency)
	attemptTimeout := opts.AttemptTimeout
	if attemptTimeout <= 0 {
		attemptTimeout = defaultAttemptTime
	}
	cfg.APIOptions = append(cfg.APIOptions[:len(cfg.APIOptions):len(cfg.APIOptions)],
		refuseWrites, limit.addTo, timeoutEachAttempt(attemptTimeout))
	return cfg
}

// stsEndpoint is the configured base endpoint, known once the configuration is resolved.
type stsEndpoint struct {
	mu  sync.Mutex
	url *string
}

func (e *stsEndpoint) set(url *string) {
	e.mu.Lock()
	e.url = url
	e.mu.Unlock()
}

func (e *stsEndpoint) get() *string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.url
}

// stsEndpointClient sends a profile's sts:AssumeRole to the configured base endpoint, unless
// the STS client already has one of its own (AWS_ENDPOINT_URL_STS, a services section).
type stsEndpointClient struct {
	next     stscreds.AssumeRoleAPIClient
	endpoint *stsEndpoint
}

func (c *stsEndpointClient) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	if url := c.endpoint.get(); url != nil {
		optFns = append(optFns, func(o *sts.Options) {
			if o.BaseEndpoint == nil {
				o.BaseEndpoint = url
			}
		})
	}
	return c.next.AssumeRole(ctx, in, optFns...)
}

// newRetryer returns the constructor of each client's retryer: the SDK's standard retryer,
// with exponential backoff and jitter (throttling errors back off from a second), and its
// retry quota, a token bucket that each retry draws from and each success refills, so that a
// service that keeps failing gets no retry storm: once the bucket is empty, calls fail at
// once and become warnings. Each client gets its own retryer, so that throttling of one
// service does not starve the others. (The SDK's adaptive mode, which also delays first
// attempts after throttling, is experimental and idles for seconds after a short burst; the
// in-flight limit already keeps the load's rate modest.)
func newRetryer(opts Options) func() aws.Retryer {
	attempts := opts.MaxAttempts
	if attempts <= 0 {
		attempts = defaultMaxAttempts
	}
	backoff := opts.MaxBackoff
	if backoff <= 0 {
		backoff = retry.DefaultMaxBackoff
	}
	return func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = attempts
			o.MaxBackoff = backoff
		})
	}
}
