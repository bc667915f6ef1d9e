package synth

import (
	"fmt"
	"strings"
)

// This file writes identity policy documents: statements over realistic services, actions and
// resource ARNs, with wildcards, conditions, NotAction, NotResource and deny statements in
// about the proportions real accounts show.

// service is one AWS service the generator writes statements for.
type service struct {
	prefix  string
	actions []string
	// resource returns an ARN of the service's resources in the account.
	resource func(d *docs) string
}

// docs generates documents for one account.
type docs struct {
	g       *rng
	account string
}

func (d *docs) region() string { return d.g.pick(regions) }

func (d *docs) thing() string { return d.g.pick(teams) + "-" + d.g.pick(purposes) }

var services = []service{
	{"s3", []string{"GetObject", "PutObject", "DeleteObject", "ListBucket", "GetBucketLocation", "GetObjectVersion",
		"PutObjectAcl", "GetBucketPolicy", "ListBucketVersions", "AbortMultipartUpload", "GetObjectTagging", "PutObjectTagging"},
		func(d *docs) string {
			bucket := "arn:aws:s3:::acme-" + d.thing() + "-" + d.g.pick(envs)
			switch d.g.between(0, 2) {
			case 0:
				return bucket
			case 1:
				return bucket + "/*"
			}
			return bucket + "/" + d.g.pick(purposes) + "/*"
		}},
	{"dynamodb", []string{"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem",
		"BatchWriteItem", "DescribeTable", "ConditionCheckItem", "DescribeStream", "GetRecords"},
		func(d *docs) string {
			t := fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s", d.region(), d.account, d.thing())
			if d.g.chance(0.3) {
				t += "/index/*"
			}
			return t
		}},
	{"lambda", []string{"InvokeFunction", "GetFunction", "ListFunctions", "UpdateFunctionCode",
		"UpdateFunctionConfiguration", "CreateFunction", "DeleteFunction", "PublishVersion", "GetFunctionConfiguration"},
		func(d *docs) string {
			return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s-*", d.region(), d.account, d.thing())
		}},
	{"sqs", []string{"SendMessage", "ReceiveMessage", "DeleteMessage", "GetQueueAttributes", "GetQueueUrl",
		"ChangeMessageVisibility", "PurgeQueue"},
		func(d *docs) string {
			return fmt.Sprintf("arn:aws:sqs:%s:%s:%s-%s", d.region(), d.account, d.thing(), d.g.pick(envs))
		}},
	{"sns", []string{"Publish", "Subscribe", "GetTopicAttributes", "ListSubscriptionsByTopic", "CreateTopic"},
		func(d *docs) string {
			return fmt.Sprintf("arn:aws:sns:%s:%s:%s-events", d.region(), d.account, d.thing())
		}},
	{"kms", []string{"Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "DescribeKey",
		"ReEncryptFrom", "ReEncryptTo", "CreateGrant"},
		func(d *docs) string {
			return fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", d.region(), d.account, d.g.uuid())
		}},
	{"logs", []string{"CreateLogGroup", "CreateLogStream", "PutLogEvents", "DescribeLogGroups", "DescribeLogStreams",
		"GetLogEvents", "FilterLogEvents", "StartQuery", "GetQueryResults"},
		func(d *docs) string {
			return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:/aws/lambda/%s-*", d.region(), d.account, d.thing())
		}},
	{"secretsmanager", []string{"GetSecretValue", "DescribeSecret", "PutSecretValue", "UpdateSecret", "RotateSecret"},
		func(d *docs) string {
			return fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s/%s-*", d.region(), d.account, d.g.pick(teams), d.g.pick(purposes))
		}},
	{"ssm", []string{"GetParameter", "GetParameters", "GetParametersByPath", "PutParameter", "StartSession",
		"SendCommand", "DescribeInstanceInformation"},
		func(d *docs) string {
			return fmt.Sprintf("arn:aws:ssm:%s:%s:parameter/%s/%s/*", d.region(), d.account, d.g.pick(teams), d.g.pick(envs))
		}},
	{"ec2", []string{"DescribeInstances", "StartInstances", "StopInstances", "RebootInstances", "RunInstances",
		"TerminateInstances", "CreateTags", "DescribeSecurityGroups", "AuthorizeSecurityGroupIngress",
		"DescribeVpcs", "DescribeSubnets", "CreateSnapshot", "DescribeImages"},
		func(d *docs) string {
			if d.g.chance(0.5) {
				return "*"
			}
			return fmt.Sprintf("arn:aws:ec2:%s:%s:instance/*", d.region(), d.account)
		}},
	{"ecr", []string{"GetAuthorizationToken", "BatchCheckLayerAvailability", "GetDownloadUrlForLayer", "BatchGetImage",
		"PutImage", "InitiateLayerUpload", "UploadLayerPart", "CompleteLayerUpload", "DescribeRepositories"},
		func(d *docs) string {
			return fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", d.region(), d.account, d.thing())
		}},
	{"ecs", []string{"UpdateService", "DescribeServices", "RegisterTaskDefinition", "DescribeTaskDefinition", "RunTask",
		"StopTask", "ListTasks", "DescribeTasks"},
		func(d *docs) string {
			return fmt.Sprintf("arn:aws:ecs:%s:%s:service/%s/%s", d.region(), d.account, d.g.pick(teams), d.thing())
		}},
	{"iam", []string{"PassRole", "GetRole", "ListRoles", "GetPolicy", "GetPolicyVersion", "ListAttachedRolePolicies",
		"CreateServiceLinkedRole", "TagRole"},
		func(d *docs) string {
			return fmt.Sprintf("arn:aws:iam::%s:role/%s-*", d.account, d.g.pick(teams))
		}},
	{"sts", []string{"AssumeRole", "TagSession", "GetCallerIdentity"},
		func(d *docs) string {
			return fmt.Sprintf("arn:aws:iam::%s:role/%s-%s", d.account, d.thing(), d.g.pick(envs))
		}},
	{"states", []string{"StartExecution", "DescribeExecution", "StopExecution", "ListExecutions", "SendTaskSuccess"},
		func(d *docs) string {
			return fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", d.region(), d.account, d.thing())
		}},
	{"kinesis", []string{"PutRecord", "PutRecords", "GetRecords", "GetShardIterator", "DescribeStream", "ListShards"},
		func(d *docs) string {
			return fmt.Sprintf("arn:aws:kinesis:%s:%s:stream/%s", d.region(), d.account, d.thing())
		}},
	{"rds", []string{"DescribeDBInstances", "CreateDBSnapshot", "RebootDBInstance", "ModifyDBInstance", "DescribeDBClusters"},
		func(d *docs) string {
			return fmt.Sprintf("arn:aws:rds:%s:%s:db:%s-%s", d.region(), d.account, d.thing(), d.g.pick(envs))
		}},
	{"glue", []string{"GetDatabase", "GetTable", "GetTables", "GetPartitions", "StartJobRun", "GetJobRun", "BatchCreatePartition"},
		func(d *docs) string { return "*" }},
	{"athena", []string{"StartQueryExecution", "GetQueryExecution", "GetQueryResults", "StopQueryExecution", "GetWorkGroup"},
		func(d *docs) string {
			return fmt.Sprintf("arn:aws:athena:%s:%s:workgroup/%s", d.region(), d.account, d.g.pick(teams))
		}},
	{"cloudwatch", []string{"PutMetricData", "GetMetricData", "GetMetricStatistics", "ListMetrics", "PutMetricAlarm", "DescribeAlarms"},
		func(d *docs) string { return "*" }},
	{"cloudformation", []string{"CreateStack", "UpdateStack", "DeleteStack", "DescribeStacks", "CreateChangeSet", "ExecuteChangeSet"},
		func(d *docs) string {
			return fmt.Sprintf("arn:aws:cloudformation:%s:%s:stack/%s-*/*", d.region(), d.account, d.g.pick(teams))
		}},
	{"events", []string{"PutEvents", "PutRule", "PutTargets", "DescribeRule"},
		func(d *docs) string {
			return fmt.Sprintf("arn:aws:events:%s:%s:event-bus/%s", d.region(), d.account, d.g.pick(teams))
		}},
}

