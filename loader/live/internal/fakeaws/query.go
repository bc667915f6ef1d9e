package fakeaws

import (
	"encoding/xml"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The query protocol (IAM, STS, SNS): form-encoded POSTs naming the operation in Action=,
// answered with XML.

type queryProtocol struct{}

func (queryProtocol) writeError(q *request, status int, code, message string) {
	q.w.Header().Set("Content-Type", "text/xml")
	q.w.WriteHeader(status)
	fmt.Fprintf(q.w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>fake</RequestId></ErrorResponse>`,
		esc(code), esc(message))
}

func (queryProtocol) writeMalformed(q *request) {
	q.w.Header().Set("Content-Type", "text/xml")
	fmt.Fprint(q.w, `<Response><Result><Broken`)
}

// serveQuery serves IAM, STS and SNS.
func (s *Server) serveQuery(q *request, service string) {
	if err := q.r.ParseForm(); err != nil {
		q.unknown("bad form: %v", err)
		return
	}
	f := q.r.PostForm
	op := f.Get("Action")
	resource := first(f.Get("UserName"), f.Get("AccessKeyId"), f.Get("TopicArn"), f.Get("RoleArn"))
	if serveFault(q, queryProtocol{}, service, s.record(Call{Service: service, Operation: op, Resource: resource, Region: q.region})) {
		return
	}
	w := s.World
	var body string
	switch service + ":" + op {
	case "sts:GetCallerIdentity":
		body = el("Account", w.AccountID) + el("Arn", w.CallerARN) + el("UserId", "AIDAFAKECALLER")
	case "sts:AssumeRole":
		acct, ok := s.assumable(f.Get("RoleArn"))
		if !ok {
			queryProtocol{}.writeError(q, http.StatusForbidden, "AccessDenied", "not authorized to perform sts:AssumeRole on "+f.Get("RoleArn"))
			return
		}
		body = raw("Credentials", el("AccessKeyId", memberKeyPrefix+acct)+el("SecretAccessKey", "fake-secret")+
			el("SessionToken", "fake-token")+el("Expiration", "2099-01-01T00:00:00Z")) +
			raw("AssumedRoleUser", el("Arn", f.Get("RoleArn"))+el("AssumedRoleId", "AROAFAKE:"+f.Get("RoleSessionName")))
	case "iam:GetAccountAuthorizationDetails":
		body = s.authorizationDetails(f.Get("Marker"))
	case "iam:ListAccessKeys":
		body = s.listAccessKeys(f.Get("UserName"), f.Get("Marker"))
		if body == "" {
			queryProtocol{}.writeError(q, http.StatusNotFound, "NoSuchEntity", "no user "+f.Get("UserName"))
			return
		}
	case "iam:GetLoginProfile":
		u, ok := find(w.Users, func(u User) bool { return u.Name == f.Get("UserName") })
		if !ok || !u.LoginProfile {
			queryProtocol{}.writeError(q, http.StatusNotFound, "NoSuchEntity", "Login Profile for User "+f.Get("UserName")+" cannot be found.")
			return
		}
		body = raw("LoginProfile", el("UserName", u.Name)+el("CreateDate", "2023-03-04T05:06:07Z")+el("PasswordResetRequired", "false"))
	case "iam:GetAccessKeyLastUsed":
		body = el("UserName", "someone") + raw("AccessKeyLastUsed",
			el("LastUsedDate", "2024-05-01T10:00:00Z")+el("Region", "eu-west-1")+el("ServiceName", "s3"))
	case "iam:ListAccountAliases":
		var aliases string
		if w.Alias != "" {
			aliases = el("member", w.Alias)
		}
		body = raw("AccountAliases", aliases) + el("IsTruncated", "false")
	case "sns:ListTopics":
		from, to, next := page(f.Get("NextToken"), len(w.Topics), w.PageSize)
		var members string
		for _, t := range w.Topics[from:to] {
			members += raw("member", el("TopicArn", w.TopicARN(t.Name)))
		}
		body = raw("Topics", members) + opt("NextToken", next)
	case "sns:GetTopicAttributes":
		t, ok := find(w.Topics, func(t Resource) bool { return w.TopicARN(t.Name) == f.Get("TopicArn") })
		if !ok {
			queryProtocol{}.writeError(q, http.StatusNotFound, "NotFound", "no topic "+f.Get("TopicArn"))
			return
		}
		entries := raw("entry", el("key", "TopicArn")+el("value", w.TopicARN(t.Name)))
		if t.Policy != "" {
			entries += raw("entry", el("key", "Policy")+el("value", t.Policy))
		}
		body = raw("Attributes", entries)
	default:
		q.unknown("%s has no operation %q", service, op)
		return
	}
	q.w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(q.w, `<%sResponse><%sResult>%s</%sResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></%sResponse>`,
		op, op, body, op, op)
}

// assumable returns the account of a member account's role that sts:AssumeRole may take on:
// the role must exist in the member's World.
func (s *Server) assumable(roleARN string) (string, bool) {
	rest, ok := strings.CutPrefix(roleARN, "arn:aws:iam::")
	acct, name, ok2 := strings.Cut(rest, ":role/")
	if !ok || !ok2 {
		return "", false
	}
	w, ok := s.members[acct]
	if !ok {
		return "", false
	}
	_, ok = find(w.Roles, func(r Role) bool { return r.Name == name })
	return acct, ok
}

// authorizationDetails renders one page of GetAccountAuthorizationDetails: the users, groups,
// roles and policies, in that order, PageSize entries a page.
func (s *Server) authorizationDetails(marker string) string {
	w := s.World
	var entries []func() (list, xml string)
	for _, u := range w.Users {
		entries = append(entries, func() (string, string) {
			var groups string
			for _, g := range u.Groups {
				groups += el("member", g)
			}
			x := el("Arn", w.userARN(u.Name)) + el("UserName", u.Name) + el("UserId", u.ID) + el("Path", "/") +
				el("CreateDate", "2023-01-02T03:04:05Z") + raw("GroupList", groups) +
				attached(u.Attached) + inline("UserPolicyList", u.Inline) + tags(u.Tags)
			if u.Boundary != "" {
				x += raw("PermissionsBoundary", el("PermissionsBoundaryType", "Policy")+el("PermissionsBoundaryArn", u.Boundary))
			}
			return "UserDetailList", x
		})
	}
	for _, g := range w.Groups {
		entries = append(entries, func() (string, string) {
			return "GroupDetailList", el("Arn", w.groupARN(g.Name)) + el("GroupName", g.Name) + el("GroupId", g.ID) +
				el("Path", "/") + el("CreateDate", "2023-01-02T03:04:05Z") + attached(g.Attached) + inline("GroupPolicyList", g.Inline)
		})
	}
	for _, r := range w.Roles {
		entries = append(entries, func() (string, string) {
			x := el("Arn", w.roleARN(r.Name)) + el("RoleName", r.Name) + el("RoleId", r.ID) + el("Path", "/") +
				el("CreateDate", "2023-01-02T03:04:05Z") + el("AssumeRolePolicyDocument", iamEncode(r.Trust)) +
				attached(r.Attached) + inline("RolePolicyList", r.Inline) +
				raw("RoleLastUsed", el("LastUsedDate", "2024-06-01T00:00:00Z")+el("Region", "eu-west-1"))
			if r.InstanceProfile != "" {
				x += raw("InstanceProfileList", raw("member",
					el("Arn", "arn:aws:iam::"+w.AccountID+":instance-profile/"+r.InstanceProfile)+
						el("InstanceProfileName", r.InstanceProfile)+el("InstanceProfileId", "AIPA"+strings.ToUpper(r.InstanceProfile))+
						el("Path", "/")+el("CreateDate", "2023-01-02T03:04:05Z")+
						raw("Roles", raw("member", el("Arn", w.roleARN(r.Name))+el("RoleName", r.Name)+el("RoleId", r.ID)+
							el("Path", "/")+el("CreateDate", "2023-01-02T03:04:05Z")))))
			}
			return "RoleDetailList", x
		})
	}
	for _, p := range w.Policies {
		entries = append(entries, func() (string, string) {
			var versions string
			for i, doc := range p.Versions {
				versions += raw("member", el("Document", iamEncode(doc))+el("VersionId", fmt.Sprintf("v%d", i+1))+
					el("IsDefaultVersion", fmt.Sprint(i == len(p.Versions)-1))+el("CreateDate", "2023-01-02T03:04:05Z"))
			}
			return "Policies", el("Arn", p.ARN) + el("PolicyName", p.Name) + el("PolicyId", "ANPA"+strings.ToUpper(p.Name)) +
				el("Path", "/") + el("DefaultVersionId", fmt.Sprintf("v%d", len(p.Versions))) + el("AttachmentCount", "1") +
				el("IsAttachable", "true") + raw("PolicyVersionList", versions)
		})
	}
	from, to, next := page(marker, len(entries), w.PageSize)
	lists := map[string]*strings.Builder{}
	for _, e := range entries[from:to] {
		list, x := e()
		if lists[list] == nil {
			lists[list] = &strings.Builder{}
		}
		lists[list].WriteString(raw("member", x))
	}
	var b strings.Builder
	for _, list := range []string{"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"} {
		inner := ""
		if lists[list] != nil {
			inner = lists[list].String()
		}
		b.WriteString(raw(list, inner))
	}
	body := b.String() + el("IsTruncated", fmt.Sprint(next != ""))
	if w.dropsMarker("iam:GetAccountAuthorizationDetails") {
		return body
	}
	return body + opt("Marker", next)
}

// listAccessKeys renders ListAccessKeys for a user, one key a page; "" when there is no such user.
func (s *Server) listAccessKeys(user, marker string) string {
	u, ok := find(s.World.Users, func(u User) bool { return u.Name == user })
	if !ok {
		return ""
	}
	from, to, next := page(marker, len(u.AccessKeys), 1)
	var members string
	for _, k := range u.AccessKeys[from:to] {
		members += raw("member", el("UserName", u.Name)+el("AccessKeyId", k)+el("Status", "Active")+el("CreateDate", "2023-03-04T05:06:07Z"))
	}
	body := raw("AccessKeyMetadata", members) + el("IsTruncated", fmt.Sprint(next != ""))
	if s.World.dropsMarker("iam:ListAccessKeys") {
		return body
	}
	return body + opt("Marker", next)
}

func attached(arns []string) string {
	var m string
	for _, a := range arns {
		m += raw("member", el("PolicyArn", a)+el("PolicyName", a[strings.LastIndex(a, "/")+1:]))
	}
	return raw("AttachedManagedPolicies", m)
}

func inline(list string, docs map[string]string) string {
	var m string
	for _, name := range sortedKeys(docs) {
		m += raw("member", el("PolicyName", name)+el("PolicyDocument", iamEncode(docs[name])))
	}
	return raw(list, m)
}

func tags(t map[string]string) string {
	var m string
	for _, k := range sortedKeys(t) {
		m += raw("member", el("Key", k)+el("Value", t[k]))
	}
	return raw("Tags", m)
}

// iamEncode URL-encodes a policy document the way the IAM API returns them.
func iamEncode(doc string) string { return url.PathEscape(doc) }

// el renders <name>text</name> with the text escaped.
func el(name, text string) string { return "<" + name + ">" + esc(text) + "</" + name + ">" }

// opt renders el(name, text), or nothing when text is "".
func opt(name, text string) string {
	if text == "" {
		return ""
	}
	return el(name, text)
}

// raw renders <name>inner</name> with inner as XML already.
func raw(name, inner string) string { return "<" + name + ">" + inner + "</" + name + ">" }

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func find[T any](list []T, match func(T) bool) (T, bool) {
	for _, x := range list {
		if match(x) {
			return x, true
		}
	}
	var zero T
	return zero, false
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
