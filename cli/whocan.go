package cli

import (
	"bufio"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/loader"
)

// NewWhoCanCommand returns `iamscope who-can ACTION RESOURCE`: every principal that can do it,
// directly or through a role chain, and the outside parties a policy admits.
func NewWhoCanCommand() *cobra.Command {
	var q query
	cmd := &cobra.Command{
		Use:   "who-can ACTION RESOURCE",
		Short: "List who can do an action on a resource, directly or through role chains",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			// One question, then the process ends: the collector's target stays raised to the
			// end, rather than a collection of the whole loaded heap starting after the load.
			defer loader.RelaxGC(q.src.Files)()
			if err := checkRequest(cmd, args[0], args[1]); err != nil {
				return err
			}
			if err := q.load(cmd); err != nil {
				return err
			}
			unknown := q.engine.UnknownKeysWhoCan(args[0], args[1], catalog.KnowsConditionKey)
			out := whoCanJSON{Action: args[0], Resource: args[1], Partial: q.engine.UnweighedWhoCan(args[1]),
				UnknownKeys: eval.UnknownKeyNames(unknown), Warnings: q.warnings(), Principals: []granteeJSON{}}
			for _, g := range q.engine.WhoCan(args[0], args[1], q.ctx, q.mode()) {
				out.Principals = append(out.Principals, granteeJSON{
					ARN: g.ARN, Kind: string(g.Kind), Decision: g.Decision, AllowedIf: condText(g.Condition),
					Conditions: conditionList(g.Condition), Via: hops(g.Via), Note: g.Note,
				})
			}
			if q.json {
				return writeJSON(cmd.OutOrStdout(), out)
			}
			// Written through a buffer: a wide trust lists tens of thousands of parties, a
			// write each otherwise.
			w := bufio.NewWriter(cmd.OutOrStdout())
			fmt.Fprintf(w, "%d part(ies) can %s on %s\n", len(out.Principals), clean(args[0]), clean(args[1]))
			writePartial(w, out.Partial)
			writeUnknownKeysWhere(w, unknown)
			for _, g := range out.Principals {
				line := fmt.Sprintf("  %-9s %s", g.Kind, clean(g.ARN))
				if g.AllowedIf != "" {
					line += " if " + clean(g.AllowedIf)
				}
				line += viaText(g.Via, true)
				if g.Note != "" {
					line += " (" + clean(g.Note) + ")"
				}
				fmt.Fprintln(w, line)
			}
			if err := w.Flush(); err != nil {
				return fmt.Errorf("writing the parties that can %s on %s: %w", args[0], args[1], err)
			}
			return nil
		},
	}
	q.addFlags(cmd)
	return cmd
}

type whoCanJSON struct {
	Action      string        `json:"action"`
	Resource    string        `json:"resource"`
	Partial     []string      `json:"partial,omitempty"`
	UnknownKeys []string      `json:"unknownKeys,omitempty"`
	Warnings    []string      `json:"warnings,omitempty"`
	Principals  []granteeJSON `json:"principals"`
}

type granteeJSON struct {
	ARN        string                `json:"arn"`
	Kind       string                `json:"kind"`
	Decision   eval.Decision         `json:"decision"`
	AllowedIf  string                `json:"allowedIf,omitempty"`
	Conditions []*eval.OpenCondition `json:"conditions"`
	Via        []hopJSON             `json:"via"`
	Note       string                `json:"note,omitempty"`
}
