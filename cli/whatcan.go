package cli

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/sanitize"
	"github.com/iamscope/iamscope/loader"
)

// NewWhatCanCommand returns `iamscope what-can PRINCIPAL`: the principal's effective access
// over the whole action catalog, grouped by service and access level, including what it
// reaches through role chains.
func NewWhatCanCommand() *cobra.Command {
	var q query
	var noChains bool
	cmd := &cobra.Command{
		Use:   "what-can PRINCIPAL",
		Short: "List everything a principal (or leaked access key) can do, directly and through role chains",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !q.json {
				// One answer, then the process ends: the collector's target stays raised
				// to the end, as who-can's does (the JSON answer is written a piece at a
				// time, each garbage once written, and keeps Go's target).
				defer loader.RelaxGC(q.src.Files)()
			}
			if err := q.load(cmd); err != nil {
				return err
			}
			p, err := resolve(q.engine, q.accounts, args[0], true)
			if err != nil {
				return err
			}
			unknown := q.engine.UnknownKeysWhatCan(p, !noChains, q.ctx, q.mode(), catalog.KnowsConditionKey)
			out := whatCanJSON{Principal: p.ARN, Partial: q.engine.UnweighedWhatCan(p, !noChains, q.ctx, q.mode()),
				UnknownKeys: eval.UnknownKeyNames(unknown), Warnings: q.warnings()}
			if q.json {
				own := []viaServices{{services: q.engine.WhatCanServices(p, q.ctx, q.mode())}}
				if !noChains {
					// Each role's lists are held once (those of alike roles shared) and
					// written an action at a time, each with its chain.
					reaches := q.engine.RoleChains(p, q.ctx, q.mode())
					theirs := make([]viaServices, len(reaches))
					q.engine.WhatCanServicesThrough(reaches, q.ctx, q.mode(), func(i int, acc []eval.ServiceAccess) {
						theirs[i] = viaServices{via: reaches[i].Path, services: acc}
					})
					own = append(own, theirs...)
				}
				return writeWhatCanJSON(cmd.OutOrStdout(), out, own)
			}
			// The text answer counts what each role reached through a chain can do: it keeps
			// the counts, not every role's access.
			out.Services = groupAccess(q.engine.WhatCan(p, q.ctx, q.mode()))
			var chains []chainSummary
			if !noChains {
				reaches := q.engine.RoleChains(p, q.ctx, q.mode())
				chains = make([]chainSummary, len(reaches))
				q.engine.WhatCanCountsThrough(reaches, q.ctx, q.mode(), func(i int, counts []eval.ServiceCount) {
					chains[i] = summarizeRole(reaches[i].Path, counts)
				})
			}
			writeWhatCan(cmd.OutOrStdout(), out, unknown, chains)
			return nil
		},
	}
	q.addFlags(cmd)
	cmd.Flags().BoolVar(&noChains, "no-chains", false, "leave out what the principal reaches through role chains")
	return cmd
}

type whatCanJSON struct {
	Principal   string        `json:"principal"`
	Partial     []string      `json:"partial,omitempty"`
	UnknownKeys []string      `json:"unknownKeys,omitempty"`
	Warnings    []string      `json:"warnings,omitempty"`
	Services    []serviceJSON `json:"services"`
}

type serviceJSON struct {
	Service string      `json:"service"`
	Levels  []levelJSON `json:"levels"`
}

type levelJSON struct {
	Level   catalog.AccessLevel `json:"level"`
	Actions []actionJSON        `json:"actions"`
}

type actionJSON struct {
	Action    string         `json:"action"`
	Resources []resourceJSON `json:"resources"`
	Via       []hopJSON      `json:"via,omitempty"`
}

type resourceJSON struct {
	Resource  string   `json:"resource"`
	Known     bool     `json:"known,omitempty"`
	AllowedIf string   `json:"allowedIf,omitempty"`
	Except    []string `json:"except,omitempty"`
}

// levelOrder is the order access levels are listed in.
var levelOrder = []catalog.AccessLevel{catalog.List, catalog.Read, catalog.Write, catalog.PermissionsManagement, catalog.Tagging}

