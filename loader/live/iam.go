package live

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamscope/iamscope/model"
)

const stageIAM = "IAM authorization details"

// iamGraph is what GetAccountAuthorizationDetails gives: the account's principals and policies.
type iamGraph struct {
	users            []*model.User
	groups           []*model.Group
	roles            []*model.Role
	policies         []*model.ManagedPolicy
	instanceProfiles []*model.InstanceProfile
	profileSeen      map[string]bool
}

// fill puts the graph into an account.
func (g *iamGraph) fill(a *model.Account) {
	a.Users, a.Groups, a.Roles = g.users, g.groups, g.roles
	a.Policies, a.InstanceProfiles = g.policies, g.instanceProfiles
}

// errTruncated is a page that says more follow but gives no marker to ask for them.
var errTruncated = errors.New("a page says more follow but gives no marker to ask for them; the listing is incomplete")

// readAuthorizationDetails reads every page of iam:GetAccountAuthorizationDetails: users,
// groups, roles, managed policies (every version) and instance profiles. Without it there is no
// account to speak of, so its failure is the load's.
func (r *reader) readAuthorizationDetails(ctx context.Context) (*iamGraph, error) {
	client := r.iam
	g := &iamGraph{profileSeen: map[string]bool{}}
	pages := 0
	r.report(stageIAM, 0, 0)
	err := paginate(ctx, "iam:GetAccountAuthorizationDetails", func(ctx context.Context, token string) (string, error) {
		out, err := client.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{
			Marker: optional(token), MaxItems: aws.Int32(1000),
		})
		if err != nil {
			return "", err
		}
		pages++
		r.addIAMPage(g, out)
		r.report(stageIAM, len(g.users)+len(g.groups)+len(g.roles)+len(g.policies), 0)
		return iamMarker(out.IsTruncated, out.Marker)
	})
	if err != nil {
		return nil, essentialError(fmt.Sprintf("iam:GetAccountAuthorizationDetails (page %d)", pages+1), err)
	}
	n := len(g.users) + len(g.groups) + len(g.roles) + len(g.policies)
	r.report(stageIAM, n, n)
	return g, nil
}

// iamMarker returns the token of IAM's next page, "" after the last.
func iamMarker(truncated bool, marker *string) (string, error) {
	return truncatedMarker(truncated, marker, "Marker")
}

// truncatedMarker returns the token of a listing's next page from a page's truncation flag
// and marker (named field, for the error): "" after the last page, and errTruncated for a page
// that says more follow but gives no marker, which must not pass for the last page.
func truncatedMarker(truncated bool, marker *string, field string) (string, error) {
	if !truncated {
		return "", nil
	}
	if aws.ToString(marker) == "" {
		return "", fmt.Errorf("%w (no %s)", errTruncated, field)
	}
	return *marker, nil
}

