package catalog

import (
	"slices"
	"strings"
	"testing"
)

func TestLoads(t *testing.T) {
	if err := Err(); err != nil {
		t.Fatalf("Err() = %v", err)
	}
	services := Services()
	if len(services) < 400 {
		t.Errorf("got %d services, want at least 400", len(services))
	}
	actions := 0
	for i, s := range services {
		if i > 0 && services[i-1].Prefix >= s.Prefix {
			t.Errorf("services out of order: %q before %q", services[i-1].Prefix, s.Prefix)
		}
		if s.Name == "" {
			t.Errorf("service %q has no name", s.Prefix)
		}
		for _, a := range s.Actions {
			if a.Service != s.Prefix {
				t.Errorf("action %s listed under service %q", a.FullName(), s.Prefix)
			}
		}
		actions += len(s.Actions)
	}
	if actions < 20000 {
		t.Errorf("got %d actions, want at least 20,000", actions)
	}
	if got := len(Expand("*")); got != actions {
		t.Errorf("Expand(*) gives %d actions, the services hold %d", got, actions)
	}
}

func TestLookupService(t *testing.T) {
	for _, prefix := range []string{"s3", "S3", "iam", "EC2"} {
		s, ok := LookupService(prefix)
		if !ok || !strings.EqualFold(s.Prefix, prefix) {
			t.Errorf("LookupService(%q) = %v, %v", prefix, s, ok)
		}
	}
	if s, _ := LookupService("s3"); s.Name != "Amazon S3" {
		t.Errorf("s3 is named %q, want Amazon S3", s.Name)
	}
	for _, prefix := range []string{"", "s", "s3:", "nosuchservice"} {
		if s, ok := LookupService(prefix); ok {
			t.Errorf("LookupService(%q) = %v, want none", prefix, s)
		}
	}
}

// resourceTypeNames lists the names of the resource types an action takes.
func resourceTypeNames(a *Action) []string {
	var names []string
	for _, r := range a.ResourceTypes {
		names = append(names, r.Type)
	}
	return names
}

func TestLookupAction(t *testing.T) {
	tests := []struct {
		name      string
		full      string
		level     AccessLevel
		resources []string // all of these among the action's resource types
		required  string   // a resource type the action requires, or ""
		key       string   // a condition key of the action, or ""
	}{
		{"s3:GetObject", "s3:GetObject", Read, []string{"object"}, "", "s3:ExistingObjectTag/<key>"},
		{"s3:getobject", "s3:GetObject", Read, []string{"object"}, "", ""},
		{"S3:GETOBJECT", "s3:GetObject", Read, []string{"object"}, "", ""},
		{"s3:PutObject", "s3:PutObject", Write, []string{"object"}, "", ""},
		// The package marks alternatives (an access point or a bucket) as not required.
		{"s3:ListBucket", "s3:ListBucket", List, []string{"bucket", "accesspoint"}, "", "s3:prefix"},
		{"s3:PutObjectTagging", "s3:PutObjectTagging", Tagging, []string{"object"}, "", ""},
		{"s3:PutBucketPolicy", "s3:PutBucketPolicy", PermissionsManagement, []string{"bucket"}, "bucket", ""},
		{"iam:PassRole", "iam:PassRole", Write, []string{"role"}, "role", "iam:PassedToService"},
		{"iam:PutRolePolicy", "iam:PutRolePolicy", PermissionsManagement, []string{"role"}, "role", ""},
		{"iam:CreateRole", "iam:CreateRole", Write, []string{"role"}, "role", ""},
		{"iam:ListRoles", "iam:ListRoles", List, nil, "", ""},
		{"iam:TagRole", "iam:TagRole", Tagging, []string{"role"}, "role", "aws:TagKeys"},
		{"kms:Decrypt", "kms:Decrypt", Write, []string{"key"}, "key", "kms:EncryptionContext:${EncryptionContextKey}"},
		{"sts:AssumeRole", "sts:AssumeRole", Write, []string{"role"}, "role", ""},
		{"ec2:RunInstances", "ec2:RunInstances", Write, []string{"image", "instance", "subnet"}, "instance", ""},
		{"lambda:InvokeFunction", "lambda:InvokeFunction", Write, []string{"function"}, "", ""},
		{"dynamodb:Query", "dynamodb:Query", Read, []string{"table", "index"}, "", ""},
	}
	for _, tt := range tests {
		a, ok := LookupAction(tt.name)
		if !ok {
			t.Errorf("LookupAction(%q) found nothing", tt.name)
			continue
		}
		if a.FullName() != tt.full {
			t.Errorf("LookupAction(%q) = %s, want %s", tt.name, a.FullName(), tt.full)
		}
		if a.AccessLevel != tt.level {
			t.Errorf("%s: access level %q, want %q", tt.full, a.AccessLevel, tt.level)
		}
		names := resourceTypeNames(a)
		for _, want := range tt.resources {
			if !slices.Contains(names, want) {
				t.Errorf("%s: resource types %v lack %q", tt.full, names, want)
			}
		}
		if tt.resources == nil && len(names) > 0 {
			t.Errorf("%s: resource types %v, want none", tt.full, names)
		}
		if tt.required != "" {
			i := slices.IndexFunc(a.ResourceTypes, func(r ActionResource) bool { return r.Type == tt.required })
			if i < 0 || !a.ResourceTypes[i].Required {
				t.Errorf("%s: resource type %q is not required: %+v", tt.full, tt.required, a.ResourceTypes)
			}
		}
		for _, r := range a.ResourceTypes {
			if rt := r.ResourceType(); rt == nil || rt.Name != r.Type || rt.Service != a.Service {
				t.Errorf("%s: entry %q points at resource type %+v", tt.full, r.Type, rt)
			}
		}
		if tt.key != "" && !slices.Contains(a.ConditionKeys, tt.key) {
			t.Errorf("%s: condition keys %v lack %q", tt.full, a.ConditionKeys, tt.key)
		}
	}

	a, ok := LookupAction("sts:GetCallerIdentity")
	if !ok || len(a.ResourceTypes) != 0 || a.AccessLevel != Read {
		t.Errorf("sts:GetCallerIdentity = %+v, %v; want a Read action with no resource types", a, ok)
	}
	for _, name := range []string{"", "s3", "s3:", "s3:GetObjec", "s3:GetObjectt", "s3:Get*", "nosuch:GetObject", ":GetObject"} {
		if a, ok := LookupAction(name); ok {
			t.Errorf("LookupAction(%q) = %s, want none", name, a.FullName())
		}
	}
}

