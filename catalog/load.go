package catalog

import (
	"bytes"
	"cmp"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
)

// The embedded files are gzip'd binary layouts written by catalog/gen. Every number is an
// unsigned varint (encoding/binary's Uvarint); a string table entry or a byte string is its
// length then its bytes.
//
// services.bin.gz:
//
//	magic      "iamscope-catalog-services/1\n"
//	strings    count, then every length, then all the bytes back to back; below, a "ref" is an
//	           index into this table and "refs" is a count followed by that many refs
//	totals     services, actions, action resources, resource types, refs held in lists, and
//	           service condition key entries: sizes for the loader's allocations
//	keys       count, then per condition key: name ref, type ref (sorted by lowercased name)
//	globals    count, then per global condition key: its index in keys
//	services   per service (sorted by prefix): prefix ref, name ref,
//	             resource types: count, then per type: name ref, ARN format ref, key refs
//	             condition keys: count, then indexes into keys
//	             actions (sorted by lowercased name): count, then per action: name ref,
//	               access level (0 List, 1 Read, 2 Write, 3 Permissions management, 4 Tagging),
//	               resources: count, then per resource: index into the service's resource
//	                 types, required (0 or 1), key refs;
//	               condition key refs, dependent action refs
//
// managed-policies.bin.gz:
//
//	magic      "iamscope-catalog-managed/1\n"
//	policies   count, then per policy (sorted by name): name, path, version id, document
const (
	servicesMagic = "iamscope-catalog-services/1\n"
	managedMagic  = "iamscope-catalog-managed/1\n"
)

//go:embed data/services.bin.gz
var servicesGz []byte

// index is the decoded action data with the lookup structures built over it.
type index struct {
	services  []*Service                // sorted by prefix
	actions   []*Action                 // every action, sorted by lowercased full name
	keys      map[string]*ConditionKey  // by lowercased name
	templates map[string][]*keyTemplate // by lowercased service part; "" when it has a placeholder
	byARNSvc  map[string]*arnBucket     // by the service field of the ARN format
	anyARNSvc []*ResourceType           // resource types whose ARN format has no fixed service field
	err       error
}

// servicesFile is services.bin.gz, decoded on first use.
var servicesFile = &embeddedFile[index]{
	name:   "services.bin.gz",
	gz:     servicesGz,
	decode: decodeServices,
	failed: func(err error) *index { return &index{err: err} },
}

// loadIndex decodes the action data on first use and returns it; after a failure it returns
// an empty index that records the error.
func loadIndex() *index { return servicesFile.load() }

// embeddedFile is one gzip'd data file, decoded once, on first use.
type embeddedFile[T any] struct {
	name   string
	gz     []byte
	decode func(raw []byte) (*T, error)
	failed func(err error) *T // the empty value that records a failure

	once sync.Once
	val  *T
}

// load decodes the file the first time it is called and returns the result.
func (f *embeddedFile[T]) load() *T {
	f.once.Do(func() {
		v, err := f.decodeFrom(f.gz)
		if err != nil {
			v = f.failed(err)
		}
		f.val = v
	})
	return f.val
}

// decodeFrom gunzips and decodes gz as the file's contents, wrapping errors with its name.
func (f *embeddedFile[T]) decodeFrom(gz []byte) (*T, error) {
	raw, err := gunzip(gz)
	if err != nil {
		return nil, fmt.Errorf("catalog: loading %s: %w", f.name, err)
	}
	v, err := f.decode(raw)
	if err != nil {
		return nil, fmt.Errorf("catalog: decoding %s: %w", f.name, err)
	}
	return v, nil
}

// gunzip decompresses an embedded file in one allocation, sized from the gzip trailer.
func gunzip(gz []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	size := 0
	if n := len(gz); n >= 4 {
		size = int(binary.LittleEndian.Uint32(gz[n-4:])) // the length modulo 2^32: only a hint
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(size, 64<<20)+bytes.MinRead))
	if _, err := io.Copy(buf, zr); err != nil {
		return nil, err
	}
	if err := zr.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// reader decodes the primitives of the layout. The first error sticks: later reads return
// zero values, and the caller checks err once at the end (and wherever a bad value would
// cost a large allocation or an index out of range).
type reader struct {
	buf []byte
	off int
	err error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("at byte %d: %s", r.off, fmt.Sprintf(format, args...))
	}
}

// magic consumes the opening line that names the layout and its version.
func (r *reader) magic(want string) {
	if !bytes.HasPrefix(r.buf, []byte(want)) {
		r.fail("the file does not open with %q: not a catalog file, or one of another version", strings.TrimSpace(want))
		return
	}
	r.off = len(want)
}

// uint reads one varint.
func (r *reader) uint() int {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.buf[r.off:])
	if n <= 0 || v > math.MaxInt32 {
		r.fail("bad or truncated number")
		return 0
	}
	r.off += n
	return int(v)
}

