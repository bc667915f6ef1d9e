package model

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Account is one AWS account's IAM graph, as loaded from a file, a snapshot, a live account or
// the demo: its principals, policies (every version), resource policies and the organization's
// policies that bind it. Policies are parsed once, when the account is loaded. After loading,
// call Index to resolve groups to members and build the lookups.
type Account struct {
	ID    string `json:"id"`
	Alias string `json:"alias,omitempty"`

	Users            []*User            `json:"users"`
	Groups           []*Group           `json:"groups"`
	Roles            []*Role            `json:"roles"`
	Policies         []*ManagedPolicy   `json:"policies"`
	InstanceProfiles []*InstanceProfile `json:"instanceProfiles,omitempty"`
	// ResourcePolicies are the policies of the account's resources (buckets, keys, queues,
	// topics, functions, secrets, ...), one per resource.
	ResourcePolicies []*ResourcePolicy `json:"resourcePolicies,omitempty"`
	// Functions are the account's Lambda functions with their execution roles, when the source
	// lists them (lambda:ListFunctions, lambda:GetFunction); a dump of
	// get-account-authorization-details does not. Escalation paths that take over a function
	// running with a role name the function when it is known.
	Functions []*Function `json:"functions,omitempty"`
	// Organization holds the SCPs and RCPs that bind the account; nil when it is in no
	// organization or they could not be read (see Warnings).
	Organization *Organization `json:"organization,omitempty"`
	// OwnedResources are the ARNs of the account's resources whose ARN names no account (S3
	// buckets), with or without a policy, so that a request from another account for one of
	// them is decided as cross-account.
	OwnedResources []string `json:"ownedResources,omitempty"`

	// Source says where the account was read from ("file:path", "live:profile", "demo", ...).
	Source string `json:"source,omitempty"`
	// LoadedAt is when the data was read from its source.
	LoadedAt time.Time `json:"loadedAt"`
	// Warnings are what could not be read or made sense of; a non-empty list means the
	// account is partial, and answers about it say so.
	Warnings []Warning `json:"warnings,omitempty"`

	index *accountIndex
}

// Partial reports whether something could not be loaded.
func (a *Account) Partial() bool { return len(a.Warnings) > 0 }

// Warning is one thing that could not be read or understood while loading.
type Warning struct {
	// Where names the input: a file and JSON path, an API operation and resource, ...
	Where string `json:"where"`
	// What is missing or wrong, for people.
	Message string `json:"message"`
	// Missing names the kind of data that is absent because of it ("SCPs", "bucket policy of
	// arn:aws:s3:::logs"), so that answers can say what they could not weigh.
	Missing string `json:"missing,omitempty"`
	// Scope says which answers the missing data can change, and About names what it belongs
	// to: the user, group or role (ScopePrincipal), the resource or resources, an ARN or a
	// pattern with * (ScopeResource), the managed policy (ScopePolicy). Loaders set them; when
	// Scope is empty (older snapshots) Affects infers them from Missing.
	Scope Scope  `json:"scope,omitempty"`
	About string `json:"about,omitempty"`
}

// Scope is the reach of a warning's missing data: which answers it can change.
type Scope string

// The scopes of missing data.
const (
	// ScopeAccount: any answer about the account (its SCPs and RCPs, a listing cut short, an
	// entity left out).
	ScopeAccount Scope = "account"
	// ScopePrincipal: answers about the user or role About names, or the members of the group.
	ScopePrincipal Scope = "principal"
	// ScopeResource: answers about the resources About matches (an ARN, or a pattern with *).
	ScopeResource Scope = "resource"
	// ScopePolicy: answers about the principals the managed policy About is attached to (the
	// engine finds them itself, as it finds the policy missing).
	ScopePolicy Scope = "policy"
	// ScopeNone: no decision depends on it (access keys, their last use, the account alias,
	// a value kept despite a disagreement).
	ScopeNone Scope = "none"
)

