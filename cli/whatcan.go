package cli

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
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
				own := q.engine.WhatCanServices(p, q.ctx, q.mode())
				if noChains {
					return writeWhatCanJSON(cmd.OutOrStdout(), out, own, nil, nil)
				}
				// Each reached role is listed once with its chain, and what it can do itself
				// once for all the roles alike.
				reaches := q.engine.RoleChains(p, q.ctx, q.mode())
				return writeWhatCanJSON(cmd.OutOrStdout(), out, own, reaches, whatCanThrough(q.engine, reaches, q.ctx, q.mode()))
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
	Principal   string   `json:"principal"`
	Partial     []string `json:"partial,omitempty"`
	UnknownKeys []string `json:"unknownKeys,omitempty"`
	Warnings    []string `json:"warnings,omitempty"`
	// Services is what the principal can do itself.
	Services []serviceJSON `json:"services"`
	// Reached lists each role the principal reaches through a role chain, once, in the order
	// of RoleChains (shortest chain first), with the number of its chain in Chains and of
	// what it can do itself in Access.
	Reached []reachedJSON `json:"reached,omitempty"`
	// Access lists each distinct answer of what a reached role can do itself, once: alike
	// roles share one.
	Access []accessJSON `json:"access,omitempty"`
	// Chains holds every chain Reached refers to, each hop once, as paths' chains table.
	Chains []chainJSON `json:"chains,omitempty"`
}

// reachedJSON is a role the principal reaches through a role chain: through its chain (Via,
// numbered Chain) it can do what Access[Access] lists, but, with ExceptItself, take on itself
// (the known resources of that entry's sts actions naming the role itself are not its own:
// the alike roles sharing the entry take each other on). An action is allowed through the
// chain if every hop's allowedIf and the resource's allowedIf hold.
type reachedJSON struct {
	Role         string    `json:"role"`
	Via          []hopJSON `json:"via"`
	Chain        int       `json:"chain"`
	Access       int       `json:"access"`
	ExceptItself bool      `json:"exceptItself,omitempty"`
}

