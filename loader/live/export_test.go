package live

// StartFake lets the external tests (package live_test, which may import the CLI) start a
// fake the way this package's own tests do.
var StartFake = startFake
