package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"os"
	"sort"
)

// The magic lines that open the two data files. They must agree with the ones in
// catalog/load.go, which documents the whole layout.
const (
	servicesMagic = "iamscope-catalog-services/1\n"
	managedMagic  = "iamscope-catalog-managed/1\n"
)

// encoder appends the primitives of the catalog's binary layout: unsigned varints, and byte
// strings prefixed by their length.
type encoder struct {
	buf []byte
}

func (e *encoder) uint(v int) {
	if v < 0 {
		panic(fmt.Sprintf("gen: negative value %d in encoder", v)) // a bug in gen, not bad input
	}
	e.buf = binary.AppendUvarint(e.buf, uint64(v))
}

func (e *encoder) bool(b bool) {
	if b {
		e.uint(1)
	} else {
		e.uint(0)
	}
}

func (e *encoder) bytes(b []byte) {
	e.uint(len(b))
	e.buf = append(e.buf, b...)
}

func (e *encoder) string(s string) {
	e.uint(len(s))
	e.buf = append(e.buf, s...)
}

// stringTable interns the strings of the services file, so that each is stored once and
// referred to by its index.
type stringTable struct {
	index map[string]int
	list  []string
}

// add registers s; call it for every string before freezing the table.
func (t *stringTable) add(s string) {
	if t.index == nil {
		t.index = map[string]int{}
	}
	if _, ok := t.index[s]; !ok {
		t.index[s] = -1
		t.list = append(t.list, s)
	}
}

// freeze sorts the strings (similar strings side by side compress better) and numbers them.
func (t *stringTable) freeze() {
	sort.Strings(t.list)
	for i, s := range t.list {
		t.index[s] = i
	}
}

// ref returns the index of s, which must have been added before the table was frozen.
func (t *stringTable) ref(s string) int {
	i, ok := t.index[s]
	if !ok || i < 0 {
		panic(fmt.Sprintf("gen: string %q used but not interned", s)) // a bug in gen
	}
	return i
}

// encode writes the table: the count, every length, then all the bytes back to back, so that the
// loader can turn the whole table into one string and slice it.
func (t *stringTable) encode(e *encoder) {
	e.uint(len(t.list))
	for _, s := range t.list {
		e.uint(len(s))
	}
	for _, s := range t.list {
		e.buf = append(e.buf, s...)
	}
}

// writeGzip compresses raw at the best level and writes it to path. The gzip header carries no
// name or time, so equal input gives equal files.
func writeGzip(path string, raw []byte) error {
	var out bytes.Buffer
	zw, err := gzip.NewWriterLevel(&out, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("compressing %s: %w", path, err)
	}
	if _, err := zw.Write(raw); err != nil {
		return fmt.Errorf("compressing %s: %w", path, err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("compressing %s: %w", path, err)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	fmt.Printf("%s: %d bytes raw, %d bytes gzip'd\n", path, len(raw), out.Len())
	return nil
}
