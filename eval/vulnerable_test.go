package eval_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/corpus"
	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/model"
)

// The account of loader/testdata/accounts/cloudsplaining-example-iam-vulnerable-account.json has
// BishopFox's iam-vulnerable deployed: each principal named privescN-... deploys one
// escalation path; fnN-... deploy paths that tools tend to miss (a partial permission set, a
// resource or condition constraint that is still exploitable, NotAction); fpN-... deploy
// permissions that look dangerous but cannot escalate (a deny beside the allow, a resource or
// condition constraint that cannot be met). privesc2 (iam:SetDefaultPolicyVersion) is not a
// path of the public catalogue this engine models, so it is expected to find nothing.
var vulnerableExpect = map[string][]string{
	"privesc1-CreateNewPolicyVersion":                       {"iam-001"},
	"privesc3-CreateEC2WithExistingInstanceProfile":         {"ec2-001"},
	"privesc4-CreateAccessKey":                              {"iam-002"},
	"privesc5-CreateLoginProfile":                           {"iam-004"},
	"privesc6-UpdateLoginProfile":                           {"iam-006"},
	"privesc14-UpdatingAssumeRolePolicy":                    {"iam-012"},
	"privesc15-PassExistingRoleToNewLambdaThenInvoke":       {"lambda-001"},
	"privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo": {"lambda-002"},
	"privesc17-EditExistingLambdaFunctionWithRole":          {"lambda-003"},
	"privesc18-PassExistingRoleToNewGlueDevEndpoint":        {"glue-001"},
	"privesc19-UpdateExistingGlueDevEndpoint":               {"glue-002"},
	"privesc20-PassExistingRoleToCloudFormation":            {"cloudformation-001"},
	"privesc21-PassExistingRoleToNewDataPipeline":           {"datapipeline-001"},
	"privesc-CloudFormationUpdateStack":                     {"cloudformation-002"},
	"privesc-codeBuildCreateProjectPassRole":                {"codebuild-001"},
	"privesc-ec2InstanceConnect":                            {"ec2instanceconnect-003"},
	"privesc-sageMakerCreateNotebookPassRole":               {"sagemaker-001"},
	"privesc-sageMakerCreateTrainingJobPassRole":            {"sagemaker-002"},
	"privesc-sageMakerCreateProcessingJobPassRole":          {"sagemaker-003"},
	"privesc-sageMakerCreatePresignedNotebookURL":           {"sagemaker-004"},
	"privesc-ssmStartSession":                               {"ssm-001"},
	"privesc-ssmSendCommand":                                {"ssm-002"},
	"fn1-privesc3-partial":                                  {"ec2-001"},
	"fn2-exploitableResourceConstraint":                     {"iam-001"},
	"fn3-exploitableConditionConstraint":                    {"iam-001"},
	"fn4-exploitableNotAction":                              {"lambda-001"},
	"privesc2-SetExistingDefaultPolicyVersion":              nil,
	"fp1-allow-and-deny":                                    nil,
	"fp2-allow-and-deny-multiple-policies":                  nil,
	"fp3-deny-iam":                                          nil,
	"fp4-nonExploitableResourceConstraint":                  nil,
	"fp5-nonExploitableConditionConstraint":                 nil,
}

// Paths that only one of the pair (user, role) can take: a role cannot put a policy on
// itself as a user, nor join a group; a user cannot attach a policy to itself as a role.
var vulnerableOnly = map[string]struct {
	kind string
	ids  []string
}{
	"privesc7-AttachUserPolicy":  {"user", []string{"iam-008"}},
	"privesc8-AttachGroupPolicy": {"user", []string{"iam-010"}},
	"privesc9-AttachRolePolicy":  {"role", []string{"iam-009"}},
	"privesc10-PutUserPolicy":    {"user", []string{"iam-007"}},
	"privesc11-PutGroupPolicy":   {"user", []string{"iam-011"}},
	"privesc12-PutRolePolicy":    {"role", []string{"iam-005"}},
	"privesc13-AddUserToGroup":   {"user", []string{"iam-013"}},
}