// globalServices are the services a region-confining deny leaves alone, as in AWS's example
// SCP (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html).
var globalServices = []string{"iam:*", "organizations:*", "route53:*", "cloudfront:*", "sts:*", "support:*",
	"budgets:*", "ce:*", "health:*", "trustedadvisor:*", "waf:*", "globalaccelerator:*"}

// one returns a single value as a string and several as a list, as policies are written.
func one(vals []string) any {
	if len(vals) == 1 {
		return vals[0]
	}
	return vals
}

// condition adds one condition entry to a statement.
func addCondition(s *statement, op, key string, vals ...string) {
	if s.Condition == nil {
		s.Condition = map[string]map[string]any{}
	}
	if s.Condition[op] == nil {
		s.Condition[op] = map[string]any{}
	}
	s.Condition[op][key] = one(vals)
}

// randomCondition adds one of the conditions real policies use.
func (d *docs) randomCondition(s *statement) {
	switch d.g.between(0, 11) {
	case 0:
		addCondition(s, "StringEquals", "aws:RequestedRegion", d.g.pickN(regions, d.g.between(1, 3))...)
	case 1:
		addCondition(s, "Bool", "aws:MultiFactorAuthPresent", "true")
	case 2:
		addCondition(s, "IpAddress", "aws:SourceIp", "10.0.0.0/8", fmt.Sprintf("203.0.113.%d/32", d.g.between(1, 254)))
	case 3:
		addCondition(s, "StringLike", "s3:prefix", "home/${aws:username}/*", "shared/"+d.g.pick(teams)+"/*")
	case 4:
		addCondition(s, "StringEquals", "aws:ResourceTag/team", "${aws:PrincipalTag/team}")
	case 5:
		addCondition(s, "DateLessThan", "aws:CurrentTime", fmt.Sprintf("20%d-12-31T23:59:59Z", d.g.between(25, 28)))
	case 6:
		addCondition(s, "ArnLike", "aws:SourceArn", fmt.Sprintf("arn:aws:sns:%s:%s:%s-*", d.region(), d.account, d.g.pick(teams)))
	case 7:
		addCondition(s, "StringEquals", "kms:ViaService", "s3."+d.region()+".amazonaws.com")
	case 8:
		addCondition(s, "ForAnyValue:StringEquals", "aws:TagKeys", "team", "env", "cost-center")
	case 9:
		addCondition(s, "StringEqualsIfExists", "aws:RequestTag/env", d.g.pickN(envs, 2)...)
	case 10:
		addCondition(s, "Null", "aws:RequestTag/team", "false")
	default:
		addCondition(s, "NumericLessThan", "aws:MultiFactorAuthAge", "3600")
	}
}