// groupAccess groups what-can's answer by service, then access level, keeping the engine's
// order within each.
func groupAccess(acc []eval.Access) []serviceJSON {
	out := []serviceJSON{}
	index := map[string]int{}
	for _, a := range acc {
		i, ok := index[a.Service]
		if !ok {
			i = len(out)
			index[a.Service] = i
			out = append(out, serviceJSON{Service: a.Service})
		}
		svc := &out[i]
		li := -1
		for j := range svc.Levels {
			if svc.Levels[j].Level == a.Level {
				li = j
			}
		}
		if li < 0 {
			svc.Levels = append(svc.Levels, levelJSON{Level: a.Level})
			li = len(svc.Levels) - 1
		}
		aj := actionJSON{Action: a.Action, Resources: []resourceJSON{}}
		if len(a.Via) > 0 {
			aj.Via = hops(a.Via)
		}
		for _, r := range a.Resources {
			aj.Resources = append(aj.Resources, resourceJSON{Resource: r.Resource, Known: r.Known, AllowedIf: condText(r.Condition), Except: r.Except})
		}
		svc.Levels[li].Actions = append(svc.Levels[li].Actions, aj)
	}
	for i := range out {
		levels := out[i].Levels
		sorted := make([]levelJSON, 0, len(levels))
		for _, l := range levelOrder {
			for _, lv := range levels {
				if lv.Level == l {
					sorted = append(sorted, lv)
				}
			}
		}
		out[i].Levels = sorted
	}
	return out
}

// viaServices is what a principal (via empty) or a role it reaches through the chain via can
// do itself, by service in the catalog's order.
type viaServices struct {
	via      []eval.Hop
	services []eval.ServiceAccess
}

// writeWhatCanJSON writes what-can's JSON answer, the same bytes as writeJSON of head with
// Services grouping every action of answers in order (groupAccess), an action at a time: the
// services in the order they first appear, each action's levels in levelOrder, and within
// a level the actions in the answers' order, each of a role marked with its chain.
func writeWhatCanJSON(w io.Writer, head whatCanJSON, answers []viaServices) error {
	head.Services = []serviceJSON{}
	if err := writeJSONHead(w, head, "what-can"); err != nil {
		return err
	}
	bw := &errWriter{w: w}
	// The services in the order of first appearance.
	var order []string
	seen := map[string]bool{}
	for _, a := range answers {
		for _, svc := range a.services {
			if !seen[svc.Service] && len(svc.Actions) > 0 {
				seen[svc.Service] = true
				order = append(order, svc.Service)
			}
		}
	}
	vias := make([][]hopJSON, len(answers))
	for i, a := range answers {
		if len(a.via) > 0 {
			vias[i] = hops(a.via)
		}
	}
	actionsOf := func(a viaServices, service string) []eval.Access {
		i, ok := slices.BinarySearchFunc(a.services, service, func(s eval.ServiceAccess, t string) int { return strings.Compare(s.Service, t) })
		if !ok {
			return nil
		}
		return a.services[i].Actions
	}
	svcSep := "[\n    "
	for _, service := range order {
		bw.value(svcSep+"{\n      \"service\": ", service)
		bw.write([]byte(",\n      \"levels\": "))
		levelSep := "[\n        "
		for _, level := range levelOrder {
			actSep := ""
			for i, a := range answers {
				for _, acc := range actionsOf(a, service) {
					if acc.Level != level {
						continue
					}
					if actSep == "" {
						bw.value(levelSep+"{\n          \"level\": ", level)
						bw.write([]byte(",\n          \"actions\": "))
						levelSep, actSep = ",\n        ", "[\n            "
					}
					aj := actionJSON{Action: acc.Action, Resources: []resourceJSON{}, Via: vias[i]}
					for _, r := range acc.Resources {
						aj.Resources = append(aj.Resources, resourceJSON{Resource: r.Resource, Known: r.Known, AllowedIf: condText(r.Condition), Except: r.Except})
					}
					bw.value(actSep, aj)
					actSep = ",\n            "
				}
			}
			if actSep != "" {
				bw.write([]byte("\n          ]\n        }"))
			}
		}
		if levelSep == "[\n        " {
			bw.write([]byte("[]\n    }"))
		} else {
			bw.write([]byte("\n      ]\n    }"))
		}
		svcSep = ",\n    "
	}
	if len(order) == 0 {
		bw.write([]byte(emptyListEnd))
	} else {
		bw.write([]byte("\n  ]\n}\n"))
	}
	if bw.err != nil {
		return fmt.Errorf("writing JSON: %w", bw.err)
	}
	return nil
}

