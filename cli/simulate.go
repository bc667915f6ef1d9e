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
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/spf13/cobra"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/sanitize"
)

// NewSimulateCommand returns `iamscope simulate FILE`: it decides every request case of a file
// (the format of shared/conformance/FORMAT.md; `-` reads standard input) and writes the results
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
			if os.Getenv("GOGC") == "" {
				// A batch that ends soon: collect garbage half as often, for a little more
				// memory (measured in BENCHMARKS.md).
				debug.SetGCPercent(200)
			}
			data, err := readInput(cmd.InOrStdin(), args[0])
			if err != nil {
				return err
			}
			results, err := Simulate(data, explain)
			if err != nil {
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

// Simulate decides every case of a JSON array of cases, on every CPU: the cases are
// independent, and the results keep their order. Each case's text is read once: checked as it
// is read, rather than the whole file first.
func Simulate(data []byte, explain bool) ([]eval.CaseResult, error) {
	if items, ok := eval.CaseItems(data); ok {
		if results, ok := runCases(items, explain, eval.RunCaseItem); ok {
			return results, nil
		}
	}
	// Not a JSON array (or JSON null, no cases): SplitCases says what is wrong.
	cases, err := eval.SplitCases(data)
	if err != nil {
		return nil, err
	}
	results, _ := runCases(cases, explain, func(raw json.RawMessage, explain bool) (eval.CaseResult, bool) {
		return eval.RunCase(raw, explain), true
	})
	return results, nil
}

// runCases decides cases with run on every CPU, keeping their order; it stops and reports
// false as soon as run does.
func runCases(cases []json.RawMessage, explain bool, run func(json.RawMessage, bool) (eval.CaseResult, bool)) ([]eval.CaseResult, bool) {
	results := make([]eval.CaseResult, len(cases))
	var next atomic.Int64
	var bad atomic.Bool
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(cases)) {
		wg.Go(func() {
			for !bad.Load() {
				i := int(next.Add(1)) - 1
				if i >= len(cases) {
					return
				}
				var ok bool
				if results[i], ok = run(cases[i], explain); !ok {
					bad.Store(true)
				}
			}
		})
	}
	wg.Wait()
	return results, !bad.Load()
}

func readInput(stdin io.Reader, name string) ([]byte, error) {
	if name == "-" {
		data, err := io.ReadAll(stdin)
		if err != nil {
			return nil, fmt.Errorf("reading standard input: %w", err)
		}
		return data, nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("reading cases from %s: %w", name, err)
	}
	return data, nil
}

func displayName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}
