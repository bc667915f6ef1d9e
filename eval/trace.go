package eval

// Explanation says why a request was decided as it was: for each policy type and policy, which
// statements matched, which did not and why. It maps onto a collapsible "why" tree.
type Explanation struct {
	Decision         Decision `json:"decision"`
	AllowedIf        string   `json:"allowedIf,omitempty"`
	Reason           string   `json:"reason"`
	Principal        string   `json:"principal"`
	PrincipalKind    string   `json:"principalKind"`
	PrincipalAccount string   `json:"principalAccount,omitempty"`
	ResourceAccount  string   `json:"resourceAccount,omitempty"`
	SameAccount      bool     `json:"sameAccount"`
	// Policies lists every policy weighed, in evaluation order: SCPs, RCPs, the resource
	// policy, identity policies, the permission boundary, the session policy.
	Policies []*PolicyTrace `json:"policies"`
	// Unweighed names the policies the decision depends on that could not be read or
	// compiled: the explanation is partial (Result.Unweighed).
	Unweighed []string `json:"unweighed,omitempty"`
	// UnknownKeys names condition keys weighed, and absent from the request, that iamscope does
	// not know (Result.UnknownKeys).
	UnknownKeys []string `json:"unknownKeys,omitempty"`
}

// PolicyTrace is the evaluation of one policy.
type PolicyTrace struct {
	Type  PolicyType `json:"type"`
	Level int        `json:"level,omitempty"` // SCP/RCP organization level, 1 = root
	Name  string     `json:"name"`
	// Skipped says why the policy did not take part (an SCP for a service principal, ...).
	Skipped    string            `json:"skipped,omitempty"`
	Allows     string            `json:"allows"` // "yes", "no" or "if"
	Denies     string            `json:"denies"` // "yes", "no" or "if"
	Statements []*StatementTrace `json:"statements"`
}

// StatementTrace is the evaluation of one statement.
type StatementTrace struct {
	Index  int    `json:"index"`
	Sid    string `json:"sid,omitempty"`
	Effect string `json:"effect"`
	// Result is "match", "no match" or "match if" (open conditions in discovery mode).
	Result string `json:"result"`
	// Decisive marks the statements that decided the request.
	Decisive bool `json:"decisive,omitempty"`
	// Reason says, for a statement that did not match, which element ruled it out.
	Reason          string            `json:"reason,omitempty"`
	ActionMatched   bool              `json:"actionMatched"`
	ResourceMatched bool              `json:"resourceMatched"`
	PrincipalMatch  string            `json:"principalMatch,omitempty"`
	Conditions      []*ConditionTrace `json:"conditions,omitempty"`
	JSON            string            `json:"json,omitempty"`
}

// ConditionTrace is the evaluation of one condition entry.
type ConditionTrace struct {
	Operator      string   `json:"operator"`
	Key           string   `json:"key"`
	Values        []string `json:"values"`
	ContextValues []string `json:"contextValues,omitempty"`
	KeyPresent    bool     `json:"keyPresent"`
	Result        string   `json:"result"` // "true", "false" or "unknown"
}

func yesNoIf(e *Expr) string {
	switch {
	case e.IsTrue():
		return "yes"
	case e.IsFalse():
		return "no"
	}
	return "if"
}