// errWriter writes until the first error, and keeps it.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) write(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

// value writes prefix, then v as JSON indented for an action of what-can's document (a
// service's or level's name holds one line), with the characters a terminal acts on escaped.
func (e *errWriter) value(prefix string, v any) {
	b, err := json.MarshalIndent(v, "            ", "  ")
	if err != nil {
		e.err = cmp.Or(e.err, err)
		return
	}
	e.write([]byte(prefix))
	e.write(sanitize.JSON(b))
}

// maxResourcesShown is how many resources the text answer lists for one action; JSON lists
// them all.
const maxResourcesShown = 10

// maxServicesShown is how many services the text answer names for a role reached through a
// chain.
const maxServicesShown = 8

// writeWhatCan writes what-can's text answer: the principal's own access action by action,
// then each role it reaches through a chain once, with its chain and a count of its actions
// by service (its own access is `what-can ROLE --no-chains`; --json lists every action).
func writeWhatCan(w io.Writer, out whatCanJSON, unknown []eval.UnknownKey, chains []chainSummary) {
	n := 0
	services := map[string]bool{}
	for _, s := range out.Services {
		services[s.Service] = true
		for _, l := range s.Levels {
			n += len(l.Actions)
		}
	}
	reached := chains[:0:0]
	for _, c := range chains {
		if c.actions == 0 {
			continue // a role that can do nothing itself
		}
		reached = append(reached, c)
		n += c.actions
		for _, svc := range c.services {
			services[svc] = true
		}
	}
	chains = reached
	fmt.Fprintf(w, "%s can do %d action(s) in %d service(s)\n", clean(out.Principal), n, len(services))
	writePartial(w, out.Partial)
	writeUnknownKeysWhere(w, unknown)
	for _, s := range out.Services {
		header := false
		for _, l := range s.Levels {
			level := false
			for _, a := range l.Actions {
				if len(a.Via) > 0 {
					continue
				}
				if !header {
					fmt.Fprintf(w, "\n%s\n", clean(s.Service))
					header = true
				}
				if !level {
					fmt.Fprintf(w, "  %s\n", l.Level)
					level = true
				}
				var res []string
				for i, r := range a.Resources {
					if i == maxResourcesShown {
						res = append(res, fmt.Sprintf("and %d more (--json lists them)", len(a.Resources)-maxResourcesShown))
						break
					}
					t := clean(r.Resource)
					if r.AllowedIf != "" {
						t += " (if " + clean(r.AllowedIf) + ")"
					}
					if len(r.Except) > 0 {
						t += " except " + clean(strings.Join(r.Except, ", "))
					}
					res = append(res, t)
				}
				fmt.Fprintf(w, "    %s on %s\n", clean(a.Action), strings.Join(res, "; "))
			}
		}
	}
	if len(chains) == 0 {
		return
	}
	fmt.Fprintf(w, "\nThrough role chains: %d role(s), each with what it can do itself (`what-can ROLE --no-chains` lists it; --json lists every action with its chain)\n", len(chains))
	for _, c := range chains {
		var svcs []string
		for i, svc := range c.services {
			if i == maxServicesShown {
				svcs = append(svcs, fmt.Sprintf("and %d more service(s)", len(c.services)-maxServicesShown))
				break
			}
			svcs = append(svcs, fmt.Sprintf("%s %d", clean(svc), c.perService[svc]))
		}
		fmt.Fprintf(w, "\n  %s: %d action(s) in %d service(s): %s\n", clean(c.via[len(c.via)-1].To), c.actions, len(c.services), strings.Join(svcs, ", "))
		fmt.Fprintf(w, "   %s\n", viaText(c.via, true))
	}
}

// chainSummary is what one role reached through a chain can do, counted by service, for the
// text answer: the chain is written once, not once per action.
type chainSummary struct {
	via        []hopJSON
	actions    int
	services   []string // in the engine's order
	perService map[string]int
}

// summarizeRole keeps, by service, how many actions a role reached through a chain can do
// itself.
func summarizeRole(via []eval.Hop, counts []eval.ServiceCount) chainSummary {
	c := chainSummary{via: hops(via), perService: map[string]int{}}
	for _, sc := range counts {
		c.actions += sc.Actions
		c.services = append(c.services, sc.Service)
		c.perService[sc.Service] = sc.Actions
	}
	return c
}
