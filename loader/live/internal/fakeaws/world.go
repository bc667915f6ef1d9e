package fakeaws

import "fmt"

// World is the account a fake serves. Policy documents are plain JSON; the fake encodes them
// the way each API does (URL-encoded for IAM).
type World struct {
	AccountID string
	Region    string // where the regional resources live
	Alias     string
	CallerARN string
	// PageSize is how many items each page of every listing holds; small values exercise
	// pagination. 0 means everything on one page.
	PageSize int
	// ListBucketsWithoutRegion leaves BucketRegion out of ListBuckets, as older S3 endpoints do,
	// so that the loader must ask each bucket for its location.
	ListBucketsWithoutRegion bool
	// DropMarkers names operations ("iam:GetAccountAuthorizationDetails", "iam:ListAccessKeys",
	// "kms:ListKeys") whose pages say that more follow (IsTruncated, Truncated) but give no
	// marker to ask for them, as a broken proxy or endpoint might.
	DropMarkers []string

	Users    []User
	Groups   []Group
	Roles    []Role
	Policies []ManagedPolicy

	Buckets                  []Bucket
	AccountPublicAccessBlock *PublicAccessBlock // nil: none configured
	Keys                     []Resource         // KMS keys (Name is the key id)
	Queues                   []Resource
	Topics                   []Resource
	Functions                []Resource
	Secrets                  []Resource

	Org *Org // nil: the account is in no organization
}

// User is an IAM user.
type User struct {
	Name, ID   string
	Groups     []string
	Attached   []string          // managed policy ARNs
	Inline     map[string]string // name -> document
	Boundary   string
	Tags       map[string]string
	AccessKeys []string // key ids
	// LoginProfile gives the user a console password (GetLoginProfile answers NoSuchEntity
	// without one).
	LoginProfile bool
}

// Group is an IAM group.
type Group struct {
	Name, ID string
	Attached []string
	Inline   map[string]string
}

// Role is an IAM role.
type Role struct {
	Name, ID        string
	Trust           string
	Attached        []string
	Inline          map[string]string
	InstanceProfile string // "" for none
}

// ManagedPolicy is a managed policy; the last version is the default.
type ManagedPolicy struct {
	ARN, Name string
	Versions  []string // documents, v1 first
}

// Bucket is an S3 bucket.
type Bucket struct {
	Name, Region      string
	Policy            string // "" for none
	PublicAccessBlock *PublicAccessBlock
}

// PublicAccessBlock is a Block Public Access configuration.
type PublicAccessBlock struct {
	BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets bool
}

// Resource is a KMS key, SQS queue, SNS topic, Lambda function or secret, and its policy.
type Resource struct {
	Name   string
	Policy string // "" for none
	Role   string // a Lambda function's execution role ARN
}

// Org is the organization the account belongs to.
type Org struct {
	ID, RootID, RootName string
	// ManagementAccount is the organization's management account; "" means 000011112222,
	// another account than the World's.
	ManagementAccount      string
	SCPEnabled, RCPEnabled bool
	OUs                    []OU
	AccountParent          string // id of the account's OU, or RootID
	Policies               []OrgPolicy
	// Accounts are the organization's accounts; empty means the World's account alone, under
	// AccountParent.
	Accounts []OrgAccount
}

// OrgAccount is an account of an organization and where it sits.
type OrgAccount struct {
	ID, Name, Parent string
	Status           string // "" means ACTIVE
}

// accounts returns the organization's accounts.
func (o *Org) accounts(self string) []OrgAccount {
	if len(o.Accounts) > 0 {
		return o.Accounts
	}
	return []OrgAccount{{ID: self, Name: "account " + self, Parent: o.AccountParent}}
}

// OU is an organizational unit.
type OU struct{ ID, Name, Parent string }

// OrgPolicy is an SCP or RCP and where it is attached.
type OrgPolicy struct {
	ID, Name string
	RCP      bool
	Document string
	Targets  []string // root, OU or account ids
}

