package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// writeDump writes a get-account-authorization-details dump (as a Go value) to a temporary
// file and returns its path.
func writeDump(t *testing.T, dump any) string {
	t.Helper()
	b, err := json.Marshal(dump)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "account.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

type obj = map[string]any

// userEntry is a UserDetailList entry with inline policies (name -> document).
func userEntry(account, name string, inline obj, tags ...obj) obj {
	var list []obj
	for n, doc := range inline {
		list = append(list, obj{"PolicyName": n, "PolicyDocument": doc})
	}
	return obj{"UserName": name, "UserId": "AIDA" + strings.ToUpper(strings.ReplaceAll(name, "-", "")), "Path": "/",
		"Arn": "arn:aws:iam::" + account + ":user/" + name, "UserPolicyList": list, "Tags": tags,
		"GroupList": []string{}, "AttachedManagedPolicies": []obj{}}
}

func allowDoc(action, resource string, cond obj) obj {
	st := obj{"Effect": "Allow", "Action": action, "Resource": resource}
	if cond != nil {
		st["Condition"] = cond
	}
	return obj{"Version": "2012-10-17", "Statement": []obj{st}}
}

// A policy the engine cannot compile (an unknown condition operator) and one the loader could
// not read (not an object): every answer about their users says "partial" and names them, in
// text and JSON; answers about other users do not.
func TestAnswersNameWhatTheyCouldNotWeigh(t *testing.T) {
	const acct = "123456789012"
	dump := obj{
		"UserDetailList": []obj{
			userEntry(acct, "odd", obj{"weird": allowDoc("s3:*", "*", obj{"StringEqualsMaybe": obj{"aws:username": "odd"}})}),
			userEntry(acct, "broken", obj{"notapolicy": 42}),
			userEntry(acct, "fine", obj{"s3": allowDoc("s3:GetObject", "*", nil)}),
		},
		"GroupDetailList": []obj{}, "RoleDetailList": []obj{}, "Policies": []obj{},
	}
	file := writeDump(t, dump)
	const obj1 = "arn:aws:s3:::b/k"
	for _, c := range []struct {
		user, want string
	}{
		{"odd", "inline policy weird of user odd: not compiled: Statement[0].Condition.StringEqualsMaybe"},
		{"broken", `inline policy "notapolicy" of user broken`},
	} {
		cmds := []struct {
			cmd  func() *cobra.Command
			args []string
		}{
			{NewCanCommand, []string{c.user, "s3:GetObject", obj1}},
			{NewWhatCanCommand, []string{c.user}},
			{NewWhoCanCommand, []string{"s3:GetObject", obj1}},
			{NewPathsCommand, []string{c.user}},
			{NewPathsCommand, nil},
		}
		for _, k := range cmds {
			out, err := run(t, k.cmd(), append([]string{"--json", "--file", file}, k.args...)...)
			if err != nil {
				t.Fatalf("%v: %v", k.args, err)
			}
			var got struct{ Partial []string }
			mustJSON(t, out, &got)
			if !anyContains(got.Partial, c.want) {
				t.Errorf("%v --json: partial = %q, want %q named", k.args, got.Partial, c.want)
			}
		}
		for _, k := range cmds {
			out, err := run(t, k.cmd(), append([]string{"--file", file}, k.args...)...)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, "PARTIAL: this answer could not weigh") || !strings.Contains(out, c.want) {
				t.Errorf("%v text does not say what it could not weigh:\n%s", k.args, out)
			}
		}
	}
	out, err := run(t, NewCanCommand(), "--json", "--file", file, "fine", "s3:GetObject", obj1)
	if err != nil {
		t.Fatal(err)
	}
	var got canJSON
	mustJSON(t, out, &got)
	if got.Partial != nil || got.Decision != "Allowed" || len(got.Warnings) == 0 {
		t.Errorf("fine's answer: partial %q, decision %s, warnings %q", got.Partial, got.Decision, got.Warnings)
	}
}

func anyContains(list []string, part string) bool {
	for _, s := range list {
		if strings.Contains(s, part) {
			return true
		}
	}
	return false
}

