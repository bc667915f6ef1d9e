package tui

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/model"
)

// hidden holds the characters that draw nothing or turn text around, besides the escape
// sequences of hostile: C1 controls (8-bit CSI, OSC, NEL), bidi overrides and isolates,
// zero-width joiners and spaces, a byte order mark, a soft hyphen, a line separator.
const hidden = "\u009b31m\u009d0;t\u0085\u202e\u2066\u200b\u200c\u200d\ufeff\u00ad\u2028"

// hiddenRunes are the characters of hidden that must never be drawn or written raw.
const hiddenRunes = "\u009b\u009d\u0085\u202e\u2066\u200b\u200c\u200d\ufeff\u00ad\u2028"

// lastWarning ends the last of the many long warnings of hiddenAccount.
const lastWarning = "THE-LAST-WARNING"

// hiddenAccount is an account whose names, tags and policy text hold hidden, with a user whose
// name differs from another's only by a zero-width joiner, a role with a 300-character name,
// and 21 warnings long enough to wrap.
func hiddenAccount(loader.ProgressFunc) ([]*model.Account, error) {
	policy, err := model.ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":[{"Sid":"S` + jsonEscape(hidden) + `","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b` + jsonEscape(hidden) + `/*"}]}`))
	if err != nil {
		return nil, err
	}
	long := strings.Repeat("r", 300)
	a := &model.Account{
		ID: "111111111111", Source: "test", LoadedAt: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
		Users: []*model.User{
			{ARN: "arn:aws:iam::111111111111:user/u-zwadmin", Name: "u-zwadmin", Path: "/"},
			{ARN: "arn:aws:iam::111111111111:user/u-zwadm\u200din", Name: "u-zwadm\u200din", Path: "/",
				Tags:           []model.Tag{{Key: "k" + hidden, Value: "v" + hidden}},
				InlinePolicies: []model.InlinePolicy{{Name: "p" + hidden, Document: policy}}},
			{ARN: "arn:aws:iam::111111111111:user/sh\u00adort", Name: "sh\u00adort", Path: "/"},
		},
		Roles: []*model.Role{{ARN: "arn:aws:iam::111111111111:role/" + long, Name: long, Path: "/", InlinePolicies: []model.InlinePolicy{{Name: "p", Document: policy}}}},
	}
	for i := range 21 {
		msg := strings.Repeat(fmt.Sprintf("warning %d is long ", i), 12)
		if i == 20 {
			msg += lastWarning
		}
		a.Warnings = append(a.Warnings, model.Warning{Where: "w" + hidden, Message: msg})
	}
	a.Index()
	return []*model.Account{a}, nil
}

// assertInert fails if text holds a control, or a character that draws nothing, raw.
func assertInert(t *testing.T, where, text string) {
	t.Helper()
	assertNoControls(t, where, text)
	if i := strings.IndexAny(text, hiddenRunes); i >= 0 {
		t.Fatalf("%s: hidden character at %d: %q", where, i, text[max(0, i-40):min(len(text), i+40)])
	}
}

// assertRowsFit fails unless every row of the screen is exactly the window's width and, when
// a dialog is open, its right border is in one column on every row: a row holding a character
// whose width the terminal and the layout disagree on shifts or loses its border.
func assertRowsFit(t *testing.T, where string, d *driver, w int) {
	t.Helper()
	rows := strings.Split(ansi.Strip(d.m.View().Content), "\n")
	top, border := -1, -1
	for i, row := range rows {
		if len(d.m.overlays) == 0 {
			if got := ansi.StringWidth(row); got != w {
				t.Fatalf("%s: row %d is %d cells wide, not %d: %q", where, i, got, w, row)
			}
			continue
		}
		if top < 0 && strings.Contains(row, "╭") {
			top = i
		}
		if top < 0 {
			continue
		}
		end := strings.LastIndexAny(row, "│╮╯")
		if end < 0 {
			t.Fatalf("%s: row %d of the dialog has no right border: %q", where, i, row)
		}
		col := ansi.StringWidth(row[:end])
		if border < 0 {
			border = col
		} else if col != border {
			t.Fatalf("%s: row %d has its right border at column %d, not %d: %q", where, i, col, border, row)
		}
		if strings.Contains(row, "╰") {
			break
		}
	}
}

// openHiddenExplanation opens the explanation of u-zwadm\u200din's s3:GetObject on b….
func openHiddenExplanation(t *testing.T, d *driver) {
	t.Helper()
	d.selectPrincipal("u-zwadm\ufffdin") // names are listed clean
	d.press("enter")
	d.treeRow("s3")
	d.press("space")
	d.treeRow("s3:GetObject")
	d.press("enter")
}

// TestHiddenCharactersAreShown: a name that differs from another only by a zero-width joiner
// is shown with a visible mark, never as the other name, on every screen; rows holding a soft
// hyphen or a joiner keep the layout's width.
func TestHiddenCharactersAreShown(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{80, 24}, {140, 45}} {
		d := newDriver(t, sz.w, sz.h, func(o *Options) { o.Load = hiddenAccount })
		check := func(where string) {
			t.Helper()
			assertInert(t, where, d.m.View().Content)
			assertRowsFit(t, where, d, sz.w)
		}
		check("principals")
		d.contains("u-zwadm\ufffdin", "sh\ufffdort")
		if strings.Count(d.screen(), "u-zwadmin") != 1 {
			t.Errorf("the joiner's name is drawn as u-zwadmin:\n%s", d.screen())
		}
		openHiddenExplanation(t, d)
		check("explanation")
		d.press("esc", "W")
		check("warnings")
		d.press("esc", ":")
		d.typeText("zw")
		check("palette")
	}
}

// TestWarningsScrollToTheLast: the warnings panel scrolls over the lines it draws, so that the
// last of many wrapped warnings can be reached (it stopped at the count of warnings).
func TestWarningsScrollToTheLast(t *testing.T) {
	d := newDriver(t, 80, 24, func(o *Options) { o.Load = hiddenAccount })
	d.press("W")
	d.lacks(lastWarning)
	d.press("G")
	d.contains(lastWarning)
	d.press("g")
	d.lacks(lastWarning)
	for range 40 {
		d.press("pgdown")
	}
	d.contains(lastWarning)
}

// TestExportsAndCopiesKeepPolicyTextExact: JSON exports escape C1, bidi and hidden characters
// as \uXXXX as the CLI's --json does; the Markdown export and the copied statement show the
// statement's JSON escaped, so that it decodes to the real policy's text (it showed U+FFFD).
func TestExportsAndCopiesKeepPolicyTextExact(t *testing.T) {
	d := newDriver(t, 140, 45, func(o *Options) { o.Load = hiddenAccount })
	openHiddenExplanation(t, d)
	d.press("y")
	if len(d.clip) != 1 {
		t.Fatalf("copied %q", d.clip)
	}
	var stmt struct{ Sid string }
	if err := json.Unmarshal([]byte(d.clip[0]), &stmt); err != nil || stmt.Sid != "S"+hidden {
		t.Errorf("the copied statement %q decodes to Sid %q (%v), want the policy's", d.clip[0], stmt.Sid, err)
	}
	assertInert(t, "copied statement", d.clip[0])
	dir := t.TempDir()
	export := func(name string, keys ...string) string {
		t.Helper()
		d.press("e")
		d.press(keys...)
		path := filepath.Join(dir, name)
		d.m.overlays[len(d.m.overlays)-1].(*exportOverlay).input.setValue(path)
		d.press("enter")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (%s)", name, err, d.screen())
		}
		assertInert(t, name, string(data))
		return string(data)
	}
	md := export("why.md")
	if !strings.Contains(md, `"Sid": "S\u009b31m\u009d0;t\u0085\u202e\u2066\u200b\u200c\u200d\ufeff\u00ad\u2028"`) {
		t.Errorf("the Markdown export does not hold the statement exactly:\n%s", md)
	}
	js := export("why.json", "ctrl+t")
	if !strings.Contains(js, `\u009b31m`) || !json.Valid([]byte(js)) {
		t.Errorf("the JSON export:\n%s", js)
	}
	d.press("esc")
	export("tree.json", "tab", "ctrl+t")
	export("tree.md", "tab")
}

// TestExportWritesNoFileButItsOwn: an export to a name where a symbolic link was planted, or a
// FIFO, fails with the name and leaves the link's target and the FIFO alone.
func TestExportWritesNoFileButItsOwn(t *testing.T) {
	d := newDriver(t, 140, 45)
	openPayrollRead(t, d)
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "iamscope-tree.md")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.md")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	for _, target := range []string{link, fifo} {
		d.press("e")
		d.m.overlays[0].(*exportOverlay).input.setValue(target)
		d.press("enter")
		d.contains("export failed")
		if !strings.Contains(d.m.status, target) {
			t.Errorf("the status does not name %s: %q", target, d.m.status)
		}
	}
	info, _ := os.Stat(victim)
	if b, _ := os.ReadFile(victim); string(b) != "precious" || info.Mode().Perm() != 0o644 {
		t.Errorf("the link's target became %q, mode %v", b, info.Mode().Perm())
	}
	if info, err := os.Lstat(fifo); err != nil || info.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v", err)
	}
}

// TestExportNameOfALongSubject: a 300-character role name gives a default export name short
// enough to be a file name (it failed with "export failed: open …"), and the export works.
func TestExportNameOfALongSubject(t *testing.T) {
	d := newDriver(t, 140, 45, func(o *Options) { o.Load = hiddenAccount })
	d.selectPrincipal(strings.Repeat("r", 300))
	d.press("enter")
	d.press("e")
	name := d.m.overlays[0].(*exportOverlay).input.String()
	if len(name) > 160 || !strings.HasPrefix(name, "iamscope-tree-rrrr") {
		t.Fatalf("default name of %d bytes: %s", len(name), name)
	}
	if other := shortSlug(strings.Repeat("r", 299) + "s"); other == shortSlug(strings.Repeat("r", 300)) {
		t.Errorf("two long subjects get one name: %s", other)
	}
	path := filepath.Join(t.TempDir(), name)
	d.m.overlays[0].(*exportOverlay).input.setValue(path)
	d.press("enter")
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the export under its default name: %v (%s)", err, d.m.status)
	}
}
