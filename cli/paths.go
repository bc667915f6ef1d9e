package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/spf13/cobra"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/sanitize"
	"github.com/iamscope/iamscope/loader"
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
			// Not for JSON: its pieces are garbage as soon as written. A small input's
			// heap stays small enough to collect rarer still (dense generated account:
			// 1.11 - 1.19 s at 400, 1.04 - 1.11 s at 800, peak 480 MB either way).
			if !q.json && loader.SmallInput(q.src.Files) {
				collectLessOften(800)
			} else if !q.json {
				collectLessOften(400)
			}
			if err := q.load(cmd); err != nil {
				return err
			}
			var sums []eval.PathSummary
			var who *eval.Principal // nil: every principal
			if len(args) == 1 {
				p, err := resolve(q.engine, q.accounts, args[0], false)
				if err != nil {
					return err
				}
				who = p
				sums = []eval.PathSummary{q.engine.PathSummaryIn(p, q.ctx, q.mode())}
			} else {
				sums = q.engine.AllPathSummariesIn(q.ctx, q.mode())
			}
			unknown := q.engine.UnknownKeysPaths(who, catalog.KnowsConditionKey)
			out := pathsJSON{Partial: q.engine.UnweighedPaths(who), UnknownKeys: eval.UnknownKeyNames(unknown),
				Warnings: q.warnings(), Paths: []pathJSON{}}
			// The answer is written a piece at a time, as it is turned into its JSON form: an
			// account's paths may be many, and no list of them all is built.
			if q.json {
				return writePathsJSON(cmd.OutOrStdout(), out, sums, who != nil)
			}
			w := cmd.OutOrStdout()
			n := 0
			for i := range sums {
				n += sums[i].Count()
			}
			fmt.Fprintf(w, "%d escalation path(s)\n", n)
			writePartial(w, out.Partial)
			writeUnknownKeysWhere(w, unknown)
			writePathsText(w, sums, who != nil)
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
	// Through lists, for each principal, the roles its chains reach whose own paths it
	// gains, each once, naming those paths (listed in Paths under the role).
	Through []throughJSON `json:"through,omitempty"`
	// Chains holds every chain Paths and Through refer to, each hop once: a hop after the
	// chain of another entry (After), or the principal's first.
	Chains []chainJSON `json:"chains,omitempty"`
}

// throughJSON is a role a principal's chain reaches, and the role's own paths it gains there.
type throughJSON struct {
	From  string        `json:"from"`
	Role  string        `json:"role"`
	Via   []hopJSON     `json:"via"`
	Chain int           `json:"chain"`
	Paths []pathRefJSON `json:"paths"`
}

// pathRefJSON names one of a role's own paths: its id and best target ("to").
type pathRefJSON struct {
	ID string `json:"id"`
	To string `json:"to"`
}

// chainJSON is the last hop of a chain, after the chain numbered After (none: the hop is
// the principal's own).
type chainJSON struct {
	hopJSON
	After *int `json:"after,omitempty"`
}

type pathJSON struct {
	From       string                     `json:"from"`
	To         string                     `json:"to"`
	Targets    []string                   `json:"targets"`
	TargetKind string                     `json:"targetKind"`
	ID         string                     `json:"id"`
	Name       string                     `json:"name"`
	Category   catalog.EscalationCategory `json:"category"`
	Via        []hopJSON                  `json:"via"`
	// Chains numbers, for a path that assumes roles (sts-001), the chain to each target, in
	// the order of Targets (an index of the top-level chains).
	Chains      []int      `json:"chains,omitempty"`
	Steps       []stepJSON `json:"steps"`
	Exploitable bool       `json:"exploitable"`
	Needs       string     `json:"needs,omitempty"`
	Bounded     bool       `json:"bounded,omitempty"`
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
	writeHops(w, p.Via)
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

// writePathsText writes the entries of paths' text answer: each principal's own paths, taking
// on the roles worth more than itself, and the roles whose paths it gains through a chain,
// named; with single (one principal's answer), the own paths of those roles after.
func writePathsText(w io.Writer, sums []eval.PathSummary, single bool) {
	// Each principal's text is made on every processor (10 MB for the dense generated
	// account's 6,500 principals), then written in order.
	texts := make([][]byte, len(sums))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(sums); i = int(next.Add(1) - 1) {
				var b bytes.Buffer
				for _, p := range summaryPaths(&sums[i], 0) {
					writePath(&b, p)
				}
				for _, t := range summaryThrough(&sums[i], 0) {
					writeThrough(&b, t)
				}
				texts[i] = b.Bytes()
			}
		})
	}
	wg.Wait()
	for _, t := range texts {
		w.Write(t)
	}
	if single && len(sums) == 1 {
		if roles := referencedPaths(&sums[0]); len(roles) > 0 {
			fmt.Fprintln(w, "\nThe own paths of the roles the chains above lead to:")
			for _, p := range roles {
				writePath(w, p)
			}
		}
	}
}

