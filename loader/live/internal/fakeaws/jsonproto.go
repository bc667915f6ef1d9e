package fakeaws

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The JSON protocols (KMS, SQS, Secrets Manager, Organizations): POSTs naming the operation in
// X-Amz-Target ("TrentService.ListKeys"), with JSON bodies both ways.

type jsonProtocol struct{}

func (jsonProtocol) writeError(q *request, status int, code, message string) {
	q.w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	q.w.WriteHeader(status)
	_ = json.NewEncoder(q.w).Encode(map[string]string{"__type": code, "message": message})
}

func (jsonProtocol) writeMalformed(q *request) {
	q.w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	fmt.Fprint(q.w, `{"Keys":[{"KeyId":`)
}

// jsonIn is a JSON request's body; the fake reads only string fields.
type jsonIn map[string]any

func (in jsonIn) str(k string) string { s, _ := in[k].(string); return s }

// serveJSON serves KMS, SQS, Secrets Manager and Organizations.
func (s *Server) serveJSON(q *request, service string) {
	target := q.r.Header.Get("X-Amz-Target")
	op := target[strings.LastIndex(target, ".")+1:]
	in := jsonIn{}
	if err := json.NewDecoder(q.r.Body).Decode(&in); err != nil {
		q.unknown("bad JSON body for %s: %v", target, err)
		return
	}
	resource := first(in.str("KeyId"), in.str("QueueUrl"), in.str("SecretId"), in.str("ChildId"),
		in.str("TargetId"), in.str("PolicyId"), in.str("OrganizationalUnitId"), in.str("ParentId"))
	if serveFault(q, jsonProtocol{}, service, s.record(Call{Service: service, Operation: op, Resource: resource, Region: q.region})) {
		return
	}
	out, code := s.jsonAnswer(service, op, in)
	if code != "" {
		jsonProtocol{}.writeError(q, http.StatusBadRequest, code, "fakeaws: "+code+" for "+op)
		return
	}
	if out == nil {
		q.unknown("%s has no operation %q", service, op)
		return
	}
	q.w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(q.w).Encode(out)
}

type obj = map[string]any

// jsonAnswer returns an operation's answer, or the code of the error it answers with; nil and
// "" for an operation the fake does not know.
func (s *Server) jsonAnswer(service, op string, in jsonIn) (obj, string) {
	w := s.World
	token := first(in.str("Marker"), in.str("NextToken"))
	switch service + ":" + op {
	case "kms:ListKeys":
		from, to, next := page(token, len(w.Keys), w.PageSize)
		keys := []obj{}
		for _, k := range w.Keys[from:to] {
			keys = append(keys, obj{"KeyId": k.Name, "KeyArn": w.KeyARN(k.Name)})
		}
		out := obj{"Keys": keys, "Truncated": next != ""}
		if next != "" && !w.dropsMarker("kms:ListKeys") {
			out["NextMarker"] = next
		}
		return out, ""
	case "kms:GetKeyPolicy":
		k, ok := find(w.Keys, func(k Resource) bool { return w.KeyARN(k.Name) == in.str("KeyId") || k.Name == in.str("KeyId") })
		if !ok {
			return nil, "NotFoundException"
		}
		return obj{"Policy": k.Policy, "PolicyName": "default"}, ""
	case "sqs:ListQueues":
		from, to, next := page(token, len(w.Queues), w.PageSize)
		urls := []string{}
		for _, r := range w.Queues[from:to] {
			urls = append(urls, s.queueURL(r.Name))
		}
		return withNext(obj{"QueueUrls": urls}, "NextToken", next), ""
	case "sqs:GetQueueAttributes":
		r, ok := find(w.Queues, func(r Resource) bool { return s.queueURL(r.Name) == in.str("QueueUrl") })
		if !ok {
			return nil, "QueueDoesNotExist"
		}
		attrs := obj{"QueueArn": w.QueueARN(r.Name)}
		if r.Policy != "" {
			attrs["Policy"] = r.Policy
		}
		return obj{"Attributes": attrs}, ""
	case "secretsmanager:ListSecrets":
		from, to, next := page(token, len(w.Secrets), w.PageSize)
		list := []obj{}
		for _, r := range w.Secrets[from:to] {
			list = append(list, obj{"ARN": w.SecretARN(r.Name), "Name": r.Name})
		}
		return withNext(obj{"SecretList": list}, "NextToken", next), ""
	case "secretsmanager:GetResourcePolicy":
		r, ok := find(w.Secrets, func(r Resource) bool { return w.SecretARN(r.Name) == in.str("SecretId") })
		if !ok {
			return nil, "ResourceNotFoundException"
		}
		out := obj{"ARN": w.SecretARN(r.Name), "Name": r.Name}
		if r.Policy != "" {
			out["ResourcePolicy"] = r.Policy
		}
		return out, ""
	}
	if service == "organizations" {
		return s.organizations(op, in, token)
	}
	return nil, ""
}

