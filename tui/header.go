package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
)

// age says how old data is, for people: "3h", "5d", "2mo", "1y 2mo".
func age(d time.Duration) string {
	switch {
	case d < time.Hour:
		return "<1h"
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	case d < 60*24*time.Hour:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	}
	months := int(d.Hours() / 24 / 30.44)
	if months < 12 {
		return fmt.Sprintf("%dmo", months)
	}
	if months%12 == 0 {
		return fmt.Sprintf("%dy", months/12)
	}
	return fmt.Sprintf("%dy %dmo", months/12, months%12)
}

// headerView draws the account line and the chips of the request context and what-ifs.
func (m *Model) headerView() []string {
	c := m.ctx
	s := c.styles
	w := c.layout.header.w
	a := c.mainAccount()
	var line1 strings.Builder
	line1.WriteString(s.bold.Render("iamscope"))
	if a != nil {
		name := clean(a.ID)
		if a.Alias != "" {
			name = clean(a.Alias) + " (" + clean(a.ID) + ")"
		}
		line1.WriteString("  " + s.headerAccount.Render(name))
		if n := m.warningCount(); n > 0 {
			word := "warnings"
			if n == 1 {
				word = "warning"
			}
			line1.WriteString("  " + s.warning.Render(fmt.Sprintf("⚠ %d %s (%s)", n, word, c.keys.Global.Warnings.Help().Key)))
		}
		// The organization, and how many accounts answer (issue 16), before what a narrow
		// window cuts.
		if org := c.orgSummary(w < 110); org != "" {
			line1.WriteString(s.dim.Render("  " + org))
		}
		src := clean(a.Source)
		if src == "" {
			src = clean(m.opts.Source)
		}
		line1.WriteString(s.dim.Render("  source ") + src)
		if !a.LoadedAt.IsZero() {
			line1.WriteString(s.dim.Render("  data ") + age(c.now().Sub(a.LoadedAt)) + s.dim.Render(" old ("+a.LoadedAt.UTC().Format("2006-01-02 15:04")+" UTC)"))
		}
	}
	return []string{fit(line1.String(), w), fit(m.chipsView(), w)}
}

// chipsView draws the request context as chips: the mode (strict or discovery), the named
// keys always (? when unknown, - when absent), any other key set; the what-ifs in force come
// right after the mode, so that a cut line keeps them.
// Narrow windows get compact chips.
func (m *Model) chipsView() string {
	c := m.ctx
	s := c.styles
	compact := c.layout.header.w < 110
	chipStyle, setStyle, whatIfStyle := s.chip, s.chipSet, s.chipWhatIf
	sep := " "
	if compact {
		chipStyle, setStyle, whatIfStyle = chipStyle.Padding(0), setStyle.Padding(0), whatIfStyle.Padding(0)
	}
	// A key not set is unknown (?) in discovery mode, absent (-) in strict mode.
	unset := " ?"
	if c.strict {
		unset = " -"
	}
	chip := func(label, key string) string {
		if v, ok := c.req.get(key); ok {
			return setStyle.Render(label + " " + clean(v))
		}
		return chipStyle.Render(label + unset)
	}
	var parts []string
	if !compact {
		parts = append(parts, s.dim.Render("context"))
	}
	if c.strict {
		parts = append(parts, setStyle.Render(c.modeName()))
	} else {
		parts = append(parts, chipStyle.Render(c.modeName()))
	}
	// The what-ifs come first: a line cut at the right must not hide that the answers on
	// screen are those of a changed account.
	if c.whatIfActive() {
		parts = append(parts, whatIfStyle.Render(fmt.Sprintf("what-if (%d)", len(c.changes))))
		most := 48
		if compact {
			most = 24
		}
		for _, ch := range c.changes {
			parts = append(parts, whatIfStyle.Render(truncate(clean(changeLabel(ch)), most)))
		}
		parts = append(parts, s.dim.Render("│"))
	}
	parts = append(parts, chip("MFA", keyMFA), chip("IP", keySourceIP), chip("region", keyRegion), chip("TLS", keyTLS))
	if v, ok := c.req.get(keyTime); ok {
		parts = append(parts, setStyle.Render("time "+clean(v)))
	} else {
		parts = append(parts, chipStyle.Render("time now"))
	}
	// The selected principal's own tags travel with its requests (aws:PrincipalTag/...).
	if !compact {
		var own []string
		_, tags := m.selectedTags()
		for _, t := range tags {
			if _, set := c.req.get(tagPrefix + t.Key); !set {
				own = append(own, clean(t.Key)+"="+clean(t.Value))
			}
		}
		if len(own) > 0 {
			parts = append(parts, chipStyle.Render("tags "+truncate(strings.Join(own, " "), 40)))
		}
	}
	for _, k := range c.req.keys() {
		if isNamed(k) {
			continue
		}
		v, _ := c.req.get(k)
		label := k + "="
		if t, ok := strings.CutPrefix(k, tagPrefix); ok {
			label = "tag " + t + "="
		}
		parts = append(parts, setStyle.Render(clean(label)+clean(v)))
	}
	if m.whatIfBuilding {
		parts = append(parts, s.dim.Render(m.spinner.View()+" applying what-ifs"))
	}
	return strings.Join(parts, sep)
}

// footerView draws the status, or the short help of where the user is.
func (m *Model) footerView() string {
	c := m.ctx
	s := c.styles
	w := c.layout.footer.w
	if m.status != "" {
		st := s.status
		if m.statusErr {
			st = s.errorText
		}
		return fit(st.Render(m.status), w)
	}
	return fit(helpLine(s, c.keys.ShortHelp(m.helpContext())), w)
}

// helpLine draws bindings as "key desc · key desc".
func helpLine(s *styles, bindings []key.Binding) string {
	var parts []string
	for _, b := range bindings {
		if !b.Enabled() {
			continue
		}
		h := b.Help()
		parts = append(parts, s.footerKey.Render(h.Key)+" "+s.footerDesc.Render(h.Desc))
	}
	return strings.Join(parts, s.dim.Render(" · "))
}
