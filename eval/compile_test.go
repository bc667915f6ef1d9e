package eval

import (
	"sync"
	"testing"
)

// TestFirstUseAnswersAsCompiled: a statement matches its patterns as written at its first use
// and compiled from the second (compile.go); both ways, and from many goroutines at once on a
// cold policy, the decisions are the same. Run with -race, it also checks that compiling on
// first use is safe to share.
func TestFirstUseAnswersAsCompiled(t *testing.T) {
	const doc = `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["S3:Get*","s3:List?ucket"],"Resource":["arn:aws:s3:::logs-*/*","arn:aws:s3:::logs-${aws:username}"]},
		{"Effect":"Deny","NotAction":"s3:*","NotResource":"arn:aws:s3:::keep/*"},
		{"Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:*:111122223333:q-?","Condition":{"StringLike":{"aws:username":"a*"}}}]}`
	requests := []*Request{
		{Action: "s3:GetObject", Resource: "arn:aws:s3:::logs-1/x"},
		{Action: "s3:ListBucket", Resource: "arn:aws:s3:::logs-alice"},
		{Action: "s3:ListBucket", Resource: "arn:aws:s3:::logs-bob"},
		{Action: "s3:PutObject", Resource: "arn:aws:s3:::logs-1/x"},
		{Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:111122223333:q-1"},
		{Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:111122223333:q-12"},
		{Action: "ec2:RunInstances", Resource: "arn:aws:ec2:us-east-1:111122223333:instance/i-1"},
	}
	decide := func(p *Policy, r *Request) Decision {
		ctx := NewContext()
		ctx.Set("aws:username", "alice")
		req := *r
		req.Principal, req.Context = "arn:aws:iam::111122223333:user/alice", ctx
		res, err := Evaluate(&Input{Identity: []*Policy{p}}, &req, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return res.Decision
	}
	compiled, err := ParseAndCompile("p", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 { // every statement compiled from the second pass on
		for _, r := range requests {
			decide(compiled, r)
		}
	}
	want := make([]Decision, len(requests))
	for i, r := range requests {
		want[i] = decide(compiled, r)
		fresh, _ := ParseAndCompile("p", []byte(doc))
		if got := decide(fresh, r); got != want[i] {
			t.Errorf("%s %s: first use says %s, compiled says %s", r.Action, r.Resource, got, want[i])
		}
	}
	if want[0] != Allowed || want[2] != ImplicitlyDenied || want[6] != ExplicitlyDenied {
		t.Fatalf("decisions %v: the test's policy no longer decides as intended", want)
	}

	cold, _ := ParseAndCompile("p", []byte(doc))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range requests {
				k := (i + g) % len(requests)
				if got := decide(cold, requests[k]); got != want[k] {
					t.Errorf("goroutine %d, %s %s: %s, want %s", g, requests[k].Action, requests[k].Resource, got, want[k])
				}
			}
		})
	}
	wg.Wait()
}
