// Command gencases writes random request cases over real AWS actions, resources and condition
// keys, as a JSON array in the format of eval/testdata/conformance/FORMAT.md:
//
//	go run ./internal/casegen/cmd/gencases -n 10000 -seed 1 > cases.json
//
// The same seed writes the same cases.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/iamscope/iamscope/internal/casegen"
)

func main() {
	n := flag.Int("n", 1000, "how many cases to write")
	seed := flag.Uint64("seed", 1, "the seed of the random cases")
	flag.Parse()
	if flag.NArg() != 0 || *n < 0 {
		fmt.Fprintln(os.Stderr, "usage: gencases [-n COUNT] [-seed SEED] > cases.json")
		os.Exit(2)
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<16)
	w.WriteString("[")
	for i, c := range casegen.Generate(*seed, *n) {
		if i > 0 {
			w.WriteString(",\n")
		}
		w.Write(c)
	}
	w.WriteString("]\n")
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "gencases:", err)
		os.Exit(1)
	}
}
