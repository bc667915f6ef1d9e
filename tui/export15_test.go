package tui

import (
	"encoding/json"
	"strings"
	"testing"
)

// Copy and export (issue 15): y copies the deciding statement; a tree's JSON export names its
// principal at the root; the Markdown export says decisions in words; the explanation's JSON
// export has the open conditions the CLI's can --json has.

func TestCopyTakesTheDecidingStatement(t *testing.T) {
	d := newDriver(t, 140, 45)
	dana := findItem(t, d, "dana.whitfield").arn
	d.m.focus = focusDoc
	d.run(d.m.explain.pin(d.m.ctx, request{principal: dana, action: "s3:GetObject", resource: "arn:aws:s3:::tidewater-payroll/2025/03/salaries.csv"}, false))
	d.clip = nil
	d.press("y")
	if len(d.clip) != 1 || !strings.Contains(d.clip[0], "DenyOutsideFinance") {
		t.Errorf("y copied %q, want the deciding statement DenyOutsideFinance", d.clip)
	}
}

func TestTreeExportNamesItsPrincipal(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.selectPrincipal("felix.brandt")
	d.press("enter")
	d.treeRow("s3")
	d.press("space")
	d.treeRow("s3:GetObject")
	d.press("l")
	raw, err := d.m.exportData(exportTree, formatJSON)
	if err != nil {
		t.Fatal(err)
	}
	var root nodeJSON
	if err := json.Unmarshal(raw, &root); err != nil {
		t.Fatal(err)
	}
	if root.Label != "user felix.brandt" || root.Principal != findItem(t, d, "felix.brandt").arn {
		t.Errorf("root: label %q principal %q", root.Label, root.Principal)
	}
	md, err := d.m.exportData(exportTree, formatMarkdown)
	if err != nil {
		t.Fatal(err)
	}
	text := string(md)
	if !strings.Contains(text, "# iamscope: Access of user felix.brandt\n") || strings.Contains(text, "  arn") {
		t.Errorf("title:\n%s", text)
	}
	if strings.Contains(text, "if …") || !strings.Contains(text, "allowed if") {
		t.Errorf("decisions not in words:\n%s", text)
	}
}

func TestExplanationJSONHasConditions(t *testing.T) {
	d := newDriver(t, 140, 45)
	felix := findItem(t, d, "felix.brandt").arn
	d.run(d.m.explain.pin(d.m.ctx, request{principal: felix, action: "kms:Decrypt", resource: "arn:aws:kms:eu-west-1:210987654321:key/6f1c2a4e-8d3b-4c1e-9a7f-2b5d8e0c4a13"}, false))
	raw, err := d.m.exportData(exportExplanation, formatJSON)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		AllowedIf  string            `json:"allowedIf"`
		Conditions []json.RawMessage `json:"conditions"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	if out.AllowedIf == "" || len(out.Conditions) == 0 || !strings.Contains(string(out.Conditions[0]), "aws:MultiFactorAuthPresent") {
		t.Errorf("allowedIf %q, conditions %s", out.AllowedIf, out.Conditions)
	}
}
