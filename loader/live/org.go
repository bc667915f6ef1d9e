package live

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/model"
)

// OrgOptions says how to read a whole organization (--org-role).
type OrgOptions struct {
	// Options are those of the management account (or a delegated administrator of
	// Organizations) whose credentials list the accounts and assume the role in each; every
	// account is read with the same region, endpoint, retries and limits.
	Options
	// RoleName is the role assumed in each account: arn:PARTITION:iam::ACCOUNT:role/RoleName.
	RoleName string
	// Accounts, when set, narrows the load to these account ids.
	Accounts []string
	// OU, when set, narrows the load to the accounts under this OU (at any depth), or this root.
	OU string
	// AccountConcurrency bounds the accounts read at once; 0 means 8. Each account has its own
	// bound of calls in flight (Options.Concurrency), as AWS's throttling limits are per account.
	AccountConcurrency int
}

const (
	defaultAccountConcurrency = 8
	// orgConcurrency bounds the Organizations calls in flight: its throttling limits are low
	// and shared by the whole organization.
	orgConcurrency = 4
	stageTree      = "organization tree"
)

// LoadOrganization reads every account of the organization that opts' credentials manage: it
// lists the accounts (organizations:ListAccounts), reads the tree of roots, OUs and accounts
// with the SCPs and RCPs attached at each level, and loads each account with credentials from
// sts:AssumeRole into opts.RoleName there (the caller's own account with its own credentials),
// several at once. Each account's organization policies are those of its own path in the
// tree; the management account is bound by none.
//
// An account whose role cannot be assumed, or whose load fails, is kept with its id, name and
// place in the tree and a warning that names it: answers that could depend on it say partial.
// An account without an IAM account alias is given its name in the organization as its Alias,
// for people to tell the accounts apart.
// It fails when the organization cannot be read. When ctx is cancelled it stops promptly and
// returns the accounts read so far, with an error wrapping ctx's.
func LoadOrganization(ctx context.Context, opts OrgOptions, progress loader.ProgressFunc) ([]*model.Account, error) {
	if opts.RoleName == "" {
		return nil, fmt.Errorf("live: --org-role needs a role name")
	}
	base, err := baseConfig(ctx, opts.Options)
	if err != nil {
		return nil, err
	}
	mgmtCfg := guarded(base, Options{Concurrency: orgConcurrency, AttemptTimeout: opts.AttemptTimeout})
	r := newReader(mgmtCfg, opts.Options, progress)
	r.report("caller identity", 0, 1)
	id, err := r.readIdentity(ctx)
	if err != nil {
		return nil, err
	}
	r.accountID, r.partition = id.account, id.partition

	tree, names, err := r.readTree(ctx)
	if err != nil {
		return nil, err
	}
	selected, err := selectAccounts(tree, opts.Accounts, opts.OU)
	if err != nil {
		return nil, err
	}

	roles := map[string]bool{}
	roleOf := func(acct string) string { return "arn:" + id.partition + ":iam::" + acct + ":role/" + opts.RoleName }
	for _, a := range selected {
		if a != id.account {
			roles[roleOf(a)] = true
		}
	}
	// The one client that may send a call other than a read: sts:AssumeRole, for exactly
	// these roles. It is built from the management account's configuration (endpoint, region,
	// retryer, credentials).
	attemptTimeout := opts.AttemptTimeout
	if attemptTimeout <= 0 {
		attemptTimeout = defaultAttemptTime
	}
	assumeCfg := base.Copy()
	assumeCfg.APIOptions = append(assumeCfg.APIOptions[:len(assumeCfg.APIOptions):len(assumeCfg.APIOptions)],
		allowAssumingOnly(roles), timeoutEachAttempt(attemptTimeout))
	stsClient := sts.NewFromConfig(assumeCfg)

	n := opts.AccountConcurrency
	if n <= 0 {
		n = defaultAccountConcurrency
	}
	var (
		mu       sync.Mutex
		accounts = make([]*model.Account, len(selected))
		done     atomic.Int64
	)
	report := func(acct, stage string, p loader.Progress) {
		if progress == nil {
			return
		}
		progress(loader.Progress{Stage: fmt.Sprintf("accounts %d/%d · %s %s", done.Load(), len(selected), acct, stage),
			Done: p.Done, Total: p.Total, Warnings: p.Warnings, Account: acct, Step: stage})
	}
	index := map[string]int{}
	for i, a := range selected {
		index[a] = i
	}
	forEach(ctx, n, selected, func(ctx context.Context, acct string) {
		org := &model.Organization{ID: tree.ID, ManagementAccountID: tree.ManagementAccountID, Levels: tree.Path(acct), Tree: tree}
		cfg := base.Copy()
		if acct != id.account {
			cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(stsClient, roleOf(acct), func(o *stscreds.AssumeRoleOptions) {
				o.RoleSessionName = "iamscope"
			}))
		}
		cfg = guarded(cfg, opts.Options)
		sub := func(p loader.Progress) { report(acct, p.Stage, p) }
		a, where, err := loadMember(ctx, cfg, opts.Options, sub, org, acct, roleOf(acct), id.account)
		if a == nil {
			a = unreadAccount(acct, org, where, err)
		}
		if a.Alias == "" {
			a.Alias = names[acct]
		}
		mu.Lock()
		accounts[index[acct]] = a
		mu.Unlock()
		done.Add(1)
		report(acct, "done", loader.Progress{})
	})
	var out []*model.Account
	for _, a := range accounts {
		if a != nil {
			out = append(out, a)
		}
	}
	if ctx.Err() != nil {
		return out, fmt.Errorf("live: load of organization %s interrupted after %d of %d accounts: %w", tree.ID, len(out), len(selected), context.Cause(ctx))
	}
	return out, nil
}

