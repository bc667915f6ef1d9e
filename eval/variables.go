package eval

import (
	"strings"

	"github.com/iamscope/iamscope/wildcard"
)

// template is a Resource or condition value that may hold policy variables (`${aws:username}`,
// `${aws:PrincipalTag/team, 'default'}`, and the escapes `${*}`, `${?}`, `${$}`). Variables are
// substituted only in Version 2012-10-17 policies; elsewhere the text is literal
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
type template struct {
	parts []tplPart
}

// tplPart is literal text (whose `*` and `?` are wildcards where the value is a glob), an
// escaped character that is always literal, or a variable.
type tplPart struct {
	text    string
	escaped bool // text came from ${*}, ${?} or ${$}: literal even in a glob
	isVar   bool
	key     string // lower-cased context key
	def     string
	hasDef  bool
}

// parseTemplate splits s into text and variables. It returns nil when s holds no variable.
func parseTemplate(s string) *template {
	if !strings.Contains(s, "${") {
		return nil
	}
	t := &template{}
	hasVar := false
	for len(s) > 0 {
		i := strings.Index(s, "${")
		if i < 0 {
			t.parts = append(t.parts, tplPart{text: s})
			break
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			t.parts = append(t.parts, tplPart{text: s})
			break
		}
		if i > 0 {
			t.parts = append(t.parts, tplPart{text: s[:i]})
		}
		body := s[i+2 : i+end]
		s = s[i+end+1:]
		switch body {
		case "*", "?", "$":
			t.parts = append(t.parts, tplPart{text: body, escaped: true})
			hasVar = true
			continue
		}
		key, def, hasDef := strings.Cut(body, ",")
		key = strings.TrimSpace(key)
		if hasDef {
			def = strings.TrimSpace(def)
			if len(def) >= 2 && def[0] == '\'' && def[len(def)-1] == '\'' {
				def = def[1 : len(def)-1]
			} else {
				// Not the documented default syntax: keep the text literal.
				t.parts = append(t.parts, tplPart{text: "${" + body + "}"})
				continue
			}
		}
		if key == "" {
			t.parts = append(t.parts, tplPart{text: "${" + body + "}"})
			continue
		}
		hasVar = true
		t.parts = append(t.parts, tplPart{isVar: true, key: strings.ToLower(key), def: def, hasDef: hasDef})
	}
	if !hasVar {
		return nil
	}
	return t
}

// lookupVar returns the value of a variable: a single-valued context key, or the default. A
// multivalued key is never a variable, even holding one value
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
func lookupVar(ctx *Context, p tplPart) (string, bool) {
	if v, ok := ctx.get(p.key); ok && !v.Multi && len(v.Values) == 1 {
		return v.Values[0], true
	}
	if p.hasDef {
		return p.def, true
	}
	return "", false
}

// text substitutes the variables and returns the plain string; false when a variable has no value.
func (t *template) text(ctx *Context) (string, bool) {
	var b strings.Builder
	for _, p := range t.parts {
		if p.isVar {
			v, ok := lookupVar(ctx, p)
			if !ok {
				return "", false
			}
			b.WriteString(v)
			continue
		}
		b.WriteString(p.text)
	}
	return b.String(), true
}

// glob substitutes the variables and compiles a glob in which only the policy's own `*` and `?`
// are wildcards; substituted values and escapes match literally. fold lower-cases the text.
func (t *template) glob(ctx *Context, fold bool) (wildcard.Pattern, bool) {
	parts, ok := t.globParts(ctx, fold)
	if !ok {
		return wildcard.Pattern{}, false
	}
	return wildcard.FromParts(parts), true
}

// globParts substitutes the variables and returns the glob as parts, as glob compiles them.
func (t *template) globParts(ctx *Context, fold bool) ([]wildcard.Part, bool) {
	var parts []wildcard.Part
	for _, p := range t.parts {
		switch {
		case p.isVar:
			v, ok := lookupVar(ctx, p)
			if !ok {
				return nil, false
			}
			parts = append(parts, wildcard.Part{Text: foldIf(v, fold)})
		case p.escaped:
			parts = append(parts, wildcard.Part{Text: p.text})
		default:
			parts = append(parts, globParts(foldIf(p.text, fold))...)
		}
	}
	return parts, true
}

func foldIf(s string, fold bool) string {
	if fold {
		return strings.ToLower(s)
	}
	return s
}

// globParts splits glob text into literal runs and wildcards.
func globParts(s string) []wildcard.Part {
	var parts []wildcard.Part
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '*' || s[i] == '?' {
			if start < i {
				parts = append(parts, wildcard.Part{Text: s[start:i]})
			}
			parts = append(parts, wildcard.Part{Star: s[i] == '*', Any: s[i] == '?'})
			start = i + 1
		}
	}
	if start < len(s) {
		parts = append(parts, wildcard.Part{Text: s[start:]})
	}
	return parts
}

// globValue is a glob as written in a policy, compiled once, or a template to compile per request.
type globValue struct {
	raw  string
	glob wildcard.Pattern
	tpl  *template
}

func newGlobValue(raw string, variables bool) globValue {
	g := globValue{raw: raw}
	if variables {
		g.tpl = parseTemplate(raw)
	}
	if g.tpl == nil {
		g.glob = wildcard.Compile(raw)
	}
	return g
}

// match reports whether s matches the glob, substituting variables from ctx. A variable
// without a value makes the glob match nothing.
func (g *globValue) match(ctx *Context, s string) bool {
	if g.tpl == nil {
		return g.glob.Match(s)
	}
	p, ok := g.tpl.glob(ctx, false)
	return ok && p.Match(s)
}
