package fakeaws

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// The REST/JSON protocol (Lambda): the operation is the method and path; answers are JSON and
// errors name their type in the X-Amzn-Errortype header.

type lambdaProtocol struct{}

func (lambdaProtocol) writeError(q *request, status int, code, message string) {
	q.w.Header().Set("Content-Type", "application/json")
	q.w.Header().Set("X-Amzn-Errortype", code)
	q.w.WriteHeader(status)
	_ = json.NewEncoder(q.w).Encode(map[string]string{"Type": "User", "message": message})
}

func (lambdaProtocol) writeMalformed(q *request) {
	q.w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(q.w, `{"Functions":[{"FunctionName":`)
}

const lambdaFunctions = "/2015-03-31/functions"

// serveLambda serves Lambda's ListFunctions and GetPolicy.
func (s *Server) serveLambda(q *request) {
	w := s.World
	path := strings.TrimSuffix(q.r.URL.Path, "/")
	op, name := q.r.Method+" "+q.r.URL.RequestURI(), ""
	if q.r.Method == http.MethodGet {
		if path == lambdaFunctions {
			op = "ListFunctions"
		} else if rest, ok := strings.CutPrefix(path, lambdaFunctions+"/"); ok && strings.HasSuffix(rest, "/policy") {
			op = "GetPolicy"
			name, _ = url.PathUnescape(strings.TrimSuffix(rest, "/policy"))
		}
	}
	if serveFault(q, lambdaProtocol{}, "lambda", s.record(Call{Service: "lambda", Operation: op, Resource: name, Region: q.region})) {
		return
	}
	var out any
	switch op {
	case "ListFunctions":
		from, to, next := page(q.r.URL.Query().Get("Marker"), len(w.Functions), w.PageSize)
		list := []obj{}
		for _, f := range w.Functions[from:to] {
			fn := obj{"FunctionName": f.Name, "FunctionArn": w.FunctionARN(f.Name)}
			if f.Role != "" {
				fn["Role"] = f.Role
			}
			list = append(list, fn)
		}
		out = withNext(obj{"Functions": list}, "NextMarker", next)
	case "GetPolicy":
		f, ok := find(w.Functions, func(f Resource) bool { return f.Name == name || w.FunctionARN(f.Name) == name })
		if !ok || f.Policy == "" {
			lambdaProtocol{}.writeError(q, http.StatusNotFound, "ResourceNotFoundException", "The resource you requested does not exist.")
			return
		}
		out = obj{"Policy": f.Policy, "RevisionId": "rev-1"}
	default:
		q.unknown("lambda has no operation %s", op)
		return
	}
	q.w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(q.w).Encode(out)
}