// accessJSON is what one or more reached roles can do themselves.
type accessJSON struct {
	Services []serviceJSON `json:"services"`
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
		svc.Levels[li].Actions = append(svc.Levels[li].Actions, actionOf(a))
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

// actionOf is an action of what-can's answer in its JSON form.
func actionOf(a eval.Access) actionJSON {
	aj := actionJSON{Action: a.Action, Resources: make([]resourceJSON, 0, len(a.Resources))}
	for _, r := range a.Resources {
		aj.Resources = append(aj.Resources, resourceJSON{Resource: r.Resource, Known: r.Known, AllowedIf: condText(r.Condition), Except: r.Except})
	}
	return aj
}

// servicesOf is what a principal can do, by service (the engine's lists), in its JSON form.
func servicesOf(services []eval.ServiceAccess) []serviceJSON {
	var flat []eval.Access
	for _, svc := range services {
		flat = append(flat, svc.Actions...)
	}
	return groupAccess(flat)
}

// reachChains numbers, for each role of reaches (RoleChains), the reach its chain's last hop
// is taken after: the role the hop is taken from, -1 when it is the principal itself. A
// role's shortest chain is the chain of the role it is reached from, and one hop.
func reachChains(reaches []eval.Reach) []int {
	at := make(map[string]int, len(reaches))
	for i, r := range reaches {
		at[r.Role.ARN] = i
	}
	out := make([]int, len(reaches))
	for i, r := range reaches {
		out[i] = -1
		if n := len(r.Path); n > 1 {
			out[i] = at[r.Path[n-2].To]
		}
	}
	return out
}

// reachedOf is the entry of what-can's answer for reaches[i]: the role, its chain (numbered
// as the reach) and the entry of table it shares.
func reachedOf(reaches []eval.Reach, table *accessTable, i int) reachedJSON {
	return reachedJSON{Role: reaches[i].Role.ARN, Via: hops(reaches[i].Path), Chain: i, Access: table.of[i], ExceptItself: table.exceptItself[i]}
}

// whatCanDocument is the whole JSON answer of what-can, as writeWhatCanJSON writes it: head
// with the principal's own services, each role of reaches with its chain and its entry of
// table, table's entries, and the chains.
func whatCanDocument(head whatCanJSON, own []eval.ServiceAccess, reaches []eval.Reach, table *accessTable) whatCanJSON {
	head.Services = servicesOf(own)
	for i := range reaches {
		head.Reached = append(head.Reached, reachedOf(reaches, table, i))
	}
	if len(reaches) > 0 {
		for _, ent := range table.entries {
			head.Access = append(head.Access, accessJSON{Services: servicesOf(ent.services)})
		}
	}
	for i, after := range reachChains(reaches) {
		head.Chains = append(head.Chains, chainEntry(reaches[i].Path[len(reaches[i].Path)-1], after))
	}
	return head
}

// writeWhatCanJSON writes what-can's JSON answer, the same bytes as writeJSON of
// whatCanDocument, a piece at a time: an action of a service at a time, a reached role at a
// time, a hop of the chains at a time.
func writeWhatCanJSON(w io.Writer, head whatCanJSON, own []eval.ServiceAccess, reaches []eval.Reach, table *accessTable) error {
	head.Services = []serviceJSON{}
	if err := writeJSONHead(w, head, "what-can"); err != nil {
		return err
	}
	bw := &errWriter{w: w}
	writeServicesJSON(bw, "  ", own)
	if bw.err != nil {
		return fmt.Errorf("writing JSON: %w", bw.err)
	}
	out := &jsonArrays{w: w}
	for i := range reaches {
		out.named("reached", reachedOf(reaches, table, i))
	}
	out.end(false)
	if len(reaches) > 0 {
		for k, ent := range table.entries {
			sep := ",\n    "
			if k == 0 {
				sep = ",\n  \"access\": [\n    "
			}
			bw.write([]byte(sep + "{\n      \"services\": "))
			writeServicesJSON(bw, "      ", ent.services)
			bw.write([]byte("\n    }"))
		}
		if len(table.entries) > 0 {
			bw.write([]byte("\n  ]"))
		}
		if bw.err != nil {
			return fmt.Errorf("writing JSON: %w", bw.err)
		}
	}
	for i, after := range reachChains(reaches) {
		out.namedChain(chainEntry(reaches[i].Path[len(reaches[i].Path)-1], after))
	}
	out.end(false)
	out.write([]byte("\n}\n"))
	return out.err
}

// writeServicesJSON writes the services array of what a principal can do (the engine's lists
// by service), as writeJSON writes servicesOf(services) in a document where the array's
// closing bracket is indented by indent, an action at a time: the services in order, each
// one's levels in levelOrder, and within a level the actions in the engine's order.
func writeServicesJSON(bw *errWriter, indent string, services []eval.ServiceAccess) {
	in := func(n int) string { return indent + strings.Repeat("  ", n) }
	svcSep := "[\n" + in(1)
	for _, svc := range services {
		if len(svc.Actions) == 0 {
			continue
		}
		bw.value(svcSep+"{\n"+in(2)+"\"service\": ", svc.Service, "")
		bw.write([]byte(",\n" + in(2) + "\"levels\": "))
		levelSep := "[\n" + in(3)
		for _, level := range levelOrder {
			actSep := ""
			for _, acc := range svc.Actions {
				if acc.Level != level {
					continue
				}
				if actSep == "" {
					bw.value(levelSep+"{\n"+in(4)+"\"level\": ", level, "")
					bw.write([]byte(",\n" + in(4) + "\"actions\": "))
					levelSep, actSep = ",\n"+in(3), "[\n"+in(5)
				}
				bw.action(actSep, actionOf(acc), in(5))
				actSep = ",\n" + in(5)
			}
			if actSep != "" {
				bw.write([]byte("\n" + in(4) + "]\n" + in(3) + "}"))
			}
		}
		if levelSep == "[\n"+in(3) {
			bw.write([]byte("[]\n" + in(1) + "}"))
		} else {
			bw.write([]byte("\n" + in(2) + "]\n" + in(1) + "}"))
		}
		svcSep = ",\n" + in(1)
	}
	if svcSep == "[\n"+in(1) {
		bw.write([]byte("[]"))
	} else {
		bw.write([]byte("\n" + indent + "]"))
	}
}

// errWriter writes until the first error, and keeps it.
type errWriter struct {
	w   io.Writer
	err error
	buf []byte // reused by action
}

// action writes prefix, then a as value does, without reflection when each of its strings is
// plain (appendActionJSON): an answer through a dense account's chains holds many.
func (e *errWriter) action(prefix string, a actionJSON, indent string) {
	b, ok := appendActionJSON(e.buf[:0], a, indent)
	if !ok {
		e.value(prefix, a, indent)
		return
	}
	e.buf = b
	e.write([]byte(prefix))
	e.write(b)
}

// appendActionJSON appends an action as json.MarshalIndent(a, indent, "  ") and sanitize.JSON
// write it, when each of its strings is printable ASCII without a character encoding/json
// escapes for HTML (appendPlainString); false otherwise.
func appendActionJSON(b []byte, a actionJSON, indent string) ([]byte, bool) {
	ok := true
	str := func(s string) {
		b, ok = appendPlainString(b, s, ok)
	}
	line := func(depth int) {
		b = append(b, '\n')
		b = append(b, indent...)
		for range depth {
			b = append(b, "  "...)
		}
	}
	b = append(b, '{')
	line(1)
	b = append(b, `"action": `...)
	str(a.Action)
	b = append(b, ',')
	line(1)
	b = append(b, `"resources": `...)
	if len(a.Resources) == 0 {
		b = append(b, "[]"...)
	}
	for i, r := range a.Resources {
		if i == 0 {
			b = append(b, '[')
		} else {
			b = append(b, ',')
		}
		line(2)
		b = append(b, '{')
		line(3)
		b = append(b, `"resource": `...)
		str(r.Resource)
		if r.Known {
			b = append(b, ',')
			line(3)
			b = append(b, `"known": true`...)
		}
		if r.AllowedIf != "" {
			b = append(b, ',')
			line(3)
			b = append(b, `"allowedIf": `...)
			str(r.AllowedIf)
		}
		if len(r.Except) > 0 {
			b = append(b, ',')
			line(3)
			b = append(b, `"except": [`...)
			for k, x := range r.Except {
				if k > 0 {
					b = append(b, ',')
				}
				line(4)
				str(x)
			}
			line(3)
			b = append(b, ']')
		}
		line(2)
		b = append(b, '}')
		if i == len(a.Resources)-1 {
			line(1)
			b = append(b, ']')
		}
	}
	line(0)
	b = append(b, '}')
	return b, ok
}

// appendPlainString appends s as a JSON string, as encoding/json writes it, when ok and s is
// printable ASCII without a character encoding/json escapes for HTML (<, >, &); it reports
// whether it was.
func appendPlainString(b []byte, s string, ok bool) ([]byte, bool) {
	if !ok {
		return b, false
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '&':
			return b, false
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		default:
			b = append(b, c)
		}
	}
	return append(b, '"'), true
}

func (e *errWriter) write(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

// value writes prefix, then v as JSON indented for a line indented by indent, with the
// characters a terminal acts on escaped.
func (e *errWriter) value(prefix string, v any, indent string) {
	b, err := json.MarshalIndent(v, indent, "  ")
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
// by service (its own access is `what-can ROLE --no-chains`; --json lists every action of it,
// once for the roles alike).
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
	fmt.Fprintf(w, "\nThrough role chains: %d role(s), each with what it can do itself (`what-can ROLE --no-chains` lists it; --json lists every role's actions, once for the roles alike)\n", len(chains))
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
