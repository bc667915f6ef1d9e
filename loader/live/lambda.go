package live

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// readLambda reads the resource-based policy of every Lambda function in the region (of the
// unqualified function; versions and aliases may have their own, which are not read).
func (r *reader) readLambda(ctx context.Context) {
	r.readPolicies(ctx, policySource{
		stage: "Lambda function policies", service: "lambda", what: "function policy",
		listOp: "lambda:ListFunctions", getOp: "lambda:GetPolicy",
		listPage: func(ctx context.Context, token string) (arns []string, next string, err error) {
			out, err := r.lambda.ListFunctions(ctx, &lambda.ListFunctionsInput{Marker: optional(token), MaxItems: aws.Int32(50)})
			if err != nil {
				return nil, "", err
			}
			for _, f := range out.Functions {
				arns = append(arns, aws.ToString(f.FunctionArn))
			}
			return arns, aws.ToString(out.NextMarker), nil
		},
		get: func(ctx context.Context, arn string) (string, *string, error) {
			out, err := r.lambda.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(arn)})
			if err != nil {
				return arn, nil, err
			}
			return arn, out.Policy, nil
		},
		absent: []string{"ResourceNotFoundException"}, // a function without a policy
	})
}
