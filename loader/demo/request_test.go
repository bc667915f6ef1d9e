package demo

import (
	"fmt"
	"strings"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/model"
)

// This file gathers, for one request against the demo accounts, every policy AWS would weigh:
// the caller's identity policies (its own inline and attached ones, and its groups'), its
// permission boundary, the SCPs of its account level by level, and the resource's policy (a
// bucket, key, queue or secret policy, or a role's trust policy). The account-level query
// engine of issue 4 will do this for the tool; the tests do it by hand, so that the guided
// questions of docs/demo-account.md are decided by eval.Evaluate on the demo data.

// defaultRegion and the other defaults are what every guided question assumes unless it says
// otherwise: a request over HTTPS to eu-west-1, Tidewater's home region.
const defaultRegion = "eu-west-1"

// world is the loaded demo accounts.
type world struct {
	accounts []*model.Account
}

// question is one request to decide: who asks (a user name, an access key id, "role/session",
// "anonymous" or a service principal), what, on which resource, with which extra context keys.
type question struct {
	who      string
	action   string
	resource string
	context  map[string]string
	// discovery leaves the context keys not given open, for "allowed if ..." answers.
	discovery bool
}

// caller is a resolved request principal.
type caller struct {
	arn     string // the request principal: a user ARN, a role session ARN, "anonymous", a service
	account *model.Account
	user    *model.User
	role    *model.Role
	session string
}

// resolve finds the caller a question names, in any of the demo accounts.
func (w *world) resolve(who string) (*caller, error) {
	if who == "anonymous" || strings.HasSuffix(who, ".amazonaws.com") {
		return &caller{arn: who}, nil
	}
	name, session, isRole := strings.Cut(who, "/")
	for _, a := range w.accounts {
		for _, e := range a.Find(name) {
			switch {
			case isRole && e.Kind == model.EntityRole:
				arn := fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", a.ID, e.Role.Name, session)
				return &caller{arn: arn, account: a, role: e.Role, session: session}, nil
			case !isRole && e.Kind == model.EntityUser:
				return &caller{arn: e.User.ARN, account: a, user: e.User}, nil
			}
		}
	}
	return nil, fmt.Errorf("no demo user or role session %q", who)
}

// compileDefault compiles the default version of a managed policy of the caller's account.
func compileDefault(a *model.Account, arn string) (*eval.Policy, error) {
	mp, ok := a.Policy(arn)
	if !ok {
		return nil, fmt.Errorf("%s: policy %s is not in the account", a.ID, arn)
	}
	doc := mp.Default()
	if doc == nil {
		return nil, fmt.Errorf("policy %s has no default version", arn)
	}
	return eval.Compile(mp.Name, doc)
}

