package loader

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/internal/corpus"
	"github.com/iamscope/iamscope/model"
)

// The dumps in loader/testdata/accounts.
const (
	dumpAWSCLI     = "awscli-example-authz-details.json"
	dumpCloudMap   = "cloudmapper-demo-authz-details.json"
	dumpSmall      = "cloudsplaining-example-authz-details-small.json"
	dumpVulnerable = "cloudsplaining-example-iam-vulnerable-account.json"
	dirCloudMapRP  = "cloudmapper-demo-resource-policies"
)

func accountsPath(t testing.TB, name string) string {
	t.Helper()
	p, err := corpus.Account(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// jsonCounts counts a dump's entries by walking its JSON generically, apart from the loader's
// code: users, groups, roles, policies, policy versions, and the AWS managed policies that are
// attached (or boundaries) but not in the file.
type jsonCounts struct {
	users, groups, roles, policies, versions int
	missingAWS                               []string
}

func countDump(t *testing.T, path string) jsonCounts {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	list := func(key string) []any { l, _ := v[key].([]any); return l }
	c := jsonCounts{users: len(list("UserDetailList")), groups: len(list("GroupDetailList")), roles: len(list("RoleDetailList")), policies: len(list("Policies"))}
	have := map[string]bool{}
	for _, p := range list("Policies") {
		pm := p.(map[string]any)
		have[pm["Arn"].(string)] = true
		c.versions += len(pm["PolicyVersionList"].([]any))
	}
	var walk func(x any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			for k, val := range x {
				if k == "PolicyArn" || k == "PermissionsBoundaryArn" {
					arn := val.(string)
					if strings.Contains(arn, ":iam::aws:policy/") && !have[arn] && !slices.Contains(c.missingAWS, arn) {
						c.missingAWS = append(c.missingAWS, arn)
					}
				}
				walk(val)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	slices.Sort(c.missingAWS)
	return c
}

func loadOne(t *testing.T, paths ...string) *model.Account {
	t.Helper()
	accounts, err := LoadFiles(paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) != 1 {
		t.Fatalf("got %d accounts, want 1", len(accounts))
	}
	return accounts[0]
}

func versions(a *model.Account, fromCatalog bool) (policies, versions int) {
	for _, p := range a.Policies {
		if p.FromCatalog == fromCatalog {
			policies++
			versions += len(p.Versions)
		}
	}
	return
}

func catalogARNs(a *model.Account) []string {
	var out []string
	for _, p := range a.Policies {
		if p.FromCatalog {
			out = append(out, p.ARN)
		}
	}
	slices.Sort(out)
	return out
}

func warningTexts(a *model.Account) []string {
	out := make([]string, len(a.Warnings))
	for i, w := range a.Warnings {
		out[i] = w.String()
	}
	return out
}

// TestDumps loads each dump and checks its counts against a generic walk of its JSON, and the
// warnings each one's quirks give.
func TestDumps(t *testing.T) {
	tests := []struct {
		file     string
		account  string
		profiles int
		// warnings are substrings, one per warning, in order.
		warnings []string
	}{
		{dumpAWSCLI, "123456789012", 1, []string{
			dumpAWSCLI + ":73:34 GroupDetailList[0].AttachedManagedPolicies: is an object, not a list; read as a list of one",
			dumpAWSCLI + ":85:34 GroupDetailList[1].AttachedManagedPolicies: is an object, not a list; read as a list of one",
			dumpAWSCLI + `: IsTruncated is true (Marker "EXAMPLEkakv9BCuUNFDtxWSy…"): this is one page of a longer listing`,
			"unique id AIDA1234567890EXAMPLE is carried by 6 entities",
		}},
		{dumpCloudMap, "123456789012", 0, []string{
			dumpCloudMap + `:25:21 Policies[0].Path: "/job-function/" disagrees with the ARN arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM; the ARN's path "/service-role/" is kept`,
			dumpCloudMap + `: 3 ARNs name the account "aws", not 123456789012`,
			"unique id AROAIBATWWYQXZTTALNCE is carried by 2 entities (arn:aws:iam::123456789012:role/bad_role, arn:aws:iam::123456789012:role/service-role/level1)",
		}},
		{dumpSmall, "012345678901", 1, nil},
		{dumpVulnerable, "200611803367", 2, []string{
			dumpVulnerable + `: 11 ARNs name the account "012345678901", not 200611803367`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := accountsPath(t, tt.file)
			want := countDump(t, path)
			a := loadOne(t, path)
			if a.ID != tt.account {
				t.Errorf("ID = %q, want %q", a.ID, tt.account)
			}
			if a.Source != "file:"+path {
				t.Errorf("Source = %q", a.Source)
			}
			if a.LoadedAt.IsZero() {
				t.Error("LoadedAt is zero")
			}
			filePolicies, fileVersions := versions(a, false)
			got := [5]int{len(a.Users), len(a.Groups), len(a.Roles), filePolicies, fileVersions}
			wantN := [5]int{want.users, want.groups, want.roles, want.policies, want.versions}
			if got != wantN {
				t.Errorf("users, groups, roles, policies, versions = %v, want %v", got, wantN)
			}
			if got := catalogARNs(a); !slices.Equal(got, want.missingAWS) {
				t.Errorf("policies from the catalog = %v, want %v", got, want.missingAWS)
			}
			if len(a.InstanceProfiles) != tt.profiles {
				t.Errorf("%d instance profiles, want %d", len(a.InstanceProfiles), tt.profiles)
			}
			texts := warningTexts(a)
			if len(texts) != len(tt.warnings) {
				t.Errorf("%d warnings, want %d:\n%s", len(texts), len(tt.warnings), strings.Join(texts, "\n"))
			}
			for i := range min(len(texts), len(tt.warnings)) {
				if !strings.Contains(texts[i], tt.warnings[i]) {
					t.Errorf("warning %d:\n got %s\nwant …%s…", i, texts[i], tt.warnings[i])
				}
			}
			for _, p := range a.Policies {
				if p.Default() == nil {
					t.Errorf("policy %s has no default version", p.ARN)
				}
			}
		})
	}
}

// TestDumpDetails checks fields of the largest dump that the counts do not reach.
func TestDumpDetails(t *testing.T) {
	a := loadOne(t, accountsPath(t, dumpVulnerable))
	mp, ok := a.Policy("arn:aws:iam::aws:policy/AWSCodeCommitPowerUser")
	if !ok {
		t.Fatal("AWSCodeCommitPowerUser missing")
	}
	if len(mp.Versions) != 2 || mp.Default() == nil || mp.DefaultVersion == "" {
		t.Fatalf("AWSCodeCommitPowerUser: %d versions, default %q", len(mp.Versions), mp.DefaultVersion)
	}
	defaults := 0
	for _, v := range mp.Versions {
		if v.IsDefault {
			defaults++
			if v.ID != mp.DefaultVersion {
				t.Errorf("version %s marked default, DefaultVersion %s", v.ID, mp.DefaultVersion)
			}
		}
	}
	if defaults != 1 {
		t.Errorf("%d default versions", defaults)
	}

	es := a.Find("AWS-QuickSetup-EnableCRecording-1clff_ap-northeast-1")
	if len(es) != 1 || es[0].Kind != model.EntityRole {
		t.Fatalf("Find role: %v", es)
	}
	r := es[0].Role
	if r.LastUsed == nil || r.LastUsed.Format("2006-01-02 15:04:05") != "2022-08-07 12:56:48" || r.LastUsedRegion != "us-east-1" {
		t.Errorf("LastUsed = %v %q", r.LastUsed, r.LastUsedRegion)
	}
	if r.CreateDate.Format("2006-01-02T15:04:05Z07:00") != "2022-08-07T12:55:43Z" {
		t.Errorf("CreateDate = %v", r.CreateDate)
	}
	if len(r.Tags) != 3 || r.Tags[0] != (model.Tag{Key: "QuickSetupVersion", Value: "1.2"}) {
		t.Errorf("Tags = %v", r.Tags)
	}
	if r.TrustPolicy == nil || len(r.TrustPolicy.Statements) == 0 {
		t.Error("no trust policy")
	}

	ip := a.InstanceProfiles[0]
	if len(ip.Roles) == 0 {
		t.Fatalf("instance profile %s holds no role", ip.ARN)
	}
	e, ok := a.Entity(ip.Roles[0])
	if !ok || !slices.Contains(e.Role.InstanceProfiles, ip.Name) {
		t.Errorf("role %s does not name its instance profile %s", ip.Roles[0], ip.Name)
	}

	// users lacking UserPolicyList load with none; group members are resolved
	members := 0
	for _, g := range a.Groups {
		members += len(g.Members)
	}
	if members == 0 {
		t.Error("no group has members")
	}
}

// TestFind looks principals up by name, ARN, unique id and access key id.
func TestFind(t *testing.T) {
	a := loadOne(t, accountsPath(t, dumpSmall))
	u := a.Users[0]
	for _, q := range []string{u.ARN, u.ID, strings.ToUpper(u.Name), u.Name} {
		es := a.Find(q)
		if len(es) != 1 || es[0].User != u {
			t.Errorf("Find(%q) = %v, want user %s", q, es, u.Name)
		}
	}
	r := a.Roles[0]
	if es := a.Find(r.ID); len(es) != 1 || es[0].Role != r {
		t.Errorf("Find(%q) = %v", r.ID, es)
	}
	g := a.Groups[0]
	if es := a.Find(g.ARN); len(es) != 1 || es[0].Group != g {
		t.Errorf("Find(%q) = %v", g.ARN, es)
	}
	if es := a.Find("nobody-at-all"); len(es) != 0 {
		t.Errorf("Find(nobody) = %v", es)
	}

	// Dumps hold no access keys; a snapshot keeps them.
	u.AccessKeys = []model.AccessKey{{ID: "AKIAEXAMPLEKEY000001", Status: "Active"}}
	path := filepath.Join(t.TempDir(), "s.json")
	if err := WriteSnapshot(path, []*model.Account{a}, SnapshotMeta{}); err != nil {
		t.Fatal(err)
	}
	b := loadOne(t, path)
	es := b.Find("AKIAEXAMPLEKEY000001")
	if len(es) != 1 || es[0].Kind != model.EntityUser || es[0].User.ARN != u.ARN {
		t.Errorf("Find(access key) = %v, want %s", es, u.ARN)
	}
}

// TestSeveralAccounts loads two dumps of different accounts together.
func TestSeveralAccounts(t *testing.T) {
	accounts, err := LoadFiles([]string{accountsPath(t, dumpVulnerable), accountsPath(t, dumpSmall)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range accounts {
		ids = append(ids, a.ID)
	}
	if !slices.Equal(ids, []string{"200611803367", "012345678901"}) {
		t.Errorf("accounts %v", ids)
	}
}

// TestProgress checks that loading reports its stages.
func TestProgress(t *testing.T) {
	var stages []string
	_, err := LoadFiles([]string{accountsPath(t, dumpAWSCLI), accountsPath(t, dumpSmall)}, func(p Progress) {
		stages = append(stages, p.Stage)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(stages) != 4 || !strings.HasPrefix(stages[0], "reading ") || stages[3] != "loaded" {
		t.Errorf("stages %q", stages)
	}
}

// TestDirectory loads a directory: its *.json files.
func TestDirectory(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, accountsPath(t, dumpSmall), filepath.Join(dir, "a.json"))
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	a := loadOne(t, dir)
	if a.ID != "012345678901" || a.Source != "file:"+filepath.Join(dir, "a.json") {
		t.Errorf("ID %s source %s", a.ID, a.Source)
	}
	if _, err := LoadFiles([]string{t.TempDir()}, nil); err == nil || !strings.Contains(err.Error(), "no .json files") {
		t.Errorf("empty directory: %v", err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// sameEntities reports the first difference between two accounts' users, groups, roles,
// policies and instance profiles, regardless of order.
func sameEntities(t *testing.T, got, want *model.Account) {
	t.Helper()
	type lists struct {
		Users    []*model.User
		Groups   []*model.Group
		Roles    []*model.Role
		Policies []*model.ManagedPolicy
		Profiles []*model.InstanceProfile
	}
	norm := func(a *model.Account) lists {
		l := lists{slices.Clone(a.Users), slices.Clone(a.Groups), slices.Clone(a.Roles), slices.Clone(a.Policies), slices.Clone(a.InstanceProfiles)}
		slices.SortFunc(l.Users, func(x, y *model.User) int { return strings.Compare(x.ARN, y.ARN) })
		slices.SortFunc(l.Groups, func(x, y *model.Group) int { return strings.Compare(x.ARN, y.ARN) })
		slices.SortFunc(l.Roles, func(x, y *model.Role) int { return strings.Compare(x.ARN, y.ARN) })
		slices.SortFunc(l.Policies, func(x, y *model.ManagedPolicy) int { return strings.Compare(x.ARN, y.ARN) })
		slices.SortFunc(l.Profiles, func(x, y *model.InstanceProfile) int { return strings.Compare(x.ARN, y.ARN) })
		return l
	}
	// Compared as JSON: every exported field but Group.Members, whose order follows the
	// users' (checked apart, as sets).
	gj, _ := json.Marshal(norm(got))
	wj, _ := json.Marshal(norm(want))
	if string(gj) != string(wj) {
		i := 0
		for i < len(gj) && i < len(wj) && gj[i] == wj[i] {
			i++
		}
		t.Errorf("accounts differ near …%s… (got) / …%s… (want)", firstBytes(gj[max(0, i-80):], 200), firstBytes(wj[max(0, i-80):], 200))
	}
	members := func(a *model.Account) map[string][]string {
		m := map[string][]string{}
		for _, g := range a.Groups {
			for _, u := range g.Members {
				m[g.ARN] = append(m[g.ARN], u.ARN)
			}
			slices.Sort(m[g.ARN])
		}
		return m
	}
	if gm, wm := members(got), members(want); !reflect.DeepEqual(gm, wm) {
		t.Errorf("group members %v, want %v", gm, wm)
	}
}
