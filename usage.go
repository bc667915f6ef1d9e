package main

import "strings"

// isArgsError recognises cobra's errors for a wrong number of arguments or an unknown
// command, which are usage mistakes (exit status 2).
func isArgsError(err error) bool {
	msg := err.Error()
	for _, s := range []string{"accepts ", "requires at least", "unknown command", "unknown flag", "unknown shorthand flag"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
