package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/model"
)

// hostile holds what an attacker who can name a role, tag it or write a policy could put on
// a screen: a clipboard write (OSC 52), a title change, a screen clear, a hyperlink, 8-bit CSI,
// a bell and bidi overrides.
const hostile = "evil\x1b]52;c;Y3VybCBldmlsLnNofHNo\x07\x1b]0;owned\x1b\\\x1b[2J\x1b[H\u009b31m\x07\u202egnp.exe\u2066x\u2069"

func hostileAccount(loader.ProgressFunc) ([]*model.Account, error) {
	trust, err := model.ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":[{"Sid":"` + jsonEscape(hostile) + `","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}`))
	if err != nil {
		return nil, err
	}
	inline, err := model.ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":[{"Sid":"S` + jsonEscape(hostile) + `","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + jsonEscape(hostile) + `/*"}]}`))
	if err != nil {
		return nil, err
	}
	a := &model.Account{
		ID: "111111111111", Alias: "alias" + hostile, Source: "test" + hostile,
		LoadedAt: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
		Roles: []*model.Role{{
			ARN: "arn:aws:iam::111111111111:role/" + hostile, Name: hostile, Path: "/", ID: "AROAHOSTILE",
			TrustPolicy: trust, Tags: []model.Tag{{Key: "k" + hostile, Value: hostile}},
			InlinePolicies: []model.InlinePolicy{{Name: "p" + hostile, Document: inline}},
		}},
		Warnings: []model.Warning{{Where: hostile, Message: hostile}},
	}
	a.Index()
	return []*model.Account{a}, nil
}

func jsonEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r >= 0x2000:
			fmt.Fprintf(&b, `\u%04x`, r)
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sgr matches the colour and attribute sequences the explorer itself draws with.
var sgr = regexp.MustCompile("\x1b\\[[0-9;:]*m")

// assertNoControls fails if the drawn screen holds anything but the explorer's own styles.
func assertNoControls(t *testing.T, where, screen string) {
	t.Helper()
	rest := sgr.ReplaceAllString(screen, "")
	for i, r := range rest {
		if r == '\n' {
			continue
		}
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || isBidiControl(r) {
			t.Fatalf("%s: control %U at %d drawn: %q", where, r, i, rest[max(0, i-40):min(len(rest), i+40)])
		}
	}
}

func isBidiControl(r rune) bool {
	return r == 0x200e || r == 0x200f || r == 0x061c || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

func TestHostileNamesCannotReachTheTerminal(t *testing.T) {
	d := newDriver(t, 140, 45, func(o *Options) { o.Load = hostileAccount; o.Source = hostile })
	check := func(where string) {
		t.Helper()
		assertNoControls(t, where, d.m.View().Content)
	}
	check("start")
	d.contains("evil", "gnp.exe") // the name is shown, defused
	d.press("enter")
	d.treeRow("s3")
	d.press("space")
	check("access tree")
	d.treeRow("s3:GetObject")
	d.press("enter")
	check("explanation")
	d.press("esc", "esc", "]")
	check("resources")
	d.press("enter", "space")
	check("who can")
	d.press("W")
	check("warnings")
	d.press("esc", "c")
	check("context editor")
	d.press("esc", "w")
	check("what-if")
	d.press("esc", ":")
	d.typeText("evil")
	check("palette")
	d.press("esc", "[", "[")
	check("paths")
	d.press("y")
	for _, c := range d.clip {
		if strings.ContainsAny(c, "\x1b\x07\u202e") {
			t.Errorf("copied %q", c)
		}
	}
}
