package keymap

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

func press(s string) tea.KeyPressMsg {
	switch s {
	case "ctrl+q":
		return tea.KeyPressMsg{Code: 'q', Mod: tea.ModCtrl}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	}
	r := []rune(s)
	return tea.KeyPressMsg{Code: r[0], Text: s}
}

func TestDefaultsHaveNoConflicts(t *testing.T) {
	k := Default()
	if c := k.Conflicts(); len(c) > 0 {
		t.Errorf("conflicts: %v", c)
	}
	for id, b := range k.Bindings() {
		if len(b.Keys()) == 0 || b.Help().Key == "" || b.Help().Desc == "" {
			t.Errorf("%s: keys %v help %+v", id, b.Keys(), b.Help())
		}
	}
	if !key.Matches(press("q"), k.Global.Quit) || !key.Matches(press("esc"), k.Global.Back) {
		t.Error("q does not quit or esc does not back out")
	}
}

func TestLoadRebindsAndUnbinds(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, []byte(`{"global.quit": ["ctrl+q"], "global.warnings": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if key.Matches(press("q"), k.Global.Quit) || !key.Matches(press("ctrl+q"), k.Global.Quit) {
		t.Errorf("quit keys %v", k.Global.Quit.Keys())
	}
	if k.Global.Quit.Help().Key != "ctrl+q" || k.Global.Quit.Help().Desc != "quit" {
		t.Errorf("help %+v", k.Global.Quit.Help())
	}
	if k.Global.Warnings.Enabled() {
		t.Error("warnings still bound")
	}
	// The help of a context follows the file.
	found := false
	for _, b := range k.ShortHelp(Principals) {
		found = found || b.Help().Key == "ctrl+q"
	}
	if !found {
		t.Error("short help does not show the new quit key")
	}
}

func TestLoadErrorsNameTheFileAndTheBinding(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"unknown.json": `{"global.frobnicate": ["x"]}`,
		"notjson.json": `["q"]`,
		"empty.json":   `{"list.up": [""]}`,
	} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(body), 0o600)
		k, err := Load(path)
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v", name, err)
		}
		if !key.Matches(press("q"), k.Global.Quit) {
			t.Errorf("%s: a bad file must leave the defaults", name)
		}
	}
	if _, err := Load(filepath.Join(dir, "unknown.json")); !strings.Contains(err.Error(), "global.frobnicate") {
		t.Errorf("error does not name the binding: %v", err)
	}
	if k, err := Load(filepath.Join(dir, "missing.json")); err != nil || !key.Matches(press("q"), k.Global.Quit) {
		t.Errorf("missing file: %v", err)
	}
	// A configuration directory that is a file: no key file can be there.
	if k, err := Load(filepath.Join(dir, "unknown.json", FileName)); err != nil || !key.Matches(press("q"), k.Global.Quit) {
		t.Errorf("no directory: %v", err)
	}
}

func TestConflictsFound(t *testing.T) {
	k := Default()
	if err := k.Apply(map[string][]string{"list.filter": {"q"}}); err != nil {
		t.Fatal(err)
	}
	c := k.Conflicts()
	if len(c) != 1 || c[0] != "q: global.quit, list.filter" {
		t.Errorf("conflicts %v", c)
	}
}

func TestEveryContextHasHelp(t *testing.T) {
	k := Default()
	for c := Principals; c <= Filtering; c++ {
		if len(k.ShortHelp(c)) == 0 || len(k.FullHelp(c)) == 0 {
			t.Errorf("context %d has no help", c)
		}
	}
	if p, err := DefaultPath(); err == nil && !strings.HasSuffix(p, filepath.Join("iamscope", "keys.json")) {
		t.Errorf("default path %s", p)
	}
}

// TestStrictKeyIsFreeInEveryContext: S switches strict and discovery mode wherever global keys
// work; no binding of any group (the lists and trees, the explanation, the editors) takes S,
// and the help of the lists, the trees and the explanation names it.
func TestStrictKeyIsFreeInEveryContext(t *testing.T) {
	k := Default()
	for id, b := range k.Bindings() {
		if id == "global.strict" {
			continue
		}
		if key.Matches(press("S"), *b) {
			t.Errorf("S is also bound to %s", id)
		}
	}
	if !key.Matches(press("S"), k.Global.Strict) {
		t.Fatal("S does not switch strict mode")
	}
	for c := Principals; c <= Explanation; c++ {
		found := false
		for _, col := range k.FullHelp(c) {
			for _, b := range col {
				found = found || b.Help().Key == "S"
			}
		}
		if !found {
			t.Errorf("the help of context %d does not name S", c)
		}
	}
}

// TestConflictsReachTheEditors: the editors take help, the palette, the guided questions,
// back, quit and the moving keys, so an editor binding on one of their keys conflicts.
func TestConflictsReachTheEditors(t *testing.T) {
	k := Default()
	if c := k.Conflicts(); len(c) != 0 {
		t.Fatalf("the defaults conflict: %v", c)
	}
	k.Editor.Add = key.NewBinding(key.WithKeys("Q"))
	k.WhatIf.AddDeny = key.NewBinding(key.WithKeys("G"))
	got := strings.Join(k.Conflicts(), "; ")
	for _, want := range []string{"Q: editor.add, global.questions", "G: list.bottom, whatif.add-deny"} {
		if !strings.Contains(got, want) {
			t.Errorf("conflicts %q lack %q", got, want)
		}
	}
}
