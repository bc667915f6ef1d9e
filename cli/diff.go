package cli

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/model"
)

// ErrChanged is what `diff` returns when it found changes: the program exits with status 3
// and writes nothing more, so that scripts and CI can gate on it.
var ErrChanged = errors.New("changes found")

// maxDiffLines bounds the access changes text output lists per principal and direction; JSON
// has them all.
const maxDiffLines = 12

// NewDiffCommand returns `iamscope diff --before FILE [--after FILE | source flags]`: what
// changed in effective access between two states of the same accounts, and the policy changes
// that caused it.
func NewDiffCommand() *cobra.Command {
	var q query
	var before, after []string
	var principal, service, only string
	cmd := &cobra.Command{
		Use:   "diff --before FILE [--after FILE | --file FILE | --profile NAME]",
		Short: "What changed in effective access between two points in time, and which policy change caused it",
		Long: `diff compares two states of the same accounts: --before names the earlier one (snapshots,
dumps or folders, repeatable); the later one is --after (repeatable), or any of the usual
source flags (--file, --profile, --region), so a live account can be compared with last
week's snapshot. With no source flag at all it compares the demo account a week ago with
the demo account.

It lists principals added and removed; for each principal the access gained and lost by
service and access level (each action on each resource pattern, with the decision on both
sides), administrator status, escalation paths opened and closed, and roles assumed in one
hop; the outside parties trust and resource policies newly admit or no longer admit; and
every policy change, down to the statement, with the changes each entry is due to.

Exit status: 0 no changes, 3 changes, 1 failure, 2 usage.`,
		Args: cobra.NoArgs,
		// Finding changes is an answer, not a mistake: no usage after it.
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch only {
			case "", "gained", "lost":
			default:
				return usageErr(fmt.Sprintf("--only %q: want gained or lost", only))
			}
			q.src.Files = append(q.src.Files, after...)
			afterGiven := len(q.src.Files) > 0 || q.src.live()
			switch {
			case len(before) == 0 && afterGiven:
				return usageErr("diff needs the earlier state: --before FILE")
			case len(before) > 0 && !afterGiven:
				return usageErr("diff needs the later state: --after FILE, --file FILE or --profile NAME")
			}
			if err := q.load(cmd); err != nil {
				return err
			}
			prev, beforeSource, err := loadBefore(cmd, before)
			if err != nil {
				return err
			}
			eb := eval.NewEngine(prev...)
			d := eval.Diff(eb, q.engine, eval.DiffOptions{Context: q.ctx, Mode: q.mode()})
			narrowed := principal != "" || service != "" || only != ""
			if principal != "" {
				arn, err := diffPrincipal(eb, prev, q.engine, q.accounts, principal)
				if err != nil {
					return err
				}
				narrowPrincipal(d, arn)
			}
			if service != "" {
				narrowService(d, strings.ToLower(service))
			}
			if only != "" {
				narrowOnly(d, only == "gained")
			}
			if narrowed {
				keepCausedPolicies(d)
			}
			out := diffJSON{Before: beforeSource, After: q.src.Describe(), AccountDiff: d}
			for _, a := range prev {
				for _, w := range a.Warnings {
					out.Warnings = append(out.Warnings, "before: "+w.String())
				}
			}
			for _, w := range q.warnings() {
				out.Warnings = append(out.Warnings, "after: "+w)
			}
			if q.json {
				if err := writeJSON(cmd.OutOrStdout(), out); err != nil {
					return err
				}
			} else {
				writeDiff(cmd.OutOrStdout(), out, prev, q.accounts)
			}
			if d.Empty() {
				return nil
			}
			return ErrChanged
		},
	}
	q.addFlags(cmd)
	cmd.Flags().StringArrayVar(&before, "before", nil, "the earlier state: a snapshot, a dump, or a folder of them (repeatable)")
	cmd.Flags().StringArrayVar(&after, "after", nil, "the later state: a snapshot, a dump, or a folder of them (repeatable; the same as --file)")
	cmd.Flags().StringVar(&principal, "principal", "", "only this principal (ARN, name, unique id or access key id)")
	cmd.Flags().StringVar(&service, "service", "", "only access to this service (\"s3\"), and outside parties of its resources")
	cmd.Flags().StringVar(&only, "only", "", "only what was gained (gained) or only what was lost (lost)")
	return cmd
}

// diffJSON is diff's JSON answer: the two sources, then the engine's diff.
type diffJSON struct {
	Before string `json:"before"`
	After  string `json:"after"`
	*eval.AccountDiff
	Warnings []string `json:"warnings,omitempty"`
}

