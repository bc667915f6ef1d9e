package live

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// readKMS reads the key policy of every KMS key in the region.
func (r *reader) readKMS(ctx context.Context) {
	r.readPolicies(ctx, policySource{
		stage: "KMS key policies", service: "kms", what: "key policy",
		listOp: "kms:ListKeys", getOp: "kms:GetKeyPolicy",
		listPage: func(ctx context.Context, token string) (keys []string, next string, err error) {
			out, err := r.kms.ListKeys(ctx, &kms.ListKeysInput{Marker: optional(token), Limit: aws.Int32(1000)})
			if err != nil {
				return nil, "", err
			}
			for _, k := range out.Keys {
				keys = append(keys, aws.ToString(k.KeyArn))
			}
			// A page that says more follow without a marker must not pass for the last one.
			next, err = truncatedMarker(out.Truncated, out.NextMarker, "NextMarker")
			return keys, next, err
		},
		get: func(ctx context.Context, arn string) (string, *string, error) {
			out, err := r.kms.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(arn), PolicyName: aws.String("default")})
			if err != nil {
				return arn, nil, err
			}
			return arn, out.Policy, nil
		},
		absent: []string{"NotFoundException"},
	})
}
