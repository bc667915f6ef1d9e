package casegen

import (
	"slices"
	"strings"
	"sync"

	"github.com/iamscope/iamscope/catalog"
)

// world is what the generator draws from: the catalog's services, split into the familiar ones
// (drawn often) and all of them.
type world struct {
	services  []*catalog.Service
	favorites []*catalog.Service
	// rcp holds the services that RCPs apply to
	// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html).
	rcp map[string]bool
}

// favoriteServices are drawn half the time: the services whose policies people write most, and
// whose evaluation has the most to get wrong (trust policies, key policies, bucket policies).
var favoriteServices = []string{
	"s3", "iam", "sts", "kms", "ec2", "lambda", "sqs", "sns", "dynamodb", "secretsmanager",
	"logs", "ssm", "ecr", "events", "cloudformation",
}

// rcpServices are the services RCPs apply to, as the Organizations guide lists them.
var rcpServices = []string{"s3", "sts", "kms", "sqs", "secretsmanager", "dynamodb", "ecr", "logs", "cognito-identity", "aoss"}

var (
	worldOnce sync.Once
	theWorld  *world
)

func loadWorld() *world {
	worldOnce.Do(func() {
		if err := catalog.Err(); err != nil {
			panic("casegen: the catalog did not load: " + err.Error())
		}
		w := &world{rcp: map[string]bool{}}
		for _, s := range catalog.Services() {
			if len(s.Actions) > 0 {
				w.services = append(w.services, s)
			}
		}
		for _, p := range favoriteServices {
			if s, ok := catalog.LookupService(p); ok && len(s.Actions) > 0 {
				w.favorites = append(w.favorites, s)
			}
		}
		for _, p := range rcpServices {
			w.rcp[p] = true
		}
		theWorld = w
	})
	return theWorld
}

// keyType returns the catalog's type of a condition key ("" when the catalog does not know it).
func keyType(name string) string {
	if k, ok := catalog.LookupConditionKey(name); ok {
		return k.Type
	}
	return ""
}

// fillKey turns a templated key name (aws:RequestTag/${TagKey}, s3:ExistingObjectTag/<key>)
// into a concrete one with the given tag key.
func fillKey(name, tag string) string {
	if i := strings.IndexAny(name, "$<"); i >= 0 {
		return name[:i] + tag
	}
	return name
}

// isTemplated reports whether a key name has a placeholder.
func isTemplated(name string) bool { return strings.ContainsAny(name, "$<") }

// resourceTypeFor returns the one resource type of the action that arn is of; ok is false when
// it is of none or of several (the reference simulator refuses both).
func resourceTypeFor(a *catalog.Action, arn string) (catalog.ActionResource, bool) {
	var found []catalog.ActionResource
	for _, ar := range a.ResourceTypes {
		if rt := ar.ResourceType(); rt != nil && rt.Match(arn) {
			found = append(found, ar)
		}
	}
	if len(found) != 1 {
		return catalog.ActionResource{}, false
	}
	return found[0], true
}

// actionKeys returns the condition keys that apply to a request of the action on a resource
// of the given type: the action's own, the resource type's and those the action lists for
// that type.
func actionKeys(a *catalog.Action, ar *catalog.ActionResource) []string {
	keys := slices.Clone(a.ConditionKeys)
	if ar != nil {
		keys = append(keys, ar.ConditionKeys...)
		if rt := ar.ResourceType(); rt != nil {
			keys = append(keys, rt.ConditionKeys...)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}
