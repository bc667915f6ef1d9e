package loader

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamscope/iamscope/model"
)

// readJSON reads a file into generic JSON values.
func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// writeJSON writes v to a file in dir and returns its path.
func writeJSON(t *testing.T, dir, name string, v any) string {
	t.Helper()
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// toAPIForm rewrites a dump as the IAM API returns it: every policy document a URL-encoded
// string, and, with epoch, every date in seconds since 1970 (the API's JSON form).
func toAPIForm(t *testing.T, x any, epoch bool) any {
	switch x := x.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, v := range x {
			switch {
			case k == "Document" || k == "PolicyDocument" || k == "AssumeRolePolicyDocument":
				doc, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				out[k] = url.PathEscape(string(doc))
			case epoch && strings.HasSuffix(k, "Date"):
				s := v.(string)
				var tm time.Time
				var err error
				for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05Z07:00"} {
					if tm, err = time.Parse(layout, s); err == nil {
						break
					}
				}
				if err != nil {
					t.Fatalf("date %q: %v", s, err)
				}
				out[k] = float64(tm.Unix())
			default:
				out[k] = toAPIForm(t, v, epoch)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, v := range x {
			out[i] = toAPIForm(t, v, epoch)
		}
		return out
	}
	return x
}

// TestAPIForm loads a dump rewritten in the API's form (URL-encoded documents; then also
// epoch dates inside the query API's JSON wrapper) and finds the same account.
func TestAPIForm(t *testing.T) {
	for _, name := range []string{dumpVulnerable, dumpSmall, dumpCloudMap} {
		t.Run(name, func(t *testing.T) {
			v := readJSON(t, accountsPath(t, name))
			dir := t.TempDir()
			// Documents re-serialised the same way in both files, so that they compare byte for byte.
			cli := writeJSON(t, dir, "cli.json", toAPIForm(t, v, false))
			var cliForm map[string]any
			data, _ := os.ReadFile(cli)
			_ = json.Unmarshal(data, &cliForm)
			decodeDocs(t, cliForm)
			cli = writeJSON(t, dir, "cli.json", cliForm)
			want := loadOne(t, cli)

			api := writeJSON(t, dir, "api.json", toAPIForm(t, v, false))
			raw, _ := os.ReadFile(api)
			if !strings.Contains(string(raw), `"%7B`) {
				t.Fatal("the API form holds no URL-encoded document")
			}
			sameEntities(t, loadOne(t, api), want)

			wrapped := map[string]any{"GetAccountAuthorizationDetailsResponse": map[string]any{
				"GetAccountAuthorizationDetailsResult": toAPIForm(t, v, true),
				"ResponseMetadata":                     map[string]any{"RequestId": "0f5f5a7c-0000-0000-0000-000000000000"},
			}}
			sameEntities(t, loadOne(t, writeJSON(t, dir, "wrapped.json", wrapped)), want)
		})
	}
}

// decodeDocs turns URL-encoded documents back into JSON objects, in place.
func decodeDocs(t *testing.T, x any) {
	switch x := x.(type) {
	case map[string]any:
		for k, v := range x {
			if s, ok := v.(string); ok && (k == "Document" || k == "PolicyDocument" || k == "AssumeRolePolicyDocument") {
				dec, err := url.PathUnescape(s)
				if err != nil {
					t.Fatal(err)
				}
				var doc any
				if err := json.Unmarshal([]byte(dec), &doc); err != nil {
					t.Fatal(err)
				}
				x[k] = doc
				continue
			}
			decodeDocs(t, v)
		}
	case []any:
		for _, v := range x {
			decodeDocs(t, v)
		}
	}
}

// splitPages splits a dump into n pages as a paginated listing returns them: each list's
// entries dealt round the pages, every page but the last with IsTruncated and a Marker.
func splitPages(v map[string]any, n int) []map[string]any {
	pages := make([]map[string]any, n)
	for i := range pages {
		pages[i] = map[string]any{"IsTruncated": i < n-1}
		if i < n-1 {
			pages[i]["Marker"] = fmt.Sprintf("page-%d-marker", i+2)
		}
	}
	for _, key := range []string{keyUsers, keyGroups, keyRoles, keyPolicies} {
		list, _ := v[key].([]any)
		for i := range pages {
			pages[i][key] = []any{}
		}
		for j, e := range list {
			p := pages[j%n]
			p[key] = append(p[key].([]any), e)
		}
	}
	return pages
}

// TestPaginated splits a dump into pages, in files and in one file's array, and merges them
// back into the same account; without its last page the account says it is partial.
func TestPaginated(t *testing.T) {
	v := readJSON(t, accountsPath(t, dumpVulnerable))
	dir := t.TempDir()
	want := loadOne(t, writeJSON(t, dir, "whole.json", v)) // documents re-serialised as the pages' are
	pages := splitPages(v, 3)
	var files []string
	for i, p := range pages {
		files = append(files, writeJSON(t, dir, fmt.Sprintf("page%d.json", i+1), p))
	}

	got := loadOne(t, files...)
	sameEntities(t, got, want)
	if got.Source != "file:"+strings.Join(files, ",") {
		t.Errorf("Source = %q", got.Source)
	}
	for _, w := range got.Warnings {
		if strings.Contains(w.Message, "IsTruncated") {
			t.Errorf("complete listing warned: %s", w)
		}
	}

	sameEntities(t, loadOne(t, writeJSON(t, dir, "all-pages.json", pages)), want)

	// The same page twice is merged silently.
	sameEntities(t, loadOne(t, append(files, dir+"/./"+filepath.Base(files[0]))...), want)

	partial := loadOne(t, files[0], files[1])
	if len(partial.Roles) >= len(want.Roles) {
		t.Errorf("two pages of three hold %d roles of %d", len(partial.Roles), len(want.Roles))
	}
	last := partial.Warnings[len(partial.Warnings)-1]
	found := false
	for _, w := range partial.Warnings {
		if strings.Contains(w.Message, `IsTruncated is true (Marker "page-3-marker")`) && w.Missing != "" {
			found = true
		}
	}
	if !found {
		t.Errorf("no truncation warning; last warning %s", last)
	}
}

// TestPageOfAWSPolicies: a page holding only AWS managed policies names no account; it joins
// the one account loaded with it, and fails the load alone.
func TestPageOfAWSPolicies(t *testing.T) {
	v := readJSON(t, accountsPath(t, dumpSmall))
	var aws, own []any
	for _, p := range v[keyPolicies].([]any) {
		if strings.Contains(p.(map[string]any)["Arn"].(string), ":iam::aws:") {
			aws = append(aws, p)
		} else {
			own = append(own, p)
		}
	}
	v[keyPolicies] = own
	dir := t.TempDir()
	main := writeJSON(t, dir, "main.json", v)
	awsOnly := writeJSON(t, dir, "aws.json", map[string]any{keyPolicies: aws})
	a := loadOne(t, main, awsOnly)
	if p, _ := versions(a, false); p != len(aws)+len(own) {
		t.Errorf("%d policies from the files, want %d", p, len(aws)+len(own))
	}
	if _, err := LoadFiles([]string{awsOnly}, nil); err == nil || !strings.Contains(err.Error(), "names the account") {
		t.Errorf("AWS policies alone: %v", err)
	}
}

// badDump has one of each problem inside entries: each is a warning naming its place, and the
// rest loads.
const badDump = `{
  "UserDetailList": [
    {"UserName": "ok", "Arn": "arn:aws:iam::111122223333:user/ok", "UserId": "AIDAOK",
     "CreateDate": "yesterday",
     "UserPolicyList": [
       {"PolicyName": "good", "PolicyDocument": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}},
       {"PolicyName": "bad", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resourse": "*"}]}}
     ]},
    "not an object",
    {"UserName": "noarn"},
    {"UserName": "tags", "Arn": "arn:aws:iam::111122223333:user/tags", "Tags": [{"Key": "team", "Value": 7}], "GroupList": "admins"}
  ],
  "RoleDetailList": [
    {"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r",
     "AssumeRolePolicyDocument": {"Statement": [{"Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}]}}
  ],
  "Policies": [
    {"PolicyName": "p", "Arn": "arn:aws:iam::111122223333:policy/p", "DefaultVersionId": "v2",
     "PolicyVersionList": [
       {"VersionId": "v1", "IsDefaultVersion": false, "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}},
       {"VersionId": "v2", "IsDefaultVersion": true, "Document": "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%7D%5D%7D"}
     ]}
  ]
}`

func TestEntryWarnings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(path, []byte(badDump), 0o600); err != nil {
		t.Fatal(err)
	}
	a := loadOne(t, path)
	want := []struct{ text, missing string }{
		{path + `:4:20 UserDetailList[0].CreateDate: "yesterday" is not a date (want ISO 8601, as 2023-03-09T10:41:37Z); left out`, ""},
		{path + `:7:138 UserDetailList[0].UserPolicyList[1].PolicyDocument: Statement[0].Resourse: unknown statement element (want Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource or Condition); the inline policy "bad" of user ok is left out`,
			`inline policy "bad" of user ok`},
		{path + `:9:5 UserDetailList[1]: must be an object, not a string; left out`, "an entry of UserDetailList"},
		{path + `:10:5 UserDetailList[2].Arn: missing; the user is left out`, "user noarn"},
		{path + `:11:124 UserDetailList[3].GroupList: must be a list, not a string; left out`, "group memberships of user tags"},
		{path + `:11:106 UserDetailList[3].Tags[0].Value: must be a string, not a number; left empty`, ""},
		{path + `:15:49 RoleDetailList[0].AssumeRolePolicyDocument: Statement[0].Effect: missing; the trust policy of role r is left out`, "trust policy of role r"},
		{path + `:21:66 Policies[0].PolicyVersionList[1].Document: Statement[0].Action: missing (a statement needs Action or NotAction); the version v2 of policy arn:aws:iam::111122223333:policy/p is left out`,
			"version v2 of policy arn:aws:iam::111122223333:policy/p"},
	}
	got := a.Warnings
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			t.Errorf("missing warning %d: %s", i, want[i].text)
		case i >= len(want):
			t.Errorf("extra warning %d: %s", i, got[i])
		case got[i].String() != want[i].text || got[i].Missing != want[i].missing:
			t.Errorf("warning %d:\n got %s [%s]\nwant %s [%s]", i, got[i], got[i].Missing, want[i].text, want[i].missing)
		}
	}
	if len(a.Users) != 2 || len(a.Users[0].InlinePolicies) != 1 || a.Users[0].InlinePolicies[0].Name != "good" {
		t.Errorf("users %d, inline policies of the first %v", len(a.Users), a.Users[0].InlinePolicies)
	}
	if a.Users[1].Tags[0] != (model.Tag{Key: "team"}) {
		t.Errorf("tags %v", a.Users[1].Tags)
	}
	if len(a.Roles) != 1 || a.Roles[0].TrustPolicy != nil {
		t.Errorf("roles %v", a.Roles)
	}
	p := a.Policies[0]
	if len(p.Versions) != 1 || p.DefaultVersion != "v2" || p.Default() != nil {
		t.Errorf("policy versions %d, default %q (its document was bad: none)", len(p.Versions), p.DefaultVersion)
	}
}