// writeHops writes the hops of a role chain, one line each: the first and last ones when it is
// long, and how many lie between.
func writeHops(w io.Writer, via []hopJSON) {
	for i, h := range via {
		if len(via) > maxHopsShown && i == maxHopsShown/2 {
			fmt.Fprintf(w, "    ... %d more role(s) assumed ...\n", len(via)-maxHopsShown)
		}
		if len(via) > maxHopsShown && i >= maxHopsShown/2 && i < len(via)-maxHopsShown/2 {
			continue
		}
		fmt.Fprintf(w, "    assume %s", clean(h.To))
		if h.AllowedIf != "" {
			fmt.Fprintf(w, " (if %s)", clean(h.AllowedIf))
		}
		fmt.Fprintln(w)
	}
}

// writeThrough writes a role a principal's chain reaches and the role's own paths it gains
// there, by reference: the paths themselves are listed under the role.
func writeThrough(w io.Writer, t throughJSON) {
	names := make([]string, 0, len(t.Paths))
	ids := map[string]int{}
	for _, r := range t.Paths {
		ids[r.ID]++
	}
	for _, r := range t.Paths {
		name := clean(r.ID)
		if ids[r.ID] > 1 {
			name += " to " + clean(r.To)
		}
		names = append(names, name)
	}
	fmt.Fprintf(w, "\n%s -> paths of %s  [%s; listed under the role]\n", clean(t.From), clean(t.Role), strings.Join(names, ", "))
	writeHops(w, t.Via)
}

// summaryPaths lists a principal's paths entries: its own paths, then taking on the roles
// worth more than itself as one entry (sts-001), to the most powerful, every role among its
// targets, each target's chain numbered from first (the number of the summary's first
// reached role in the chains table).
func summaryPaths(s *eval.PathSummary, first int) []pathJSON {
	out := make([]pathJSON, 0, len(s.Own)+1)
	for _, esc := range s.Own {
		out = append(out, pathOf(esc))
	}
	assumed := s.Assumed()
	if len(assumed) == 0 {
		return out
	}
	esc := s.AssumeEscalation(assumed[0])
	esc.Targets = make([]string, len(assumed))
	chains := make([]int, len(assumed))
	for j, i := range assumed {
		esc.Targets[j] = s.Reached[i].Role.ARN
		chains[j] = first + i
	}
	pj := pathOf(esc)
	pj.Chains = chains
	return append(out, pj)
}

// summaryThrough lists the roles a principal's chains reach whose own paths it gains, with
// those paths named, each role's chain numbered from first as in summaryPaths.
func summaryThrough(s *eval.PathSummary, first int) []throughJSON {
	var out []throughJSON
	for i := range s.Reached {
		r := &s.Reached[i]
		if len(r.Paths) == 0 {
			continue
		}
		own := s.RolePaths(i)
		t := throughJSON{From: s.From.ARN, Role: r.Role.ARN, Via: hops(s.Via(i)), Chain: first + i, Paths: make([]pathRefJSON, 0, len(r.Paths))}
		for _, k := range r.Paths {
			t.Paths = append(t.Paths, pathRefJSON{ID: own[k].Path.ID, To: own[k].Target})
		}
		out = append(out, t)
	}
	return out
}

// summaryChains lists the chains table's entries of a summary, numbered from first.
func summaryChains(s *eval.PathSummary, first int) []chainJSON {
	out := make([]chainJSON, len(s.Reached))
	for i, r := range s.Reached {
		after := -1
		if r.After >= 0 {
			after = first + r.After
		}
		out[i] = chainEntry(r.Hop, after)
	}
	return out
}

// chainEntry is the chains table's entry of hop h taken after the chain numbered after (-1: the
// hop is the principal's own).
func chainEntry(h eval.Hop, after int) chainJSON {
	out := chainJSON{hopJSON: hopJSON{From: h.From, To: h.To, Action: h.Action, AllowedIf: condText(h.Condition)}}
	if after >= 0 {
		out.After = &after
	}
	return out
}

// referencedPaths lists the own paths of the roles whose paths a principal gains through its
// chains: what the answer for that principal alone must list beside its own.
func referencedPaths(s *eval.PathSummary) []pathJSON {
	var out []pathJSON
	for i := range s.Reached {
		if len(s.Reached[i].Paths) == 0 {
			continue
		}
		for _, esc := range s.RolePaths(i) {
			out = append(out, pathOf(esc))
		}
	}
	return out
}

