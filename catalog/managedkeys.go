package catalog

import (
	"bytes"
	"sync"

	"github.com/iamscope/iamscope/jsontree"
)

// managedKeys are the condition keys that AWS managed policies test, lower-cased. AWS writes
// them, so AWS sets them, whether or not the service authorization reference lists them:
// AWSSSOServiceRolePolicy tests aws:PrincipalOrgMasterAccountId, which the reference does not
// name. They are read from the embedded documents on first use.
var managedKeys = sync.OnceValue(func() map[string]bool {
	keys := map[string]bool{}
	var rd jsontree.Reader
	for _, p := range ManagedPolicies() {
		if !bytes.Contains(p.Document, []byte(`"Condition"`)) {
			continue
		}
		doc, ok := rd.Read(p.Document)
		if !ok || doc.Kind != jsontree.Object {
			continue
		}
		stmts := []*jsontree.Value{doc.Get("Statement")}
		if stmts[0] != nil && stmts[0].Kind == jsontree.Array {
			stmts = stmts[0].Items
		}
		for _, s := range stmts {
			if s == nil || s.Kind != jsontree.Object {
				continue
			}
			if c := s.Get("Condition"); c != nil && c.Kind == jsontree.Object {
				for _, op := range c.Members {
					for _, k := range op.Value.Members {
						keys[toLowerASCII(k.Key)] = true
					}
				}
			}
		}
	}
	return keys
})
