package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// openPayrollRead opens felix.brandt's s3:GetObject on the payroll bucket in the access tree.
func openPayrollRead(t *testing.T, d *driver) *node {
	t.Helper()
	d.selectPrincipal("felix.brandt")
	d.press("enter")
	d.treeRow("s3")
	d.press("space")
	d.treeRow("s3:GetObject")
	d.press("space")
	return d.treeRow("arn:aws:s3:::tidewater-payroll/*")
}

func TestContextChangeRecomputesTheTree(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			d := newDriver(t, sz.w, sz.h)
			res := openPayrollRead(t, d)
			if res.decision != decIf {
				t.Fatalf("payroll read without MFA known: %s", res.decision.word())
			}
			d.press("c")
			d.golden("context-editor-" + sz.name)
			d.press("m") // MFA true
			d.press("down", "down", "enter", "ctrl+u")
			d.typeText("eu-west-1")
			d.press("enter", "down", "enter")
			d.typeText("true")
			d.press("enter", "esc")
			d.contains("MFA true", "region eu-west-1", "TLS true")
			res = d.treeRow("arn:aws:s3:::tidewater-payroll/*")
			if res.decision != decAllow {
				t.Errorf("with MFA and region: %s", res.decision.word())
			}
			if d.m.explain.result == nil || d.m.explain.result.Conditional() {
				t.Errorf("explanation not recomputed: %+v", d.m.explain.result)
			}
			d.golden("context-mfa-" + sz.name)
			// MFA false: the grant is gone.
			d.press("c", "m", "esc")
			d.contains("MFA false")
			for _, n := range d.m.access.tree.rows {
				if n.label == "arn:aws:s3:::tidewater-payroll/*" {
					t.Errorf("payroll still readable without MFA: %s", n.decision.word())
				}
			}
			d.press("c", "R", "esc")
			d.contains("MFA ?")
		})
	}
}

func TestContextEditorRefusesBadValues(t *testing.T) {
	d := newDriver(t, 80, 24)
	d.press("c", "down", "enter")
	d.typeText("not-an-ip")
	d.press("enter")
	d.contains("not an IP address")
	d.press("esc", "a")
	d.typeText("aws:PrincipalTag/team=payroll")
	d.press("enter")
	if v, ok := d.m.ctx.req.get("aws:PrincipalTag/team"); !ok || v != "payroll" {
		t.Errorf("tag not set: %q", v)
	}
	d.press("esc")
	d.contains("tag team=payroll")
}

func TestWhatIfMarksGainedAndLost(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			d := newDriver(t, sz.w, sz.h)
			openPayrollRead(t, d)
			d.press("w")
			d.golden("whatif-editor-" + sz.name)
			// Leave the finance group: the payroll grant is lost.
			o := d.m.overlays[0].(*whatIfOverlay)
			for i, r := range o.rows(d.m) {
				if strings.HasPrefix(r.label, "member of group finance") {
					o.cursor = i
				}
			}
			d.press("space", "esc")
			if !d.m.ctx.whatIfActive() {
				t.Fatal("no what-if in force")
			}
			d.contains("what-if", "−felix.brandt")
			lost := d.treeRow("arn:aws:s3:::tidewater-payroll/*")
			if lost.mark != markLost {
				t.Errorf("payroll read not marked lost: mark %d", lost.mark)
			}
			d.contains("− ")
			// The whole difference, on demand.
			diff := d.treeRow("what-if: access gained and lost")
			d.press("space")
			if !strings.Contains(diff.note, "lost") || len(diff.children) == 0 {
				t.Errorf("difference: %q, %d rows", diff.note, len(diff.children))
			}
			d.golden("whatif-lost-" + sz.name)
			// Add a deny to dana, then undo everything.
			d.press("w", "R")
			if d.m.ctx.whatIfActive() {
				t.Error("R did not undo the what-ifs")
			}
			d.press("a")
			d.typeText("s3:* arn:aws:s3:::tidewater-*")
			d.press("enter", "esc")
			if !d.m.ctx.whatIfActive() {
				t.Fatal("deny not applied")
			}
			d.contains("+deny s3:* on")
			if got := changeLabel(d.m.ctx.changes[0]); got != "+deny s3:* on arn:aws:s3:::tidewater-* for felix.brandt" {
				t.Errorf("the deny's label: %q", got)
			}
		})
	}
}

