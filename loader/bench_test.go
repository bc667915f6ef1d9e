package loader

import "testing"

// BenchmarkLoadFile loads and indexes the largest dump in loader/testdata/accounts (824 KB:
// 44 users, 78 roles, 84 policies).
func BenchmarkLoadFile(b *testing.B) {
	path := accountsPath(b, dumpVulnerable)
	if _, err := LoadFile(path, nil); err != nil { // the catalog's first load is not measured
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadFile(path, nil); err != nil {
			b.Fatal(err)
		}
	}
}