// loadMember loads one account of the organization; a nil account means it could not be read:
// where names the step that failed (sts:AssumeRole ROLE, or the account's load) and err why.
func loadMember(ctx context.Context, cfg aws.Config, opts Options, progress loader.ProgressFunc, org *model.Organization, acct, role, caller string) (_ *model.Account, where string, _ error) {
	if acct != caller {
		if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
			return nil, "sts:AssumeRole " + role, err
		}
	}
	where = "live load of account " + acct
	a, err := loadAccount(ctx, cfg, opts, progress, org, "live:org/"+acct)
	if err != nil && a == nil {
		return nil, where, err
	}
	if a != nil && a.ID != acct {
		return nil, where, fmt.Errorf("the credentials for %s belong to account %s", role, a.ID)
	}
	return a, where, nil
}

// unreadAccount is an account of the organization that could not be read: its id and place in
// the tree, and a warning, at where, that every answer about it depends on what was not read.
func unreadAccount(acct string, org *model.Organization, where string, err error) *model.Account {
	msg := "not read"
	if err != nil {
		msg = err.Error()
	}
	a := &model.Account{ID: acct, Organization: org, Source: "live:org/" + acct, Warnings: []model.Warning{{
		Where: where, Message: msg, Missing: "every principal, policy and resource of account " + acct, Scope: model.ScopeAccount,
	}}}
	a.Index()
	return a
}

