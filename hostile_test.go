package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Hostile text, as anyone who can name a role or tag a user can write it: a colour and a
// screen clear (CSI), a clipboard write (OSC 52) and a window title (OSC 0), 8-bit CSI and OSC
// (C1), DEL, a bidirectional override and isolates that reverse what follows, and characters
// that draw nothing (zero-width space and joiner, byte order mark, soft hyphen, line
// separator), with which one name passes for another.
const (
	csi   = "\x1b[31m\x1b[2J\x1b[H"
	osc52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07"
	title = "\x1b]0;pwned\x1b\\"
	c1    = "\u009b31m\u009d52;c;QQ==\u009c"
	del   = "\x7f"
	bidi  = "\u202egpj.exe\u202c\u2066x\u2069\u200f"
	hide  = "ad\u200bm\u200di\ufeffn\u00ad\u2028"
	evil  = csi + osc52 + title + c1 + del + bidi + hide
)

const hostileAcct = "123456789012"

var (
	hostileUser  = "arn:aws:iam::" + hostileAcct + ":user/ops" + bidi + "/dana" + csi
	hostileRole  = "arn:aws:iam::" + hostileAcct + ":role/deploy" + osc52
	hostileBkt   = "arn:aws:s3:::payroll" + c1
	hostileObj   = hostileBkt + "/2025/" + title + "salaries.csv"
	hostileGroup = "devs" + del + osc52
)

// hostileDump writes a get-account-authorization-details dump whose names, paths, tags, policy
// names, Sids, conditions, descriptions and resources hold terminal controls; one inline
// policy uses an operator the engine does not know and one is not a policy at all, so that
// warnings and partial answers quote them too.
func hostileDump(t *testing.T) string {
	t.Helper()
	type obj = map[string]any
	stmt := func(sid, action, resource string, cond obj) obj {
		s := obj{"Sid": sid, "Effect": "Allow", "Action": action, "Resource": resource}
		if cond != nil {
			s["Condition"] = cond
		}
		return s
	}
	doc := func(stmts ...obj) obj { return obj{"Version": "2012-10-17", "Statement": stmts} }
	dump := obj{
		"UserDetailList": []obj{{
			"UserName": "dana" + csi, "UserId": "AIDAHOSTILE", "Path": "/ops" + bidi + "/", "Arn": hostileUser,
			"GroupList": []string{hostileGroup}, "AttachedManagedPolicies": []obj{},
			"Tags": []obj{{"Key": "team" + osc52, "Value": "pay" + c1 + bidi}},
			"UserPolicyList": []obj{
				{"PolicyName": "read" + evil, "PolicyDocument": doc(
					stmt("Read"+title, "s3:GetObject", hostileBkt+"/*", obj{"StringLike": obj{"aws:PrincipalTag/team" + osc52: "pay" + c1 + "*"}}),
					stmt("Assume", "sts:AssumeRole", hostileRole, nil),
					stmt("Keys", "iam:CreateAccessKey", "*", nil))},
				{"PolicyName": "odd" + evil, "PolicyDocument": doc(stmt("Odd", "s3:*", "*", obj{"StringEqualsSomehow" + csi: obj{"aws:username": "x" + osc52}}))},
				{"PolicyName": "broken" + evil, "PolicyDocument": "not a policy" + evil},
			},
		}},
		"GroupDetailList": []obj{{"GroupName": hostileGroup, "GroupId": "AGPAHOSTILE", "Path": "/",
			"Arn": "arn:aws:iam::" + hostileAcct + ":group/" + hostileGroup, "AttachedManagedPolicies": []obj{
				{"PolicyName": "managed" + evil, "PolicyArn": "arn:aws:iam::" + hostileAcct + ":policy/managed" + evil}},
			"GroupPolicyList": []obj{}}},
		"RoleDetailList": []obj{{"RoleName": "deploy" + osc52, "RoleId": "AROAHOSTILE", "Path": "/", "Arn": hostileRole,
			"AssumeRolePolicyDocument": obj{"Version": "2012-10-17", "Statement": []obj{{"Effect": "Allow",
				"Principal": obj{"AWS": "arn:aws:iam::" + hostileAcct + ":root"}, "Action": "sts:AssumeRole"}}},
			"Tags": []obj{{"Key": "k" + evil, "Value": evil}}, "InstanceProfileList": []obj{}, "AttachedManagedPolicies": []obj{},
			"RolePolicyList": []obj{{"PolicyName": "admin" + evil, "PolicyDocument": doc(stmt("All"+evil, "*", "*", nil))}}}},
		"Policies": []obj{{"PolicyName": "managed" + evil, "PolicyId": "ANPAHOSTILE", "Path": "/",
			"Arn": "arn:aws:iam::" + hostileAcct + ":policy/managed" + evil, "Description": "desc" + evil,
			"DefaultVersionId": "v1", "PolicyVersionList": []obj{{"VersionId": "v1", "IsDefaultVersion": true,
				"Document": doc(stmt("M"+evil, "s3:ListBucket", hostileBkt, nil))}}}},
	}
	b, err := json.Marshal(dump)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "hostile.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// inert fails the test for anything in out that a terminal would act on: C0 controls but the
// newline, DEL, C1 controls, bidirectional controls, characters that draw nothing (format
// characters and the line and paragraph separators), and bytes that are not UTF-8.
func inert(t *testing.T, what, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Errorf("%s: output is not UTF-8", what)
	}
	for i, r := range out {
		if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f) ||
			unicode.Is(unicode.Cf, r) || r == 0x2028 || r == 0x2029 {
			lo, hi := max(0, i-60), min(len(out), i+20)
			t.Errorf("%s: control U+%04X at byte %d: %q", what, r, i, out[lo:hi])
			return
		}
	}
}

