package demo

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/model"
)

// The guided questions of docs/demo-account.md, checked against the demo data: every row of
// every answer table is decided here with eval.Evaluate, so that the page cannot drift from the
// data. Answers that a table cannot hold (who-can lists, policy versions, dates) are checked by
// the tests after TestGuidedAnswers, each named for its question.

// docPath is the page that documents the demo.
var docPath = filepath.Join("..", "..", "docs", "demo-account.md")

// tableHeader starts every answer table of the page.
const tableHeader = "| Who | Action | Resource | Context | Answer | Decided by |"

// answerRow is one row of an answer table.
type answerRow struct {
	line      int
	section   string // the question's heading
	q         question
	decision  eval.Decision
	allowedIf string   // the formula of an "Allowed if ..." answer
	reasons   []string // words the engine's reason must name
}

var backticked = regexp.MustCompile("`([^`]*)`")

// ticks returns the backticked items of a table cell.
func ticks(cell string) []string {
	var out []string
	for _, m := range backticked.FindAllStringSubmatch(cell, -1) {
		out = append(out, m[1])
	}
	return out
}

// one returns the single backticked item of a cell.
func one(cell, column string) (string, error) {
	t := ticks(cell)
	if len(t) != 1 {
		return "", fmt.Errorf("%s: want one `value`, got %q", column, strings.TrimSpace(cell))
	}
	return t[0], nil
}

// parseRow reads one table row.
func parseRow(text string) (answerRow, error) {
	cells := strings.Split(strings.Trim(strings.TrimSpace(text), "|"), "|")
	if len(cells) != 6 {
		return answerRow{}, fmt.Errorf("want 6 cells, got %d", len(cells))
	}
	var r answerRow
	var err error
	if r.q.who, err = one(cells[0], "Who"); err != nil {
		return r, err
	}
	if r.q.action, err = one(cells[1], "Action"); err != nil {
		return r, err
	}
	if r.q.resource, err = one(cells[2], "Resource"); err != nil {
		return r, err
	}
	for _, kv := range ticks(cells[3]) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return r, fmt.Errorf("Context: %q is not key=value", kv)
		}
		if r.q.context == nil {
			r.q.context = map[string]string{}
		}
		r.q.context[k] = v
	}
	answer := strings.TrimSpace(cells[4])
	switch {
	case strings.HasPrefix(answer, "Allowed if "):
		r.decision, r.allowedIf, r.q.discovery = eval.Allowed, strings.TrimPrefix(answer, "Allowed if "), true
	case answer == string(eval.Allowed), answer == string(eval.ImplicitlyDenied), answer == string(eval.ExplicitlyDenied):
		r.decision = eval.Decision(answer)
	default:
		return r, fmt.Errorf("Answer: %q is not a decision", answer)
	}
	r.reasons = ticks(cells[5])
	if len(r.reasons) == 0 {
		return r, fmt.Errorf("Decided by: empty")
	}
	return r, nil
}

// readAnswerTables reads every answer table of the page, and the question headings.
func readAnswerTables(t *testing.T) ([]answerRow, []string) {
	t.Helper()
	raw, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatalf("reading the demo's documentation: %v", err)
	}
	var rows []answerRow
	var sections []string
	section := ""
	inTable := false
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "### "):
			section = strings.TrimPrefix(line, "### ")
			sections = append(sections, section)
			inTable = false
		case line == tableHeader:
			inTable = true
		case inTable && strings.HasPrefix(line, "| ---"):
		case inTable && strings.HasPrefix(line, "|"):
			r, err := parseRow(line)
			if err != nil {
				t.Errorf("%s:%d: %v", docPath, n, err)
				continue
			}
			r.line, r.section = n, section
			rows = append(rows, r)
		default:
			inTable = false
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows, sections
}

// demoWorld loads the demo accounts for a test.
func demoWorld(t *testing.T) *world {
	t.Helper()
	accts, err := Accounts()
	if err != nil {
		t.Fatal(err)
	}
	return &world{accounts: accts}
}

