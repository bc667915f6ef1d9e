package loader

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/iamscope/iamscope/model"
)

// entry is one element of a get-account-authorization-details list (a user, group, role or
// managed policy) being read: it collects the warnings about it, each naming its file, line,
// column and JSON path.
type entry struct {
	src   *source
	path  jsonPath // the entry's JSON path in the file: "RoleDetailList[3]"
	start int      // the entry's offset in the file
	warns []model.Warning
	// arn and typ are the entry's own ARN and IAM type ("user", "policy", ...), once identified.
	arn, typ string
}

// scopeWarnings marks the warnings that name missing data as being about the entry (its
// user, group or role, or its managed policy), so that only answers about it are partial.
// An entry left out entirely (kept false) leaves them to the whole account.
func (e *entry) scopeWarnings(kept bool) {
	if !kept || e.arn == "" {
		return
	}
	scope := model.ScopePrincipal
	if e.typ == "policy" {
		scope = model.ScopePolicy
	}
	for i := range e.warns {
		if w := &e.warns[i]; w.Missing != "" && w.Scope == "" {
			w.Scope, w.About = scope, e.arn
		}
	}
}

// warn records a warning about the value at sub, a JSON path inside the entry ("" for the
// entry itself); missing names the data that is absent because of it ("" when nothing is).
func (e *entry) warn(sub, missing, format string, args ...any) {
	e.warnAt(sub, sub, missing, fmt.Sprintf(format, args...))
}

// warnAt is warn with the position taken from a deeper path than the one named, as for an
// error inside a policy document: named "RoleDetailList[3].AssumeRolePolicyDocument", found
// at its "Statement[0].Effect".
func (e *entry) warnAt(sub, deeper, missing, msg string) {
	off := locate(e.src.data, e.start, deeper)
	e.warns = append(e.warns, model.Warning{Where: e.src.at(off, joinPath(e.path.String(), sub)), Message: msg, Missing: missing})
}

// jsonPath is a JSON path made into text only when a warning names it (most entries have
// none): base, followed by "[index]" when it names an element of a list.
type jsonPath struct {
	base string
	elem int // 1 + the element's index; 0 when the path is base alone
}

func (p jsonPath) String() string {
	if p.elem == 0 {
		return p.base
	}
	return p.base + "[" + strconv.Itoa(p.elem-1) + "]"
}

// joinPath appends a JSON path step ("Key" or "[3]") or relative path to a base path.
func joinPath(base, sub string) string {
	switch {
	case sub == "":
		return base
	case base == "" && sub[0] == '.':
		return sub[1:]
	case base == "", sub[0] == '[', sub[0] == '.':
		return base + sub
	}
	return base + "." + sub
}

// object is a JSON object inside an entry, with typed readers of its members that warn (and
// return the zero value) when a member has the wrong type. Absent and null members read as
// zero values without a warning: the dumps leave out what is empty.
type object struct {
	e       *entry
	path    jsonPath // the object's path inside the entry
	members []member
}

// asObject reads the value at sp as an object; ok is false (with a warning) when it is not one.
func (e *entry) asObject(path string, sp span, missing string) (object, bool) {
	return e.asObjectAt(jsonPath{base: path}, sp, missing)
}

// asObjectAt is asObject with the path not yet made into text.
func (e *entry) asObjectAt(path jsonPath, sp span, missing string) (object, bool) {
	members, ok := objectMembers(e.src.data, e.src.ends, sp.start)
	if !ok {
		e.warn(path.String(), missing, "must be an object, not %s; left out", kindOf(e.src.data[sp.start:sp.end]))
		return object{}, false
	}
	return object{e: e, path: path, members: members}, true
}

// get returns a member's value, absent when the member is missing or null.
func (o object) get(key string) (span, bool) {
	for _, m := range o.members {
		if m.key == key {
			if o.e.src.data[m.val.start] == 'n' { // null
				return span{}, false
			}
			return m.val, true
		}
	}
	return span{}, false
}

func (o object) raw(sp span) []byte { return o.e.src.data[sp.start:sp.end] }

// at is the path of a member inside the entry.
func (o object) at(key string) string { return joinPath(o.path.String(), key) }

