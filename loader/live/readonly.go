package live

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
func refuseWrites(stack *middleware.Stack) error {
	op := stack.ID() // the operation's name, as the SDK names its stacks
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("iamscopeReadOnly",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			name := middleware.GetOperationName(ctx)
			if name == "" {
				name = op
			}
			if !IsReadOnly(name) || !IsReadOnly(op) {
				return middleware.InitializeOutput{}, middleware.Metadata{},
					fmt.Errorf("%w: %s %s", ErrNotReadOnly, middleware.GetServiceID(ctx), name)
			}
			return next.HandleInitialize(ctx, in)
		}), middleware.Before)
}
