// Command iamscope answers who can do what in an AWS account, and why.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/iamscope/iamscope/cli"
)

// Exit statuses follow the usual conventions.
const (
	exitFailure = 1
	exitUsage   = 2
)

// usageError marks a mistake in how the command was called.
type usageError struct{ error }

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "iamscope",
		Short: "Who can do what in an AWS account, and why",
		Long: `iamscope evaluates AWS IAM policies exactly as AWS does and explains every decision:
which statement of which policy allowed or denied, and which conditions are still open.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError{err}
	})
	root.AddCommand(cli.NewSimulateCommand())
	return root
}

func main() {
	root := newRootCommand()
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "iamscope:", err)
		var ue usageError
		if errors.As(err, &ue) || isArgsError(err) {
			os.Exit(exitUsage)
		}
		os.Exit(exitFailure)
	}
}