// organizations answers the Organizations operations.
func (s *Server) organizations(op string, in jsonIn, token string) (obj, string) {
	w := s.World
	o := w.Org
	if o == nil {
		return nil, "AWSOrganizationsNotInUseException"
	}
	switch op {
	case "DescribeOrganization":
		mgmt := first(o.ManagementAccount, "000011112222")
		return obj{"Organization": obj{"Id": o.ID, "Arn": "arn:aws:organizations::" + mgmt + ":organization/" + o.ID,
			"FeatureSet": "ALL", "MasterAccountId": mgmt}}, ""
	case "ListRoots":
		types := []obj{}
		if o.SCPEnabled {
			types = append(types, obj{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"})
		}
		if o.RCPEnabled {
			types = append(types, obj{"Type": "RESOURCE_CONTROL_POLICY", "Status": "ENABLED"})
		}
		return obj{"Roots": []obj{{"Id": o.RootID, "Name": o.RootName, "PolicyTypes": types}}}, ""
	case "ListParents":
		child := in.str("ChildId")
		var parent string
		if a, ok := find(o.accounts(w.AccountID), func(a OrgAccount) bool { return a.ID == child }); ok {
			parent = a.Parent
		} else {
			ou, ok := find(o.OUs, func(ou OU) bool { return ou.ID == child })
			if !ok {
				return nil, "ChildNotFoundException"
			}
			parent = ou.Parent
		}
		typ := "ORGANIZATIONAL_UNIT"
		if parent == o.RootID {
			typ = "ROOT"
		}
		return obj{"Parents": []obj{{"Id": parent, "Type": typ}}}, ""
	case "ListAccounts", "ListAccountsForParent":
		var list []OrgAccount
		for _, a := range o.accounts(w.AccountID) {
			if op == "ListAccounts" || a.Parent == in.str("ParentId") {
				list = append(list, a)
			}
		}
		from, to, next := page(token, len(list), w.PageSize)
		out := []obj{}
		for _, a := range list[from:to] {
			out = append(out, obj{"Id": a.ID, "Name": a.Name, "Status": first(a.Status, "ACTIVE"),
				"Arn": "arn:aws:organizations::000011112222:account/" + o.ID + "/" + a.ID})
		}
		return withNext(obj{"Accounts": out}, "NextToken", next), ""
	case "ListOrganizationalUnitsForParent":
		var list []OU
		for _, ou := range o.OUs {
			if ou.Parent == in.str("ParentId") {
				list = append(list, ou)
			}
		}
		from, to, next := page(token, len(list), w.PageSize)
		out := []obj{}
		for _, ou := range list[from:to] {
			out = append(out, obj{"Id": ou.ID, "Name": ou.Name})
		}
		return withNext(obj{"OrganizationalUnits": out}, "NextToken", next), ""
	case "ListPolicies":
		var list []OrgPolicy
		for _, p := range o.Policies {
			if p.RCP == (in.str("Filter") == "RESOURCE_CONTROL_POLICY") {
				list = append(list, p)
			}
		}
		from, to, next := page(token, len(list), w.PageSize)
		out := []obj{}
		for _, p := range list[from:to] {
			out = append(out, orgSummary(p))
		}
		return withNext(obj{"Policies": out}, "NextToken", next), ""
	case "ListTargetsForPolicy":
		p, ok := find(o.Policies, func(p OrgPolicy) bool { return p.ID == in.str("PolicyId") })
		if !ok {
			return nil, "PolicyNotFoundException"
		}
		from, to, next := page(token, len(p.Targets), w.PageSize)
		out := []obj{}
		for _, t := range p.Targets[from:to] {
			typ := "ACCOUNT"
			switch {
			case t == o.RootID:
				typ = "ROOT"
			case strings.HasPrefix(t, "ou-"):
				typ = "ORGANIZATIONAL_UNIT"
			}
			out = append(out, obj{"TargetId": t, "Type": typ, "Name": t})
		}
		return withNext(obj{"Targets": out}, "NextToken", next), ""
	case "DescribeOrganizationalUnit":
		ou, ok := find(o.OUs, func(ou OU) bool { return ou.ID == in.str("OrganizationalUnitId") })
		if !ok {
			return nil, "OrganizationalUnitNotFoundException"
		}
		return obj{"OrganizationalUnit": obj{"Id": ou.ID, "Name": ou.Name}}, ""
	case "ListPoliciesForTarget":
		var matched []OrgPolicy
		for _, p := range o.Policies {
			want := in.str("Filter") == "RESOURCE_CONTROL_POLICY"
			if p.RCP == want && slices.Contains(p.Targets, in.str("TargetId")) {
				matched = append(matched, p)
			}
		}
		from, to, next := page(token, len(matched), w.PageSize)
		list := []obj{}
		for _, p := range matched[from:to] {
			list = append(list, orgSummary(p))
		}
		return withNext(obj{"Policies": list}, "NextToken", next), ""
	case "DescribePolicy":
		p, ok := find(o.Policies, func(p OrgPolicy) bool { return p.ID == in.str("PolicyId") })
		if !ok {
			return nil, "PolicyNotFoundException"
		}
		return obj{"Policy": obj{"Content": p.Document, "PolicySummary": orgSummary(p)}}, ""
	}
	return nil, ""
}

func orgSummary(p OrgPolicy) obj {
	typ := "SERVICE_CONTROL_POLICY"
	if p.RCP {
		typ = "RESOURCE_CONTROL_POLICY"
	}
	return obj{"Id": p.ID, "Name": p.Name, "Type": typ, "Arn": "arn:aws:organizations::000011112222:policy/" + p.ID, "AwsManaged": false}
}

// queueURL is where the fake says a queue lives (the real form, on the fake's host).
func (s *Server) queueURL(name string) string {
	return s.URL + "/" + s.World.AccountID + "/" + name
}

func withNext(o obj, key, next string) obj {
	if next != "" {
		o[key] = next
	}
	return o
}
