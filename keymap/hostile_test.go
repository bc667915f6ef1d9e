package keymap

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"

	"github.com/iamscope/iamscope/internal/sanitize"
)

// loadBody writes body to a keys.json and loads it.
func loadBody(t *testing.T, body string) (KeyMap, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return Load(path)
}

// TestHugeKeysFileIsRefused: a keys.json of 100 MB is refused after reading at most
// MaxFileSize+1 bytes, with a short message (it took 509 MB and printed a 100 MB error).
func TestHugeKeysFileIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"global.quit": ["`)
	chunk := strings.Repeat("\u009d", 1<<19)
	for range 100 {
		f.WriteString(chunk)
	}
	f.WriteString(`"]}`)
	f.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	k, err := Load(path)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "larger than 1024 KB") || len(err.Error()) > 300 {
		t.Fatalf("error of %d bytes: %.300s", len(err.Error()), err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("loading took %d MB", grew>>20)
	}
	if !key.Matches(press("q"), k.Global.Quit) {
		t.Error("a refused file must leave the defaults")
	}
}

// TestKeyNamesAreValidated: a key that is not a key name (a control, an escape sequence, a
// character that draws nothing, a typo) is refused with an inert message naming the binding,
// so nothing raw reaches the help bar; real key names are accepted.
func TestKeyNamesAreValidated(t *testing.T) {
	for _, bad := range []string{"\u009d", "ctrl+\x1b[2J", "q\u202e", "\u200d", "enterr", "ctrl+ctrl+q", "ctrl+", "two words", "qq", " ", strings.Repeat("x", 1000)} {
		_, err := loadBody(t, `{"list.up": [`+jsonString(bad)+`]}`)
		if err == nil {
			t.Errorf("%q accepted", bad)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "list.up") || sanitize.Text(msg) != msg || len(msg) > 400 {
			t.Errorf("%q: message %q", bad, msg)
		}
	}
	good := []string{"q", "?", "/", "+", "G", "é", "ctrl+q", "ctrl++", "alt+enter", "shift+tab", "ctrl+shift+alt+x", "f12", "pgdown", "space", "esc"}
	k, err := loadBody(t, `{"list.up": [`+jsonStrings(good)+`]}`)
	if err != nil {
		t.Fatal(err)
	}
	if got := k.List.Up.Keys(); strings.Join(got, " ") != strings.Join(good, " ") {
		t.Errorf("keys %v", got)
	}
	defaults := Default()
	for id, b := range defaults.Bindings() {
		for _, s := range b.Keys() {
			if err := ValidKeyName(s); err != nil {
				t.Errorf("default %s: %v", id, err)
			}
		}
	}
}

// TestKeysFileErrorsSayWhere: null is refused (it unbound silently), a byte order mark is
// skipped (it gave a cryptic error), and bad JSON has its line and column.
func TestKeysFileErrorsSayWhere(t *testing.T) {
	if _, err := loadBody(t, `{"global.quit": null}`); err == nil || !strings.Contains(err.Error(), `key binding "global.quit": null; give a list of keys, or [] to unbind`) {
		t.Errorf("null: %v", err)
	}
	k, err := loadBody(t, "\ufeff{\"global.quit\": [\"ctrl+q\"]}")
	if err != nil || k.Global.Quit.Keys()[0] != "ctrl+q" {
		t.Errorf("byte order mark: %v", err)
	}
	if _, err := loadBody(t, "{\n  \"global.quit\": [\"q\"],\n  \"list.up\": [\"k\",]\n}"); err == nil || !strings.Contains(err.Error(), "line 3, column 19: bad JSON") {
		t.Errorf("bad JSON: %v", err)
	}
	if _, err := loadBody(t, `{"global.quit": "q"}`); err == nil || !strings.Contains(err.Error(), `key binding "global.quit": must be a list of key names, e.g. ["q", "ctrl+q"], not a JSON string`) {
		t.Errorf("a string for a list: %v", err)
	}
	if _, err := loadBody(t, `null`); err == nil || !strings.Contains(err.Error(), "not null") {
		t.Errorf("null file: %v", err)
	}
}

// jsonString writes s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func jsonStrings(list []string) string {
	var out []string
	for _, s := range list {
		out = append(out, jsonString(s))
	}
	return strings.Join(out, ",")
}
