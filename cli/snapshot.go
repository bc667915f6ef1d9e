package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/iamscope/iamscope/loader"
)

// NewSnapshotCommand returns `iamscope snapshot -o FILE`: it loads the named sources and writes
// everything loaded (accounts, warnings, the source and the time) to a snapshot file that
// --file reads back exactly. The file is written atomically with mode 0600.
func NewSnapshotCommand() *cobra.Command {
	var src Sources
	var out string
	cmd := &cobra.Command{
		Use:   "snapshot -o FILE",
		Short: "Save the loaded accounts to a snapshot file",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageErr("snapshot needs -o FILE")
			}
			progress, done := progressLine(cmd)
			accounts, err := src.Load(cmd.Context(), progress)
			done()
			if err != nil {
				return err
			}
			warnPartial(cmd, accounts)
			if err := loader.WriteSnapshot(out, accounts, loader.SnapshotMeta{Source: src.Describe()}); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "iamscope: wrote %d account(s) to %s\n", len(accounts), clean(out))
			return nil
		},
	}
	src.AddFlags(cmd)
	cmd.Flags().StringVarP(&out, "output", "o", "", "the snapshot file to write")
	return cmd
}
