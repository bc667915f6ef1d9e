package sanitize

import "testing"

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain-role", "plain-role"},
		{"evil\x1b[2J\x1b[Hrole", "evilrole"},  // clear screen, home
		{"a\x1b]52;c;ZWNobyBoaQ==\x07b", "ab"}, // OSC 52 clipboard, BEL-terminated
		{"a\x1b]0;title\x1b\\b", "ab"},         // OSC title, ST-terminated
		{"a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},     // DCS
		{"a\u009b31mb", "ab"},                  // C1 CSI
		{"a\u009d8;;http://x\u009cb", "ab"},    // C1 OSC hyperlink
		{"admin\u202egnp.exe", "admingnp.exe"}, // right-to-left override
		{"x\u2066y\u2069z", "xyz"},             // isolates
		{"tab\there\nnewline\rcr\x00nul\x7fdel", "tab here newlinecrnuldel"},
		{"bad\xffutf8", "bad\ufffdutf8"},
		{"naïve 日本", "naïve 日本"},
		{"\x1b", ""},
		{"\x1b[", ""},
	}
	for _, tc := range tests {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := Lines("line1\n\tline2\x1b[31m"); got != "line1\n\tline2" {
		t.Errorf("Lines kept %q", got)
	}
}

func FuzzText(f *testing.F) {
	f.Add("evil\x1b]52;c;AAAA\x07")
	f.Add("\u009b\u202e")
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidi(r) {
				t.Fatalf("Text(%q) left control %U in %q", s, r, out)
			}
		}
		if Text(out) != out {
			t.Fatalf("Text is not idempotent on %q", s)
		}
	})
}