// ARN helpers for the fake's resources.
// dropsMarker reports whether the operation's pages leave out their marker.
func (w *World) dropsMarker(op string) bool {
	for _, o := range w.DropMarkers {
		if o == op {
			return true
		}
	}
	return false
}

func (w *World) userARN(name string) string { return "arn:aws:iam::" + w.AccountID + ":user/" + name }
func (w *World) groupARN(name string) string {
	return "arn:aws:iam::" + w.AccountID + ":group/" + name
}
func (w *World) roleARN(name string) string { return "arn:aws:iam::" + w.AccountID + ":role/" + name }
func (w *World) regional(service, resource string) string {
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, w.Region, w.AccountID, resource)
}

// KeyARN, QueueARN, TopicARN, FunctionARN and SecretARN name the World's regional resources.
func (w *World) KeyARN(id string) string        { return w.regional("kms", "key/"+id) }
func (w *World) QueueARN(name string) string    { return w.regional("sqs", name) }
func (w *World) TopicARN(name string) string    { return w.regional("sns", name) }
func (w *World) FunctionARN(name string) string { return w.regional("lambda", "function:"+name) }
func (w *World) SecretARN(name string) string {
	return w.regional("secretsmanager", "secret:"+name+"-AbCdEf")
}

// Sample returns a small account with something of every kind, listings of several pages, and
// an organization of root, one OU and the account.
func Sample() *World {
	const acct = "111122223333"
	allow := func(action, resource string) string {
		return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":%q,"Resource":%q}]}`, action, resource)
	}
	grant := func(principal, action, resource string) string {
		return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":%q},"Action":%q,"Resource":%q}]}`, principal, action, resource)
	}
	w := &World{
		AccountID: acct, Region: "eu-west-1", Alias: "example-prod",
		CallerARN: "arn:aws:iam::" + acct + ":user/auditor", PageSize: 2,
		AccountPublicAccessBlock: &PublicAccessBlock{BlockPublicAcls: true},
	}
	w.Policies = []ManagedPolicy{
		{ARN: "arn:aws:iam::aws:policy/ReadOnlyAccess", Name: "ReadOnlyAccess", Versions: []string{allow("*:Get*", "*"), allow("*:List*", "*")}},
		{ARN: "arn:aws:iam::" + acct + ":policy/DevBoundary", Name: "DevBoundary", Versions: []string{allow("s3:*", "*")}},
		{ARN: "arn:aws:iam::" + acct + ":policy/Deploy", Name: "Deploy", Versions: []string{allow("lambda:*", "*")}},
	}
	w.Groups = []Group{
		{Name: "admins", ID: "AGPAADMINS", Attached: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}},
		{Name: "developers", ID: "AGPADEVELOPERS", Inline: map[string]string{"logs": allow("logs:*", "*")}},
	}
	for i, name := range []string{"alice", "bob", "carol", "dave", "erin"} {
		u := User{Name: name, ID: fmt.Sprintf("AIDAUSER%d", i), Groups: []string{"developers"},
			AccessKeys: []string{fmt.Sprintf("AKIAFAKE%04d", i)}}
		if i == 0 {
			u.Groups = append(u.Groups, "admins")
			u.Tags = map[string]string{"team": "platform"}
			u.AccessKeys = append(u.AccessKeys, "AKIAFAKE9999")
			u.LoginProfile = true
		}
		if i == 1 {
			u.Boundary = "arn:aws:iam::" + acct + ":policy/DevBoundary"
			u.Inline = map[string]string{"extra": allow("sqs:SendMessage", "*")}
		}
		w.Users = append(w.Users, u)
	}
	trust := func(service string) string {
		return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":%q},"Action":"sts:AssumeRole"}]}`, service)
	}
	w.Roles = []Role{
		{Name: "deployer", ID: "AROADEPLOYER", Trust: trust("codebuild.amazonaws.com"), Attached: []string{"arn:aws:iam::" + acct + ":policy/Deploy"}},
		{Name: "web", ID: "AROAWEB", Trust: trust("ec2.amazonaws.com"), InstanceProfile: "web", Inline: map[string]string{"s3": allow("s3:GetObject", "*")}},
		{Name: "auditor", ID: "AROAAUDITOR", Trust: grant("arn:aws:iam::999988887777:root", "sts:AssumeRole", "*")},
	}
	w.Buckets = []Bucket{
		{Name: "logs", Region: "eu-west-1", Policy: grant("arn:aws:iam::"+acct+":role/web", "s3:PutObject", "arn:aws:s3:::logs/*"),
			PublicAccessBlock: &PublicAccessBlock{BlockPublicPolicy: true, RestrictPublicBuckets: true}},
		{Name: "public-site", Region: "us-east-1", Policy: grant("*", "s3:GetObject", "arn:aws:s3:::public-site/*")},
		{Name: "scratch", Region: "us-west-2"},
	}
	w.Keys = []Resource{
		{Name: "1234abcd-0000-0000-0000-000000000001", Policy: grant("arn:aws:iam::"+acct+":root", "kms:*", "*")},
		{Name: "1234abcd-0000-0000-0000-000000000002", Policy: grant("arn:aws:iam::"+acct+":role/web", "kms:Decrypt", "*")},
		{Name: "1234abcd-0000-0000-0000-000000000003", Policy: grant("arn:aws:iam::"+acct+":root", "kms:*", "*")},
	}
	w.Queues = []Resource{
		{Name: "jobs", Policy: grant("arn:aws:iam::"+acct+":role/deployer", "sqs:SendMessage", w.QueueARN("jobs"))},
		{Name: "dead-letters"},
		{Name: "events", Policy: grant("*", "sqs:SendMessage", w.QueueARN("events"))},
	}
	w.Topics = []Resource{
		{Name: "alerts", Policy: grant("arn:aws:iam::"+acct+":root", "sns:Publish", w.TopicARN("alerts"))},
		{Name: "builds", Policy: grant("arn:aws:iam::"+acct+":root", "sns:Subscribe", w.TopicARN("builds"))},
		{Name: "audit", Policy: grant("arn:aws:iam::999988887777:root", "sns:Subscribe", w.TopicARN("audit"))},
	}
	w.Functions = []Resource{
		{Name: "thumbnailer", Policy: grant("arn:aws:iam::"+acct+":root", "lambda:InvokeFunction", w.FunctionARN("thumbnailer")), Role: w.roleARN("deployer")},
		{Name: "cron", Role: w.roleARN("web")},
		{Name: "webhook", Policy: grant("*", "lambda:InvokeFunction", w.FunctionARN("webhook"))},
	}
	w.Secrets = []Resource{
		{Name: "db-password", Policy: grant("arn:aws:iam::"+acct+":role/web", "secretsmanager:GetSecretValue", "*")},
		{Name: "api-token"},
		{Name: "signing-key", Policy: grant("arn:aws:iam::"+acct+":role/deployer", "secretsmanager:GetSecretValue", "*")},
	}
	w.Org = &Org{
		ID: "o-exampleorg", RootID: "r-root", RootName: "Root", SCPEnabled: true, RCPEnabled: true,
		OUs:           []OU{{ID: "ou-root-prod", Name: "Production", Parent: "r-root"}},
		AccountParent: "ou-root-prod",
		Policies: []OrgPolicy{
			{ID: "p-FullAWSAccess", Name: "FullAWSAccess", Document: allow("*", "*"), Targets: []string{"r-root", "ou-root-prod", acct}},
			{ID: "p-regions", Name: "DenyOtherRegions", Targets: []string{"ou-root-prod"},
				Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"iam:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}}]}`},
			{ID: "p-RCPFullAWSAccess", Name: "RCPFullAWSAccess", RCP: true, Targets: []string{"r-root", "ou-root-prod", acct},
				Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`},
		},
	}
	return w
}
