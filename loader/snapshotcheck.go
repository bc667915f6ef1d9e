package loader

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/iamscope/iamscope/model"
)

// A snapshot's checksum catches corruption and accidental edits, not tampering: anyone who
// edits a snapshot can compute the SHA-256 of what they wrote. So what a snapshot holds is
// checked as strictly as what a dump holds (checkSnapshotAccounts), and anything a dump's
// loader would never produce is an error naming its JSON path in the snapshot
// ("accounts[0].users[3]: null").

// decodeAccounts decodes a snapshot's accounts array. A value of the wrong type or a policy
// that does not parse is an error naming the JSON path of the innermost value that cannot be
// decoded.
func decodeAccounts(data []byte) ([]*model.Account, error) {
	var accounts []*model.Account
	if err := json.Unmarshal(data, &accounts); err != nil {
		return nil, locateDecodeError(data, reflect.TypeOf(accounts), "accounts", err)
	}
	return accounts, nil
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// locateDecodeError finds where decoding data as a value of type t fails, descending into
// arrays and the members of structs (as encoding/json matches them) while a part fails on its
// own, and returns that part's error prefixed with its path. Used only on failure.
func locateDecodeError(data []byte, t reflect.Type, path string, err error) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return fmt.Errorf("%s: %w", path, err)
	}
	decode := func(raw []byte, t reflect.Type) error { return json.Unmarshal(raw, reflect.New(t).Interface()) }
	switch t.Kind() {
	case reflect.Slice:
		var elems []json.RawMessage
		if json.Unmarshal(data, &elems) != nil {
			break
		}
		for i, raw := range elems {
			if err := decode(raw, t.Elem()); err != nil {
				return locateDecodeError(raw, t.Elem(), fmt.Sprintf("%s[%d]", path, i), err)
			}
		}
	case reflect.Struct:
		var members map[string]json.RawMessage
		if json.Unmarshal(data, &members) != nil {
			break
		}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" || name == "" {
				continue
			}
			for key, raw := range members {
				if !strings.EqualFold(key, name) {
					continue
				}
				if err := decode(raw, f.Type); err != nil {
					return locateDecodeError(raw, f.Type, path+"."+name, err)
				}
			}
		}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("%s: must be %s, not %s", path, jsonKind(te.Type), te.Value)
	}
	return fmt.Errorf("%s: %w", path, err)
}

// jsonKind names the JSON form of a Go type for people.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	}
	return "an object"
}

// snapshotChecker checks the accounts of one snapshot and keeps the first error.
type snapshotChecker struct {
	err error
}

// fail records an error at path, unless one is recorded already.
func (c *snapshotChecker) fail(path, format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...))
	}
}

// checkSnapshotAccounts checks what a snapshot's accounts hold, as the loaders guarantee it of
// what they load: no null entry; every user, group, role, managed policy and instance profile
// with a valid IAM ARN of its type that agrees with its name and path, and no ARN twice; every
// resource policy with an ARN and a document; every document valid for its kind (as IAM and
// Organizations check a policy when it is saved); warnings of a known scope; no account twice.
// The error names the JSON path of the first entry that fails.
func checkSnapshotAccounts(accounts []*model.Account) error {
	c := &snapshotChecker{}
	ids := map[string]int{}
	for i, a := range accounts {
		at := fmt.Sprintf("accounts[%d]", i)
		if a == nil {
			c.fail(at, "null; an account is an object")
			continue
		}
		if a.ID == "" {
			c.fail(at+".id", "missing")
		} else if j, ok := ids[a.ID]; ok {
			c.fail(at+".id", "account %s is also accounts[%d]", a.ID, j)
		}
		ids[a.ID] = i
		c.account(at, a)
	}
	return c.err
}

