package catalog

import (
	"slices"
	"strings"
)

// ResourceType is a kind of resource an action can act on, with the format of its ARNs. The
// engine uses it to decide which of an action's resource types a request's ARN is, and so
// which resource-level condition keys apply.
type ResourceType struct {
	// Service is the prefix of the service that defines the type, which may differ from the
	// service field of its ARNs: ssm defines "bucket" with the ARN format of S3's buckets.
	Service string
	// Name is the type's name in that service: "bucket", "object", "role".
	Name string
	// ARNFormat is the format as the reference writes it, with ${Placeholder}s:
	// "arn:${Partition}:s3:::${BucketName}/${ObjectName}". A few types give several formats,
	// separated by ", "; an ARN of any of them is of the type.
	ARNFormat     string
	ConditionKeys []string // condition keys that apply to resources of this type

	formats []arnPattern
}

// Match reports whether arn has the resource type's ARN format.
//
// A placeholder of the format (${Partition}, ${BucketName}, or a literal "*") matches a
// non-empty run of characters up to the first occurrence of the character that opens the
// literal text after it: ${Account} in "...:${Account}:role/..." stops at the next ':',
// ${BucketName} in "${BucketName}/${ObjectName}" at the next '/'. The last placeholder takes
// the rest of the ARN, '/' and ':' included (role paths, object keys, secret names), except
// where another format of the same ARN service extends this one: a bucket's name then may not
// hold the '/' that opens an object's key, a Lambda function's name not the ':' that opens a
// version or an alias, a DynamoDB table's name not the '/' of its indexes and streams. A
// placeholder between two slashes may be empty (CodeArtifact's "npm//package"). Matching is
// linear in the length of the ARN and case-sensitive.
func (rt *ResourceType) Match(arn string) bool {
	for i := range rt.formats {
		if rt.formats[i].match(arn) {
			return true
		}
	}
	return false
}

// arnPattern is one compiled ARN format.
type arnPattern struct {
	service string // the literal service field; "" when the format has a placeholder there
	// resource is the leading name of the resource part, the sixth field: "instance" in
	// "...:${Account}:instance/${InstanceId}". keyed is false when a placeholder cuts into
	// it ("${QueueName}", "o-${OrganizationId}"), so that any name may match.
	resource string
	keyed    bool
	toks     []arnToken
}

// arnToken is a literal run of the format, or a placeholder when lit is empty.
type arnToken struct {
	lit     string
	emptyOK bool   // a placeholder between two slashes, which may match nothing
	forbid  string // the last placeholder: bytes it may not hold (see ResourceType.Match)
}

// compileARNFormats compiles a format, or the ", "-separated formats, of a resource type.
func compileARNFormats(format string, toks *arena[arnToken]) []arnPattern {
	out := make([]arnPattern, 0, strings.Count(format, ", ")+1)
	for rest := format; rest != ""; {
		f, after, _ := strings.Cut(rest, ", ")
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, compileARNFormat(f, toks))
		}
		rest = after
	}
	return out
}

// maxTokens bounds the number of tokens of a format, for sizing an arena.
func maxTokens(format string) int {
	return 2*(strings.Count(format, "{")+strings.Count(format, "*")) + 2
}

// compileARNFormat splits a format into literals and placeholders. "${Name}", "{Name}" and "*"
// are placeholders; placeholders side by side merge into one. The literals are substrings of
// the format.
func compileARNFormat(format string, spare *arena[arnToken]) arnPattern {
	toks, ok := spare.take(maxTokens(format))
	if !ok {
		toks = make([]arnToken, maxTokens(format))
	}
	toks = toks[:0]
	litStart := 0
	placeholder := func(at, next int) {
		if litStart < at {
			toks = append(toks, arnToken{lit: format[litStart:at]})
		}
		if len(toks) == 0 || toks[len(toks)-1].lit != "" {
			toks = append(toks, arnToken{})
		}
		litStart = next
	}
	for i := 0; i < len(format); i++ {
		switch c := format[i]; {
		case c == '*':
			placeholder(i, i+1)
		case c == '$' && i+1 < len(format) && format[i+1] == '{' || c == '{':
			if end := strings.IndexByte(format[i:], '}'); end >= 0 {
				placeholder(i, i+end+1)
				i += end
			}
		}
	}
	if litStart < len(format) {
		toks = append(toks, arnToken{lit: format[litStart:]})
	}
	for i := range toks {
		if toks[i].lit == "" && i > 0 && i+1 < len(toks) &&
			strings.HasSuffix(toks[i-1].lit, "/") && strings.HasPrefix(toks[i+1].lit, "/") {
			toks[i].emptyOK = true
		}
	}
	p := arnPattern{toks: toks}
	p.resource, p.keyed = formatResourceKey(format)
	// The service is the third field: "arn:${Partition}:s3:::..." when it is a literal.
	if len(toks) >= 3 && toks[0].lit == "arn:" && toks[1].lit == "" && strings.HasPrefix(toks[2].lit, ":") {
		if svc, _, ok := strings.Cut(toks[2].lit[1:], ":"); ok && svc != "" {
			p.service = svc
		}
	}
	return p
}