// count reads the number of items that follow, each of which takes at least minBytes, and
// checks that that many can fit in what is left, so that a damaged count cannot ask for a huge
// allocation.
func (r *reader) count(minBytes int) int {
	n := r.uint()
	if r.err == nil && n > (len(r.buf)-r.off)/minBytes {
		r.fail("count %d exceeds the rest of the file", n)
		return 0
	}
	return n
}

// bytes reads a length-prefixed byte string; the result shares the buffer.
func (r *reader) bytes() []byte {
	n := r.count(1)
	if r.err != nil {
		return nil
	}
	b := r.buf[r.off : r.off+n : r.off+n]
	r.off += n
	return b
}

// flag reads a 0 or a 1.
func (r *reader) flag() bool {
	switch v := r.uint(); v {
	case 0:
		return false
	case 1:
		return true
	default:
		r.fail("flag is %d, not 0 or 1", v)
		return false
	}
}

// index reads an index into a list of n items.
func (r *reader) index(n int, what string) int {
	i := r.uint()
	if r.err == nil && i >= n {
		r.fail("%s index %d out of range (%d)", what, i, n)
		return 0
	}
	return i
}

// done checks that the whole buffer was read.
func (r *reader) done() error {
	if r.err == nil && r.off != len(r.buf) {
		r.fail("%d bytes left over after the data", len(r.buf)-r.off)
	}
	return r.err
}

// stringTable reads the string table into one string and slices it.
func (r *reader) stringTable() []string {
	n := r.count(1)
	lens := make([]int, n)
	total := 0
	for i := range lens {
		lens[i] = r.uint()
		total += lens[i]
	}
	if r.err != nil || total > len(r.buf)-r.off {
		r.fail("string table of %d bytes exceeds the rest of the file", total)
		return nil
	}
	all := string(r.buf[r.off : r.off+total])
	r.off += total
	strs := make([]string, n)
	at := 0
	for i, l := range lens {
		strs[i] = all[at : at+l]
		at += l
	}
	return strs
}

// arena hands out consecutive pieces of one preallocated slice, so that decoding 22,000
// actions costs a handful of allocations rather than a hundred thousand.
type arena[T any] struct {
	buf []T
}

// take returns the next n items, or nil and false when the arena is spent (the totals in the
// header were wrong).
func (a *arena[T]) take(n int) ([]T, bool) {
	if n > len(a.buf) {
		return nil, false
	}
	s := a.buf[:n:n]
	a.buf = a.buf[n:]
	return s, true
}

// servicesDecoder holds the state of decoding services.bin.gz.
type servicesDecoder struct {
	r         reader
	strs      []string
	keys      []ConditionKey
	actions   arena[Action]
	resources arena[ActionResource]
	rtypes    arena[ResourceType]
	refs      arena[string]
	svcKeys   arena[*ConditionKey]
}

// take draws n items from an arena, recording an error when the header's totals fall short.
func take[T any](d *servicesDecoder, a *arena[T], n int, what string) []T {
	if d.r.err != nil || n == 0 {
		return nil
	}
	s, ok := a.take(n)
	if !ok {
		d.r.fail("more %s than the header's total", what)
	}
	return s
}

// pick reads an index into list and returns a pointer to that item, or nil after an error, so
// that damaged data can never index out of range.
func pick[T any](r *reader, list []T, what string) *T {
	i := r.index(len(list), what)
	if r.err != nil {
		return nil
	}
	return &list[i]
}

// str reads a ref.
func (d *servicesDecoder) str() string {
	if s := pick(&d.r, d.strs, "string"); s != nil {
		return *s
	}
	return ""
}

// strList reads refs into a slice of the refs arena.
func (d *servicesDecoder) strList() []string {
	n := d.r.count(1)
	list := take(d, &d.refs, n, "string refs")
	for i := range list {
		list[i] = d.str()
	}
	return list
}

// decodeServices decodes the raw services file into an index.
func decodeServices(raw []byte) (*index, error) {
	d := &servicesDecoder{r: reader{buf: raw}}
	r := &d.r
	r.magic(servicesMagic)
	d.strs = d.r.stringTable()
	if r.err != nil {
		return nil, r.err
	}
	nServices := r.count(1)
	d.actions.buf = make([]Action, r.count(1))
	d.resources.buf = make([]ActionResource, r.count(1))
	d.rtypes.buf = make([]ResourceType, r.count(1))
	d.refs.buf = make([]string, r.count(1))
	d.svcKeys.buf = make([]*ConditionKey, r.count(1))

	d.keys = make([]ConditionKey, r.count(2))
	for i := range d.keys {
		d.keys[i] = ConditionKey{Name: d.str(), Type: d.str()}
	}
	globals := make([]*ConditionKey, r.count(1))
	for i := range globals {
		globals[i] = pick(r, d.keys, "condition key")
	}

	services := make([]*Service, nServices)
	for i := range services {
		services[i] = d.service()
	}
	if err := r.done(); err != nil {
		return nil, err
	}
	return buildIndex(services, globals)
}