// account checks one account's entries.
func (c *snapshotChecker) account(at string, a *model.Account) {
	seen := map[string]string{} // ARN -> the path of the entry that has it
	unique := func(path, arn string) {
		if first, ok := seen[arn]; ok {
			c.fail(path+".arn", "%s is also %s", arn, first)
		}
		seen[arn] = path
	}
	each(c, at+".users", "a user", a.Users, func(p string, u *model.User) {
		c.identity(p, "user", u.ARN, u.Name, u.Path)
		unique(p, u.ARN)
		c.strings(p+".groups", u.Groups)
		c.strings(p+".attachedPolicies", u.AttachedPolicies)
		c.inline(p, u.InlinePolicies)
		for k, key := range u.AccessKeys {
			if key.ID == "" {
				c.fail(fmt.Sprintf("%s.accessKeys[%d].id", p, k), "missing")
			}
		}
		switch u.LoginProfile {
		case model.LoginProfileUnknown, model.LoginProfilePresent, model.LoginProfileAbsent:
		default:
			c.fail(p+".loginProfile", "%q is not a login profile state (present, absent, or none for unknown)", u.LoginProfile)
		}
	})
	each(c, at+".groups", "a group", a.Groups, func(p string, g *model.Group) {
		c.identity(p, "group", g.ARN, g.Name, g.Path)
		unique(p, g.ARN)
		c.strings(p+".attachedPolicies", g.AttachedPolicies)
		c.inline(p, g.InlinePolicies)
	})
	each(c, at+".roles", "a role", a.Roles, func(p string, r *model.Role) {
		c.identity(p, "role", r.ARN, r.Name, r.Path)
		unique(p, r.ARN)
		c.document(p+".trustPolicy", r.TrustPolicy, model.KindTrust)
		c.strings(p+".attachedPolicies", r.AttachedPolicies)
		c.inline(p, r.InlinePolicies)
	})
	each(c, at+".policies", "a managed policy", a.Policies, func(p string, mp *model.ManagedPolicy) {
		c.identity(p, "policy", mp.ARN, mp.Name, mp.Path)
		unique(p, mp.ARN)
		for k, v := range mp.Versions {
			c.document(fmt.Sprintf("%s.versions[%d].document", p, k), v.Document, model.KindIdentity)
		}
	})
	each(c, at+".instanceProfiles", "an instance profile", a.InstanceProfiles, func(p string, ip *model.InstanceProfile) {
		c.identity(p, "instance-profile", ip.ARN, ip.Name, ip.Path)
		c.strings(p+".roles", ip.Roles)
	})
	resources := map[string]string{} // resource ARN -> the path of the policy that has it
	each(c, at+".resourcePolicies", "a resource policy", a.ResourcePolicies, func(p string, rp *model.ResourcePolicy) {
		parsed, err := model.ParseARN(rp.ResourceARN)
		if err != nil {
			c.fail(p+".resourceArn", "%v", err)
			return
		}
		if first, ok := resources[rp.ResourceARN]; ok {
			c.fail(p+".resourceArn", "%s is also %s", rp.ResourceARN, first)
		}
		resources[rp.ResourceARN] = p
		if rp.Document == nil {
			c.fail(p+".document", "missing")
		} else if err := rp.Document.Check(model.KindResource); err != nil && !missingResourceOK(parsed.Service, err) {
			c.fail(p+".document", "%v", err)
		}
	})
	each(c, at+".functions", "a Lambda function", a.Functions, func(p string, fn *model.Function) {
		if parsed, err := model.ParseARN(fn.ARN); err != nil || parsed.Service != "lambda" {
			c.fail(p+".arn", "%q is not a Lambda function's ARN", fn.ARN)
		}
		if fn.Role != "" {
			if _, _, _, ok := splitIAMARN(fn.Role, "role"); !ok {
				c.fail(p+".role", "%q is not a role's ARN", fn.Role)
			}
		}
	})
	if org := a.Organization; org != nil {
		if id := org.ManagementAccountID; id != "" && !model.IsAccountID(id) {
			c.fail(at+".organization.managementAccountId", "%q is not a 12-digit account id", id)
		}
		for j, lv := range org.Levels {
			p := fmt.Sprintf("%s.organization.levels[%d]", at, j)
			for k, scp := range lv.SCPs {
				c.document(fmt.Sprintf("%s.scps[%d].document", p, k), scp.Document, model.KindSCP)
			}
			for k, rcp := range lv.RCPs {
				c.document(fmt.Sprintf("%s.rcps[%d].document", p, k), rcp.Document, model.KindRCP)
			}
		}
	}
	for j, w := range a.Warnings {
		switch w.Scope {
		case "", model.ScopeAccount, model.ScopePrincipal, model.ScopeResource, model.ScopePolicy, model.ScopeNone:
		default:
			c.fail(fmt.Sprintf("%s.warnings[%d].scope", at, j), "%q is not a scope (account, principal, resource, policy, none)", w.Scope)
		}
	}
}

