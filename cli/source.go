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
// a live AWS account, or, when none is named, the embedded demo account.
type Sources struct {
	Files []string
	// Profile and Region select a live account, read with read-only calls through the AWS
	// SDK's default chain; either one selects it.
	Profile string
	Region  string
}

// AddFlags registers the source flags on a command.
func (s *Sources) AddFlags(cmd *cobra.Command) {
	cmd.Flags().StringArrayVarP(&s.Files, "file", "f", nil,
		"read accounts from a get-account-authorization-details dump, an iamscope snapshot, a resource policy file, or a folder of them (repeatable)")
	cmd.Flags().StringVar(&s.Profile, "profile", "",
		"read the live AWS account of this profile, with read-only calls (credentials from the SDK's default chain: profiles, SSO, environment, instance roles)")
	cmd.Flags().StringVar(&s.Region, "region", "",
		"region of the live account's KMS keys, SQS queues, SNS topics, Lambda functions and secrets (default: the profile's); also selects the live account")
}

// live reports whether a live account is asked for.
func (s *Sources) live() bool { return s.Profile != "" || s.Region != "" }

// Describe says for people what the sources are.
func (s *Sources) Describe() string {
	if len(s.Files) == 0 && !s.live() {
		return "demo"
	}
	parts := make([]string, 0, len(s.Files)+1)
	for _, f := range s.Files {
		parts = append(parts, "file:"+f)
	}
	if s.live() {
		parts = append(parts, "live:"+cmp.Or(s.Profile, "default"))
	}
	return strings.Join(parts, " ")
}

// Load reads the accounts. progress may be nil.
func (s *Sources) Load(ctx context.Context, progress loader.ProgressFunc) ([]*model.Account, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
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
	if s.live() {
		a, err := live.Load(ctx, live.Options{Profile: s.Profile, Region: s.Region}, progress)
		if err != nil {
			return nil, err
		}
		accounts = append(accounts, a)
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
