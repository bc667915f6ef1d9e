package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Theme says how to colour the explorer.
type Theme struct {
	// Dark is true for a dark terminal background.
	Dark bool
	// NoColor draws without colours: attributes only (bold, reverse, underline), for NO_COLOR
	// and --no-color. Every decision is also written as a word or symbol, never by colour alone.
	NoColor bool
}

// styles are every style the explorer draws with, built once per theme.
type styles struct {
	theme Theme

	app, dim, faint, bold lipgloss.Style

	header, headerAccount, chip, chipSet, chipWhatIf lipgloss.Style
	tab, tabActive, crumb, crumbSep                  lipgloss.Style

	paneTitle, paneTitleFocused, separator lipgloss.Style

	row, rowSelected, rowSelectedBlurred, rowMatch lipgloss.Style

	allow, deny, cond lipgloss.Style
	gained, lost      lipgloss.Style
	badge             lipgloss.Style
	levelWrite        lipgloss.Style
	levelPerm         lipgloss.Style
	levelRead         lipgloss.Style

	docHeading, docDecisive, docJSON, docMatch, docMatchCurrent lipgloss.Style

	overlay, overlayTitle lipgloss.Style

	footerKey, footerDesc, status, warning, errorText lipgloss.Style
}

// newStyles builds the styles of a theme.
func newStyles(t Theme) *styles {
	s := &styles{theme: t}
	ld := lipgloss.LightDark(t.Dark)
	c := func(light, dark string) color.Color {
		if t.NoColor {
			return lipgloss.NoColor{}
		}
		return ld(lipgloss.Color(light), lipgloss.Color(dark))
	}
	var (
		fg       = c("#1f2328", "#e6edf3")
		muted    = c("#59636e", "#9198a1")
		accent   = c("#0550ae", "#79c0ff")
		green    = c("#116329", "#56d364")
		red      = c("#a40e26", "#ff7b72")
		amber    = c("#7d4e00", "#e3b341")
		purple   = c("#6639ba", "#d2a8ff")
		selBg    = c("#ddf4ff", "#1f3b5c")
		blurBg   = c("#eaeef2", "#2d333b")
		chipBg   = c("#eaeef2", "#30363d")
		setBg    = c("#fff8c5", "#4b3d00")
		whatifBg = c("#fbefff", "#3c1e70")
		matchBg  = c("#fff8c5", "#5a4a00")
		curBg    = c("#ffd33d", "#9e6a03")
	)
	n := lipgloss.NewStyle
	s.app = n().Foreground(fg)
	s.dim = n().Foreground(muted)
	s.faint = n().Foreground(muted).Faint(t.NoColor)
	s.bold = n().Bold(true)

	s.header = n().Foreground(fg)
	s.headerAccount = n().Bold(true).Foreground(accent)
	s.chip = n().Foreground(fg).Background(chipBg).Padding(0, 1)
	s.chipSet = n().Foreground(fg).Background(setBg).Padding(0, 1).Bold(true)
	s.chipWhatIf = n().Foreground(purple).Background(whatifBg).Padding(0, 1).Bold(true)
	s.tab = n().Foreground(muted).Padding(0, 1)
	s.tabActive = n().Foreground(accent).Bold(true).Underline(true).Padding(0, 1)
	s.crumb = n().Foreground(fg)
	s.crumbSep = n().Foreground(muted)

	s.paneTitle = n().Foreground(muted).Bold(true)
	s.paneTitleFocused = n().Foreground(accent).Bold(true).Underline(t.NoColor)
	s.separator = n().Foreground(muted)

	s.row = n().Foreground(fg)
	s.rowSelected = n().Background(selBg).Foreground(fg).Bold(true)
	s.rowSelectedBlurred = n().Background(blurBg).Foreground(fg)
	if t.NoColor {
		s.rowSelected = n().Reverse(true).Bold(true)
		s.rowSelectedBlurred = n().Underline(true)
	}
	s.rowMatch = n().Foreground(accent).Underline(true)

	s.allow = n().Foreground(green)
	s.deny = n().Foreground(red)
	s.cond = n().Foreground(amber)
	s.gained = n().Foreground(green).Bold(true)
	s.lost = n().Foreground(red).Strikethrough(true)
	s.badge = n().Foreground(purple).Bold(true)
	s.levelWrite = n().Foreground(amber)
	s.levelPerm = n().Foreground(red).Bold(true)
	s.levelRead = n().Foreground(muted)

	s.docHeading = n().Bold(true).Foreground(accent)
	s.docDecisive = n().Bold(true).Foreground(fg).Background(setBg)
	if t.NoColor {
		s.docDecisive = n().Bold(true)
	}
	s.docJSON = n().Foreground(muted)
	s.docMatch = n().Background(matchBg).Underline(t.NoColor)
	s.docMatchCurrent = n().Background(curBg).Bold(true).Reverse(t.NoColor)

	s.overlay = n().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1)
	s.overlayTitle = n().Bold(true).Foreground(accent)

	s.footerKey = n().Foreground(accent).Bold(true)
	s.footerDesc = n().Foreground(muted)
	s.status = n().Foreground(fg)
	s.warning = n().Foreground(amber).Bold(true)
	s.errorText = n().Foreground(red).Bold(true)
	return s
}
