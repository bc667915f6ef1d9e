// Package fakeaws serves local fakes of the AWS APIs that the live loader reads, for tests: one
// httptest server on loopback that speaks each service's real protocol (IAM, STS and SNS:
// query/XML; KMS, SQS, Secrets Manager and Organizations: JSON; S3 and S3 Control: REST/XML;
// Lambda: REST/JSON), serving an account described by a World. It records every operation it
// is sent, and serves the faults a test injects: throttling, AccessDenied, expired
// credentials, server errors, malformed bodies and requests that never answer.
//
// Requests are routed by the service named in their SigV4 signature, as emulators such as
// LocalStack do, so one base endpoint serves every client.
package fakeaws

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Server is a running fake of the AWS APIs.
type Server struct {
	// URL is the base endpoint of every service.
	URL   string
	World *World

	srv    *httptest.Server
	closed chan struct{}
	// members are the other accounts of an organization (NewOrg), by id: a request signed
	// with credentials that sts:AssumeRole gave for one is served from its World.
	members map[string]*World
	// root is the server whose record and faults a member account's view shares; nil for
	// the server itself.
	root *Server

	mu     sync.Mutex
	calls  []Call
	faults []*Fault
	creds  map[string]bool // access key ids seen in signatures
}

// Call is one request the fake received.
type Call struct {
	Service   string // the signing name: iam, sts, s3, s3control, kms, sqs, sns, lambda, secretsmanager, organizations
	Operation string // the API operation, e.g. ListBuckets; for an unknown REST request, "METHOD /path?query"
	Resource  string // what the call was about (user, bucket, key, ...), "" when nothing in particular
	Region    string // the region of the signature
	Account   string // the account whose World served it
}

func (c Call) String() string {
	s := c.Service + ":" + c.Operation
	if c.Resource != "" {
		s += " " + c.Resource
	}
	return s
}

// FaultKind is what a fault does to the calls it matches.
type FaultKind int

// The faults a server can serve.
const (
	AccessDenied FaultKind = iota + 1 // the service's access-denied error
	Throttle                          // the service's throttling error
	ServerError                       // an internal error (HTTP 500)
	ExpiredToken                      // the credentials' session has expired
	Malformed                         // HTTP 200 with a body that does not parse
	Hang                              // no answer until the request is cancelled or the server closes
	Reset                             // the connection is reset without an answer
)

// Fault makes matching calls fail.
type Fault struct {
	Service   string // "" matches any service
	Operation string // "" matches any operation
	Resource  string // "" matches any; otherwise a substring of the call's resource
	Account   string // "" matches any; otherwise the account whose World serves the call
	Kind      FaultKind
	// Times is how many matching calls fail; 0 means all of them.
	Times int
	// After lets this many matching calls through before the fault starts.
	After int

	seen int
}

// New starts a fake serving w.
func New(w *World) *Server {
	s := &Server{World: w, closed: make(chan struct{}), creds: map[string]bool{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// NewOrg starts a fake serving an organization: mgmt is the account whose credentials sign
// requests at first (its Org describes the organization), members the other accounts. The
// fake's sts:AssumeRole gives, for a role of a member account, credentials whose requests
// that account's World answers; for any other role it answers AccessDenied.
func NewOrg(mgmt *World, members ...*World) *Server {
	s := New(mgmt)
	s.members = map[string]*World{}
	for _, m := range members {
		s.members[m.AccountID] = m
	}
	return s
}

// memberKeyPrefix begins the access key ids the fake's sts:AssumeRole gives; the account id
// follows.
const memberKeyPrefix = "ASIAFAKE"

// view returns the server as a member account sees it: its World, the same record and faults.
func (s *Server) view(w *World) *Server {
	return &Server{URL: s.URL, World: w, srv: s.srv, closed: s.closed, members: s.members, root: s}
}

// Close stops the server, releasing requests held by Hang faults.
func (s *Server) Close() {
	close(s.closed)
	s.srv.Close()
}

// Client returns an HTTP client that sends every request to the fake, whatever host it names
// (S3 Control puts the account id in front of the endpoint's host). It dials only the fake's
// loopback address.
func (s *Server) Client() *http.Client {
	addr := s.srv.Listener.Addr().String()
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		},
		MaxIdleConnsPerHost: 64,
	}}
}

// Inject adds a fault.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// Calls returns every call received so far, in order of arrival.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// AccessKeys returns the access key ids that signed requests.
func (s *Server) AccessKeys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.creds {
		out = append(out, k)
	}
	return out
}

// record keeps a call and returns the fault to serve for it, if any.
func (s *Server) record(c Call) *Fault {
	if c.Account == "" {
		c.Account = s.World.AccountID
	}
	if s.root != nil {
		return s.root.record(c)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
	for _, f := range s.faults {
		if (f.Service != "" && f.Service != c.Service) || (f.Operation != "" && f.Operation != c.Operation) ||
			(f.Resource != "" && !strings.Contains(c.Resource, f.Resource)) || (f.Account != "" && f.Account != c.Account) {
			continue
		}
		f.seen++
		if f.seen <= f.After || (f.Times > 0 && f.seen > f.After+f.Times) {
			continue
		}
		return f
	}
	return nil
}

var credentialScope = regexp.MustCompile(`Credential=([^/]+)/[0-9]{8}/([^/]+)/([^/]+)/aws4_request`)

// serve routes a request to its service's protocol by the signature's credential scope.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		http.Error(w, "request is not signed with SigV4", http.StatusForbidden)
		return
	}
	s.mu.Lock()
	s.creds[m[1]] = true
	s.mu.Unlock()
	if acct, ok := strings.CutPrefix(m[1], memberKeyPrefix); ok {
		member, known := s.members[acct]
		if !known {
			http.Error(w, "fakeaws: credentials of no account", http.StatusForbidden)
			return
		}
		s = s.view(member)
	}
	region, service := m[2], m[3]
	req := &request{s: s, w: w, r: r, region: region}
	switch {
	case service == "s3" && strings.HasPrefix(r.URL.Path, "/v20180820/"):
		s.serveS3Control(req)
	case service == "s3":
		s.serveS3(req)
	case service == "iam", service == "sts", service == "sns":
		s.serveQuery(req, service)
	case service == "kms", service == "sqs", service == "secretsmanager", service == "organizations":
		s.serveJSON(req, service)
	case service == "lambda":
		s.serveLambda(req)
	default:
		http.Error(w, "fakeaws: no fake for service "+service, http.StatusNotImplemented)
	}
}

// request is one request being served.
type request struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	region string
}

// hang holds a request until the client gives up or the server closes.
func (q *request) hang() {
	select {
	case <-q.r.Context().Done():
	case <-q.s.closed:
	}
}

// reset drops the connection with a TCP reset, as a failing network does.
func (q *request) reset() {
	hj, ok := q.w.(http.Hijacker)
	if !ok {
		panic("fakeaws: the response writer cannot be hijacked")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// unknown answers an unexpected request in a way no SDK will retry.
func (q *request) unknown(format string, args ...any) {
	http.Error(q.w, "fakeaws: "+fmt.Sprintf(format, args...), http.StatusNotImplemented)
}

// page returns the items of one page of a listing of n items that starts at token ("" for the
// first page), and the next page's token ("" after the last).
func page(token string, n, size int) (from, to int, next string) {
	if token != "" {
		fmt.Sscanf(token, "page-%d", &from)
	}
	if size <= 0 {
		size = n
	}
	to = min(from+size, n)
	if to < n {
		next = fmt.Sprintf("page-%d", to)
	}
	return from, to, next
}
