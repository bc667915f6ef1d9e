package catalog

import (
	"slices"
	"strings"
	"testing"
)

// typeNames lists resource types as "service/name".
func typeNames(rts []*ResourceType) []string {
	var names []string
	for _, rt := range rts {
		names = append(names, rt.Service+"/"+rt.Name)
	}
	return names
}

func TestResourceTypeOf(t *testing.T) {
	tests := []struct {
		arn   string
		first string   // the first type, "" for none at all
		also  []string // more types that must be there
		not   []string // types that must not be there
	}{
		// S3: a bucket's name holds no '/', an object's key may hold '/' and ':'.
		{"arn:aws:s3:::my-bucket", "s3/bucket", []string{"ssm/bucket"}, []string{"s3/object"}},
		{"arn:aws:s3:::my-bucket/k", "s3/object", nil, []string{"s3/bucket", "ssm/bucket"}},
		{"arn:aws:s3:::my-bucket/logs/2024/01/a:b.json", "s3/object", nil, []string{"s3/bucket"}},
		{"arn:aws:s3:us-east-1:123456789012:accesspoint/my-ap", "s3/accesspoint", nil, []string{"s3/accesspointobject", "s3/multiregionaccesspoint"}},
		{"arn:aws:s3:us-east-1:123456789012:accesspoint/my-ap/object/dir/key", "s3/accesspointobject", nil, []string{"s3/accesspoint"}},
		{"arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap", "s3/multiregionaccesspoint", nil, []string{"s3/accesspoint"}},
		// IAM: names may carry paths.
		{"arn:aws:iam::123456789012:role/MyRole", "iam/role", []string{"sts/role"}, []string{"iam/user"}},
		{"arn:aws:iam::123456789012:role/service-role/team/MyRole", "iam/role", nil, nil},
		{"arn:aws:iam::123456789012:user/division/alice", "iam/user", nil, []string{"iam/role"}},
		{"arn:aws:iam::123456789012:group/admins", "iam/group", nil, nil},
		{"arn:aws:iam::123456789012:instance-profile/web", "iam/instance-profile", nil, nil},
		{"arn:aws:iam::aws:policy/AdministratorAccess", "iam/policy", nil, nil},
		{"arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF", "iam/oidc-provider", nil, nil},
		{"arn:aws:iam::123456789012:root", "sts/root-user", nil, []string{"iam/role", "iam/user"}},
		{"arn:aws:iam::123456789012:assumed-role/MyRole/session", "iam/assumed-role", nil, []string{"iam/role"}},
		// KMS.
		{"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", "kms/key", nil, []string{"kms/alias"}},
		{"arn:aws:kms:us-east-1:123456789012:alias/my-alias", "kms/alias", nil, []string{"kms/key"}},
		// Lambda: the name holds no ':', which opens a version or an alias.
		{"arn:aws:lambda:us-east-1:123456789012:function:my-fn", "lambda/function", nil, []string{"lambda/function alias", "lambda/function version"}},
		{"arn:aws:lambda:us-east-1:123456789012:function:my-fn:7", "lambda/function alias", []string{"lambda/function version"}, []string{"lambda/function"}},
		{"arn:aws:lambda:us-east-1:123456789012:layer:my-layer:3", "lambda/layerVersion", nil, []string{"lambda/layer"}},
		// SQS, SNS, Secrets Manager.
		{"arn:aws:sqs:us-east-1:123456789012:my-queue", "sqs/queue", nil, nil},
		{"arn:aws:sns:us-east-1:123456789012:my-topic", "sns/topic", nil, nil},
		{"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db/password-AbCdEf", "secretsmanager/Secret", nil, nil},
		// EC2.
		{"arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0", "ec2/instance", nil, []string{"ec2/volume"}},
		{"arn:aws:ec2:us-east-1::image/ami-0abcdef1234567890", "ec2/image", nil, nil},
		{"arn:aws:ec2:us-east-1:123456789012:security-group/sg-0123456789abcdef0", "ec2/security-group", nil, nil},
		{"arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0", "ec2/volume", nil, nil},
		// DynamoDB: a table's name holds no '/', which opens its indexes and streams.
		{"arn:aws:dynamodb:us-east-1:123456789012:table/Books", "dynamodb/table", nil, []string{"dynamodb/index"}},
		{"arn:aws:dynamodb:us-east-1:123456789012:table/Books/index/ByAuthor", "dynamodb/index", nil, []string{"dynamodb/table"}},
		{"arn:aws:dynamodb:us-east-1:123456789012:table/Books/stream/2015-05-11T21:21:33.291", "dynamodb/stream", nil, []string{"dynamodb/table"}},
		// CloudWatch Logs: a group's name may hold '/', not the ':' that opens a stream.
		{"arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/my-fn", "logs/log-group", nil, []string{"logs/log-stream"}},
		{"arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/my-fn:log-stream:2024/01/01", "logs/log-stream", nil, []string{"logs/log-group"}},
		// Not ARNs, or of nothing the catalog knows.
		{"", "", nil, nil},
		{"my-bucket", "", nil, nil},
		{"arn:aws:s3", "", nil, nil},
		{"arn:aws:nosuchservice:us-east-1:123456789012:thing/x", "", nil, nil},
		{"arn:aws:s3:::", "", nil, nil},
	}
	for _, tt := range tests {
		got := typeNames(ResourceTypeOf(tt.arn))
		if tt.first == "" {
			if len(got) > 0 {
				t.Errorf("ResourceTypeOf(%q) = %v, want none", tt.arn, got)
			}
			continue
		}
		if len(got) == 0 || got[0] != tt.first {
			t.Errorf("ResourceTypeOf(%q) = %v, want %s first", tt.arn, got, tt.first)
		}
		for _, want := range tt.also {
			if !slices.Contains(got, want) {
				t.Errorf("ResourceTypeOf(%q) = %v, lacks %s", tt.arn, got, want)
			}
		}
		for _, bad := range tt.not {
			if slices.Contains(got, bad) {
				t.Errorf("ResourceTypeOf(%q) = %v, holds %s", tt.arn, got, bad)
			}
		}
	}
}

