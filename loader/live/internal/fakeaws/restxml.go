package fakeaws

import (
	"fmt"
	"net/http"
	"strings"
)

// The REST/XML protocol (S3, S3 Control): the operation is the method, path and query; answers
// are XML. S3 is addressed path-style (/bucket?policy).

type s3Protocol struct{ wrapped bool } // S3 Control wraps errors in <ErrorResponse>

func (p s3Protocol) writeError(q *request, status int, code, message string) {
	q.w.Header().Set("Content-Type", "application/xml")
	q.w.WriteHeader(status)
	e := raw("Error", el("Code", code)+el("Message", message)+el("RequestId", "fake"))
	if p.wrapped {
		e = raw("ErrorResponse", e)
	}
	fmt.Fprint(q.w, e)
}

func (s3Protocol) writeMalformed(q *request) {
	q.w.Header().Set("Content-Type", "application/xml")
	fmt.Fprint(q.w, `<ListAllMyBucketsResult><Buckets><Bucket><Name>`)
}

const s3NS = ` xmlns="http://s3.amazonaws.com/doc/2006-03-01/"`

// serveS3 serves the S3 operations the loader uses.
func (s *Server) serveS3(q *request) {
	w := s.World
	query := q.r.URL.Query()
	name := strings.Trim(q.r.URL.Path, "/")
	op := ""
	switch {
	case q.r.Method == http.MethodGet && name == "":
		op = "ListBuckets"
	case q.r.Method == http.MethodGet && !strings.Contains(name, "/") && query.Has("policy"):
		op = "GetBucketPolicy"
	case q.r.Method == http.MethodGet && !strings.Contains(name, "/") && query.Has("publicAccessBlock"):
		op = "GetPublicAccessBlock"
	case q.r.Method == http.MethodGet && !strings.Contains(name, "/") && query.Has("location"):
		op = "GetBucketLocation"
	default:
		op = q.r.Method + " " + q.r.URL.RequestURI()
	}
	if serveFault(q, s3Protocol{}, "s3", s.record(Call{Service: "s3", Operation: op, Resource: name, Region: q.region})) {
		return
	}
	if op == "ListBuckets" {
		from, to, next := page(query.Get("continuation-token"), len(w.Buckets), w.PageSize)
		var list string
		for _, b := range w.Buckets[from:to] {
			x := el("Name", b.Name) + el("CreationDate", "2023-01-02T03:04:05.000Z")
			if !w.ListBucketsWithoutRegion {
				x += el("BucketRegion", b.Region)
			}
			list += raw("Bucket", x)
		}
		s3XML(q, "<ListAllMyBucketsResult"+s3NS+">"+raw("Owner", el("ID", "fakeowner"))+raw("Buckets", list)+
			opt("ContinuationToken", next)+"</ListAllMyBucketsResult>")
		return
	}
	b, ok := find(w.Buckets, func(b Bucket) bool { return b.Name == name })
	switch {
	case strings.Contains(op, " "):
		q.unknown("s3 has no operation %s", op)
		return
	case !ok:
		s3Protocol{}.writeError(q, http.StatusNotFound, "NoSuchBucket", "no bucket "+name)
		return
	case op == "GetBucketLocation":
		loc := b.Region
		if loc == "us-east-1" {
			loc = ""
		}
		s3XML(q, "<LocationConstraint"+s3NS+">"+esc(loc)+"</LocationConstraint>")
		return
	case q.region != b.Region:
		// S3 answers a request signed for the wrong region with a redirect naming the right one.
		q.w.Header().Set("x-amz-bucket-region", b.Region)
		s3Protocol{}.writeError(q, http.StatusMovedPermanently, "PermanentRedirect", "bucket "+name+" is in "+b.Region)
		return
	}
	switch op {
	case "GetBucketPolicy":
		if b.Policy == "" {
			s3Protocol{}.writeError(q, http.StatusNotFound, "NoSuchBucketPolicy", "The bucket policy does not exist")
			return
		}
		q.w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(q.w, b.Policy)
	case "GetPublicAccessBlock":
		if b.PublicAccessBlock == nil {
			s3Protocol{}.writeError(q, http.StatusNotFound, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
			return
		}
		s3XML(q, "<PublicAccessBlockConfiguration"+s3NS+">"+pabXML(b.PublicAccessBlock)+"</PublicAccessBlockConfiguration>")
	}
}

// serveS3Control serves S3 Control's account-level GetPublicAccessBlock.
func (s *Server) serveS3Control(q *request) {
	op := q.r.Method + " " + q.r.URL.RequestURI()
	if q.r.Method == http.MethodGet && q.r.URL.Path == "/v20180820/configuration/publicAccessBlock" {
		op = "GetPublicAccessBlock"
	}
	p := s3Protocol{wrapped: true}
	account := q.r.Header.Get("x-amz-account-id")
	if serveFault(q, p, "s3control", s.record(Call{Service: "s3control", Operation: op, Resource: account, Region: q.region})) {
		return
	}
	switch {
	case op != "GetPublicAccessBlock":
		q.unknown("s3control has no operation %s", op)
	case account != s.World.AccountID:
		p.writeError(q, http.StatusForbidden, "AccessDenied", "wrong account "+account)
	case s.World.AccountPublicAccessBlock == nil:
		p.writeError(q, http.StatusNotFound, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
	default:
		s3XML(q, "<PublicAccessBlockConfiguration"+s3NS+">"+pabXML(s.World.AccountPublicAccessBlock)+"</PublicAccessBlockConfiguration>")
	}
}

func pabXML(p *PublicAccessBlock) string {
	return el("BlockPublicAcls", fmt.Sprint(p.BlockPublicAcls)) + el("IgnorePublicAcls", fmt.Sprint(p.IgnorePublicAcls)) +
		el("BlockPublicPolicy", fmt.Sprint(p.BlockPublicPolicy)) + el("RestrictPublicBuckets", fmt.Sprint(p.RestrictPublicBuckets))
}

func s3XML(q *request, body string) {
	q.w.Header().Set("Content-Type", "application/xml")
	fmt.Fprint(q.w, `<?xml version="1.0" encoding="UTF-8"?>`+body)
}
