package demo

import (
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/model"
)

// The demo data's own checks: it loads, every policy is valid for its kind, every reference
// resolves, and it is plain text with plain names.

func TestAccounts(t *testing.T) {
	accts, err := Accounts()
	if err != nil {
		t.Fatal(err)
	}
	if len(accts) != 2 || accts[0].ID != MainAccountID || accts[1].ID != PartnerAccountID {
		t.Fatalf("got %d accounts, want tidewater-prod then keystone-assurance", len(accts))
	}
	loaded := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	for _, a := range accts {
		if a.Source != Source || !a.LoadedAt.Equal(loaded) || a.Partial() {
			t.Errorf("%s: source %q, loaded at %v, warnings %v", a.ID, a.Source, a.LoadedAt, a.Warnings)
		}
	}
	main := accts[0]
	if n := [4]int{len(main.Users), len(main.Groups), len(main.Roles), len(main.ResourcePolicies)}; n != [4]int{13, 6, 14, 7} {
		t.Errorf("tidewater-prod: users, groups, roles, resource policies = %v", n)
	}
	if main.Organization == nil || len(main.Organization.Levels) != 3 {
		t.Fatalf("tidewater-prod: want an organization of root, OU and account levels")
	}
	// The story's management account (docs/demo-account.md) is not loaded: the SCPs bind
	// tidewater-prod.
	if org := main.Organization; org.ManagementAccountID != "100200300400" || org.IsManagement(main.ID) {
		t.Errorf("tidewater-prod: management account %q, want 100200300400", org.ManagementAccountID)
	}
	if accts[1].Organization != nil {
		t.Errorf("keystone-assurance: want no organization")
	}

	// AWS managed policies come from the catalog, whole.
	admin, ok := main.Policy("arn:aws:iam::aws:policy/AdministratorAccess")
	if !ok || !admin.AWSManaged || !admin.FromCatalog || admin.Default() == nil {
		t.Errorf("AdministratorAccess: want an AWS managed policy from the catalog, got %+v", admin)
	}

	// Fresh each call: changing one result does not change the next.
	main.Users[0].Name = "changed"
	again, err := Accounts()
	if err != nil {
		t.Fatal(err)
	}
	if again[0].Users[0].Name == "changed" {
		t.Error("Accounts returns shared data")
	}
}

// TestPoliciesValid checks every policy document for its kind and compiles it.
func TestPoliciesValid(t *testing.T) {
	accts, err := Accounts()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	check := func(where string, p *model.Policy, kind model.Kind) {
		t.Helper()
		n++
		if p == nil {
			t.Errorf("%s: no document", where)
			return
		}
		if err := p.Check(kind); err != nil {
			t.Errorf("%s: %v", where, err)
		}
		if _, err := eval.Compile(where, p); err != nil {
			t.Errorf("%s: %v", where, err)
		}
	}
	for _, a := range accts {
		boundaries := map[string]bool{}
		for _, u := range a.Users {
			boundaries[u.Boundary] = true
			for _, ip := range u.InlinePolicies {
				check(u.ARN+" "+ip.Name, ip.Document, model.KindIdentity)
			}
		}
		for _, g := range a.Groups {
			for _, ip := range g.InlinePolicies {
				check(g.ARN+" "+ip.Name, ip.Document, model.KindIdentity)
			}
		}
		for _, r := range a.Roles {
			boundaries[r.Boundary] = true
			check(r.ARN+" trust policy", r.TrustPolicy, model.KindTrust)
			for _, ip := range r.InlinePolicies {
				check(r.ARN+" "+ip.Name, ip.Document, model.KindIdentity)
			}
		}
		for _, mp := range a.Policies {
			kind := model.KindIdentity
			if boundaries[mp.ARN] {
				kind = model.KindBoundary
			}
			defaults := 0
			for _, v := range mp.Versions {
				check(mp.ARN+" "+v.ID, v.Document, kind)
				if v.IsDefault {
					defaults++
				}
			}
			if defaults != 1 || mp.Default() == nil {
				t.Errorf("%s: %d default versions", mp.ARN, defaults)
			}
		}
		for _, rp := range a.ResourcePolicies {
			check(rp.ResourceARN, rp.Document, model.KindResource)
		}
		if a.Organization != nil {
			for _, l := range a.Organization.Levels {
				for _, p := range l.SCPs {
					check(l.Name+" "+p.Name, p.Document, model.KindSCP)
				}
			}
		}
	}
	if n < 50 {
		t.Errorf("checked %d policies, expected more", n)
	}
}

