package live

// The external tests (package live_test, which may import the CLI) start fakes, bound loads
// and count calls the way this package's own tests do.
var (
	StartFake  = startFake
	LoadWithin = loadWithin
	CountCalls = countCalls
)
