package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iamscope/iamscope/catalog"
	"github.com/iamscope/iamscope/eval"
)

// NewCanCommand returns `iamscope can PRINCIPAL ACTION RESOURCE`: one decision with its full
// explanation, in the account's real setting.
func NewCanCommand() *cobra.Command {
	var q query
	cmd := &cobra.Command{
		Use:   "can PRINCIPAL ACTION RESOURCE",
		Short: "Decide one request and explain the decision",
		Long: `Decide whether PRINCIPAL (an ARN, a name, a unique id or an access key id) may do ACTION on
RESOURCE in the account's real setting: its groups, its permission boundary, the SCPs of its
account, the RCPs and policy of the resource, with the request context AWS derives
(aws:username, aws:PrincipalArn, aws:PrincipalTag/*, ...) plus --context.

PRINCIPAL may also be any party who-can lists: a role session ARN, an account id or root ARN,
"*" or anonymous, a service principal (lambda.amazonaws.com) or a federated provider. An outside
party is decided against the resource's policy; a party that can only through a role chain
gets the chain's answer (every hop's condition and the acting role's), as who-can gives it.`,
		Args: cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkRequest(cmd, args[1], args[2]); err != nil {
				return err
			}
			if err := q.load(cmd); err != nil {
				return err
			}
			pt, err := resolveParty(q.engine, q.accounts, args[0])
			if err != nil {
				return err
			}
			ans, err := q.engine.CanParty(pt, args[1], args[2], q.ctx, eval.Options{Mode: q.mode(), Explain: true, KnownKey: catalog.KnowsConditionKey})
			if err != nil {
				return usageErr(err.Error())
			}
			r := ans.Result()
			if q.json {
				return writeJSON(cmd.OutOrStdout(), canJSON{
					Principal: pt.Name, Kind: string(pt.Kind), Action: args[1], Resource: args[2], Decision: ans.Decision,
					AllowedIf: condText(ans.Condition), Conditions: conditionList(ans.Condition), Via: hops(ans.Via),
					Partial: r.Unweighed, UnknownKeys: r.UnknownKeys, Warnings: q.warnings(), Explanation: r.Explanation,
				})
			}
			writeAnswer(cmd.OutOrStdout(), pt, ans)
			return nil
		},
	}
	q.addFlags(cmd)
	return cmd
}

type canJSON struct {
	Principal   string                `json:"principal"`
	Kind        string                `json:"kind"`
	Action      string                `json:"action"`
	Resource    string                `json:"resource"`
	Decision    eval.Decision         `json:"decision"`
	AllowedIf   string                `json:"allowedIf,omitempty"`
	Conditions  []*eval.OpenCondition `json:"conditions"`
	Via         []hopJSON             `json:"via"`
	Partial     []string              `json:"partial,omitempty"`
	UnknownKeys []string              `json:"unknownKeys,omitempty"`
	Warnings    []string              `json:"warnings,omitempty"`
	Explanation *eval.Explanation     `json:"explanation"`
}

// decisionWord says a decision in words, readable without colour.
func decisionWord(r *eval.Result) string {
	switch {
	case r.Conditional():
		return "ALLOWED IF " + r.Condition.String()
	case r.Decision == eval.Allowed:
		return "ALLOWED"
	case r.Decision == eval.ExplicitlyDenied:
		return "DENIED (explicitly)"
	}
	return "DENIED (implicitly)"
}

// writeAnswer prints a party's answer: the decision, and through a role chain the chain and
// why the party cannot do it itself, then the explanation of the decisive request.
func writeAnswer(w io.Writer, pt eval.Party, ans *eval.Answer) {
	if len(ans.Via) == 0 {
		writeExplanation(w, ans.Own)
		return
	}
	word := "ALLOWED"
	if ans.Condition != nil {
		word = "ALLOWED IF " + ans.Condition.String()
	}
	fmt.Fprintf(w, "%s%s\n", clean(word), viaText(hops(ans.Via), true))
	fmt.Fprintf(w, "%s itself: %s\n", clean(pt.Name), clean(ans.Own.Explanation.Reason))
	fmt.Fprintf(w, "then, as %s:\n", clean(ans.Via[len(ans.Via)-1].To))
	writeExplanation(w, ans.Acting)
}

// writeExplanation prints a decision and why, policy by policy.
func writeExplanation(w io.Writer, r *eval.Result) {
	ex := r.Explanation
	fmt.Fprintf(w, "%s\n", clean(decisionWord(r)))
	writePartial(w, r.Unweighed)
	writeUnknownKeys(w, r.UnknownKeys)
	fmt.Fprintf(w, "%s\n", clean(ex.Reason))
	fmt.Fprintf(w, "principal %s (%s)", clean(ex.Principal), ex.PrincipalKind)
	switch {
	case ex.SameAccount:
		fmt.Fprintf(w, ", same account as the resource\n")
	case ex.PrincipalAccount == "":
		fmt.Fprintf(w, ", resource account %s\n", clean(ex.ResourceAccount))
	default:
		fmt.Fprintf(w, ", account %s, resource account %s\n", clean(ex.PrincipalAccount), clean(ex.ResourceAccount))
	}
	for _, pt := range ex.Policies {
		label := string(pt.Type)
		if pt.Level > 0 {
			label = fmt.Sprintf("%s level %d", pt.Type, pt.Level)
		}
		fmt.Fprintf(w, "\n%s %q: allows %s, denies %s\n", label, clean(pt.Name), pt.Allows, pt.Denies)
		if pt.Skipped != "" {
			fmt.Fprintf(w, "  not applied: %s\n", clean(pt.Skipped))
		}
		for _, st := range pt.Statements {
			mark := " "
			if st.Decisive {
				mark = "*"
			}
			sid := ""
			if st.Sid != "" {
				sid = " " + clean(st.Sid)
			}
			fmt.Fprintf(w, " %s [%d]%s %s: %s", mark, st.Index, sid, st.Effect, st.Result)
			if st.Reason != "" {
				fmt.Fprintf(w, " (%s)", clean(st.Reason))
			}
			fmt.Fprintln(w)
			for _, c := range st.Conditions {
				ctxv := "absent"
				if c.KeyPresent {
					ctxv = "[" + strings.Join(c.ContextValues, ", ") + "]"
				}
				fmt.Fprintf(w, "      %s %s [%s]: request has %s -> %s\n", clean(c.Operator), clean(c.Key),
					clean(strings.Join(c.Values, ", ")), clean(ctxv), c.Result)
			}
		}
	}
}

// writeUnknownKeysWhere names the condition keys that the policies an answer weighs test
// without iamscope knowing them, and where each is written.
func writeUnknownKeysWhere(w io.Writer, keys []eval.UnknownKey) {
	where := make([]string, len(keys))
	for i, k := range keys {
		where[i] = k.String()
	}
	writeUnknownKeys(w, where)
}

// writeUnknownKeys names the condition keys an answer took as absent without knowing them.
func writeUnknownKeys(w io.Writer, keys []string) {
	if len(keys) == 0 {
		return
	}
	fmt.Fprintf(w, "UNKNOWN KEYS: taken as absent from the request, as AWS takes a key it does not set; a typo never\n"+
		"matches, but a key newer than iamscope's catalog may be set by AWS: %s\n", clean(strings.Join(keys, ", ")))
}
