package loader

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/iamscope/iamscope/jsontree"
	"github.com/iamscope/iamscope/model"
)

// The wrapper the IAM query API puts around a response when asked for JSON.
const (
	keyResponse = "GetAccountAuthorizationDetailsResponse"
	keyResult   = "GetAccountAuthorizationDetailsResult"
)

// LoadFile loads the accounts of one file or directory; see LoadFiles.
func LoadFile(path string, progress ProgressFunc) ([]*model.Account, error) {
	return LoadFiles([]string{path}, progress)
}

// LoadFiles loads accounts from files, each recognised by its shape:
//
//   - `aws iam get-account-authorization-details` output, in the AWS CLI's form (documents as
//     JSON) or the API's (documents URL-encoded, dates as ISO 8601 text or epoch seconds, the
//     response possibly wrapped in GetAccountAuthorizationDetailsResponse), or a JSON array of
//     such pages. The pages of one account (the account their ARNs name), in one file or
//     several, are merged into one account; different accounts stay apart.
//   - iamscope snapshots (see WriteSnapshot), read back exactly as they were written.
//   - resource policy files (see resourcepolicy.go), added to the account of their resource.
//
// A directory stands for the *.json files directly in it. AWS managed policies that accounts
// reference but the files do not hold are taken from the embedded catalog. Every account is
// indexed; what could not be read is in its Warnings.
//
// The load fails, naming the file and place, when a file cannot be read, is not JSON (with
// the line and column), has none of these shapes, or has a list that is not a list. Anything
// wrong inside one entry of a dump (a user, group, role or managed policy) is a warning naming
// the file, line, column and JSON path, and the rest loads: an entry without a valid ARN is
// left out, a policy document that does not parse or is not valid for its kind is left out
// (and the warning's Missing names it: answers that depend on it are partial), a value of the
// wrong type reads as empty.
func LoadFiles(paths []string, progress ProgressFunc) ([]*model.Account, error) {
	files, err := expandPaths(paths)
	if err != nil {
		return nil, err
	}
	budget, err := newInputBudget()
	if err != nil {
		return nil, err
	}
	defer RelaxGC(files)()
	var (
		pages     []*page
		resources []*resourcePolicyFile
		snapshots []*model.Account
		warnings  int
	)
	for i, name := range files {
		progress.report(Progress{Stage: "reading " + name, Done: i, Total: len(files), Warnings: warnings})
		got, err := readFile(name, budget)
		if err != nil {
			return nil, err
		}
		pages = append(pages, got.pages...)
		resources = append(resources, got.resources...)
		snapshots = append(snapshots, got.snapshots...)
		for _, p := range got.pages {
			warnings += len(p.warnings)
		}
	}
	progress.report(Progress{Stage: "building accounts", Done: len(files), Total: len(files), Warnings: warnings})

	loadedAt := time.Now().UTC()
	accounts, err := mergePages(pages, loadedAt)
	if err != nil {
		return nil, err
	}
	for _, a := range accounts {
		a.Warnings = append(a.Warnings, FillFromCatalog(a)...)
	}
	fromDumps := len(accounts)
	for _, s := range snapshots {
		if i := slices.IndexFunc(accounts, func(a *model.Account) bool { return a.ID == s.ID }); i >= 0 {
			return nil, fmt.Errorf("account %s is loaded twice: from %s and from %s; give one of them", s.ID, accounts[i].Source, s.Source)
		}
		accounts = append(accounts, s)
	}
	accounts, err = addResourcePolicies(accounts, resources, loadedAt)
	if err != nil {
		return nil, err
	}
	warnings = 0
	for i, a := range accounts {
		if i < fromDumps || i >= fromDumps+len(snapshots) {
			a.Index()
		} else {
			reindex(a)
		}
		warnings += len(a.Warnings)
	}
	progress.report(Progress{Stage: "loaded", Done: len(files), Total: len(files), Warnings: warnings})
	return accounts, nil
}

// expandPaths replaces directories with the *.json files directly in them (sorted) and drops
// files named twice.
func expandPaths(paths []string) ([]string, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("no files to load")
	}
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if c := filepath.Clean(p); !seen[c] {
			seen[c] = true
			out = append(out, p)
		}
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("loading %s: %w", p, pathErrorText(err))
		}
		if !info.IsDir() {
			add(p)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, fmt.Errorf("loading %s: %w", p, pathErrorText(err))
		}
		n := 0
		for _, e := range entries {
			if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".json") {
				add(filepath.Join(p, e.Name()))
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("loading %s: the directory holds no .json files", p)
		}
	}
	return out, nil
}

// fileContents is what one file held.
type fileContents struct {
	pages     []*page
	resources []*resourcePolicyFile
	snapshots []*model.Account
}

