// Package casegen generates random request cases (the format of eval/testdata/conformance/FORMAT.md)
// over real AWS actions, resource ARNs and condition keys taken from the embedded catalog, for
// differential testing of the engine against the reference simulator.
//
// A case is built request first: a principal (user, role, role session, federated user,
// service or anonymous caller) in one account, an action of a real service, a resource ARN
// made from one of the action's resource types, and a request context of real keys of the
// right types. Then come policies written to be about that request: statements whose actions,
// resources, principals and conditions are variations of it, some that match and some that
// just miss. Every policy type is exercised: identity policies, a resource policy (with
// Principal or NotPrincipal), a permission boundary, a session policy, SCPs by organization
// level and RCPs.
//
// The generator knows where the reference simulator parts from AWS and mostly steers clear of
// it (no context keys that do not apply to the action, no single-valued operators on
// multivalued keys, no requests it cannot type). Some cases still exercise documented
// deviations on purpose, such as policy variables in a 2008-10-17 policy; the differential
// test recognises those by rule.
package casegen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
)

// Case is one generated request case, in the JSON shape of FORMAT.md.
type Case struct {
	ID                   string     `json:"id"`
	Request              Request    `json:"request"`
	IdentityPolicies     []*Policy  `json:"identityPolicies,omitempty"`
	ResourcePolicy       *Policy    `json:"resourcePolicy,omitempty"`
	PermissionBoundaries []*Policy  `json:"permissionBoundaries,omitempty"`
	SCPs                 [][]Policy `json:"scps,omitempty"`
	RCPs                 [][]Policy `json:"rcps,omitempty"`
	SessionPolicy        *Policy    `json:"sessionPolicy,omitempty"`
	ResourceAccount      string     `json:"resourceAccount,omitempty"`
}

// Request is the request of a case.
type Request struct {
	Principal string         `json:"principal"`
	Action    string         `json:"action"`
	Resource  string         `json:"resource"`
	Context   map[string]any `json:"context,omitempty"`
}

// Policy is a policy document.
type Policy struct {
	Version   string       `json:"Version,omitempty"`
	Statement []*Statement `json:"Statement"`
}

// Statement is one statement; each element is a string, a list of strings or (Principal) an
// object, as policies write them.
type Statement struct {
	Sid          string                    `json:"Sid,omitempty"`
	Effect       string                    `json:"Effect"`
	Principal    any                       `json:"Principal,omitempty"`
	NotPrincipal any                       `json:"NotPrincipal,omitempty"`
	Action       any                       `json:"Action,omitempty"`
	NotAction    any                       `json:"NotAction,omitempty"`
	Resource     any                       `json:"Resource,omitempty"`
	NotResource  any                       `json:"NotResource,omitempty"`
	Condition    map[string]map[string]any `json:"Condition,omitempty"`
}

// Generate returns n cases, each a JSON object, made from seed: the same seed gives the same
// cases (for the same catalog).
func Generate(seed uint64, n int) []json.RawMessage {
	cases := GenerateCases(seed, n)
	out := make([]json.RawMessage, len(cases))
	for i, c := range cases {
		b, err := json.Marshal(c)
		if err != nil {
			panic(fmt.Sprintf("casegen: encoding case %s: %v", c.ID, err))
		}
		out[i] = b
	}
	return out
}

// GenerateCases returns n cases made from seed, as values.
func GenerateCases(seed uint64, n int) []*Case {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	w := loadWorld()
	out := make([]*Case, 0, n)
	for i := range n {
		g := &gen{r: r, w: w}
		out = append(out, g.newCase(fmt.Sprintf("gen-%d-%05d", seed, i)))
	}
	return out
}
