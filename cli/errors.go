package cli

import (
	"errors"

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