// Affects returns the warning's scope and what it is about. A warning without a Scope is read
// from its Missing: nothing missing is ScopeNone; an IAM user, group or role ARN in Missing is
// that principal's, an IAM policy ARN that policy's, another ARN that resource's; anything
// else the whole account's.
func (w Warning) Affects() (Scope, string) {
	if w.Scope != "" {
		return w.Scope, w.About
	}
	if w.Missing == "" {
		return ScopeNone, ""
	}
	i := strings.LastIndex(w.Missing, "arn:")
	if i < 0 {
		return ScopeAccount, ""
	}
	arn := w.Missing[i:]
	if j := strings.IndexAny(arn, " ()"); j >= 0 {
		arn = arn[:j]
	}
	a, err := ParseARN(arn)
	switch {
	case err != nil:
		return ScopeAccount, ""
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "policy/"):
		return ScopePolicy, arn
	case a.Service == "iam" && (strings.HasPrefix(a.Resource, "user/") || strings.HasPrefix(a.Resource, "role/") || strings.HasPrefix(a.Resource, "group/")):
		return ScopePrincipal, arn
	}
	return ScopeResource, arn
}

func (w Warning) String() string {
	if w.Where == "" {
		return w.Message
	}
	return w.Where + ": " + w.Message
}

// Tag is a key-value tag of a principal or resource.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// InlinePolicy is a policy embedded in one user, group or role.
type InlinePolicy struct {
	Name     string  `json:"name"`
	Document *Policy `json:"document"`
}

// User is an IAM user.
type User struct {
	ARN        string    `json:"arn"`
	Name       string    `json:"name"`
	Path       string    `json:"path"`
	ID         string    `json:"id"` // the unique id, AIDA...
	CreateDate time.Time `json:"createDate,omitempty"`
	// Groups are the names of the groups the user belongs to.
	Groups []string `json:"groups,omitempty"`
	// AttachedPolicies are the ARNs of the managed policies attached to the user.
	AttachedPolicies []string       `json:"attachedPolicies,omitempty"`
	InlinePolicies   []InlinePolicy `json:"inlinePolicies,omitempty"`
	// Boundary is the ARN of the user's permission boundary, "" when none.
	Boundary string `json:"boundary,omitempty"`
	Tags     []Tag  `json:"tags,omitempty"`
	// AccessKeys are the user's access keys (ids and state, never secrets).
	AccessKeys []AccessKey `json:"accessKeys,omitempty"`
	// PasswordLastUsed is when the console password was last used; nil when never or unknown.
	PasswordLastUsed *time.Time `json:"passwordLastUsed,omitempty"`
	// LoginProfile says whether the user has a console password: a dump of
	// get-account-authorization-details does not say (unknown); a live load asks
	// iam:GetLoginProfile (NoSuchEntity: absent).
	LoginProfile LoginProfile `json:"loginProfile,omitempty"`
}

// LoginProfile is whether a user has a console password (an IAM login profile), as far as the
// source tells: iam:UpdateLoginProfile needs one to exist, iam:CreateLoginProfile needs none.
type LoginProfile string

// The states of a user's login profile.
const (
	LoginProfileUnknown LoginProfile = ""        // the source does not say
	LoginProfilePresent LoginProfile = "present" // the user has a console password
	LoginProfileAbsent  LoginProfile = "absent"  // the user has none
)

// AccessKey is the public part of a user's access key.
type AccessKey struct {
	ID         string     `json:"id"` // AKIA...
	Status     string     `json:"status,omitempty"`
	CreateDate time.Time  `json:"createDate,omitempty"`
	LastUsed   *time.Time `json:"lastUsed,omitempty"`
}

// Group is an IAM group.
type Group struct {
	ARN              string         `json:"arn"`
	Name             string         `json:"name"`
	Path             string         `json:"path"`
	ID               string         `json:"id"`
	CreateDate       time.Time      `json:"createDate,omitempty"`
	AttachedPolicies []string       `json:"attachedPolicies,omitempty"`
	InlinePolicies   []InlinePolicy `json:"inlinePolicies,omitempty"`
	// Members is filled by Index from the users' group lists.
	Members []*User `json:"-"`
}

