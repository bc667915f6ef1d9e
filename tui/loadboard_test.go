package tui

import (
	"strings"
	"testing"

	"github.com/iamscope/iamscope/loader"
)

// TestLoadingScreenListsEachAccount: while an organization (or several profiles) loads, the
// loading screen lists every account with its latest step, those still loading first, with a
// count of those read; a report the screen dropped is still on the board, and the list fits the
// screen, saying how many more there are.
func TestLoadingScreenListsEachAccount(t *testing.T) {
	d := newDriver(t, 100, 20)
	m := d.m
	for _, p := range []loader.Progress{
		{Account: "111111111111", Step: "IAM authorization details", Done: 3, Total: 10},
		{Account: "222222222222", Step: "S3 bucket policies", Warnings: 2},
		{Account: "111111111111", Step: "done"},
		{Account: "333333333333", Step: "sts:AssumeRole"},
		{Stage: "a report about no account"},
	} {
		m.board.record(p)
	}
	m.boardRows = m.board.rows()
	screen := m.loadingView()
	for _, want := range []string{"1 of 3 accounts read", "… 222222222222  S3 bucket policies · 2 warnings",
		"… 333333333333  sts:AssumeRole", "✓ 111111111111  done"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the loading screen lacks %q:\n%s", want, screen)
		}
	}
	if strings.Index(screen, "333333333333") > strings.Index(screen, "111111111111") {
		t.Errorf("an account done is listed before one still loading:\n%s", screen)
	}
	for i := range 40 {
		m.board.record(loader.Progress{Account: strings.Repeat("4", 11) + string(rune('a'+i%26)) + string(rune('a'+i/26)), Step: "reading"})
	}
	m.boardRows = m.board.rows()
	screen = m.loadingView()
	if !strings.Contains(screen, "more") || strings.Count(screen, "\n") >= 20 {
		t.Errorf("43 accounts do not fit 20 lines with a count of the rest:\n%s", screen)
	}
}
