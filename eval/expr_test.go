package eval

import "testing"

func leaf(op, key string, values ...string) *Expr {
	return Leaf(&OpenCondition{Operator: op, Key: key, Values: values})
}

// TestExprString checks how open conditions read: a negation of an operator that has an exact
// opposite is written with the opposite (De Morgan through and/or), others keep "not".
func TestExprString(t *testing.T) {
	mfa := leaf("Bool", "aws:MultiFactorAuthPresent", "true")
	ip := leaf("IpAddress", "aws:SourceIp", "10.0.0.0/8")
	region := leaf("StringNotEquals", "aws:RequestedRegion", "eu-west-1")
	ifExists := leaf("StringEqualsIfExists", "aws:PrincipalTag/team", "x")
	tests := []struct {
		e    *Expr
		want string
	}{
		{And(mfa, Not(ip)), "Bool aws:MultiFactorAuthPresent [true] and NotIpAddress aws:SourceIp [10.0.0.0/8]"},
		{Not(region), "StringEquals aws:RequestedRegion [eu-west-1]"},
		{And(mfa, Not(And(ip, region))), "Bool aws:MultiFactorAuthPresent [true] and (NotIpAddress aws:SourceIp [10.0.0.0/8] or StringEquals aws:RequestedRegion [eu-west-1])"},
		{Not(Or(ip, region)), "NotIpAddress aws:SourceIp [10.0.0.0/8] and StringEquals aws:RequestedRegion [eu-west-1]"},
		// Bool and IfExists have no exact opposite: an absent key makes both sides false/true alike.
		{Not(mfa), "not Bool aws:MultiFactorAuthPresent [true]"},
		{Not(ifExists), "not StringEqualsIfExists aws:PrincipalTag/team [x]"},
		{Not(And(ip, mfa)), "not (IpAddress aws:SourceIp [10.0.0.0/8] and Bool aws:MultiFactorAuthPresent [true])"},
		{And(True, ip), "IpAddress aws:SourceIp [10.0.0.0/8]"},
		{Or(False, Not(Not(ip))), "IpAddress aws:SourceIp [10.0.0.0/8]"},
	}
	for _, tc := range tests {
		if got := tc.e.String(); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}
