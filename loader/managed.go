package loader

import (
	"fmt"
	"strings"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/model"
)

// FillFromCatalog adds the AWS managed policies that the account references (attached to a
// user, group or role, or as a permission boundary) but its source does not hold, taking
// their documents from the embedded catalog and marking them FromCatalog. An AWS managed
// policy the source lists without its default version's document gets the catalog's too.
// Policies the catalog does not know either are left to Index, which warns about every
// reference it cannot resolve.
func FillFromCatalog(a *model.Account) []model.Warning {
	have := make(map[string]*model.ManagedPolicy, len(a.Policies))
	for _, p := range a.Policies {
		have[p.ARN] = p
	}
	var warns []model.Warning
	var wanted []string
	seen := map[string]bool{}
	want := func(arn string) {
		if !seen[arn] && isAWSManaged(arn) {
			seen[arn] = true
			wanted = append(wanted, arn)
		}
	}
	for _, u := range a.Users {
		for _, p := range u.AttachedPolicies {
			want(p)
		}
		want(u.Boundary)
	}
	for _, g := range a.Groups {
		for _, p := range g.AttachedPolicies {
			want(p)
		}
	}
	for _, r := range a.Roles {
		for _, p := range r.AttachedPolicies {
			want(p)
		}
		want(r.Boundary)
	}
	for _, arn := range wanted {
		mp, listed := have[arn]
		if listed && mp.Default() != nil {
			continue
		}
		cp, ok := catalog.LookupManagedPolicy(arn)
		if !ok {
			if err := catalog.ManagedPoliciesErr(); err != nil {
				warns = append(warns, model.Warning{Where: "embedded catalog", Message: fmt.Sprintf("cannot read AWS managed policies: %v", err), Missing: "AWS managed policy " + arn})
			}
			continue
		}
		doc, err := model.ParsePolicy(cp.Document)
		if err != nil {
			warns = append(warns, model.Warning{Where: "embedded catalog " + cp.Name, Message: err.Error(), Missing: "AWS managed policy " + arn})
			continue
		}
		version := model.PolicyVersion{ID: cp.VersionID, IsDefault: true, Document: doc}
		if listed {
			if mp.DefaultVersion != "" && mp.DefaultVersion != cp.VersionID {
				warns = append(warns, model.Warning{Where: a.Source, Message: fmt.Sprintf("AWS managed policy %s is listed without the document of its default version %s; the embedded catalog's version %s is used", arn, mp.DefaultVersion, cp.VersionID)})
			}
			for i := range mp.Versions {
				mp.Versions[i].IsDefault = false
			}
			mp.Versions = append(mp.Versions, version)
			mp.DefaultVersion = cp.VersionID
			mp.FromCatalog = true
			continue
		}
		_, path, name, _ := splitIAMARN(arn, "policy")
		a.Policies = append(a.Policies, &model.ManagedPolicy{
			ARN:            arn,
			Name:           name,
			Path:           path,
			DefaultVersion: cp.VersionID,
			Versions:       []model.PolicyVersion{version},
			AWSManaged:     true,
			FromCatalog:    true,
		})
	}
	return warns
}

// isAWSManaged reports whether an ARN names an AWS managed policy (arn:PARTITION:iam::aws:policy/...).
func isAWSManaged(arn string) bool {
	return strings.HasPrefix(arn, "arn:") && strings.Contains(arn, ":iam::aws:policy/")
}
