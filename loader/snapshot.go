package loader

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/iamscope/iamscope/internal/safefile"
	"github.com/iamscope/iamscope/model"
)

// A snapshot is everything loaded from a source, written to one file so that it can be read
// back exactly, without the source: a JSON envelope
//
//	{"format":"iamscope-snapshot","version":3,"createdAt":"...","source":"...",
//	 "checksum":"sha256:<hex>","accounts":[<model.Account JSON>...]}
//
// where the checksum is over the exact bytes of the accounts array as written. The accounts
// keep their own source, load time and warnings.
//
// Version 3 added "organizations": the whole tree of each organization the accounts were
// loaded with (--org-role), written once rather than in every account, after the accounts;
// the checksum then covers the accounts' bytes, a newline and the organizations' bytes.
//
// Version 2 added the organization's management account, users' login profiles and Lambda
// functions' execution roles; a version 1 snapshot reads as they were (unknown, none). A build
// that reads only version 1 refuses version 2 rather than drop the management account and
// apply SCPs it does not know do not bind it.
const (
	// SnapshotFormat is the envelope's "format".
	SnapshotFormat = "iamscope-snapshot"
	// SnapshotVersion is the format version this build writes and the newest it reads.
	SnapshotVersion = 3
)

// SnapshotMeta describes a snapshot as a whole.
type SnapshotMeta struct {
	// CreatedAt is when the snapshot was written; WriteSnapshot fills it when zero.
	CreatedAt time.Time
	// Source says what the accounts were loaded from, for people ("file:a.json file:b.json").
	Source string
}

// snapshotEnvelope is the JSON form of a snapshot, in the order it is written.
type snapshotEnvelope struct {
	Format    string          `json:"format"`
	Version   int             `json:"version"`
	CreatedAt time.Time       `json:"createdAt"`
	Source    string          `json:"source"`
	Checksum  string          `json:"checksum"`
	Accounts  json.RawMessage `json:"accounts"`
	// Organizations holds each organization's tree (version 3); absent when none was loaded.
	Organizations json.RawMessage `json:"organizations,omitempty"`
}

