package tui

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/iamscope/iamscope/internal/safefile"
	"github.com/iamscope/iamscope/internal/sanitize"
)

// The palette's history: what was run from the palette (a `can` or `who-can` typed in full,
// or the text that chose an item), newest last, walked with ↑ and ↓ while the input is empty
// or shows an entry. It lasts the session, and when Options.HistoryPath names a file it is
// read at start and written after each command (safefile: mode 0600, atomically), so that an
// incident call can pick up the commands of the last one.

// Bounds of the history: entries kept, and the longest entry and file read.
const (
	maxHistory      = 100
	maxHistoryEntry = 1000
	maxHistoryFile  = 256 << 10
)

// historyMsg brings the history read at start.
type historyMsg struct {
	entries []string
	err     error
}

// historySavedMsg says whether writing the history worked.
type historySavedMsg struct{ err error }

// readHistoryCmd reads the history file; a missing file is an empty history.
func readHistoryCmd(path string) tea.Cmd {
	return func() tea.Msg {
		entries, err := readHistory(path)
		return historyMsg{entries: entries, err: err}
	}
}

// readHistory reads a history file: a JSON array of strings. Entries that are empty, too
// long or hold control characters are dropped, and only the newest maxHistory are kept.
func readHistory(path string) ([]string, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("palette history %s: %w", path, err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxHistoryFile+1))
	if err != nil {
		return nil, fmt.Errorf("palette history %s: %w", path, err)
	}
	if len(raw) > maxHistoryFile {
		return nil, fmt.Errorf("palette history %s: larger than %d bytes", path, maxHistoryFile)
	}
	var all []string
	if err := json.Unmarshal(raw, &all); err != nil {
		return nil, fmt.Errorf("palette history %s: %w", path, err)
	}
	var out []string
	for _, e := range all {
		if e == "" || len(e) > maxHistoryEntry || sanitize.Text(e) != e {
			continue
		}
		out = append(out, e)
	}
	if len(out) > maxHistory {
		out = out[len(out)-maxHistory:]
	}
	return out, nil
}

// remember adds an entry to the history (moving it to the end if it is there) and returns the
// command that writes the file, if there is one.
func (m *Model) remember(entry string) tea.Cmd {
	entry = strings.TrimSpace(entry)
	if entry == "" || len(entry) > maxHistoryEntry {
		return nil
	}
	h := m.history[:0:0]
	for _, e := range m.history {
		if e != entry {
			h = append(h, e)
		}
	}
	h = append(h, entry)
	if len(h) > maxHistory {
		h = h[len(h)-maxHistory:]
	}
	m.history = h
	path := m.opts.HistoryPath
	if path == "" {
		return nil
	}
	data, err := json.MarshalIndent(h, "", " ")
	if err != nil {
		return nil
	}
	return func() tea.Msg {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return historySavedMsg{err: fmt.Errorf("palette history: %w", err)}
		}
		if err := safefile.WriteFile(path, data); err != nil {
			return historySavedMsg{err: fmt.Errorf("palette history: %w", err)}
		}
		return historySavedMsg{}
	}
}