// service decodes one service.
func (d *servicesDecoder) service() *Service {
	r := &d.r
	s := &Service{Prefix: d.str(), Name: d.str()}
	rtypes := take(d, &d.rtypes, r.count(3), "resource types")
	s.ResourceTypes = make([]*ResourceType, len(rtypes))
	for i := range rtypes {
		rt := &rtypes[i]
		rt.Service = s.Prefix
		rt.Name = d.str()
		rt.ARNFormat = d.str()
		rt.ConditionKeys = d.strList()
		s.ResourceTypes[i] = rt
	}
	s.ConditionKeys = take(d, &d.svcKeys, r.count(1), "service condition keys")
	for i := range s.ConditionKeys {
		s.ConditionKeys[i] = pick(r, d.keys, "condition key")
	}
	actions := take(d, &d.actions, r.count(4), "actions")
	s.Actions = make([]*Action, len(actions))
	for i := range actions {
		a := &actions[i]
		a.Service = s.Prefix
		a.Name = d.str()
		if level := pick(r, accessLevels[:], "access level"); level != nil {
			a.AccessLevel = *level
		}
		a.ResourceTypes = take(d, &d.resources, r.count(3), "action resources")
		for j := range a.ResourceTypes {
			ar := &a.ResourceTypes[j]
			if ar.rt = pick(r, rtypes, "resource type"); ar.rt != nil {
				ar.Type = ar.rt.Name
			}
			ar.Required = r.flag()
			ar.ConditionKeys = d.strList()
		}
		a.ConditionKeys = d.strList()
		a.DependentActions = d.strList()
		s.Actions[i] = a
	}
	return s
}

// buildIndex orders the actions for lookup and builds the maps over keys and resource types.
func buildIndex(services []*Service, globals []*ConditionKey) (*index, error) {
	idx := &index{services: services}
	for i := 1; i < len(services); i++ {
		if services[i-1].Prefix >= services[i].Prefix {
			return nil, fmt.Errorf("services out of order: %q before %q", services[i-1].Prefix, services[i].Prefix)
		}
	}
	if err := idx.indexActions(); err != nil {
		return nil, err
	}
	idx.indexConditionKeys(globals)
	idx.indexResourceTypes()
	return idx, nil
}

// indexActions lays all actions out in one slice sorted by lowercased full name, which makes a
// lookup a binary search and a pattern with a literal prefix a contiguous range. Each
// service's actions are a contiguous block of it, so Service.Actions is re-pointed there.
func (idx *index) indexActions() error {
	byColon := slices.Clone(idx.services)
	// "s3-outposts:..." sorts before "s3:...", so blocks go in order of prefix+":".
	slices.SortFunc(byColon, func(a, b *Service) int { return compareWithColon(a.Prefix, b.Prefix) })
	n, size := 0, 0
	for _, s := range byColon {
		n += len(s.Actions)
		for _, a := range s.Actions {
			size += len(s.Prefix) + 1 + len(a.Name)
		}
	}
	all := make([]*Action, 0, n)
	names := make([]byte, 0, size)
	var full []byte
	for _, s := range byColon {
		start := len(all)
		for _, a := range s.Actions {
			all = append(all, a)
			names = appendLower(names, s.Prefix)
			names = append(names, ':')
			names = appendLower(names, a.Name)
			full = append(append(append(full, a.Service...), ':'), a.Name...)
		}
		s.Actions = all[start:len(all):len(all)]
	}
	lowered, fulls := string(names), string(full)
	at := 0
	for i, a := range all {
		l := len(a.Service) + 1 + len(a.Name)
		a.lowerFull = lowered[at : at+l]
		a.full = fulls[at : at+l]
		at += l
		if i > 0 && all[i-1].lowerFull >= a.lowerFull {
			return fmt.Errorf("actions out of order: %s before %s", all[i-1].FullName(), a.FullName())
		}
	}
	idx.actions = all
	return nil
}

// compareWithColon compares a+":" with b+":" without building them.
func compareWithColon(a, b string) int {
	n := min(len(a), len(b))
	if c := strings.Compare(a[:n], b[:n]); c != 0 {
		return c
	}
	switch {
	case len(a) == len(b):
		return 0
	case len(a) == n: // a+":" against b's next byte
		return cmp.Compare(':', b[n])
	default:
		return cmp.Compare(a[n], ':')
	}
}

// appendLower appends s with ASCII letters lowered (names in the catalog are ASCII).
func appendLower(b []byte, s string) []byte {
	start := len(b)
	b = append(b, s...)
	tail := b[start:]
	for i, c := range tail {
		if 'A' <= c && c <= 'Z' {
			tail[i] = c + 'a' - 'A'
		}
	}
	return b
}

// toLowerASCII returns s with ASCII letters lowered, s itself when it has no upper case.
func toLowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return string(appendLower(make([]byte, 0, len(s)), s))
		}
	}
	return s
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// compareFold compares lower, which is lower case, with s lowered, without allocating.
func compareFold(lower, s string) int {
	for i := 0; i < len(lower) && i < len(s); i++ {
		a, b := lower[i], lowerASCII(s[i])
		if a != b {
			if a < b {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(lower) < len(s):
		return -1
	case len(lower) > len(s):
		return 1
	}
	return 0
}
