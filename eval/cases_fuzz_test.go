package eval

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/iamscope/iamscope/internal/corpus"
)

// lineCol is how SplitCases names the place of a file that is not a JSON array.
var lineCol = regexp.MustCompile(`^line [1-9][0-9]*, column [1-9][0-9]*: `)

// errorNamesPlace reports whether a case error starts with the field at fault: a field of the
// case format or a key the case holds, followed by ":", "." or "[". The one error about the
// case as a whole says so.
func errorNamesPlace(msg string, raw json.RawMessage) bool {
	if msg == "a case must be a JSON object" {
		return true
	}
	names := []string{}
	for f := range caseFields {
		names = append(names, f)
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) == nil {
		for k := range m {
			names = append(names, k)
		}
	}
	for _, n := range names {
		if rest, ok := strings.CutPrefix(msg, n); ok && rest != "" && strings.ContainsRune(":.[", rune(rest[0])) {
			return true
		}
	}
	return false
}

// FuzzRunCase feeds arbitrary bytes to SplitCases and every case it yields to RunCase, as
// `iamscope simulate` does. Nothing panics; a file that is not an array is refused with its
// line and column; a malformed case is answered with an error naming its field; every other
// case gets one of the three decisions; every answer can be written as JSON; and RunCaseItem,
// which simulate uses, answers as RunCase does.
func FuzzRunCase(f *testing.F) {
	conformance, err := corpus.Conformance()
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range []string{conformance, filepath.Join("testdata", "documented-cases.json")} {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		raws, err := SplitCases(data)
		if err != nil {
			f.Fatal(err)
		}
		for _, raw := range raws {
			f.Add([]byte("[" + string(raw) + "]"))
		}
	}
	for _, s := range []string{"", "[]", "{}", "[1]", "[{}]", "[{\"request\":null}]", "\n\n  [\n{,", "[{\"id\":1,\"x\":2}]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if res := RunCase(data, false); res.Error == "" && !json.Valid(data) {
			t.Fatalf("RunCase decided bytes that are not JSON: %+v", res)
		}
		raws, err := SplitCases(data)
		if err != nil {
			if !lineCol.MatchString(err.Error()) {
				t.Fatalf("SplitCases error %q does not name the line and column", err)
			}
			return
		}
		for i, raw := range raws {
			if i == 8 {
				break
			}
			res := RunCase(raw, true)
			out, err := json.Marshal(res)
			if err != nil {
				t.Fatalf("answer %d cannot be written as JSON: %v", i, err)
			}
			// simulate's own path reads the case in place, keeping slices of its text.
			item, ok := RunCaseItem(bytes.Clone(raw), true)
			if itemOut, _ := json.Marshal(item); !ok || !bytes.Equal(itemOut, out) {
				t.Fatalf("case %d: RunCaseItem (ok %v) answers %s, RunCase %s", i, ok, itemOut, out)
			}
			if res.Error != "" {
				if !errorNamesPlace(res.Error, raw) {
					t.Fatalf("case %d: error %q names no field", i, res.Error)
				}
				continue
			}
			switch res.Decision {
			case Allowed, ImplicitlyDenied, ExplicitlyDenied:
			default:
				t.Fatalf("case %d: decision %q", i, res.Decision)
			}
			if res.Explanation == nil || res.Explanation.Reason == "" {
				t.Fatalf("case %d: %s without an explanation", i, res.Decision)
			}
			if res.AllowedIf != "" && res.Decision != Allowed {
				t.Fatalf("case %d: allowed if %s, yet %s", i, res.AllowedIf, res.Decision)
			}
		}
	})
}

// FuzzLineCol: any offset into any text gives a place inside it, 1-based.
func FuzzLineCol(f *testing.F) {
	f.Add([]byte("[\n  {,\n]"), int64(6))
	f.Add([]byte(""), int64(0))
	f.Add([]byte("\n\n\n"), int64(99))
	f.Fuzz(func(t *testing.T, data []byte, off int64) {
		line, col := LineCol(data, off)
		if line < 1 || col < 1 || line > bytes.Count(data, []byte("\n"))+1 || col > len(data)+1 {
			t.Fatalf("LineCol(%q, %d) = %d, %d", data, off, line, col)
		}
	})
}
