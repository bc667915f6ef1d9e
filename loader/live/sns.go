package live

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// readSNS reads the access policy of every SNS topic in the region.
func (r *reader) readSNS(ctx context.Context) {
	r.readPolicies(ctx, policySource{
		stage: "SNS topic policies", service: "sns", what: "topic policy",
		listOp: "sns:ListTopics", getOp: "sns:GetTopicAttributes",
		listPage: func(ctx context.Context, token string) (arns []string, next string, err error) {
			out, err := r.sns.ListTopics(ctx, &sns.ListTopicsInput{NextToken: optional(token)})
			if err != nil {
				return nil, "", err
			}
			for _, t := range out.Topics {
				arns = append(arns, aws.ToString(t.TopicArn))
			}
			return arns, aws.ToString(out.NextToken), nil
		},
		get: func(ctx context.Context, arn string) (string, *string, error) {
			out, err := r.sns.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
			if err != nil {
				return arn, nil, err
			}
			if doc, ok := out.Attributes["Policy"]; ok && doc != "" {
				return arn, &doc, nil
			}
			return arn, nil, nil
		},
		absent: []string{"NotFound", "NotFoundException"},
	})
}
