package fakeaws

import "fmt"

// OrgManagementAccount is the management account of GenerateOrg's organization.
const OrgManagementAccount = "100000000000"

// GenerateOrg returns an organization of n accounts (the management account and n-1 members)
// for load tests: a root with an SCP that denies leaving the organization, two OUs
// (Production, under which every odd member sits, and Sandbox, with an SCP that denies
// everything outside eu-west-1), and in each member account `roles` roles and the role
// roleName, which the management account may assume. Role i of member k trusts the role
// roleName of member k-1 (a chain across accounts), and each member has a bucket without a
// policy.
func GenerateOrg(n, roles int, roleName string) (mgmt *World, members []*World) {
	allow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	org := &Org{ID: "o-generated", RootID: "r-gen", RootName: "Root", ManagementAccount: OrgManagementAccount,
		SCPEnabled: true, RCPEnabled: true,
		OUs: []OU{{ID: "ou-gen-prod", Name: "Production", Parent: "r-gen"}, {ID: "ou-gen-sandbox", Name: "Sandbox", Parent: "r-gen"}},
		Policies: []OrgPolicy{
			{ID: "p-FullAWSAccess", Name: "FullAWSAccess", Document: allow, Targets: []string{"r-gen", "ou-gen-prod", "ou-gen-sandbox"}},
			{ID: "p-noleave", Name: "DenyLeaveOrganization", Targets: []string{"r-gen"},
				Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`},
			{ID: "p-sandbox", Name: "SandboxRegions", Targets: []string{"ou-gen-sandbox"},
				Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"iam:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}}]}`},
		},
	}
	full := &org.Policies[0]
	account := func(k int) string { return fmt.Sprintf("%012d", 100000000000+k) }
	mgmt = &World{AccountID: OrgManagementAccount, Region: "eu-west-1", CallerARN: "arn:aws:iam::" + OrgManagementAccount + ":user/admin", Org: org,
		Users: []User{{Name: "admin", ID: "AIDAMGMTADMIN", Inline: map[string]string{"all": allow}}}}
	org.Accounts = append(org.Accounts, OrgAccount{ID: OrgManagementAccount, Name: "management", Parent: org.RootID})
	full.Targets = append(full.Targets, OrgManagementAccount)
	for k := 1; k < n; k++ {
		id := account(k)
		parent := "ou-gen-prod"
		if k%2 == 0 {
			parent = "ou-gen-sandbox"
		}
		org.Accounts = append(org.Accounts, OrgAccount{ID: id, Name: fmt.Sprintf("member-%d", k), Parent: parent})
		full.Targets = append(full.Targets, id)
		w := &World{AccountID: id, Region: "eu-west-1", CallerARN: "arn:aws:sts::" + id + ":assumed-role/" + roleName + "/iamscope", Org: org,
			Buckets: []Bucket{{Name: fmt.Sprintf("data-%s", id), Region: "eu-west-1"}}}
		w.Roles = append(w.Roles, Role{Name: roleName, ID: "AROAORG" + id,
			Trust:  fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole"}]}`, OrgManagementAccount),
			Inline: map[string]string{"admin": allow}})
		trusted := "arn:aws:iam::" + account(max(k-1, 1)) + ":role/" + roleName
		for i := range roles {
			w.Roles = append(w.Roles, Role{Name: fmt.Sprintf("app-%d", i), ID: fmt.Sprintf("AROA%s%05d", id, i),
				Trust:  fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":%q},"Action":"sts:AssumeRole"}]}`, trusted),
				Inline: map[string]string{"read": fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data-%s/*"}]}`, id)}})
		}
		members = append(members, w)
	}
	return mgmt, members
}
