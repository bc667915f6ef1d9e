package tui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamscope/iamscope/internal/testenv"
)

// The end-to-end test runs the built binary in a real terminal, tmux, on the demo account: it
// types keys as a person would and reads the screen back with capture-pane. It runs the
// binary from an interactive shell, so that ctrl+z suspends it as in a terminal.

// tmuxSession is a tmux server of the test's own, with one window.
type tmuxSession struct {
	t      *testing.T
	socket string
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// keys sends keys, as tmux names them ("Enter", "Escape", "C-z", "j").
func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	s.tmux(append([]string{"send-keys", "-t", "e2e"}, keys...)...)
}

// screen is what the terminal shows.
func (s *tmuxSession) screen() string {
	s.t.Helper()
	return s.tmux("capture-pane", "-p", "-t", "e2e")
}

// waitFor waits until the screen shows every text, and returns it.
func (s *tmuxSession) waitFor(texts ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		scr := s.screen()
		missing := ""
		for _, x := range texts {
			if !strings.Contains(scr, x) {
				missing = x
				break
			}
		}
		if missing == "" {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen never showed %q:\n%s", missing, scr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitGone waits until the screen no longer shows text.
func (s *tmuxSession) waitGone(text string) string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		scr := s.screen()
		if !strings.Contains(scr, text) {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen still shows %q:\n%s", text, scr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitPrompt waits until the shell's prompt is back on a line of its own: the explorer has
// left the alternate screen and exited.
func (s *tmuxSession) waitPrompt() {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		scr := s.screen()
		for _, l := range strings.Split(scr, "\n") {
			if strings.TrimSpace(l) == "$" {
				return
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the shell's prompt never came back:\n%s", scr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// startTmux builds iamscope and starts a shell in tmux, w×h cells.
func startTmux(t *testing.T, w, h int) (*tmuxSession, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("the end-to-end test builds the binary and runs it in tmux; -short skips it")
	}
	testenv.LookPath(t, "tmux", "the end-to-end test of the explorer in a real terminal")
	dir := t.TempDir()
	bin := filepath.Join(dir, "iamscope")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	s := &tmuxSession{t: t, socket: fmt.Sprintf("iamscope-e2e-%d", os.Getpid())}
	t.Cleanup(func() { exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	config := filepath.Join(dir, "config") // no key file: the default keys
	shell := fmt.Sprintf("env -i HOME=%s PATH=%s TERM=xterm-256color XDG_CONFIG_HOME=%s HISTFILE=/dev/null PS1='$ ' bash --norc --noprofile -i",
		dir, os.Getenv("PATH"), config)
	s.tmux("new-session", "-d", "-s", "e2e", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), shell)
	s.waitFor("$")
	return s, bin
}

func TestEndToEndInTmux(t *testing.T) {
	s, bin := startTmux(t, 120, 40)
	s.keys("clear; "+bin, "Enter")

	// The demo account opens: header, context chips, principals with badges.
	s.waitFor("tidewater-prod (210987654321)", "source demo", "MFA ?", "Principals", "dana.whitfield", "BE")

	// Filter the principals, open felix.brandt's access, decide s3. The breadcrumbs say
	// where the cursor is.
	s.keys("/")
	s.keys("-l", "felix")
	s.keys("Enter", "Enter")
	s.waitFor("› user felix.brandt › iam", "s3  Amazon S3")
	s.keys("j", "j")
	s.waitFor("› user felix.brandt › s3")
	s.keys("Space")
	s.waitFor("s3:GetObject", "if …")

	// Set MFA, TLS and the region: the payroll read becomes a plain allow.
	s.keys("c", "m")
	s.waitFor("MFA true")
	s.keys("j", "j", "Enter", "C-u")
	s.keys("-l", "eu-west-1")
	s.keys("Enter", "j", "Enter")
	s.keys("-l", "true")
	s.keys("Enter")
	s.waitFor("TLS true")
	s.keys("Escape")
	s.waitGone("Request context")
	scr := s.screen()
	if !strings.Contains(lineOf(scr, "s3:GetObject"), "allow") {
		t.Errorf("s3:GetObject is not allowed with MFA, TLS and the region set:\n%s", scr)
	}

	// Explain the action: the deciding statement is shown and marked.
	s.keys("j")
	s.waitFor("› s3 › s3:GetObject")
	s.keys("Enter")
	s.waitFor("Can felix.brandt do s3:GetObject", "ALLOWED")
	s.keys("/")
	s.keys("-l", "ReadWritePayrollWithMFA")
	s.keys("Enter")
	s.waitFor("DECIDED", "ReadWritePayrollWithMFA")

	// Help fits where the user is, and esc closes it.
	s.keys("?")
	s.waitFor("Help: explanation", "next match")
	s.keys("Escape")
	s.waitGone("Help: explanation")

	// ctrl+z suspends: the shell's screen comes back; fg resumes the explorer.
	s.keys("C-z")
	s.waitFor("Stopped")
	s.waitGone("Principals")
	s.keys("fg", "Enter")
	s.waitFor("Principals", "why: felix.brandt")

	// esc backs out one level at a time: the search, then the explanation. (Keys are sent one
	// by one: an escape followed at once by a letter is read as alt+letter, as terminals send.)
	s.keys("Escape")
	s.waitGone("/ReadWritePayrollWithMFA")
	s.keys("Escape")
	s.waitFor("space expand/collapse")

	// q quits and leaves the alternate screen: the shell is back, the explorer gone.
	s.keys("q")
	s.waitGone("Principals")
	s.waitPrompt()
}

func TestEndToEndTooSmallAndNoColor(t *testing.T) {
	s, bin := startTmux(t, 50, 12)
	s.keys("clear; "+bin+" --no-color --no-mouse", "Enter")
	s.waitFor("needs a window of at least 60×16")
	s.tmux("resize-window", "-t", "e2e", "-x", "100", "-y", "30")
	s.waitFor("Principals", "ada.okafor")
	// --no-color: no colour sequences reach the terminal, attributes only.
	colours := s.tmux("capture-pane", "-p", "-e", "-t", "e2e")
	for _, sgr := range []string{"[38;", "[48;", "[31m", "[32m", "[33m"} {
		if strings.Contains(colours, sgr) {
			t.Errorf("--no-color drew colour %q", sgr)
			break
		}
	}
	// ctrl+c quits from anywhere, and leaves the alternate screen.
	s.keys("c")
	s.waitFor("Request context")
	s.keys("C-c")
	s.waitGone("Principals")
	s.waitPrompt()
}

// lineOf is the first line of the screen holding text.
func lineOf(screen, text string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, text) {
			return l
		}
	}
	return ""
}

// TestEndToEndBurstsKeepTheExplanation types keys in bursts, faster than the engine answers,
// as in issue 12 (`k k k k` in Dana's iam service, `g` then `j j j j enter` in a who-can
// tree): once the screen settles, the explanation is of the row the breadcrumbs name.
func TestEndToEndBurstsKeepTheExplanation(t *testing.T) {
	// Wide enough for the breadcrumbs to show the row whole beside the demo's four views
	// (Changes among them): the check reads them.
	s, bin := startTmux(t, 160, 45)
	s.keys("clear; "+bin, "Enter")
	s.waitFor("Principals", "dana.whitfield")
	s.keys("/")
	s.keys("-l", "dana")
	s.keys("Enter", "Enter")
	s.waitFor("› user dana.whitfield › cloudwatch")
	s.keys("j", "j", "j", "Space")
	s.waitFor("iam:PassRole")
	s.keys("j", "j", "j", "j", "j", "j", "j")
	s.waitFor("why: dana.whitfield · iam:")
	for i := 0; i < 3; i++ {
		s.keys("k", "k", "k", "k")
		checkExplainsCrumb(t, s.settled(), "why: ")
	}
	s.keys("]")
	s.waitFor("[Resources]")
	s.keys("Enter")
	s.waitFor(" can ")
	for i := 0; i < 3; i++ {
		s.keys("g", "j", "j", "j", "j", "Enter")
		scr := s.settled()
		checkExplainsCrumb(t, scr, "why: ")
		if strings.Contains(strings.Split(scr, "\n")[2], "› why") {
			s.keys("Escape") // from the explanation back to the tree
			s.waitFor("space expand/collapse")
		}
	}
	s.keys("q")
	s.waitPrompt()
}

// settled waits until the screen stops changing (the spinner stopped, every answer drawn), and
// returns it.
func (s *tmuxSession) settled() string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	last, same := "", 0
	for time.Now().Before(deadline) {
		scr := s.screen()
		if scr == last {
			same++
			if same == 5 {
				return scr
			}
		} else {
			last, same = scr, 0
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("the screen never settled:\n%s", last)
	return ""
}

// checkExplainsCrumb fails unless the explanation pane's title names the row the breadcrumbs
// end with: "why: PRINCIPAL · ACTION" for a row that explains a request (the principal, or
// the action, is the last crumb, and both are among the crumbs or the list's selection), the
// row's name (after a word such as "service ") for a row that is described.
func checkExplainsCrumb(t *testing.T, scr, why string) {
	t.Helper()
	lines := strings.Split(scr, "\n")
	if len(lines) < 4 {
		t.Fatalf("no screen:\n%s", scr)
	}
	crumbLine := lines[2]
	crumbs := strings.Split(crumbLine, "›")
	last := strings.TrimSpace(crumbs[len(crumbs)-1])
	if last == "why" {
		last = strings.TrimSpace(crumbs[len(crumbs)-2])
	}
	title := lines[3]
	if i := strings.LastIndex(title, "│"); i >= 0 {
		title = title[i+len("│"):]
	}
	title = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(title), "▍"))
	title = strings.TrimSpace(strings.TrimSuffix(title, "…"))
	if rest, ok := strings.CutPrefix(title, why); ok {
		principal, action, _ := strings.Cut(rest, " · ")
		if !strings.Contains(crumbLine, principal) || !strings.Contains(crumbLine, action) ||
			!strings.HasSuffix(last, principal) && !strings.HasPrefix(last, action) {
			t.Errorf("the breadcrumbs end with %q, the explanation is %q:\n%s", last, title, scr)
		}
		return
	}
	if _, name, _ := strings.Cut(title, " "); !strings.HasPrefix(last, title) && !strings.HasPrefix(last, name) {
		t.Errorf("the breadcrumbs end with %q, the description is %q:\n%s", last, title, scr)
	}
}

// TestEndToEndStrictFlagAndKey: `iamscope --strict` opens in strict mode, as the header says
// (a key not set reads "-", absent), and S switches to discovery mode and back.
func TestEndToEndStrictFlagAndKey(t *testing.T) {
	s, bin := startTmux(t, 120, 40)
	s.keys("clear; "+bin+" --strict", "Enter")
	s.waitFor("Principals", "strict", "MFA -")
	s.keys("S")
	s.waitFor("discovery", "MFA ?")
	s.keys("S")
	s.waitFor("strict", "MFA -")
	s.keys("q")
	s.waitPrompt()
}