// allowStatement writes an Allow statement over one service.
func (d *docs) allowStatement(sid bool) statement {
	svc := services[d.g.r.IntN(len(services))]
	var actions []string
	switch {
	case d.g.chance(0.06):
		actions = []string{svc.prefix + ":*"}
	case d.g.chance(0.12):
		// A verb wildcard, such as s3:Get*, taken from one of the service's actions.
		a := d.g.pick(svc.actions)
		verb := a
		for i := 1; i < len(a); i++ {
			if a[i] >= 'A' && a[i] <= 'Z' {
				verb = a[:i]
				break
			}
		}
		actions = []string{svc.prefix + ":" + verb + "*"}
	default:
		for _, a := range d.g.pickN(svc.actions, d.actions(len(svc.actions))) {
			actions = append(actions, svc.prefix+":"+a)
		}
	}
	s := statement{Effect: "Allow", Action: one(actions)}
	if d.g.chance(0.12) {
		s.Resource = "*"
	} else {
		var res []string
		for range d.resources() {
			res = append(res, svc.resource(d))
		}
		s.Resource = one(res)
	}
	if sid {
		s.Sid = sidFor(svc.prefix, actions[0], d.g.between(1, 99))
	}
	if d.g.chance(0.2) {
		d.randomCondition(&s)
		if d.g.chance(0.2) {
			d.randomCondition(&s)
		}
	}
	return s
}

// sidFor makes a statement id such as "DynamodbGetItem12".
func sidFor(prefix, action string, n int) string {
	_, verb, _ := strings.Cut(action, ":")
	verb = strings.TrimSuffix(verb, "*")
	if verb == "" {
		verb = "All"
	}
	return strings.ToUpper(prefix[:1]) + prefix[1:] + verb + fmt.Sprint(n)
}