// addIAMPage converts one page of authorization details.
func (r *reader) addIAMPage(g *iamGraph, out *iam.GetAccountAuthorizationDetailsOutput) {
	for _, u := range out.UserDetailList {
		arn := aws.ToString(u.Arn)
		mu := &model.User{
			ARN: arn, Name: aws.ToString(u.UserName), Path: aws.ToString(u.Path), ID: aws.ToString(u.UserId),
			CreateDate: aws.ToTime(u.CreateDate), Groups: u.GroupList,
			AttachedPolicies: attachedARNs(u.AttachedManagedPolicies),
			InlinePolicies:   r.inlinePolicies(arn, u.UserPolicyList),
			Boundary:         boundaryARN(u.PermissionsBoundary),
			Tags:             iamTags(u.Tags),
		}
		g.users = append(g.users, mu)
	}
	for _, gr := range out.GroupDetailList {
		arn := aws.ToString(gr.Arn)
		g.groups = append(g.groups, &model.Group{
			ARN: arn, Name: aws.ToString(gr.GroupName), Path: aws.ToString(gr.Path), ID: aws.ToString(gr.GroupId),
			CreateDate:       aws.ToTime(gr.CreateDate),
			AttachedPolicies: attachedARNs(gr.AttachedManagedPolicies),
			InlinePolicies:   r.inlinePolicies(arn, gr.GroupPolicyList),
		})
	}
	for _, ro := range out.RoleDetailList {
		arn := aws.ToString(ro.Arn)
		mr := &model.Role{
			ARN: arn, Name: aws.ToString(ro.RoleName), Path: aws.ToString(ro.Path), ID: aws.ToString(ro.RoleId),
			CreateDate:       aws.ToTime(ro.CreateDate),
			TrustPolicy:      r.parse(ro.AssumeRolePolicyDocument, "iam:GetAccountAuthorizationDetails "+arn+" trust policy", ofResource("trust policy of "+arn, arn)),
			AttachedPolicies: attachedARNs(ro.AttachedManagedPolicies),
			InlinePolicies:   r.inlinePolicies(arn, ro.RolePolicyList),
			Boundary:         boundaryARN(ro.PermissionsBoundary),
			Tags:             iamTags(ro.Tags),
		}
		if lu := ro.RoleLastUsed; lu != nil {
			mr.LastUsed, mr.LastUsedRegion = lu.LastUsedDate, aws.ToString(lu.Region)
		}
		for _, ip := range ro.InstanceProfileList {
			mr.InstanceProfiles = append(mr.InstanceProfiles, aws.ToString(ip.InstanceProfileName))
			g.addInstanceProfile(ip)
		}
		g.roles = append(g.roles, mr)
	}
	for _, p := range out.Policies {
		arn := aws.ToString(p.Arn)
		mp := &model.ManagedPolicy{
			ARN: arn, Name: policyName(p.PolicyName, arn), Path: aws.ToString(p.Path), ID: aws.ToString(p.PolicyId),
			Description: aws.ToString(p.Description), DefaultVersion: aws.ToString(p.DefaultVersionId),
			AttachmentCount: int(aws.ToInt32(p.AttachmentCount)),
			AWSManaged:      strings.Contains(arn, ":iam::aws:policy/"),
		}
		for _, v := range p.PolicyVersionList {
			id := aws.ToString(v.VersionId)
			mp.Versions = append(mp.Versions, model.PolicyVersion{
				ID: id, IsDefault: v.IsDefaultVersion, CreateDate: aws.ToTime(v.CreateDate),
				Document: r.parse(v.Document, "iam:GetAccountAuthorizationDetails "+arn+" version "+id, ofPolicy("policy "+arn+" version "+id, arn)),
			})
		}
		g.policies = append(g.policies, mp)
	}
}

// policyName returns a managed policy's name, or when the answer leaves it out (as some
// emulators do) the name its ARN ends with: arn:aws:iam::ACCOUNT:policy/PATH/NAME.
func policyName(name *string, arn string) string {
	if n := aws.ToString(name); n != "" {
		return n
	}
	return arn[strings.LastIndexByte(arn, '/')+1:]
}

// addInstanceProfile keeps an instance profile once, however many roles list it.
func (g *iamGraph) addInstanceProfile(ip types.InstanceProfile) {
	arn := aws.ToString(ip.Arn)
	if g.profileSeen[arn] {
		return
	}
	g.profileSeen[arn] = true
	mp := &model.InstanceProfile{ARN: arn, Name: aws.ToString(ip.InstanceProfileName), Path: aws.ToString(ip.Path), ID: aws.ToString(ip.InstanceProfileId)}
	for _, ro := range ip.Roles {
		mp.Roles = append(mp.Roles, aws.ToString(ro.Arn))
	}
	g.instanceProfiles = append(g.instanceProfiles, mp)
}

// inlinePolicies converts the inline policies of the principal owner.
func (r *reader) inlinePolicies(owner string, list []types.PolicyDetail) []model.InlinePolicy {
	var out []model.InlinePolicy
	for _, p := range list {
		name := aws.ToString(p.PolicyName)
		out = append(out, model.InlinePolicy{
			Name:     name,
			Document: r.parse(p.PolicyDocument, "iam:GetAccountAuthorizationDetails "+owner+" inline policy "+name, ofPrincipal("inline policy "+name+" of "+owner, owner)),
		})
	}
	return out
}

