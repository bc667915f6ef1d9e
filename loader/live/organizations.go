package live

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/iamscope/iamscope/model"
)

const (
	stageOrg   = "organization SCPs and RCPs"
	missingOrg = "SCPs and RCPs"
	// maxOrgDepth bounds the walk from the account to the root: AWS allows five levels of OUs.
	maxOrgDepth = 10
)

// allowAllSCP stands for "no SCPs" at each level of an organization where SCPs are not
// enabled but RCPs are: every level must then allow, and does.
const allowAllSCP = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// readOrganization reads the SCPs and RCPs that bind the account, level by level from the
// root down to the account. It returns nil when the account is in no organization (normal) or
// when they cannot all be read (a warning says so): a partial set of levels would misstate
// what the organization allows, in either direction. The organization records its management
// account, which its SCPs and RCPs do not bind; for that account, policies that cannot be
// read leave the organization without levels, and the warning changes no answer.
func (r *reader) readOrganization(ctx context.Context) *model.Organization {
	r.report(stageOrg, 0, 0)
	desc, err := r.org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if hasCode(err, "AWSOrganizationsNotInUseException") {
		return nil
	}
	if err != nil {
		r.warn("organizations:DescribeOrganization", "", ofAccount(missingOrg), err)
		return nil
	}
	org := &model.Organization{}
	if o := desc.Organization; o != nil {
		org.ID, org.ManagementAccountID = aws.ToString(o.Id), aws.ToString(o.MasterAccountId)
	}
	// The organization's policies do not bind its management account: when they cannot be
	// read, no answer about it is missing anything, and the organization is kept without them
	// (its id still answers aws:PrincipalOrgID).
	gapOf, unread := ofAccount, (*model.Organization)(nil)
	if org.IsManagement(r.accountID) {
		gapOf = func(m string) gap {
			return noDecision(m + " (organization policies do not bind the management account)")
		}
		unread = org
	}
	missing := gapOf(missingOrg)

	root, err := r.orgRoot(ctx)
	if err != nil {
		r.warn("organizations:ListRoots", org.ID, missing, err)
		return unread
	}
	scps := policyTypeEnabled(root, types.PolicyTypeServiceControlPolicy)
	rcps := policyTypeEnabled(root, types.PolicyTypeResourceControlPolicy)
	if !scps && !rcps {
		return org // no organization policies in force
	}

	levels, err := r.orgPath(ctx, root)
	if err != nil {
		r.warn("organizations:ListParents", r.accountID, missing, err)
		return unread
	}
	docs := map[string]*model.Policy{} // by policy id: FullAWSAccess is attached at every level
	for i := range levels {
		lv := &levels[i]
		r.report(stageOrg, i, len(levels))
		if scps {
			if lv.SCPs, err = r.orgPolicies(ctx, docs, lv.ID, types.PolicyTypeServiceControlPolicy, gapOf); err != nil {
				r.warn("organizations:ListPoliciesForTarget", lv.ID+" SERVICE_CONTROL_POLICY", missing, err)
				return unread
			}
		} else {
			doc, _ := model.ParsePolicy([]byte(allowAllSCP))
			lv.SCPs = []model.OrgPolicy{{Name: "SCPs not enabled in the organization", Document: doc}}
		}
		if rcps {
			if lv.RCPs, err = r.orgPolicies(ctx, docs, lv.ID, types.PolicyTypeResourceControlPolicy, gapOf); err != nil {
				r.warn("organizations:ListPoliciesForTarget", lv.ID+" RESOURCE_CONTROL_POLICY", missing, err)
				return unread
			}
		}
	}
	r.report(stageOrg, len(levels), len(levels))
	org.Levels = levels
	return org
}

// orgRoot returns the organization's root.
func (r *reader) orgRoot(ctx context.Context) (types.Root, error) {
	out, err := r.org.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		return types.Root{}, err
	}
	if len(out.Roots) == 0 {
		return types.Root{}, fmt.Errorf("the organization has no root")
	}
	return out.Roots[0], nil
}

