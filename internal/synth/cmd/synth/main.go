// Command synth writes a large synthetic AWS account, as `aws iam
// get-account-authorization-details` would print it, for benchmarks and scale tests:
//
//	go run ./internal/synth/cmd/synth -roles 5000 -users 1500 -policies 3000 -seed 1 -o big.json
//
// The same flags always write the same file.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/iamscope/iamscope/internal/synth"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	def := synth.DefaultOptions()
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	opts := synth.Options{}
	fs.IntVar(&opts.Roles, "roles", def.Roles, "number of roles")
	fs.IntVar(&opts.Users, "users", def.Users, "number of users")
	fs.IntVar(&opts.Policies, "policies", def.Policies, "number of customer managed policies")
	fs.IntVar(&opts.Groups, "groups", 0, "number of groups (0: one per 15 users)")
	fs.Uint64Var(&opts.Seed, "seed", def.Seed, "the seed: the same seed and counts give the same file")
	fs.StringVar(&opts.AccountID, "account", "", "the 12-digit account id (default: derived from the seed)")
	out := fs.String("o", "-", "the file to write (- for standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *out == "-" {
		return synth.Generate(stdout, opts)
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := synth.Generate(f, opts); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