// loadBefore reads the earlier state: the files, or the demo a week ago when none is named.
func loadBefore(cmd *cobra.Command, files []string) ([]*model.Account, string, error) {
	if len(files) == 0 {
		accts, err := demo.Before()
		return accts, "demo (a week earlier)", err
	}
	src := Sources{Files: files}
	progress, done := progressLine(cmd)
	accts, err := src.Load(cmd.Context(), progress)
	done()
	if err != nil {
		return nil, "", fmt.Errorf("--before: %w", err)
	}
	return accts, src.Describe(), nil
}

// diffPrincipal finds --principal's ARN in the later state, or in the earlier one for a
// principal since removed.
func diffPrincipal(eb *eval.Engine, prev []*model.Account, ea *eval.Engine, cur []*model.Account, query string) (string, error) {
	p, err := resolve(ea, cur, query, false)
	if err == nil {
		return p.ARN, nil
	}
	if pb, errB := resolve(eb, prev, query, false); errB == nil {
		return pb.ARN, nil
	}
	return "", err
}

// narrowPrincipal keeps what concerns one principal.
func narrowPrincipal(d *eval.AccountDiff, arn string) {
	keep := func(xs []string) []string {
		out := []string{}
		for _, x := range xs {
			if x == arn {
				out = append(out, x)
			}
		}
		return out
	}
	d.Added, d.Removed = keep(d.Added), keep(d.Removed)
	ps := []eval.PrincipalDiff{}
	for _, p := range d.Principals {
		if p.ARN == arn {
			ps = append(ps, p)
		}
	}
	d.Principals = ps
	outside := []eval.OutsideChange{}
	for _, o := range d.Outside {
		if o.Resource == arn {
			outside = append(outside, o)
		}
	}
	d.Outside = outside
}

// narrowService keeps the access changes of one service and the outside parties of its
// resources; administrator status, paths and hops are not one service's, and go.
func narrowService(d *eval.AccountDiff, service string) {
	ps := []eval.PrincipalDiff{}
	for _, p := range d.Principals {
		keep := func(cs []eval.AccessChange) []eval.AccessChange {
			out := []eval.AccessChange{}
			for _, c := range cs {
				if c.Service == service {
					out = append(out, c)
				}
			}
			return out
		}
		p.Gained, p.Lost = keep(p.Gained), keep(p.Lost)
		p.Admin = ""
		p.PathsOpened, p.PathsClosed = []eval.PathChange{}, []eval.PathChange{}
		p.HopsAdded, p.HopsRemoved = []eval.HopChange{}, []eval.HopChange{}
		if len(p.Gained)+len(p.Lost) > 0 {
			ps = append(ps, p)
		}
	}
	d.Principals = ps
	d.Added, d.Removed = []string{}, []string{}
	outside := []eval.OutsideChange{}
	for _, o := range d.Outside {
		if a, err := model.ParseARN(o.Resource); err == nil && a.Service == service {
			outside = append(outside, o)
		}
	}
	d.Outside = outside
}

// narrowOnly keeps what was gained (or only what was lost).
func narrowOnly(d *eval.AccountDiff, gained bool) {
	ps := []eval.PrincipalDiff{}
	for _, p := range d.Principals {
		if gained {
			p.Lost, p.PathsClosed, p.HopsRemoved = []eval.AccessChange{}, []eval.PathChange{}, []eval.HopChange{}
			if p.Admin == "lost" {
				p.Admin = ""
			}
		} else {
			p.Gained, p.PathsOpened, p.HopsAdded = []eval.AccessChange{}, []eval.PathChange{}, []eval.HopChange{}
			if p.Admin == "gained" {
				p.Admin = ""
			}
		}
		if len(p.Gained)+len(p.Lost)+len(p.PathsOpened)+len(p.PathsClosed)+len(p.HopsAdded)+len(p.HopsRemoved) > 0 || p.Admin != "" {
			ps = append(ps, p)
		}
	}
	d.Principals = ps
	if gained {
		d.Removed = []string{}
	} else {
		d.Added = []string{}
	}
	want := "admitted"
	if !gained {
		want = "no longer admitted"
	}
	outside := []eval.OutsideChange{}
	for _, o := range d.Outside {
		if o.Change == want {
			outside = append(outside, o)
		}
	}
	d.Outside = outside
}

