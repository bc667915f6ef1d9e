package live

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/aws/smithy-go/middleware"
)

// limiter bounds the API calls in flight across every client of one load. A call holds its
// slot through its retries, so that a throttled service sees fewer calls, not more.
type limiter struct{ slots chan struct{} }

func newLimiter(n int) *limiter { return &limiter{slots: make(chan struct{}, n)} }

// addTo adds the limit to an operation's middleware stack, after the read-only guard.
func (l *limiter) addTo(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("iamscopeInFlightLimit",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			select {
			case l.slots <- struct{}{}:
			case <-ctx.Done():
				return middleware.InitializeOutput{}, middleware.Metadata{}, context.Cause(ctx)
			}
			defer func() { <-l.slots }()
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
}

// forEach calls fn on each item from n workers at most. Once ctx is done it starts no more
// items; it returns how many it started.
func forEach[T any](ctx context.Context, n int, items []T, fn func(context.Context, T)) int {
	if n > len(items) {
		n = len(items)
	}
	var (
		next    atomic.Int64
		started atomic.Int64
		wg      sync.WaitGroup
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(items) {
					return
				}
				started.Add(1)
				fn(ctx, items[i])
			}
		}()
	}
	wg.Wait()
	return int(started.Load())
}
