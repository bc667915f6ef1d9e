package eval

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/iamscope/iamscope/internal/corpus"
	"github.com/iamscope/iamscope/model"
)

// TestCompilePublicPolicies compiles every policy the team collected from AWS documentation
// and public tools: every condition operator they use is one the engine knows. (Which files
// parse is model's TestPublicPolicies; the few that are not IAM policies are skipped here.)
func TestCompilePublicPolicies(t *testing.T) {
	dir, err := corpus.PoliciesDir()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*", "*__*.json"))
	if err != nil {
		t.Fatal(err)
	}
	compiled := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := model.ParsePolicy(data)
		var pe *model.PolicyError
		if errors.As(err, &pe) {
			continue
		}
		if _, err := Compile(filepath.Base(f), p); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		compiled++
	}
	if compiled < 540 {
		t.Errorf("compiled %d public policies, want the 541 that parse", compiled)
	}
}
