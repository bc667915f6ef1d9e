package eval

import (
	"fmt"
	"slices"
	"testing"
)

// TestContextKeys: keys are found regardless of case, the last value set wins, a layer hides
// its parent's keys and can delete them, and Clone flattens the layers; the same with a
// handful of keys and with enough for the layer to keep an index.
func TestContextKeys(t *testing.T) {
	for _, n := range []int{4, indexAbove + 10} {
		base := NewContext()
		for i := range n {
			base.Set(fmt.Sprintf("test:Key%d", i), fmt.Sprint(i))
		}
		base.Set("TEST:KEY1", "one") // the same key: replaces
		base.SetMulti("aws:TagKeys", []string{"a", "b"})
		top := base.layer()
		top.Set("test:key2", "two")
		top.Delete("test:Key0")
		if _, ok := top.Get("test:key0"); ok {
			t.Errorf("%d keys: a key deleted in a layer is still found", n)
		}
		if v, ok := base.Get("test:key0"); !ok || v.Values[0] != "0" {
			t.Errorf("%d keys: deleting in a layer changed its parent: %v %v", n, v, ok)
		}
		for key, want := range map[string]string{"test:key1": "one", "Test:Key2": "two", fmt.Sprintf("test:key%d", n-1): fmt.Sprint(n - 1)} {
			if v, ok := top.Get(key); !ok || len(v.Values) != 1 || v.Values[0] != want {
				t.Errorf("%d keys: %s = %v (%v), want %s", n, key, v, ok, want)
			}
		}
		if v, ok := top.Get("AWS:tagkeys"); !ok || !v.Multi || !slices.Equal(v.Values, []string{"a", "b"}) {
			t.Errorf("%d keys: aws:TagKeys = %v", n, v)
		}
		flat := top.Clone()
		keys := flat.Keys()
		if len(keys) != n || slices.Contains(keys, "test:Key0") || !slices.Contains(keys, "TEST:KEY1") {
			t.Errorf("%d keys: the flattened keys are %q", n, keys)
		}
		flat.Delete("test:key1")
		flat.Delete("aws:tagkeys")
		if _, ok := flat.Get("test:key1"); ok {
			t.Errorf("%d keys: a deleted key is still found", n)
		}
		if v, ok := flat.Get("test:key2"); !ok || v.Values[0] != "two" {
			t.Errorf("%d keys: after deleting others, test:key2 = %v %v", n, v, ok)
		}
		if len(flat.Keys()) != n-2 {
			t.Errorf("%d keys: %d left after deleting two, want %d", n, len(flat.Keys()), n-2)
		}
	}
}
