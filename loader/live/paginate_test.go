package live

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestPaginateStopsOnARepeatedToken(t *testing.T) {
	calls := 0
	err := paginate(context.Background(), "x:List", func(_ context.Context, token string) (string, error) {
		calls++
		return "same", nil
	})
	if err == nil || !strings.Contains(err.Error(), "twice") || calls != 2 {
		t.Errorf("paginate = %v after %d calls; want an error about the repeated token after 2", err, calls)
	}
}

func TestPaginateStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := paginate(ctx, "x:List", func(_ context.Context, token string) (string, error) {
		n++
		cancel()
		return token + "x", nil
	})
	if !errors.Is(err, context.Canceled) || n != 1 {
		t.Errorf("paginate = %v after %d pages; want context.Canceled after 1", err, n)
	}
}

func TestIAMMarker(t *testing.T) {
	if next, err := iamMarker(false, nil); next != "" || err != nil {
		t.Errorf("last page: %q, %v", next, err)
	}
	if next, err := iamMarker(true, aws.String("m")); next != "m" || err != nil {
		t.Errorf("next page: %q, %v", next, err)
	}
	if _, err := iamMarker(true, nil); !errors.Is(err, errTruncated) {
		t.Errorf("truncated without a marker: %v, want errTruncated", err)
	}
}

func TestForEachStopsStartingWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	items := make([]int, 100)
	started := forEach(ctx, 4, items, func(ctx context.Context, _ int) { cancel() })
	if started > 4 {
		t.Errorf("started %d items after the cancel, want at most the 4 workers' first", started)
	}
}
