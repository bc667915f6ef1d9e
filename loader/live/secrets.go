package live

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// readSecrets reads the resource policy of every Secrets Manager secret in the region. Only
// the secrets' metadata and policies are asked for, never their values.
func (r *reader) readSecrets(ctx context.Context) {
	r.readPolicies(ctx, policySource{
		stage: "Secrets Manager policies", service: "secretsmanager", what: "secret policy",
		listOp: "secretsmanager:ListSecrets", getOp: "secretsmanager:GetResourcePolicy",
		listPage: func(ctx context.Context, token string) (arns []string, next string, err error) {
			out, err := r.secrets.ListSecrets(ctx, &secretsmanager.ListSecretsInput{NextToken: optional(token), MaxResults: aws.Int32(100)})
			if err != nil {
				return nil, "", err
			}
			for _, s := range out.SecretList {
				arns = append(arns, aws.ToString(s.ARN))
			}
			return arns, aws.ToString(out.NextToken), nil
		},
		get: func(ctx context.Context, arn string) (string, *string, error) {
			out, err := r.secrets.GetResourcePolicy(ctx, &secretsmanager.GetResourcePolicyInput{SecretId: aws.String(arn)})
			if err != nil {
				return arn, nil, err
			}
			return arn, out.ResourcePolicy, nil
		},
		absent: []string{"ResourceNotFoundException"},
	})
}