// conditionKeysDump writes an account whose users' policies test condition keys: typo a typo
// of aws:SourceIp, net aws:SourceIp itself, gh an identity provider's key, sso a key only an
// AWS managed policy (AWSSSOServiceRolePolicy) names.
func conditionKeysDump(t *testing.T) string {
	const acct = "123456789012"
	return writeDump(t, obj{
		"UserDetailList": []obj{
			userEntry(acct, "typo", obj{"net": allowDoc("s3:GetObject", "*", obj{"IpAddress": obj{"aws:SourceIpp": "10.0.0.0/8"}})}),
			userEntry(acct, "net", obj{"net": allowDoc("s3:GetObject", "*", obj{"IpAddress": obj{"aws:SourceIp": "10.0.0.0/8"}})}),
			userEntry(acct, "gh", obj{"gh": allowDoc("s3:GetObject", "*", obj{"StringLike": obj{"token.actions.githubusercontent.com:sub": "repo:o/*"}})}),
			userEntry(acct, "sso", obj{"sso": allowDoc("sqs:SendMessage", "*", obj{"StringEquals": obj{"aws:PrincipalOrgMasterAccountId": acct}})}),
		},
		"GroupDetailList": []obj{}, "RoleDetailList": []obj{}, "Policies": []obj{},
	})
}

// A condition on a key iamscope does not know (a typo of aws:SourceIp) is taken as absent, as
// AWS takes it, and the answer says so by name, in text and JSON, in both modes; a known key
// the request does not give, or an identity provider's key, is not named.
func TestAnswersNameUnknownConditionKeys(t *testing.T) {
	file := conditionKeysDump(t)
	const object = "arn:aws:s3:::b/k"
	for _, c := range []struct {
		user, mode string
		decision   string
		unknown    []string
	}{
		{"typo", "--strict", "ImplicitlyDenied", []string{"aws:SourceIpp"}},
		{"typo", "", "Allowed", []string{"aws:SourceIpp"}}, // allowed if the key were set
		{"net", "--strict", "ImplicitlyDenied", nil},
		{"gh", "--strict", "ImplicitlyDenied", nil},
	} {
		args := []string{"--file", file, c.user, "s3:GetObject", object}
		if c.mode != "" {
			args = append([]string{c.mode}, args...)
		}
		out, err := run(t, NewCanCommand(), append([]string{"--json"}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		var got canJSON
		mustJSON(t, out, &got)
		if string(got.Decision) != c.decision || !slices.Equal(got.UnknownKeys, c.unknown) ||
			!slices.Equal(got.Explanation.UnknownKeys, c.unknown) {
			t.Errorf("%s %s: %s, unknown keys %q (explanation %q); want %s, %q", c.user, c.mode, got.Decision,
				got.UnknownKeys, got.Explanation.UnknownKeys, c.decision, c.unknown)
		}
		text, err := run(t, NewCanCommand(), args...)
		if err != nil {
			t.Fatal(err)
		}
		if says := strings.Contains(text, "UNKNOWN KEYS:") && strings.Contains(text, "aws:SourceIpp"); says != (c.unknown != nil) {
			t.Errorf("%s %s: text names the unknown key: %v, want %v:\n%s", c.user, c.mode, says, c.unknown != nil, text)
		}
	}
}

// TestQueriesNameUnknownConditionKeys: what-can, who-can and paths name the condition keys
// that the policies they weigh test and iamscope does not know, and where each is written, in
// text and in JSON; who-can only those of statements about its action. A key that an AWS
// managed policy tests is known (AWS sets what it writes).
func TestQueriesNameUnknownConditionKeys(t *testing.T) {
	const acct = "123456789012"
	file := conditionKeysDump(t)
	type answer struct {
		UnknownKeys []string `json:"unknownKeys"`
	}
	for _, c := range []struct {
		cmd  func() *cobra.Command
		args []string
		want []string
	}{
		{NewWhatCanCommand, []string{"typo"}, []string{"aws:SourceIpp"}},
		{NewWhatCanCommand, []string{"net"}, nil},
		{NewWhatCanCommand, []string{"sso"}, nil},
		{NewWhoCanCommand, []string{"s3:GetObject", "arn:aws:s3:::b/k"}, []string{"aws:SourceIpp"}},
		{NewWhoCanCommand, []string{"sqs:SendMessage", "arn:aws:sqs:us-east-1:" + acct + ":q"}, nil},
		{NewPathsCommand, []string{"typo"}, []string{"aws:SourceIpp"}},
		{NewPathsCommand, nil, []string{"aws:SourceIpp"}},
	} {
		args := append([]string{"--file", file}, c.args...)
		out, err := run(t, c.cmd(), append([]string{"--json"}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		var got answer
		mustJSON(t, out, &got)
		if !slices.Equal(got.UnknownKeys, c.want) {
			t.Errorf("%v: unknown keys %q, want %q", c.args, got.UnknownKeys, c.want)
		}
		text, err := run(t, c.cmd(), args...)
		if err != nil {
			t.Fatal(err)
		}
		says := strings.Contains(text, "UNKNOWN KEYS:") && strings.Contains(text, "aws:SourceIpp (user typo: net, Statement[0])")
		if says != (c.want != nil) {
			t.Errorf("%v: text names the unknown key where it is written: %v, want %v:\n%s", c.args, says, c.want != nil, text)
		}
	}
}
