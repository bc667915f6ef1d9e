package tui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/iamscope/iamscope/loader"
)

func tea_WindowSize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

func loaderProgress(stage string, done, total, warnings int) loader.Progress {
	return loader.Progress{Stage: stage, Done: done, Total: total, Warnings: warnings}
}

func stripView(m *Model) string { return ansi.Strip(m.View().Content) }