func TestReverseTreeWhoCan(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			d := newDriver(t, sz.w, sz.h)
			d.press("]")
			if d.m.view != viewReverse {
				t.Fatal("] did not switch to the resources view")
			}
			d.m.resources.selectItem(func(it listItem) bool { return it.(*resourceItem).label == "s3 tidewater-payroll" })
			d.run(d.m.listChanged())
			d.press("enter")
			d.treeRow("s3:GetObject")
			d.press("space")
			d.contains("felix.brandt", "payroll-processor")
			d.treeRow("user felix.brandt")
			d.press("enter") // the explanation, beside the tree or in its place
			d.contains("Can felix.brandt do s3:GetObject on")
			if !docHas(d, "arn:aws:s3:::tidewater-payroll/*?") {
				t.Error("the explanation is not of the payroll objects")
			}
			d.golden("reverse-" + sz.name)
		})
	}
}

func TestPathsOfADeveloper(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			d := newDriver(t, sz.w, sz.h)
			d.selectPrincipal("dana.whitfield")
			d.press("[") // chains & paths
			if d.m.view != viewPaths {
				t.Fatal("[ did not switch to the paths view")
			}
			d.press("enter")
			d.contains("Escalation paths (")
			var esc *node
			for _, n := range d.m.paths.tree.rows {
				if n.kind == nkEscalation && strings.Contains(n.note, "lambda-ops-automation") && esc == nil {
					esc = n
				}
			}
			if esc == nil {
				t.Fatalf("no escalation through lambda-ops-automation:\n%s", d.screen())
			}
			d.treeRow(esc.label)
			if !docHas(d, "lambda-001:") {
				t.Error("the path is not described")
			}
			d.press("space")
			d.treeRow("iam:PassRole on arn:aws:iam::210987654321:role/lambda-ops-automation")
			d.press("enter")
			d.contains("Can dana.whitfield do iam:PassRole")
			d.golden("paths-" + sz.name)
		})
	}
}

func TestRoleChainHops(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.selectPrincipal("omar.haddad")
	d.press("[", "enter")
	d.treeRow("ops/tw-db-breakglass")
	d.press("space")
	d.treeRow("tw-ops-prod → ops/tw-db-breakglass")
	d.contains("Can tw-ops-prod do sts:AssumeRole")
	d.golden("chains-140x45")
}

func TestPaletteJumpsAndAsks(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.press(":")
	d.typeText("grace")
	d.golden("palette-140x45")
	d.press("enter")
	if it := d.m.principals.selected().(*principalItem); it.name != "grace.mwangi" || d.m.focus != focusTree {
		t.Errorf("palette jumped to %s, focus %d", it.name, d.m.focus)
	}
	d.press(":")
	d.typeText("s3:GetObject")
	d.press("enter")
	n := d.m.access.tree.selected()
	if n == nil || n.label != "s3:GetObject" {
		t.Errorf("action jump selected %+v", n)
	}
	d.press(":")
	d.typeText("can dana.whitfield iam:PassRole arn:aws:iam::210987654321:role/lambda-ops-automation")
	d.press("enter")
	d.contains("Can dana.whitfield do iam:PassRole")
	d.press(":")
	d.typeText("who-can kms:Decrypt arn:aws:kms:eu-west-1:210987654321:key/6f1c2a4e-8d3b-4c1e-9a7f-2b5d8e0c4a13")
	d.press("enter")
	d.contains("payroll-processor", "felix.brandt")
	d.press(":")
	d.typeText("can nobody s3:GetObject *")
	d.press("enter")
	d.contains("no user, role or party")
}

