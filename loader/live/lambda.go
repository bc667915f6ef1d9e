package live

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/iamscope/iamscope/model"
)

// readLambda reads every Lambda function in the region with its execution role, and its
// resource-based policy (of the unqualified function; versions and aliases may have their own,
// which are not read).
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
				r.addFunction(&model.Function{ARN: aws.ToString(f.FunctionArn), Name: aws.ToString(f.FunctionName), Role: aws.ToString(f.Role)})
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

// addFunction keeps one Lambda function.
func (r *reader) addFunction(f *model.Function) {
	r.mu.Lock()
	r.functions = append(r.functions, f)
	r.mu.Unlock()
}

// functionList returns the Lambda functions read, by ARN.
func (r *reader) functionList() []*model.Function {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.functions)
	slices.SortFunc(out, func(a, b *model.Function) int { return strings.Compare(a.ARN, b.ARN) })
	return out
}