func (o object) str(key string) string {
	sp, ok := o.get(key)
	if !ok {
		return ""
	}
	raw := o.raw(sp)
	if raw[0] != '"' {
		o.e.warn(o.at(key), "", "must be a string, not %s; left empty", kindOf(raw))
		return ""
	}
	return sharedText(raw)
}

func (o object) boolean(key string) bool {
	sp, ok := o.get(key)
	if !ok {
		return false
	}
	switch raw := string(o.raw(sp)); raw {
	case "true", `"true"`:
		return true
	case "false", `"false"`:
		return false
	default:
		o.e.warn(o.at(key), "", "must be true or false, not %s; read as false", firstBytes([]byte(raw), 20))
		return false
	}
}

func (o object) integer(key string) int {
	sp, ok := o.get(key)
	if !ok {
		return 0
	}
	raw := strings.Trim(string(o.raw(sp)), `"`)
	n, err := strconv.Atoi(raw)
	if err != nil {
		o.e.warn(o.at(key), "", "must be a whole number, not %s; left out", firstBytes([]byte(raw), 20))
		return 0
	}
	return n
}

func (o object) date(key string) time.Time {
	sp, ok := o.get(key)
	if !ok {
		return time.Time{}
	}
	t, err := parseDate(o.raw(sp))
	if err != nil {
		o.e.warn(o.at(key), "", "%v; left out", err)
	}
	return t
}

// list returns the elements of a list member. A single object where a list belongs is read
// as a list of that one object, with a warning (the AWS CLI's documented sample has such
// lists); any other type is a warning and reads as an empty list.
func (o object) list(key, missing string) []span {
	sp, ok := o.get(key)
	if !ok {
		return nil
	}
	if elems, ok := arrayElements(o.e.src.data, o.e.src.ends, sp.start); ok {
		return elems
	}
	raw := o.raw(sp)
	if raw[0] == '{' {
		o.e.warn(o.at(key), "", "is an object, not a list; read as a list of one")
		return []span{sp}
	}
	o.e.warn(o.at(key), missing, "must be a list, not %s; left out", kindOf(raw))
	return nil
}

// objects returns a list member's elements that are objects; the others are warnings.
func (o object) objects(key, missing string) []object {
	var out []object
	list := o.list(key, missing)
	if len(list) == 0 {
		return nil
	}
	at := o.at(key)
	for i, sp := range list {
		if obj, ok := o.e.asObjectAt(jsonPath{base: at, elem: i + 1}, sp, missing); ok {
			out = append(out, obj)
		}
	}
	return out
}

// strings returns a list of strings; elements that are not strings are warnings.
func (o object) strings(key, missing string) []string {
	var out []string
	for i, sp := range o.list(key, missing) {
		raw := o.raw(sp)
		if raw[0] != '"' {
			o.e.warn(fmt.Sprintf("%s[%d]", o.at(key), i), missing, "must be a string, not %s; left out", kindOf(raw))
			continue
		}
		out = append(out, sharedText(raw))
	}
	return out
}

// policy parses the policy document at key and checks it for its kind. A document that is
// absent, cannot be parsed or is not valid for its kind is left out with a warning naming
// what (the inline policy, the trust policy, the version) is missing because of it.
func (o object) policy(key string, kind model.Kind, what string) *model.Policy {
	sp, ok := o.get(key)
	if !ok {
		o.e.warn(o.at(key), what, "missing; the %s is left out", what)
		return nil
	}
	p, err := model.ParseSharedPolicy(o.raw(sp)) // the file's text is kept unchanged
	if err == nil {
		err = p.Check(kind)
	}
	if err != nil {
		inner := ""
		var pe *model.PolicyError
		if errors.As(err, &pe) && o.raw(sp)[0] == '{' {
			inner = pe.Path
		}
		o.e.warnAt(o.at(key), joinPath(o.at(key), inner), what, fmt.Sprintf("%v; the %s is left out", err, what))
		return nil
	}
	return p
}

// tags reads a Tags list of {Key, Value}.
func (o object) tags() []model.Tag {
	var out []model.Tag
	for _, t := range o.objects("Tags", "") {
		out = append(out, model.Tag{Key: t.str("Key"), Value: t.str("Value")})
	}
	return out
}