// readFile reads one file and recognises its shape.
func readFile(name string, budget *inputBudget) (*fileContents, error) {
	data, err := budget.read(name)
	if err != nil {
		return nil, err
	}
	src := &source{name: name, data: data}
	ends, ok := jsontree.ValidEnds(data, spanMin) // as json.Valid, in less time
	if !ok {
		return nil, src.syntaxError()
	}
	src.ends = ends
	start := skipSpace(data, 0)
	out := &fileContents{}
	if elems, ok := arrayElements(data, src.ends, start); ok {
		for i, el := range elems {
			p, err := readPage(src, fmt.Sprintf("[%d]", i), el.start)
			if err != nil {
				return nil, err
			}
			out.pages = append(out.pages, p)
		}
		return out, nil
	}
	members, ok := objectMembers(data, src.ends, start)
	if !ok {
		return nil, fmt.Errorf("%s: must hold a JSON object, not %s", src.at(start, ""), kindOf(data[start:]))
	}
	switch {
	case isSnapshot(data, members):
		accounts, _, err := decodeSnapshot(src)
		if err != nil {
			return nil, err
		}
		out.snapshots = accounts
	case isResourcePolicy(members) && !isAuthzPage(members):
		rp, err := readResourcePolicy(src, members)
		if err != nil {
			return nil, err
		}
		out.resources = append(out.resources, rp)
	default:
		p, err := readPage(src, "", start)
		if err != nil {
			return nil, err
		}
		out.pages = append(out.pages, p)
	}
	return out, nil
}

// spanMin is the length from which the objects and arrays of a file are skipped by where they
// end, found when it is checked, rather than read again at each level of nesting: most
// entries of a dump, and the lists that hold them, are longer.
const spanMin = 256

// readPage reads the get-account-authorization-details response at off, unwrapping the API's
// GetAccountAuthorizationDetailsResponse/Result when present.
func readPage(src *source, path string, off int) (*page, error) {
	members, ok := objectMembers(src.data, src.ends, off)
	if !ok {
		return nil, fmt.Errorf("%s: must be a get-account-authorization-details object, not %s", src.at(off, path), kindOf(src.data[off:]))
	}
	for _, key := range []string{keyResponse, keyResult} {
		for _, m := range members {
			if m.key == key {
				path = joinPath(path, key)
				off = m.val.start
				if members, ok = objectMembers(src.data, src.ends, off); !ok {
					return nil, fmt.Errorf("%s: must be an object, not %s", src.at(off, path), kindOf(src.data[off:m.val.end]))
				}
				break
			}
		}
	}
	if !isAuthzPage(members) {
		keys := make([]string, 0, len(members))
		for _, m := range members {
			keys = append(keys, m.key)
		}
		sort.Strings(keys)
		return nil, fmt.Errorf("%s: not get-account-authorization-details output (no UserDetailList, GroupDetailList, RoleDetailList or Policies), an iamscope snapshot or a resource policy; its members are %s",
			src.at(off, path), strings.Join(keys, ", "))
	}
	return readAuthzPage(src, path, members)
}

// addResourcePolicies puts each resource policy into the account of its resource. A bucket's
// ARN names no account: it joins the one account loaded, and fails the load when several
// are. A policy of an account that no other file describes gets an account of its own,
// holding only resource policies, with a warning that its IAM data is missing.
func addResourcePolicies(accounts []*model.Account, resources []*resourcePolicyFile, loadedAt time.Time) ([]*model.Account, error) {
	given := len(accounts) // the accounts of dumps and snapshots, before any of their own
	for _, rf := range resources {
		acct := rf.account
		if acct == "" {
			if given != 1 {
				return nil, fmt.Errorf("%s: the ARN of %s names no account, and %d accounts are loaded: load it with the files of its own account only", rf.src.name, rf.policy.ResourceARN, given)
			}
			acct = accounts[0].ID
		}
		i := slices.IndexFunc(accounts, func(a *model.Account) bool { return a.ID == acct })
		if i < 0 {
			accounts = append(accounts, &model.Account{
				ID:       acct,
				Source:   "file:" + rf.src.name,
				LoadedAt: loadedAt,
				Warnings: []model.Warning{{
					Where:   rf.src.name,
					Message: fmt.Sprintf("the resource %s belongs to account %s, which no other file describes: the account holds only resource policies", rf.policy.ResourceARN, acct),
					Missing: "the users, groups, roles and policies of account " + acct,
				}},
			})
			i = len(accounts) - 1
		}
		a := accounts[i]
		a.Warnings = append(a.Warnings, rf.warnings...)
		if j := slices.IndexFunc(a.ResourcePolicies, func(rp *model.ResourcePolicy) bool { return rp.ResourceARN == rf.policy.ResourceARN }); j >= 0 {
			a.Warnings = append(a.Warnings, model.Warning{Where: rf.src.name, Message: fmt.Sprintf("a second policy for %s; this one is kept", rf.policy.ResourceARN)})
			a.ResourcePolicies[j] = rf.policy
			continue
		}
		a.ResourcePolicies = append(a.ResourcePolicies, rf.policy)
		if !strings.Contains(a.Source, rf.src.name) {
			a.Source += "," + rf.src.name
		}
	}
	return accounts, nil
}
