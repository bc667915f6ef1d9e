package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAccessLevel(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"List", 0},
		{"Read", 1},
		{"Write", 2},
		{"Permissions management, Write", 3},
		{"Tagging, Write", 4},
		{"Write, Tagging", 4},
	}
	for _, tt := range tests {
		if got, err := accessLevel(tt.in); err != nil || got != tt.want {
			t.Errorf("accessLevel(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "write", "Read,Write", "Admin"} {
		if _, err := accessLevel(bad); err == nil {
			t.Errorf("accessLevel(%q) gives no error", bad)
		}
	}
}

// writeFiles writes files (path relative to dir: content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// iamDataFixture is a one-service iam-data package; getobject names the resource type given.
func iamDataFixture(t *testing.T, level, resourceType string) string {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"data/services.json":         `["s3"]`,
		"data/serviceNames.json":     `{"s3": "Amazon S3"}`,
		"data/actions/s3.json":       `{"putobject": {"name": "PutObject", "accessLevel": "Write", "resourceTypes": [{"name": "object", "required": true, "conditionKeys": [], "dependentActions": ["s3:GetObject"]}], "conditionKeys": ["s3:x-amz-acl"], "dependentActions": []}, "getobject": {"name": "GetObject", "accessLevel": "` + level + `", "resourceTypes": [{"name": "` + resourceType + `", "required": true, "conditionKeys": [], "dependentActions": []}], "conditionKeys": [], "dependentActions": []}}`,
		"data/resourceTypes/s3.json": `{"object": {"key": "object", "arn": "arn:${Partition}:s3:::${BucketName}/${ObjectName}", "conditionKeys": []}, "bucket": {"key": "bucket", "arn": "arn:${Partition}:s3:::${BucketName}"}}`,
		"data/conditionKeys/s3.json": `{"s3:x-amz-acl": {"key": "s3:x-amz-acl", "type": "String"}, "aws:tagkeys": {"key": "aws:TagKeys", "type": "ArrayOfString"}}`,
		"global-condition-keys.json": `[{"key": "aws:PrincipalTag/tag-key", "type": "String"}, {"key": "aws:TagKeys", "type": "ArrayOfString"}]`,
	})
	return dir
}

func TestReadIAMData(t *testing.T) {
	dir := iamDataFixture(t, "Read", "object")
	cat, err := readIAMData(dir, filepath.Join(dir, "global-condition-keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.services) != 1 || cat.actionCount() != 2 || cat.resourceTypeCount() != 2 {
		t.Fatalf("read %d services, %d actions, %d resource types", len(cat.services), cat.actionCount(), cat.resourceTypeCount())
	}
	s := cat.services[0]
	if s.actions[0].name != "GetObject" || s.actions[1].name != "PutObject" {
		t.Errorf("actions not sorted: %+v", s.actions)
	}
	put := s.actions[1]
	if put.level != 2 || len(put.resources) != 1 || s.resourceTypes[put.resources[0].typ].name != "object" {
		t.Errorf("PutObject = %+v", put)
	}
	if len(put.deps) != 1 || put.deps[0] != "s3:GetObject" {
		t.Errorf("PutObject's dependent actions = %v, want the resource's s3:GetObject", put.deps)
	}
	// aws:TagKeys is in the service and the globals: one key, listed once among the globals.
	var names []string
	for _, k := range cat.keys {
		names = append(names, k.name)
	}
	if strings.Join(names, " ") != "aws:PrincipalTag/${TagKey} aws:TagKeys s3:x-amz-acl" {
		t.Errorf("keys = %v", names)
	}
	if len(cat.globals) != 2 {
		t.Errorf("globals = %v", cat.globals)
	}
	raw := encodeServices(cat)
	if !bytes.HasPrefix(raw, []byte(servicesMagic)) {
		t.Errorf("encoded data opens with %q", raw[:min(len(raw), 30)])
	}
}

func TestReadIAMDataErrors(t *testing.T) {
	dir := iamDataFixture(t, "Read", "nosuchtype")
	if _, err := readIAMData(dir, filepath.Join(dir, "global-condition-keys.json")); err == nil || !strings.Contains(err.Error(), "nosuchtype") {
		t.Errorf("an action naming an unknown resource type: %v", err)
	}
	dir = iamDataFixture(t, "Admin", "object")
	if _, err := readIAMData(dir, filepath.Join(dir, "global-condition-keys.json")); err == nil || !strings.Contains(err.Error(), "s3:GetObject") {
		t.Errorf("an unknown access level: %v", err)
	}
	if _, err := readIAMData(t.TempDir(), "nowhere.json"); err == nil || !strings.Contains(err.Error(), "services.json") {
		t.Errorf("an empty folder: %v", err)
	}
}

func TestReadManagedPolicies(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"dist/managedPolicies.json": `{
		"ReadOnly": {"arn": "arn:aws:iam::aws:policy/ReadOnly", "latestVersionId": "v2", "versions": {
			"v1": {"document": {"Version": "2012-10-17", "Statement": []}},
			"v2": {"document": {"Version": "2012-10-17", "Statement": [ {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"} ]}}}},
		"Lambda": {"arn": "arn:aws:iam::aws:policy/service-role/Lambda", "latestVersionId": "v1", "versions": {
			"v1": {"document": {"Version": "2012-10-17", "Statement": []}}}}}`})
	got, err := readManagedPolicies(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].name != "Lambda" || got[0].path != "/service-role/" || got[1].path != "/" || got[1].versionID != "v2" {
		t.Fatalf("policies = %+v", got)
	}
	if want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}`; string(got[1].document) != want {
		t.Errorf("document = %s, want the latest version compacted", got[1].document)
	}

	writeFiles(t, dir, map[string]string{"dist/managedPolicies.json": `{"X": {"arn": "arn:aws:iam::aws:policy/Y", "latestVersionId": "v1", "versions": {"v1": {"document": {}}}}}`})
	if _, err := readManagedPolicies(dir); err == nil || !strings.Contains(err.Error(), "names another policy") {
		t.Errorf("a policy whose ARN names another: %v", err)
	}
	writeFiles(t, dir, map[string]string{"dist/managedPolicies.json": `{"X": {"arn": "arn:aws:iam::aws:policy/X", "latestVersionId": "v3", "versions": {"v1": {"document": {}}}}}`})
	if _, err := readManagedPolicies(dir); err == nil || !strings.Contains(err.Error(), "latest version") {
		t.Errorf("a policy without its latest version: %v", err)
	}
}

func TestReadSource(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"package.json": `{"name": "@scope/pkg", "version": "1.2.3", "license": "MIT", "repository": {"url": "git+https://example.org/pkg.git"}}`,
		"LICENSE.txt":  "MIT License\n\nCopyright (c) 2024 Someone\n\nPermission is hereby granted...\n",
	})
	s, err := readSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.copyright != "Copyright (c) 2024 Someone" || s.licenceFile != "LICENSE.pkg" {
		t.Errorf("source = %+v", s)
	}
	writeFiles(t, dir, map[string]string{"package.json": `{"name": "pkg", "version": "1", "license": "GPL-3.0"}`})
	if _, err := readSource(dir); err == nil || !strings.Contains(err.Error(), "not MIT") {
		t.Errorf("a GPL package: %v", err)
	}
}