// TestGuidedAnswers decides every row of the page's answer tables and compares the decision,
// the "allowed if" formula and the reason.
func TestGuidedAnswers(t *testing.T) {
	w := demoWorld(t)
	rows, sections := readAnswerTables(t)
	if len(sections) < 6 || len(sections) > 11 {
		t.Errorf("the page has %d guided questions, want 6 to 11", len(sections))
	}
	perSection := map[string]int{}
	for _, r := range rows {
		perSection[r.section]++
		at := fmt.Sprintf("%s:%d (%s)", docPath, r.line, r.section)
		res, err := w.ask(&r.q)
		if err != nil {
			t.Errorf("%s: %v", at, err)
			continue
		}
		got := res.Explanation.Reason
		if res.Decision != r.decision {
			t.Errorf("%s: %s %s %s: got %s (%s), the page says %s", at, r.q.who, r.q.action, r.q.resource, res.Decision, got, r.decision)
			continue
		}
		switch {
		case r.allowedIf != "" && !res.Conditional():
			t.Errorf("%s: %s %s: got plainly Allowed, the page says allowed if %s", at, r.q.who, r.q.action, r.allowedIf)
		case r.allowedIf != "" && res.Condition.String() != r.allowedIf:
			t.Errorf("%s: %s %s: got allowed if %s, the page says allowed if %s", at, r.q.who, r.q.action, res.Condition, r.allowedIf)
		case r.allowedIf == "" && res.Conditional():
			t.Errorf("%s: %s %s: got allowed if %s, the page says plainly Allowed", at, r.q.who, r.q.action, res.Condition)
		}
		for _, word := range r.reasons {
			if !strings.Contains(got, word) {
				t.Errorf("%s: %s %s: the reason %q does not name %q", at, r.q.who, r.q.action, got, word)
			}
		}
	}
	for _, s := range sections {
		if perSection[s] == 0 {
			t.Errorf("%s: question %q has no answer table", docPath, s)
		}
	}
}

// TestDeployRoleWhoCan checks question 3 with the engine's who-can: the deploy role admits the
// GitHub OIDC provider alone, on its audience and subject, and no user or role of either account.
func TestDeployRoleWhoCan(t *testing.T) {
	w := demoWorld(t)
	e := eval.NewEngine(w.accounts...)
	const deploy = "arn:aws:iam::210987654321:role/ci/tw-github-deploy"
	ctx := eval.NewContext()
	ctx.Set("aws:SecureTransport", "true")
	ctx.Set("aws:RequestedRegion", defaultRegion)
	ctx.Set("aws:MultiFactorAuthPresent", "true")

	gs := e.WhoCan("sts:AssumeRoleWithWebIdentity", deploy, ctx, eval.Discovery)
	if len(gs) != 1 {
		t.Fatalf("who can assume the deploy role with a web identity: got %d parties, want the OIDC provider alone: %+v", len(gs), gs)
	}
	g := gs[0]
	wantCond := "StringEquals token.actions.githubusercontent.com:aud [sts.amazonaws.com] and " +
		"StringEquals token.actions.githubusercontent.com:sub [repo:tidewater-outfitters/storefront:ref:refs/heads/main]"
	if g.Kind != eval.GranteeFederated || g.ARN != "arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com" {
		t.Errorf("got %s %s, want the federated GitHub OIDC provider", g.Kind, g.ARN)
	}
	if g.Condition == nil || g.Condition.String() != wantCond {
		t.Errorf("the provider is admitted if %v, want %s", g.Condition, wantCond)
	}
	if gs := e.WhoCan("sts:AssumeRole", deploy, ctx, eval.Strict); len(gs) != 0 {
		t.Errorf("who can sts:AssumeRole the deploy role: got %+v, want nobody", gs)
	}
	// And by hand, every user and role of both accounts.
	for _, a := range w.accounts {
		for _, u := range a.Users {
			assertNotAllowed(t, w, u.Name, deploy)
		}
		for _, r := range a.Roles {
			assertNotAllowed(t, w, r.Name+"/probe", deploy)
		}
	}
}

func assertNotAllowed(t *testing.T, w *world, who, role string) {
	t.Helper()
	res, err := w.ask(&question{who: who, action: "sts:AssumeRole", resource: role, context: map[string]string{"aws:MultiFactorAuthPresent": "true"}})
	if err != nil {
		t.Errorf("%s: %v", who, err)
		return
	}
	if res.Decision == eval.Allowed {
		t.Errorf("%s can assume %s: %s", who, role, res.Explanation.Reason)
	}
}