// TestPaletteAsksAnyParty: the palette's can takes every kind of party who-can lists, as the
// CLI's can does: a service principal that reads the payroll files only through
// payroll-processor is answered through that chain, and anyone ("*") and a role session are
// answered as themselves.
func TestPaletteAsksAnyParty(t *testing.T) {
	d := newDriver(t, 140, 45)
	for _, tc := range []struct{ ask, want string }{
		{"can lambda.amazonaws.com s3:GetObject arn:aws:s3:::tidewater-payroll/2025/03/salaries.csv", "through the role chain"},
		{"can * s3:GetObject arn:aws:s3:::tidewater-payroll/2025/03/salaries.csv", "DENIED"},
		{"can arn:aws:sts::210987654321:assumed-role/tw-sre-jump/oncall s3:ListBucket arn:aws:s3:::tidewater-payroll", "Can oncall do s3:ListBucket on"},
	} {
		d.press(":")
		d.typeText(tc.ask)
		d.press("enter")
		if d.m.explain.err != nil {
			t.Errorf("%s: %v", tc.ask, d.m.explain.err)
			continue
		}
		d.contains(tc.want)
	}
}

func TestHelpFitsThePane(t *testing.T) {
	d := newDriver(t, 80, 24)
	d.press("?")
	d.contains("Help: principals", "filter")
	d.press("esc", "enter", "?")
	d.contains("Help: tree", "show denied")
	d.golden("help-tree-80x24")
	d.press("?")
	if len(d.m.overlays) != 0 {
		t.Error("? did not close the help")
	}
}

func TestCopyAndExport(t *testing.T) {
	d := newDriver(t, 140, 45)
	openPayrollRead(t, d)
	d.press("y")
	if len(d.clip) != 1 || !strings.Contains(d.clip[0], "tidewater-payroll") {
		t.Errorf("copied %v", d.clip)
	}
	d.press("enter", "y") // the statement in the explanation
	if len(d.clip) != 2 || !strings.Contains(d.clip[1], `"Effect"`) {
		t.Errorf("copied %v", d.clip)
	}
	dir := t.TempDir()
	for _, format := range []string{"md", "json"} {
		d.press("e")
		o := d.m.overlays[0].(*exportOverlay)
		if format == "json" {
			d.press("ctrl+t")
		}
		path := filepath.Join(dir, "why."+format)
		o.input.setValue(path)
		d.press("enter")
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", path, st.Mode())
		}
		data, _ := os.ReadFile(path)
		if !strings.Contains(string(data), "tidewater-payroll") {
			t.Errorf("%s lacks the request:\n%s", path, data)
		}
		d.contains("exported to")
	}
	d.press("esc", "e", "tab")
	path := filepath.Join(dir, "tree.md")
	d.m.overlays[0].(*exportOverlay).input.setValue(path)
	d.press("enter")
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "s3:GetObject") {
		t.Errorf("tree export:\n%s", data)
	}
}

func TestQuitAndSuspend(t *testing.T) {
	d := newDriver(t, 80, 24)
	d.press("ctrl+z")
	if d.quit {
		t.Error("ctrl+z quit")
	}
	d.press("q")
	if !d.quit {
		t.Error("q did not quit")
	}
}

func TestWhoCanAssumeARole(t *testing.T) {
	d := newDriver(t, 140, 45)
	d.press("]")
	d.m.resources.selectItem(func(it listItem) bool { return it.(*resourceItem).label == "role ops/tw-sre-jump" })
	d.run(d.m.listChanged())
	d.press("enter")
	d.treeRow("sts:AssumeRole")
	d.press("space")
	d.contains("user omar.haddad", "user priya.raman")
	d.lacks("user dana.whitfield")
}
