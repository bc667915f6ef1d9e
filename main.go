// Command iamscope answers who can do what in an AWS account, and why.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/iamscope/iamscope/cli"
)

// Exit statuses follow the usual conventions: 0 success, 1 failure, 2 usage; diff says 3
// when it found changes; 130 when ctrl+c or a TERM stopped a subcommand before its answer was
// complete.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitChanges     = 3
	exitInterrupted = 130
)

// interruptGrace is how long a subcommand is given, after ctrl+c or a TERM, to end by itself (a
// live load stops at the signal and says what it did not read) before the process stops it.
const interruptGrace = 500 * time.Millisecond

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
		Args:          cobra.NoArgs,
	}
	addExplorer(root)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError{err}
	})
	root.AddCommand(cli.NewSimulateCommand(), cli.NewSnapshotCommand(), cli.NewCanCommand(),
		cli.NewWhatCanCommand(), cli.NewWhoCanCommand(), cli.NewPathsCommand(), cli.NewDiffCommand())
	return root
}

// run executes the command line and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// ctrl+c (or a TERM) cancels a load in progress: a live load stops promptly and says what
	// it did not read.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if cmd, _, err := root.Find(args); err != nil || cmd == root {
		// The explorer reads ctrl+c as a key and restores the terminal as it quits.
		return finish(root, args, root.ExecuteContext(ctx), stderr)
	}
	// A subcommand's answer is written through a buffer: a long answer is written in large
	// blocks, not a system call per line. What it holds is written when the command ends or
	// is stopped.
	out := &flushingWriter{w: bufio.NewWriterSize(stdout, 256<<10)}
	defer out.Flush()
	root.SetOut(out)
	// A subcommand's engine work does not watch the signal: it runs aside, and the signal
	// ends the command within interruptGrace whatever it is doing.
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	select {
	case err := <-done:
		out.Flush()
		return finish(root, args, err, stderr)
	case <-ctx.Done():
	}
	select {
	case err := <-done:
		out.Flush()
		return finish(root, args, err, stderr)
	case <-time.After(interruptGrace):
	}
	out.Flush()
	fmt.Fprintln(stderr, "iamscope: interrupted: stopped before the answer was complete; any output above is partial")
	return exitInterrupted
}

// flushingWriter is a buffered writer that the command writes through while the process may
// flush it on a signal: both hold its lock.
type flushingWriter struct {
	mu sync.Mutex
	w  *bufio.Writer
}

func (f *flushingWriter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.w.Write(p)
}

// Flush writes what the buffer holds.
func (f *flushingWriter) Flush() {
	f.mu.Lock()
	defer f.mu.Unlock()
	_ = f.w.Flush() // the command's answer is written or lost: nothing to report it to
}

// finish reports the command's error, if any, and returns the exit status.
func finish(root *cobra.Command, args []string, err error, stderr io.Writer) int {
	if err != nil {
		if errors.Is(err, cli.ErrChanged) {
			return exitChanges
		}
		fmt.Fprintln(stderr, "iamscope:", cli.CleanMessage(err.Error()))
		if isUsageError(err) {
			if tooManyArgs(err) {
				fmt.Fprintln(stderr, "A * in an argument must be quoted ('*'), or the shell replaces it with the names of files.")
			}
			fmt.Fprintf(stderr, "Run 'iamscope %s--help' for usage.\n", subcommand(root, args))
			return exitUsage
		}
		return exitFailure
	}
	return exitOK
}

// tooManyArgs recognises cobra's "accepts 3 arg(s), received 18": usually an unquoted * that
// the shell expanded.
func tooManyArgs(err error) bool {
	var want, got int
	msg := err.Error()
	if i := strings.Index(msg, "accepts "); i >= 0 {
		msg = msg[i:]
	}
	if _, e := fmt.Sscanf(msg, "accepts %d arg(s), received %d", &want, &got); e == nil && got > want {
		return true
	}
	if _, e := fmt.Sscanf(msg, "accepts at most %d arg(s), received %d", &want, &got); e == nil && got > want {
		return true
	}
	return false
}

// subcommand returns "NAME " for the subcommand args call, "" for none: where to find help.
func subcommand(root *cobra.Command, args []string) string {
	if cmd, _, err := root.Find(args); err == nil && cmd != root {
		return cmd.Name() + " "
	}
	return ""
}

// isUsageError recognises a wrong flag, a wrong number of arguments or an unknown command.
func isUsageError(err error) bool {
	var ue usageError
	if errors.As(err, &ue) || cli.IsUsage(err) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"accepts ", "requires at least", "unknown command", "unknown flag", "unknown shorthand flag"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