// TestDeveloperPolicyVersions checks question 4's versions: v2 is the default, v3 is the newest
// and would close the escalation path.
func TestDeveloperPolicyVersions(t *testing.T) {
	w := demoWorld(t)
	main := w.accounts[0]
	mp, ok := main.Policy("arn:aws:iam::210987654321:policy/tidewater/tw-developer-access")
	if !ok {
		t.Fatal("tw-developer-access is missing")
	}
	if len(mp.Versions) != 3 || mp.DefaultVersion != "v2" {
		t.Fatalf("tw-developer-access: %d versions, default %s; want 3, default v2", len(mp.Versions), mp.DefaultVersion)
	}
	var newest model.PolicyVersion
	for _, v := range mp.Versions {
		if v.CreateDate.After(newest.CreateDate) {
			newest = v
		}
		if v.IsDefault != (v.ID == "v2") {
			t.Errorf("version %s: IsDefault %v", v.ID, v.IsDefault)
		}
	}
	if newest.ID != "v3" {
		t.Fatalf("the newest version is %s, want v3", newest.ID)
	}
	// Make v3 the default and ask again.
	mp.DefaultVersion = "v3"
	for i := range mp.Versions {
		mp.Versions[i].IsDefault = mp.Versions[i].ID == "v3"
	}
	q := &question{who: "dana.whitfield", action: "iam:PassRole", resource: "arn:aws:iam::210987654321:role/lambda-ops-automation",
		context: map[string]string{"iam:PassedToService": "lambda.amazonaws.com"}}
	res, err := w.ask(q)
	if err != nil {
		t.Fatal(err)
	}
	if res.Decision != eval.ImplicitlyDenied {
		t.Errorf("with v3 the default, Dana passing lambda-ops-automation: %s (%s), want ImplicitlyDenied", res.Decision, res.Explanation.Reason)
	}
	q.resource = "arn:aws:iam::210987654321:role/lambda-app-image-resizer"
	if res, err = w.ask(q); err != nil || res.Decision != eval.Allowed {
		t.Errorf("with v3 the default, Dana passing lambda-app-image-resizer: %v %v, want Allowed", res.Decision, err)
	}
}

// TestBreakGlassChain checks question 6 with the engine's who-can: Omar reaches the master
// secret through exactly the three hops the page describes.
func TestBreakGlassChain(t *testing.T) {
	w := demoWorld(t)
	e := eval.NewEngine(w.accounts...)
	ctx := eval.NewContext()
	ctx.Set("aws:SecureTransport", "true")
	ctx.Set("aws:RequestedRegion", defaultRegion)
	ctx.Set("aws:MultiFactorAuthPresent", "true")
	const secret = "arn:aws:secretsmanager:eu-west-1:210987654321:secret:rds/orders-master-Ab12Cd"
	want := []string{
		"arn:aws:iam::210987654321:role/ops/tw-sre-jump",
		"arn:aws:iam::210987654321:role/ops/tw-ops-prod",
		"arn:aws:iam::210987654321:role/ops/tw-db-breakglass",
	}
	for _, g := range e.WhoCan("secretsmanager:GetSecretValue", secret, ctx, eval.Strict) {
		if g.ARN != "arn:aws:iam::210987654321:user/staff/omar.haddad" {
			continue
		}
		var got []string
		for _, h := range g.Via {
			got = append(got, h.To)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("Omar reaches the master secret through %v, want %v", got, want)
		}
		return
	}
	t.Error("who-can for the master secret does not list omar.haddad")
}

// TestStaleCredentials checks question 10's dates: the legacy key is from 2019 and unused since
// 2022, and tw-legacy-etl was never used.
func TestStaleCredentials(t *testing.T) {
	w := demoWorld(t)
	main := w.accounts[0]
	found := main.Find("AKIA2TWLEGACYEXAMPLE")
	if len(found) != 1 || found[0].Kind != model.EntityUser || found[0].User.Name != "svc-legacy-reports" {
		t.Fatalf("the access key resolves to %+v, want svc-legacy-reports", found)
	}
	k := found[0].User.AccessKeys[0]
	if k.Status != "Active" || k.CreateDate.Year() != 2019 || k.LastUsed == nil || !k.LastUsed.Equal(time.Date(2022, 8, 1, 2, 0, 0, 0, time.UTC)) {
		t.Errorf("legacy key: status %s, created %v, last used %v", k.Status, k.CreateDate, k.LastUsed)
	}
	if found[0].User.PasswordLastUsed != nil {
		t.Errorf("svc-legacy-reports has a console password last used %v; it is a service user", found[0].User.PasswordLastUsed)
	}
	etl := main.Find("tw-legacy-etl")
	if len(etl) != 1 || etl[0].Role.LastUsed != nil || etl[0].Role.CreateDate.Format("2006-01") != "2019-04" {
		t.Errorf("tw-legacy-etl: want one role created in April 2019 and never used, got %+v", etl)
	}
}
