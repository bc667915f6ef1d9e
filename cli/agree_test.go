package cli

import (
	"strings"
	"testing"
)

// whatCanLists returns what `what-can --json` lists for an action: resource -> allowedIf.
func whatCanLists(t *testing.T, action string, args ...string) map[string]string {
	t.Helper()
	out, err := run(t, NewWhatCanCommand(), append(args, "--json", "--no-chains")...)
	if err != nil {
		t.Fatal(err)
	}
	var got whatCanJSON
	mustJSON(t, out, &got)
	res := map[string]string{}
	for _, s := range got.Services {
		for _, l := range s.Levels {
			for _, a := range l.Actions {
				if a.Action != action {
					continue
				}
				for _, r := range a.Resources {
					res[r.Resource] = r.AllowedIf
				}
			}
		}
	}
	return res
}

// A bucket policy denies plain HTTP on exactly the objects alice's identity policy grants. An
// explicit deny in any policy, the bucket policy included, overrides every allow
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html),
// and aws:SecureTransport is false for a request over plain HTTP
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-securetransport).
// what-can must weigh the bucket policy on the pattern it lists, as can does: over HTTP it
// lists nothing, and in discovery the object pattern hangs on HTTPS.
func TestWhatCanWeighsTheBucketPolicyOnTheGrantedPattern(t *testing.T) {
	const dir = "testdata/bucket-deny"
	const objects = "arn:aws:s3:::acme-data/*"
	http := []string{"alice", "--file", dir, "--strict", "--context", "aws:SecureTransport=false"}
	if got := whatCanLists(t, "s3:GetObject", http...); len(got) != 0 {
		t.Errorf("what-can over plain HTTP lists s3:GetObject on %v; the bucket policy denies it", got)
	}
	out, err := run(t, NewCanCommand(), "alice", "s3:GetObject", objects, "--file", dir, "--strict", "--context", "aws:SecureTransport=false", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var can struct{ Decision string }
	mustJSON(t, out, &can)
	if can.Decision != "ExplicitlyDenied" {
		t.Errorf("can says %s, want ExplicitlyDenied", can.Decision)
	}
	got := whatCanLists(t, "s3:GetObject", "alice", "--file", dir)
	if cond, ok := got[objects]; !ok || !strings.Contains(cond, "aws:SecureTransport") {
		t.Errorf("discovery: what-can lists %v, want %s if not Bool aws:SecureTransport [false]", got, objects)
	}
}

// paths decides hops and steps in the context given (aws:MultiFactorAuthPresent, from
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent),
// and a step decided with keys of its own lists them (iam:PassedToService).
func TestPathsTakeTheContext(t *testing.T) {
	mfaHops := func(args ...string) (hops int) {
		out, err := run(t, NewPathsCommand(), append([]string{"omar.haddad", "--json"}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		var got pathsJSON
		mustJSON(t, out, &got)
		for _, p := range got.Paths {
			for _, h := range p.Via {
				if strings.Contains(h.AllowedIf, "aws:MultiFactorAuthPresent") {
					hops++
				}
			}
		}
		return hops
	}
	if mfaHops() == 0 {
		t.Fatal("without context no hop hangs on MFA: the test shows nothing")
	}
	if n := mfaHops("--context", "aws:MultiFactorAuthPresent=true"); n != 0 {
		t.Errorf("with MFA given, %d hops still hang on it", n)
	}
	out, err := run(t, NewPathsCommand(), "dana.whitfield", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var got pathsJSON
	mustJSON(t, out, &got)
	passes := 0
	for _, p := range got.Paths {
		for _, s := range p.Steps {
			if s.Action == "iam:PassRole" {
				passes++
				if v := s.Context["iam:PassedToService"]; len(v) != 1 || v[0] != "lambda.amazonaws.com" {
					t.Errorf("%s: iam:PassRole step context %v", p.ID, s.Context)
				}
			}
		}
	}
	if passes == 0 {
		t.Error("no iam:PassRole step")
	}
}
