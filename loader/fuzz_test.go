package loader

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/model"
)

// fuzzSeeds adds the shared data's small dumps and resource policies (the large ones would
// slow every mutation), and small hand-made files of every shape LoadFiles knows.
func fuzzSeeds(f *testing.F) {
	for _, name := range []string{dumpAWSCLI, dumpCloudMap} {
		if b, err := os.ReadFile(accountsPath(f, name)); err == nil {
			f.Add(b)
		}
	}
	if entries, err := os.ReadDir(accountsPath(f, dirCloudMapRP)); err == nil {
		for _, e := range entries {
			if b, err := os.ReadFile(filepath.Join(accountsPath(f, dirCloudMapRP), e.Name())); err == nil {
				f.Add(b)
			}
		}
	}
	for _, s := range []string{
		`{"UserDetailList":[{"UserName":"u","Arn":"arn:aws:iam::123456789012:user/u","GroupList":["g"],"UserPolicyList":[{"PolicyName":"p","PolicyDocument":"%7B%22Statement%22%3A%5B%5D%7D"}]}],"GroupDetailList":[{"GroupName":"g","Arn":"arn:aws:iam::123456789012:group/g"}],"IsTruncated":false}`,
		`[{"RoleDetailList":[{"RoleName":"r","Arn":"arn:aws:iam::123456789012:role/r","AssumeRolePolicyDocument":{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}}],"IsTruncated":true,"Marker":"m"},{"Policies":[]}]`,
		`{"GetAccountAuthorizationDetailsResponse":{"GetAccountAuthorizationDetailsResult":{"Policies":[{"PolicyName":"p","Arn":"arn:aws:iam::123456789012:policy/p","DefaultVersionId":"v1","PolicyVersionList":[{"VersionId":"v1","IsDefaultVersion":true,"Document":{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"s3:*","NotResource":"*"}}}]}]}}}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`,
		`{"Policy":"{\"Version\":\"2012-10-17\",\"Statement\":[]}"}`,
	} {
		f.Add([]byte(s))
	}
}

// FuzzLoadFiles loads arbitrary bytes as a file. It must not panic or hang; a failure names the
// file; an account it loads can be compiled and asked about, and survives a snapshot exactly.
func FuzzLoadFiles(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog(data)()
		dir := t.TempDir()
		path := filepath.Join(dir, "input.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		accounts, err := LoadFiles([]string{path}, nil)
		if err != nil {
			if !strings.Contains(err.Error(), "input.json") {
				t.Fatalf("the error does not name the file: %v", err)
			}
			return
		}
		checkAccounts(t, accounts)
		snap := filepath.Join(dir, "snap.json")
		if err := WriteSnapshot(snap, accounts, SnapshotMeta{Source: "fuzz", CreatedAt: time.Unix(0, 0)}); err != nil {
			t.Fatalf("WriteSnapshot: %v", err)
		}
		back, _, err := ReadSnapshot(snap)
		if err != nil {
			t.Fatalf("the snapshot of a loaded account does not read back: %v", err)
		}
		if !reflect.DeepEqual(back, accounts) {
			t.Fatalf("the snapshot reads back different accounts")
		}
	})
}

// checkAccounts compiles the engine over accounts and asks one question of every principal.
func checkAccounts(t *testing.T, accounts []*model.Account) {
	t.Helper()
	for _, a := range accounts {
		if a == nil {
			t.Fatal("a nil account")
		}
		for _, w := range a.Warnings {
			w.Affects()
		}
	}
	e := eval.NewEngine(accounts...)
	for i, p := range e.Principals() {
		if i == 20 {
			break
		}
		if _, err := e.Can(p, "s3:GetObject", "arn:aws:s3:::b/k", nil, eval.Options{Mode: eval.Discovery, Explain: true}); err != nil {
			t.Fatalf("Can of %s: %v", p.ARN, err)
		}
		e.UnweighedWhatCan(p, false, nil, eval.Discovery)
	}
	e.UnweighedWhoCan("arn:aws:s3:::b/k")
}

