package keymap

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"syscall"

	"charm.land/bubbles/v2/key"
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

// Load returns the default bindings changed by the file at path, if there is one. The file is
// a JSON object from binding ids to the keys that trigger them, as Bubble Tea names keys:
//
//	{"global.quit": ["q", "ctrl+q"], "list.down": ["j", "down", "ctrl+n"], "global.warnings": []}
//
// An empty list unbinds. A missing file gives the defaults; a file that names an unknown id or
// is not such an object is an error that names the file and the id.
func Load(path string) (KeyMap, error) {
	k := Default()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return k, nil // no file (or no directory for it): the defaults
	}
	if err != nil {
		return k, err
	}
	var overrides map[string][]string
	if err := json.Unmarshal(data, &overrides); err != nil {
		return Default(), fmt.Errorf("%s: %w", path, err)
	}
	if err := k.Apply(overrides); err != nil {
		return Default(), fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// Apply rebinds the bindings the overrides name (by id) to the keys they give.
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
			return fmt.Errorf("unknown key binding %q (known: %s)", id, strings.Join(k.IDs(), ", "))
		}
		keys := overrides[id]
		if len(keys) == 0 {
			b.Unbind()
			continue
		}
		for _, s := range keys {
			if strings.TrimSpace(s) == "" {
				return fmt.Errorf("key binding %q: empty key name", id)
			}
		}
		b.SetKeys(keys...)
		b.SetHelp(strings.Join(keys, "/"), b.Help().Desc)
		b.SetEnabled(true)
	}
	return nil
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
		return (ga == "global" || gb == "global") && screen[ga] && screen[gb]
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

// sameAction reports whether two bindings of one group are meant to share keys: the editor's
// edit and accept, both on enter, never fire in the same state.
func sameAction(a, b string) bool {
	return (a == "editor.accept" && b == "editor.edit") || (a == "editor.edit" && b == "editor.accept")
}
