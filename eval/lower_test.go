package eval

import (
	"strings"
	"testing"
)

// TestLowerAll checks lowerAll and lowerString against strings.ToLower, non-ASCII text included.
func TestLowerAll(t *testing.T) {
	in := []string{"s3:GetObject", "", "s3:*", "IAM:Pass\u212Aey", "ec2:Describe*", "\xff A", "sts:AssumeRole"}
	got := lowerAll(in)
	for i, s := range in {
		if got[i] != strings.ToLower(s) {
			t.Errorf("lowerAll(%q) = %q, want %q", s, got[i], strings.ToLower(s))
		}
		if l := lowerString(s); l != strings.ToLower(s) {
			t.Errorf("lowerString(%q) = %q, want %q", s, l, strings.ToLower(s))
		}
	}
}

// TestReadOperatorCase checks that operators are read in any case, including a name whose
// Unicode lower case is a known operator's, as strings.ToLower has it.
func TestReadOperatorCase(t *testing.T) {
	for _, name := range []string{"StringLike", "forAnyValue:stringequalsIGNORECASEifexists", "StringLi\u212Ae"} {
		if _, _, _, err := readOperator(name); err != nil {
			t.Errorf("readOperator(%q): %v", name, err)
		}
	}
	if _, _, _, err := readOperator("StringLikes"); err == nil {
		t.Error("readOperator(StringLikes): no error")
	}
}
