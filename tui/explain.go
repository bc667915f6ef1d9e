package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/eval"
)

// explainedMsg answers an explanation request.
type explainedMsg struct {
	id     uint64
	epoch  int
	req    request
	result *eval.Result
	// via is the role chain of a party's answer (request.party) that needs one: result is
	// then the acting role's request, with the chain's decision and condition.
	via []eval.Hop
	err error
	// prior is the same request decided on the earlier state's engine (request.diff), or
	// priorErr why it could not be.
	prior    *eval.Result
	priorErr error
}

// explainPane shows why a request is decided as it is: the decision, the reason, the open
// conditions, and every policy and statement weighed, with the statements that decided
// highlighted and their JSON.
type explainPane struct {
	req     request
	id      uint64 // the request awaited
	loading bool
	result  *eval.Result
	err     error
	// prior is the earlier state's answer, for a Changes row (request.diff).
	prior *eval.Result
	title string
	doc   document
	// info is the node whose description is shown (no request), at its revision.
	info    *node
	infoRev int
	// principal is the principal whose description is shown, if that is what is shown.
	principal *principalItem

	// pinned keeps an answer asked for by name (the palette's can, a guided question) on
	// screen while the trees reload and the list moves: only explaining another row, or esc
	// in the explanation, lets it go. A change of the context, the mode or the what-ifs asks
	// it again.
	pinned bool
	// recompute is set while a pinned answer is asked again for a new context; before is its
	// decision until then, and recomputed what the pane says once the new answer is in.
	recompute  bool
	before     string
	recomputed string
}

// pin asks for an answer and keeps it on screen (see pinned). With wait, the answer is not
// asked yet: it is awaited from the next refresh (what-ifs being built first).
func (e *explainPane) pin(c *programContext, req request, wait bool) tea.Cmd {
	e.pinned, e.recompute, e.before, e.recomputed = true, false, "", ""
	if wait {
		e.req, e.principal, e.loading, e.id = req, nil, true, 0
		e.result, e.err = nil, nil
		e.title = "why: " + clean(shortName(req.principal)) + " · " + clean(req.action)
		e.doc.reset()
		return nil
	}
	return e.ask(c, req, true)
}

// unpin lets the explanation follow the selection again.
func (e *explainPane) unpin() {
	e.pinned, e.recompute, e.before, e.recomputed = false, false, "", ""
}

// markRecompute notes, before a pinned answer is asked again, what it said.
func (e *explainPane) markRecompute() {
	if !e.pinned || e.result == nil {
		return
	}
	e.recompute = true
	e.before, _ = decisionLine(e.result)
}

// explainCmd asks the engine in force to explain a request.
func explainCmd(c *programContext, req request, id uint64) tea.Cmd {
	if req.diff {
		return explainBothCmd(c, req, id)
	}
	eng, extra, epoch, mode := c.engine, c.extra, c.epoch, c.mode()
	return func() tea.Msg {
		ctx := extra
		if req.context != nil {
			ctx = req.context.Over(extra)
		}
		opts := eval.Options{Mode: mode, Explain: true, KnownKey: catalog.KnowsConditionKey}
		if p, ok := eng.Principal(req.principal); ok && !req.party {
			r, err := eng.Can(p, req.action, req.resource, ctx, opts)
			return explainedMsg{id: id, epoch: epoch, req: req, result: r, err: err}
		}
		// A party's answer as who-can lists it, and any party that is no loaded principal (a
		// service, another account, "*", a federated provider, a role session), as can
		// decides it.
		pt, ok, err := eng.FindParty(req.principal)
		if err == nil && !ok {
			err = fmt.Errorf("no principal or party %s", clean(req.principal))
		}
		if err != nil {
			return explainedMsg{id: id, epoch: epoch, req: req, err: err}
		}
		ans, err := eng.CanParty(pt, req.action, req.resource, ctx, opts)
		if err != nil {
			return explainedMsg{id: id, epoch: epoch, req: req, err: err}
		}
		if len(ans.Via) == 0 {
			return explainedMsg{id: id, epoch: epoch, req: req, result: ans.Result()}
		}
		r := *ans.Result()
		r.Decision, r.Condition = ans.Decision, ans.Condition
		return explainedMsg{id: id, epoch: epoch, req: req, result: &r, via: ans.Via}
	}
}

