package catalog

import (
	_ "embed"
	"strings"
)

//go:embed data/managed-policies.bin.gz
var managedGz []byte

// ManagedPolicy is the latest version of an AWS managed policy. Account dumps list the AWS
// managed policies attached to principals, but not always their documents; the engine takes
// them from here.
type ManagedPolicy struct {
	Name      string // "AdministratorAccess"
	ARN       string // "arn:aws:iam::aws:policy/AdministratorAccess", in the aws partition
	Path      string // "/", "/service-role/", "/job-function/", ...
	VersionID string // the default version: "v1"
	// Document is the policy document, the JSON AWS publishes (compacted: no insignificant
	// white space). It is shared: do not modify it.
	Document []byte
}

// managedSet is the decoded managed policies.
type managedSet struct {
	policies []*ManagedPolicy          // sorted by name
	byName   map[string]*ManagedPolicy // by lowercased name
	err      error
}

// managedFile is managed-policies.bin.gz, decoded on first use apart from the action data, so
// that action lookups never pay for policy documents.
var managedFile = &embeddedFile[managedSet]{
	name:   "managed-policies.bin.gz",
	gz:     managedGz,
	decode: decodeManaged,
	failed: func(err error) *managedSet { return &managedSet{err: err} },
}

// loadManaged decodes the managed policies on first use and returns them; after a failure it
// returns an empty set that records the error.
func loadManaged() *managedSet { return managedFile.load() }

// decodeManaged decodes the raw managed policies file; the documents share its buffer.
func decodeManaged(raw []byte) (*managedSet, error) {
	r := &reader{buf: raw}
	r.magic(managedMagic)
	n := r.count(4)
	values := make([]ManagedPolicy, n)
	set := &managedSet{policies: make([]*ManagedPolicy, n), byName: make(map[string]*ManagedPolicy, n)}
	for i := range values {
		p := &values[i]
		p.Name = string(r.bytes())
		p.Path = string(r.bytes())
		p.VersionID = string(r.bytes())
		p.Document = r.bytes()
		if r.err != nil {
			break
		}
		if p.Name == "" || !strings.HasPrefix(p.Path, "/") || !strings.HasSuffix(p.Path, "/") {
			r.fail("policy %d has name %q and path %q", i, p.Name, p.Path)
			break
		}
		if i > 0 && values[i-1].Name >= p.Name {
			r.fail("policies out of order: %q before %q", values[i-1].Name, p.Name)
			break
		}
		p.ARN = "arn:aws:iam::aws:policy" + p.Path + p.Name
		set.policies[i] = p
		set.byName[toLowerASCII(p.Name)] = p
	}
	if err := r.done(); err != nil {
		return nil, err
	}
	return set, nil
}

// ManagedPolicies returns every AWS managed policy, sorted by name. The slice is shared: do not
// modify it.
func ManagedPolicies() []*ManagedPolicy {
	return loadManaged().policies
}

// LookupManagedPolicy finds an AWS managed policy by name, regardless of case
// ("AdministratorAccess"), or by ARN in any partition
// ("arn:aws-us-gov:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"), where the path
// and name must match exactly.
func LookupManagedPolicy(nameOrARN string) (*ManagedPolicy, bool) {
	set := loadManaged()
	if !strings.HasPrefix(nameOrARN, "arn:") {
		p, ok := set.byName[toLowerASCII(nameOrARN)]
		return p, ok
	}
	fields := strings.SplitN(nameOrARN, ":", 6)
	if len(fields) != 6 || fields[2] != "iam" || fields[3] != "" || fields[4] != "aws" {
		return nil, false
	}
	rest, ok := strings.CutPrefix(fields[5], "policy/")
	if !ok {
		return nil, false
	}
	slash := strings.LastIndexByte(rest, '/')
	path, name := "/"+rest[:slash+1], rest[slash+1:]
	p, ok := set.byName[toLowerASCII(name)]
	if !ok || p.Name != name || p.Path != path {
		return nil, false
	}
	return p, true
}