// denyStatement writes one of the deny statements real policies hold.
func (d *docs) denyStatement() statement {
	switch d.g.between(0, 4) {
	case 0:
		s := statement{Sid: "DenyInsecureTransport", Effect: "Deny", Action: "s3:*", Resource: "*"}
		addCondition(&s, "Bool", "aws:SecureTransport", "false")
		return s
	case 1:
		s := statement{Sid: "DenyOutsideRegions", Effect: "Deny", NotAction: globalServices, Resource: "*"}
		addCondition(&s, "StringNotEquals", "aws:RequestedRegion", d.g.pickN(regions, 2)...)
		return s
	case 2:
		return statement{Sid: "DenyDestructive", Effect: "Deny",
			Action: []string{"s3:DeleteBucket", "dynamodb:DeleteTable", "rds:DeleteDBInstance", "kms:ScheduleKeyDeletion"}, Resource: "*"}
	case 3:
		s := statement{Sid: "DenyIAMWithoutMFA", Effect: "Deny", Action: "iam:*", Resource: "*"}
		addCondition(&s, "BoolIfExists", "aws:MultiFactorAuthPresent", "false")
		return s
	}
	return statement{Sid: "DenyOtherTeamsSecrets", Effect: "Deny", Action: "secretsmanager:GetSecretValue",
		NotResource: fmt.Sprintf("arn:aws:secretsmanager:*:%s:secret:%s/*", d.account, d.g.pick(teams))}
}

// statementFor writes one statement of an identity policy: mostly allows, some denies, a few
// NotAction allows.
func (d *docs) statementFor() statement {
	switch {
	case d.g.chance(0.09):
		return d.denyStatement()
	case d.g.chance(0.03):
		return statement{Sid: "AllExceptIAM", Effect: "Allow", NotAction: []string{"iam:*", "organizations:*", "account:*"}, Resource: "*"}
	}
	return d.allowStatement(d.g.chance(0.45))
}

// identity writes an identity policy of n statements.
func (d *docs) identity(n int) *document {
	doc := &document{Version: "2012-10-17"}
	for range n {
		doc.Statement = append(doc.Statement, d.statementFor())
	}
	return doc
}

// statements draws how many statements a managed policy has: most have one, some many.
func (d *docs) statements() int {
	switch {
	case d.g.chance(0.85):
		return 1
	case d.g.chance(0.8):
		return d.g.between(2, 3)
	}
	return d.g.between(4, 8)
}

// inlineStatements draws how many statements an inline policy has: inline policies are small.
func (d *docs) inlineStatements() int {
	if d.g.chance(0.8) {
		return 1
	}
	return d.g.between(2, 3)
}

// actions draws how many actions an Allow statement lists, of at most n.
func (d *docs) actions(n int) int {
	if d.g.chance(0.85) {
		return d.g.between(1, min(2, n))
	}
	return d.g.between(1, min(10, n))
}

// resources draws how many resources a statement names.
func (d *docs) resources() int {
	if d.g.chance(0.85) {
		return 1
	}
	return d.g.between(2, 4)
}

// revise returns the next version of a document: a statement added, removed or rewritten.
func (d *docs) revise(prev *document) *document {
	next := &document{Version: prev.Version, Statement: append([]statement(nil), prev.Statement...)}
	switch {
	case len(next.Statement) > 1 && d.g.chance(0.3):
		i := d.g.r.IntN(len(next.Statement))
		next.Statement = append(next.Statement[:i], next.Statement[i+1:]...)
	case d.g.chance(0.3):
		next.Statement = append(next.Statement, d.statementFor())
	default:
		next.Statement[d.g.r.IntN(len(next.Statement))] = d.statementFor()
	}
	return next
}

// boundary writes a permission boundary: a broad allow of the services a team works with, and a
// deny of the IAM changes that would escape it.
func (d *docs) boundary() *document {
	var allowed []string
	for _, svc := range services {
		if svc.prefix != "iam" && svc.prefix != "sts" && d.g.chance(0.6) {
			allowed = append(allowed, svc.prefix+":*")
		}
	}
	allowed = append(allowed, "iam:Get*", "iam:List*", "iam:PassRole", "sts:AssumeRole")
	return &document{Version: "2012-10-17", Statement: []statement{
		{Sid: "AllowedServices", Effect: "Allow", Action: allowed, Resource: "*"},
		{Sid: "NoBoundaryChanges", Effect: "Deny", Action: []string{"iam:DeleteUserPermissionsBoundary",
			"iam:DeleteRolePermissionsBoundary", "iam:PutUserPermissionsBoundary", "iam:PutRolePermissionsBoundary",
			"iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"}, Resource: "*"},
		{Sid: "NoUserCreation", Effect: "Deny", Action: []string{"iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"}, Resource: "*"},
	}}
}
