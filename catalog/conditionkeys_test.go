package catalog

import "testing"

func TestLookupConditionKey(t *testing.T) {
	tests := []struct {
		name  string
		key   string // the key found
		typ   string
		multi bool
	}{
		{"aws:TagKeys", "aws:TagKeys", "ArrayOfString", true},
		{"aws:tagkeys", "aws:TagKeys", "ArrayOfString", true},
		{"aws:SourceIp", "aws:SourceIp", "IPAddress", false},
		{"AWS:SOURCEIP", "aws:SourceIp", "IPAddress", false},
		{"aws:MultiFactorAuthPresent", "aws:MultiFactorAuthPresent", "Bool", false},
		{"aws:MultiFactorAuthAge", "aws:MultiFactorAuthAge", "Numeric", false},
		{"aws:CurrentTime", "aws:CurrentTime", "Date", false},
		{"aws:TokenIssueTime", "aws:TokenIssueTime", "Date", false},
		{"aws:PrincipalArn", "aws:PrincipalArn", "ARN", false},
		{"aws:SourceArn", "aws:SourceArn", "ARN", false},
		{"aws:PrincipalOrgID", "aws:PrincipalOrgID", "String", false},
		{"aws:username", "aws:username", "String", false},
		{"aws:userid", "aws:userid", "String", false},
		{"aws:SecureTransport", "aws:SecureTransport", "Bool", false},
		{"aws:ViaAWSService", "aws:ViaAWSService", "Bool", false},
		{"aws:PrincipalIsAWSService", "aws:PrincipalIsAWSService", "Bool", false},
		{"aws:CalledVia", "aws:CalledVia", "ArrayOfString", true},
		{"aws:SourceVpce", "aws:SourceVpce", "String", false},
		{"aws:RequestedRegion", "aws:RequestedRegion", "String", false},
		{"aws:ResourceAccount", "aws:ResourceAccount", "String", false},
		// Templated keys are found by what fills them in.
		{"aws:PrincipalTag/team", "aws:PrincipalTag/${TagKey}", "String", false},
		{"aws:principaltag/Team", "aws:PrincipalTag/${TagKey}", "String", false},
		{"aws:RequestTag/cost-center", "aws:RequestTag/${TagKey}", "String", false},
		{"aws:ResourceTag/env", "aws:ResourceTag/${TagKey}", "String", false},
		{"aws:PrincipalTag/${TagKey}", "aws:PrincipalTag/${TagKey}", "String", false},
		{"s3:ExistingObjectTag/classification", "s3:ExistingObjectTag/<key>", "String", false},
		{"kms:EncryptionContext:aws:pi:service", "kms:EncryptionContext:${EncryptionContextKey}", "String", false},
		{"token.actions.githubusercontent.com/my-org:actor", "token.actions.githubusercontent.com/${SubPath}:actor", "String", false},
		// Service keys.
		{"s3:prefix", "s3:prefix", "String", false},
		{"iam:PassedToService", "iam:PassedToService", "String", false},
		{"ec2:Region", "ec2:Region", "String", false},
	}
	for _, tt := range tests {
		k, ok := LookupConditionKey(tt.name)
		if !ok {
			t.Errorf("LookupConditionKey(%q) found nothing", tt.name)
			continue
		}
		if k.Name != tt.key || k.Type != tt.typ || k.IsMultivalued() != tt.multi {
			t.Errorf("LookupConditionKey(%q) = %+v (multivalued %v), want %s of type %s (multivalued %v)",
				tt.name, k, k.IsMultivalued(), tt.key, tt.typ, tt.multi)
		}
	}
	for _, name := range []string{"", "aws:", "aws:NoSuchKey", "aws:PrincipalTag", "aws:PrincipalTag/", "s3:ExistingObjectTag/", "nosuch:key", "SourceIp"} {
		if k, ok := LookupConditionKey(name); ok {
			t.Errorf("LookupConditionKey(%q) = %+v, want none", name, k)
		}
	}
}

func TestServiceConditionKeys(t *testing.T) {
	s3, ok := LookupService("s3")
	if !ok {
		t.Fatal("no s3")
	}
	found := false
	for _, k := range s3.ConditionKeys {
		if k.Name == "s3:x-amz-acl" {
			found = true
		}
		if k.Name == "" || k.Type == "" {
			t.Errorf("s3 has condition key %+v", k)
		}
	}
	if !found {
		t.Errorf("s3's %d condition keys lack s3:x-amz-acl", len(s3.ConditionKeys))
	}
}

func TestKnowsConditionKey(t *testing.T) {
	for key, want := range map[string]bool{
		"aws:SourceIp": true, "AWS:SOURCEIP": true, "aws:PrincipalTag/team": true, "s3:prefix": true,
		"sts:ExternalId": true, "saml:aud": true, "accounts.google.com:aud": true,
		"token.actions.githubusercontent.com:sub":     true,
		"oidc.eks.us-east-1.amazonaws.com/id/ABC:aud": true,
		// Not in the reference, but AWSSSOServiceRolePolicy tests it: AWS sets it.
		"aws:PrincipalOrgMasterAccountId": true, "AWS:PRINCIPALORGMASTERACCOUNTID": true,
		"aws:SourceIpp": false, "aws:NoSuchKey": false, "s3:NoSuchKey": false, "nosuch:key": false, "SourceIp": false, "": false,
	} {
		if got := KnowsConditionKey(key); got != want {
			t.Errorf("KnowsConditionKey(%q) = %v, want %v", key, got, want)
		}
	}
}
