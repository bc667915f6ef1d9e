package cli

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestOrgSourceFlags: --profile is repeatable, --org-role takes the organization from one
// profile, and --accounts and --ou only narrow --org-role; the mistakes are usage errors
// that say what to do, found before anything is read.
func TestOrgSourceFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--accounts", "111122223333", "s3:GetObject", "*"}, "--accounts and --ou narrow --org-role"},
		{[]string{"--ou", "ou-abcd-12345678", "s3:GetObject", "*"}, "--accounts and --ou narrow --org-role"},
		{[]string{"--org-role", "Audit", "--profile", "a", "--profile", "b", "s3:GetObject", "*"}, "from one profile"},
	} {
		_, err := run(t, NewWhoCanCommand(), tc.args...)
		if err == nil || !IsUsage(err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want a usage error saying %q", tc.args, err, tc.want)
		}
	}

	var s Sources
	cmd := &cobra.Command{Use: "x"}
	s.AddFlags(cmd)
	if err := cmd.ParseFlags([]string{"--profile", "prod", "--profile", "tooling", "--accounts", "1,2"}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Profiles, []string{"prod", "tooling"}) || !slices.Equal(s.Accounts, []string{"1", "2"}) {
		t.Errorf("profiles %v, accounts %v", s.Profiles, s.Accounts)
	}
	if got := s.Describe(); got != "live:prod live:tooling" {
		t.Errorf("Describe: %q", got)
	}
	s.OrgRole, s.Profiles = "Audit", []string{"mgmt"}
	if got := s.Describe(); got != "live-org:mgmt/Audit" {
		t.Errorf("Describe with --org-role: %q", got)
	}
}
