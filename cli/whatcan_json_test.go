package cli

import (
	"bytes"
	"testing"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/synth"
	"github.com/iamscope/iamscope/loader/demo"
	"github.com/iamscope/iamscope/model"
)

// TestWhatCanJSONWrittenOneAtATime: what-can's JSON, written an action at a time from each
// principal's and each reached role's lists by service, is byte for byte the document of the
// whole answer (groupAccess of WhatCanVia), for every principal of the demo and of a small
// dense generated account, with and without chains, and for one that can do nothing.
func TestWhatCanJSONWrittenOneAtATime(t *testing.T) {
	accounts, err := demo.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	dense, err := synth.Load(synth.Options{Roles: 50, Users: 12, Policies: 30, Seed: 3, Shape: synth.Dense})
	if err != nil {
		t.Fatal(err)
	}
	chained := 0
	for _, accts := range [][]*model.Account{accounts, dense} {
		e := eval.NewEngine(accts...)
		for _, p := range e.Principals() {
			reaches := e.RoleChains(p, nil, eval.Discovery)
			if len(reaches) > 0 {
				chained++
			}
			own := []viaServices{{services: e.WhatCanServices(p, nil, eval.Discovery)}}
			all := own
			for _, r := range reaches {
				all = append(all, viaServices{via: r.Path, services: e.WhatCanServices(r.Role, nil, eval.Discovery)})
			}
			for _, c := range []struct {
				answers []viaServices
				flat    []eval.Access
			}{{own, e.WhatCan(p, nil, eval.Discovery)}, {all, e.WhatCanVia(p, nil, eval.Discovery)}} {
				head := whatCanJSON{Principal: p.ARN, Warnings: []string{"a warning \u009b"}}
				whole := head
				whole.Services = groupAccess(c.flat)
				var want, got bytes.Buffer
				if err := writeJSON(&want, whole); err != nil {
					t.Fatal(err)
				}
				if err := writeWhatCanJSON(&got, head, c.answers); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), want.Bytes()) {
					t.Fatalf("%s (%d answers): written an action at a time, the JSON differs from the whole document:\n%s\nwant:\n%s", p.ARN, len(c.answers), got.Bytes(), want.Bytes())
				}
			}
		}
	}
	if chained == 0 {
		t.Fatal("no principal reaches a role: the test weighs no chain")
	}
	var got bytes.Buffer
	head := whatCanJSON{Principal: "arn:aws:iam::123456789012:user/nobody"}
	if err := writeWhatCanJSON(&got, head, []viaServices{{}}); err != nil {
		t.Fatal(err)
	}
	whole := head
	whole.Services = []serviceJSON{}
	var want bytes.Buffer
	if err := writeJSON(&want, whole); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("nothing to list: %s, want %s", got.Bytes(), want.Bytes())
	}
}