// TestFileErrors: what is not a dump at all fails the load, naming the file and place.
func TestFileErrors(t *testing.T) {
	awscli, err := os.ReadFile(accountsPath(t, dumpAWSCLI))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, content, want string }{
		{"empty", "  \n", "the file is empty"},
		{"not-json", "{\n  \"UserDetailList\": [}\n", ":2:22: bad JSON: invalid character '}' looking for beginning of value"},
		{"truncated", string(awscli[:1000]), ":37:20: the JSON ends early (the file is truncated?)"},
		{"string", `"hello"`, ":1:1: must hold a JSON object, not a string"},
		{"list-not-list", `{"UserDetailList": {"UserName": "x"}}`, ":1:20 UserDetailList: must be a list, not an object"},
		{"unknown", `{"Users": []}`, ":1:1: not get-account-authorization-details output (no UserDetailList, GroupDetailList, RoleDetailList or Policies), an iamscope snapshot or a resource policy; its members are Users"},
		{"array-of-strings", `["a"]`, ":1:2 [0]: must be a get-account-authorization-details object, not a string"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name+".json")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadFiles([]string{path}, nil)
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v\nwant %s…%s", err, path, tt.want)
			}
		})
	}
	if _, err := LoadFiles([]string{filepath.Join(dir, "absent.json")}, nil); err == nil || !strings.Contains(err.Error(), "absent.json") {
		t.Errorf("absent file: %v", err)
	}
}

// TestDamagedDumps cuts and garbles a dump in many places: loading fails or warns, and never
// panics.
func TestDamagedDumps(t *testing.T) {
	data, err := os.ReadFile(accountsPath(t, dumpAWSCLI))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "damaged.json")
	try := func(content []byte) {
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("panic on %q: %v", content, r)
			}
		}()
		_, _ = LoadFiles([]string{path}, nil)
	}
	for cut := 0; cut < len(data); cut += 97 {
		try(data[:cut])
	}
	rng := rand.New(rand.NewPCG(1, 2))
	garbage := []byte(`{}[]",:0an\ `)
	for range 300 {
		b := append([]byte(nil), data...)
		for range 1 + rng.IntN(3) {
			b[rng.IntN(len(b))] = garbage[rng.IntN(len(garbage))]
		}
		try(b)
	}
}