// each calls check on every entry of a list (at is the list's path), and refuses a null one.
func each[T any](c *snapshotChecker, at, what string, list []*T, check func(path string, v *T)) {
	for i, v := range list {
		p := fmt.Sprintf("%s[%d]", at, i)
		if v == nil {
			c.fail(p, "null; %s is an object", what)
			continue
		}
		check(p, v)
	}
}

// identity checks an entity's ARN against its type, name and path, as the dump loader reads
// them (a dump's entity without such an ARN is left out).
func (c *snapshotChecker) identity(at, typ, arn, name, path string) {
	_, arnPath, arnName, ok := splitIAMARN(arn, typ)
	switch {
	case !ok:
		c.fail(at+".arn", "%q is not an IAM %s ARN (arn:PARTITION:iam::ACCOUNT:%s/PATH/NAME)", firstBytes([]byte(arn), 200), typ, typ)
	case name != arnName:
		c.fail(at+".name", "%q disagrees with the ARN's name %q", firstBytes([]byte(name), 200), arnName)
	case path != arnPath:
		c.fail(at+".path", "%q disagrees with the ARN's path %q", firstBytes([]byte(path), 200), arnPath)
	}
}

// strings checks that a list of names or ARNs holds no empty one.
func (c *snapshotChecker) strings(at string, list []string) {
	for i, s := range list {
		if s == "" {
			c.fail(fmt.Sprintf("%s[%d]", at, i), "empty")
		}
	}
}

// inline checks a principal's inline policies.
func (c *snapshotChecker) inline(at string, list []model.InlinePolicy) {
	for i, ip := range list {
		c.document(fmt.Sprintf("%s.inlinePolicies[%d].document", at, i), ip.Document, model.KindIdentity)
	}
}

// document checks a policy document for its kind. A null document is allowed: a live load
// keeps a policy whose document did not parse without one (and warns), and the engine says
// it could not weigh it.
func (c *snapshotChecker) document(at string, doc *model.Policy, kind model.Kind) {
	if doc == nil {
		return
	}
	if err := doc.Check(kind); err != nil {
		c.fail(at, "%v", err)
	}
}

// checkOrgTrees checks the organization trees of a snapshot (version 3) as strictly as its
// accounts: no null tree, every node with an id and a known kind, and every SCP and RCP a
// policy of its kind. An error names the JSON path, under "organizations".
func checkOrgTrees(trees []*model.OrgTree) error {
	c := &snapshotChecker{}
	each(c, "organizations", "an organization", trees, func(p string, t *model.OrgTree) {
		if t.ID == "" {
			c.fail(p+".id", "missing")
		}
		if id := t.ManagementAccountID; id != "" && !model.IsAccountID(id) {
			c.fail(p+".managementAccountId", "%q is not a 12-digit account id", id)
		}
		for j, n := range t.Nodes {
			np := fmt.Sprintf("%s.nodes[%d]", p, j)
			if n.ID == "" {
				c.fail(np+".id", "missing")
			}
			switch n.Kind {
			case model.OrgRoot, model.OrgUnit, model.OrgAccount:
			default:
				c.fail(np+".kind", "%q is not a node kind (root, ou, account)", n.Kind)
			}
			for k, scp := range n.SCPs {
				c.document(fmt.Sprintf("%s.scps[%d].document", np, k), scp.Document, model.KindSCP)
			}
			for k, rcp := range n.RCPs {
				c.document(fmt.Sprintf("%s.rcps[%d].document", np, k), rcp.Document, model.KindRCP)
			}
		}
	})
	return c.err
}
