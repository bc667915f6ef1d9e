package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/iamscope/iamscope/cli"
	"github.com/iamscope/iamscope/keymap"
	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/model"
	"github.com/iamscope/iamscope/tui"
)

// runExplorer runs the terminal explorer; tests replace it.
var runExplorer = tui.Run

// explorerFlags are the root command's flags for the explorer.
type explorerFlags struct {
	sources cli.Sources
	theme   string
	noColor bool
	noMouse bool
	strict  bool
	// questions is a trainer's question file for the guided tour (--questions).
	questions string
	// before names the earlier state the Changes view compares with (--before).
	before []string
}

// addExplorer makes the root command, given no subcommand, open the explorer on the sources
// its flags name (the embedded demo account when none).
func addExplorer(root *cobra.Command) {
	f := &explorerFlags{}
	f.sources.AddFlags(root)
	root.Flags().StringVar(&f.theme, "theme", "", "colours for a light or dark terminal: light or dark (default: follow the terminal's background)")
	root.Flags().BoolVar(&f.noColor, "no-color", false, "draw without colours (also when NO_COLOR is set)")
	root.Flags().BoolVar(&f.noMouse, "no-mouse", false, "leave the mouse to the terminal, to select text")
	root.Flags().BoolVar(&f.strict, "strict", false,
		"open in strict mode: keys the request context does not set are absent, as AWS sees a request; by default they are unknown and answers say \"allowed if ...\" (S switches)")
	root.Flags().StringVar(&f.questions, "questions", "",
		"a file of guided questions for the explorer's tour (Q), in the shape of loader/demo/questions.json (default: the demo's ten, with the demo account)")
	root.Flags().StringArrayVar(&f.before, "before", nil,
		"the earlier state for the Changes view ([ ]): a snapshot, a dump or a folder of them (repeatable); with the demo account the view compares with the demo a week earlier unless given")
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if f.theme != "" && f.theme != "light" && f.theme != "dark" {
			return usageError{fmt.Errorf("--theme %q: want light or dark", f.theme)}
		}
		// The explorer reads ctrl+c as a key and quits itself, so its load is not tied to the
		// command's signal context; it ends when the explorer does, a load still under way
		// with it.
		parent := cmd.Context()
		if parent == nil {
			parent = context.Background()
		}
		ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
		defer cancel()
		opts, err := f.options(ctx)
		if err != nil {
			return err
		}
		return runExplorer(opts)
	}
}

// options makes the explorer's options from the flags, the environment and the key file; the
// load runs under ctx.
func (f *explorerFlags) options(ctx context.Context) (tui.Options, error) {
	opts := tui.Options{
		Load:    explorerSource(ctx, &f.sources),
		Source:  f.sources.Describe(),
		Theme:   f.theme,
		NoColor: f.noColor || tui.NoColorFromEnv(),
		NoMouse: f.noMouse,
		Strict:  f.strict,
	}
	switch {
	case len(f.before) > 0:
		before := cli.Sources{Files: f.before}
		opts.Before = func(progress loader.ProgressFunc) ([]*model.Account, error) { return before.Load(ctx, progress) }
	case f.sources.Describe() == demo.Source:
		opts.Before = func(loader.ProgressFunc) ([]*model.Account, error) { return demo.Before() }
	}
	switch {
	case f.questions != "":
		qs, err := demo.ReadQuestions(f.questions)
		if err != nil {
			return opts, usageError{fmt.Errorf("--questions: %w", err)}
		}
		opts.Questions = qs
	case f.sources.Describe() == demo.Source:
		qs, err := demo.GuidedQuestions()
		if err != nil {
			return opts, err
		}
		opts.Questions = qs
	}
	path, err := keymap.DefaultPath()
	if err != nil {
		return opts, nil // no configuration directory: the default keys
	}
	keys, err := keymap.Load(path)
	if err != nil {
		return opts, fmt.Errorf("key bindings: %w", err)
	}
	if c := keys.Conflicts(); len(c) > 0 {
		return opts, errors.New("key bindings in " + path + " conflict: " + c[0])
	}
	opts.Keys = &keys
	opts.HistoryPath = filepath.Join(filepath.Dir(path), "history.json")
	return opts, nil
}

// explorerSource is what the explorer opens: the files and live account the flags name
// (cli.Sources), or the embedded demo account when they name none.
func explorerSource(ctx context.Context, s *cli.Sources) tui.LoadFunc {
	return func(progress loader.ProgressFunc) ([]*model.Account, error) {
		return s.Load(ctx, progress)
	}
}
