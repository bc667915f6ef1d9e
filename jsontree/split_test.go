package jsontree

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// TestSplitReadItemAsItems checks that Split and ReadItem together accept exactly the arrays
// Items accepts, nesting limit included.
func TestSplitReadItemAsItems(t *testing.T) {
	deep := func(n int) string { return "[" + strings.Repeat("[", n) + strings.Repeat("]", n) + "]" }
	for _, text := range []string{
		`[]`, ` [ 1 , "a" , {"k":[true,null]} ] `, `[1 2]`, `[{]`, `[1,]`, `["\u00e9", "\ud800"]`,
		`{}`, `null`, `[`, deep(maxDepth - 1), deep(maxDepth), deep(maxDepth + 1),
	} {
		_, want := Items([]byte(text))
		items, got := Split([]byte(text))
		var rd Reader
		for _, it := range items {
			if _, ok := rd.ReadItem(it); !ok {
				got = false
			}
		}
		if got != want {
			t.Errorf("%.40q: Split and ReadItem accept it: %v, Items: %v", text, got, want)
		}
	}
}

// TestReadSharedItem checks that ReadSharedItem reads what ReadItem reads, and that its plain
// strings are the item's own bytes while ReadItem's are a copy (the item may change after).
func TestReadSharedItem(t *testing.T) {
	data := []byte(`[{"Action":"s3:GetObject","Escaped":"a\"b","List":["x","y"]}]`)
	items, ok := Split(data)
	if !ok || len(items) != 1 {
		t.Fatalf("Split: %v, %d items", ok, len(items))
	}
	var shared, copied Reader
	sv, ok1 := shared.ReadSharedItem(items[0])
	cv, ok2 := copied.ReadItem(items[0])
	if !ok1 || !ok2 || !reflect.DeepEqual(toAny(sv), toAny(cv)) {
		t.Fatalf("ReadSharedItem and ReadItem disagree: %v %v", ok1, ok2)
	}
	inData := func(s string) bool {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		start := uintptr(unsafe.Pointer(&data[0]))
		return p >= start && p < start+uintptr(len(data))
	}
	if !inData(sv.Get("Action").Str) || !inData(sv.Get("List").Items[1].Str) {
		t.Errorf("ReadSharedItem: plain strings are copies, want slices of the item")
	}
	if inData(sv.Get("Escaped").Str) {
		t.Errorf("ReadSharedItem: an escaped string is a slice of the text, want its decoded copy")
	}
	if inData(cv.Get("Action").Str) {
		t.Errorf("ReadItem: a plain string is a slice of the item, want a copy")
	}
}
