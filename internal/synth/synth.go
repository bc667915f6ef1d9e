// Package synth generates large synthetic AWS accounts for benchmarks and scale tests: a
// realistic `aws iam get-account-authorization-details` file (the AWS CLI form) with as many
// roles, users and customer managed policies as asked, deterministic for a seed.
//
// The account looks like a grown company's: teams and environments in the names; managed
// policies with up to five versions, the default not always the newest; groups, inline policies
// and permission boundaries; trust policies for services, the account, other accounts with an
// ExternalId, GitHub and EKS OIDC providers, SAML, and chains of roles that assume each other;
// statements with wildcards, conditions, NotAction, NotResource and denies. AWS managed policies
// are attached by ARN but, as in many real dumps, not included.
package synth

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Options says what account to generate.
type Options struct {
	Roles    int // roles, exactly
	Users    int // users, exactly
	Policies int // customer managed policies, exactly
	// Groups is the number of groups; 0 means one per 15 users (at least one when there are users).
	Groups int
	// Seed chooses the account: the same options give the same file, byte for byte.
	Seed uint64
	// AccountID is the account's 12-digit id; "" derives one from the seed.
	AccountID string
	// Shape is the trust graph's shape; "" is Sparse.
	Shape Shape
	// TrustedAccounts is, for WideTrust, how many outside accounts the first role trusts.
	TrustedAccounts int
}

// DefaultOptions is the benchmark account of issue 3: 5,000 roles, 1,500 users and 3,000
// policies, about 15 MB.
func DefaultOptions() Options {
	return Options{Roles: 5000, Users: 1500, Policies: 3000, Seed: 1}
}

// groups returns the number of groups the options ask for.
func (o Options) groups() int {
	switch {
	case o.Groups > 0:
		return o.Groups
	case o.Users == 0:
		return 0
	}
	return max(1, o.Users/15)
}

// check validates the options.
func (o Options) check() error {
	switch {
	case o.Roles < 0 || o.Users < 0 || o.Policies < 0 || o.Groups < 0:
		return fmt.Errorf("synth: counts must not be negative (roles %d, users %d, policies %d, groups %d)", o.Roles, o.Users, o.Policies, o.Groups)
	case o.Groups > 0 && o.Users == 0:
		return fmt.Errorf("synth: %d groups but no users", o.Groups)
	case o.AccountID != "" && !isAccountID(o.AccountID):
		return fmt.Errorf("synth: account id %q is not 12 digits", o.AccountID)
	case !o.Shape.valid():
		return fmt.Errorf("synth: shape %q is not one of %v", o.Shape, Shapes)
	case o.Shape == WideTrust && (o.Roles < 1 || o.TrustedAccounts < 1):
		return fmt.Errorf("synth: the %s shape needs a role and outside accounts to trust (roles %d, trusted accounts %d)", WideTrust, o.Roles, o.TrustedAccounts)
	case o.Shape.hostile() && (o.Policies > 0 || o.Groups > 0):
		return fmt.Errorf("synth: the %s shape has no policies or groups (policies %d, groups %d)", o.Shape, o.Policies, o.Groups)
	}
	return nil
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Generate writes the account the options describe to w, as indented JSON in the form of the
// AWS CLI's `aws iam get-account-authorization-details`.
func Generate(w io.Writer, opts Options) error {
	if err := opts.check(); err != nil {
		return err
	}
	a := newAccount(opts)
	var details *authzDetails
	if opts.Shape.hostile() {
		details = a.buildHostile()
	} else {
		details = a.build()
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetIndent("", "    ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(details); err != nil {
		return fmt.Errorf("synth: writing the account: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("synth: writing the account: %w", err)
	}
	return nil
}

// The account's history: it was opened at start, and everything in it was made before end.
var (
	start = time.Date(2016, 3, 1, 0, 0, 0, 0, time.UTC)
	end   = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
)