// formatResourceKey returns the leading name of a format's resource part, when the format
// spells it out up to a '/' or a ':' or the end (placeholders hold no ':', so the sixth field
// starts after the fifth ':').
func formatResourceKey(format string) (string, bool) {
	_, resource, ok := splitARN(format)
	if !ok {
		return "", false
	}
	end := strings.IndexAny(resource, "/:${*")
	switch {
	case end < 0:
		return resource, true
	case resource[end] == '/' || resource[end] == ':':
		return resource[:end], true
	}
	return "", false
}

// resourceKey returns the leading name of an ARN's resource part: up to its first '/' or ':'.
func resourceKey(resource string) string {
	if end := strings.IndexAny(resource, "/:"); end >= 0 {
		return resource[:end]
	}
	return resource
}

// match reports whether arn has the format; see ResourceType.Match.
func (p *arnPattern) match(arn string) bool {
	pos := 0
	for i, t := range p.toks {
		rest := arn[pos:]
		if t.lit != "" {
			if !strings.HasPrefix(rest, t.lit) {
				return false
			}
			pos += len(t.lit)
			continue
		}
		if i == len(p.toks)-1 {
			return rest != "" && !strings.ContainsAny(rest, t.forbid)
		}
		n := strings.IndexByte(rest, p.toks[i+1].lit[0])
		if n < 0 || n == 0 && !t.emptyOK {
			return false
		}
		pos += n
	}
	return pos == len(arn)
}

// extendedBy reports whether q is p followed by more: the same literals and placeholders, then a
// literal. It returns the first byte of that literal.
func (p *arnPattern) extendedBy(q *arnPattern) (byte, bool) {
	if len(q.toks) <= len(p.toks) {
		return 0, false
	}
	for i, t := range p.toks {
		if t.lit != q.toks[i].lit {
			return 0, false
		}
	}
	next := q.toks[len(p.toks)].lit
	if next == "" {
		return 0, false
	}
	return next[0], true
}

// arnBucket holds the resource types whose ARNs have one service field, the types of the
// service of that name first, and indexes them by the leading name of the resource part, so
// that an EC2 instance's ARN is tried against the formats of "instance/..." alone.
type arnBucket struct {
	types      []*ResourceType
	byResource map[string][]int // positions in types, by formatResourceKey
	open       []int            // positions of the types with a format that is not keyed
}

// indexResourceTypes compiles every ARN format, works out what each last placeholder may not
// hold, and files the types by the service field of their ARNs.
func (idx *index) indexResourceTypes() {
	byService := map[string][]*arnPattern{}
	idx.byARNSvc = map[string]*arnBucket{}
	size := 0
	for _, s := range idx.services {
		for _, rt := range s.ResourceTypes {
			size += maxTokens(rt.ARNFormat)
		}
	}
	toks := &arena[arnToken]{buf: make([]arnToken, size)}
	for _, s := range idx.services {
		for _, rt := range s.ResourceTypes {
			rt.formats = compileARNFormats(rt.ARNFormat, toks)
			for i := range rt.formats {
				p := &rt.formats[i]
				if p.service == "" {
					if !slices.Contains(idx.anyARNSvc, rt) {
						idx.anyARNSvc = append(idx.anyARNSvc, rt)
					}
					continue
				}
				byService[p.service] = append(byService[p.service], p)
				b := idx.byARNSvc[p.service]
				if b == nil {
					b = &arnBucket{byResource: map[string][]int{}}
					idx.byARNSvc[p.service] = b
				}
				if !slices.Contains(b.types, rt) {
					b.types = append(b.types, rt)
				}
			}
		}
	}
	for _, patterns := range byService {
		for _, p := range patterns {
			last := &p.toks[len(p.toks)-1]
			if last.lit != "" {
				continue
			}
			for _, q := range patterns {
				if c, ok := p.extendedBy(q); ok && strings.IndexByte(last.forbid, c) < 0 {
					last.forbid += string(c)
				}
			}
		}
	}
	for svc, b := range idx.byARNSvc {
		b.index(svc)
	}
}

