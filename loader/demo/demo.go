// Package demo holds the demo accounts that iamscope opens when no source is named: Tidewater
// Outfitters, a fictional outdoor-gear retailer, and Keystone Assurance, the outside audit firm
// that reviews it. They are built for training: every classic IAM situation (admins, developers
// under a permission boundary, CI through GitHub OIDC, a role chain, a cross-account auditor, an
// SCP that confines regions, a bucket open too widely, a KMS key policy, tag-based access, an
// escalation path through iam:PassRole) is there once, and docs/demo-account.md tells the story
// with the questions a trainer can ask.
//
// The accounts are embedded as JSON in the model.Account shape, so they can be read and edited
// by hand. The page's ten guided questions are embedded too (questions.json, GuidedQuestions):
// the explorer's tour asks them, and a test checks them against the page. AWS managed policies are referenced by ARN only; their documents come from the
// embedded catalog.
package demo

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/model"
)

// The demo's account ids.
const (
	// MainAccountID is Tidewater Outfitters' production account, tidewater-prod.
	MainAccountID = "210987654321"
	// PartnerAccountID is Keystone Assurance's account, the auditors' side of the cross-account
	// audit role.
	PartnerAccountID = "629384756102"
)

// Source is the Source of every demo account.
const Source = "demo"

//go:embed data/*.json
var data embed.FS

// files are the embedded accounts in the order Accounts returns them: the main account first.
var files = []string{"data/tidewater.json", "data/keystone.json"}

// beforeFiles are the same accounts a week earlier (Before): Tidewater's account as it was,
// and Keystone's, which has not changed.
var beforeFiles = []string{"data/tidewater-before.json", "data/keystone.json"}

// Accounts parses the embedded demo accounts, fills in the AWS managed policies they reference
// from the embedded catalog, and indexes them. Each call returns fresh accounts that the caller
// may change. The main account (MainAccountID) comes first. Their LoadedAt is fixed in the data,
// so that output about them is reproducible.
func Accounts() ([]*model.Account, error) { return loadAll(files) }

// Before returns the demo accounts as they were a week before Accounts, for trying
// `iamscope diff` with no files: since then a new version of the finance policy was made the
// default, a user joined the finance group, a deny was taken out of the legacy service user's
// policy, and the data lake was shared with Keystone's whole account instead of the audit role
// (docs/demo-account.md tells the story). The main account comes first.
func Before() ([]*model.Account, error) { return loadAll(beforeFiles) }

// loadAll reads embedded accounts, in order.
func loadAll(files []string) ([]*model.Account, error) {
	out := make([]*model.Account, 0, len(files))
	for _, name := range files {
		a, err := load(name)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// load reads one embedded account.
func load(name string) (*model.Account, error) {
	raw, err := data.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("demo account %s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	a := &model.Account{}
	if err := dec.Decode(a); err != nil {
		return nil, fmt.Errorf("demo account %s: %w", name, err)
	}
	if err := addManagedPolicies(a); err != nil {
		return nil, fmt.Errorf("demo account %s: %w", name, err)
	}
	a.Source = Source
	if warns := a.Index(); len(warns) > 0 {
		return nil, fmt.Errorf("demo account %s: %s", name, warns[0])
	}
	return a, nil
}

// awsPolicyPrefix starts the ARN of every AWS managed policy.
const awsPolicyPrefix = "arn:aws:iam::aws:policy/"

// addManagedPolicies adds to the account every AWS managed policy that its principals
// reference (attached or as a boundary) and that the data does not hold, taking the document
// from the embedded catalog.
func addManagedPolicies(a *model.Account) error {
	have := make(map[string]bool, len(a.Policies))
	for _, p := range a.Policies {
		have[p.ARN] = true
	}
	need := map[string]bool{}
	want := func(arns []string, boundary string) {
		for _, arn := range arns {
			if strings.HasPrefix(arn, awsPolicyPrefix) && !have[arn] {
				need[arn] = true
			}
		}
		if strings.HasPrefix(boundary, awsPolicyPrefix) && !have[boundary] {
			need[boundary] = true
		}
	}
	for _, u := range a.Users {
		want(u.AttachedPolicies, u.Boundary)
	}
	for _, g := range a.Groups {
		want(g.AttachedPolicies, "")
	}
	for _, r := range a.Roles {
		want(r.AttachedPolicies, r.Boundary)
	}
	arns := make([]string, 0, len(need))
	for arn := range need {
		arns = append(arns, arn)
	}
	sort.Strings(arns)
	for _, arn := range arns {
		cp, ok := catalog.LookupManagedPolicy(arn)
		if !ok {
			return fmt.Errorf("AWS managed policy %s is not in the embedded catalog", arn)
		}
		doc, err := model.ParsePolicy(cp.Document)
		if err != nil {
			return fmt.Errorf("AWS managed policy %s from the catalog: %w", arn, err)
		}
		a.Policies = append(a.Policies, &model.ManagedPolicy{
			ARN:            arn,
			Name:           cp.Name,
			Path:           cp.Path,
			DefaultVersion: cp.VersionID,
			Versions:       []model.PolicyVersion{{ID: cp.VersionID, IsDefault: true, Document: doc}},
			AWSManaged:     true,
			FromCatalog:    true,
		})
	}
	return nil
}
