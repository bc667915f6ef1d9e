package live

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
)

// ErrNotReadOnly is returned, before anything is sent, for an operation that is not a read:
// the loader only ever calls Get*, List* and Describe* operations.
var ErrNotReadOnly = errors.New("refused: iamscope makes read-only calls only (Get*, List*, Describe*)")

// readOnlyPrefixes are the operation name prefixes of the calls the loader may make.
var readOnlyPrefixes = []string{"Get", "List", "Describe"}

// IsReadOnly reports whether an operation name is one the loader may call.
func IsReadOnly(operation string) bool {
	for _, p := range readOnlyPrefixes {
		if rest, ok := strings.CutPrefix(operation, p); ok && (rest == "" || isUpper(rest[0])) {
			return true
		}
	}
	return false
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

// refuseWrites adds the read-only guard to an operation's middleware stack. It runs first in
// the initialize step, so a refused operation is neither serialized, signed nor sent.
func refuseWrites(stack *middleware.Stack) error { return guard(stack, nil) }

// allowAssumingOnly returns the guard of the STS client that --org-role uses: reads, and
// sts:AssumeRole for exactly the roles named (arn:aws:iam::ACCOUNT:role/NAME of each account
// loaded), the one call of iamscope that is not a read. It gets credentials and changes
// nothing in any account; any other role, and every other non-read call, is refused before
// it is sent.
func allowAssumingOnly(roles map[string]bool) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return guard(stack, func(service, op string, params any) bool {
			in, ok := params.(*sts.AssumeRoleInput)
			return ok && service == "STS" && op == "AssumeRole" && in.RoleArn != nil && roles[*in.RoleArn]
		})
	}
}

// guard adds the read-only guard to a stack; allowed, when not nil, lets through the non-read
// operations it accepts.
func guard(stack *middleware.Stack, allowed func(service, op string, params any) bool) error {
	op := stack.ID() // the operation's name, as the SDK names its stacks
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("iamscopeReadOnly",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			name := middleware.GetOperationName(ctx)
			if name == "" {
				name = op
			}
			service := middleware.GetServiceID(ctx)
			if IsReadOnly(name) && IsReadOnly(op) {
				return next.HandleInitialize(ctx, in)
			}
			if allowed != nil && name == op && allowed(service, name, in.Parameters) {
				return next.HandleInitialize(ctx, in)
			}
			return middleware.InitializeOutput{}, middleware.Metadata{},
				fmt.Errorf("%w: %s %s", ErrNotReadOnly, service, name)
		}), middleware.Before)
}
