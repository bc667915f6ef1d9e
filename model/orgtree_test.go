package model

import (
	"slices"
	"testing"
)

// TestOrgTreePath: an account's levels run from the root through its OUs to the account; a
// tree whose parents loop, or do not reach a root, gives no path rather than a wrong one.
func TestOrgTreePath(t *testing.T) {
	scp := []OrgPolicy{{ID: "p-1", Name: "DenyAll"}}
	tree := &OrgTree{ID: "o-1", Nodes: []OrgNode{
		{ID: "r-1", Name: "Root", Kind: OrgRoot},
		{ID: "ou-a", Name: "A", Kind: OrgUnit, Parent: "r-1", SCPs: scp},
		{ID: "ou-b", Name: "B", Kind: OrgUnit, Parent: "ou-a"},
		{ID: "111111111111", Kind: OrgAccount, Parent: "ou-b"},
		{ID: "222222222222", Kind: OrgAccount, Parent: "ou-gone"},
		{ID: "ou-x", Kind: OrgUnit, Parent: "ou-y"},
		{ID: "ou-y", Kind: OrgUnit, Parent: "ou-x"},
		{ID: "333333333333", Kind: OrgAccount, Parent: "ou-x"},
	}}
	var ids []string
	path := tree.Path("111111111111")
	for _, l := range path {
		ids = append(ids, l.ID)
	}
	if !slices.Equal(ids, []string{"r-1", "ou-a", "ou-b", "111111111111"}) || len(path[1].SCPs) != 1 {
		t.Errorf("path %v", path)
	}
	for _, acct := range []string{"222222222222", "333333333333", "444444444444"} {
		if p := tree.Path(acct); p != nil {
			t.Errorf("%s: path %v, want none", acct, p)
		}
	}
}
