package catalog

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestManagedPolicies(t *testing.T) {
	if err := ManagedPoliciesErr(); err != nil {
		t.Fatalf("ManagedPoliciesErr() = %v", err)
	}
	all := ManagedPolicies()
	if len(all) < 1000 {
		t.Errorf("got %d managed policies, want at least 1,000", len(all))
	}
	for i, p := range all {
		if i > 0 && all[i-1].Name >= p.Name {
			t.Errorf("policies out of order: %q before %q", all[i-1].Name, p.Name)
		}
		if !json.Valid(p.Document) {
			t.Errorf("%s: document is not JSON", p.Name)
		}
		if p.ARN != "arn:aws:iam::aws:policy"+p.Path+p.Name || p.VersionID == "" {
			t.Errorf("%s: ARN %q, path %q, version %q", p.Name, p.ARN, p.Path, p.VersionID)
		}
	}
}

// statements decodes the statements of a policy document whose Action and Resource are
// strings or lists of strings.
type statement struct {
	Effect   string
	Action   any
	Resource any
}

func TestAdministratorAccess(t *testing.T) {
	byName, ok := LookupManagedPolicy("AdministratorAccess")
	if !ok {
		t.Fatal("AdministratorAccess not found by name")
	}
	byARN, ok := LookupManagedPolicy("arn:aws:iam::aws:policy/AdministratorAccess")
	if !ok || byARN != byName {
		t.Fatalf("AdministratorAccess by ARN = %v, %v", byARN, ok)
	}
	if byName.Path != "/" || byName.ARN != "arn:aws:iam::aws:policy/AdministratorAccess" {
		t.Errorf("AdministratorAccess has path %q and ARN %q", byName.Path, byName.ARN)
	}
	var doc struct {
		Version   string
		Statement []statement
	}
	if err := json.Unmarshal(byName.Document, &doc); err != nil {
		t.Fatalf("AdministratorAccess document: %v", err)
	}
	if doc.Version != "2012-10-17" || len(doc.Statement) != 1 {
		t.Fatalf("AdministratorAccess document = %s", byName.Document)
	}
	if s := doc.Statement[0]; s.Effect != "Allow" || s.Action != "*" || s.Resource != "*" {
		t.Errorf("AdministratorAccess does not allow * on *: %s", byName.Document)
	}
}

func TestLookupManagedPolicy(t *testing.T) {
	tests := []struct {
		query string
		name  string // "" for none
	}{
		{"ReadOnlyAccess", "ReadOnlyAccess"},
		{"readonlyaccess", "ReadOnlyAccess"},
		{"arn:aws:iam::aws:policy/ReadOnlyAccess", "ReadOnlyAccess"},
		{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "AWSLambdaBasicExecutionRole"},
		{"arn:aws-us-gov:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "AWSLambdaBasicExecutionRole"},
		{"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", "ViewOnlyAccess"},
		{"AWSLambdaBasicExecutionRole", "AWSLambdaBasicExecutionRole"},
		// ARNs must match exactly: the right path, the right case, an AWS-owned policy.
		{"arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole", ""},
		{"arn:aws:iam::aws:policy/readonlyaccess", ""},
		{"arn:aws:iam::123456789012:policy/ReadOnlyAccess", ""},
		{"arn:aws:iam::aws:role/ReadOnlyAccess", ""},
		{"arn:aws:iam::aws:policy/", ""},
		{"arn:", ""},
		{"", ""},
		{"NoSuchPolicy", ""},
	}
	for _, tt := range tests {
		p, ok := LookupManagedPolicy(tt.query)
		switch {
		case tt.name == "" && ok:
			t.Errorf("LookupManagedPolicy(%q) = %s, want none", tt.query, p.ARN)
		case tt.name != "" && (!ok || p.Name != tt.name):
			t.Errorf("LookupManagedPolicy(%q) = %v, %v; want %s", tt.query, p, ok, tt.name)
		}
	}
	p, _ := LookupManagedPolicy("AWSLambdaBasicExecutionRole")
	if p.Path != "/service-role/" || !strings.Contains(string(p.Document), "logs:CreateLogGroup") {
		t.Errorf("AWSLambdaBasicExecutionRole: path %q, document %s", p.Path, p.Document)
	}
}
