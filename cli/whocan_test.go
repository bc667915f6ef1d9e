package cli

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// partnerDump is a small account in the shape a moto-seeded account dumps: erin may assume
// AdminRole (trusted by the account); PartnerAuditRole, trusted by account 999988887777 with
// an ExternalId, reads acme-data, whose bucket policy denies requests without TLS; codebuild
// assumes CIRole, which assumes DeployRole, which invokes the deploy function; nobody has no
// policy at all.
const (
	partnerDump   = "testdata/partner"
	partnerObject = "arn:aws:s3:::acme-data/x.csv"
	partnerFn     = "arn:aws:lambda:us-east-1:111122223333:function:deploy"
	partnerRole   = "arn:aws:iam::111122223333:role/"
	insecureDeny  = "not Bool aws:SecureTransport [false]"
)

// whoCan runs who-can --json with args and returns its entries by party.
func whoCan(t *testing.T, args ...string) map[string]granteeJSON {
	t.Helper()
	out, err := run(t, NewWhoCanCommand(), append([]string{"--json"}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	var got whoCanJSON
	mustJSON(t, out, &got)
	byARN := map[string]granteeJSON{}
	for _, g := range got.Principals {
		if _, dup := byARN[g.ARN]; dup {
			t.Errorf("who-can %v lists %s twice", args, g.ARN)
		}
		byARN[g.ARN] = g
	}
	return byARN
}

// chainOf writes a chain as "from>to>to".
func chainOf(via []hopJSON) string {
	if len(via) == 0 {
		return ""
	}
	parts := []string{via[0].From}
	for _, h := range via {
		parts = append(parts, h.To)
	}
	return strings.Join(parts, ">")
}

// Through a role chain the answer holds only if every hop's condition and the acting role's
// own hold: erin reaches the bucket through AdminRole, so she inherits its TLS condition; an
// outside account reaches it only through the role its trust policy names, first hop and
// ExternalId included. A request through a chain is the acting role's request
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
func TestWhoCanChainCarriesEveryCondition(t *testing.T) {
	got := whoCan(t, "--file", partnerDump, "s3:GetObject", partnerObject)
	erin := got["arn:aws:iam::111122223333:user/erin"]
	if erin.AllowedIf != insecureDeny || chainOf(erin.Via) != "arn:aws:iam::111122223333:user/erin>"+partnerRole+"AdminRole" ||
		len(erin.Conditions) != 1 {
		t.Errorf("erin: allowed if %q via %q (%d conditions); want if %q via AdminRole", erin.AllowedIf, chainOf(erin.Via), len(erin.Conditions), insecureDeny)
	}
	partner := got["999988887777"]
	want := "StringEquals sts:ExternalId [partner-123] and " + insecureDeny
	if partner.Kind != "account" || partner.AllowedIf != want || chainOf(partner.Via) != "999988887777>"+partnerRole+"PartnerAuditRole" ||
		partner.Via[0].AllowedIf != "StringEquals sts:ExternalId [partner-123]" || len(partner.Conditions) != 2 {
		t.Errorf("account 999988887777: %+v; want if %q via PartnerAuditRole, its first hop named", partner, want)
	}
	fn := whoCan(t, "--file", partnerDump, "lambda:InvokeFunction", partnerFn)
	cb := fn["codebuild.amazonaws.com"]
	if cb.Kind != "service" || chainOf(cb.Via) != "codebuild.amazonaws.com>"+partnerRole+"CIRole>"+partnerRole+"DeployRole" {
		t.Errorf("codebuild: %+v; want via CIRole then DeployRole", cb)
	}
}

// On the demo account the Lambda service reaches the payroll file only by assuming
// payroll-processor (the bucket policy names no service), so it is listed through that role
// with the role's region and TLS conditions; and a service whose trust several roles give is
// listed once.
func TestWhoCanOutsidersShowTheirChainOnce(t *testing.T) {
	got := whoCan(t, "s3:GetObject", payroll)
	lambda := got["lambda.amazonaws.com"]
	if chainOf(lambda.Via) != "lambda.amazonaws.com>arn:aws:iam::210987654321:role/service/payroll-processor" ||
		!strings.Contains(lambda.AllowedIf, "aws:RequestedRegion") || !strings.Contains(lambda.AllowedIf, "aws:SecureTransport") {
		t.Errorf("lambda on the payroll file: %+v", lambda)
	}
	whoCan(t, "kms:Decrypt", "arn:aws:kms:eu-west-1:210987654321:key/6f1c2a4e-8d3b-4c1e-9a7f-2b5d8e0c4a13")
	whoCan(t, "s3:GetObject", "arn:aws:s3:::tidewater-marketing-assets/crm/export.csv")
}

// Every party who-can lists can be asked about with can, by the identifier who-can prints,
// and can gives the same decision, the same open conditions and the same chain, in both
// modes. A role session, anonymous ("*") and a service principal are parties too.
func TestCanAgreesWithWhoCanForEveryParty(t *testing.T) {
	queries := [][]string{
		{"--file", partnerDump, "s3:GetObject", partnerObject},
		{"--file", partnerDump, "lambda:InvokeFunction", partnerFn},
		{"s3:GetObject", payroll},
		{"kms:Decrypt", "arn:aws:kms:eu-west-1:210987654321:key/6f1c2a4e-8d3b-4c1e-9a7f-2b5d8e0c4a13"},
		{"s3:GetObject", "arn:aws:s3:::tidewater-marketing-assets/crm/export.csv"},
		{"sts:AssumeRoleWithWebIdentity", "arn:aws:iam::210987654321:role/ci/tw-github-deploy"},
	}
	for _, strict := range []bool{false, true} {
		for _, q := range queries {
			if strict {
				q = append([]string{"--strict"}, q...)
			}
			for name, g := range whoCan(t, q...) {
				args := append(append([]string{"--json"}, q[:len(q)-2]...), name, q[len(q)-2], q[len(q)-1])
				out, err := run(t, NewCanCommand(), args...)
				if err != nil {
					t.Errorf("can %v: %v", args, err)
					continue
				}
				var c canJSON
				mustJSON(t, out, &c)
				if c.Decision != g.Decision || c.AllowedIf != g.AllowedIf || chainOf(c.Via) != chainOf(g.Via) || c.Kind != g.Kind {
					t.Errorf("can %v: %s %s if %q via %q; who-can: %s %s if %q via %q", args, c.Kind, c.Decision, c.AllowedIf,
						chainOf(c.Via), g.Kind, g.Decision, g.AllowedIf, chainOf(g.Via))
				}
			}
		}
	}
	for _, who := range []string{"*", "anonymous", "lambda.amazonaws.com", "arn:aws:sts::210987654321:assumed-role/payroll-processor/run",
		"100200300400", "arn:aws:iam::100200300400:root"} {
		if _, err := run(t, NewCanCommand(), who, "s3:GetObject", payroll); err != nil {
			t.Errorf("can %s: %v", who, err)
		}
	}
}

// JSON output never writes null where the README's JSON shapes have a list or an object: an
// empty list is [], for every command, on the demo account and for a principal with no access.
func TestJSONHasNoNull(t *testing.T) {
	commands := map[string]func() *cobra.Command{"can": NewCanCommand, "who-can": NewWhoCanCommand,
		"what-can": NewWhatCanCommand, "paths": NewPathsCommand}
	for _, args := range [][]string{
		{"can", "dana.whitfield", "s3:GetObject", payroll},
		{"can", "*", "s3:GetObject", payroll},
		{"can", "lambda.amazonaws.com", "s3:GetObject", payroll},
		{"who-can", "s3:GetObject", payroll},
		{"who-can", "s3:GetObject", "arn:aws:s3:::tidewater-marketing-assets/crm/export.csv"},
		{"who-can", "iam:CreateUser", "arn:aws:iam::210987654321:user/none"},
		{"what-can", "dana.whitfield"},
		{"paths", "dana.whitfield"},
		{"paths"},
		{"can", "--file", partnerDump, "nobody", "s3:GetObject", partnerObject},
		{"can", "--file", partnerDump, "codebuild.amazonaws.com", "lambda:InvokeFunction", partnerFn},
		{"who-can", "--file", partnerDump, "s3:PutObject", "arn:aws:s3:::elsewhere/x"},
		{"who-can", "--file", partnerDump, "s3:GetObject", partnerObject},
		{"what-can", "--file", partnerDump, "nobody"},
		{"paths", "--file", partnerDump, "nobody"},
	} {
		out, err := run(t, commands[args[0]](), append([]string{"--json"}, args[1:]...)...)
		if err != nil {
			t.Errorf("%v: %v", args, err)
			continue
		}
		var v any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("%v: not JSON: %v", args, err)
		}
		if where := findNull(v, "$"); where != "" {
			t.Errorf("%v writes null at %s", args, where)
		}
	}
}

// findNull returns the path of the first null in a decoded JSON value, or "".
func findNull(v any, at string) string {
	switch x := v.(type) {
	case nil:
		return at
	case map[string]any:
		for k, e := range x {
			if w := findNull(e, at+"."+k); w != "" {
				return w
			}
		}
	case []any:
		for i, e := range x {
			if w := findNull(e, at+"["+strconv.Itoa(i)+"]"); w != "" {
				return w
			}
		}
	}
	return ""
}
