package cli

import (
	"io"
	"testing"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/synth"
)

// BenchmarkPathsEveryPrincipal answers `paths` of every principal of the generated large
// accounts (sparse and dense, as the eval benchmarks), as the command does once the accounts
// are loaded: a new engine, every principal's summary, and the text (or JSON) written to
// io.Discard. It reports the bytes of the answer.
func BenchmarkPathsEveryPrincipal(b *testing.B) {
	for _, shape := range []struct {
		name string
		opts synth.Options
	}{{"sparse", synth.DefaultOptions()}, {"dense", synth.DenseOptions()}} {
		accts, err := synth.Load(shape.opts)
		if err != nil {
			b.Fatal(err)
		}
		for _, asJSON := range []bool{false, true} {
			name := shape.name + "/text"
			if asJSON {
				name = shape.name + "/json"
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					e := eval.NewEngine(accts...)
					sums := e.AllPathSummariesIn(nil, eval.Discovery)
					w := &countingWriter{}
					if asJSON {
						if err := writePathsJSON(w, pathsJSON{Paths: []pathJSON{}}, sums, false); err != nil {
							b.Fatal(err)
						}
					} else {
						writePathsText(w, sums, false)
					}
					b.ReportMetric(float64(w.n), "bytes")
				}
			})
		}
	}
}

// countingWriter discards what it is given and counts it.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return io.Discard.Write(p)
}
