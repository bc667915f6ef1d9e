package cli

import (
	"errors"
	"strings"

	"github.com/iamscope/iamscope/internal/sanitize"
)

// UsageError is a mistake in how a command was called; the program exits with status 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

func usageErr(msg string) error { return &UsageError{Msg: msg} }

// IsUsage reports whether err is a usage mistake.
func IsUsage(err error) bool {
	var ue *UsageError
	return errors.As(err, &ue)
}

// clean makes untrusted account text inert for the terminal.
func clean(s string) string { return sanitize.Text(s) }

// CleanMessage makes a message of several lines inert for the terminal, line by line: error
// messages quote names, paths and values from the accounts and files read.
func CleanMessage(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = clean(l)
	}
	return strings.Join(lines, "\n")
}