// explainBothCmd explains a Changes row on both sides, each decided on its own engine: the
// engine in force (now) and the earlier state's (before). A principal missing on one side is
// that side's error.
func explainBothCmd(c *programContext, req request, id uint64) tea.Cmd {
	now, before, extra, epoch, mode := c.engine, c.before, c.extra, c.epoch, c.mode()
	return func() tea.Msg {
		opts := eval.Options{Mode: mode, Explain: true, KnownKey: catalog.KnowsConditionKey}
		decide := func(eng *eval.Engine, side string) (*eval.Result, error) {
			if eng == nil {
				return nil, fmt.Errorf("the %s state is not read yet", side)
			}
			p, ok := eng.Principal(req.principal)
			if !ok {
				return nil, fmt.Errorf("%s is not in the %s state", clean(req.principal), side)
			}
			return eng.Can(p, req.action, req.resource, extra, opts)
		}
		msg := explainedMsg{id: id, epoch: epoch, req: req}
		msg.result, msg.err = decide(now, "later")
		msg.prior, msg.priorErr = decide(before, "earlier")
		return msg
	}
}

// ask starts explaining a request, unless it is the one shown or awaited.
func (e *explainPane) ask(c *programContext, req request, force bool) tea.Cmd {
	if !req.valid() {
		return nil
	}
	if !force && req == e.req && (e.loading || e.result != nil) {
		return nil
	}
	e.req = req
	e.principal = nil
	e.loading = true
	e.id = c.newID()
	return explainCmd(c, req, e.id)
}

// handle takes an answer, dropping stale ones: an answer is drawn only while it is awaited,
// for the request it answers (its id and its request both), in the epoch it was asked in. A
// late answer for a row the user has moved off (to another request, or to a row that shows a
// description) is never drawn as the selected row's.
func (e *explainPane) handle(c *programContext, msg explainedMsg) {
	if !e.loading || msg.id != e.id || msg.req != e.req || msg.epoch != c.epoch {
		return
	}
	e.loading = false
	e.result, e.err, e.prior = msg.result, msg.err, msg.prior
	e.title = "why: " + clean(shortName(msg.req.principal)) + " · " + clean(msg.req.action)
	e.doc.reset()
	if msg.req.diff {
		e.title = "now and before: " + clean(shortName(msg.req.principal)) + " · " + clean(msg.req.action)
		buildBothSides(&e.doc, msg, c.strict)
		return
	}
	if msg.err != nil {
		e.doc.add(lsDeny, 0, "cannot decide: "+clean(msg.err.Error()))
		return
	}
	if e.recompute {
		e.recompute = false
		now, _ := decisionLine(msg.result)
		e.recomputed = "recomputed"
		if now != e.before {
			e.doc.add(lsIf, 0, "↻ recomputed for the new context: was "+e.before)
		} else {
			e.doc.add(lsDim, 0, "↻ recomputed for the new context: unchanged")
		}
	}
	buildExplanation(&e.doc, msg.req, msg.result, msg.via, c.strict)
}

// showInfo shows a text that needs no engine: what a principal or service node is.
func (e *explainPane) showInfo(title string, fill func(d *document)) {
	e.unpin()
	e.req = request{}
	e.id = 0 // no answer is awaited: one still on its way is stale
	e.info, e.principal = nil, nil
	e.loading = false
	e.result, e.err, e.prior = nil, nil, nil
	e.title = title
	e.doc.reset()
	fill(&e.doc)
}

// buildBothSides writes a Changes row's two explanations: why the request is decided as it is
// now, then why it was decided otherwise before.
func buildBothSides(d *document, msg explainedMsg, strict bool) {
	side := func(title string, r *eval.Result, err error) {
		d.add(lsHeading, 0, title)
		if err != nil {
			d.add(lsDeny, 0, "cannot decide: "+clean(err.Error()))
			return
		}
		buildExplanation(d, msg.req, r, nil, strict)
	}
	side("NOW (the later state)", msg.result, msg.err)
	d.add(lsPlain, 0, "")
	side("BEFORE (the earlier state)", msg.prior, msg.priorErr)
}