func policyTypeEnabled(root types.Root, t types.PolicyType) bool {
	return slices.ContainsFunc(root.PolicyTypes, func(s types.PolicyTypeSummary) bool {
		return s.Type == t && s.Status == types.PolicyTypeStatusEnabled
	})
}

// orgPath walks from the account up to the root and returns the levels root first, then each
// OU, then the account.
func (r *reader) orgPath(ctx context.Context, root types.Root) ([]model.OrgLevel, error) {
	path := []model.OrgLevel{{ID: r.accountID, Name: "account " + r.accountID}}
	child := r.accountID
	for range maxOrgDepth {
		out, err := r.org.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(child)})
		if err != nil {
			return nil, err
		}
		if len(out.Parents) != 1 {
			return nil, fmt.Errorf("%s has %d parents, want 1", child, len(out.Parents))
		}
		p := out.Parents[0]
		id := aws.ToString(p.Id)
		if p.Type == types.ParentTypeRoot {
			name := aws.ToString(root.Name)
			if name == "" {
				name = "Root"
			}
			path = append(path, model.OrgLevel{ID: id, Name: name})
			slices.Reverse(path)
			return path, nil
		}
		path = append(path, model.OrgLevel{ID: id, Name: r.ouName(ctx, id)})
		child = id
	}
	return nil, fmt.Errorf("no root within %d levels above account %s", maxOrgDepth, r.accountID)
}

// ouName returns an OU's name, or its id when the name cannot be read (the name is only for
// people, so that is no warning).
func (r *reader) ouName(ctx context.Context, id string) string {
	out, err := r.org.DescribeOrganizationalUnit(ctx, &organizations.DescribeOrganizationalUnitInput{OrganizationalUnitId: aws.String(id)})
	if err != nil || out.OrganizationalUnit == nil || aws.ToString(out.OrganizationalUnit.Name) == "" {
		return id
	}
	return aws.ToString(out.OrganizationalUnit.Name)
}

// orgPolicies returns the policies of one type attached to one target, with their documents;
// gapOf says what a document that does not parse leaves out.
func (r *reader) orgPolicies(ctx context.Context, docs map[string]*model.Policy, target string, t types.PolicyType, gapOf func(string) gap) ([]model.OrgPolicy, error) {
	var out []model.OrgPolicy
	err := paginate(ctx, "organizations:ListPoliciesForTarget", func(ctx context.Context, token string) (string, error) {
		page, err := r.org.ListPoliciesForTarget(ctx, &organizations.ListPoliciesForTargetInput{
			TargetId: aws.String(target), Filter: t, NextToken: optional(token),
		})
		if err != nil {
			return "", err
		}
		for _, s := range page.Policies {
			out = append(out, model.OrgPolicy{ID: aws.ToString(s.Id), Name: aws.ToString(s.Name), ARN: aws.ToString(s.Arn)})
		}
		return aws.ToString(page.NextToken), nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		p := &out[i]
		doc, ok := docs[p.ID]
		if !ok {
			d, err := r.org.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String(p.ID)})
			if err != nil {
				return nil, fmt.Errorf("organizations:DescribePolicy %s: %w", p.ID, err)
			}
			var content *string
			if d.Policy != nil {
				content = d.Policy.Content
			}
			// A document that does not parse stays in the list with no document: the policy
			// is there, and the engine says it could not weigh it.
			doc = r.parse(content, "organizations:DescribePolicy "+p.ID, gapOf(fmt.Sprintf("%s %s (%s) at %s", policyKind(t), p.ID, p.Name, target)))
			docs[p.ID] = doc
		}
		p.Document = doc
	}
	return out, nil
}

func policyKind(t types.PolicyType) string {
	if t == types.PolicyTypeResourceControlPolicy {
		return "RCP"
	}
	return "SCP"
}
