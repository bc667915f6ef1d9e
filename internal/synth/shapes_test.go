package synth

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/model"
)

// TestSparseIsUnchanged checks that the Sparse shape writes, byte for byte, the file it wrote
// before shapes were added (the SHA-256 of the file at commit 1cc93b4), so that benchmarks
// and answers measured on it stay comparable across commits.
func TestSparseIsUnchanged(t *testing.T) {
	opts := Options{Roles: 300, Users: 100, Policies: 120, Seed: 7}
	for _, shape := range []Shape{"", Sparse} {
		opts.Shape = shape
		sum := sha256.Sum256(generate(t, opts))
		if got := hex.EncodeToString(sum[:]); got != "a56a23416c51afc389fb5538ddff9e06676a0f90aac00bd3061c2d1436a70a97" {
			t.Errorf("shape %q: the sparse account changed (SHA-256 %s)", shape, got)
		}
	}
}

// TestDenseShape checks the Dense shape's trust against its description: the share of each
// kind of trust, the share of principals that may assume any role, and that principals reach
// hundreds of roles through chains, as the engine finds them.
func TestDenseShape(t *testing.T) {
	opts := Options{Roles: 2000, Users: 600, Policies: 1200, Seed: 3, Shape: Dense}
	raw := generate(t, opts)
	d := decode(t, raw)
	kinds := map[string]int{}
	for _, r := range d.RoleDetailList {
		kinds[trustKindOf(r.AssumeRolePolicyDocument.Statement[0].Principal)]++
	}
	want := map[string]float64{"service": 0.40, "role": 0.25, "root": 0.15, "outside": 0.12, "saml": 0.08}
	for k, share := range want {
		if got := float64(kinds[k]) / float64(len(d.RoleDetailList)); math.Abs(got-share) > 0.03 {
			t.Errorf("%s trust: %.3f of roles, want %.2f ± 0.03 (%v)", k, got, share, kinds)
		}
	}
	holders, principals := 0, len(d.UserDetailList)+len(d.RoleDetailList)
	for _, u := range d.UserDetailList {
		holders += assumesAny(u.UserPolicyList)
	}
	for _, r := range d.RoleDetailList {
		holders += assumesAny(r.RolePolicyList)
	}
	if got := float64(holders) / float64(principals); math.Abs(got-0.40) > 0.03 {
		t.Errorf("%.3f of principals may assume any role, want 0.40 ± 0.03", got)
	}

	accts := loadBytes(t, raw)
	e := eval.NewEngine(accts...)
	most := 0
	for _, p := range e.Principals()[:200] {
		most = max(most, len(e.RoleChains(p, nil, eval.Discovery)))
	}
	if most < 300 {
		t.Errorf("the best-connected of the first 200 principals reaches %d roles, want hundreds", most)
	}
	t.Logf("trust %v; %d of %d principals may assume any role; one reaches %d roles", kinds, holders, principals, most)
}

// TestHostileShapes checks the RootTrust and WideTrust shapes: their counts, and that the engine
// reads what they say.
func TestHostileShapes(t *testing.T) {
	raw := generate(t, Options{Roles: 50, Users: 1, Seed: 1, Shape: RootTrust})
	d := decode(t, raw)
	if len(d.RoleDetailList) != 50 || len(d.UserDetailList) != 1 || len(d.Policies) != 0 {
		t.Fatalf("root-trust: %d roles, %d users, %d policies", len(d.RoleDetailList), len(d.UserDetailList), len(d.Policies))
	}
	e := eval.NewEngine(loadBytes(t, raw)...)
	user, _ := e.Principal(d.UserDetailList[0].Arn)
	if got := len(e.RoleChains(user, nil, eval.Strict)); got != 50 {
		t.Errorf("root-trust: the user reaches %d roles, want all 50", got)
	}

	raw = generate(t, Options{Roles: 3, Users: 1, Seed: 1, Shape: WideTrust, TrustedAccounts: 1000})
	d = decode(t, raw)
	outside, _ := d.RoleDetailList[0].AssumeRolePolicyDocument.Statement[0].Principal["AWS"].([]any)
	if d.RoleDetailList[0].RoleName != "wide-trust" || len(outside) != 1000 {
		t.Fatalf("wide-trust: role %q trusts %d accounts", d.RoleDetailList[0].RoleName, len(outside))
	}
	e = eval.NewEngine(loadBytes(t, raw)...)
	parties := e.WhoCan("sts:AssumeRole", d.RoleDetailList[0].Arn, nil, eval.Strict)
	accounts := 0
	for _, g := range parties {
		if g.Kind == "account" {
			accounts++
		}
	}
	if accounts != 1000 {
		t.Errorf("who-can sts:AssumeRole on wide-trust lists %d outside accounts, want 1000", accounts)
	}

	for _, bad := range []Options{
		{Roles: 1, Shape: "fractal"},
		{Roles: 1, Shape: WideTrust},
		{Roles: 1, Policies: 3, Shape: RootTrust},
	} {
		if err := Generate(&strings.Builder{}, bad); err == nil {
			t.Errorf("%+v was accepted", bad)
		}
	}
}

// trustKindOf names whom a trust statement's Principal admits, in the Dense shape's terms.
func trustKindOf(p map[string]any) string {
	if p["Service"] != nil {
		return "service"
	}
	if p["Federated"] != nil {
		return "saml"
	}
	aws, _ := p["AWS"].(string)
	for _, id := range partnerAccounts {
		if strings.Contains(aws, "::"+id+":") {
			return "outside"
		}
	}
	switch {
	case strings.Contains(aws, ":role/"):
		return "role"
	case strings.HasSuffix(aws, ":root"):
		return "root"
	}
	return "other: " + aws
}

// assumesAny is 1 if the inline policies include the Dense shape's assume-any-role policy.
func assumesAny(list []inlinePolicy) int {
	for _, p := range list {
		if p.PolicyName == "assume-any-role" {
			return 1
		}
	}
	return 0
}

// loadBytes loads a generated file with the loader, as iamscope reads a dump.
func loadBytes(t *testing.T, raw []byte) []*model.Account {
	t.Helper()
	path := filepath.Join(t.TempDir(), "account.json")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	accts, err := loader.LoadFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return accts
}