func vulnerablePath(t testing.TB) string {
	p, err := corpus.Account("cloudsplaining-example-iam-vulnerable-account.json")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func loadEngine(t testing.TB, path string) *eval.Engine {
	accts, err := loader.LoadFiles([]string{path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return eval.NewEngine(accts...)
}

// escalationIDs maps each principal's name to the sorted catalogue ids of its paths.
func escalationIDs(e *eval.Engine) map[string][]string {
	out := map[string][]string{}
	for _, p := range e.Principals() {
		seen := map[string]bool{}
		for _, esc := range e.Paths(p) {
			if !seen[esc.Path.ID] {
				seen[esc.Path.ID] = true
				out[p.Entity.Name()] = append(out[p.Entity.Name()], esc.Path.ID)
			}
		}
		sort.Strings(out[p.Entity.Name()])
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestVulnerableAccountPaths(t *testing.T) {
	e := loadEngine(t, vulnerablePath(t))
	got := escalationIDs(e)
	for base, want := range vulnerableExpect {
		for _, suffix := range []string{"-user", "-role"} {
			name := base + suffix
			if want == nil {
				if len(got[name]) > 0 {
					t.Errorf("%s must not be flagged, got %v", name, got[name])
				}
				continue
			}
			for _, id := range want {
				if !contains(got[name], id) {
					t.Errorf("%s: %s not found (got %v)", name, id, got[name])
				}
			}
		}
	}
	for base, only := range vulnerableOnly {
		for _, id := range only.ids {
			if !contains(got[base+"-"+only.kind], id) {
				t.Errorf("%s-%s: %s not found (got %v)", base, only.kind, id, got[base+"-"+only.kind])
			}
		}
	}
}

// TestVulnerableAccountRoleChain follows the three-hop chain the account deploys: an SSO
// administrator session (named in the first trust policy by its session ARN) assumes
// privesc-AssumeRole-starting-role, then -intermediate-role, then -ending-role.
func TestVulnerableAccountRoleChain(t *testing.T) {
	e := loadEngine(t, vulnerablePath(t))
	var sso *eval.Principal
	for _, p := range e.Principals() {
		if strings.HasPrefix(p.Entity.Name(), "AWSReservedSSO_AdministratorAccess_") {
			sso = p
		}
	}
	if sso == nil {
		t.Fatal("no SSO administrator role")
	}
	var chain []string
	for _, r := range e.RoleChains(sso, nil, eval.Discovery) {
		if r.Role.Entity.Name() == "privesc-AssumeRole-ending-role" {
			for _, h := range r.Path {
				chain = append(chain, h.To[strings.LastIndexByte(h.To, '/')+1:])
			}
			if !r.Conditional() || !strings.Contains(r.Conditions()[0].String(), "sts:RoleSessionName [deployer@example.com]") {
				t.Errorf("the first hop needs the session name the trust policy names: %v", r.Conditions())
			}
		}
	}
	want := "privesc-AssumeRole-starting-role>privesc-AssumeRole-intermediate-role>privesc-AssumeRole-ending-role"
	if strings.Join(chain, ">") != want {
		t.Errorf("chain %v, want %s", chain, want)
	}
}

// TestVulnerableAccountRenamed renames every user, group, role and customer policy of the
// account everywhere (name fields, ARNs, trust and policy documents, wildcard patterns) with a
// letter-and-digit rotation, which keeps prefixes (so `policy/fn2-*` still covers what it
// covered), and checks that the engine finds the same paths for the same principals: it
// decides by permissions, not by names.
func TestVulnerableAccountRenamed(t *testing.T) {
	path := vulnerablePath(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	renamedDoc := renameNames(doc, "")
	out, err := json.Marshal(renamedDoc)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "privesc") || !strings.Contains(string(out), "AdministratorAccess") {
		t.Fatal("renaming missed a name, or renamed an AWS managed policy")
	}
	renamedPath := filepath.Join(t.TempDir(), "renamed.json")
	if err := os.WriteFile(renamedPath, out, 0o600); err != nil {
		t.Fatal(err)
	}
	want, got := escalationIDs(loadEngine(t, path)), escalationIDs(loadEngine(t, renamedPath))
	if len(got) != len(want) {
		t.Errorf("%d principals with paths, want %d", len(got), len(want))
	}
	flagged := 0
	for name, ids := range want {
		if g := got[rotate(name)]; strings.Join(g, ",") != strings.Join(ids, ",") {
			t.Errorf("%s (renamed %s): got %v, want %v", name, rotate(name), g, ids)
		}
		if len(ids) > 0 {
			flagged++
		}
	}
	if flagged < 60 {
		t.Errorf("only %d principals flagged", flagged)
	}
}

// rotate maps letters by 13 and digits by 5: a bijection that keeps prefixes and wildcards.
func rotate(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return 'a' + (r-'a'+13)%26
		case r >= 'A' && r <= 'Z':
			return 'A' + (r-'A'+13)%26
		case r >= '0' && r <= '9':
			return '0' + (r-'0'+5)%10
		}
		return r
	}, s)
}

// nameFields hold a bare user, group, role or policy name.
var nameFields = map[string]bool{"UserName": true, "RoleName": true, "GroupName": true, "PolicyName": true, "GroupList": true, "InstanceProfileName": true}

// renameNames walks a decoded dump and rotates every name of the account's own entities: name
// fields, and the name part of IAM and STS ARNs (a role session ARN's role too). AWS managed
// policies keep their names, and paths are kept (they mark service-linked roles).
func renameNames(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		aws := false
		if arn, ok := x["PolicyArn"].(string); ok && strings.HasPrefix(arn, "arn:aws:iam::aws:") {
			aws = true
		}
		if arn, ok := x["Arn"].(string); ok && strings.HasPrefix(arn, "arn:aws:iam::aws:") {
			aws = true
		}
		for k, val := range x {
			if aws && k == "PolicyName" {
				continue
			}
			x[k] = renameNames(val, k)
		}
		return x
	case []any:
		for i := range x {
			x[i] = renameNames(x[i], key)
		}
		return x
	case string:
		if nameFields[key] {
			return rotate(x)
		}
		return renameARN(x)
	}
	return v
}

func renameARN(s string) string {
	a, err := model.ParseARN(s)
	if err != nil || a.Account == "aws" || (a.Service != "iam" && a.Service != "sts") {
		return s
	}
	if role, session, ok := strings.Cut(strings.TrimPrefix(a.Resource, "assumed-role/"), "/"); ok && strings.HasPrefix(a.Resource, "assumed-role/") {
		a.Resource = "assumed-role/" + rotate(role) + "/" + session
		return a.String()
	}
	i := strings.LastIndexByte(a.Resource, '/')
	if i < 0 {
		return s
	}
	a.Resource = a.Resource[:i+1] + rotate(a.Resource[i+1:])
	return a.String()
}
