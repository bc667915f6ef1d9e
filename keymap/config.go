package keymap

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"syscall"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"

	"github.com/iamscope/iamscope/internal/sanitize"
	"github.com/iamscope/iamscope/jsontree"
)

// FileName is the name of the key configuration file in the iamscope configuration directory.
const FileName = "keys.json"

// DefaultPath returns where Load looks by default: os.UserConfigDir()/iamscope/keys.json
// ($XDG_CONFIG_HOME/iamscope/keys.json or ~/.config/iamscope/keys.json on Linux,
// ~/Library/Application Support/iamscope/keys.json on macOS, %AppData%\iamscope\keys.json on
// Windows).
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "iamscope", FileName), nil
}

// MaxFileSize is the largest keys.json Load reads: a real one is a few kilobytes.
const MaxFileSize = 1 << 20

// Load returns the default bindings changed by the file at path, if there is one. The file is
// a JSON object from binding ids to the keys that trigger them, as Bubble Tea names keys:
//
//	{"global.quit": ["q", "ctrl+q"], "list.down": ["j", "down", "ctrl+n"], "global.warnings": []}
//
// An empty list unbinds. A missing file gives the defaults. A file that is not such an object
// (with the line and column of bad JSON), larger than MaxFileSize, or that names an unknown
// id, a null instead of a list, or a key that is not a key name (ValidKeyName) is an error
// that names the file and the id. A UTF-8 byte order mark at the start is skipped.
func Load(path string) (KeyMap, error) {
	k := Default()
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return k, nil // no file (or no directory for it): the defaults
	}
	if err != nil {
		return k, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return k, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > MaxFileSize {
		return Default(), fmt.Errorf("%s: larger than %d KB; a key configuration is a small JSON object", path, MaxFileSize>>10)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	overrides, err := decodeOverrides(data)
	if err != nil {
		return Default(), fmt.Errorf("%s: %w", path, err)
	}
	if err := k.Apply(overrides); err != nil {
		return Default(), fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// decodeOverrides reads keys.json's object of binding ids to lists of keys; a JSON error names
// its line and column, and a null where a list belongs names its id.
func decodeOverrides(data []byte) (map[string][]string, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, placeError(data, err, "the file must be a JSON object from binding ids to lists of keys")
	}
	if raw == nil {
		return nil, errors.New("the file must be a JSON object from binding ids to lists of keys, not null")
	}
	out := make(map[string][]string, len(raw))
	for id, v := range raw {
		if string(v) == "null" {
			return nil, fmt.Errorf("key binding %s: null; give a list of keys, or [] to unbind", boundedQuote(id))
		}
		var keys []string
		if err := json.Unmarshal(v, &keys); err != nil {
			return nil, fmt.Errorf("key binding %s: %w", boundedQuote(id), placeError(data, err, "must be a list of key names, e.g. [\"q\", \"ctrl+q\"]"))
		}
		out[id] = keys
	}
	return out, nil
}

// placeError turns encoding/json's error into one that says where (line and column) and, for
// a value of the wrong type, what belongs there.
func placeError(data []byte, err error, want string) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := jsontree.LineCol(data, se.Offset)
		return fmt.Errorf("line %d, column %d: bad JSON: %v", line, col, se)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("%s, not a JSON %s", want, te.Value)
	}
	return err
}

// Apply rebinds the bindings the overrides name (by id) to the keys they give. An unknown id,
// or a key that is not a key name (ValidKeyName), is an error naming it.
func (k *KeyMap) Apply(overrides map[string][]string) error {
	all := k.Bindings()
	ids := make([]string, 0, len(overrides))
	for id := range overrides {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		b, ok := all[id]
		if !ok {
			return fmt.Errorf("unknown key binding %s (known: %s)", boundedQuote(id), strings.Join(k.IDs(), ", "))
		}
		keys := overrides[id]
		if len(keys) == 0 {
			b.Unbind()
			continue
		}
		for _, s := range keys {
			if err := ValidKeyName(s); err != nil {
				return fmt.Errorf("key binding %q: %w", id, err)
			}
		}
		b.SetKeys(keys...)
		b.SetHelp(strings.Join(keys, "/"), b.Help().Desc)
		b.SetEnabled(true)
	}
	return nil
}

// modifiers are the modifier prefixes of a key name, as Bubble Tea writes them.
var modifiers = []string{"ctrl", "alt", "shift", "meta", "hyper", "super"}

// namedKeys are the names Bubble Tea gives keys that are not one printable character.
var namedKeys = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(`enter tab backspace esc space up down left right begin find
		insert delete select pgup pgdown home end equal mul plus comma minus period div sep
		capslock scrolllock numlock printscreen pause menu mediaplay mediapause mediaplaypause
		mediareverse mediastop mediafastforward mediarewind medianext mediaprev mediarecord
		lowervol raisevol mute leftshift leftalt leftctrl leftsuper lefthyper leftmeta rightshift
		rightalt rightctrl rightsuper righthyper rightmeta isolevel3shift isolevel5shift`) {
		m[n] = true
	}
	for i := 1; i <= 63; i++ {
		m[fmt.Sprintf("f%d", i)] = true
	}
	return m
}()

