package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/internal/corpus"
)

// addPublicPolicySeeds seeds a fuzzer with every policy file under model/testdata/policies and
// every policy in the documented conformance cases.
func addPublicPolicySeeds(f *testing.F) {
	dir, files := publicPolicyFiles(f)
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	path, err := corpus.Conformance()
	if err != nil {
		f.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	var cases any
	if err := json.Unmarshal(data, &cases); err != nil {
		f.Fatal(err)
	}
	n := 0
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if _, ok := v["Statement"]; ok {
				doc, _ := json.Marshal(v)
				f.Add(doc)
				n++
				return
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case string:
			if strings.Contains(v, "Statement") {
				f.Add([]byte(v))
				n++
			}
		}
	}
	walk(cases)
	if n < 62 {
		f.Fatalf("found only %d policies in %s", n, path)
	}
}

// FuzzParsePolicy: ParsePolicy never panics, refuses only with a *PolicyError, and a parsed
// policy's Document (the compact JSON it keeps) parses again to the very same policy.
func FuzzParsePolicy(f *testing.F) {
	addPublicPolicySeeds(f)
	f.Add([]byte(`"{\"Statement\":{\"Effect\":\"Deny\",\"NotAction\":\"*\"}}"`))
	f.Add([]byte(`%7B%22Statement%22%3A%5B%5D%7D`))
	f.Add([]byte(`{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"Null":{"k":[true,1,"x"]}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePolicy(data)
		if err != nil {
			var pe *PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is a %T, not a *PolicyError", err, err)
			}
			return
		}
		if !json.Valid(p.Document) || !bytes.HasPrefix(p.Document, []byte("{")) {
			t.Fatalf("Document is not a JSON object: %q", p.Document)
		}
		again, err := ParsePolicy(p.Document)
		if err != nil {
			t.Fatalf("Document %s does not parse again: %v", p.Document, err)
		}
		if !reflect.DeepEqual(again, p) {
			t.Fatalf("Document parses to a different policy:\nfirst  %+v\nsecond %+v", p, again)
		}
		for i, s := range p.Statements {
			if s.Index != i || (s.Effect != Allow && s.Effect != Deny) || s.Actions == nil {
				t.Fatalf("statement %d is incomplete: %+v", i, s)
			}
			if !json.Valid(s.JSON) {
				t.Fatalf("statement %d JSON is not valid: %q", i, s.JSON)
			}
		}
	})
}

// FuzzParseARN: ParseARN never panics, and what it accepts it gives back unchanged.
func FuzzParseARN(f *testing.F) {
	for _, s := range []string{"arn:aws:s3:::bucket/key", "arn:aws:lambda:us-east-1:111122223333:function:f:1", "arn:::::", "arn:aws", "", "arn:aws:iam::111122223333:root"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseARN(s)
		if err != nil {
			if strings.HasPrefix(s, "arn:") && strings.Count(s, ":") >= 5 {
				t.Fatalf("refused %q, which has the shape of an ARN: %v", s, err)
			}
			return
		}
		if a.String() != s {
			t.Fatalf("ParseARN(%q).String() = %q", s, a.String())
		}
		for _, field := range []string{a.Partition, a.Service, a.Region, a.Account} {
			if strings.Contains(field, ":") {
				t.Fatalf("ParseARN(%q) has a colon inside a field: %+v", s, a)
			}
		}
	})
}

// FuzzParseRequestPrincipal: never panics; what it accepts is classified consistently.
func FuzzParseRequestPrincipal(f *testing.F) {
	for _, s := range []string{
		"arn:aws:iam::111122223333:user/path/alice", "arn:aws:iam::111122223333:role/r",
		"arn:aws:sts::111122223333:assumed-role/r/s", "arn:aws:sts::111122223333:federated-user/b",
		"arn:aws:iam::111122223333:root", "lambda.amazonaws.com", "anonymous", "*", "arn:aws:iam::1:user/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseRequestPrincipal(s)
		if err != nil {
			if !strings.Contains(err.Error(), strconv.Quote(s)) || p != (RequestPrincipal{}) {
				t.Fatalf("the error must quote the input and come with no principal: %+v, %v", p, err)
			}
			return
		}
		switch p.Kind {
		case PrincipalUnknown:
			t.Fatalf("accepted %q without a kind", s)
		case PrincipalAnonymous, PrincipalService:
			if p.IsIAM() || p.Account != "" {
				t.Fatalf("%q: a %v has no account: %+v", s, p.Kind, p)
			}
			return
		}
		if !p.IsIAM() || p.Account == "" || p.ARN != s || AccountOf(s) != p.Account {
			t.Fatalf("%q: an IAM principal needs its account and ARN: %+v", s, p)
		}
		if p.Kind != PrincipalRoot && p.Name == "" {
			t.Fatalf("%q: no name: %+v", s, p)
		}
		switch p.Kind {
		case PrincipalUser, PrincipalRole:
			if !strings.HasPrefix(p.Path, "/") || !strings.HasSuffix(p.Path, "/") || !strings.HasSuffix(s, p.Path+p.Name) {
				t.Fatalf("%q: path %q and name %q do not rebuild the ARN", s, p.Path, p.Name)
			}
		case PrincipalRoleSession:
			role, err := ParseRequestPrincipal(p.RoleARN())
			if err != nil || role.Kind != PrincipalRole || role.Name != p.Name || role.Account != p.Account {
				t.Fatalf("%q: RoleARN %q is not the session's role: %+v %v", s, p.RoleARN(), role, err)
			}
		}
	})
}
