package live

import (
	"context"
	"sync/atomic"

	"github.com/iamscope/iamscope/model"
)

// policySource is one kind of resource whose policies are read the same way: list the
// resources, then ask each for its policy.
type policySource struct {
	stage   string // progress stage, e.g. "KMS key policies"
	service string // model.ResourcePolicy.Service, e.g. "kms"
	what    string // the policy, for people: "key policy"
	listOp  string // e.g. "kms:ListKeys"
	getOp   string // e.g. "kms:GetKeyPolicy"
	// listPage returns one page of the resources of the kind (ARNs, or what get needs to name
	// one) and the next page's token ("" after the last); token is "" for the first page.
	listPage func(ctx context.Context, token string) (ids []string, next string, err error)
	// get returns one resource's ARN and policy document; a nil document means none.
	get func(ctx context.Context, id string) (arn string, doc *string, err error)
	// absent are the error codes of get that mean "no policy" (or "gone since listed"),
	// which is normal and no warning.
	absent []string
}

// servicePattern matches every resource of a regional service in the account and region
// read: what a listing that failed leaves unknown.
func (r *reader) servicePattern(service string) string {
	return "arn:" + r.partition + ":" + service + ":" + r.cfg.Region + ":" + r.accountID + ":*"
}

// readPolicies reads the policies of one kind of resource, warning for what it cannot read.
func (r *reader) readPolicies(ctx context.Context, src policySource) {
	r.report(src.stage, 0, 0)
	var ids []string
	err := paginate(ctx, src.listOp, func(ctx context.Context, token string) (string, error) {
		page, next, err := src.listPage(ctx, token)
		ids = append(ids, page...)
		return next, err
	})
	if err != nil {
		r.warn(src.listOp, "", ofResource(src.stage, r.servicePattern(src.service)), err)
		return
	}
	var done atomic.Int64
	r.report(src.stage, 0, len(ids))
	started := forEach(ctx, r.concurrency, ids, func(ctx context.Context, id string) {
		defer func() { r.report(src.stage, int(done.Add(1)), len(ids)) }()
		arn, doc, err := src.get(ctx, id)
		if hasCode(err, src.absent...) {
			return
		}
		if arn == "" {
			arn = id
		}
		missing := ofResource(src.what+" of "+arn, arn)
		if err != nil {
			r.warn(src.getOp, arn, missing, err)
			return
		}
		if p := r.parse(doc, src.getOp+" "+arn, missing); p != nil {
			r.addResource(&model.ResourcePolicy{ResourceARN: arn, Service: src.service, Document: p})
		}
	})
	r.warnUnstarted(ctx, src.stage, started, len(ids), ofResource(src.stage, r.servicePattern(src.service)))
}
