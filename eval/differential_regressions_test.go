package eval

import "testing"

// TestDifferentialRegressions runs the cases that the differential test against the
// reference simulator (internal/casegen) brought up: where the engine was wrong, fixed since,
// and where the reference is wrong, with AWS's documented answer. Each case's description
// quotes the AWS documentation it follows.
func TestDifferentialRegressions(t *testing.T) {
	runCaseFile(t, "testdata/differential-regressions.json", 9)
}