// ValidKeyName reports whether s names a key as Bubble Tea does: modifiers joined by "+"
// (ctrl, alt, shift, meta, hyper, super, each once, in any order), then a key's name (enter,
// pgdown, f5, ...) or one printable character that is not a space. Anything else (a control
// character, an escape sequence, a character that draws nothing, a typo) could never match a
// key, and some would act on the terminal when the help draws it.
func ValidKeyName(s string) error {
	if s == "" || strings.TrimSpace(s) == "" {
		return errors.New("empty key name")
	}
	if len(s) > 40 {
		return fmt.Errorf("%s is not a key name: too long", boundedQuote(s))
	}
	rest := s
	seen := map[string]bool{}
	for {
		mod, after, found := strings.Cut(rest, "+")
		if !found || after == "" || !slices.Contains(modifiers, mod) {
			break
		}
		if seen[mod] {
			return fmt.Errorf("%q is not a key name: %s twice", s, mod)
		}
		seen[mod] = true
		rest = after
	}
	if namedKeys[rest] {
		return nil
	}
	r, size := utf8.DecodeRuneInString(rest)
	if size == len(rest) && r != utf8.RuneError && unicode.IsGraphic(r) && !unicode.IsSpace(r) && sanitize.Text(rest) == rest {
		return nil
	}
	return fmt.Errorf("%s is not a key name (a character such as q or ?, or a name such as enter, esc, pgdown, f5, with modifiers such as ctrl+ or alt+)", boundedQuote(s))
}

// boundedQuote quotes s for an error message, escaped, and cut to 40 bytes when longer.
func boundedQuote(s string) string {
	if len(s) > 40 {
		cut := 40
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return fmt.Sprintf("%+q… (%d bytes)", s[:cut], len(s))
	}
	return fmt.Sprintf("%+q", s)
}

// Bindings returns every binding by id ("group.name"), as pointers into k.
func (k *KeyMap) Bindings() map[string]*key.Binding {
	out := map[string]*key.Binding{}
	groups := reflect.ValueOf(k).Elem()
	for i := 0; i < groups.NumField(); i++ {
		gname := groups.Type().Field(i).Tag.Get("key")
		group := groups.Field(i)
		for j := 0; j < group.NumField(); j++ {
			name := group.Type().Field(j).Tag.Get("key")
			out[gname+"."+name] = group.Field(j).Addr().Interface().(*key.Binding)
		}
	}
	return out
}

// IDs lists every binding id, sorted.
func (k *KeyMap) IDs() []string {
	all := k.Bindings()
	ids := make([]string, 0, len(all))
	for id := range all {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Conflicts lists the keys bound twice where both bindings can fire: within one group, or
// between the global group and the list or tree groups (which share the screen with it). Each
// conflict reads "key: id1, id2".
func (k *KeyMap) Conflicts() []string {
	all := k.Bindings()
	shares := func(a, b string) bool {
		ga, _, _ := strings.Cut(a, ".")
		gb, _, _ := strings.Cut(b, ".")
		if ga == gb {
			return true
		}
		screen := map[string]bool{"global": true, "list": true, "tree": true}
		// list and tree bindings overlap on purpose (enter opens a row or explains a node;
		// l expands); the tree is asked first where both apply.
		if (ga == "global" || gb == "global") && screen[ga] && screen[gb] {
			return true
		}
		// The editors take the global keys that work everywhere (help, the palette, the
		// guided questions, back, quit) and the moving keys besides their own.
		editor := map[string]bool{"editor": true, "whatif": true}
		return (inEditors[a] && editor[gb]) || (inEditors[b] && editor[ga])
	}
	byKey := map[string][]string{}
	for _, id := range k.IDs() {
		b := all[id]
		if !b.Enabled() {
			continue
		}
		for _, s := range b.Keys() {
			byKey[s] = append(byKey[s], id)
		}
	}
	var out []string
	for s, ids := range byKey {
		for i := 0; i < len(ids); i++ {
			for j := i + 1; j < len(ids); j++ {
				if shares(ids[i], ids[j]) && !sameAction(ids[i], ids[j]) {
					out = append(out, s+": "+ids[i]+", "+ids[j])
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// inEditors are the bindings of other groups that the context and what-if editors take too.
var inEditors = map[string]bool{
	"global.help": true, "global.palette": true, "global.questions": true, "global.back": true, "global.quit": true,
	"list.up": true, "list.down": true, "list.page-up": true, "list.page-down": true, "list.top": true, "list.bottom": true,
}

// sameAction reports whether two bindings of one group are meant to share keys: the editor's
// edit and accept, both on enter, never fire in the same state.
func sameAction(a, b string) bool {
	return (a == "editor.accept" && b == "editor.edit") || (a == "editor.edit" && b == "editor.accept")
}
