package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/sanitize"
)

// NewPathsCommand returns `iamscope paths [PRINCIPAL]`: the privilege-escalation paths of one
// principal, or of every principal of the loaded accounts.
func NewPathsCommand() *cobra.Command {
	var q query
	cmd := &cobra.Command{
		Use:   "paths [PRINCIPAL]",
		Short: "Find privilege-escalation paths, for one principal or all",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := q.load(cmd); err != nil {
				return err
			}
			var found [][]eval.Escalation
			var who *eval.Principal // nil: every principal
			if len(args) == 1 {
				p, err := resolve(q.engine, q.accounts, args[0], false)
				if err != nil {
					return err
				}
				who = p
				found = [][]eval.Escalation{q.engine.PathsIn(p, q.ctx, q.mode())}
			} else {
				found = q.engine.AllPathsIn(q.ctx, q.mode())
			}
			unknown := q.engine.UnknownKeysPaths(who, catalog.KnowsConditionKey)
			out := pathsJSON{Partial: q.engine.UnweighedPaths(who), UnknownKeys: eval.UnknownKeyNames(unknown),
				Warnings: q.warnings(), Paths: []pathJSON{}}
			// The paths are written one at a time, as they are turned into their JSON form:
			// an account's paths may be many, and no list of them all is built.
			if q.json {
				return writePathsJSON(cmd.OutOrStdout(), out, found)
			}
			w := cmd.OutOrStdout()
			n := 0
			for _, escs := range found {
				n += len(escs)
			}
			fmt.Fprintf(w, "%d escalation path(s)\n", n)
			writePartial(w, out.Partial)
			writeUnknownKeysWhere(w, unknown)
			for _, escs := range found {
				for _, esc := range escs {
					writePath(w, pathOf(esc))
				}
			}
			return nil
		},
	}
	q.addFlags(cmd)
	return cmd
}

type pathsJSON struct {
	Partial     []string   `json:"partial,omitempty"`
	UnknownKeys []string   `json:"unknownKeys,omitempty"`
	Warnings    []string   `json:"warnings,omitempty"`
	Paths       []pathJSON `json:"paths"`
}

type pathJSON struct {
	From        string                     `json:"from"`
	To          string                     `json:"to"`
	Targets     []string                   `json:"targets"`
	TargetKind  string                     `json:"targetKind"`
	ID          string                     `json:"id"`
	Name        string                     `json:"name"`
	Category    catalog.EscalationCategory `json:"category"`
	Via         []hopJSON                  `json:"via"`
	Steps       []stepJSON                 `json:"steps"`
	Exploitable bool                       `json:"exploitable"`
	Needs       string                     `json:"needs,omitempty"`
	Bounded     bool                       `json:"bounded,omitempty"`
}

type stepJSON struct {
	Action    string `json:"action"`
	Resource  string `json:"resource"`
	AllowedIf string `json:"allowedIf,omitempty"`
	// Context holds the keys the step was decided with beyond the request's.
	Context map[string][]string `json:"context,omitempty"`
}

// stepContext lists a step's own context keys and their values; nil when it has none.
func stepContext(c *eval.Context) map[string][]string {
	keys := c.Keys()
	if len(keys) == 0 {
		return nil
	}
	out := make(map[string][]string, len(keys))
	for _, k := range keys {
		v, _ := c.Get(k)
		out[k] = v.Values
	}
	return out
}

// pathOf is an escalation path in its JSON form.
func pathOf(esc eval.Escalation) pathJSON {
	targets := esc.Targets
	if targets == nil {
		targets = []string{}
	}
	pj := pathJSON{From: esc.From.ARN, To: esc.Target, Targets: targets, TargetKind: esc.TargetKind, ID: esc.Path.ID,
		Name: esc.Path.Name, Category: esc.Path.Category, Exploitable: esc.Exploitable, Needs: esc.Needs,
		Bounded: esc.Bounded, Via: hops(esc.Via), Steps: []stepJSON{}}
	for _, s := range esc.Steps {
		pj.Steps = append(pj.Steps, stepJSON{Action: s.Action, Resource: s.Resource, AllowedIf: condText(s.Condition), Context: stepContext(s.Context)})
	}
	return pj
}

// writePath writes one escalation path of the text answer.
func writePath(w io.Writer, p pathJSON) {
	state := "works now"
	if !p.Exploitable {
		state = "needs " + clean(p.Needs)
	}
	more := ""
	if n := len(p.Targets) - 1; n > 0 {
		more = fmt.Sprintf(" (and %d more target(s))", n)
	}
	fmt.Fprintf(w, "\n%s -> %s%s  [%s %s, %s]\n", clean(p.From), clean(p.To), more, clean(p.ID), clean(p.Name), state)
	for i, h := range p.Via {
		if len(p.Via) > maxHopsShown && i == maxHopsShown/2 {
			fmt.Fprintf(w, "    ... %d more role(s) assumed ...\n", len(p.Via)-maxHopsShown)
		}
		if len(p.Via) > maxHopsShown && i >= maxHopsShown/2 && i < len(p.Via)-maxHopsShown/2 {
			continue
		}
		fmt.Fprintf(w, "    assume %s", clean(h.To))
		if h.AllowedIf != "" {
			fmt.Fprintf(w, " (if %s)", clean(h.AllowedIf))
		}
		fmt.Fprintln(w)
	}
	for _, s := range p.Steps {
		fmt.Fprintf(w, "    %s on %s", clean(s.Action), clean(s.Resource))
		if s.AllowedIf != "" {
			fmt.Fprintf(w, " (if %s)", clean(s.AllowedIf))
		}
		for _, k := range slices.Sorted(maps.Keys(s.Context)) {
			fmt.Fprintf(w, " [with %s=%s]", clean(k), clean(strings.Join(s.Context[k], ",")))
		}
		fmt.Fprintln(w)
	}
	if p.Bounded {
		fmt.Fprintln(w, "    capped by the permission boundary")
	}
}

// writePathsJSON writes paths' JSON answer, the same bytes as writeJSON of the whole answer
// with every path in it, one path at a time.
func writePathsJSON(w io.Writer, head pathsJSON, found [][]eval.Escalation) error {
	if err := writeJSONHead(w, head, "paths"); err != nil {
		return err
	}
	sep := "[\n    "
	n := 0
	for _, escs := range found {
		for _, esc := range escs {
			b, err := json.MarshalIndent(pathOf(esc), "    ", "  ")
			if err != nil {
				return fmt.Errorf("writing JSON: %w", err)
			}
			if _, err := io.WriteString(w, sep); err != nil {
				return fmt.Errorf("writing JSON: %w", err)
			}
			if _, err := w.Write(sanitize.JSON(b)); err != nil {
				return fmt.Errorf("writing JSON: %w", err)
			}
			sep = ",\n    "
			n++
		}
	}
	end := "[]\n}\n"
	if n > 0 {
		end = "\n  ]\n}\n"
	}
	if _, err := io.WriteString(w, end); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}