// Role is an IAM role.
type Role struct {
	ARN        string    `json:"arn"`
	Name       string    `json:"name"`
	Path       string    `json:"path"`
	ID         string    `json:"id"` // AROA...
	CreateDate time.Time `json:"createDate,omitempty"`
	// TrustPolicy is the role's assume-role policy document.
	TrustPolicy        *Policy        `json:"trustPolicy"`
	AttachedPolicies   []string       `json:"attachedPolicies,omitempty"`
	InlinePolicies     []InlinePolicy `json:"inlinePolicies,omitempty"`
	Boundary           string         `json:"boundary,omitempty"`
	Tags               []Tag          `json:"tags,omitempty"`
	MaxSessionDuration int            `json:"maxSessionDuration,omitempty"`
	// LastUsed is when the role was last assumed; nil when never or unknown.
	LastUsed       *time.Time `json:"lastUsed,omitempty"`
	LastUsedRegion string     `json:"lastUsedRegion,omitempty"`
	// InstanceProfiles are the names of the instance profiles holding the role.
	InstanceProfiles []string `json:"instanceProfiles,omitempty"`
}

// IsServiceLinked reports whether the role is a service-linked role (path /aws-service-role/).
func (r *Role) IsServiceLinked() bool {
	return len(r.Path) >= len("/aws-service-role/") && r.Path[:len("/aws-service-role/")] == "/aws-service-role/"
}

// ManagedPolicy is a customer or AWS managed policy with every version the source gave.
type ManagedPolicy struct {
	ARN             string          `json:"arn"`
	Name            string          `json:"name"`
	Path            string          `json:"path"`
	ID              string          `json:"id,omitempty"`
	Description     string          `json:"description,omitempty"`
	DefaultVersion  string          `json:"defaultVersion"`
	AttachmentCount int             `json:"attachmentCount,omitempty"`
	Versions        []PolicyVersion `json:"versions"`
	// AWSManaged marks AWS managed policies (arn:aws:iam::aws:policy/...).
	AWSManaged bool `json:"awsManaged,omitempty"`
	// FromCatalog marks an AWS managed policy whose document came from the embedded catalog
	// because the source referenced it without including it.
	FromCatalog bool `json:"fromCatalog,omitempty"`
}

// DisplayName returns the policy's name, or, when the source gave none, the name its ARN
// ends with (arn:aws:iam::123456789012:policy/path/NAME), so that no policy is drawn nameless.
func (p *ManagedPolicy) DisplayName() string {
	if p.Name != "" {
		return p.Name
	}
	return p.ARN[strings.LastIndexByte(p.ARN, '/')+1:]
}

// Default returns the default version's document, or nil when the source gave none.
func (p *ManagedPolicy) Default() *Policy {
	for i := range p.Versions {
		if p.Versions[i].IsDefault || p.Versions[i].ID == p.DefaultVersion {
			return p.Versions[i].Document
		}
	}
	return nil
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	ID         string    `json:"id"` // v1, v2, ...
	IsDefault  bool      `json:"isDefault"`
	CreateDate time.Time `json:"createDate,omitempty"`
	Document   *Policy   `json:"document"`
}

// InstanceProfile is an EC2 instance profile and the roles it holds.
type InstanceProfile struct {
	ARN   string   `json:"arn"`
	Name  string   `json:"name"`
	Path  string   `json:"path"`
	ID    string   `json:"id,omitempty"`
	Roles []string `json:"roles"` // role ARNs
}

// ResourcePolicy is the policy attached to one resource.
type ResourcePolicy struct {
	ResourceARN string  `json:"resourceArn"`
	Service     string  `json:"service"` // s3, kms, sqs, sns, lambda, secretsmanager, ...
	Document    *Policy `json:"document"`
	// BlockPublicAccess holds an S3 bucket's effective Block Public Access settings, when read.
	BlockPublicAccess *BlockPublicAccess `json:"blockPublicAccess,omitempty"`
}

// Function is a Lambda function and the role it runs with.
type Function struct {
	ARN  string `json:"arn"`
	Name string `json:"name,omitempty"`
	// Role is the ARN of the function's execution role; "" when not read.
	Role string `json:"role,omitempty"`
}

// BlockPublicAccess is the S3 Block Public Access configuration in force for a bucket.
type BlockPublicAccess struct {
	BlockPublicACLs       bool `json:"blockPublicAcls"`
	IgnorePublicACLs      bool `json:"ignorePublicAcls"`
	BlockPublicPolicy     bool `json:"blockPublicPolicy"`
	RestrictPublicBuckets bool `json:"restrictPublicBuckets"`
}