// TestReferencesResolve checks that every user or role a policy names as a principal, inside
// the demo's accounts, exists.
func TestReferencesResolve(t *testing.T) {
	accts, err := Accounts()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*model.Account{}
	for _, a := range accts {
		byID[a.ID] = a
	}
	resolve := func(where string, p *model.Policy) {
		for _, s := range p.Statements {
			if s.Principal == nil {
				continue
			}
			for _, v := range append(append([]string{}, s.Principal.AWS...), s.Principal.Federated...) {
				arn, err := model.ParseARN(v)
				if err != nil || arn.Service != "iam" || arn.Resource == "root" || strings.HasPrefix(arn.Resource, "oidc-provider/") {
					continue
				}
				a, loaded := byID[arn.Account]
				if !loaded {
					continue
				}
				if _, ok := a.Entity(v); !ok {
					t.Errorf("%s names %s, which is not in account %s", where, v, a.ID)
				}
			}
		}
	}
	for _, a := range accts {
		for _, r := range a.Roles {
			resolve(r.ARN+" trust policy", r.TrustPolicy)
		}
		for _, rp := range a.ResourcePolicies {
			resolve(rp.ResourceARN, rp.Document)
		}
	}
}

var (
	plainName = regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]+$`)
	plainPath = regexp.MustCompile(`^/([A-Za-z0-9+=,.@_-]+/)*$`)
	uniqueID  = regexp.MustCompile(`^(AIDA|AGPA|AROA|ANPA)[A-Z0-9]{17}$`)
	keyID     = regexp.MustCompile(`^AKIA[A-Z0-9]{16}$`)
)

// TestPlainData checks names, paths and ids against IAM's rules, and the embedded files for
// control characters.
func TestPlainData(t *testing.T) {
	accts, err := Accounts()
	if err != nil {
		t.Fatal(err)
	}
	before, err := Before()
	if err != nil {
		t.Fatal(err)
	}
	accts = append(accts, before...)
	entity := func(kind, arn, name, path, id string) {
		t.Helper()
		if !plainName.MatchString(name) || !plainPath.MatchString(path) || !uniqueID.MatchString(id) {
			t.Errorf("%s %s: name %q, path %q or id %q is not plain", kind, arn, name, path, id)
		}
		if !strings.HasSuffix(arn, ":"+kind+path+name) {
			t.Errorf("%s %s: the ARN does not end in %s%s%s", kind, arn, kind, path, name)
		}
	}
	for _, a := range accts {
		for _, u := range a.Users {
			entity("user", u.ARN, u.Name, u.Path, u.ID)
			for _, k := range u.AccessKeys {
				if !keyID.MatchString(k.ID) {
					t.Errorf("user %s: access key id %q", u.Name, k.ID)
				}
			}
		}
		for _, g := range a.Groups {
			entity("group", g.ARN, g.Name, g.Path, g.ID)
		}
		for _, r := range a.Roles {
			entity("role", r.ARN, r.Name, r.Path, r.ID)
		}
		for _, p := range a.Policies {
			if !p.AWSManaged {
				entity("policy", p.ARN, p.Name, p.Path, p.ID)
			}
		}
	}
	files, err := fs.Glob(data, "data/*")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(files) != fmt.Sprint([]string{"data/keystone.json", "data/tidewater-before.json", "data/tidewater.json"}) {
		t.Errorf("embedded files %v; list every one in files or beforeFiles", files)
	}
	for _, f := range files {
		raw, err := data.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range raw {
			if b < 0x20 && b != '\n' || b == 0x7f {
				t.Errorf("%s: control character %#x at byte %d", f, b, i)
				break
			}
		}
	}
}
