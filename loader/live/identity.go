package live

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// identity is who the credentials belong to.
type identity struct {
	account   string // the account id
	arn       string // the caller's ARN
	partition string // aws, aws-cn, aws-us-gov, ...
}

// readIdentity asks STS who the caller is. It is the first call of a load, and its failure
// (no credentials, expired or invalid ones, no network) ends the load.
func (r *reader) readIdentity(ctx context.Context) (identity, error) {
	out, err := sts.NewFromConfig(r.cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if isCredentialError(err) {
		return identity{}, fmt.Errorf("live: sts:GetCallerIdentity refused the credentials (%s); refresh them (for SSO: aws sso login): %w", errorCode(err), err)
	}
	if err != nil {
		return identity{}, essentialError("sts:GetCallerIdentity", err)
	}
	id := identity{account: aws.ToString(out.Account), arn: aws.ToString(out.Arn), partition: "aws"}
	if id.account == "" {
		return identity{}, fmt.Errorf("live: sts:GetCallerIdentity returned no account id")
	}
	if parts := strings.SplitN(id.arn, ":", 3); len(parts) == 3 && parts[0] == "arn" && parts[1] != "" {
		id.partition = parts[1]
	}
	return id, nil
}