// decisionLine says the decision in words, for people and without colour.
func decisionLine(r *eval.Result) (string, lineStyle) {
	switch {
	case r.Decision == eval.ExplicitlyDenied:
		return "✗ EXPLICITLY DENIED", lsDeny
	case r.Decision == eval.ImplicitlyDenied:
		return "✗ DENIED (implicitly: nothing allows it)", lsDeny
	case r.Conditional():
		return "? ALLOWED IF " + clean(r.Condition.String()), lsIf
	}
	return "✓ ALLOWED", lsAllow
}

// buildExplanation writes the explanation of a result into a document; strict says it was
// decided in strict mode.
func buildExplanation(d *document, req request, r *eval.Result, via []eval.Hop, strict bool) {
	d.add(lsHeading, 0, "Can "+clean(shortName(req.principal))+" do "+clean(req.action)+" on "+clean(req.resource)+"?")
	line, st := decisionLine(r)
	d.add(st, 0, line)
	if len(via) > 0 {
		d.add(lsPlain, 0, "not by its own request: through the role chain below, where every hop's condition and the acting role's own must hold")
		for _, h := range via {
			hop := "→ " + clean(shortName(h.To)) + " (" + clean(h.Action)
			if h.Condition != nil && h.Condition.IsOpen() {
				hop += ", if " + clean(h.Condition.String())
			}
			d.add(lsPlain, 1, hop+")")
		}
		d.add(lsDim, 0, "what follows explains the request of "+clean(shortName(via[len(via)-1].To))+", the role that acts")
	}
	for _, k := range req.context.Keys() {
		v, _ := req.context.Get(k)
		d.add(lsDim, 0, "decided with "+clean(k)+" = "+clean(strings.Join(v.Values, ", "))+", as the row was")
	}
	if strict {
		d.add(lsDim, 0, "strict mode: condition keys the request context does not set are absent; discovery mode leaves them unknown")
	}
	if len(r.Unweighed) > 0 {
		d.add(lsIf, 0, fmt.Sprintf("⚠ PARTIAL: this answer could not weigh %d thing(s) it depends on", len(r.Unweighed)))
		for _, u := range r.Unweighed {
			d.add(lsIf, 1, "- "+clean(u))
		}
	}
	if len(r.UnknownKeys) > 0 {
		d.add(lsIf, 0, "⚠ Taken as absent, as AWS takes a key it does not set: condition keys iamscope does not know "+
			"(a typo never matches; a key newer than the catalog may be set): "+clean(strings.Join(r.UnknownKeys, ", ")))
	}
	x := r.Explanation
	if x == nil {
		return
	}
	decisive := decidingStatements(x)
	if len(decisive) == 0 {
		d.add(lsPlain, 0, clean(x.Reason))
	} else {
		d.add(lsHeading, 0, "Decided by")
		for _, line := range decisive {
			d.add(lsDecisive, 1, "▶ "+line)
		}
	}
	acct := "same account"
	if !x.SameAccount {
		acct = "cross account: principal " + clean(x.PrincipalAccount) + ", resource " + clean(x.ResourceAccount)
	}
	d.add(lsDim, 0, "principal "+clean(x.Principal)+" ("+clean(x.PrincipalKind)+"), "+acct)
	if r.Conditional() {
		d.add(lsPlain, 0, "")
		d.add(lsHeading, 0, "Open conditions (set them with the context editor, c)")
		for _, oc := range r.Condition.Conditions() {
			where := fmt.Sprintf("%s policy %q statement %d", oc.PolicyType, oc.Policy, oc.Statement)
			d.add(lsIf, 1, "? "+clean(oc.String())+"  — "+clean(where))
		}
	}
	d.add(lsPlain, 0, "")
	d.add(lsHeading, 0, "Policies weighed, in order")
	for _, p := range x.Policies {
		head := policyLabel(p)
		if p.Skipped != "" {
			d.add(lsDim, 1, head+" — skipped: "+clean(p.Skipped))
			continue
		}
		d.add(lsPlain, 1, head+"  (allows: "+p.Allows+", denies: "+p.Denies+")")
		for _, s := range p.Statements {
			addStatement(d, s)
		}
	}
}

