package cli

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/loader/live"
	"github.com/iamscope/iamscope/model"
)

// Sources says where the accounts come from: files (dumps, snapshots, resource policy files),
// live AWS accounts, a whole organization, or, when none is named, the embedded demo account.
type Sources struct {
	Files []string
	// Profiles and Region select live accounts, one per profile, read at once with read-only
	// calls through the AWS SDK's default chain; either one selects them (Region alone: the
	// default profile).
	Profiles []string
	Region   string
	// OrgRole reads every account of the organization that the profile (the first of
	// Profiles, else the default chain) manages, through sts:AssumeRole into this role in each;
	// Accounts and OU narrow the set.
	OrgRole  string
	Accounts []string
	OU       string
}

// AddFlags registers the source flags on a command.
func (s *Sources) AddFlags(cmd *cobra.Command) {
	cmd.Flags().StringArrayVarP(&s.Files, "file", "f", nil,
		"read accounts from a get-account-authorization-details dump, an iamscope snapshot, a resource policy file, or a folder of them (repeatable)")
	cmd.Flags().StringArrayVar(&s.Profiles, "profile", nil,
		"read the live AWS account of this profile, with read-only calls (credentials from the SDK's default chain: profiles, SSO, environment, instance roles); repeatable, the accounts are read at once")
	cmd.Flags().StringVar(&s.Region, "region", "",
		"region of the live account's KMS keys, SQS queues, SNS topics, Lambda functions and secrets (default: the profile's); also selects the live account")
	cmd.Flags().StringVar(&s.OrgRole, "org-role", "",
		"read every account of the organization: list them from the management account (or a delegated administrator) of --profile, and assume this role in each (sts:AssumeRole, the one call that is not a read)")
	cmd.Flags().StringSliceVar(&s.Accounts, "accounts", nil, "with --org-role: only these account ids (comma-separated)")
	cmd.Flags().StringVar(&s.OU, "ou", "", "with --org-role: only the accounts under this OU (or root) id")
}

// live reports whether a live account is asked for.
func (s *Sources) live() bool { return len(s.Profiles) > 0 || s.Region != "" || s.OrgRole != "" }

// Describe says for people what the sources are.
func (s *Sources) Describe() string {
	if len(s.Files) == 0 && !s.live() {
		return "demo"
	}
	parts := make([]string, 0, len(s.Files)+1)
	for _, f := range s.Files {
		parts = append(parts, "file:"+f)
	}
	switch {
	case s.OrgRole != "":
		parts = append(parts, "live-org:"+cmp.Or(strings.Join(s.Profiles, ","), "default")+"/"+s.OrgRole)
	case len(s.Profiles) > 0:
		for _, p := range s.Profiles {
			parts = append(parts, "live:"+p)
		}
	case s.live():
		parts = append(parts, "live:default")
	}
	return strings.Join(parts, " ")
}

// Load reads the accounts. progress may be nil.
func (s *Sources) Load(ctx context.Context, progress loader.ProgressFunc) ([]*model.Account, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.OrgRole == "" && (len(s.Accounts) > 0 || s.OU != "") {
		return nil, usageErr("--accounts and --ou narrow --org-role; give --org-role too")
	}
	if len(s.Files) == 0 && !s.live() {
		return demo.Accounts()
	}
	var accounts []*model.Account
	if len(s.Files) > 0 {
		var err error
		if accounts, err = loader.LoadFiles(s.Files, progress); err != nil {
			return nil, err
		}
	}
	if !s.live() {
		return accounts, nil
	}
	got, err := s.loadLive(ctx, progress)
	if err != nil {
		return nil, err
	}
	return append(accounts, got...), nil
}

// loadLive reads the live accounts: the organization's with OrgRole, else one per profile.
func (s *Sources) loadLive(ctx context.Context, progress loader.ProgressFunc) ([]*model.Account, error) {
	if s.OrgRole == "" {
		profiles := []live.Options{{Region: s.Region}}
		if len(s.Profiles) > 0 {
			profiles = profiles[:0]
			for _, p := range s.Profiles {
				profiles = append(profiles, live.Options{Profile: p, Region: s.Region})
			}
		}
		return live.LoadProfiles(ctx, profiles, progress)
	}
	if len(s.Profiles) > 1 {
		return nil, usageErr(fmt.Sprintf("--org-role reads the organization from one profile (its management account or a delegated administrator); got %d", len(s.Profiles)))
	}
	opts := live.OrgOptions{Options: live.Options{Region: s.Region}, RoleName: s.OrgRole, Accounts: s.Accounts, OU: s.OU}
	if len(s.Profiles) == 1 {
		opts.Profile = s.Profiles[0]
	}
	accounts, err := live.LoadOrganization(ctx, opts, progress)
	if err != nil {
		return nil, err
	}
	return accounts, nil
}

// warnPartial tells people on standard error when an account is partial.
func warnPartial(cmd *cobra.Command, accounts []*model.Account) {
	for _, a := range accounts {
		if n := len(a.Warnings); n > 0 {
			fmt.Fprintf(cmd.ErrOrStderr(), "iamscope: account %s is partial: %d warning(s); the first: %s\n",
				clean(a.ID), n, clean(a.Warnings[0].String()))
		}
	}
}

// isTerminal reports whether f is a terminal, for choosing progress output.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
