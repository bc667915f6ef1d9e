package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/model"
)

// small is an account big enough to hold every feature and quick to check.
var small = Options{Roles: 600, Users: 200, Policies: 400, Seed: 7}

func generate(t testing.TB, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Generate(&buf, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// defaultAccount is the default account, generated once for the tests that need it.
var defaultAccount = sync.OnceValues(func() ([]byte, error) {
	var buf bytes.Buffer
	err := Generate(&buf, DefaultOptions())
	return buf.Bytes(), err
})

func decode(t *testing.T, raw []byte) *authzDetails {
	t.Helper()
	if !json.Valid(raw) {
		t.Fatal("the output is not valid JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var d authzDetails
	if err := dec.Decode(&d); err != nil {
		t.Fatal(err)
	}
	return &d
}

// TestDefaultSize checks that the default account is the size the benchmarks are planned for.
func TestDefaultSize(t *testing.T) {
	raw, err := defaultAccount()
	if err != nil {
		t.Fatal(err)
	}
	const lo, hi = 15 << 20, 20 << 20
	if len(raw) < lo || len(raw) > hi {
		t.Errorf("the default account is %.1f MB, want %d to %d MB", float64(len(raw))/(1<<20), lo>>20, hi>>20)
	}
	d := decode(t, raw)
	if len(d.RoleDetailList) != 5000 || len(d.UserDetailList) != 1500 || len(d.Policies) != 3000 || len(d.GroupDetailList) != 100 {
		t.Errorf("counts: %d roles, %d users, %d policies, %d groups", len(d.RoleDetailList), len(d.UserDetailList), len(d.Policies), len(d.GroupDetailList))
	}
}

// TestCounts checks that the counts asked for are the counts written, for several shapes.
func TestCounts(t *testing.T) {
	for _, o := range []Options{small, {Roles: 3, Users: 0, Policies: 0}, {Roles: 0, Users: 20, Policies: 5, Groups: 4}, {Roles: 50, Users: 1, Policies: 1}} {
		d := decode(t, generate(t, o))
		if len(d.RoleDetailList) != o.Roles || len(d.UserDetailList) != o.Users || len(d.Policies) != o.Policies || len(d.GroupDetailList) != o.groups() {
			t.Errorf("%+v: got %d roles, %d users, %d policies, %d groups", o, len(d.RoleDetailList), len(d.UserDetailList), len(d.Policies), len(d.GroupDetailList))
		}
	}
}

// TestDeterministic checks that a seed gives the same file, and another seed another file.
func TestDeterministic(t *testing.T) {
	a, b := generate(t, small), generate(t, small)
	if !bytes.Equal(a, b) {
		t.Error("the same options gave different files")
	}
	other := small
	other.Seed++
	if bytes.Equal(a, generate(t, other)) {
		t.Error("another seed gave the same file")
	}
}

// forEachDocument calls f with every policy document of the file and the kind it is.
func forEachDocument(d *authzDetails, f func(where string, doc *document, kind model.Kind)) {
	boundaries := map[string]bool{}
	for _, u := range d.UserDetailList {
		if u.PermissionsBoundary != nil {
			boundaries[u.PermissionsBoundary.PermissionsBoundaryArn] = true
		}
		for _, p := range u.UserPolicyList {
			f(u.Arn+" "+p.PolicyName, p.PolicyDocument, model.KindIdentity)
		}
	}
	for _, g := range d.GroupDetailList {
		for _, p := range g.GroupPolicyList {
			f(g.Arn+" "+p.PolicyName, p.PolicyDocument, model.KindIdentity)
		}
	}
	for _, r := range d.RoleDetailList {
		if r.PermissionsBoundary != nil {
			boundaries[r.PermissionsBoundary.PermissionsBoundaryArn] = true
		}
		f(r.Arn+" trust policy", r.AssumeRolePolicyDocument, model.KindTrust)
		for _, p := range r.RolePolicyList {
			f(r.Arn+" "+p.PolicyName, p.PolicyDocument, model.KindIdentity)
		}
		for _, ip := range r.InstanceProfileList {
			for _, pr := range ip.Roles {
				f(ip.Arn+" "+pr.RoleName, pr.AssumeRolePolicyDocument, model.KindTrust)
			}
		}
	}
	for _, p := range d.Policies {
		kind := model.KindIdentity
		if boundaries[p.Arn] {
			kind = model.KindBoundary
		}
		for _, v := range p.PolicyVersionList {
			f(p.Arn+" "+v.VersionID, v.Document, kind)
		}
	}
}

// TestDocumentsParse parses every policy document with the model's parser and checks it for
// its kind.
func TestDocumentsParse(t *testing.T) {
	d := decode(t, generate(t, small))
	n := 0
	forEachDocument(d, func(where string, doc *document, kind model.Kind) {
		n++
		raw, err := json.Marshal(doc)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		p, err := model.ParsePolicy(raw)
		if err != nil {
			t.Errorf("%s: %v", where, err)
			return
		}
		if err := p.Check(kind); err != nil {
			t.Errorf("%s: %v", where, err)
		}
	})
	if n < 1500 {
		t.Errorf("only %d documents", n)
	}
}

// TestConsistent checks what a real dump guarantees: unique names and ids, ARNs that match
// names and paths, one default version per policy, attachment counts that match, references
// that resolve.
func TestConsistent(t *testing.T) {
	d := decode(t, generate(t, small))
	ids := map[string]bool{}
	unique := func(kind, arn, name, path, id string) {
		t.Helper()
		if ids[id] || ids[strings.ToLower(kind+name)] {
			t.Errorf("%s %s: name or id %s repeats", kind, name, id)
		}
		ids[id], ids[strings.ToLower(kind+name)] = true, true
		if !strings.HasSuffix(arn, ":"+kind+path+name) || !strings.HasPrefix(path, "/") || !strings.HasSuffix(path, "/") {
			t.Errorf("%s %s: ARN %s, path %s", kind, name, arn, path)
		}
	}
	attached, bounding := map[string]int{}, map[string]int{}
	policies := map[string]bool{}
	groups := map[string]bool{}
	for _, p := range d.Policies {
		unique("policy", p.Arn, p.PolicyName, p.Path, p.PolicyID)
		policies[p.Arn] = true
		defaults := 0
		for _, v := range p.PolicyVersionList {
			if v.IsDefaultVersion {
				defaults++
				if v.VersionID != p.DefaultVersionID {
					t.Errorf("%s: default version %s, DefaultVersionId %s", p.Arn, v.VersionID, p.DefaultVersionID)
				}
			}
		}
		if defaults != 1 || len(p.PolicyVersionList) < 1 || len(p.PolicyVersionList) > 5 {
			t.Errorf("%s: %d versions, %d defaults", p.Arn, len(p.PolicyVersionList), defaults)
		}
	}
	count := func(owner string, list []attachedPolicy, b *boundary) {
		for _, ap := range list {
			switch {
			case policies[ap.PolicyArn]:
				attached[ap.PolicyArn]++
			case !strings.HasPrefix(ap.PolicyArn, "arn:aws:iam::aws:policy/"):
				t.Errorf("%s: attached policy %s is not in the file", owner, ap.PolicyArn)
			}
		}
		if b != nil {
			if !policies[b.PermissionsBoundaryArn] {
				t.Errorf("%s: boundary %s is not in the file", owner, b.PermissionsBoundaryArn)
			}
			bounding[b.PermissionsBoundaryArn]++
		}
	}
	for _, g := range d.GroupDetailList {
		unique("group", g.Arn, g.GroupName, g.Path, g.GroupID)
		groups[g.GroupName] = true
		count(g.Arn, g.AttachedManagedPolicies, nil)
	}
	for _, u := range d.UserDetailList {
		unique("user", u.Arn, u.UserName, u.Path, u.UserID)
		count(u.Arn, u.AttachedManagedPolicies, u.PermissionsBoundary)
		for _, g := range u.GroupList {
			if !groups[g] {
				t.Errorf("%s: member of %s, which is not in the file", u.Arn, g)
			}
		}
	}
	for _, r := range d.RoleDetailList {
		unique("role", r.Arn, r.RoleName, r.Path, r.RoleID)
		count(r.Arn, r.AttachedManagedPolicies, r.PermissionsBoundary)
	}
	for _, p := range d.Policies {
		if p.AttachmentCount != attached[p.Arn] || p.PermissionsBoundaryUsageCount != bounding[p.Arn] {
			t.Errorf("%s: AttachmentCount %d, PermissionsBoundaryUsageCount %d; the file attaches it %d and bounds with it %d times",
				p.Arn, p.AttachmentCount, p.PermissionsBoundaryUsageCount, attached[p.Arn], bounding[p.Arn])
		}
	}
}

// TestFeatures checks that the account holds every feature the loader and engine must meet.
func TestFeatures(t *testing.T) {
	d := decode(t, generate(t, small))
	seen := map[string]int{}
	forEachDocument(d, func(where string, doc *document, kind model.Kind) {
		raw, _ := json.Marshal(doc)
		s := string(raw)
		for _, f := range []string{`"NotAction"`, `"NotResource"`, `"Deny"`, `"Condition"`, `:*"`, `${aws:`,
			`token.actions.githubusercontent.com:sub`, `oidc.eks.`, `saml-provider/`, `sts:ExternalId`, `"Service"`,
			`:root"`, `/chain/`, `aws:MultiFactorAuthPresent`, `IpAddress`, `ForAnyValue:`, `IfExists`} {
			if strings.Contains(s, f) {
				seen[f]++
			}
		}
	})
	for _, f := range []string{`"NotAction"`, `"NotResource"`, `"Deny"`, `"Condition"`, `:*"`, `${aws:`,
		`token.actions.githubusercontent.com:sub`, `oidc.eks.`, `saml-provider/`, `sts:ExternalId`, `"Service"`,
		`:root"`, `/chain/`, `aws:MultiFactorAuthPresent`, `IpAddress`, `ForAnyValue:`, `IfExists`} {
		if seen[f] == 0 {
			t.Errorf("no document holds %s", f)
		}
	}
	var notNewest, multi, withBoundary, profiles, lastUsed int
	for _, p := range d.Policies {
		if len(p.PolicyVersionList) > 1 {
			multi++
			if !p.PolicyVersionList[0].IsDefaultVersion {
				notNewest++
			}
		}
	}
	for _, r := range d.RoleDetailList {
		if r.PermissionsBoundary != nil {
			withBoundary++
		}
		profiles += len(r.InstanceProfileList)
		if r.RoleLastUsed.LastUsedDate != "" {
			lastUsed++
		}
	}
	if multi < len(d.Policies)/3 || notNewest == 0 || withBoundary == 0 || profiles == 0 || lastUsed == 0 || lastUsed == len(d.RoleDetailList) {
		t.Errorf("policies with several versions %d (default not the newest %d), roles with a boundary %d, instance profiles %d, roles used %d",
			multi, notNewest, withBoundary, profiles, lastUsed)
	}
}

// TestCatalogNames checks that the actions and AWS managed policies the generator uses exist.
func TestCatalogNames(t *testing.T) {
	for _, svc := range services {
		for _, a := range svc.actions {
			if _, ok := catalog.LookupAction(svc.prefix + ":" + a); !ok {
				t.Errorf("%s:%s is not in the action catalog", svc.prefix, a)
			}
		}
	}
	for _, arn := range awsManaged {
		if _, ok := catalog.LookupManagedPolicy(arn); !ok {
			t.Errorf("%s is not in the managed policy catalog", arn)
		}
	}
	for _, sp := range servicePrincipals {
		if _, ok := catalog.LookupManagedPolicy(sp.managed); sp.managed != "" && !ok {
			t.Errorf("%s is not in the managed policy catalog", sp.managed)
		}
	}
}

func TestOptionErrors(t *testing.T) {
	for _, o := range []Options{{Roles: -1}, {Users: 0, Groups: 3}, {Roles: 1, AccountID: "12345"}} {
		if err := Generate(&bytes.Buffer{}, o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	if err := Generate(failingWriter{}, small); err == nil || !strings.Contains(err.Error(), "writing the account") {
		t.Errorf("a failing writer: %v", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("disk full") }
