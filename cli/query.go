package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/sanitize"
	"github.com/iamscope/iamscope/model"
)

// query holds what every query command shares: the sources, the request context, the mode
// and the output format.
type query struct {
	src     Sources
	context []string
	json    bool
	strict  bool

	engine   *eval.Engine
	accounts []*model.Account
	ctx      *eval.Context
}

func (q *query) addFlags(cmd *cobra.Command) {
	q.src.AddFlags(cmd)
	cmd.Flags().StringArrayVarP(&q.context, "context", "c", nil,
		"set a request context key, key=value (repeatable); multivalued keys take a comma-separated list")
	cmd.Flags().BoolVar(&q.json, "json", false, "write JSON (the shapes are documented in the README)")
	cmd.Flags().BoolVar(&q.strict, "strict", false,
		"strict mode: keys the context does not give are absent, as AWS sees a request; by default they are unknown and answers say \"allowed if ...\"")
}

// load reads the accounts and compiles the engine.
func (q *query) load(cmd *cobra.Command) error {
	ctx, err := parseContext(q.context)
	if err != nil {
		return err
	}
	q.ctx = ctx
	progress, done := progressLine(cmd)
	q.accounts, err = q.src.Load(cmd.Context(), progress)
	done()
	if err != nil {
		return err
	}
	if !q.json {
		warnPartial(cmd, q.accounts)
	}
	q.engine = eval.NewEngine(q.accounts...)
	return nil
}

func (q *query) mode() eval.Mode {
	if q.strict {
		return eval.Strict
	}
	return eval.Discovery
}

// warnings lists every load warning of the accounts and every policy the engine could not
// compile, for JSON output: what was read and what was not, whether or not an answer depends
// on it (partial says what does).
func (q *query) warnings() []string {
	var out []string
	for _, a := range q.accounts {
		for _, w := range a.Warnings {
			out = append(out, w.String())
		}
	}
	for _, w := range q.engine.Warnings {
		out = append(out, w.String())
	}
	return out
}

// maxPartialLines bounds the list of what an answer could not weigh in text output; JSON has
// it all.
const maxPartialLines = 20

// writePartial says in text, each named, what an answer could not weigh.
func writePartial(w io.Writer, unweighed []string) {
	if len(unweighed) == 0 {
		return
	}
	fmt.Fprintf(w, "PARTIAL: this answer could not weigh %d thing(s) it depends on:\n", len(unweighed))
	for i, u := range unweighed {
		if i == maxPartialLines {
			fmt.Fprintf(w, "  ... and %d more (--json lists them all)\n", len(unweighed)-i)
			break
		}
		fmt.Fprintf(w, "  - %s\n", clean(u))
	}
}

// writeJSON writes v as indented JSON, inert on a terminal (sanitize.JSON).
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	if _, err := w.Write(sanitize.JSON(buf.Bytes())); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}

// emptyListEnd is how writeJSON ends a document whose last field is an empty list.
const emptyListEnd = "[]\n}\n"

// writeJSONHead writes the document of head (writeJSON), whose last field is an empty list,
// up to that list: the caller writes the list's items, then its end. what names the
// document in errors.
func writeJSONHead(w io.Writer, head any, what string) error {
	var buf bytes.Buffer
	if err := writeJSON(&buf, head); err != nil {
		return err
	}
	doc := buf.Bytes()
	if !bytes.HasSuffix(doc, []byte(emptyListEnd)) {
		return fmt.Errorf("writing JSON: unexpected end of the %s document", what)
	}
	if _, err := w.Write(doc[:len(doc)-len(emptyListEnd)]); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}

// hopJSON is one hop of a role chain in JSON output.
type hopJSON struct {
	From      string `json:"from"`
	To        string `json:"to"`
	Action    string `json:"action"`
	AllowedIf string `json:"allowedIf,omitempty"`
}

func hops(path []eval.Hop) []hopJSON {
	out := make([]hopJSON, 0, len(path))
	for _, h := range path {
		out = append(out, hopJSON{From: h.From, To: h.To, Action: h.Action, AllowedIf: condText(h.Condition)})
	}
	return out
}

// condText renders an open condition, or "" when there is none.
func condText(e *eval.Expr) string {
	if e == nil || !e.IsOpen() {
		return ""
	}
	return e.String()
}

// conditionList lists the open conditions of a formula for JSON: [] when there are none.
func conditionList(e *eval.Expr) []*eval.OpenCondition {
	if e == nil || !e.IsOpen() {
		return []*eval.OpenCondition{}
	}
	return e.Conditions()
}

// maxHopsShown bounds the hops of a role chain that text output shows: the first and last
// ones, and how many lie between (JSON has them all). A chain can be a thousand hops long.
const maxHopsShown = 8

// viaText renders a role chain for people: " via role/a -> role/b (if ...)"; "" for none.
// withConditions adds each hop's open condition.
func viaText(path []hopJSON, withConditions bool) string {
	if len(path) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(" via")
	for i, h := range path {
		if len(path) > maxHopsShown && i == maxHopsShown/2 {
			fmt.Fprintf(&b, " -> ... %d more ...", len(path)-maxHopsShown)
		}
		if len(path) > maxHopsShown && i >= maxHopsShown/2 && i < len(path)-maxHopsShown/2 {
			continue
		}
		if i > 0 {
			b.WriteString(" ->")
		}
		b.WriteString(" " + clean(h.To))
		if withConditions && h.AllowedIf != "" {
			b.WriteString(" (if " + clean(h.AllowedIf) + ")")
		}
	}
	return b.String()
}

// collectLessOften makes a command that ends soon, once its answer is written, collect garbage
// less often (GOGC percent: 100 is Go's default), for more memory, unless GOGC says otherwise.
// simulate uses 200 and paths' text 400 (800 on a small input), each measured in
// BENCHMARKS.md.
func collectLessOften(percent int) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(percent)
	}
}
