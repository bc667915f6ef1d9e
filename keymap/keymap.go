// Package keymap holds every key binding of the explorer, grouped by the context in which it
// works, with the short and full help each context shows. Bindings can be changed from a JSON
// file in the user's configuration directory (see Load).
package keymap

import (
	"charm.land/bubbles/v2/key"
)

// Global bindings work everywhere unless an overlay or a text field takes the keys.
type Global struct {
	Quit      key.Binding `key:"quit"`
	Help      key.Binding `key:"help"`
	Palette   key.Binding `key:"palette"`
	Context   key.Binding `key:"context"`
	WhatIf    key.Binding `key:"whatif"`
	Warnings  key.Binding `key:"warnings"`
	Export    key.Binding `key:"export"`
	Copy      key.Binding `key:"copy"`
	Strict    key.Binding `key:"strict"`
	Questions key.Binding `key:"questions"`
	NextView  key.Binding `key:"next-view"`
	PrevView  key.Binding `key:"prev-view"`
	FocusNext key.Binding `key:"focus-next"`
	FocusPrev key.Binding `key:"focus-prev"`
	Back      key.Binding `key:"back"`
	Suspend   key.Binding `key:"suspend"`
}

// List bindings move through any list, tree or document.
type List struct {
	Up       key.Binding `key:"up"`
	Down     key.Binding `key:"down"`
	PageUp   key.Binding `key:"page-up"`
	PageDown key.Binding `key:"page-down"`
	Top      key.Binding `key:"top"`
	Bottom   key.Binding `key:"bottom"`
	Filter   key.Binding `key:"filter"`
	Open     key.Binding `key:"open"`
}

// Tree bindings work in the access tree, the reverse tree and the tree of chains and paths.
type Tree struct {
	Expand     key.Binding `key:"expand"`
	Collapse   key.Binding `key:"collapse"`
	Toggle     key.Binding `key:"toggle"`
	Explain    key.Binding `key:"explain"`
	ShowDenied key.Binding `key:"show-denied"`
	WritesOnly key.Binding `key:"writes-only"`
	ViaChains  key.Binding `key:"via-chains"`
}

// Document bindings work in the explanation.
type Document struct {
	Search key.Binding `key:"search"`
	Next   key.Binding `key:"next-match"`
	Prev   key.Binding `key:"prev-match"`
}

// Editor bindings work in the request-context editor.
type Editor struct {
	Edit   key.Binding `key:"edit"`
	Add    key.Binding `key:"add"`
	Clear  key.Binding `key:"clear"`
	MFA    key.Binding `key:"mfa"`
	Reset  key.Binding `key:"reset"`
	Accept key.Binding `key:"accept"`
}

// WhatIf bindings work in the what-if editor.
type WhatIf struct {
	Toggle  key.Binding `key:"toggle"`
	AddDeny key.Binding `key:"add-deny"`
	Clear   key.Binding `key:"clear"`
}

// KeyMap is every binding, by group. A binding's id in the configuration file is its group
// and its name: "global.quit", "tree.show-denied".
type KeyMap struct {
	Global   Global   `key:"global"`
	List     List     `key:"list"`
	Tree     Tree     `key:"tree"`
	Document Document `key:"document"`
	Editor   Editor   `key:"editor"`
	WhatIf   WhatIf   `key:"whatif"`
}

func bind(help, desc string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

// Default returns the bindings of the conventions users expect (see DESIGN.md): vi keys and
// arrows, `/` to filter or search, `:` for commands, `?` for help, `esc` to back out.
func Default() KeyMap {
	return KeyMap{
		Global: Global{
			Quit:      bind("q", "quit", "q", "ctrl+c"),
			Help:      bind("?", "help", "?"),
			Palette:   bind(":", "commands", ":"),
			Context:   bind("c", "request context", "c"),
			WhatIf:    bind("w", "what-if", "w"),
			Warnings:  bind("W", "load warnings", "W"),
			Export:    bind("e", "export", "e"),
			Copy:      bind("y", "copy ARN/statement", "y"),
			Strict:    bind("S", "strict / discovery mode", "S"),
			Questions: bind("Q", "guided questions", "Q"),
			NextView:  bind("]", "next view", "]"),
			PrevView:  bind("[", "previous view", "["),
			FocusNext: bind("tab", "next pane", "tab"),
			FocusPrev: bind("shift+tab", "previous pane", "shift+tab"),
			Back:      bind("esc", "back", "esc"),
			Suspend:   bind("ctrl+z", "suspend", "ctrl+z"),
		},
		List: List{
			Up:       bind("↑/k", "up", "up", "k"),
			Down:     bind("↓/j", "down", "down", "j"),
			PageUp:   bind("pgup", "page up", "pgup", "ctrl+u", "ctrl+b"),
			PageDown: bind("pgdn", "page down", "pgdown", "ctrl+d", "ctrl+f"),
			Top:      bind("g", "top", "g", "home"),
			Bottom:   bind("G", "bottom", "G", "end"),
			Filter:   bind("/", "filter", "/"),
			Open:     bind("enter", "open", "enter", "right", "l"),
		},
		Tree: Tree{
			Expand:     bind("→/l", "expand", "right", "l"),
			Collapse:   bind("←/h", "collapse", "left", "h"),
			Toggle:     bind("space", "expand/collapse", "space"),
			Explain:    bind("enter", "explain", "enter"),
			ShowDenied: bind("D", "show denied", "D"),
			WritesOnly: bind("M", "writes + permissions only", "M"),
			ViaChains:  bind("V", "only via role chains", "V"),
		},
		Document: Document{
			Search: bind("/", "search", "/"),
			Next:   bind("n", "next match", "n"),
			Prev:   bind("N", "previous match", "N"),
		},
		Editor: Editor{
			Edit:   bind("enter", "edit value", "enter"),
			Add:    bind("a", "add any key", "a"),
			Clear:  bind("d", "clear", "d", "delete", "backspace"),
			MFA:    bind("m", "cycle MFA", "m"),
			Reset:  bind("R", "clear all", "R"),
			Accept: bind("enter", "accept", "enter"),
		},
		WhatIf: WhatIf{
			Toggle:  bind("space", "detach/restore", "space", "enter"),
			AddDeny: bind("a", "add a deny", "a"),
			Clear:   bind("R", "undo all", "R"),
		},
	}
}
