package loader

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamscope/iamscope/model"
)

// craftBase is a small account with one entry of every kind a snapshot holds.
func craftBase(t testing.TB) []*model.Account {
	t.Helper()
	doc := func(s string) *model.Policy {
		p, err := model.ParsePolicy([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	allow := doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	a := &model.Account{
		ID: "123456789012", LoadedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Users: []*model.User{{ARN: "arn:aws:iam::123456789012:user/u", Name: "u", Path: "/", Groups: []string{"g"},
			AttachedPolicies: []string{"arn:aws:iam::123456789012:policy/p"}, AccessKeys: []model.AccessKey{{ID: "AKIAEXAMPLE"}}}},
		Groups: []*model.Group{{ARN: "arn:aws:iam::123456789012:group/g", Name: "g", Path: "/",
			InlinePolicies: []model.InlinePolicy{{Name: "i", Document: allow}}}},
		Roles: []*model.Role{{ARN: "arn:aws:iam::123456789012:role/ops/r", Name: "r", Path: "/ops/",
			TrustPolicy: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`)}},
		Policies: []*model.ManagedPolicy{{ARN: "arn:aws:iam::123456789012:policy/p", Name: "p", Path: "/", DefaultVersion: "v1",
			Versions: []model.PolicyVersion{{ID: "v1", IsDefault: true, Document: allow}}}},
		InstanceProfiles: []*model.InstanceProfile{{ARN: "arn:aws:iam::123456789012:instance-profile/ip", Name: "ip", Path: "/",
			Roles: []string{"arn:aws:iam::123456789012:role/ops/r"}}},
		ResourcePolicies: []*model.ResourcePolicy{{ResourceARN: "arn:aws:s3:::b", Service: "s3",
			Document: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)}},
		Functions: []*model.Function{{ARN: "arn:aws:lambda:eu-west-1:123456789012:function:f", Name: "f", Role: "arn:aws:iam::123456789012:role/ops/r"}},
		Organization: &model.Organization{ID: "o-1", ManagementAccountID: "999999999999", Levels: []model.OrgLevel{{ID: "r-1", Name: "root",
			SCPs: []model.OrgPolicy{{ID: "p-1", Name: "full", Document: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}}}}},
		Warnings: []model.Warning{{Where: "x", Message: "y", Scope: model.ScopeNone}},
	}
	a.Index()
	return []*model.Account{a}
}

// craftSnapshot writes a snapshot of craftBase's account after edit has changed its JSON
// (decoded into maps and lists), with the checksum recomputed as an attacker would; it
// returns the snapshot's path.
func craftSnapshot(t *testing.T, edit func(accounts []any) []any) string {
	t.Helper()
	data, err := encodeSnapshot(craftBase(t), SnapshotMeta{Source: "craft", CreatedAt: time.Unix(0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	var env snapshotEnvelope
	if err := json.Unmarshal(data, &env); err != nil {
		t.Fatal(err)
	}
	var accounts []any
	if err := json.Unmarshal(env.Accounts, &accounts); err != nil {
		t.Fatal(err)
	}
	edited, err := json.Marshal(edit(accounts))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "snap.json")
	if err := os.WriteFile(path, withChecksum(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// set returns an edit that replaces the value at a path of keys and list indexes inside
// accounts[0] ("users", 0, "arn").
func set(value any, path ...any) func([]any) []any {
	return func(accounts []any) []any {
		var cur any = accounts[0]
		for i, step := range path {
			last := i == len(path)-1
			switch s := step.(type) {
			case string:
				m := cur.(map[string]any)
				if last {
					m[s] = value
				}
				cur = m[s]
			case int:
				l := cur.([]any)
				if last {
					l[s] = value
				}
				cur = l[s]
			}
		}
		return accounts
	}
}

// TestCraftedSnapshotIsRefused: a snapshot edited with its checksum recomputed is read as
// strictly as a dump: a null entry (which crashed every command at model/index.go), an ARN
// of the wrong type, a name or path that disagrees with the ARN, a policy invalid for its
// kind or that does not parse, a value of the wrong type, an ARN or account twice: each is an
// error naming the file and the JSON path, never a panic.
func TestCraftedSnapshotIsRefused(t *testing.T) {
	if _, _, err := ReadSnapshot(craftSnapshot(t, func(a []any) []any { return a })); err != nil {
		t.Fatalf("the unedited crafted snapshot: %v", err)
	}
	badTrust := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole"}}}
	tests := []struct {
		name string
		edit func([]any) []any
		want string
	}{
		{"null account", func(a []any) []any { return append(a, nil) }, "accounts[1]: null"},
		{"null user", set(nil, "users", 0), "accounts[0].users[0]: null"},
		{"null group", set(nil, "groups", 0), "accounts[0].groups[0]: null"},
		{"null role", set(nil, "roles", 0), "accounts[0].roles[0]: null"},
		{"null policy", set(nil, "policies", 0), "accounts[0].policies[0]: null"},
		{"null instance profile", set(nil, "instanceProfiles", 0), "accounts[0].instanceProfiles[0]: null"},
		{"null resource policy", set(nil, "resourcePolicies", 0), "accounts[0].resourcePolicies[0]: null"},
		{"user ARN of a role", set("arn:aws:iam::123456789012:role/u", "users", 0, "arn"), `accounts[0].users[0].arn: "arn:aws:iam::123456789012:role/u" is not an IAM user ARN`},
		{"name disagrees", set("admin", "users", 0, "name"), `accounts[0].users[0].name: "admin" disagrees with the ARN's name "u"`},
		{"path disagrees", set("/", "roles", 0, "path"), `accounts[0].roles[0].path: "/" disagrees with the ARN's path "/ops/"`},
		{"same ARN twice", func(a []any) []any {
			m := a[0].(map[string]any)
			m["users"] = append(m["users"].([]any), m["users"].([]any)[0])
			return a
		}, "accounts[0].users[1].arn: arn:aws:iam::123456789012:user/u is also accounts[0].users[0]"},
		{"resource policy twice", func(a []any) []any {
			m := a[0].(map[string]any)
			m["resourcePolicies"] = append(m["resourcePolicies"].([]any), m["resourcePolicies"].([]any)[0])
			return a
		}, "accounts[0].resourcePolicies[1].resourceArn: arn:aws:s3:::b is also accounts[0].resourcePolicies[0]"},
		{"account twice", func(a []any) []any { return append(a, a[0]) }, "accounts[1].id: account 123456789012 is also accounts[0]"},
		{"no account id", set("", "id"), "accounts[0].id: missing"},
		{"trust policy without Principal", set(badTrust, "roles", 0, "trustPolicy"), "accounts[0].roles[0].trustPolicy: Statement[0].Principal: missing"},
		{"policy that does not parse", set("Maybe", "policies", 0, "versions", 0, "document", "Statement", 0, "Effect"), "accounts[0].policies[0].versions[0].document: Statement[0].Effect"},
		{"Principal in an SCP", set("*", "organization", "levels", 0, "scps", 0, "document", "Statement", 0, "Principal"), "accounts[0].organization.levels[0].scps[0].document: Statement[0].Principal: not allowed in an SCP"},
		{"resource policy without document", set(nil, "resourcePolicies", 0, "document"), "accounts[0].resourcePolicies[0].document: missing"},
		{"resource policy without ARN", set("b", "resourcePolicies", 0, "resourceArn"), "accounts[0].resourcePolicies[0].resourceArn:"},
		{"users not a list", set("u", "users"), "accounts[0].users: must be a list, not string"},
		{"name not a string", set(7.0, "groups", 0, "name"), "accounts[0].groups[0].name: must be a string, not number"},
		{"empty group name", set("", "users", 0, "groups", 0), "accounts[0].users[0].groups[0]: empty"},
		{"access key without id", set("", "users", 0, "accessKeys", 0, "id"), "accounts[0].users[0].accessKeys[0].id: missing"},
		{"unknown warning scope", set("everything", "warnings", 0, "scope"), `accounts[0].warnings[0].scope: "everything" is not a scope`},
		{"null function", set(nil, "functions", 0), "accounts[0].functions[0]: null"},
		{"function ARN of a bucket", set("arn:aws:s3:::b", "functions", 0, "arn"), `accounts[0].functions[0].arn: "arn:aws:s3:::b" is not a Lambda function's ARN`},
		{"function role of a user", set("arn:aws:iam::123456789012:user/u", "functions", 0, "role"), `accounts[0].functions[0].role: "arn:aws:iam::123456789012:user/u" is not a role's ARN`},
		{"unknown login profile", set("maybe", "users", 0, "loginProfile"), `accounts[0].users[0].loginProfile: "maybe" is not a login profile state`},
		{"management account not an id", set("root", "organization", "managementAccountId"), `accounts[0].organization.managementAccountId: "root" is not a 12-digit account id`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := craftSnapshot(t, tt.edit)
			for _, read := range []func() error{
				func() error { _, _, err := ReadSnapshot(path); return err },
				func() error { _, err := LoadFiles([]string{path}, nil); return err },
			} {
				err := read()
				if err == nil || !strings.Contains(err.Error(), path+": "+tt.want) {
					t.Errorf("got %v\nwant %s: %s…", err, path, tt.want)
				}
			}
		})
	}
}

// TestCraftedOrganizationTreeIsRefused: a version-3 snapshot's organization trees are checked
// as strictly as its accounts, with the checksum recomputed as an attacker would: a null tree,
// a node of no known kind and an SCP that is no SCP are refused with their JSON path.
func TestCraftedOrganizationTreeIsRefused(t *testing.T) {
	scp := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}}}
	tree := func() map[string]any {
		return map[string]any{"id": "o-1", "nodes": []any{
			map[string]any{"id": "r-1", "name": "root", "kind": "root", "scps": []any{map[string]any{"id": "p-1", "name": "full", "document": scp}}},
			map[string]any{"id": "123456789012", "name": "a", "kind": "account", "parent": "r-1"},
		}}
	}
	for _, tc := range []struct {
		name  string
		trees []any
		want  string
	}{
		{"a good tree", []any{tree()}, ""},
		{"null tree", []any{nil}, "organizations[0]: null"},
		{"unknown node kind", func() []any {
			tr := tree()
			tr["nodes"].([]any)[1].(map[string]any)["kind"] = "galaxy"
			return []any{tr}
		}(), `organizations[0].nodes[1].kind: "galaxy" is not a node kind`},
		{"SCP with a Principal", func() []any {
			tr := tree()
			bad := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}}
			tr["nodes"].([]any)[0].(map[string]any)["scps"] = []any{map[string]any{"id": "p-2", "name": "x", "document": bad}}
			return []any{tr}
		}(), "organizations[0].nodes[0].scps[0].document: Statement[0].Principal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			accounts, err := json.Marshal(craftBase(t))
			if err != nil {
				t.Fatal(err)
			}
			orgs, err := json.Marshal(tc.trees)
			if err != nil {
				t.Fatal(err)
			}
			sum := snapshotSum(accounts, orgs)
			env, err := json.Marshal(snapshotEnvelope{Format: SnapshotFormat, Version: SnapshotVersion, CreatedAt: time.Unix(0, 0).UTC(),
				Source: "craft", Checksum: "sha256:" + hex.EncodeToString(sum[:]), Accounts: accounts, Organizations: orgs})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "snap.json")
			if err := os.WriteFile(path, env, 0o600); err != nil {
				t.Fatal(err)
			}
			_, _, err = ReadSnapshot(path)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("a good tree was refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), path+": "+tc.want)):
				t.Errorf("got %v\nwant %s: %s…", err, path, tc.want)
			}
		})
	}
}
