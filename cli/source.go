package cli

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/model"
)

// Sources says where the accounts come from: files (dumps, snapshots, resource policy files),
// or, when none is named, the embedded demo account.
type Sources struct {
	Files []string
}

// AddFlags registers the source flags on a command.
func (s *Sources) AddFlags(cmd *cobra.Command) {
	cmd.Flags().StringArrayVarP(&s.Files, "file", "f", nil,
		"read accounts from a get-account-authorization-details dump, an iamscope snapshot, a resource policy file, or a folder of them (repeatable)")
}

// Describe says for people what the sources are.
func (s *Sources) Describe() string {
	if len(s.Files) == 0 {
		return "demo"
	}
	parts := make([]string, len(s.Files))
	for i, f := range s.Files {
		parts[i] = "file:" + f
	}
	return strings.Join(parts, " ")
}

// Load reads the accounts. progress may be nil.
func (s *Sources) Load(ctx context.Context, progress loader.ProgressFunc) ([]*model.Account, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(s.Files) == 0 {
		return demo.Accounts()
	}
	return loader.LoadFiles(s.Files, progress)
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
