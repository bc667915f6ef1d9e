package demo

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/eval"
)

// TestWhatChangedSinceLastWeek checks question 11 of docs/demo-account.md: the demo a week
// earlier (Before) differs from the demo in the four policy changes the page tells, the data
// lake newly admits Keystone's account, and Grace is the one principal who can read the payroll
// files now and could not before. A managed policy's default version is the one in force
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html);
// a user has the permissions of its groups
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html).
func TestWhatChangedSinceLastWeek(t *testing.T) {
	before, err := Before()
	if err != nil {
		t.Fatal(err)
	}
	now, err := Accounts()
	if err != nil {
		t.Fatal(err)
	}
	eb, ea := eval.NewEngine(before...), eval.NewEngine(now...)
	d := eval.Diff(eb, ea, eval.DiffOptions{Mode: eval.Discovery})
	var got []string
	for _, c := range d.Policies {
		var sts []string
		for _, s := range c.Statements {
			sts = append(sts, s.Change+" "+s.Sid)
		}
		got = append(got, fmt.Sprintf("%s %s %s %s>%s %d", c.Kind, c.Entity, c.Policy, c.Before, c.After, len(sts)))
	}
	want := []string{
		"default-version arn:aws:iam::210987654321:policy/tidewater/tw-developer-access  v1>v2 10",
		"inline-edited arn:aws:iam::210987654321:user/service/svc-legacy-reports legacy-reports-read > 1",
		"group-joined arn:aws:iam::210987654321:user/staff/grace.mwangi finance > 0",
		"resource-policy arn:aws:s3:::tidewater-data-lake  > 1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("policy changes:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if fmt.Sprint(d.Outside) != "[{arn:aws:s3:::tidewater-data-lake 629384756102 account admitted [3]}]" {
		t.Errorf("outside parties: %+v", d.Outside)
	}
	if len(d.Added)+len(d.Removed) != 0 {
		t.Errorf("principals added %v, removed %v; want none", d.Added, d.Removed)
	}
	opened := 0
	for _, p := range d.Principals {
		for _, dev := range []string{"dana.whitfield", "lucia.fernandez", "kenji.sato", "tomas.novak"} {
			if strings.HasSuffix(p.ARN, "/"+dev) {
				opened += len(p.PathsOpened)
			}
		}
	}
	if opened != 12 {
		t.Errorf("the developers' paths opened: %d, want 3 for each of the four", opened)
	}

	// Who can read payroll now that could not a week ago.
	const salaries = "arn:aws:s3:::tidewater-payroll/2025/03/salaries.csv"
	readers := func(e *eval.Engine) map[string]bool {
		m := map[string]bool{}
		for _, g := range e.WhoCan("s3:GetObject", salaries, nil, eval.Discovery) {
			m[g.ARN] = true
		}
		return m
	}
	rb, ra := readers(eb), readers(ea)
	var newReaders []string
	for arn := range ra {
		if !rb[arn] {
			newReaders = append(newReaders, arn)
		}
	}
	sort.Strings(newReaders)
	if fmt.Sprint(newReaders) != "[arn:aws:iam::210987654321:user/staff/grace.mwangi]" {
		t.Errorf("new readers of payroll: %v, want grace.mwangi alone", newReaders)
	}

	// The page tells the same changes.
	raw, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	page := string(raw)
	i := strings.Index(page, "### 11. What changed")
	if i < 0 {
		t.Fatal("the page has no question 11")
	}
	section := page[i:]
	for _, word := range []string{"**v1**", "**v2**", "HoldEmailUntilReviewed", "grace.mwangi", "`629384756102`", "KeystoneReadForAudit", "tidewater-before.json"} {
		if !strings.Contains(section, word) {
			t.Errorf("question 11 does not name %s", word)
		}
	}
}