// keepCausedPolicies keeps, once a diff is narrowed, the policy changes that what is left is
// due to (and the creation or deletion of the principals left), and renumbers the causes.
func keepCausedPolicies(d *eval.AccountDiff) {
	used := map[int]bool{}
	for _, p := range d.Principals {
		for _, i := range p.Causes {
			used[i] = true
		}
	}
	for _, o := range d.Outside {
		for _, i := range o.Causes {
			used[i] = true
		}
	}
	named := map[string]bool{}
	for _, arn := range append(append([]string{}, d.Added...), d.Removed...) {
		named[arn] = true
	}
	renumber := map[int]int{}
	kept := []eval.PolicyChange{}
	for i, c := range d.Policies {
		if used[i] || ((c.Kind == eval.ChangeCreated || c.Kind == eval.ChangeDeleted) && named[c.Entity]) {
			renumber[i] = len(kept)
			kept = append(kept, c)
		}
	}
	d.Policies = kept
	re := func(is []int) []int {
		out := make([]int, 0, len(is))
		for _, i := range is {
			out = append(out, renumber[i])
		}
		return out
	}
	for i := range d.Principals {
		d.Principals[i].Causes = re(d.Principals[i].Causes)
	}
	for i := range d.Outside {
		d.Outside[i].Causes = re(d.Outside[i].Causes)
	}
}

// writeDiff writes the diff for people. Policy changes are numbered from 1, and every entry
// names the numbers of the changes it is due to.
func writeDiff(w io.Writer, out diffJSON, prev, cur []*model.Account) {
	d := out.AccountDiff
	fmt.Fprintf(w, "before: %s%s\nafter:  %s%s\n", clean(out.Before), loadedAt(prev), clean(out.After), loadedAt(cur))
	if d.Empty() {
		fmt.Fprintln(w, "\nNo changes.")
		return
	}
	fmt.Fprintf(w, "%d policy change(s); %d principal(s) with changed access, %d added, %d removed; %d outside part(y/ies) admitted or no longer\n",
		len(d.Policies), len(d.Principals), len(d.Added), len(d.Removed), len(d.Outside))
	if len(d.Policies) > 0 {
		fmt.Fprintln(w, "\nPOLICY CHANGES")
		for i, c := range d.Policies {
			fmt.Fprintf(w, "  [%d] %s\n", i+1, policyChangeText(c))
			for _, s := range c.Statements {
				sid := ""
				if s.Sid != "" {
					sid = " " + clean(s.Sid)
				}
				switch s.Change {
				case "added":
					fmt.Fprintf(w, "      + statement%s %s\n", sid, clean(string(s.After)))
				case "removed":
					fmt.Fprintf(w, "      - statement%s %s\n", sid, clean(string(s.Before)))
				default:
					fmt.Fprintf(w, "      ~ statement%s was %s\n", sid, clean(string(s.Before)))
					fmt.Fprintf(w, "                %s now %s\n", strings.Repeat(" ", len(sid)), clean(string(s.After)))
				}
			}
		}
	}
	for _, list := range []struct {
		title string
		arns  []string
	}{{"PRINCIPALS ADDED", d.Added}, {"PRINCIPALS REMOVED", d.Removed}} {
		if len(list.arns) > 0 {
			fmt.Fprintf(w, "\n%s\n", list.title)
			for _, a := range list.arns {
				fmt.Fprintf(w, "  %s\n", clean(a))
			}
		}
	}
	if len(d.Principals) > 0 {
		fmt.Fprintln(w, "\nPRINCIPALS")
	}
	for _, p := range d.Principals {
		fmt.Fprintf(w, "\n%s  %s\n", clean(p.ARN), causesText(p.Causes))
		if p.Admin != "" {
			fmt.Fprintf(w, "  ADMIN %s (effective * on *)\n", p.Admin)
		}
		writePathChanges(w, "path opened", p.PathsOpened)
		writePathChanges(w, "path closed", p.PathsClosed)
		for _, h := range p.HopsAdded {
			fmt.Fprintf(w, "  may now assume %s%s\n", clean(h.To), ifText(h.AllowedIf))
		}
		for _, h := range p.HopsRemoved {
			fmt.Fprintf(w, "  may no longer assume %s%s\n", clean(h.To), ifText(h.AllowedIf))
		}
		writeAccessChanges(w, "gained", p.Gained)
		writeAccessChanges(w, "lost", p.Lost)
	}
	if len(d.Outside) > 0 {
		fmt.Fprintln(w, "\nOUTSIDE PARTIES")
		for _, o := range d.Outside {
			fmt.Fprintf(w, "  %s %s %s (%s)  %s\n", clean(o.Resource), o.Change, clean(o.Party), o.Kind, causesText(o.Causes))
		}
	}
}

