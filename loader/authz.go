package loader

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/iamscope/iamscope/model"
)

// The lists of a get-account-authorization-details response.
const (
	keyUsers    = "UserDetailList"
	keyGroups   = "GroupDetailList"
	keyRoles    = "RoleDetailList"
	keyPolicies = "Policies"
)

// isAuthzPage reports whether an object's members make it a get-account-authorization-details
// response (or one page of one).
func isAuthzPage(members []member) bool {
	for _, m := range members {
		switch m.key {
		case keyUsers, keyGroups, keyRoles, keyPolicies:
			return true
		}
	}
	return false
}

// page is one get-account-authorization-details response (a whole file, or one page of a
// paginated dump) converted to the model, before it is joined with the other pages of its
// account.
type page struct {
	src  *source
	path string // the page's JSON path in its file: "" for a whole file

	users    []*model.User
	groups   []*model.Group
	roles    []*model.Role
	policies []*model.ManagedPolicy
	profiles []*model.InstanceProfile
	warnings []model.Warning

	// truncated and marker are the response's IsTruncated and Marker: more pages follow.
	truncated bool
	marker    string
	// account is the account the page's ARNs name (see pageAccount).
	account string
}

// readAuthzPage converts the get-account-authorization-details object whose members are
// given. A list that is not a list fails the load; anything wrong inside one entry is a
// warning and the rest loads.
func readAuthzPage(src *source, path string, members []member) (*page, error) {
	p := &page{src: src, path: path}
	var lists [4][]span
	for _, m := range members {
		at := joinPath(path, m.key)
		raw := src.data[m.val.start:m.val.end]
		slot := -1
		switch m.key {
		case keyUsers:
			slot = 0
		case keyGroups:
			slot = 1
		case keyRoles:
			slot = 2
		case keyPolicies:
			slot = 3
		case "IsTruncated":
			p.truncated = string(raw) == "true"
		case "Marker":
			if raw[0] == '"' {
				p.marker = unquote(raw)
			}
		}
		if slot < 0 || string(raw) == "null" {
			continue
		}
		elems, ok := arrayElements(src.data, src.ends, m.val.start)
		if !ok {
			return nil, fmt.Errorf("%s: must be a list, not %s", src.at(m.val.start, at), kindOf(raw))
		}
		lists[slot] = elems
	}
	p.users = convertAll(src, joinPath(path, keyUsers), lists[0], readUser, &p.warnings)
	p.groups = convertAll(src, joinPath(path, keyGroups), lists[1], readGroup, &p.warnings)
	for _, r := range convertAll(src, joinPath(path, keyRoles), lists[2], readRole, &p.warnings) {
		p.roles = append(p.roles, r.role)
		p.profiles = append(p.profiles, r.profiles...)
	}
	p.policies = convertAll(src, joinPath(path, keyPolicies), lists[3], readManagedPolicy, &p.warnings)
	p.account = p.pageAccount()
	return p, nil
}

// parallelBytes is the size of list above which entries are converted on several
// goroutines: most of the time goes into parsing policy documents, so size counts, not the
// number of entries.
const parallelBytes = 128 << 10