// fullNames lists the full names of actions.
func fullNames(actions []*Action) []string {
	names := make([]string, len(actions))
	for i, a := range actions {
		names[i] = a.FullName()
	}
	return names
}

func TestExpand(t *testing.T) {
	get := fullNames(Expand("s3:Get*"))
	if !slices.Contains(get, "s3:GetObject") || !slices.Contains(get, "s3:GetBucketPolicy") {
		t.Errorf("Expand(s3:Get*) lacks s3:GetObject or s3:GetBucketPolicy: %v", get)
	}
	for _, name := range get {
		if !strings.HasPrefix(name, "s3:Get") {
			t.Errorf("Expand(s3:Get*) holds %s", name)
		}
	}
	if slices.Contains(get, "s3:PutObject") {
		t.Error("Expand(s3:Get*) holds s3:PutObject")
	}
	if lower := fullNames(Expand("S3:gEt*")); !slices.Equal(lower, get) {
		t.Errorf("Expand is case-sensitive: S3:gEt* gives %d actions, s3:Get* %d", len(lower), len(get))
	}

	s3, _ := LookupService("s3")
	if got := Expand("s3:*"); !slices.Equal(got, s3.Actions) {
		t.Errorf("Expand(s3:*) gives %d actions, want the %d of s3 (and none of s3-outposts, s3express, ...)", len(got), len(s3.Actions))
	}

	all := Expand("*")
	if !slices.IsSortedFunc(all, func(a, b *Action) int {
		return strings.Compare(strings.ToLower(a.FullName()), strings.ToLower(b.FullName()))
	}) {
		t.Error("Expand(*) is not sorted by full name")
	}
	all[0] = nil // the result is the caller's: this must not damage the catalog
	if again := Expand("*"); again[0] == nil {
		t.Error("Expand returns a shared slice")
	}

	anyGet := Expand("*:Get*")
	services := map[string]bool{}
	for _, a := range anyGet {
		if !strings.HasPrefix(strings.ToLower(a.Name), "get") { // apigateway:GET is one
			t.Errorf("Expand(*:Get*) holds %s", a.FullName())
		}
		services[a.Service] = true
	}
	if len(services) < 100 || !services["s3"] || !services["iam"] {
		t.Errorf("Expand(*:Get*) covers %d services, want s3, iam and many more", len(services))
	}

	tests := []struct {
		pattern string
		want    []string
	}{
		{"iam:?etUser", []string{"iam:GetUser"}},
		{"iam:GetUser", []string{"iam:GetUser"}},
		{"IAM:GETUSER", []string{"iam:GetUser"}},
		{"iam:*User", nil}, // checked below: many, all ending in User
		{"sts:AssumeRole*", []string{"sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"}},
		{"s3", nil},
		{"nosuch:*", nil},
		{"s3:NoSuchAction*", nil},
		{"", nil},
	}
	for _, tt := range tests {
		got := fullNames(Expand(tt.pattern))
		if tt.pattern == "iam:*User" {
			if !slices.Contains(got, "iam:CreateUser") || !slices.Contains(got, "iam:DeleteUser") || slices.Contains(got, "iam:CreateRole") {
				t.Errorf("Expand(iam:*User) = %v", got)
			}
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Expand(%q) = %v, want %v", tt.pattern, got, tt.want)
		}
	}

	// A star may cross the colon, as it does in a policy's Action element.
	cross := fullNames(Expand("s3*:GetObject"))
	if !slices.Contains(cross, "s3:GetObject") || !slices.Contains(cross, "s3-object-lambda:GetObject") {
		t.Errorf("Expand(s3*:GetObject) = %v", cross)
	}
}