// writePathsJSON writes paths' JSON answer of the summaries, the same bytes as writeJSON of
// the whole answer (pathsDocument), a piece at a time. With single (one principal's answer)
// the own paths of the roles it gains paths through are listed too.
func writePathsJSON(w io.Writer, head pathsJSON, sums []eval.PathSummary, single bool) error {
	if err := writeJSONHead(w, head, "paths"); err != nil {
		return err
	}
	out := &jsonArrays{w: w}
	eachNumbered(sums, func(s *eval.PathSummary, first int) {
		for _, p := range summaryPaths(s, first) {
			out.item(p)
		}
	})
	if single && len(sums) == 1 {
		for _, p := range referencedPaths(&sums[0]) {
			out.item(p)
		}
	}
	out.end(true)
	eachNumbered(sums, func(s *eval.PathSummary, first int) {
		for _, t := range summaryThrough(s, first) {
			out.named("through", t)
		}
	})
	out.end(false)
	eachNumbered(sums, func(s *eval.PathSummary, first int) {
		for _, c := range summaryChains(s, first) {
			out.namedChain(c)
		}
	})
	out.end(false)
	out.write([]byte("\n}\n"))
	return out.err
}

// pathsDocument is the whole JSON answer of the summaries, as writePathsJSON writes it.
func pathsDocument(head pathsJSON, sums []eval.PathSummary, single bool) pathsJSON {
	eachNumbered(sums, func(s *eval.PathSummary, first int) {
		head.Paths = append(head.Paths, summaryPaths(s, first)...)
		head.Through = append(head.Through, summaryThrough(s, first)...)
		head.Chains = append(head.Chains, summaryChains(s, first)...)
	})
	if single && len(sums) == 1 {
		head.Paths = append(head.Paths, referencedPaths(&sums[0])...)
	}
	return head
}

// eachNumbered calls f with each summary and the number its first reached role's chain has
// in the chains table: the chains of the summaries before it come first.
func eachNumbered(sums []eval.PathSummary, f func(s *eval.PathSummary, first int)) {
	first := 0
	for i := range sums {
		f(&sums[i], first)
		first += len(sums[i].Reached)
	}
}

// jsonArrays writes the arrays that end a JSON document, an item at a time, indented as
// writeJSON indents them: the first array already opened by its name, the others opened by
// their first item (an empty one is left out, as omitempty leaves it).
type jsonArrays struct {
	w   io.Writer
	n   int // items of the current array
	err error
	buf []byte // reused by namedChain
}

func (a *jsonArrays) write(b []byte) {
	if a.err == nil {
		_, a.err = a.w.Write(b)
		if a.err != nil {
			a.err = fmt.Errorf("writing JSON: %w", a.err)
		}
	}
}

// item writes an item of the current array.
func (a *jsonArrays) item(v any) {
	b, err := json.MarshalIndent(v, "    ", "  ")
	if err != nil && a.err == nil {
		a.err = fmt.Errorf("writing JSON: %w", err)
	}
	sep := ",\n    "
	if a.n == 0 {
		sep = "[\n    "
	}
	a.write([]byte(sep))
	a.write(sanitize.JSON(b))
	a.n++
}

// named writes an item of the array name, opening it with its first item.
func (a *jsonArrays) named(name string, v any) {
	if a.n == 0 {
		a.write([]byte(",\n  \"" + name + "\": "))
	}
	a.item(v)
}

// end closes the current array: the first one ("[]" when empty), or one opened by named.
func (a *jsonArrays) end(first bool) {
	switch {
	case a.n > 0:
		a.write([]byte("\n  ]"))
	case first:
		a.write([]byte("[]"))
	}
	a.n = 0
}

// namedChain writes an item of the chains array, as named does, without reflection when
// every string of it is plain (appendChainJSON): a dense account's chains are many.
func (a *jsonArrays) namedChain(c chainJSON) {
	b, ok := appendChainJSON(a.buf[:0], c)
	if !ok {
		a.named("chains", c)
		return
	}
	a.buf = b
	if a.n == 0 {
		a.write([]byte(",\n  \"chains\": [\n    "))
	} else {
		a.write([]byte(",\n    "))
	}
	a.write(b)
	a.n++
}

// appendChainJSON appends a chains item as json.MarshalIndent(c, "    ", "  ") and
// sanitize.JSON write it, when each of its strings is plain (plainText); false otherwise.
func appendChainJSON(b []byte, c chainJSON) ([]byte, bool) {
	if !plainText(c.From) || !plainText(c.To) || !plainText(c.Action) || !plainText(c.AllowedIf) {
		return b, false
	}
	field := func(name, value string, first bool) {
		if !first {
			b = append(b, ',')
		}
		b = append(b, "\n      \""...)
		b = append(b, name...)
		b = append(b, "\": \""...)
		b = append(b, value...)
		b = append(b, '"')
	}
	b = append(b, '{')
	field("from", c.From, true)
	field("to", c.To, false)
	field("action", c.Action, false)
	if c.AllowedIf != "" {
		field("allowedIf", c.AllowedIf, false)
	}
	if c.After != nil {
		b = append(b, ",\n      \"after\": "...)
		b = strconv.AppendInt(b, int64(*c.After), 10)
	}
	return append(b, "\n    }"...), true
}
