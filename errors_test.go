package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every mistake in a command line or an input gets the usual exit status (1 failure, 2 usage)
// and a message on standard error that names the input and the place, and says how to fix it
// when that is known.
func TestErrorsNameTheInputAndPlace(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	trunc := write("trunc.json", "{\"UserDetailList\": [\n  {\"UserName\": 3,}")
	notList := write("notlist.json", `{"UserDetailList": {"a": 1}}`)
	empty := write("empty.json", "")
	policy := write("policy.json", `{"Version":"2012-10-17"}`)
	bomb := write("bomb.json", strings.Repeat("[", 20_000)+strings.Repeat("]", 20_000))
	newer := write("newer.json", `{"format":"iamscope-snapshot","version":99,"accounts":[]}`)
	edited := write("edited.json", `{"format":"iamscope-snapshot","version":1,"checksum":"sha256:00","accounts":[]}`)
	notArray := write("cases.json", "\n  {\"id\": 1}")
	badCases := write("badcases.json", "[{\"id\": 1,]")
	dump := write("dump.json", `{"UserDetailList":[{"UserName":"u","Arn":"arn:aws:iam::123456789012:user/u"}]}`)
	big := write("big.json", `{"UserDetailList":[{"UserName":"u","Arn":"arn:aws:iam::123456789012:user/u","Tags":[{"Key":"k","Value":"`+
		strings.Repeat("x", 1_500_000)+`"}]}]}`)
	none := filepath.Join(dir, "none.json")
	const obj = "arn:aws:s3:::tidewater-payroll/2025/03/salaries.csv"

	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		msgs []string // each must be on standard error
	}{
		{"unknown flag", nil, []string{"can", "--nope", "a", "b", "c"}, exitUsage, []string{"unknown flag: --nope", "Run 'iamscope can --help'"}},
		{"missing arguments", nil, []string{"can"}, exitUsage, []string{"accepts 3 arg(s), received 0"}},
		{"an unquoted *", nil, []string{"who-can", "s3:GetObject", "a.json", "b.json", "c.json"}, exitUsage, []string{"must be quoted ('*')"}},
		{"unknown command", nil, []string{"frobnicate"}, exitUsage, []string{`unknown command "frobnicate"`}},
		{"missing file", nil, []string{"who-can", "-f", none, "s3:GetObject", "*"}, exitFailure, []string{"loading " + none + ": no such file or directory"}},
		{"truncated dump", nil, []string{"who-can", "-f", trunc, "s3:GetObject", "*"}, exitFailure, []string{trunc + ":2:19: the JSON ends early"}},
		{"a list that is not", nil, []string{"who-can", "-f", notList, "s3:GetObject", "*"}, exitFailure, []string{notList + ":1:20 UserDetailList: must be a list, not an object"}},
		{"empty file", nil, []string{"who-can", "-f", empty, "s3:GetObject", "*"}, exitFailure, []string{empty + ": the file is empty"}},
		{"not a dump", nil, []string{"who-can", "-f", policy, "s3:GetObject", "*"}, exitFailure, []string{policy + ":1:1: not get-account-authorization-details output", "its members are Version"}},
		{"depth bomb", nil, []string{"who-can", "-f", bomb, "s3:GetObject", "*"}, exitFailure, []string{bomb + ":1:10001", "10,000 levels deep"}},
		{"newer snapshot", nil, []string{"who-can", "-f", newer, "s3:GetObject", "*"}, exitFailure, []string{newer + " was written by a newer iamscope"}},
		{"edited snapshot", nil, []string{"who-can", "-f", edited, "s3:GetObject", "*"}, exitFailure, []string{edited + " is corrupt or was edited"}},
		{"over the input limit", map[string]string{"IAMSCOPE_MAX_INPUT_MB": "1"}, []string{"who-can", "-f", big, "s3:GetObject", "*"}, exitFailure,
			[]string{big + " is 1 MiB: over the limit of 1 MiB that one load reads", "IAMSCOPE_MAX_INPUT_MB=2"}},
		{"unknown principal", nil, []string{"can", "dana.whitfeld", "s3:GetObject", obj}, exitUsage, []string{`no user, group or role is called "dana.whitfeld"`, "did you mean: dana.whitfield"}},
		{"a group for a principal", nil, []string{"can", "developers", "s3:GetObject", obj}, exitUsage, []string{"is a group, not a principal", "use what-can on the group"}},
		{"context without =", nil, []string{"can", "--context", "aws:MultiFactorAuthPresent", "dana.whitfield", "s3:GetObject", obj}, exitUsage,
			[]string{`--context "aws:MultiFactorAuthPresent": want key=value, e.g. aws:MultiFactorAuthPresent=true`}},
		{"context without prefix", nil, []string{"can", "--context", "SourceIp=1.2.3.4", "dana.whitfield", "s3:GetObject", obj}, exitUsage, []string{"a condition key has a prefix, e.g. aws:SourceIp"}},
		{"context IP", nil, []string{"can", "--context", "aws:SourceIp=10.0.0.300", "dana.whitfield", "s3:GetObject", obj}, exitUsage,
			[]string{`aws:SourceIp: "10.0.0.300" is not an IP address, e.g. 203.0.113.7`}},
		{"context date", nil, []string{"what-can", "-c", "aws:CurrentTime=yesterday", "dana.whitfield"}, exitUsage, []string{`"yesterday" is not a date, e.g. 2025-03-01T12:00:00Z`}},
		{"context bool", nil, []string{"who-can", "-c", "aws:MultiFactorAuthPresent=yes", "s3:GetObject", obj}, exitUsage, []string{`"yes" is not true or false`}},
		{"context number in a list", nil, []string{"paths", "-c", "aws:MultiFactorAuthAge=60", "-c", "aws:SecureTransport=true"}, exitOK, nil},
		{"action without service", nil, []string{"can", "dana.whitfield", "GetObject", obj}, exitUsage, []string{`ACTION "GetObject": want one action, service:Action, e.g. s3:GetObject`}},
		{"wildcard action", nil, []string{"who-can", "s3:Get*", obj}, exitUsage, []string{`ACTION "s3:Get*"`, "no wildcards"}},
		{"resource not an ARN", nil, []string{"can", "dana.whitfield", "s3:GetObject", "tidewater-payroll"}, exitUsage,
			[]string{`RESOURCE "tidewater-payroll": want an ARN`, "e.g. arn:aws:s3:::bucket/key"}},
		{"action the catalog does not know", nil, []string{"can", "dana.whitfield", "s3:GetObjekt", obj}, exitOK, []string{"s3:GetObjekt is not an action of s3 in the action catalog", "did you mean s3:GetObject or"}},
		{"service the catalog does not know", nil, []string{"can", "dana.whitfield", "s4:GetObject", obj}, exitOK, []string{`"s4" is no service prefix the action catalog knows`}},
		{"too many paths arguments", nil, []string{"paths", "a", "b"}, exitUsage, []string{"accepts at most 1 arg(s), received 2"}},
		{"snapshot without -o", nil, []string{"snapshot", "-f", dump}, exitUsage, []string{"snapshot needs -o FILE"}},
		{"snapshot into no folder", nil, []string{"snapshot", "-f", dump, "-o", filepath.Join(dir, "no", "s.json")}, exitFailure,
			[]string{"writing snapshot " + filepath.Join(dir, "no", "s.json") + ": the folder " + filepath.Join(dir, "no") + "/ does not exist"}},
		{"simulate, no file", nil, []string{"simulate", none}, exitFailure, []string{"reading cases from " + none + ": no such file or directory"}},
		{"simulate, not an array", nil, []string{"simulate", notArray}, exitFailure, []string{notArray + ": line 2, column 3: the cases must be a JSON array"}},
		{"simulate, bad JSON", nil, []string{"simulate", badCases}, exitFailure, []string{badCases + ": line 1, column 11"}},
		{"unknown profile", map[string]string{"AWS_CONFIG_FILE": none, "AWS_SHARED_CREDENTIALS_FILE": none, "AWS_PROFILE": ""},
			[]string{"who-can", "--profile", "nosuch", "s3:GetObject", "*"}, exitFailure, []string{`no profile "nosuch"`, "aws configure --profile nosuch"}},
		{"fine", nil, []string{"can", "dana.whitfield", "s3:GetObject", obj}, exitOK, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, _, stderr := runCapture(t, "", tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			for _, m := range tc.msgs {
				if !strings.Contains(stderr, m) {
					t.Errorf("stderr does not say %q:\n%s", m, stderr)
				}
			}
			if code == exitUsage && !strings.Contains(stderr, "--help' for usage") {
				t.Errorf("a usage error without the pointer to help:\n%s", stderr)
			}
		})
	}
}
