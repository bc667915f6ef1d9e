package eval

import (
	"reflect"
	"testing"
)

func TestWhatCanServiceIsWhatCanForOneService(t *testing.T) {
	e := newTestEngine(t)
	for _, p := range e.Principals() {
		all := e.WhatCan(p, nil, Discovery)
		var services []string
		for _, svc := range e.AccessServices(p) {
			services = append(services, svc.Prefix)
		}
		bySvc := map[string][]Access{}
		for _, a := range all {
			bySvc[a.Service] = append(bySvc[a.Service], a)
		}
		for svc, want := range bySvc {
			found := false
			for _, s := range services {
				found = found || s == svc
			}
			if !found {
				t.Errorf("%s: AccessServices %v misses %s", p.ARN, services, svc)
			}
			got := e.WhatCanService(p, svc, nil, Discovery)
			if !reflect.DeepEqual(accessSummary(got), accessSummary(want)) {
				t.Errorf("%s %s:\n got %v\nwant %v", p.ARN, svc, accessSummary(got), accessSummary(want))
			}
		}
	}
	if got := e.WhatCanService(e.Principals()[0], "no-such-service", nil, Discovery); got != nil {
		t.Errorf("unknown service: %v", got)
	}
}

func TestDeniedInServiceNamesWhatTheBoundaryTakesAway(t *testing.T) {
	e := newTestEngine(t)
	dana, _ := e.Principal("arn:aws:iam::111111111111:user/dana")
	// iam:* is in her group's policy, but her boundary does not allow it.
	denied := e.DeniedInService(dana, "iam", nil, Discovery)
	if len(denied) == 0 {
		t.Fatal("no denied iam actions")
	}
	for _, d := range denied {
		if d.Decision == Allowed || d.Service != "iam" || d.Resource == "" {
			t.Errorf("%+v", d)
		}
		if r := can(t, e, dana.ARN, d.Action, d.Resource, nil, Discovery); r.Decision != d.Decision {
			t.Errorf("%s on %s: Can says %s, DeniedInService %s", d.Action, d.Resource, r.Decision, d.Decision)
		}
	}
	for _, a := range e.WhatCanService(dana, "iam", nil, Discovery) {
		for _, d := range denied {
			if d.Action == a.Action {
				t.Errorf("%s both allowed and denied", a.Action)
			}
		}
	}
}