// convertAll converts every entry of a list with read, in order, appending the entries'
// warnings to warns in the same order. Entries that read returns nil for are left out. Large
// lists are converted in parallel; the result is the same.
func convertAll[T any](src *source, listPath string, elems []span, read func(object) *T, warns *[]model.Warning) []*T {
	if len(elems) == 0 {
		return nil
	}
	type result struct {
		v     *T
		warns []model.Warning
	}
	results := make([]result, len(elems))
	one := func(i int) {
		e := &entry{src: src, path: jsonPath{base: listPath, elem: i + 1}, start: elems[i].start}
		if o, ok := e.asObject("", elems[i], "an entry of "+listPath); ok {
			results[i].v = read(o)
		}
		e.scopeWarnings(results[i].v != nil)
		results[i].warns = e.warns
	}
	workers := runtime.GOMAXPROCS(0)
	if size := elems[len(elems)-1].end - elems[0].start; size < parallelBytes || workers == 1 || len(elems) == 1 {
		for i := range elems {
			one(i)
		}
	} else {
		chunk := max(1, min(64, len(elems)/(workers*8)))
		next := make(chan int, workers)
		var wg sync.WaitGroup
		for range min(workers, len(elems)) {
			wg.Go(func() {
				for start := range next {
					for i := start; i < min(start+chunk, len(elems)); i++ {
						one(i)
					}
				}
			})
		}
		for start := 0; start < len(elems); start += chunk {
			next <- start
		}
		close(next)
		wg.Wait()
	}
	out := make([]*T, 0, len(elems))
	for _, r := range results {
		if r.v != nil {
			out = append(out, r.v)
		}
		*warns = append(*warns, r.warns...)
	}
	return out
}

// readUser converts a UserDetailList entry.
func readUser(o object) *model.User {
	id, ok := o.identify("user", "UserName", "UserId")
	if !ok {
		return nil
	}
	owner := "user " + id.name
	return &model.User{
		ARN:              id.arn,
		Name:             id.name,
		Path:             id.path,
		ID:               id.id,
		CreateDate:       o.date("CreateDate"),
		Groups:           o.strings("GroupList", "group memberships of "+owner),
		AttachedPolicies: o.attached(owner),
		InlinePolicies:   o.inline("UserPolicyList", owner),
		Boundary:         o.boundary(owner),
		Tags:             o.tags(),
	}
}

// readGroup converts a GroupDetailList entry.
func readGroup(o object) *model.Group {
	id, ok := o.identify("group", "GroupName", "GroupId")
	if !ok {
		return nil
	}
	owner := "group " + id.name
	return &model.Group{
		ARN:              id.arn,
		Name:             id.name,
		Path:             id.path,
		ID:               id.id,
		CreateDate:       o.date("CreateDate"),
		AttachedPolicies: o.attached(owner),
		InlinePolicies:   o.inline("GroupPolicyList", owner),
	}
}

// roleEntry is a role and the instance profiles its entry lists.
type roleEntry struct {
	role     *model.Role
	profiles []*model.InstanceProfile
}

// readRole converts a RoleDetailList entry, with the instance profiles it lists.
func readRole(o object) *roleEntry {
	id, ok := o.identify("role", "RoleName", "RoleId")
	if !ok {
		return nil
	}
	owner := "role " + id.name
	r := &model.Role{
		ARN:                id.arn,
		Name:               id.name,
		Path:               id.path,
		ID:                 id.id,
		CreateDate:         o.date("CreateDate"),
		TrustPolicy:        o.policy("AssumeRolePolicyDocument", model.KindTrust, "trust policy of "+owner),
		AttachedPolicies:   o.attached(owner),
		InlinePolicies:     o.inline("RolePolicyList", owner),
		Boundary:           o.boundary(owner),
		Tags:               o.tags(),
		MaxSessionDuration: o.integer("MaxSessionDuration"),
	}
	if sp, ok := o.get("RoleLastUsed"); ok {
		if lu, ok := o.e.asObject(o.at("RoleLastUsed"), sp, ""); ok {
			if t := lu.date("LastUsedDate"); !t.IsZero() {
				r.LastUsed = &t
			}
			r.LastUsedRegion = lu.str("Region")
		}
	}
	var profiles []*model.InstanceProfile
	for _, ipo := range o.objects("InstanceProfileList", "instance profiles of "+owner) {
		ip, ok := ipo.identify("instance-profile", "InstanceProfileName", "InstanceProfileId")
		if !ok {
			continue
		}
		profile := &model.InstanceProfile{ARN: ip.arn, Name: ip.name, Path: ip.path, ID: ip.id}
		for _, ro := range ipo.objects("Roles", "roles of instance profile "+ip.name) {
			if arn := ro.str("Arn"); arn != "" {
				profile.Roles = append(profile.Roles, arn)
			}
		}
		if len(profile.Roles) == 0 { // the profile is listed under this role, so it holds it
			profile.Roles = []string{r.ARN}
		}
		profiles = append(profiles, profile)
		r.InstanceProfiles = append(r.InstanceProfiles, ip.name)
	}
	return &roleEntry{role: r, profiles: profiles}
}

