package cli

import (
	"fmt"
	"strings"
	"testing"
)

// roleEntry is a RoleDetailList entry with a trust policy and inline policies.
func roleEntry(account, name string, trust obj, inline obj, tags ...obj) obj {
	var list []obj
	for n, doc := range inline {
		list = append(list, obj{"PolicyName": n, "PolicyDocument": doc})
	}
	return obj{"RoleName": name, "RoleId": "AROA" + strings.ToUpper(strings.ReplaceAll(name, "-", "")), "Path": "/",
		"Arn": "arn:aws:iam::" + account + ":role/" + name, "AssumeRolePolicyDocument": trust, "RolePolicyList": list,
		"AttachedManagedPolicies": []obj{}, "InstanceProfileList": []obj{}, "Tags": tags}
}

// A role chain of 40 hops: text shows its ends and how many hops lie between; JSON has them
// all.
func TestLongChainsAreShortenedInText(t *testing.T) {
	const acct, hops = "123456789012", 40
	role := func(i int) string { return fmt.Sprintf("arn:aws:iam::%s:role/hop%d", acct, i) }
	trust := func(who string) obj {
		return obj{"Version": "2012-10-17", "Statement": []obj{{"Effect": "Allow", "Principal": obj{"AWS": who}, "Action": "sts:AssumeRole"}}}
	}
	start := userEntry(acct, "start", obj{"a": allowDoc("sts:AssumeRole", role(0), nil)})
	roles := []obj{}
	for i := range hops {
		who := "arn:aws:iam::" + acct + ":user/start"
		if i > 0 {
			who = role(i - 1)
		}
		inline := obj{"next": allowDoc("sts:AssumeRole", role(i+1), nil)}
		if i == hops-1 {
			inline = obj{"crown": allowDoc("s3:GetObject", "arn:aws:s3:::crown/*", nil)}
		}
		roles = append(roles, roleEntry(acct, fmt.Sprintf("hop%d", i), trust(who), inline))
	}
	file := writeDump(t, obj{"UserDetailList": []obj{start}, "RoleDetailList": roles, "GroupDetailList": []obj{}, "Policies": []obj{}})
	out, err := run(t, NewWhoCanCommand(), "--file", file, "s3:GetObject", "arn:aws:s3:::crown/x")
	if err != nil {
		t.Fatal(err)
	}
	line := ""
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "user/start") {
			line = l
		}
	}
	if !strings.Contains(line, "hop0 -> ") || !strings.Contains(line, "... 32 more ...") || !strings.Contains(line, "hop39") || strings.Contains(line, "hop20") {
		t.Errorf("the user's chain in text: %q", line)
	}
	out, err = run(t, NewWhoCanCommand(), "--json", "--file", file, "s3:GetObject", "arn:aws:s3:::crown/x")
	if err != nil {
		t.Fatal(err)
	}
	var got whoCanJSON
	mustJSON(t, out, &got)
	longest := 0
	for _, g := range got.Principals {
		longest = max(longest, len(g.Via))
	}
	if longest != hops {
		t.Errorf("the longest chain in JSON has %d hops, want %d", longest, hops)
	}
}
