package live

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

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

// timeoutEachAttempt bounds each attempt of a call. It runs inside the retry loop, and turns
// the attempt's own deadline into a retryable error (the SDK would take a context error for a
// cancellation and give up), so an attempt that times out is retried like any other
// transient failure.
func timeoutEachAttempt(d time.Duration) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("iamscopeAttemptTimeout",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				attempt, cancel := context.WithTimeout(ctx, d)
				defer cancel()
				out, md, err := next.HandleFinalize(attempt, in)
				if err != nil && ctx.Err() == nil && errors.Is(attempt.Err(), context.DeadlineExceeded) {
					err = &attemptTimeoutError{limit: d}
				}
				return out, md, err
			}), "Retry", middleware.After)
	}
}

// attemptTimeoutError is an attempt that got no complete answer in time.
type attemptTimeoutError struct{ limit time.Duration }

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("no answer within %v", e.limit)
}

// RetryableError tells the SDK's retryer to try again.
func (e *attemptTimeoutError) RetryableError() bool { return true }

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
