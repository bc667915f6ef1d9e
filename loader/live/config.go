package live

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
)

// newConfig builds the SDK configuration of one load: the default chain (shared config and
// credentials files, SSO, environment, instance roles) for opts.Profile and opts.Region, the
// standard retryer, and on every client the read-only guard and the in-flight limit.
//
// The guard and the limit are added after the chain is resolved, so that the credential
// providers' own calls (sts:AssumeRole for a profile with role_arn, SSO token refresh) are not
// subject to them: they fetch credentials and change nothing in the account.
func newConfig(ctx context.Context, opts Options) (aws.Config, error) {
	var loadOpts []func(*config.LoadOptions) error
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
	cfg.Retryer = newRetryer(opts)

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
	return cfg, nil
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
