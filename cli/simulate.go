// Package cli holds iamscope's scriptable subcommands: each reads its input, asks the engine
// and prints text, or JSON with --json.
package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/spf13/cobra"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/sanitize"
	"github.com/iamscope/iamscope/jsontree"
)

// NewSimulateCommand returns `iamscope simulate FILE`: it decides every request case of a file
// (the format of eval/testdata/conformance/FORMAT.md; `-` reads standard input) and writes the results
// as a JSON array in the same order.
func NewSimulateCommand() *cobra.Command {
	var explain, pretty bool
	cmd := &cobra.Command{
		Use:   "simulate FILE",
		Short: "Decide request cases from a JSON file (- for standard input)",
		Long: `Decide every request case of FILE, a JSON array of cases (the conformance case format:
request, identityPolicies, resourcePolicy, permissionBoundaries, scps, rcps, sessionPolicy,
resourceAccount), and write a JSON array of results in the same order. A malformed case gets
an "error" naming its field and the others are still answered.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			collectLessOften(200)
			in, err := openInput(cmd.InOrStdin(), args[0])
			if err != nil {
				return err
			}
			defer in.Close()
			results, err := Simulate(in, explain)
			if err != nil {
				var re readError
				if errors.As(err, &re) {
					return describeReadError(args[0], re.err)
				}
				return fmt.Errorf("%s: %w", displayName(args[0]), err)
			}
			var out []byte
			if pretty {
				var buf bytes.Buffer
				enc := json.NewEncoder(&buf)
				enc.SetIndent("", "  ")
				err = enc.Encode(results)
				out = buf.Bytes()
			} else {
				out, err = appendResults(make([]byte, 0, 64*len(results)), results)
			}
			if err != nil {
				return fmt.Errorf("writing results: %w", err)
			}
			// Inert on a terminal: error messages quote the cases' text.
			if _, err := cmd.OutOrStdout().Write(sanitize.JSON(out)); err != nil {
				return fmt.Errorf("writing results: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&explain, "explain", false, "add each decision's explanation: every policy and statement weighed, and why")
	cmd.Flags().BoolVar(&pretty, "pretty", false, "indent the JSON output")
	return cmd
}

// readError is an error reading the cases, as opposed to one in what was read.
type readError struct{ err error }

func (e readError) Error() string { return e.err.Error() }
func (e readError) Unwrap() error { return e.err }

// caseBatch is how many cases a worker of Simulate takes at a time.
const caseBatch = 32

// Simulate decides every case of a JSON array of cases read from r, on every CPU as they are
// read rather than once the whole file is in; the results keep their order. A malformed case
// gets an error naming its field; text that is not an array of cases is an error naming its
// line and column; a read error is returned as a readError.
func Simulate(r io.Reader, explain bool) ([]eval.CaseResult, error) {
	type batch struct {
		start int
		items [][]byte
	}
	type answered struct {
		start   int
		results []eval.CaseResult
	}
	work := make(chan batch, 4*runtime.GOMAXPROCS(0))
	var (
		mu   sync.Mutex
		done []answered
		bad  atomic.Bool
		wg   sync.WaitGroup
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for b := range work {
				if bad.Load() {
					continue // the text is not JSON: take what is left, answer nothing
				}
				results := make([]eval.CaseResult, len(b.items))
				for i, item := range b.items {
					var ok bool
					if results[i], ok = eval.RunCaseItem(item, explain); !ok {
						bad.Store(true)
						break
					}
				}
				mu.Lock()
				done = append(done, answered{b.start, results})
				mu.Unlock()
			}
		})
	}
	n := 0
	next := batch{items: make([][]byte, 0, caseBatch)}
	text, ok, err := jsontree.SplitReader(r, func(item []byte) {
		next.items = append(next.items, item)
		n++
		if len(next.items) == caseBatch {
			work <- next
			next = batch{start: n, items: make([][]byte, 0, caseBatch)}
		}
	})
	if len(next.items) > 0 {
		work <- next
	}
	close(work)
	wg.Wait()
	if err != nil {
		return nil, readError{err}
	}
	if !ok || bad.Load() {
		return splitAndRun(text.Join(), explain)
	}
	results := make([]eval.CaseResult, n)
	for _, a := range done {
		copy(results[a.start:], a.results)
	}
	return results, nil
}

// splitAndRun is Simulate's way for text that did not read as an array of cases:
// SplitCases says what is wrong, at its line and column, or (JSON null) that there are no
// cases; the cases of anything else it accepts are decided one by one.
func splitAndRun(data []byte, explain bool) ([]eval.CaseResult, error) {
	cases, err := eval.SplitCases(data)
	if err != nil {
		return nil, err
	}
	results := make([]eval.CaseResult, len(cases))
	for i, raw := range cases {
		results[i] = eval.RunCase(raw, explain)
	}
	return results, nil
}

// openInput opens the cases to read: the file name, or standard input for "-".
func openInput(stdin io.Reader, name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(stdin), nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, describeReadError(name, err)
	}
	return f, nil
}

// describeReadError says what went wrong opening or reading the cases.
func describeReadError(name string, err error) error {
	if name == "-" {
		return fmt.Errorf("reading standard input: %w", err)
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("reading cases from %s: %w", name, err)
}

func displayName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}
