package live

import (
	"context"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// readSQS reads the policy of every SQS queue in the region.
func (r *reader) readSQS(ctx context.Context) {
	r.readPolicies(ctx, policySource{
		stage: "SQS queue policies", service: "sqs", what: "queue policy",
		listOp: "sqs:ListQueues", getOp: "sqs:GetQueueAttributes",
		listPage: func(ctx context.Context, token string) ([]string, string, error) {
			// ListQueues pages only when MaxResults is given.
			out, err := r.sqs.ListQueues(ctx, &sqs.ListQueuesInput{NextToken: optional(token), MaxResults: aws.Int32(1000)})
			if err != nil {
				return nil, "", err
			}
			return out.QueueUrls, aws.ToString(out.NextToken), nil
		},
		get: func(ctx context.Context, queueURL string) (string, *string, error) {
			arn := r.queueARN(queueURL)
			out, err := r.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
				QueueUrl:       aws.String(queueURL),
				AttributeNames: []types.QueueAttributeName{types.QueueAttributeNamePolicy, types.QueueAttributeNameQueueArn},
			})
			if err != nil {
				return arn, nil, err
			}
			if a := out.Attributes[string(types.QueueAttributeNameQueueArn)]; a != "" {
				arn = a
			}
			if doc, ok := out.Attributes[string(types.QueueAttributeNamePolicy)]; ok && doc != "" {
				return arn, &doc, nil
			}
			return arn, nil, nil
		},
		absent: []string{"QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"},
	})
}

// queueARN derives a queue's ARN from its URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME),
// for warnings about a queue whose attributes could not be read.
func (r *reader) queueARN(queueURL string) string {
	u, err := url.Parse(queueURL)
	if err != nil {
		return queueURL
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) != 2 {
		return queueURL
	}
	return "arn:" + r.partition + ":sqs:" + r.cfg.Region + ":" + parts[0] + ":" + parts[1]
}