// Every CLI command, in text mode, on an account whose names, tags and policies hold escape
// sequences, OSC 52 and bidi overrides: nothing a terminal acts on reaches standard output
// or standard error. In JSON mode, the same strings are escaped, and read back whole.
func TestHostileAccountIsDrawnInert(t *testing.T) {
	file := hostileDump(t)
	dir := t.TempDir()
	snap := filepath.Join(dir, "hostile"+csi+".snapshot.json")
	cases := filepath.Join(dir, "cases.json")
	if err := os.WriteFile(cases, []byte(`[{"id":"x`+jsonText(evil)+`","request":{"principal":7}},`+
		`{"id":"ok","request":{"principal":"`+jsonText(hostileUser)+`","action":"s3:GetObject","resource":"`+jsonText(hostileObj)+`"},`+
		`"identityPolicies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Weird`+
		jsonText(evil)+`":{"a:b":"c"}}}]}]}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	notArray := filepath.Join(dir, "not-array.json")
	if err := os.WriteFile(notArray, []byte(`{"x":"`+jsonText(evil)+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	badJSON := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(badJSON, []byte("{\"UserDetailList\": [\x1b]52;c;AAAA\x07"), 0o600); err != nil {
		t.Fatal(err)
	}
	runs := []struct {
		name string
		args []string
		code int
	}{
		{"can", []string{"can", "-f", file, hostileUser, "s3:GetObject", hostileObj}, exitOK},
		{"can the role", []string{"can", "-f", file, hostileRole, "s3:ListBucket", hostileBkt}, exitOK},
		{"what-can", []string{"what-can", "-f", file, hostileUser}, exitOK},
		{"what-can the group", []string{"what-can", "-f", file, hostileGroup}, exitOK},
		{"who-can", []string{"who-can", "-f", file, "s3:GetObject", hostileObj}, exitOK},
		{"paths", []string{"paths", "-f", file}, exitOK},
		{"paths of one", []string{"paths", "-f", file, hostileUser}, exitOK},
		{"snapshot", []string{"snapshot", "-f", file, "-o", snap}, exitOK},
		{"diff", []string{"diff", "--before", filepath.Join("cli", "testdata", "partner"), "--after", file}, exitChanges},
		{"simulate", []string{"simulate", cases}, exitOK},
		{"simulate, not an array", []string{"simulate", notArray}, exitFailure},
		{"unknown principal", []string{"can", "-f", file, "dana" + evil, "s3:GetObject", hostileObj}, exitUsage},
		{"bad context", []string{"can", "-f", file, "--context", evil, hostileUser, "s3:GetObject", hostileObj}, exitUsage},
		{"bad action", []string{"can", "-f", file, hostileUser, "s3" + evil, hostileObj}, exitUsage},
		{"bad JSON", []string{"who-can", "-f", badJSON, "s3:GetObject", "*"}, exitFailure},
		{"missing file", []string{"who-can", "-f", filepath.Join(dir, "none"+evil), "s3:GetObject", "*"}, exitFailure},
		{"unknown flag", []string{"can", "--" + strings.ReplaceAll(evil, " ", ""), "a", "b", "c"}, exitUsage},
	}
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			code, out, errOut := runCapture(t, "", r.args...)
			if code != r.code {
				t.Errorf("exit %d, want %d; stderr %q", code, r.code, errOut)
			}
			inert(t, "stdout", out)
			inert(t, "stderr", errOut)
			if r.code == exitOK && r.name != "snapshot" && r.name != "simulate" && len(out) == 0 {
				t.Error("no output")
			}
		})
	}
	// The snapshot holds the names as they were; read back, they are drawn inert again.
	code, out, errOut := runCapture(t, "", "can", "-f", snap, hostileUser, "s3:GetObject", hostileObj)
	if code != exitOK {
		t.Fatalf("can on the snapshot: exit %d: %s", code, errOut)
	}
	inert(t, "can on the snapshot", out+errOut)
	if !strings.Contains(out, "PARTIAL") || !strings.Contains(out, "StringEqualsSomehow") {
		t.Errorf("the answer should say what it could not weigh:\n%s", out)
	}
}

// jsonText returns s as the inside of a JSON string.
func jsonText(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// In JSON mode the hostile strings are escaped, not dropped: decoded, they come back whole.
func TestHostileAccountInJSON(t *testing.T) {
	file := hostileDump(t)
	for _, r := range []struct {
		name string
		args []string
		want []string // strings the decoded output must hold, exactly
	}{
		{"can", []string{"can", "--json", "-f", file, hostileUser, "s3:GetObject", hostileObj}, []string{hostileUser, hostileObj, "Read" + title}},
		{"what-can", []string{"what-can", "--json", "-f", file, hostileUser}, []string{hostileUser, hostileBkt + "/*"}},
		{"who-can", []string{"who-can", "--json", "-f", file, "s3:GetObject", hostileObj}, []string{hostileUser, hostileObj}},
		{"paths", []string{"paths", "--json", "-f", file}, []string{hostileUser}},
	} {
		t.Run(r.name, func(t *testing.T) {
			code, out, errOut := runCapture(t, "", r.args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			inert(t, "stdout", out)
			inert(t, "stderr", errOut)
			var v any
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			found := map[string]bool{}
			var walk func(any)
			walk = func(x any) {
				switch x := x.(type) {
				case string:
					for _, w := range r.want {
						if strings.Contains(x, w) {
							found[w] = true
						}
					}
				case []any:
					for _, e := range x {
						walk(e)
					}
				case map[string]any:
					for _, e := range x {
						walk(e)
					}
				}
			}
			walk(v)
			for _, w := range r.want {
				if !found[w] {
					t.Errorf("the decoded JSON lacks %q", w)
				}
			}
		})
	}
}
