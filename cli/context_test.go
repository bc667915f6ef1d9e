package cli

import (
	"strings"
	"testing"
)

// TestContextErrorQuotesABoundedPrefix: a refused --context of 130 KB gives a short message
// (it used to quote the whole value twice: 260 KB), which still names the key and says what
// is wrong.
func TestContextErrorQuotesABoundedPrefix(t *testing.T) {
	huge := strings.Repeat("9", 130_000)
	for _, tt := range []struct{ flag, want string }{
		{"aws:SourceIp=" + huge, `is not an IP address`},
		{"aws:MultiFactorAuthPresent=" + huge, `is not true or false`},
		{"aws:TagKeys=" + huge, ""}, // a string key takes any value
		{"nokey" + huge, "want key=value"},
		{"nokey" + huge + "=1", "a condition key has a prefix"},
	} {
		_, err := parseContext([]string{tt.flag})
		if tt.want == "" {
			if err != nil {
				t.Errorf("%.20s…: %v", tt.flag, err)
			}
			continue
		}
		if err == nil {
			t.Fatalf("%.20s…: accepted", tt.flag)
		}
		msg := err.Error()
		if len(msg) > 400 || !strings.Contains(msg, tt.want) || !strings.Contains(msg, "bytes)") {
			t.Errorf("%.20s…: %d-byte message %.300q", tt.flag, len(msg), msg)
		}
	}
	if _, err := parseContext([]string{"aws:SourceIp=nope"}); err == nil || !strings.Contains(err.Error(), `--context "aws:SourceIp=nope": aws:SourceIp: "nope" is not an IP address`) {
		t.Errorf("a short value: %v", err)
	}
}