// FuzzReadSnapshot reads arbitrary bytes as a snapshot; with fix set, the bytes are the
// accounts of a snapshot whose envelope and checksum are right, so that mutations reach the
// decoding of accounts instead of stopping at the checksum. It must not panic; a failure names
// the file; what it reads can be compiled and asked about.
func FuzzReadSnapshot(f *testing.F) {
	for _, name := range []string{dumpAWSCLI, dumpCloudMap} {
		accounts, err := LoadFiles([]string{accountsPath(f, name)}, nil)
		if err != nil {
			f.Fatal(err)
		}
		data, err := encodeSnapshot(accounts, SnapshotMeta{Source: "seed", CreatedAt: time.Unix(0, 0)})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, false)
		var env snapshotEnvelope
		if err := json.Unmarshal(data, &env); err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(env.Accounts), true)
	}
	f.Add([]byte(`[{"id":"123456789012","users":[{"arn":"arn:aws:iam::123456789012:user/u","name":"u","groups":["g"]}],"groups":null,"roles":null,"policies":null,"warnings":[{"where":"x","message":"y","missing":"bucket policy of arn:aws:s3:::b"}]}]`), true)
	f.Fuzz(func(t *testing.T, data []byte, fix bool) {
		defer watchdog(data)()
		if fix {
			data = withChecksum(data)
		}
		if accounts, ok := readFuzzSnapshot(t, t.TempDir(), data); ok {
			checkAccounts(t, accounts)
		}
	})
}

// readFuzzSnapshot writes data to dir/snap.json and reads it as a snapshot; ok is false when
// it is refused, with an error that must name the file.
func readFuzzSnapshot(t *testing.T, dir string, data []byte) (accounts []*model.Account, ok bool) {
	path := filepath.Join(dir, "snap.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	accounts, _, err := ReadSnapshot(path)
	if err != nil {
		if !strings.Contains(err.Error(), "snap.json") {
			t.Fatalf("the error does not name the file: %v", err)
		}
		return nil, false
	}
	return accounts, true
}

// withChecksum wraps accounts JSON in a snapshot envelope with the right checksum.
func withChecksum(accounts []byte) []byte {
	accounts = bytes.Trim(accounts, " \t\r\n")
	sum := sha256.Sum256(accounts)
	return []byte(`{"format":"` + SnapshotFormat + `","version":1,"createdAt":"2026-01-01T00:00:00Z","source":"fuzz","checksum":"sha256:` +
		hex.EncodeToString(sum[:]) + `","accounts":` + string(accounts) + `}`)
}

// watchdog crashes the fuzzing process when one input takes longer than ten seconds, so that
// the fuzzer keeps the input that hangs (a timeout is no failure to it otherwise); call the
// function it returns when the input is done.
func watchdog(data []byte) func() {
	timer := time.AfterFunc(10*time.Second, func() {
		panic(fmt.Sprintf("one input took over 10 s: %q", data))
	})
	return func() { timer.Stop() }
}

// FuzzCraftedSnapshot reads arbitrary bytes as the accounts of a snapshot whose envelope and
// checksum are always right, as whoever edits a snapshot can make them (the checksum is plain
// SHA-256), so that every mutation reaches the decoding, the checks of checkSnapshotAccounts
// and the engine. It must not panic or hang; a refusal names the file; accounts it accepts can
// be compiled and asked about, and survive being written and read back exactly.
func FuzzCraftedSnapshot(f *testing.F) {
	base, err := json.Marshal(craftBase(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(base)
	for _, s := range []string{
		`[{"id":"123456789012","users":[null],"groups":null,"roles":null,"policies":null}]`,
		`[{"id":"123456789012","users":[],"groups":[null],"roles":[null],"policies":[null],"resourcePolicies":[null],"instanceProfiles":[null]}]`,
		`[{"id":"123456789012","users":[{"arn":"arn:aws:iam::123456789012:user/u","name":"u","path":"/","groups":["g"],"inlinePolicies":[{"name":"i","document":null}]}],"groups":[{"arn":"arn:aws:iam::123456789012:group/g","name":"g","path":"/"}],"roles":[{"arn":"arn:aws:iam::123456789012:role/r","name":"r","path":"/","trustPolicy":null}],"policies":[{"arn":"arn:aws:iam::123456789012:policy/p","name":"p","path":"/","defaultVersion":"v9","versions":[{"id":"v1","document":null}]}],"organization":{"levels":[{"id":"r","name":"r","scps":[{"id":"p","name":"p","document":null}]}]}}]`,
		`[null]`,
		`[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog(data)()
		dir := t.TempDir()
		accounts, ok := readFuzzSnapshot(t, dir, withChecksum(data))
		if !ok {
			return
		}
		checkAccounts(t, accounts)
		meta := SnapshotMeta{Source: "fuzz", CreatedAt: time.Unix(0, 0)}
		again := filepath.Join(dir, "again.json")
		if err := WriteSnapshot(again, accounts, meta); err != nil {
			t.Fatalf("WriteSnapshot of accepted accounts: %v", err)
		}
		back, _, err := ReadSnapshot(again)
		if err != nil {
			t.Fatalf("accepted accounts do not read back: %v", err)
		}
		first, _ := encodeSnapshot(accounts, meta)
		second, _ := encodeSnapshot(back, meta)
		if !bytes.Equal(first, second) {
			t.Fatalf("accepted accounts read back differently:\n%s\n%s", first, second)
		}
	})
}