// readTree reads the organization: its id and management account, its accounts and their
// names, the root, the OUs, and the SCPs and RCPs attached to each node.
func (r *reader) readTree(ctx context.Context) (*model.OrgTree, map[string]string, error) {
	r.report(stageTree, 0, 0)
	desc, err := r.org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		return nil, nil, fmt.Errorf("live: --org-role needs the organization: organizations:DescribeOrganization: %w", err)
	}
	tree := &model.OrgTree{}
	if o := desc.Organization; o != nil {
		tree.ID, tree.ManagementAccountID = aws.ToString(o.Id), aws.ToString(o.MasterAccountId)
	}
	names := map[string]string{}
	active := map[string]bool{}
	err = paginate(ctx, "organizations:ListAccounts", func(ctx context.Context, token string) (string, error) {
		out, err := r.org.ListAccounts(ctx, &organizations.ListAccountsInput{NextToken: optional(token)})
		if err != nil {
			return "", err
		}
		for _, a := range out.Accounts {
			names[aws.ToString(a.Id)] = aws.ToString(a.Name)
			active[aws.ToString(a.Id)] = a.Status == "" || a.Status == types.AccountStatusActive
		}
		return aws.ToString(out.NextToken), nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("live: --org-role needs the organization's accounts (from its management account or a delegated administrator): organizations:ListAccounts: %w", err)
	}
	root, err := r.orgRoot(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("live: organizations:ListRoots: %w", err)
	}
	rootName := aws.ToString(root.Name)
	if rootName == "" {
		rootName = "Root"
	}
	tree.Nodes = append(tree.Nodes, model.OrgNode{ID: aws.ToString(root.Id), Name: rootName, Kind: model.OrgRoot})
	// Breadth first from the root: each parent's OUs and accounts.
	for i := 0; i < len(tree.Nodes); i++ {
		parent := tree.Nodes[i]
		if parent.Kind == model.OrgAccount {
			continue
		}
		r.report(stageTree, i, len(tree.Nodes))
		err := paginate(ctx, "organizations:ListOrganizationalUnitsForParent", func(ctx context.Context, token string) (string, error) {
			out, err := r.org.ListOrganizationalUnitsForParent(ctx, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent.ID), NextToken: optional(token)})
			if err != nil {
				return "", err
			}
			for _, ou := range out.OrganizationalUnits {
				tree.Nodes = append(tree.Nodes, model.OrgNode{ID: aws.ToString(ou.Id), Name: cmp.Or(aws.ToString(ou.Name), aws.ToString(ou.Id)), Kind: model.OrgUnit, Parent: parent.ID})
			}
			return aws.ToString(out.NextToken), nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("live: organizations:ListOrganizationalUnitsForParent %s: %w", parent.ID, err)
		}
		err = paginate(ctx, "organizations:ListAccountsForParent", func(ctx context.Context, token string) (string, error) {
			out, err := r.org.ListAccountsForParent(ctx, &organizations.ListAccountsForParentInput{ParentId: aws.String(parent.ID), NextToken: optional(token)})
			if err != nil {
				return "", err
			}
			for _, a := range out.Accounts {
				tree.Nodes = append(tree.Nodes, model.OrgNode{ID: aws.ToString(a.Id), Name: aws.ToString(a.Name), Kind: model.OrgAccount, Parent: parent.ID})
			}
			return aws.ToString(out.NextToken), nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("live: organizations:ListAccountsForParent %s: %w", parent.ID, err)
		}
	}
	// Accounts ListAccounts named but no parent listed, or suspended ones, are left out.
	tree.Nodes = slices.DeleteFunc(tree.Nodes, func(n model.OrgNode) bool { return n.Kind == model.OrgAccount && !active[n.ID] })

	for _, t := range []types.PolicyType{types.PolicyTypeServiceControlPolicy, types.PolicyTypeResourceControlPolicy} {
		if err := r.attachPolicies(ctx, tree, root, t); err != nil {
			return nil, nil, err
		}
	}
	r.report(stageTree, len(tree.Nodes), len(tree.Nodes))
	return tree, names, nil
}

