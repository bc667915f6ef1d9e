package eval

import (
	"strings"
	"testing"
)

func accessSummary(acc []Access) map[string]string {
	out := map[string]string{}
	for _, a := range acc {
		var parts []string
		for _, r := range a.Resources {
			s := r.Resource
			if r.Known {
				s = "known " + s
			}
			if r.Condition != nil && r.Condition.IsOpen() {
				s += " if " + r.Condition.String()
			}
			if len(r.Except) > 0 {
				s += " except " + strings.Join(r.Except, ", ")
			}
			parts = append(parts, s)
		}
		out[a.Action] = strings.Join(parts, "; ")
	}
	return out
}

func TestWhatCanNarrowsByBoundaryAndResolvesVariables(t *testing.T) {
	e := newTestEngine(t)
	dana, _ := e.Principal("arn:aws:iam::111111111111:user/dana")
	got := accessSummary(e.WhatCan(dana, nil, Discovery))
	if got["s3:GetObject"] != "arn:aws:s3:::team-payments/*; known arn:aws:s3:::public-site/*" {
		t.Errorf("s3:GetObject: %q", got["s3:GetObject"])
	}
	if got["sts:AssumeRole"] != "known arn:aws:iam::111111111111:role/deploy" {
		t.Errorf("sts:AssumeRole: %q", got["sts:AssumeRole"])
	}
	// iam:* is in her group's policy, but her boundary does not allow it.
	for action := range got {
		if strings.HasPrefix(action, "iam:") {
			t.Errorf("dana is bounded, yet %s: %s", action, got[action])
		}
	}
	if len(got) != 3 { // s3:GetObject, s3:PutObject, sts:AssumeRole
		t.Errorf("got %d actions: %v", len(got), got)
	}
}

func TestWhatCanOpenConditionsAndCarveOuts(t *testing.T) {
	e := newTestEngine(t)
	eve, _ := e.Principal("arn:aws:iam::111111111111:user/eve")
	eve.Identity = append(eve.Identity, mustCompile(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::data/*"},
		{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/secret/*"}]}`))
	e.gather(eve)
	acc := e.WhatCan(eve, nil, Discovery)
	got := accessSummary(acc)
	if got["iam:CreateUser"] != "* if Bool aws:MultiFactorAuthPresent [true]" {
		t.Errorf("iam:CreateUser: %q", got["iam:CreateUser"])
	}
	if got["s3:GetObject"] != "arn:aws:s3:::data/* except arn:aws:s3:::data/secret/*; known arn:aws:s3:::public-site/*" {
		t.Errorf("s3:GetObject: %q", got["s3:GetObject"])
	}
	if got["s3:PutObject"] != "arn:aws:s3:::data/*" {
		t.Errorf("s3:PutObject: %q", got["s3:PutObject"])
	}
	levels := map[string]bool{}
	for _, a := range acc {
		levels[string(a.Level)] = true
	}
	if !levels["Permissions management"] || !levels["Read"] || !levels["Write"] {
		t.Errorf("levels %v", levels)
	}
}

func BenchmarkWhatCanAdmin(b *testing.B) {
	t := &testing.T{}
	e := newTestEngine(t)
	p, _ := e.Principal("arn:aws:iam::111111111111:role/deploy")
	p.Identity = append(p.Identity, mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`))
	e.gather(p)
	b.ResetTimer()
	for b.Loop() {
		if len(e.WhatCan(p, nil, Discovery)) < 20000 {
			b.Fatal("admin should reach every action")
		}
	}
}
