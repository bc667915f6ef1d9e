package model

import (
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// minimal is a one-statement policy used by the form tests.
const minimal = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`

// TestParsePolicyForms checks every form a policy document arrives in: a JSON object, a JSON
// string holding one (as policies are embedded in other JSON), URL-encoded JSON (as the IAM
// API's GetPolicyVersion and GetRolePolicy return it) and surrounding whitespace.
func TestParsePolicyForms(t *testing.T) {
	want, err := ParsePolicy([]byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Statements) != 1 || want.Statements[0].Actions[0] != "s3:GetObject" {
		t.Fatalf("object form parsed as %+v", want.Statements)
	}
	indented := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\n    \"Effect\": \"Allow\",\n    \"Action\": \"s3:GetObject\",\n    \"Resource\": \"arn:aws:s3:::b/*\"\n  }\n}\n"
	forms := map[string]string{
		"whitespace around":   " \n\t" + minimal + "\r\n ",
		"indented":            indented,
		"JSON string":         strconv.Quote(minimal),
		"JSON string of URL":  strconv.Quote(url.PathEscape(minimal)),
		"URL-encoded":         url.PathEscape(minimal),
		"URL-encoded, spaced": "  " + strings.ReplaceAll(url.QueryEscape(indented), "+", "%20") + "\n",
		"string in a string":  strconv.Quote(strconv.Quote(minimal)),
	}
	for name, doc := range forms {
		t.Run(name, func(t *testing.T) {
			p, err := ParsePolicy([]byte(doc))
			if err != nil {
				t.Fatalf("ParsePolicy: %v", err)
			}
			if !reflect.DeepEqual(p.Statements, want.Statements) || p.Version != want.Version {
				t.Errorf("statements %+v, want %+v", p.Statements[0], want.Statements[0])
			}
			if string(p.Document) != minimal {
				t.Errorf("Document = %s, want the compact object %s", p.Document, minimal)
			}
		})
	}
}

// TestParsePolicyElements checks how each element is read: single values and lists, every
// principal form, and condition values of each JSON type
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html).
func TestParsePolicyElements(t *testing.T) {
	doc := `{
	  "Version": "2012-10-17",
	  "Id": "policy-id",
	  "Statement": [
	    {"Sid": "one", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
	    {"Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:root", "444455556666"]},
	     "NotAction": ["iam:*", "sts:Get*"], "NotResource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]},
	    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com", "Federated": "cognito-identity.amazonaws.com",
	     "CanonicalUser": ["79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"]},
	     "Action": "sts:AssumeRoleWithWebIdentity"},
	    {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {
	      "StringEquals": {"aws:username": ["alice", "bob"], "aws:PrincipalTag/team": "red"},
	      "NumericLessThan": {"s3:max-keys": 10},
	      "NumericGreaterThan": {"s3:max-keys": [1.5, -2e3]},
	      "Bool": {"aws:SecureTransport": true},
	      "Null": {"aws:TokenIssueTime": [false]}
	    }}
	  ]
	}`
	p, err := ParsePolicy([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != Version2012 || p.ID != "policy-id" || !p.HasVariables() {
		t.Errorf("Version %q, Id %q, HasVariables %v", p.Version, p.ID, p.HasVariables())
	}
	if len(p.Statements) != 4 {
		t.Fatalf("%d statements, want 4", len(p.Statements))
	}
	s0, s1, s2, s3 := p.Statements[0], p.Statements[1], p.Statements[2], p.Statements[3]
	for i, s := range p.Statements {
		if s.Index != i {
			t.Errorf("statement %d has Index %d", i, s.Index)
		}
	}

	if s0.Sid != "one" || s0.Effect != Allow || !reflect.DeepEqual(s0.Principal, &Principal{Wildcard: true}) ||
		s0.PrincipalElement() != "Principal" || s0.ActionElement() != "Action" || s0.ResourceElement() != "Resource" {
		t.Errorf("statement 0: %+v, principal %+v", s0, s0.Principal)
	}
	if s0.Resources[0] != "arn:aws:s3:::b/*" || len(s0.Resources) != 1 {
		t.Errorf("statement 0 resources %q", s0.Resources)
	}

	if s1.Effect != Deny || !s1.NotPrincipal || !s1.NotAction || !s1.NotResource {
		t.Errorf("statement 1 flags: NotPrincipal %v NotAction %v NotResource %v", s1.NotPrincipal, s1.NotAction, s1.NotResource)
	}
	if s1.PrincipalElement() != "NotPrincipal" || s1.ActionElement() != "NotAction" || s1.ResourceElement() != "NotResource" {
		t.Errorf("statement 1 element names %s %s %s", s1.PrincipalElement(), s1.ActionElement(), s1.ResourceElement())
	}
	if !reflect.DeepEqual(s1.Principal.AWS, []string{"arn:aws:iam::111122223333:root", "444455556666"}) {
		t.Errorf("statement 1 AWS principals %q", s1.Principal.AWS)
	}
	if !reflect.DeepEqual(s1.Actions, []string{"iam:*", "sts:Get*"}) || len(s1.Resources) != 2 {
		t.Errorf("statement 1 actions %q resources %q", s1.Actions, s1.Resources)
	}

	wantP := &Principal{
		Service:       []string{"lambda.amazonaws.com"},
		Federated:     []string{"cognito-identity.amazonaws.com"},
		CanonicalUser: []string{"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
	}
	if !reflect.DeepEqual(s2.Principal, wantP) {
		t.Errorf("statement 2 principal %+v, want %+v", s2.Principal, wantP)
	}
	if s2.Resources != nil || s2.ResourceElement() != "" {
		t.Errorf("statement 2 has no Resource element, got %q", s2.Resources)
	}

	// Conditions come ordered by operator, then key; numbers and booleans are kept as their text.
	wantC := []Condition{
		{Operator: "Bool", Key: "aws:SecureTransport", Values: []string{"true"}},
		{Operator: "Null", Key: "aws:TokenIssueTime", Values: []string{"false"}},
		{Operator: "NumericGreaterThan", Key: "s3:max-keys", Values: []string{"1.5", "-2e3"}},
		{Operator: "NumericLessThan", Key: "s3:max-keys", Values: []string{"10"}},
		{Operator: "StringEquals", Key: "aws:PrincipalTag/team", Values: []string{"red"}},
		{Operator: "StringEquals", Key: "aws:username", Values: []string{"alice", "bob"}},
	}
	if !reflect.DeepEqual(s3.Conditions, wantC) {
		t.Errorf("conditions\n got %+v\nwant %+v", s3.Conditions, wantC)
	}
	if got := s3.Conditions[2].String(); got != "NumericGreaterThan s3:max-keys [1.5, -2e3]" {
		t.Errorf("Condition.String() = %q", got)
	}
	if s3.PrincipalElement() != "" {
		t.Errorf("statement 3 has no principal element, got %q", s3.PrincipalElement())
	}
	if !strings.HasPrefix(string(s3.JSON), `{"Effect":"Allow","Action":"*"`) {
		t.Errorf("statement JSON is not the compact statement: %s", s3.JSON)
	}
}

// TestParsePolicyVersion: a policy without Version is read as 2008-10-17, where `${...}` is
// literal text (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html).
func TestParsePolicyVersion(t *testing.T) {
	for _, c := range []struct {
		doc      string
		version  string
		variable bool
	}{
		{`{"Statement":[]}`, "", false},
		{`{"Version":"2008-10-17","Statement":[]}`, Version2008, false},
		{`{"Version":"2012-10-17","Statement":[]}`, Version2012, true},
	} {
		p, err := ParsePolicy([]byte(c.doc))
		if err != nil {
			t.Fatalf("%s: %v", c.doc, err)
		}
		if p.Version != c.version || p.HasVariables() != c.variable {
			t.Errorf("%s: Version %q HasVariables %v, want %q %v", c.doc, p.Version, p.HasVariables(), c.version, c.variable)
		}
	}
}

// stmt wraps statement elements into a policy with the statement at index 2.
func stmt(elems string) string {
	ok := `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`
	return `{"Version":"2012-10-17","Statement":[` + ok + `,` + ok + `,{` + elems + `}]}`
}

// TestParsePolicyErrors checks that every malformed document is refused with the exact place
// of the fault, so that a user can find it in a long policy.
func TestParsePolicyErrors(t *testing.T) {
	cases := []struct {
		name, doc, want string
	}{
		{"empty", "  ", "empty policy document"},
		{"not JSON", "Version: 2012", `policy document must be a JSON object, a JSON string or URL-encoded JSON; it starts with "Version: 2012"`},
		{"array", `[{"Statement":[]}]`, `policy document must be a JSON object, a JSON string or URL-encoded JSON; it starts with "[{\"Statement\":[]}]"`},
		{"broken object", `{"Statement":[}`, "policy document is not a JSON object: invalid character '}' looking for beginning of value"},
		{"bad URL escape", `%7B%2`, `policy document is not valid URL-encoded text: invalid URL escape "%2"`},
		{"wrapped too often", strconv.Quote(strconv.Quote(strconv.Quote(minimal))), "policy document is wrapped too many times (string or URL encoding)"},
		{"bad Version", `{"Version":"2012-10-18","Statement":[]}`, `Version: unknown version "2012-10-18" (want "2012-10-17" or "2008-10-17")`},
		{"Version a number", `{"Version":2012,"Statement":[]}`, "Version: must be a string"},
		{"Id a number", `{"Id":7,"Statement":[]}`, "Id: must be a string"},
		{"no Statement", `{"Version":"2012-10-17"}`, "Statement: missing"},
		{"unknown element", `{"Version":"2012-10-17","Statement":[],"Description":"x"}`, "Description: unknown policy element (want Version, Id or Statement)"},
		{"Statement a string", `{"Statement":"x"}`, "Statement: must be an object or an array of objects"},
		{"Statement item a string", `{"Statement":["x"]}`, "Statement[0]: must be a JSON object"},
		{"no Effect", stmt(`"Action":"s3:GetObject"`), "Statement[2].Effect: missing"},
		{"no Effect, single statement", `{"Statement":{"Action":"s3:GetObject"}}`, "Statement.Effect: missing"},
		{"bad Effect", stmt(`"Effect":"allow","Action":"s3:GetObject"`), `Statement[2].Effect: must be "Allow" or "Deny", not "allow"`},
		{"Effect a bool", stmt(`"Effect":true,"Action":"s3:GetObject"`), "Statement[2].Effect: must be a string"},
		{"no Action", stmt(`"Effect":"Allow","Resource":"*"`), "Statement[2].Action: missing (a statement needs Action or NotAction)"},
		{"Action and NotAction", stmt(`"Effect":"Allow","Action":"s3:*","NotAction":"iam:*"`), "Statement[2].NotAction: a statement has Action or NotAction, not both"},
		{"Resource and NotResource", stmt(`"Effect":"Allow","Action":"s3:*","Resource":"*","NotResource":"*"`), "Statement[2].Resource: a statement has Resource or NotResource, not both"},
		{"Principal and NotPrincipal", stmt(`"Effect":"Allow","Action":"s3:*","Principal":"*","NotPrincipal":"*"`), "Statement[2].Principal: a statement has Principal or NotPrincipal, not both"},
		{"unknown statement element", stmt(`"Effect":"Allow","Action":"s3:*","Resources":"*"`), "Statement[2].Resources: unknown statement element (want Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource or Condition)"},
		{"Sid a number", stmt(`"Sid":1,"Effect":"Allow","Action":"s3:*"`), "Statement[2].Sid: must be a string"},
		{"action without service", stmt(`"Effect":"Allow","Action":"GetObject"`), `Statement[2].Action[0]: "GetObject" is not an action (want "service:Action" or "*")`},
		{"action empty name", stmt(`"Effect":"Allow","Action":["s3:GetObject","s3:"]`), `Statement[2].Action[1]: "s3:" is not an action (want "service:Action" or "*")`},
		{"action empty service", stmt(`"Effect":"Allow","NotAction":":GetObject"`), `Statement[2].NotAction[0]: ":GetObject" is not an action (want "service:Action" or "*")`},
		{"action two colons", stmt(`"Effect":"Allow","Action":"s3:Get:Object"`), `Statement[2].Action[0]: "s3:Get:Object" is not an action (want "service:Action" or "*")`},
		{"Action a number", stmt(`"Effect":"Allow","Action":3`), "Statement[2].Action: must be a string or an array of strings"},
		{"Action list holds a number", stmt(`"Effect":"Allow","Action":["s3:GetObject",3]`), "Statement[2].Action[1]: must be a string"},
		{"Resource list holds an object", stmt(`"Effect":"Allow","Action":"s3:*","Resource":["*",{}]`), "Statement[2].Resource[1]: must be a string"},
		{"Principal a bare ARN", stmt(`"Effect":"Allow","Action":"s3:*","Principal":"arn:aws:iam::111122223333:root"`), `Statement[2].Principal: a principal given as a string must be "*", not "arn:aws:iam::111122223333:root" (use {"AWS": ...})`},
		{"Principal a list", stmt(`"Effect":"Allow","Action":"s3:*","Principal":["*"]`), `Statement[2].Principal: must be "*" or an object of principal types`},
		{"unknown principal type", stmt(`"Effect":"Allow","Action":"s3:*","Principal":{"aws":"*"}`), "Statement[2].Principal.aws: unknown principal type (want AWS, Service, Federated or CanonicalUser)"},
		{"principal value a number", stmt(`"Effect":"Allow","Action":"s3:*","NotPrincipal":{"AWS":111122223333}`), "Statement[2].NotPrincipal.AWS: must be a string or an array of strings"},
		{"principal list holds a number", stmt(`"Effect":"Allow","Action":"s3:*","Principal":{"Service":["a.amazonaws.com",1]}`), "Statement[2].Principal.Service[1]: must be a string"},
		{"Condition a list", stmt(`"Effect":"Allow","Action":"s3:*","Condition":[]`), "Statement[2].Condition: must be an object of operators"},
		{"operator a string", stmt(`"Effect":"Allow","Action":"s3:*","Condition":{"StringEquals":"x"}`), "Statement[2].Condition.StringEquals: must be an object of condition keys"},
		{"condition value an object", stmt(`"Effect":"Allow","Action":"s3:*","Condition":{"StringEquals":{"aws:username":{"a":1}}}`), `Statement[2].Condition.StringEquals.aws:username: must be a string, number or boolean, not {"a":1}`},
		{"condition list holds an object", stmt(`"Effect":"Allow","Action":"s3:*","Condition":{"StringEquals":{"aws:username":["a",{"b":2}]}}`), `Statement[2].Condition.StringEquals.aws:username[1]: must be a string, number or boolean, not {"b":2}`},
		{"condition list holds a list", stmt(`"Effect":"Allow","Action":"s3:*","Condition":{"StringEquals":{"aws:username":["a",["b"]]}}`), `Statement[2].Condition.StringEquals.aws:username[1]: must be a string, number or boolean, not ["b"]`},
		{"condition value null", stmt(`"Effect":"Allow","Action":"s3:*","Condition":{"Null":{"aws:username":null}}`), "Statement[2].Condition.Null.aws:username: must be a string, number or boolean, not null"},
		{"condition list holds null", stmt(`"Effect":"Allow","Action":"s3:*","Condition":{"StringEquals":{"aws:username":["a",null]}}`), "Statement[2].Condition.StringEquals.aws:username[1]: must be a string, number or boolean, not null"},
		// JSON null is never a value of an element: read as "nothing", it would drop a
		// condition and turn a conditional Allow into an unconditional one.
		{"operator null", stmt(`"Effect":"Allow","Action":"s3:*","Condition":{"StringEquals":null}`), "Statement[2].Condition.StringEquals: must be an object of condition keys"},
		{"Condition null", stmt(`"Effect":"Allow","Action":"s3:*","Condition":null`), "Statement[2].Condition: must be an object of operators"},
		{"Action null", stmt(`"Effect":"Allow","Action":null`), "Statement[2].Action: must be a string or an array of strings"},
		{"Resource null", stmt(`"Effect":"Allow","Action":"s3:*","Resource":null`), "Statement[2].Resource: must be a string or an array of strings"},
		{"Principal null", stmt(`"Effect":"Allow","Action":"s3:*","Principal":null`), `Statement[2].Principal: must be "*" or an object of principal types`},
		{"principal type null", stmt(`"Effect":"Allow","Action":"s3:*","Principal":{"AWS":null}`), "Statement[2].Principal.AWS: must be a string or an array of strings"},
		{"Statement null", `{"Statement":null}`, "Statement: must be an object or an array of objects"},
		{"statement item null", `{"Statement":[null]}`, "Statement[0]: must be a JSON object"},
		{"Sid null", stmt(`"Sid":null,"Effect":"Allow","Action":"s3:*"`), "Statement[2].Sid: must be a string"},
		{"Id null", `{"Id":null,"Statement":[]}`, "Id: must be a string"},
		{"Version null", `{"Version":null,"Statement":[]}`, "Version: must be a string"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParsePolicy([]byte(c.doc))
			if err == nil {
				t.Fatalf("accepted, with statements %s", p.Document)
			}
			if err.Error() != c.want {
				t.Errorf("error\n got %s\nwant %s", err, c.want)
			}
			if _, ok := err.(*PolicyError); !ok {
				t.Errorf("error is a %T, want *PolicyError", err)
			}
		})
	}
}

// TestAWSForIndexesLongLists checks that a long AWS principal list is looked up by account:
// the values naming the account, then those that name none ("*"), and nothing of other
// accounts; a short list is returned whole.
func TestAWSForIndexesLongLists(t *testing.T) {
	var vals []string
	for i := range 40 {
		vals = append(vals, fmt.Sprintf(`"arn:aws:iam::%012d:root"`, 100000000000+i))
	}
	vals = append(vals, `"222222222222"`, `"arn:aws:iam::222222222222:role/x"`, `"*"`)
	pol, err := ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole",
		"Principal":{"AWS":[` + strings.Join(vals, ",") + `]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	p := pol.Statements[0].Principal
	for account, want := range map[string][]string{
		"222222222222": {"222222222222", "arn:aws:iam::222222222222:role/x", "*"},
		"100000000007": {"arn:aws:iam::100000000007:root", "*"},
		"999999999999": {"*"},
		"":             {"*"},
	} {
		if got := p.AWSFor(account); !slices.Equal(got, want) {
			t.Errorf("AWSFor(%q) = %q, want %q", account, got, want)
		}
	}
	short, err := ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole",
		"Principal":{"AWS":["arn:aws:iam::111111111111:root","*"]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := short.Statements[0].Principal.AWSFor("222222222222"); len(got) != 2 {
		t.Errorf("a short list gives %q, want it whole", got)
	}
}