// decidingStatements names the statements that decided, the ones that say the most first:
// denies, then the resource, identity, boundary and session policies, then SCPs and RCPs
// (whose allow-everything statements decide almost every request).
func decidingStatements(x *eval.Explanation) []string {
	rank := func(p *eval.PolicyTrace, s *eval.StatementTrace) int {
		switch {
		case s.Effect == "Deny":
			return 0
		case p.Type == eval.SCP || p.Type == eval.RCP:
			return 2
		}
		return 1
	}
	type entry struct {
		rank int
		text string
	}
	var out []entry
	for _, p := range x.Policies {
		if p.Skipped != "" {
			continue
		}
		for _, s := range p.Statements {
			if !s.Decisive {
				continue
			}
			text := strings.TrimPrefix(policyLabel(p), "▸ ") + fmt.Sprintf(" statement %d", s.Index)
			if s.Sid != "" {
				text += " (" + clean(s.Sid) + ")"
			}
			text += ": " + clean(s.Effect)
			if s.Result == "match if" {
				text += " if its conditions hold"
			}
			out = append(out, entry{rank(p, s), text})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].rank < out[j].rank })
	lines := make([]string, len(out))
	for i, e := range out {
		lines[i] = e.text
	}
	return lines
}

func policyLabel(p *eval.PolicyTrace) string {
	kind := string(p.Type)
	switch p.Type {
	case eval.SCP, eval.RCP:
		kind = fmt.Sprintf("%s level %d", strings.ToUpper(kind), p.Level)
	case eval.BoundaryPolicy:
		kind = "permission boundary"
	case eval.SessionPolicyType:
		kind = "session policy"
	default:
		kind += " policy"
	}
	return "▸ " + kind + " " + clean(fmt.Sprintf("%q", p.Name))
}

// addStatement writes one statement's trace; the JSON of those that matched (or decided).
func addStatement(d *document, s *eval.StatementTrace) {
	name := fmt.Sprintf("statement %d", s.Index)
	if s.Sid != "" {
		name += " (" + clean(s.Sid) + ")"
	}
	head := name + " " + clean(s.Effect) + ": " + clean(s.Result)
	style := lsPlain
	if s.Decisive {
		head = "▶ " + head + "  ◀ DECIDED"
		style = lsDecisive
	}
	if s.Result == "no match" && !s.Decisive {
		reason := ""
		if s.Reason != "" {
			reason = " — " + clean(s.Reason)
		}
		d.add(lsDim, 2, head+reason)
		return
	}
	d.add(style, 2, head)
	checks := "action " + yes(s.ActionMatched) + ", resource " + yes(s.ResourceMatched)
	if s.PrincipalMatch != "" {
		checks += ", principal " + clean(s.PrincipalMatch)
	}
	d.add(lsDim, 3, checks)
	for _, c := range s.Conditions {
		have := "not in the request"
		if c.KeyPresent {
			have = "request has [" + clean(strings.Join(c.ContextValues, ", ")) + "]"
		}
		d.add(conditionStyle(c.Result), 3, "condition "+clean(c.Operator)+" "+clean(c.Key)+" ["+clean(strings.Join(c.Values, ", "))+"]: "+have+" → "+clean(c.Result))
	}
	if s.JSON == "" {
		return
	}
	d.statements = append(d.statements, s.JSON)
	if r := decidingRank(s); r > d.decidingRank {
		d.deciding, d.decidingRank = len(d.statements), r
	}
	js := style
	if !s.Decisive {
		js = lsJSON
	}
	for _, l := range prettyJSON(s.JSON) {
		d.lines = append(d.lines, docLine{text: l, style: js, indent: 3, stmt: len(d.statements)})
	}
	d.wrapWidth = 0
}

// decidingRank orders the statements that decided, for copying the one that decided most
// plainly: a deny that matched outright, then a deny that matches if its conditions hold, then
// an allow that matched, then one that matches if; 0 for a statement that did not decide.
func decidingRank(s *eval.StatementTrace) int {
	if !s.Decisive {
		return 0
	}
	r := 1
	if s.Result != "match if" {
		r++
	}
	if s.Effect == "Deny" {
		r += 2
	}
	return r
}

func yes(b bool) string {
	if b {
		return "✓"
	}
	return "✗"
}

func conditionStyle(result string) lineStyle {
	switch result {
	case "true":
		return lsAllow
	case "false":
		return lsDeny
	}
	return lsIf
}

// prettyJSON indents a statement's JSON, escaping what a terminal acts on or hides as \uXXXX
// (exactJSON), so that the lines shown, exported and copied mean the policy's exact text.
func prettyJSON(s string) []string {
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(s), "", "  "); err != nil {
		return []string{clean(s)}
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = exactJSON(l)
	}
	return lines
}
