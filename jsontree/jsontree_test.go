package jsontree

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

var samples = []string{
	`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `12.5e+3`, `1E2`, `"a"`, `  {"a" : [1, "b", {"c": null}] } `,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
	`"\u00e9\n\t\"\\\/"`, `"\ud83d\ude00"`, `"\ud83d"`, "\"caf\xc3\xa9\"", "\"bad \xff byte\"", `{"a":1,"a":2}`,
	// refused
	``, ` `, `{`, `}`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{a:1}`, `01`, `1.`, `.5`, `-`, `1e`, `+1`, `tru`, `nul`,
	`[1, {"a": [2]}, "x" ]`, `[`, `[1 2]`, `[,1]`,
	`"unterminated`, "\"ctl \x01\"", `"\x"`, `"\u12"`, `[1] [2]`, `{"a":1}x`, `NaN`, `'a'`,
}

// TestReadAgreesWithEncodingJSON: Read accepts what encoding/json accepts, and reads the same
// values.
func TestReadAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range samples {
		check(t, []byte(s))
	}
}

// FuzzRead: on any text, Read, a reused Reader, Valid, Items, Split and SplitReader (a byte at
// a time) accept exactly what encoding/json accepts, and read the same values and items; and
// AppendCompact compacts what they accept as json.Compact does.
func FuzzRead(f *testing.F) {
	for _, s := range samples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { check(t, data) })
}

func check(t *testing.T, data []byte) {
	t.Helper()
	v, ok := Read(data)
	var rd Reader
	rd.Read([]byte(`{"reused": ["memory", {"of": "an earlier document"}]}`))
	if v2, ok2 := rd.Read(data); ok2 != ok || ok && !reflect.DeepEqual(toAny(v2), toAny(v)) {
		t.Fatalf("%q: a Reader used before reads it otherwise than Read", data)
	}
	if ok != json.Valid(data) {
		t.Fatalf("%q: Read ok=%v, json.Valid %v", data, ok, !ok)
	}
	if Valid(data) != ok {
		t.Fatalf("%q: Valid %v, Read ok=%v", data, !ok, ok)
	}
	for _, min := range []int{0, 3, 16} {
		ends, endsOK := ValidEnds(data, min)
		if endsOK != ok {
			t.Fatalf("%q: ValidEnds %v, Read ok=%v", data, endsOK, ok)
		}
		if ok {
			checkEnds(t, data, v, ends, min)
		}
	}
	if ok {
		var b bytes.Buffer
		if err := json.Compact(&b, data); err != nil {
			t.Fatalf("%q: json.Compact: %v", data, err)
		}
		if got := AppendCompact(nil, v.Raw); !bytes.Equal(got, b.Bytes()) {
			t.Fatalf("%q: AppendCompact gives %q, json.Compact %q", data, got, b.Bytes())
		}
		if Spaceless(v.Raw) != bytes.Equal(b.Bytes(), v.Raw) {
			t.Fatalf("%q: Spaceless says %v", data, Spaceless(v.Raw))
		}
	}
	checkSplitReader(t, data, 7, iotest.OneByteReader(bytes.NewReader(data)))
	items, itemsOK := Items(data)
	var list []json.RawMessage
	listErr := json.Unmarshal(data, &list)
	if itemsOK != (listErr == nil && bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("["))) {
		t.Fatalf("%q: Items ok=%v, encoding/json error %v", data, itemsOK, listErr)
	}
	for i := range items {
		if !bytes.Equal(items[i], bytes.TrimSpace(list[i])) {
			t.Fatalf("%q: item %d is %q, encoding/json has %q", data, i, items[i], list[i])
		}
	}
	if !ok {
		return
	}
	var want any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&want); err != nil {
		t.Fatalf("%q: %v", data, err)
	}
	if ok && !reflect.DeepEqual(toAny(v), want) {
		t.Fatalf("%q: Read gives %#v, encoding/json %#v", data, toAny(v), want)
	}
}

// checkEnds checks that ends gives the end of every object and array of v at least min long,
// and of nothing else.
func checkEnds(t *testing.T, data []byte, v *Value, ends *Ends, min int) {
	t.Helper()
	noted := map[int]bool{}
	var walk func(v *Value)
	walk = func(v *Value) {
		start := cap(data) - cap(v.Raw)
		end, found := ends.End(start)
		long := (v.Kind == Object || v.Kind == Array) && len(v.Raw) >= min
		if found != long || long && end != start+len(v.Raw) {
			t.Fatalf("%q: ValidEnds(%d) gives the value at %d (%q) the end %d (%v)", data, min, start, v.Raw, end, found)
		}
		noted[start] = long
		for _, m := range v.Members {
			walk(m.Value)
		}
		for _, it := range v.Items {
			walk(it)
		}
	}
	walk(v)
	for i := range data {
		if _, found := ends.End(i); found && !noted[i] {
			t.Fatalf("%q: ValidEnds(%d) notes an end for offset %d, where no long object or array starts", data, min, i)
		}
	}
}

