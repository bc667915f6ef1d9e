package model

import "testing"

func TestCheckByKind(t *testing.T) {
	const (
		withPrincipal = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"s3:GetObject","Resource":"*"}]}`
		noPrincipal   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
		trust         = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
		noResource    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`
		rcpStar       = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}`
		rcpNamed      = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"111111111111"},"Action":"s3:*","Resource":"*"}]}`
	)
	tests := []struct {
		doc  string
		kind Kind
		want string // "" = valid
	}{
		{withPrincipal, KindIdentity, "Statement[0].Principal: not allowed in an identity policy"},
		{withPrincipal, KindSCP, "Statement[0].Principal: not allowed in an SCP"},
		{withPrincipal, KindBoundary, "Statement[0].Principal: not allowed in a permission boundary"},
		{withPrincipal, KindResource, ""},
		{noPrincipal, KindIdentity, ""},
		{noPrincipal, KindResource, "Statement[0].Principal: missing (every statement of a resource policy names a Principal or NotPrincipal)"},
		{trust, KindTrust, ""},
		{trust, KindResource, "Statement[0].Resource: missing (a statement of a resource policy needs Resource or NotResource)"},
		{noResource, KindIdentity, "Statement[0].Resource: missing (a statement of an identity policy needs Resource or NotResource)"},
		{rcpStar, KindRCP, ""},
		{rcpNamed, KindRCP, `Statement[0].Principal: an RCP statement must have "Principal": "*"`},
	}
	for _, tc := range tests {
		p, err := ParsePolicy([]byte(tc.doc))
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if err := p.Check(tc.kind); err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s as %s: got %q, want %q", tc.doc, tc.kind, got, tc.want)
		}
	}
}
