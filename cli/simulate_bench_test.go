package cli

import (
	"bytes"
	"testing"

	"github.com/iamscope/iamscope/internal/casegen"
)

// BenchmarkSimulate decides the 10,000 generated cases of BENCHMARKS.md (casegen, seed 1) in
// the process, as the command does: reading (from memory), compiling and evaluating, on every
// CPU.
func BenchmarkSimulate(b *testing.B) {
	var file bytes.Buffer
	file.WriteByte('[')
	for i, c := range casegen.Generate(1, 10000) {
		if i > 0 {
			file.WriteByte(',')
		}
		file.Write(c)
	}
	file.WriteByte(']')
	data := file.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Simulate(bytes.NewReader(data), false); err != nil {
			b.Fatal(err)
		}
	}
}
