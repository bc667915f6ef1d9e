package loader

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/iamscope/iamscope/model"
)

// A snapshot keeps what a live load learns beyond a dump: whether each user has a console
// password (present, absent, or unknown) and the Lambda functions with their execution roles.
func TestSnapshotKeepsLoginProfilesAndFunctions(t *testing.T) {
	const acct = "123456789012"
	a := &model.Account{ID: acct,
		Users: []*model.User{
			{ARN: "arn:aws:iam::" + acct + ":user/with", Name: "with", Path: "/", ID: "AIDAWITH", LoginProfile: model.LoginProfilePresent},
			{ARN: "arn:aws:iam::" + acct + ":user/without", Name: "without", Path: "/", ID: "AIDAWITHOUT", LoginProfile: model.LoginProfileAbsent},
			{ARN: "arn:aws:iam::" + acct + ":user/unsaid", Name: "unsaid", Path: "/", ID: "AIDAUNSAID"},
		},
		Functions: []*model.Function{{ARN: "arn:aws:lambda:eu-west-1:" + acct + ":function:f", Name: "f", Role: "arn:aws:iam::" + acct + ":role/r"}},
	}
	a.Index()
	path := filepath.Join(t.TempDir(), "snap.json")
	if err := WriteSnapshot(path, []*model.Account{a}, SnapshotMeta{Source: "test"}); err != nil {
		t.Fatal(err)
	}
	got, _, err := ReadSnapshot(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d accounts", len(got))
	}
	for i, u := range got[0].Users {
		if u.LoginProfile != a.Users[i].LoginProfile {
			t.Errorf("user %s: login profile %q, want %q", u.Name, u.LoginProfile, a.Users[i].LoginProfile)
		}
	}
	if !reflect.DeepEqual(got[0].Functions, a.Functions) {
		t.Errorf("functions %+v, want %+v", got[0].Functions, a.Functions)
	}
}
