package cli

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/model"
)

// checkAction checks an ACTION argument: service:Action without wildcards is required (a
// usage error otherwise). An action the catalog does not know is still decided (the catalog
// may be older than the service), but note says so and names the closest ones it knows.
func checkAction(arg string) (note string, err error) {
	svc, name, ok := strings.Cut(arg, ":")
	if !ok || svc == "" || name == "" || strings.ContainsAny(arg, "*? ") || strings.Contains(name, ":") {
		return "", usageErr(fmt.Sprintf("ACTION %q: want one action, service:Action, e.g. s3:GetObject (no wildcards)", clean(arg)))
	}
	if _, ok := catalog.LookupAction(arg); ok {
		return "", nil
	}
	service, ok := catalog.LookupService(strings.ToLower(svc))
	if !ok {
		return fmt.Sprintf("%q is no service prefix the action catalog knows; the request is decided as written", clean(svc)), nil
	}
	close := nearest(name, service)
	hint := ""
	if len(close) > 0 {
		hint = "; did you mean " + strings.Join(close, " or ") + "?"
	}
	return fmt.Sprintf("%s is not an action of %s in the action catalog; the request is decided as written%s", clean(arg), service.Prefix, hint), nil
}

// checkResource checks a RESOURCE argument: an ARN, or "*" for actions that take none.
func checkResource(arg string) error {
	if arg == "*" {
		return nil
	}
	if _, err := model.ParseARN(arg); err != nil || strings.HasPrefix(arg, "arn::") {
		return usageErr(fmt.Sprintf("RESOURCE %q: want an ARN, arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, e.g. arn:aws:s3:::bucket/key, or * for an action that takes no resource", clean(arg)))
	}
	return nil
}

// checkRequest checks the ACTION and RESOURCE arguments of can and who-can, and tells people
// on standard error about an action the catalog does not know.
func checkRequest(cmd *cobra.Command, action, resource string) error {
	note, err := checkAction(action)
	if err != nil {
		return err
	}
	if err := checkResource(resource); err != nil {
		return err
	}
	if note != "" {
		fmt.Fprintln(cmd.ErrOrStderr(), "iamscope: "+note)
	}
	return nil
}

// nearest returns up to three actions of the service whose names are closest to name by edit
// distance, among those close enough to be a slip of the keyboard.
func nearest(name string, service *catalog.Service) []string {
	type scored struct {
		name string
		d    int
	}
	lower := strings.ToLower(name)
	limit := max(2, len(name)/3)
	var found []scored
	for _, a := range service.Actions {
		if d := editDistance(lower, strings.ToLower(a.Name)); d <= limit {
			found = append(found, scored{a.FullName(), d})
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].d < found[j].d })
	var out []string
	for i := 0; i < len(found) && i < 3; i++ {
		out = append(out, found[i].name)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