// TestEveryFormatMatchesItself fills every placeholder of every ARN format and checks that the
// resource type is found for the ARN so made.
func TestEveryFormatMatchesItself(t *testing.T) {
	n := 0
	for _, s := range Services() {
		for _, rt := range s.ResourceTypes {
			for _, f := range strings.Split(rt.ARNFormat, ", ") {
				arn := fillPlaceholders(f)
				n++
				if !slices.Contains(ResourceTypeOf(arn), rt) {
					t.Errorf("%s/%s: ARN %q made from its format %q is not found", rt.Service, rt.Name, arn, f)
				}
			}
		}
	}
	if n < 2000 {
		t.Errorf("tried %d formats, want over 2,000", n)
	}
}

// fillPlaceholders replaces every placeholder of an ARN format with a value ("aws" for the
// partition, "x1" elsewhere).
func fillPlaceholders(format string) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		switch c := format[i]; {
		case c == '*':
			b.WriteString("x1")
		case c == '{' || c == '$' && strings.HasPrefix(format[i:], "${"):
			end := strings.IndexByte(format[i:], '}')
			if strings.HasPrefix(format[i:], "${Partition}") {
				b.WriteString("aws")
			} else {
				b.WriteString("x1")
			}
			i += end
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func TestARNFormats(t *testing.T) {
	tests := []struct {
		format string
		arn    string
		want   bool
	}{
		{"arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:aws:s3:::b/k/l", true},
		{"arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:aws:s3:::b/", false},
		{"arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:aws:s3:::/k", false},
		{"arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:aws:s3:::b", false},
		{"arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}", "arn:aws-cn:iam::123:role/a/b", true},
		{"arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}", "arn:aws:iam:::role/a", false},
		{"arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}", "arn:aws:iam::123:user/a", false},
		// Case-sensitive, as ARNs are.
		{"arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}", "arn:aws:iam::123:ROLE/a", false},
		// Placeholders side by side act as one; a placeholder between slashes may be empty.
		{"arn:${Partition}:codeartifact:${Region}:${Account}:package-group/${DomainName}${EncodedPackageGroupPattern}", "arn:aws:codeartifact:r:1:package-group/d/npm/*", true},
		{"arn:${Partition}:codeartifact:${Region}:${Account}:package/${DomainName}/${RepositoryName}/${PackageFormat}/${PackageNamespace}/${PackageName}", "arn:aws:codeartifact:r:1:package/d/r/npm//left-pad", true},
		{"arn:${Partition}:codeartifact:${Region}:${Account}:package/${DomainName}/${RepositoryName}/${PackageFormat}/${PackageNamespace}/${PackageName}", "arn:aws:codeartifact:r:1:package/d/r/npm/left-pad", false},
		// A literal "*" in a format is a placeholder; so is "{Name}" without its "$".
		{"arn:${Partition}:braket:*:*:device/${DeviceType}/${Provider}/${DeviceId}", "arn:aws:braket:us-east-1::device/qpu/ionq/Aria-1", false},
		{"arn:${Partition}:braket:*:*:device/${DeviceType}/${Provider}/${DeviceId}", "arn:aws:braket:us-east-1:1:device/qpu/ionq/Aria-1", true},
		{"arn:${Partition}:opsworks-cm::${Account}:backup/${ServerName}-{Date-and-Time-Stamp-of-Backup}", "arn:aws:opsworks-cm::1:backup/srv-2024-01-01T00:00:00", true},
		// Several formats in one.
		{"arn:${Partition}:apigateway:${Region}::/apis/${ApiId}/models/${ModelId}, arn:${Partition}:apigateway:${Region}::/restapis/${RestApiId}/models/${ModelName}", "arn:aws:apigateway:us-east-1::/restapis/a1/models/m", true},
		{"arn:${Partition}:apigateway:${Region}::/apis/${ApiId}/models/${ModelId}, arn:${Partition}:apigateway:${Region}::/restapis/${RestApiId}/models/${ModelName}", "arn:aws:apigateway:us-east-1::/apis/a1/models/m", true},
		{"arn:${Partition}:apigateway:${Region}::/apis/${ApiId}/models/${ModelId}, arn:${Partition}:apigateway:${Region}::/restapis/${RestApiId}/models/${ModelName}", "arn:aws:apigateway:us-east-1::/apis/a1/routes/m", false},
	}
	for _, tt := range tests {
		rt := &ResourceType{ARNFormat: tt.format, formats: compileARNFormats(tt.format, &arena[arnToken]{})}
		if got := rt.Match(tt.arn); got != tt.want {
			t.Errorf("format %q, ARN %q: Match = %v, want %v", tt.format, tt.arn, got, tt.want)
		}
	}
}

func TestResourceTypesForAction(t *testing.T) {
	get, _ := LookupAction("s3:GetObject")
	if got := ResourceTypesForAction(get, "arn:aws:s3:::b/k"); len(got) != 1 || got[0].Type != "object" {
		t.Errorf("s3:GetObject on an object: %+v", got)
	}
	if got := ResourceTypesForAction(get, "arn:aws:s3:::b"); len(got) != 0 {
		t.Errorf("s3:GetObject on a bucket: %+v, want none", got)
	}
	list, _ := LookupAction("s3:ListBucket")
	if got := ResourceTypesForAction(list, "arn:aws:s3:::b"); len(got) != 1 || got[0].Type != "bucket" {
		t.Errorf("s3:ListBucket on a bucket: %+v", got)
	}
	who, _ := LookupAction("sts:GetCallerIdentity")
	if got := ResourceTypesForAction(who, "arn:aws:s3:::b"); len(got) != 0 {
		t.Errorf("sts:GetCallerIdentity on a bucket: %+v, want none", got)
	}
}