// loadedAt says when a side was read: " (read 2025-03-14 09:00 UTC)", "" when unknown.
func loadedAt(accts []*model.Account) string {
	if len(accts) == 0 || accts[0].LoadedAt.IsZero() {
		return ""
	}
	return " (read " + accts[0].LoadedAt.UTC().Format("2006-01-02 15:04 MST") + ")"
}

func policyChangeText(c eval.PolicyChange) string {
	e, p := clean(c.Entity), clean(c.Policy)
	switch c.Kind {
	case eval.ChangeAttached:
		return "attached " + p + " to " + e
	case eval.ChangeDetached:
		return "detached " + p + " from " + e
	case eval.ChangeInlineAdded:
		return "new inline policy " + p + " of " + e
	case eval.ChangeInlineRemoved:
		return "deleted inline policy " + p + " of " + e
	case eval.ChangeInlineEdited:
		return "edited inline policy " + p + " of " + e
	case eval.ChangeDefaultVersion:
		return "default version of " + e + ": " + clean(c.Before) + " -> " + clean(c.After)
	case eval.ChangePolicyEdited:
		return "edited " + e + " (version " + clean(c.After) + ")"
	case eval.ChangeBoundary:
		return "permission boundary of " + e + ": " + orNone(clean(c.Before)) + " -> " + orNone(clean(c.After))
	case eval.ChangeGroupJoined:
		return e + " joined group " + p
	case eval.ChangeGroupLeft:
		return e + " left group " + p
	case eval.ChangeTrust:
		return "trust policy of " + e
	case eval.ChangeResourcePolicy:
		return "resource policy of " + e
	case eval.ChangeSCP:
		return "SCP " + p + " of account " + e
	case eval.ChangeRCP:
		return "RCP " + p + " of account " + e
	case eval.ChangeCreated:
		return "created " + e
	case eval.ChangeDeleted:
		return "deleted " + e
	}
	return clean(c.Kind) + " " + e + " " + p
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// causesText names the policy changes an entry is due to, numbered from 1.
func causesText(is []int) string {
	if len(is) == 0 {
		return ""
	}
	parts := make([]string, 0, len(is))
	for _, i := range is {
		parts = append(parts, fmt.Sprint(i+1))
	}
	return "(due to [" + strings.Join(parts, "] [") + "])"
}

func ifText(cond string) string {
	if cond == "" {
		return ""
	}
	return " (if " + clean(cond) + ")"
}

func writePathChanges(w io.Writer, what string, ps []eval.PathChange) {
	for _, p := range ps {
		via := ""
		if len(p.Via) > 0 {
			hs := make([]hopJSON, 0, len(p.Via))
			for _, r := range p.Via {
				hs = append(hs, hopJSON{To: r})
			}
			via = viaText(hs, false)
		}
		fmt.Fprintf(w, "  %s: %s %s -> %s [%s]%s\n", what, clean(p.ID), clean(p.Name), clean(p.To), p.Category, via)
	}
}

// sideText is one side of an access change: "Allowed", "Allowed if ...", "ExplicitlyDenied".
func sideText(s eval.AccessSide) string {
	t := string(s.Decision) + ifText(s.AllowedIf)
	if len(s.Except) > 0 {
		t += " except " + clean(strings.Join(s.Except, ", "))
	}
	return t
}

func writeAccessChanges(w io.Writer, what string, cs []eval.AccessChange) {
	if len(cs) == 0 {
		return
	}
	fmt.Fprintf(w, "  %s %d:\n", what, len(cs))
	cs = append([]eval.AccessChange(nil), cs...)
	rank := func(l catalog.AccessLevel) int { return slices.Index(levelOrder, l) }
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].Service != cs[j].Service {
			return cs[i].Service < cs[j].Service
		}
		return rank(cs[i].Level) < rank(cs[j].Level)
	})
	group := ""
	for i, c := range cs {
		if i == maxDiffLines {
			fmt.Fprintf(w, "    ... and %d more (--json lists them all)\n", len(cs)-i)
			break
		}
		if g := c.Service + " " + string(c.Level); g != group {
			group = g
			fmt.Fprintf(w, "    %s\n", clean(g))
		}
		fmt.Fprintf(w, "      %s on %s: %s -> %s\n", clean(c.Action), clean(c.Resource), sideText(c.Before), sideText(c.After))
	}
}
