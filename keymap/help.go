package keymap

import "charm.land/bubbles/v2/key"

// Context is where the user is, for help that fits it.
type Context int

// The contexts that have help of their own.
const (
	Principals    Context = iota // the principals (or resources) list
	AccessTree                   // the access tree, with its toggles
	PlainTree                    // a tree without those toggles: reverse, chains and paths, the Changes tree
	Explanation                  // the explanation document
	ContextEditor                // the request-context editor
	WhatIfEditor                 // the what-if editor
	Palette                      // the command palette
	Filtering                    // typing a filter or search
	Questions                    // the guided questions of the tour
)

// ShortHelp returns the few bindings the footer shows in a context.
func (k KeyMap) ShortHelp(c Context) []key.Binding {
	g := k.Global
	switch c {
	case Principals:
		return []key.Binding{k.List.Filter, k.List.Open, g.NextView, g.Context, g.WhatIf, g.Palette, g.Questions, g.Help, g.Quit}
	case AccessTree:
		return []key.Binding{k.Tree.Toggle, k.Tree.Explain, k.List.Filter, k.Tree.ShowDenied, k.Tree.WritesOnly, k.Tree.ViaChains, g.Back, g.Help}
	case PlainTree:
		return []key.Binding{k.Tree.Toggle, k.Tree.Explain, k.List.Filter, g.Copy, g.Export, g.Back, g.Help}
	case Explanation:
		return []key.Binding{k.Document.Search, k.Document.Next, g.Copy, g.Export, g.Back, g.Help}
	case ContextEditor:
		return []key.Binding{k.Editor.Edit, k.Editor.MFA, k.Editor.Clear, k.Editor.Add, g.Back}
	case WhatIfEditor:
		return []key.Binding{k.WhatIf.Toggle, k.WhatIf.AddDeny, k.WhatIf.Clear, g.Back}
	case Palette, Filtering:
		return []key.Binding{k.Editor.Accept, g.Back}
	case Questions:
		return []key.Binding{k.List.Up, k.List.Down, k.Editor.Accept, g.Back}
	}
	return []key.Binding{g.Help, g.Quit}
}

// FullHelp returns the columns of bindings the help overlay shows in a context: the
// context's own bindings first, then movement, then the global ones.
func (k KeyMap) FullHelp(c Context) [][]key.Binding {
	l, g := k.List, k.Global
	move := []key.Binding{l.Up, l.Down, l.PageUp, l.PageDown, l.Top, l.Bottom}
	global := []key.Binding{g.Palette, g.Questions, g.Context, g.Strict, g.WhatIf, g.Warnings, g.NextView, g.PrevView, g.FocusNext, g.FocusPrev, g.Back, g.Suspend, g.Help, g.Quit}
	var own []key.Binding
	switch c {
	case Principals:
		own = []key.Binding{l.Filter, l.Open, g.Copy}
	case AccessTree:
		t := k.Tree
		own = []key.Binding{t.Expand, t.Collapse, t.Toggle, t.Explain, l.Filter, t.ShowDenied, t.WritesOnly, t.ViaChains, g.Copy, g.Export}
	case PlainTree:
		t := k.Tree
		own = []key.Binding{t.Expand, t.Collapse, t.Toggle, t.Explain, l.Filter, g.Copy, g.Export}
	case Explanation:
		d := k.Document
		own = []key.Binding{d.Search, d.Next, d.Prev, g.Copy, g.Export}
	case ContextEditor:
		e := k.Editor
		own = []key.Binding{e.Edit, e.MFA, e.Clear, e.Add, e.Reset}
		global = editorGlobal(k)
	case WhatIfEditor:
		w := k.WhatIf
		own = []key.Binding{w.Toggle, w.AddDeny, w.Clear}
		global = editorGlobal(k)
	case Palette, Filtering:
		return [][]key.Binding{{k.Editor.Accept, g.Back}, {l.Up, l.Down}}
	case Questions:
		return [][]key.Binding{{k.Editor.Accept, g.Back, g.Questions}, move}
	}
	return [][]key.Binding{own, move, global}
}

// editorGlobal are the bindings of other groups that work in the context and what-if editors
// (q and esc close them there).
func editorGlobal(k KeyMap) []key.Binding {
	g := k.Global
	closes := key.NewBinding(key.WithKeys(append(g.Back.Keys(), g.Quit.Keys()...)...), key.WithHelp(g.Back.Help().Key+"/"+g.Quit.Help().Key, "close"))
	return []key.Binding{g.Palette, g.Questions, g.Help, closes}
}
