package corpus

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// PolicyElements gathers, from every policy document of PoliciesDir, the
// texts fuzzers start from: the Action and NotAction patterns, the Resource and NotResource
// patterns, and each condition as key and value. Each list is sorted and without repeats.
func PolicyElements() (actions, resources []string, conditions [][2]string, err error) {
	root, err := PoliciesDir()
	if err != nil {
		return nil, nil, nil, err
	}
	seenA, seenR, seenC := map[string]bool{}, map[string]bool{}, map[[2]string]bool{}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") || d.Name() == "INDEX.json" {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var doc struct {
			Statement json.RawMessage
		}
		if json.Unmarshal(raw, &doc) != nil {
			return nil // not a policy document
		}
		for _, st := range statements(doc.Statement) {
			for _, k := range []string{"Action", "NotAction"} {
				for _, s := range strs(st[k]) {
					seenA[s] = true
				}
			}
			for _, k := range []string{"Resource", "NotResource"} {
				for _, s := range strs(st[k]) {
					seenR[s] = true
				}
			}
			var cond map[string]map[string]json.RawMessage
			if json.Unmarshal(st["Condition"], &cond) == nil {
				for _, keys := range cond {
					for key, vals := range keys {
						for _, v := range strs(vals) {
							seenC[[2]string{key, v}] = true
						}
					}
				}
			}
		}
		return nil
	})
	for s := range seenA {
		actions = append(actions, s)
	}
	for s := range seenR {
		resources = append(resources, s)
	}
	for c := range seenC {
		conditions = append(conditions, c)
	}
	sort.Strings(actions)
	sort.Strings(resources)
	sort.Slice(conditions, func(i, j int) bool {
		return conditions[i][0]+"\x00"+conditions[i][1] < conditions[j][0]+"\x00"+conditions[j][1]
	})
	return actions, resources, conditions, err
}

// statements reads a Statement element: one statement or a list of them.
func statements(raw json.RawMessage) []map[string]json.RawMessage {
	var list []map[string]json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var one map[string]json.RawMessage
	if json.Unmarshal(raw, &one) == nil {
		return []map[string]json.RawMessage{one}
	}
	return nil
}

// strs reads a string, a list of strings, or a scalar written as text.
func strs(raw json.RawMessage) []string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []string{s}
	}
	var list []any
	if json.Unmarshal(raw, &list) == nil {
		var out []string
		for _, v := range list {
			if s, ok := v.(string); ok {
				out = append(out, s)
			} else if b, err := json.Marshal(v); err == nil {
				out = append(out, string(b))
			}
		}
		return out
	}
	if len(raw) > 0 && raw[0] != '{' {
		return []string{string(raw)}
	}
	return nil
}