// parse parses a policy document from AWS (URL-encoded, as IAM returns them, or plain JSON).
// A document that does not parse is kept as a warning, and nil is returned: the account then
// lacks that policy, and says so.
func (r *reader) parse(doc *string, where string, g gap) *model.Policy {
	if doc == nil || *doc == "" {
		return nil
	}
	p, err := model.ParsePolicy([]byte(*doc))
	if err != nil {
		r.addWarning(g.warning(where, "policy document does not parse: "+err.Error()))
		return nil
	}
	return p
}

func attachedARNs(list []types.AttachedPolicy) []string {
	var out []string
	for _, a := range list {
		out = append(out, aws.ToString(a.PolicyArn))
	}
	return out
}

func boundaryARN(b *types.AttachedPermissionsBoundary) string {
	if b == nil {
		return ""
	}
	return aws.ToString(b.PermissionsBoundaryArn)
}

func iamTags(list []types.Tag) []model.Tag {
	var out []model.Tag
	for _, t := range list {
		out = append(out, model.Tag{Key: aws.ToString(t.Key), Value: aws.ToString(t.Value)})
	}
	return out
}

const stageKeys = "IAM access keys and login profiles"

// readUserCredentials reads each user's access keys and login profile.
func (r *reader) readUserCredentials(ctx context.Context, users []*model.User) {
	var done atomic.Int64
	r.report(stageKeys, 0, len(users))
	started := forEach(ctx, r.concurrency, users, func(ctx context.Context, u *model.User) {
		defer func() { r.report(stageKeys, int(done.Add(1)), len(users)) }()
		r.readLoginProfile(ctx, u)
		r.readAccessKeys(ctx, u)
	})
	r.warnUnstarted(ctx, stageKeys, started, len(users), noDecision("access keys and login profiles of some users"))
}

// readLoginProfile reads whether a user has a console password (iam:GetLoginProfile, which
// returns no password): NoSuchEntity means none; a refusal leaves it unknown, with a warning.
func (r *reader) readLoginProfile(ctx context.Context, u *model.User) {
	_, err := r.iam.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String(u.Name)})
	switch {
	case err == nil:
		u.LoginProfile = model.LoginProfilePresent
	case hasCode(err, "NoSuchEntity"):
		u.LoginProfile = model.LoginProfileAbsent
	default:
		u.LoginProfile = model.LoginProfileUnknown
		r.warn("iam:GetLoginProfile", u.ARN, noDecision("login profile of "+u.ARN), err)
	}
}

// readAccessKeys reads a user's access keys (ids and state; secrets are never returned by the
// API) and when each was last used.
func (r *reader) readAccessKeys(ctx context.Context, u *model.User) {
	client := r.iam
	err := paginate(ctx, "iam:ListAccessKeys", func(ctx context.Context, token string) (string, error) {
		out, err := client.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(u.Name), Marker: optional(token)})
		if err != nil {
			return "", err
		}
		for _, k := range out.AccessKeyMetadata {
			u.AccessKeys = append(u.AccessKeys, model.AccessKey{
				ID: aws.ToString(k.AccessKeyId), Status: string(k.Status), CreateDate: aws.ToTime(k.CreateDate),
			})
		}
		return iamMarker(out.IsTruncated, out.Marker)
	})
	if err != nil {
		r.warn("iam:ListAccessKeys", u.ARN, noDecision("access keys of "+u.ARN), err)
		return
	}
	for i := range u.AccessKeys {
		k := &u.AccessKeys[i]
		out, err := client.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(k.ID)})
		if err != nil {
			r.warn("iam:GetAccessKeyLastUsed", k.ID, noDecision("last use of access key "+k.ID), err)
			continue
		}
		if lu := out.AccessKeyLastUsed; lu != nil {
			k.LastUsed = lu.LastUsedDate
		}
	}
}

// readAlias reads the account's alias; "" when it has none or it cannot be read.
func (r *reader) readAlias(ctx context.Context) string {
	out, err := r.iam.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
	if err != nil {
		r.warn("iam:ListAccountAliases", "", noDecision("account alias"), err)
		return ""
	}
	if len(out.AccountAliases) == 0 {
		return ""
	}
	return out.AccountAliases[0]
}
