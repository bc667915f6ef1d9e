// Command synth writes a large synthetic AWS account, as `aws iam
// get-account-authorization-details` would print it, for benchmarks and scale tests:
//
//	go run ./internal/synth/cmd/synth -roles 5000 -users 1500 -policies 3000 -seed 1 -o big.json
//	go run ./internal/synth/cmd/synth -shape dense -o dense.json
//	go run ./internal/synth/cmd/synth -shape root-trust -roles 2000 -users 1 -policies 0 -o hostile.json
//	go run ./internal/synth/cmd/synth -shape wide-trust -roles 1 -users 1 -policies 0 -trusted-accounts 30000 -o wide.json
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
	shape := fs.String("shape", string(synth.Sparse), fmt.Sprintf("the trust graph's shape, one of %v", synth.Shapes))
	fs.IntVar(&opts.TrustedAccounts, "trusted-accounts", 0, "for -shape wide-trust: how many outside accounts the first role trusts")
	out := fs.String("o", "-", "the file to write (- for standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts.Shape = synth.Shape(*shape)
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
