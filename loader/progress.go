// Package loader reads accounts into model.Account from wherever their users have them:
// get-account-authorization-details files, iamscope snapshots, live AWS accounts (read-only)
// and the embedded demo account. It is the only package that imports the AWS SDK.
package loader

// Progress is one report of how far a load has got, for a progress bar in the CLI and a
// spinner with counts in the TUI.
type Progress struct {
	// Stage says what is being read, for people: "IAM authorization details", "S3 bucket policies".
	Stage string
	// Done and Total count the items of the stage; Total is 0 when it is not known yet.
	Done, Total int
	// Warnings counts the warnings so far (what could not be read).
	Warnings int
	// Account names the account (or profile) of a load of several, when the report is about
	// one of them; "" otherwise. Step is that account's own stage, "done" at its end.
	Account, Step string
}

// ProgressFunc receives progress reports. It may be called from several goroutines at once,
// and must return quickly. A nil ProgressFunc is allowed: reports are dropped.
type ProgressFunc func(Progress)

// report sends p to f when f is set.
func (f ProgressFunc) report(p Progress) {
	if f != nil {
		f(p)
	}
}