// toAny turns a Value into what encoding/json reads into an any (later keys win).
func toAny(v *Value) any {
	switch v.Kind {
	case Bool:
		return string(v.Raw) == "true"
	case Number:
		return json.Number(v.Raw)
	case String:
		return v.Str
	case Array:
		out := make([]any, len(v.Items))
		for i, it := range v.Items {
			out[i] = toAny(it)
		}
		return out
	case Object:
		out := map[string]any{}
		for _, m := range v.Members {
			out[m.Key] = toAny(m.Value)
		}
		return out
	}
	return nil
}

func TestCompact(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":[1,2]}`:                    `{"a":[1,2]}`,
		"{ \"a\" : [ 1 , 2 ] }\n":        `{"a":[1,2]}`,
		`{"a b":"c\" d"}`:                `{"a b":"c\" d"}`,
		"[ \"\\\\\" , \"x\\\\\\\" y\" ]": `["\\","x\\\" y"]`,
	} {
		if got := string(AppendCompact([]byte("prefix"), []byte(in))); got != "prefix"+want {
			t.Errorf("AppendCompact(%q) = %q, want %q", in, got, "prefix"+want)
		}
		if Spaceless([]byte(in)) != (in == want) {
			t.Errorf("Spaceless(%q) = %v, want %v", in, !(in == want), in == want)
		}
	}
	// The runs of a value between its items, compacted one after the other, make it compacted.
	in := []byte("{ \"Statement\" : [ { \"a\" : 1 } ,\n  { \"b\" : \" 2 \" } ] }")
	v, _ := Read(in)
	items := v.Get("Statement").Items
	second := cap(in) - cap(items[1].Raw)
	got := AppendCompact(AppendCompact(nil, in[:second]), in[second:])
	if string(got) != `{"Statement":[{"a":1},{"b":" 2 "}]}` {
		t.Errorf("compacted in two runs: %q", got)
	}
}

func TestSorted(t *testing.T) {
	v, _ := Read([]byte(`{"b":1,"a":2,"b":3,"c":4}`))
	var got []string
	for _, m := range v.Sorted() {
		got = append(got, m.Key+"="+string(m.Value.Raw))
	}
	if want := []string{"a=2", "b=3", "c=4"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Sorted = %v, want %v", got, want)
	}
	v, _ = Read([]byte(`{"a":1,"b":2}`))
	if &v.Sorted()[0] != &v.Members[0] {
		t.Fatal("Sorted copied members that were sorted already")
	}
}

// TestSkipPlainAsByteLoop: the eight-bytes-at-a-time scan stops exactly where looking at one
// byte at a time (plainByte) stops, for every byte value at every place of a word and of the
// tail after it.
func TestSkipPlainAsByteLoop(t *testing.T) {
	for n := range 20 {
		for pos := range n {
			for c := range 256 {
				d := []byte(strings.Repeat("a", n))
				d[pos] = byte(c)
				want := 0
				for want < len(d) && plainByte[d[want]] {
					want++
				}
				if got := skipPlain(d, 0); got != want {
					t.Fatalf("skipPlain(%q) = %d, want %d", d, got, want)
				}
			}
		}
	}
}

// TestSkipSpaceAsByteLoop: SkipSpace, which passes blanks eight at a time, stops where a loop
// over the bytes stops, at every byte after runs of every mix of space of up to 20 bytes.
func TestSkipSpaceAsByteLoop(t *testing.T) {
	spaces := []byte(" \t\n\r")
	for n := range 21 {
		for mix := range 8 {
			for _, c := range []byte{' ', '\t', 'x', '"', 0, 0xff} {
				d := make([]byte, n, n+1)
				for i := range d {
					d[i] = ' '
					if mix > 0 && i%(mix+1) == mix {
						d[i] = spaces[i%len(spaces)]
					}
				}
				d = append(d, c)
				for start := range len(d) {
					want := start
					for want < len(d) && (d[want] == ' ' || d[want] == '\t' || d[want] == '\n' || d[want] == '\r') {
						want++
					}
					if got := SkipSpace(d, start); got != want {
						t.Fatalf("SkipSpace(%q, %d) = %d, want %d", d, start, got, want)
					}
				}
			}
		}
	}
}
