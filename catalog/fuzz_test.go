package catalog

import (
	"slices"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/internal/corpus"
	"github.com/iamscope/iamscope/wildcard"
)

// FuzzExpand expands arbitrary action patterns: every action returned matches the pattern,
// regardless of case; none that matches is left out; the result is sorted; a pattern without
// wildcards finds at most the one action LookupAction finds. Seeds: the Action elements of the
// public policies (model/testdata/policies).
func FuzzExpand(f *testing.F) {
	actions, _, _, err := corpus.PolicyElements()
	if err != nil {
		f.Fatal(err)
	}
	for _, a := range actions {
		f.Add(a)
	}
	for _, s := range []string{"*", "*:*", "s3:Get*", "iam:?etUser", "*:Get*Policy", "S3:GETOBJECT", "ec2:*Instance*", ":", "s3:", "*a*a*a*b"} {
		f.Add(s)
	}
	all := loadIndex().actions
	f.Fuzz(func(t *testing.T, pattern string) {
		got := Expand(pattern)
		if !slices.IsSortedFunc(got, func(a, b *Action) int { return strings.Compare(a.lowerFull, b.lowerFull) }) {
			t.Fatalf("Expand(%q) is not sorted", pattern)
		}
		p := wildcard.Compile(toLowerASCII(pattern))
		n := 0
		for _, a := range all {
			if p.Match(a.lowerFull) {
				if n >= len(got) || got[n] != a {
					t.Fatalf("Expand(%q) leaves out %s or orders it wrongly", pattern, a.FullName())
				}
				n++
			}
		}
		if n != len(got) {
			t.Fatalf("Expand(%q) returns %d actions, %d match", pattern, len(got), n)
		}
		if p.IsLiteral() {
			a, ok := LookupAction(pattern)
			if ok != (len(got) == 1) || ok && got[0] != a {
				t.Fatalf("Expand(%q) = %d actions, LookupAction says %v", pattern, len(got), ok)
			}
		}
	})
}

// FuzzResourceTypeOf finds the resource types of arbitrary ARNs: every type returned has the
// ARN's format, none is returned twice, and text that is not an ARN has none. Seeds: the
// Resource elements of the public policies (model/testdata/policies).
func FuzzResourceTypeOf(f *testing.F) {
	_, resources, _, err := corpus.PolicyElements()
	if err != nil {
		f.Fatal(err)
	}
	for _, r := range resources {
		f.Add(r)
	}
	for _, s := range []string{"arn:aws:s3:::b/k", "arn:aws:iam::123456789012:role/a/b", "arn:aws:lambda:eu-west-1:1:function:f:1",
		"arn:aws:backup:us-east-1:1:recovery-point:x", "arn:", "arn:::::", "*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arn string) {
		got := ResourceTypeOf(arn)
		if _, _, ok := splitARN(arn); !ok && got != nil {
			t.Fatalf("ResourceTypeOf(%q), not an ARN, = %d types", arn, len(got))
		}
		seen := map[*ResourceType]bool{}
		for _, rt := range got {
			if !rt.Match(arn) {
				t.Fatalf("ResourceTypeOf(%q) gives %s:%s (%s), which it does not match", arn, rt.Service, rt.Name, rt.ARNFormat)
			}
			if seen[rt] {
				t.Fatalf("ResourceTypeOf(%q) gives %s:%s twice", arn, rt.Service, rt.Name)
			}
			seen[rt] = true
		}
	})
}
