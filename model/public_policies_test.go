package model

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/iamscope/iamscope/internal/corpus"
)

// publicPolicyFiles lists every policy file under model/testdata/policies (not the INDEX.json
// listings), by path relative to that folder.
func publicPolicyFiles(t testing.TB) (string, []string) {
	t.Helper()
	dir, err := corpus.PoliciesDir()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if filepath.Base(f) == "INDEX.json" {
			continue
		}
		rel, _ := filepath.Rel(dir, f)
		out = append(out, rel)
	}
	sort.Strings(out)
	return dir, out
}

// notPolicies are the public files that are not IAM policies, with the error naming the place
// that says so. SOURCES.md: the awsdocs folders hold every JSON block with a Statement from the
// documentation, which takes in SNS message data-protection policies (a different language:
// Name, Description, DataDirection, Operation) and one block whose Action and Resource are
// prose placeholders.
var notPolicies = map[string]string{
	"awsdocs-sns-developer-guide/sns-message-data-protection-examples__0.json": "Description: unknown policy element (want Version, Id or Statement)",
	"awsdocs-sns-developer-guide/sns-message-data-protection-examples__2.json": "Description: unknown policy element (want Version, Id or Statement)",
	"awsdocs-sns-developer-guide/sns-message-data-protection-examples__4.json": "Description: unknown policy element (want Version, Id or Statement)",
	"awsdocs-sns-developer-guide/sns-message-data-protection-examples__5.json": "Description: unknown policy element (want Version, Id or Statement)",
	"awsdocs-iam-user-guide/id_roles_use_passrole__0.json":                     `Statement.Action[0]: "A list of the permissions the role is allowed to use" is not an action (want "service:Action" or "*")`,
}

// TestPublicPolicies parses every policy the team collected from AWS documentation and public
// tools: each must parse, except the few known not to be IAM policies, which must be refused
// with the place at fault.
func TestPublicPolicies(t *testing.T) {
	dir, files := publicPolicyFiles(t)
	if len(files) < 540 {
		t.Fatalf("found %d policy files under %s; SOURCES.md lists 546", len(files), dir)
	}
	parsed, refused := 0, 0
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		p, err := ParsePolicy(data)
		want, bad := notPolicies[rel]
		switch {
		case bad && err == nil:
			t.Errorf("%s: parsed, but it is not an IAM policy", rel)
		case bad && err.Error() != want:
			t.Errorf("%s: error\n got %v\nwant %s", rel, err, want)
		case bad:
			refused++
		case err != nil:
			t.Errorf("%s: %v", rel, err)
		case len(p.Statements) == 0:
			t.Errorf("%s: no statements", rel)
		default:
			parsed++
		}
	}
	if refused != len(notPolicies) {
		t.Errorf("refused %d of the %d known non-policies (is one missing from the folder?)", refused, len(notPolicies))
	}
	t.Logf("%d policies parsed, %d non-policies refused", parsed, refused)
}