// attachPolicies reads the organization's policies of one type and puts each on the nodes it
// is attached to. When the type is not enabled, RCPs are none and SCPs allow everything at
// every level (as readOrganization does for one account).
func (r *reader) attachPolicies(ctx context.Context, tree *model.OrgTree, root types.Root, t types.PolicyType) error {
	add := func(n *model.OrgNode, p model.OrgPolicy) {
		if t == types.PolicyTypeResourceControlPolicy {
			n.RCPs = append(n.RCPs, p)
		} else {
			n.SCPs = append(n.SCPs, p)
		}
	}
	if !policyTypeEnabled(root, t) {
		if t == types.PolicyTypeServiceControlPolicy {
			doc, _ := model.ParsePolicy([]byte(allowAllSCP))
			for i := range tree.Nodes {
				add(&tree.Nodes[i], model.OrgPolicy{Name: "SCPs not enabled in the organization", Document: doc})
			}
		}
		return nil
	}
	var policies []model.OrgPolicy
	err := paginate(ctx, "organizations:ListPolicies", func(ctx context.Context, token string) (string, error) {
		out, err := r.org.ListPolicies(ctx, &organizations.ListPoliciesInput{Filter: t, NextToken: optional(token)})
		if err != nil {
			return "", err
		}
		for _, s := range out.Policies {
			policies = append(policies, model.OrgPolicy{ID: aws.ToString(s.Id), Name: aws.ToString(s.Name), ARN: aws.ToString(s.Arn)})
		}
		return aws.ToString(out.NextToken), nil
	})
	if err != nil {
		return fmt.Errorf("live: organizations:ListPolicies %s: %w", t, err)
	}
	byID := map[string]*model.OrgNode{}
	for i := range tree.Nodes {
		byID[tree.Nodes[i].ID] = &tree.Nodes[i]
	}
	for i := range policies {
		p := &policies[i]
		d, err := r.org.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String(p.ID)})
		if err != nil {
			return fmt.Errorf("live: organizations:DescribePolicy %s: %w", p.ID, err)
		}
		var content *string
		if d.Policy != nil {
			content = d.Policy.Content
		}
		p.Document = r.parse(content, "organizations:DescribePolicy "+p.ID, ofAccount(fmt.Sprintf("%s %s (%s)", policyKind(t), p.ID, p.Name)))
		err = paginate(ctx, "organizations:ListTargetsForPolicy", func(ctx context.Context, token string) (string, error) {
			out, err := r.org.ListTargetsForPolicy(ctx, &organizations.ListTargetsForPolicyInput{PolicyId: aws.String(p.ID), NextToken: optional(token)})
			if err != nil {
				return "", err
			}
			for _, target := range out.Targets {
				if n := byID[aws.ToString(target.TargetId)]; n != nil {
					add(n, *p)
				}
			}
			return aws.ToString(out.NextToken), nil
		})
		if err != nil {
			return fmt.Errorf("live: organizations:ListTargetsForPolicy %s: %w", p.ID, err)
		}
	}
	for i := range tree.Nodes {
		n := &tree.Nodes[i]
		sort.Slice(n.SCPs, func(a, b int) bool { return n.SCPs[a].ID < n.SCPs[b].ID })
		sort.Slice(n.RCPs, func(a, b int) bool { return n.RCPs[a].ID < n.RCPs[b].ID })
	}
	return nil
}

// selectAccounts returns the accounts of the tree to load: all, those of ids, or those under
// ou. An id or OU the tree does not hold is an error that names it.
func selectAccounts(tree *model.OrgTree, ids []string, ou string) ([]string, error) {
	var all []string
	for _, n := range tree.Nodes {
		if n.Kind == model.OrgAccount {
			all = append(all, n.ID)
		}
	}
	sort.Strings(all)
	out := all
	if len(ids) > 0 {
		out = nil
		for _, id := range ids {
			id = strings.TrimSpace(id)
			if n := tree.Node(id); n == nil || n.Kind != model.OrgAccount {
				return nil, fmt.Errorf("live: --accounts: %s is no active account of organization %s", id, tree.ID)
			}
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	if ou != "" {
		if n := tree.Node(ou); n == nil || n.Kind == model.OrgAccount {
			return nil, fmt.Errorf("live: --ou: %s is no OU or root of organization %s", ou, tree.ID)
		}
		out = slices.DeleteFunc(slices.Clone(out), func(acct string) bool {
			return !slices.ContainsFunc(tree.Path(acct), func(l model.OrgLevel) bool { return l.ID == ou })
		})
	}
	return out, nil
}

// LoadProfiles reads the live account of each profile, at the same time; access across them
// is followed as across several files. Each is an Options of its own (region, endpoint).
// The first error ends the load and names its profile.
func LoadProfiles(ctx context.Context, profiles []Options, progress loader.ProgressFunc) ([]*model.Account, error) {
	accounts := make([]*model.Account, len(profiles))
	errs := make([]error, len(profiles))
	var wg sync.WaitGroup
	for i, o := range profiles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sub := progress
			if progress != nil && len(profiles) > 1 {
				sub = func(p loader.Progress) {
					p.Account, p.Step = "profile "+cmp.Or(o.Profile, "default"), p.Stage
					p.Stage = p.Account + " · " + p.Stage
					progress(p)
				}
			}
			accounts[i], errs[i] = Load(ctx, o, sub)
			if progress != nil && len(profiles) > 1 {
				name := "profile " + cmp.Or(o.Profile, "default")
				progress(loader.Progress{Stage: name + " · done", Account: name, Step: "done"})
			}
			if errs[i] != nil && len(profiles) > 1 {
				errs[i] = fmt.Errorf("profile %s: %w", cmp.Or(o.Profile, "default"), errs[i])
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return accounts, nil
}
