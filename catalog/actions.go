package catalog

import (
	"slices"
	"strings"

	"github.com/iamscope/iamscope/wildcard"
)

// AccessLevel is the access level AWS assigns an action in the service authorization
// reference: what kind of thing a principal can do with it. The interface groups and colours
// actions by it; escalation analysis looks hardest at PermissionsManagement.
type AccessLevel string

// The access levels, spelled as AWS spells them.
const (
	List                  AccessLevel = "List"
	Read                  AccessLevel = "Read"
	Write                 AccessLevel = "Write"
	PermissionsManagement AccessLevel = "Permissions management"
	Tagging               AccessLevel = "Tagging"
)

// accessLevels numbers the levels as the embedded data does.
var accessLevels = [...]AccessLevel{List, Read, Write, PermissionsManagement, Tagging}

// Service is one AWS service as IAM knows it: the prefix its actions and condition keys carry,
// its display name, and what its actions, resource types and condition keys are.
type Service struct {
	Prefix        string          // the action prefix, lower case: "s3", "iam", "ec2"
	Name          string          // the display name: "Amazon S3"
	Actions       []*Action       // sorted by name, case-insensitively
	ResourceTypes []*ResourceType // sorted by name
	ConditionKeys []*ConditionKey // the keys the service documents (aws: keys included), by name
}

// Action is one IAM action: a permission a policy can grant or deny.
type Action struct {
	Service          string           // the service prefix: "s3"
	Name             string           // the action name as AWS spells it: "GetObject"
	AccessLevel      AccessLevel      // what kind of access it gives
	ResourceTypes    []ActionResource // the resource types it acts on; none: it takes resource "*"
	ConditionKeys    []string         // condition keys that apply to every request of it
	DependentActions []string         // actions a principal must also be allowed to perform it

	lowerFull string // "s3:getobject", for lookup and pattern matching
	full      string // "s3:GetObject"
}

// FullName returns the action as policies write it: "s3:GetObject".
func (a *Action) FullName() string {
	if a.full != "" {
		return a.full
	}
	return a.Service + ":" + a.Name
}

// LowerName returns the action's full name in lower case, "s3:getobject", as the engine
// matches action patterns.
func (a *Action) LowerName() string {
	if a.lowerFull != "" {
		return a.lowerFull
	}
	return strings.ToLower(a.FullName())
}

// ActionResource is one resource type an action takes, as the reference lists it for that
// action.
type ActionResource struct {
	Type          string   // the resource type's name in the action's service: "object"
	Required      bool     // the request must name a resource of this type
	ConditionKeys []string // condition keys that apply when the request names this type

	rt *ResourceType
}

// ResourceType returns the resource type the entry names, with its ARN format.
func (r ActionResource) ResourceType() *ResourceType { return r.rt }

// Services returns every service, sorted by prefix. The slice is shared: do not modify it.
func Services() []*Service {
	return loadIndex().services
}

// LookupService finds a service by its prefix, regardless of case.
func LookupService(prefix string) (*Service, bool) {
	return searchFold(loadIndex().services, prefix, func(s *Service) string { return s.Prefix })
}

// LookupAction finds an action by its full name, regardless of case: "s3:getobject" finds
// s3:GetObject.
func LookupAction(name string) (*Action, bool) {
	return searchFold(loadIndex().actions, name, func(a *Action) string { return a.lowerFull })
}

// searchFold finds name, regardless of case, in a list sorted by a lower-case key.
func searchFold[T any](list []*T, name string, key func(*T) string) (*T, bool) {
	i, ok := slices.BinarySearchFunc(list, name, func(item *T, name string) int {
		return compareFold(key(item), name)
	})
	if !ok {
		return nil, false
	}
	return list[i], true
}

// Expand returns the actions an action pattern of a policy matches: the whole full name
// against the pattern, where `*` matches any run of characters and `?` any one character,
// regardless of case, as IAM matches the Action element. "s3:Get*", "s3:*", "*", "*:Get*" and
// "iam:?etUser" all work; a pattern that names no action (a misspelt prefix, "s3") gives none.
// The result is sorted by full name, case-insensitively, and is the caller's to keep.
//
// Only the actions whose name starts with the pattern's literal prefix (the text before its
// first wildcard) are tried, found by binary search, so "s3:Get*" looks at s3:Get... alone and
// only patterns opening with a wildcard scan all of them.
func Expand(pattern string) []*Action {
	actions := loadIndex().actions
	lower := toLowerASCII(pattern)
	p := wildcard.Compile(lower)
	if p.IsLiteral() {
		if a, ok := LookupAction(pattern); ok {
			return []*Action{a}
		}
		return nil
	}
	prefix := p.Prefix()
	lo, _ := slices.BinarySearchFunc(actions, prefix, func(a *Action, prefix string) int {
		return strings.Compare(a.lowerFull, prefix)
	})
	var out []*Action
	for _, a := range actions[lo:] {
		if !strings.HasPrefix(a.lowerFull, prefix) {
			break
		}
		if p.Match(a.lowerFull) {
			out = append(out, a)
		}
	}
	return out
}