// attached reads an AttachedManagedPolicies list into policy ARNs.
func (o object) attached(owner string) []string {
	var out []string
	for i, a := range o.objects("AttachedManagedPolicies", "managed policies attached to "+owner) {
		arn := a.str("PolicyArn")
		if arn == "" {
			o.e.warn(fmt.Sprintf("%s[%d].PolicyArn", o.at("AttachedManagedPolicies"), i), "managed policy "+a.str("PolicyName")+" attached to "+owner,
				"missing; the attachment of %q is left out", a.str("PolicyName"))
			continue
		}
		out = append(out, arn)
	}
	return out
}

// inline reads a list of inline policies ({PolicyName, PolicyDocument}).
func (o object) inline(key, owner string) []model.InlinePolicy {
	var out []model.InlinePolicy
	for _, ip := range o.objects(key, "inline policies of "+owner) {
		name := ip.str("PolicyName")
		doc := ip.policy("PolicyDocument", model.KindIdentity, fmt.Sprintf("inline policy %q of %s", name, owner))
		if doc != nil {
			out = append(out, model.InlinePolicy{Name: name, Document: doc})
		}
	}
	return out
}

// boundary reads a PermissionsBoundary object into the boundary policy's ARN.
func (o object) boundary(owner string) string {
	sp, ok := o.get("PermissionsBoundary")
	if !ok {
		return ""
	}
	b, ok := o.e.asObject(o.at("PermissionsBoundary"), sp, "permission boundary of "+owner)
	if !ok {
		return ""
	}
	arn := b.str("PermissionsBoundaryArn")
	if arn == "" {
		o.e.warn(o.at("PermissionsBoundary.PermissionsBoundaryArn"), "permission boundary of "+owner, "missing; the boundary is left out")
	}
	return arn
}

// identity is what every IAM entity has: ARN, name, path and unique id, checked against each
// other.
type identity struct {
	arn, account, name, path, id string
}

// identify reads an entity's ARN, name, path and id. The ARN is authoritative: an entity
// without a valid ARN of the right type is left out (with a warning), a missing name or path
// is taken from the ARN, and one that disagrees with the ARN is a warning.
func (o object) identify(typ, nameKey, idKey string) (identity, bool) {
	id := identity{arn: o.str("Arn"), name: o.str(nameKey), path: o.str("Path"), id: o.str(idKey)}
	account, path, name, ok := splitIAMARN(id.arn, typ)
	if !ok {
		what := typ
		if id.name != "" {
			what += " " + id.name
		}
		if id.arn == "" {
			o.e.warn(o.at("Arn"), what, "missing; the %s is left out", typ)
		} else {
			o.e.warn(o.at("Arn"), what, "%q is not an IAM %s ARN (arn:PARTITION:iam::ACCOUNT:%s/PATH/NAME); the %s is left out", id.arn, typ, typ, typ)
		}
		return id, false
	}
	id.account = account
	if o.path == (jsonPath{}) { // the entry itself, not an instance profile inside a role
		o.e.arn, o.e.typ = id.arn, typ
	}
	if id.name != name {
		if id.name != "" {
			o.e.warn(o.at(nameKey), "", "%q disagrees with the ARN %s; the ARN's name %q is kept", id.name, id.arn, name)
		}
		id.name = name
	}
	if id.path != path {
		if id.path != "" {
			o.e.warn(o.at("Path"), "", "%q disagrees with the ARN %s; the ARN's path %q is kept", id.path, id.arn, path)
		}
		id.path = path
	}
	return id, true
}

// splitIAMARN splits an IAM ARN of a resource type ("user", "role", "policy", ...),
// arn:PARTITION:iam::ACCOUNT:TYPE/PATH/NAME, into its account, path ("/" when none) and name.
func splitIAMARN(arn, typ string) (account, path, name string, ok bool) {
	a, err := model.ParseARN(arn)
	if err != nil || a.Service != "iam" || a.Region != "" || a.Account == "" {
		return "", "", "", false
	}
	rest, ok := strings.CutPrefix(a.Resource, typ+"/")
	if !ok {
		return "", "", "", false
	}
	slash := strings.LastIndexByte(rest, '/')
	name = rest[slash+1:]
	if name == "" {
		return "", "", "", false
	}
	return a.Account, "/" + rest[:slash+1], name, true
}
