package catalog

import (
	"encoding/json"
	"sync"
)

// managedKeys are the condition keys that AWS managed policies test, lower-cased. AWS writes
// them, so AWS sets them, whether or not the service authorization reference lists them:
// AWSSSOServiceRolePolicy tests aws:PrincipalOrgMasterAccountId, which the reference does not
// name. They are read from the embedded documents on first use.
var managedKeys = sync.OnceValue(func() map[string]bool {
	keys := map[string]bool{}
	for _, p := range ManagedPolicies() {
		var doc struct{ Statement json.RawMessage }
		if json.Unmarshal(p.Document, &doc) != nil {
			continue
		}
		var stmts []struct {
			Condition map[string]map[string]json.RawMessage
		}
		if json.Unmarshal(doc.Statement, &stmts) != nil {
			var one struct {
				Condition map[string]map[string]json.RawMessage
			}
			if json.Unmarshal(doc.Statement, &one) != nil {
				continue
			}
			stmts = append(stmts, one)
		}
		for _, s := range stmts {
			for _, byKey := range s.Condition {
				for k := range byKey {
					keys[toLowerASCII(k)] = true
				}
			}
		}
	}
	return keys
})