// index puts the service's own types first and files every type's position by the resource
// key of each of its formats with the bucket's service field.
func (b *arnBucket) index(svc string) {
	slices.SortStableFunc(b.types, func(x, y *ResourceType) int {
		return boolRank(x.Service != svc) - boolRank(y.Service != svc)
	})
	for pos, rt := range b.types {
		for _, p := range rt.formats {
			switch {
			case p.service != svc:
			case !p.keyed:
				if !slices.Contains(b.open, pos) {
					b.open = append(b.open, pos)
				}
			case !slices.Contains(b.byResource[p.resource], pos):
				b.byResource[p.resource] = append(b.byResource[p.resource], pos)
			}
		}
	}
}

// match appends to out the types of the bucket that arn, whose resource part is resource, is
// of, in the bucket's order.
func (b *arnBucket) match(arn, resource string, out []*ResourceType) []*ResourceType {
	keyed, open := b.byResource[resourceKey(resource)], b.open
	for len(keyed) > 0 || len(open) > 0 {
		var pos int
		switch {
		case len(open) == 0 || len(keyed) > 0 && keyed[0] < open[0]:
			pos, keyed = keyed[0], keyed[1:]
		case len(keyed) > 0 && keyed[0] == open[0]:
			pos, keyed, open = open[0], keyed[1:], open[1:]
		default:
			pos, open = open[0], open[1:]
		}
		if rt := b.types[pos]; rt.Match(arn) {
			out = append(out, rt)
		}
	}
	return out
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// splitARN returns the service field and the resource part of an ARN,
// "arn:partition:service:region:account:resource", without allocating.
func splitARN(arn string) (service, resource string, ok bool) {
	rest, ok := strings.CutPrefix(arn, "arn:")
	if !ok {
		return "", "", false
	}
	var fields [4]string
	for i := range fields {
		colon := strings.IndexByte(rest, ':')
		if colon < 0 {
			return "", "", false
		}
		fields[i], rest = rest[:colon], rest[colon+1:]
	}
	return fields[1], rest, true
}

// ResourceTypeOf returns the resource types whose ARN format arn has: several when services
// share a format (an S3 bucket ARN is s3's "bucket" and ssm's "bucket") or a service gives two
// types one format (a Lambda function's alias and its version). The types the ARN's service
// field names come first, then the other services' in order of prefix. Only formats with that
// service field, and with the leading name of the ARN's resource part ("instance" in
// "instance/i-1") or a placeholder there, are tried; the few formats with a placeholder for
// the service (AWS Backup's recovery points, which may be of any service) are tried only when
// nothing else matches. Not an ARN: nil.
func ResourceTypeOf(arn string) []*ResourceType {
	idx := loadIndex()
	svc, resource, ok := splitARN(arn)
	if !ok {
		return nil
	}
	var out []*ResourceType
	if b := idx.byARNSvc[svc]; b != nil {
		out = b.match(arn, resource, nil)
	}
	if len(out) > 0 {
		return out
	}
	for _, rt := range idx.anyARNSvc {
		if rt.Match(arn) {
			out = append(out, rt)
		}
	}
	return out
}

// ResourceTypesForAction returns the entries of a.ResourceTypes whose resource type arn is: the
// ways the action can act on that resource, with the condition keys that then apply. None
// means the action does not act on such a resource (an action with no resource types acts on
// "*" only).
func ResourceTypesForAction(a *Action, arn string) []ActionResource {
	var out []ActionResource
	for _, r := range a.ResourceTypes {
		if r.rt != nil && r.rt.Match(arn) {
			out = append(out, r)
		}
	}
	return out
}
