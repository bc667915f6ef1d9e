package live

import (
	"context"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/iamscope/iamscope/model"
)

const stageS3 = "S3 bucket policies"

// bucket is one S3 bucket and the region it lives in.
type bucket struct {
	name, region string
}

// readS3 reads every bucket's policy and, for those with one, the Block Public Access settings
// in force (the bucket's and the account's together). Each bucket is asked in its own region.
func (r *reader) readS3(ctx context.Context) {
	account, accountKnown := r.readAccountPublicAccessBlock(ctx)

	var buckets []bucket
	r.report(stageS3, 0, 0)
	err := paginate(ctx, "s3:ListBuckets", func(ctx context.Context, token string) (string, error) {
		out, err := r.s3.ListBuckets(ctx, &s3.ListBucketsInput{ContinuationToken: optional(token), MaxBuckets: aws.Int32(1000)})
		if err != nil {
			return "", err
		}
		for _, b := range out.Buckets {
			buckets = append(buckets, bucket{name: aws.ToString(b.Name), region: aws.ToString(b.BucketRegion)})
		}
		return aws.ToString(out.ContinuationToken), nil
	})
	if err != nil {
		r.warn("s3:ListBuckets", "", ofResource("S3 bucket policies", "arn:"+r.partition+":s3:::*"), err)
		return
	}
	// Every bucket listed is the account's, with or without a policy: ListBuckets lists the
	// buckets the caller's account owns.
	r.mu.Lock()
	for _, b := range buckets {
		r.owned = append(r.owned, "arn:"+r.partition+":s3:::"+b.name)
	}
	r.mu.Unlock()

	var done atomic.Int64
	r.report(stageS3, 0, len(buckets))
	started := forEach(ctx, r.concurrency, buckets, func(ctx context.Context, b bucket) {
		defer func() { r.report(stageS3, int(done.Add(1)), len(buckets)) }()
		r.readBucket(ctx, b, account, accountKnown)
	})
	r.warnUnstarted(ctx, stageS3, started, len(buckets), ofResource("S3 bucket policies", "arn:"+r.partition+":s3:::*"))
}

// readBucket reads one bucket's policy and Block Public Access settings.
func (r *reader) readBucket(ctx context.Context, b bucket, account *model.BlockPublicAccess, accountKnown bool) {
	arn := "arn:" + r.partition + ":s3:::" + b.name
	if b.region == "" { // ListBuckets did not say: ask the bucket
		out, err := r.s3.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(b.name)})
		if err != nil {
			r.warn("s3:GetBucketLocation", arn, ofResource("bucket policy of "+arn, arn), err)
			return
		}
		b.region = bucketRegion(out.LocationConstraint)
	}
	inRegion := func(o *s3.Options) { o.Region = b.region }

	out, err := r.s3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(b.name)}, inRegion)
	if hasCode(err, "NoSuchBucketPolicy", "NoSuchBucket") {
		return // no policy (or the bucket went away since it was listed)
	}
	if err != nil {
		r.warn("s3:GetBucketPolicy", arn, ofResource("bucket policy of "+arn, arn), err)
		return
	}
	doc := r.parse(out.Policy, "s3:GetBucketPolicy "+arn, ofResource("bucket policy of "+arn, arn))
	if doc == nil {
		return
	}
	rp := &model.ResourcePolicy{ResourceARN: arn, Service: "s3", Document: doc}

	pab, err := r.s3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(b.name)}, inRegion)
	switch {
	case hasCode(err, "NoSuchPublicAccessBlockConfiguration"):
		if accountKnown {
			rp.BlockPublicAccess = merged(account, nil)
		}
	case err != nil:
		r.warn("s3:GetPublicAccessBlock", arn, noDecision("Block Public Access settings of "+arn), err)
	case accountKnown:
		rp.BlockPublicAccess = merged(account, bucketBPA(pab.PublicAccessBlockConfiguration))
	}
	r.addResource(rp)
}

// readAccountPublicAccessBlock reads the account's Block Public Access settings, which apply
// to every bucket on top of its own. known is false when they could not be read.
func (r *reader) readAccountPublicAccessBlock(ctx context.Context) (settings *model.BlockPublicAccess, known bool) {
	out, err := r.s3control.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(r.accountID)})
	if hasCode(err, "NoSuchPublicAccessBlockConfiguration") {
		return nil, true
	}
	if err != nil {
		r.warn("s3control:GetPublicAccessBlock", r.accountID, noDecision("account-level S3 Block Public Access settings"), err)
		return nil, false
	}
	return controlBPA(out.PublicAccessBlockConfiguration), true
}

// bucketRegion maps GetBucketLocation's answer to a region: none means us-east-1, and "EU" is
// the old name of eu-west-1.
func bucketRegion(c types.BucketLocationConstraint) string {
	switch c {
	case "":
		return "us-east-1"
	case "EU":
		return "eu-west-1"
	}
	return string(c)
}

func bucketBPA(c *types.PublicAccessBlockConfiguration) *model.BlockPublicAccess {
	if c == nil {
		return nil
	}
	return blockPublicAccess(c.BlockPublicAcls, c.IgnorePublicAcls, c.BlockPublicPolicy, c.RestrictPublicBuckets)
}

func controlBPA(c *s3ctltypes.PublicAccessBlockConfiguration) *model.BlockPublicAccess {
	if c == nil {
		return nil
	}
	return blockPublicAccess(c.BlockPublicAcls, c.IgnorePublicAcls, c.BlockPublicPolicy, c.RestrictPublicBuckets)
}

// blockPublicAccess builds the settings from S3's or S3 Control's; an absent setting is off.
func blockPublicAccess(acls, ignoreACLs, policy, restrict *bool) *model.BlockPublicAccess {
	return &model.BlockPublicAccess{
		BlockPublicACLs: aws.ToBool(acls), IgnorePublicACLs: aws.ToBool(ignoreACLs),
		BlockPublicPolicy: aws.ToBool(policy), RestrictPublicBuckets: aws.ToBool(restrict),
	}
}

// merged returns the settings in force when both the account's and the bucket's apply: each
// setting is on when either turns it on. nil stands for "none configured".
func merged(account, bucket *model.BlockPublicAccess) *model.BlockPublicAccess {
	var m model.BlockPublicAccess
	for _, s := range []*model.BlockPublicAccess{account, bucket} {
		if s == nil {
			continue
		}
		m.BlockPublicACLs = m.BlockPublicACLs || s.BlockPublicACLs
		m.IgnorePublicACLs = m.IgnorePublicACLs || s.IgnorePublicACLs
		m.BlockPublicPolicy = m.BlockPublicPolicy || s.BlockPublicPolicy
		m.RestrictPublicBuckets = m.RestrictPublicBuckets || s.RestrictPublicBuckets
	}
	return &m
}
