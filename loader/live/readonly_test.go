package live

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/iamscope/iamscope/loader/live/internal/fakeaws"
)

func TestIsReadOnly(t *testing.T) {
	for op, want := range map[string]bool{
		"GetAccountAuthorizationDetails": true, "ListBuckets": true, "DescribeOrganization": true,
		"GetCallerIdentity": true, "Get": true,
		"CreateUser": false, "PutBucketPolicy": false, "DeleteQueue": false, "AttachRolePolicy": false,
		"Getaway": false, "Listen": false, "Describer": false, "": false, "UpdateAssumeRolePolicy": false,
	} {
		if got := IsReadOnly(op); got != want {
			t.Errorf("IsReadOnly(%q) = %v, want %v", op, got, want)
		}
	}
}

// TestWritesAreRefusedBeforeSending calls write operations through clients built the way Load
// builds them, and checks that each is refused and that nothing reaches the fake.
func TestWritesAreRefusedBeforeSending(t *testing.T) {
	srv, opts := startFake(t, fakeaws.Sample())
	ctx := context.Background()
	cfg, err := newConfig(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	r := newReader(cfg, opts, nil)
	writes := map[string]func() error{
		"iam:CreateUser": func() error {
			_, err := r.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mallory")})
			return err
		},
		"iam:AttachRolePolicy": func() error {
			_, err := r.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("web"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
			return err
		},
		"s3:PutBucketPolicy": func() error {
			_, err := r.s3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("logs"), Policy: aws.String("{}")})
			return err
		},
		"s3:DeleteBucket": func() error {
			_, err := r.s3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("logs")})
			return err
		},
		"kms:ScheduleKeyDeletion": func() error {
			_, err := r.kms.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String("k")})
			return err
		},
		"sqs:DeleteQueue": func() error {
			_, err := r.sqs.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(srv.URL + "/1/jobs")})
			return err
		},
		"sns:SetTopicAttributes": func() error {
			_, err := r.sns.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: aws.String("arn:aws:sns:eu-west-1:1:a"), AttributeName: aws.String("Policy")})
			return err
		},
		"lambda:AddPermission": func() error {
			_, err := r.lambda.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("f"), Action: aws.String("lambda:*"), Principal: aws.String("*"), StatementId: aws.String("x")})
			return err
		},
		"secretsmanager:PutResourcePolicy": func() error {
			_, err := r.secrets.PutResourcePolicy(ctx, &secretsmanager.PutResourcePolicyInput{SecretId: aws.String("s"), ResourcePolicy: aws.String("{}")})
			return err
		},
		"organizations:DetachPolicy": func() error {
			_, err := r.org.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String("p-1"), TargetId: aws.String("r-1")})
			return err
		},
	}
	for name, call := range writes {
		if err := call(); !errors.Is(err, ErrNotReadOnly) {
			t.Errorf("%s: error = %v, want ErrNotReadOnly", name, err)
		}
	}
	if calls := srv.Calls(); len(calls) != 0 {
		t.Errorf("refused operations reached the service: %v", calls)
	}
	// The same clients still read.
	if _, err := r.iam.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{}); err != nil {
		t.Errorf("ListAccountAliases: %v", err)
	}
}