// snapshotSum returns the checksum of a snapshot's accounts and organizations.
func snapshotSum(accounts, orgs json.RawMessage) [32]byte {
	if len(orgs) == 0 {
		return sha256.Sum256(accounts)
	}
	h := sha256.New()
	h.Write(accounts)
	h.Write([]byte("\n"))
	h.Write(orgs)
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// orgTrees returns the distinct organization trees the accounts share, in order of first use.
func orgTrees(accounts []*model.Account) []*model.OrgTree {
	var out []*model.OrgTree
	for _, a := range accounts {
		if a.Organization != nil && a.Organization.Tree != nil && !slices.Contains(out, a.Organization.Tree) {
			out = append(out, a.Organization.Tree)
		}
	}
	return out
}

// WriteSnapshot writes accounts to path as a snapshot through safefile.WriteFile: with mode
// 0600 (it holds a map of who can do what), atomically (path holds either its old contents or
// the whole snapshot, never part of one), and never through a symbolic link or over a file
// that is not a regular file.
func WriteSnapshot(path string, accounts []*model.Account, meta SnapshotMeta) error {
	data, err := encodeSnapshot(accounts, meta)
	if err != nil {
		return fmt.Errorf("writing snapshot %s: %w", path, err)
	}
	if err := safefile.WriteFile(path, data); err != nil {
		return fmt.Errorf("writing snapshot %s: %w", path, err)
	}
	return nil
}

// encodeSnapshot returns the bytes of a snapshot file.
func encodeSnapshot(accounts []*model.Account, meta SnapshotMeta) ([]byte, error) {
	if accounts == nil {
		accounts = []*model.Account{}
	}
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(accounts); err != nil {
		return nil, fmt.Errorf("encoding the accounts: %w", err)
	}
	accountsJSON := bytes.TrimSuffix(body.Bytes(), []byte("\n"))
	var orgsJSON []byte
	if trees := orgTrees(accounts); len(trees) > 0 {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(trees); err != nil {
			return nil, fmt.Errorf("encoding the organizations: %w", err)
		}
		orgsJSON = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	}
	sum := snapshotSum(accountsJSON, orgsJSON)
	if meta.CreatedAt.IsZero() {
		meta.CreatedAt = time.Now()
	}
	env := snapshotEnvelope{
		Format:        SnapshotFormat,
		Version:       SnapshotVersion,
		CreatedAt:     meta.CreatedAt.UTC(),
		Source:        meta.Source,
		Checksum:      "sha256:" + hex.EncodeToString(sum[:]),
		Accounts:      accountsJSON,
		Organizations: orgsJSON,
	}
	var out bytes.Buffer
	enc = json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(env); err != nil {
		return nil, fmt.Errorf("encoding the envelope: %w", err)
	}
	return out.Bytes(), nil
}

// ReadSnapshot reads a snapshot written by WriteSnapshot. It refuses a file written by a newer
// format version, and a damaged one: bad or truncated JSON (with the line and column),
// accounts that do not match the checksum (a corrupt or accidentally edited file), or, since
// the checksum can be recomputed by whoever edits the file, accounts a loader would never
// produce (a null entry, an ARN that is not of its entity's type, a policy invalid for its
// kind: an error naming its JSON path).
func ReadSnapshot(path string) ([]*model.Account, SnapshotMeta, error) {
	budget, err := newInputBudget()
	if err != nil {
		return nil, SnapshotMeta{}, err
	}
	data, err := budget.read(path)
	if err != nil {
		return nil, SnapshotMeta{}, err
	}
	src := &source{name: path, data: data}
	if !json.Valid(data) {
		return nil, SnapshotMeta{}, fmt.Errorf("snapshot %w", src.syntaxError())
	}
	members, ok := objectMembers(data, nil, 0)
	if !ok || !isSnapshot(data, members) {
		return nil, SnapshotMeta{}, fmt.Errorf("%s: not an iamscope snapshot (no \"format\": %q)", path, SnapshotFormat)
	}
	return decodeSnapshot(src)
}

// isSnapshot reports whether an object is a snapshot envelope.
func isSnapshot(data []byte, members []member) bool {
	for _, m := range members {
		if m.key == "format" {
			return unquote(data[m.val.start:m.val.end]) == SnapshotFormat
		}
	}
	return false
}

// decodeSnapshot reads a snapshot's envelope, checks its version and checksum, decodes its
// accounts and checks them as strictly as a dump's (the checksum does not stop tampering),
// and indexes them again (without adding Index's warnings twice: they were kept).
func decodeSnapshot(src *source) ([]*model.Account, SnapshotMeta, error) {
	var env snapshotEnvelope
	if err := json.Unmarshal(src.data, &env); err != nil {
		return nil, SnapshotMeta{}, fmt.Errorf("%s: the snapshot's envelope: %w", src.name, err)
	}
	meta := SnapshotMeta{CreatedAt: env.CreatedAt, Source: env.Source}
	switch {
	case env.Version > SnapshotVersion:
		return nil, meta, fmt.Errorf("%s was written by a newer iamscope: format version %d, this build reads %d", src.name, env.Version, SnapshotVersion)
	case env.Version < 1:
		return nil, meta, fmt.Errorf("%s: the snapshot has no valid format version (got %d)", src.name, env.Version)
	}
	hexSum, ok := strings.CutPrefix(env.Checksum, "sha256:")
	if !ok {
		return nil, meta, fmt.Errorf("%s: the snapshot has no sha256 checksum (got %q)", src.name, env.Checksum)
	}
	sum := snapshotSum(env.Accounts, env.Organizations)
	if got := hex.EncodeToString(sum[:]); got != strings.ToLower(hexSum) {
		return nil, meta, fmt.Errorf("%s is corrupt or was edited: its accounts do not match its checksum (recorded sha256:%s, computed sha256:%s)", src.name, hexSum, got)
	}
	accounts, err := decodeAccounts(env.Accounts)
	if err == nil {
		err = checkSnapshotAccounts(accounts)
	}
	var trees []*model.OrgTree
	if err == nil && len(env.Organizations) > 0 {
		if err = json.Unmarshal(env.Organizations, &trees); err == nil {
			err = checkOrgTrees(trees)
		}
	}
	if err != nil {
		return nil, meta, fmt.Errorf("%s: %w", src.name, err)
	}
	for _, a := range accounts {
		reindex(a)
		if o := a.Organization; o != nil {
			for _, t := range trees {
				if t != nil && t.ID == o.ID && t.Node(a.ID) != nil {
					o.Tree = t
					break
				}
			}
		}
	}
	return accounts, meta, nil
}

// reindex builds an account's lookups without adding Index's warnings again: an account read
// back from a snapshot already holds them.
func reindex(a *model.Account) {
	kept := a.Warnings
	a.Index()
	a.Warnings = kept
}