// readManagedPolicy converts a Policies entry with every version it lists. The default
// version is the one marked IsDefaultVersion, or else the one DefaultVersionId names.
func readManagedPolicy(o object) *model.ManagedPolicy {
	id, ok := o.identify("policy", "PolicyName", "PolicyId")
	if !ok {
		return nil
	}
	mp := &model.ManagedPolicy{
		ARN:             id.arn,
		Name:            id.name,
		Path:            id.path,
		ID:              id.id,
		Description:     o.str("Description"),
		DefaultVersion:  o.str("DefaultVersionId"),
		AttachmentCount: o.integer("AttachmentCount"),
		AWSManaged:      id.account == "aws",
	}
	markedDefault := ""
	for i, vo := range o.objects("PolicyVersionList", "versions of policy "+id.arn) {
		v := model.PolicyVersion{
			ID:         vo.str("VersionId"),
			IsDefault:  vo.boolean("IsDefaultVersion"),
			CreateDate: vo.date("CreateDate"),
		}
		label := v.ID
		if label == "" {
			label = fmt.Sprintf("#%d", i+1)
		}
		v.Document = vo.policy("Document", model.KindIdentity, fmt.Sprintf("version %s of policy %s", label, id.arn))
		if v.Document == nil {
			continue
		}
		if v.IsDefault {
			if markedDefault != "" {
				o.e.warn(fmt.Sprintf("%s[%d].IsDefaultVersion", o.at("PolicyVersionList"), i), "", "versions %s and %s are both marked default; %s is kept as the default", markedDefault, v.ID, markedDefault)
				v.IsDefault = false
			} else {
				markedDefault = v.ID
			}
		}
		mp.Versions = append(mp.Versions, v)
	}
	switch {
	case mp.DefaultVersion == "" && markedDefault != "":
		mp.DefaultVersion = markedDefault
	case markedDefault != "" && markedDefault != mp.DefaultVersion:
		o.e.warn(o.at("DefaultVersionId"), "", "%q, but version %s is marked IsDefaultVersion; %s is kept as the default", mp.DefaultVersion, markedDefault, markedDefault)
		mp.DefaultVersion = markedDefault
	case markedDefault == "":
		for i := range mp.Versions {
			if mp.Versions[i].ID == mp.DefaultVersion {
				mp.Versions[i].IsDefault = true
			}
		}
	}
	return mp
}

// pageAccount is the account a page's ARNs name: the account field of its users, groups,
// roles, instance profiles and customer managed policies, by majority (a file from one
// account names one, but hand-edited samples mix in others). It is "" when the page names
// none, as a page holding only AWS managed policies.
func (p *page) pageAccount() string {
	votes := map[string]int{}
	var order []string
	vote := func(arn string) {
		acct := model.AccountOf(arn)
		if acct == "" || acct == "aws" {
			return
		}
		if votes[acct] == 0 {
			order = append(order, acct)
		}
		votes[acct]++
	}
	for _, arn := range p.arns() {
		vote(arn)
	}
	best := ""
	for _, acct := range order {
		if votes[acct] > votes[best] {
			best = acct
		}
	}
	return best
}

// arns lists the ARNs of everything the page defines.
func (p *page) arns() []string {
	var out []string
	for _, u := range p.users {
		out = append(out, u.ARN)
	}
	for _, g := range p.groups {
		out = append(out, g.ARN)
	}
	for _, r := range p.roles {
		out = append(out, r.ARN)
	}
	for _, ip := range p.profiles {
		out = append(out, ip.ARN)
	}
	for _, mp := range p.policies {
		out = append(out, mp.ARN)
	}
	return out
}
