package catalog

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
)

// EscalationCategory is how a privilege-escalation path gains its power.
type EscalationCategory string

// The categories of the public path catalogue.
const (
	// SelfEscalation: the principal grants itself more (a new policy version, an inline or
	// attached policy on itself or its group, joining a group).
	SelfEscalation EscalationCategory = "self-escalation"
	// PrincipalAccess: the principal takes over another user or role (new access keys or
	// console password, a rewritten trust policy, assuming a role).
	PrincipalAccess EscalationCategory = "principal-access"
	// NewPassRole: the principal passes a role to a new resource of a service (a Lambda
	// function, an EC2 instance, ...) and acts through it.
	NewPassRole EscalationCategory = "new-passrole"
	// ExistingPassRole: the principal takes over an existing resource that already runs with
	// a role (updating a function's code, a session on an instance, ...).
	ExistingPassRole EscalationCategory = "existing-passrole"
	// CredentialAccess: the principal reads credentials stored somewhere it can reach.
	CredentialAccess EscalationCategory = "credential-access"
)

// EscalationPath is one path of the public catalogue of AWS privilege-escalation paths
// (DataDog/pathfinding.cloud, Apache-2.0): the actions it needs and what it does.
type EscalationPath struct {
	ID                string             `json:"id"`
	Name              string             `json:"name"`
	Category          EscalationCategory `json:"category"`
	Services          []string           `json:"services"`
	RequiredActions   []string           `json:"requiredActions"` // lower case, "iam:passrole"
	AdditionalActions []string           `json:"additionalActions,omitempty"`
	Parent            string             `json:"parent,omitempty"`
	Description       string             `json:"description"`
}

//go:embed data/privesc.json
var privescJSON []byte

var privesc struct {
	once  sync.Once
	paths []*EscalationPath
	err   error
}

// EscalationPaths returns the catalogue's paths in catalogue order. The slice is shared: do not
// modify it. It is empty when the embedded file cannot be read (EscalationPathsErr says why).
func EscalationPaths() []*EscalationPath {
	privesc.once.Do(loadPrivesc)
	return privesc.paths
}

// EscalationPathsErr reports why the embedded path catalogue could not be read, or nil.
func EscalationPathsErr() error {
	privesc.once.Do(loadPrivesc)
	return privesc.err
}

// LookupEscalationPath finds a path by its id ("iam-001"), regardless of case.
func LookupEscalationPath(id string) (*EscalationPath, bool) {
	for _, p := range EscalationPaths() {
		if strings.EqualFold(p.ID, id) {
			return p, true
		}
	}
	return nil, false
}

func loadPrivesc() {
	var doc struct {
		Paths []*EscalationPath `json:"paths"`
	}
	if err := json.Unmarshal(privescJSON, &doc); err != nil {
		privesc.err = fmt.Errorf("catalog: embedded privesc.json: %w", err)
		return
	}
	for _, p := range doc.Paths {
		for i, a := range p.RequiredActions {
			p.RequiredActions[i] = strings.ToLower(a)
		}
	}
	privesc.paths = doc.Paths
}
