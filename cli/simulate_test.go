package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/iamscope/iamscope/internal/corpus"
)

const goodCase = `{"id": "ok", "request": {"principal": "arn:aws:iam::111111111111:user/alice",
  "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"},
  "identityPolicies": [{"name": "read", "policy": {"Version": "2012-10-17",
    "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}}],
  "resourceAccount": "111111111111"}`

func simulate(t *testing.T, input string, args ...string) []map[string]any {
	t.Helper()
	cmd := NewSimulateCommand()
	var out bytes.Buffer
	cmd.SetIn(strings.NewReader(input))
	cmd.SetOut(&out)
	cmd.SetArgs(append(args, "-"))
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	var results []map[string]any
	if err := json.Unmarshal(out.Bytes(), &results); err != nil {
		t.Fatalf("output is not a JSON array: %v\n%s", err, out.String())
	}
	return results
}

// TestSimulateMalformedCaseDoesNotStopOthers: a malformed case gets an error naming its field,
// and the cases around it are still answered.
func TestSimulateMalformedCaseDoesNotStopOthers(t *testing.T) {
	bad := `{"id": "bad", "request": {"principal": "arn:aws:iam::111111111111:user/alice",
	  "action": "s3:GetObject", "resource": "*"},
	  "identityPolicies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
	    {"Action": "s3:*", "Resource": "*"}]}]}`
	badAction := `{"id": "bad-action", "request": {"principal": "arn:aws:iam::111111111111:user/alice",
	  "action": "GetObject", "resource": "*"}}`
	results := simulate(t, "["+goodCase+","+bad+","+badAction+","+goodCase+"]")
	if len(results) != 4 {
		t.Fatalf("%d results, want 4", len(results))
	}
	for _, i := range []int{0, 3} {
		if results[i]["decision"] != "Allowed" {
			t.Errorf("result %d: %v", i, results[i])
		}
	}
	if got := results[1]["error"]; got != "identityPolicies[0].Statement[1].Effect: missing" {
		t.Errorf("error = %q", got)
	}
	if got, _ := results[2]["error"].(string); !strings.HasPrefix(got, "request.action:") {
		t.Errorf("error = %q", got)
	}
	if results[1]["id"] != "bad" {
		t.Errorf("id not echoed: %v", results[1])
	}
}

// TestSimulateExplain checks that --explain names the deciding policy and statement.
func TestSimulateExplain(t *testing.T) {
	results := simulate(t, "["+goodCase+"]", "--explain")
	ex, ok := results[0]["explanation"].(map[string]any)
	if !ok {
		t.Fatalf("no explanation: %v", results[0])
	}
	reason, _ := ex["reason"].(string)
	if !strings.Contains(reason, `identity policy "read" statement 0 (Sid "Read")`) {
		t.Errorf("reason = %q", reason)
	}
	pols := ex["policies"].([]any)
	st := pols[0].(map[string]any)["statements"].([]any)[0].(map[string]any)
	if st["decisive"] != true || st["result"] != "match" {
		t.Errorf("statement trace = %v", st)
	}
	if without := simulate(t, "["+goodCase+"]"); without[0]["explanation"] != nil {
		t.Error("explanation given without --explain")
	}
}

// TestSimulateDiscovery: in discovery mode a decision that hangs on an absent key is
// "allowed if" that condition.
func TestSimulateDiscovery(t *testing.T) {
	c := `{"id": "mfa", "mode": "Discovery", "request": {"principal": "arn:aws:iam::111111111111:user/alice",
	  "action": "iam:DeleteUser", "resource": "arn:aws:iam::111111111111:user/bob"},
	  "identityPolicies": [{"Version": "2012-10-17", "Statement": [
	    {"Effect": "Allow", "Action": "iam:*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
	    {"Effect": "Deny", "Action": "iam:Delete*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}, "StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}]}]}`
	r := simulate(t, "["+c+"]")[0]
	if r["decision"] != "Allowed" {
		t.Fatalf("decision %v", r)
	}
	want := "Bool aws:MultiFactorAuthPresent [true] and (NotIpAddress aws:SourceIp [0.0.0.0/0] or StringNotEquals aws:RequestedRegion [eu-west-1])"
	if r["allowedIf"] != want {
		t.Errorf("allowedIf = %q\nwant       %q", r["allowedIf"], want)
	}
	if conds := r["conditions"].([]any); len(conds) != 3 {
		t.Errorf("conditions = %v", conds)
	}
	// The same case in strict mode: the key is absent, so Bool is false.
	strict := strings.Replace(c, `"Discovery"`, `"Strict"`, 1)
	if r := simulate(t, "["+strict+"]")[0]; r["decision"] != "ImplicitlyDenied" || r["allowedIf"] != nil {
		t.Errorf("strict: %v", r)
	}
}

// TestSimulateAgreesWithCaseByCase: deciding cases on every CPU as they are read, a byte
// at a time or all at once, gives what splitting the whole file and deciding its cases one by
// one gives, for good files, files with malformed cases, and files that are not JSON arrays
// (the same error, at the same line and column).
func TestSimulateAgreesWithCaseByCase(t *testing.T) {
	conformance, err := corpus.Conformance()
	if err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(conformance)
	if err != nil {
		t.Fatal(err)
	}
	many := "[" + strings.Repeat(goodCase+",", 3*caseBatch) + goodCase + "]"
	for _, text := range []string{
		string(good), many, "[" + goodCase + ", 7, {}]", "[]", " null ", "",
		`[1,]`, "[" + goodCase + "] x", "[" + goodCase + ", {", `{"id": 1}`,
		"[" + strings.Repeat(goodCase+",", caseBatch+1) + `{"id": "\x01"}]`,
	} {
		want, wantErr := splitAndRun([]byte(text), true)
		for _, r := range []io.Reader{strings.NewReader(text), iotest.OneByteReader(strings.NewReader(text))} {
			got, err := Simulate(r, true)
			if fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Fatalf("%.50q: error %v, case by case %v", text, err, wantErr)
			}
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			if !bytes.Equal(g, w) {
				t.Fatalf("%.50q: Simulate answers %.300s\ncase by case %.300s", text, g, w)
			}
		}
	}
}

// TestSimulateReadError: an error reading the cases is a readError, not an answer.
func TestSimulateReadError(t *testing.T) {
	boom := errors.New("boom")
	_, err := Simulate(io.MultiReader(strings.NewReader("["+goodCase+","), iotest.ErrReader(boom)), false)
	var re readError
	if !errors.As(err, &re) || !errors.Is(err, boom) {
		t.Fatalf("error %v, want a readError wrapping boom", err)
	}
}