// compileInline compiles inline policies, named "owner/policy" in explanations.
func compileInline(owner string, ips []model.InlinePolicy) ([]*eval.Policy, error) {
	var out []*eval.Policy
	for _, ip := range ips {
		p, err := eval.Compile(owner+"/"+ip.Name, ip.Document)
		if err != nil {
			return nil, fmt.Errorf("inline policy %s of %s: %w", ip.Name, owner, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// identity gathers the caller's identity policies and permission boundary.
func (c *caller) identity() (ids, boundary []*eval.Policy, err error) {
	var owner, bound string
	var attached []string
	var inline []model.InlinePolicy
	switch {
	case c.user != nil:
		owner, attached, inline, bound = c.user.Name, c.user.AttachedPolicies, c.user.InlinePolicies, c.user.Boundary
	case c.role != nil:
		owner, attached, inline, bound = c.role.Name, c.role.AttachedPolicies, c.role.InlinePolicies, c.role.Boundary
	default:
		return nil, nil, nil
	}
	if ids, err = compileInline(owner, inline); err != nil {
		return nil, nil, err
	}
	for _, arn := range attached {
		p, err := compileDefault(c.account, arn)
		if err != nil {
			return nil, nil, err
		}
		ids = append(ids, p)
	}
	if c.user != nil {
		for _, gn := range c.user.Groups {
			g, ok := c.account.Group(gn)
			if !ok {
				return nil, nil, fmt.Errorf("group %s of %s is not in the account", gn, owner)
			}
			gi, err := compileInline(g.Name, g.InlinePolicies)
			if err != nil {
				return nil, nil, err
			}
			ids = append(ids, gi...)
			for _, arn := range g.AttachedPolicies {
				p, err := compileDefault(c.account, arn)
				if err != nil {
					return nil, nil, err
				}
				ids = append(ids, p)
			}
		}
	}
	if bound != "" {
		p, err := compileDefault(c.account, bound)
		if err != nil {
			return nil, nil, err
		}
		boundary = []*eval.Policy{p}
	}
	return ids, boundary, nil
}

// scps compiles the SCPs of the caller's organization, one list per level from the root.
func (c *caller) scps() ([][]*eval.Policy, error) {
	if c.account == nil || c.account.Organization == nil {
		return nil, nil
	}
	var levels [][]*eval.Policy
	for _, l := range c.account.Organization.Levels {
		var ps []*eval.Policy
		for _, op := range l.SCPs {
			p, err := eval.Compile(op.Name, op.Document)
			if err != nil {
				return nil, fmt.Errorf("SCP %s: %w", op.Name, err)
			}
			ps = append(ps, p)
		}
		levels = append(levels, ps)
	}
	return levels, nil
}

// context derives the request context AWS sets for the caller
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html),
// with the defaults of the guided questions, then the question's own keys.
func (c *caller) context(q *question) *eval.Context {
	ctx := eval.NewContext()
	ctx.Set("aws:SecureTransport", "true")
	ctx.Set("aws:RequestedRegion", defaultRegion)
	var tags []model.Tag
	switch {
	case c.user != nil:
		ctx.Set("aws:PrincipalArn", c.user.ARN)
		ctx.Set("aws:PrincipalAccount", c.account.ID)
		ctx.Set("aws:PrincipalType", "User")
		ctx.Set("aws:username", c.user.Name)
		ctx.Set("aws:userid", c.user.ID)
		tags = c.user.Tags
	case c.role != nil:
		ctx.Set("aws:PrincipalArn", c.role.ARN)
		ctx.Set("aws:PrincipalAccount", c.account.ID)
		ctx.Set("aws:PrincipalType", "AssumedRole")
		ctx.Set("aws:userid", c.role.ID+":"+c.session)
		tags = c.role.Tags
	}
	for _, t := range tags {
		ctx.Set("aws:PrincipalTag/"+t.Key, t.Value)
	}
	for k, v := range q.context {
		ctx.Set(k, v)
	}
	return ctx
}

// resourcePolicy finds the policy of the resource a request is about, and the account that
// owns the resource: a role's trust policy for the sts:AssumeRole actions, the bucket's
// policy for an S3 bucket or object, else the policy held under the resource's ARN.
func (w *world) resourcePolicy(action, resource string) (*eval.Policy, string, error) {
	if strings.HasPrefix(strings.ToLower(action), "sts:assumerole") {
		for _, a := range w.accounts {
			if e, ok := a.Entity(resource); ok && e.Kind == model.EntityRole {
				p, err := eval.Compile("trust policy of "+e.Role.Name, e.Role.TrustPolicy)
				return p, a.ID, err
			}
		}
		return nil, "", fmt.Errorf("%s: no such role in the demo accounts", resource)
	}
	arn := resource
	if rest, ok := strings.CutPrefix(resource, "arn:aws:s3:::"); ok {
		bucket, _, _ := strings.Cut(rest, "/")
		arn = "arn:aws:s3:::" + bucket
	}
	for _, a := range w.accounts {
		if rp, ok := a.ResourcePolicy(arn); ok {
			name := strings.TrimPrefix(arn, "arn:aws:s3:::")
			p, err := eval.Compile(name, rp.Document)
			return p, a.ID, err
		}
	}
	return nil, "", nil
}

// ask decides a question with eval.Evaluate, explained.
func (w *world) ask(q *question) (*eval.Result, error) {
	c, err := w.resolve(q.who)
	if err != nil {
		return nil, err
	}
	ids, boundary, err := c.identity()
	if err != nil {
		return nil, err
	}
	scps, err := c.scps()
	if err != nil {
		return nil, err
	}
	res, resAccount, err := w.resourcePolicy(q.action, q.resource)
	if err != nil {
		return nil, err
	}
	mode := eval.Strict
	if q.discovery {
		mode = eval.Discovery
	}
	req := &eval.Request{Principal: c.arn, Action: q.action, Resource: q.resource, Context: c.context(q), ResourceAccount: resAccount}
	in := &eval.Input{Identity: ids, Boundaries: boundary, SCPs: scps, Resource: res}
	return eval.Evaluate(in, req, eval.Options{Mode: mode, Explain: true})
}