// Organization holds the organization policies that bind one account, level by level from the
// root to the account itself.
type Organization struct {
	ID string `json:"id,omitempty"`
	// ManagementAccountID is the organization's management account, "" when unknown (older
	// snapshots). SCPs do not bind the management account's principals, nor RCPs its
	// resources (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html).
	ManagementAccountID string     `json:"managementAccountId,omitempty"`
	Levels              []OrgLevel `json:"levels"`
	// Tree is the whole organization the account was loaded with (--org-role), shared by
	// every account of it; nil when only the account's own path was read. Snapshots write it
	// once, beside the accounts.
	Tree *OrgTree `json:"-"`
}

// OrgTree is an organization as a whole: its root, OUs and accounts, each with the SCPs and
// RCPs attached to it directly.
type OrgTree struct {
	ID                  string `json:"id"`
	ManagementAccountID string `json:"managementAccountId,omitempty"`
	// Nodes are the root, the OUs and the accounts, each after its parent.
	Nodes []OrgNode `json:"nodes"`
}

// OrgNodeKind says what a node of an organization is.
type OrgNodeKind string

// The kinds of nodes of an organization.
const (
	OrgRoot    OrgNodeKind = "root"
	OrgUnit    OrgNodeKind = "ou"
	OrgAccount OrgNodeKind = "account"
)

// OrgNode is the root, an OU or an account of an organization, and the policies attached to it.
type OrgNode struct {
	ID     string      `json:"id"`
	Name   string      `json:"name"`
	Kind   OrgNodeKind `json:"kind"`
	Parent string      `json:"parent,omitempty"` // "" for the root
	SCPs   []OrgPolicy `json:"scps,omitempty"`
	RCPs   []OrgPolicy `json:"rcps,omitempty"`
}

// Node returns the node with the id, or nil.
func (t *OrgTree) Node(id string) *OrgNode {
	for i := range t.Nodes {
		if t.Nodes[i].ID == id {
			return &t.Nodes[i]
		}
	}
	return nil
}

// Path returns the levels that bind account, root first, then each OU, then the account;
// nil when the account is not in the tree or its path does not reach a root (a cycle, a
// missing parent).
func (t *OrgTree) Path(account string) []OrgLevel {
	byID := make(map[string]*OrgNode, len(t.Nodes))
	for i := range t.Nodes {
		byID[t.Nodes[i].ID] = &t.Nodes[i]
	}
	var path []OrgLevel
	for n := byID[account]; n != nil; n = byID[n.Parent] {
		if len(path) > len(t.Nodes) {
			return nil
		}
		path = append(path, OrgLevel{ID: n.ID, Name: n.Name, SCPs: n.SCPs, RCPs: n.RCPs})
		if n.Kind == OrgRoot {
			slices.Reverse(path)
			return path
		}
	}
	return nil
}

// IsManagement reports whether account is the organization's management account, which its
// SCPs and RCPs do not bind.
func (o *Organization) IsManagement(account string) bool {
	return o != nil && o.ManagementAccountID != "" && o.ManagementAccountID == account
}

// OrgLevel is one node on the path from the organization root to the account: the root, an
// OU, or the account. Each level's SCPs must allow a request; RCPs only deny.
type OrgLevel struct {
	ID   string      `json:"id"`   // r-..., ou-..., or the account id
	Name string      `json:"name"` // for people
	SCPs []OrgPolicy `json:"scps,omitempty"`
	RCPs []OrgPolicy `json:"rcps,omitempty"`
}

// OrgPolicy is an SCP or RCP.
type OrgPolicy struct {
	ID       string  `json:"id"` // p-...
	Name     string  `json:"name"`
	ARN      string  `json:"arn,omitempty"`
	Document *Policy `json:"document"`
}

// MarshalJSON writes a policy as its document, so that accounts and snapshots hold policies
// as AWS shows them.
func (p *Policy) MarshalJSON() ([]byte, error) {
	if p == nil || len(p.Document) == 0 {
		return []byte("null"), nil
	}
	return p.Document, nil
}

// UnmarshalJSON reads a policy document (in any form ParsePolicy accepts) and parses it.
func (p *Policy) UnmarshalJSON(data []byte) error {
	parsed, err := ParsePolicy(data)
	if err != nil {
		return err
	}
	*p = *parsed
	return nil
}

var _ json.Marshaler = (*Policy)(nil)
