package eval

import (
	"sort"
	"strings"
)

// Expr is a boolean formula over open conditions: what must hold for a statement, a policy
// set or a whole request to come out a certain way. In strict mode every formula folds to True
// or False; in discovery mode conditions on keys the request did not give stay open as leaves,
// so an answer can say "allowed if aws:MultiFactorAuthPresent is true".
type Expr struct {
	op   exprOp
	args []*Expr
	leaf *OpenCondition
}

type exprOp uint8

const (
	opFalse exprOp = iota
	opTrue
	opLeaf
	opAnd
	opOr
	opNot
)

// The two constant formulas. Operations on constants fold without allocating.
var (
	True  = &Expr{op: opTrue}
	False = &Expr{op: opFalse}
)

// OpenCondition is a condition whose outcome the request context cannot decide: the key it
// tests was not given.
type OpenCondition struct {
	PolicyType PolicyType `json:"policyType"`
	Policy     string     `json:"policy"`
	Statement  int        `json:"statement"`
	Sid        string     `json:"sid,omitempty"`
	Operator   string     `json:"operator"`
	Key        string     `json:"key"`
	Values     []string   `json:"values"`
}

// String renders the condition as `Operator Key [values]`.
func (c *OpenCondition) String() string {
	return c.Operator + " " + c.Key + " [" + strings.Join(c.Values, ", ") + "]"
}

// Leaf is a formula of one open condition.
func Leaf(c *OpenCondition) *Expr { return &Expr{op: opLeaf, leaf: c} }

// Bool returns the constant formula for b.
func Bool(b bool) *Expr {
	if b {
		return True
	}
	return False
}

// IsTrue reports whether the formula is the constant True.
func (e *Expr) IsTrue() bool { return e.op == opTrue }

// IsFalse reports whether the formula is the constant False.
func (e *Expr) IsFalse() bool { return e.op == opFalse }

// IsOpen reports whether the formula still depends on open conditions.
func (e *Expr) IsOpen() bool { return e.op != opTrue && e.op != opFalse }

// And is the conjunction of a and b.
func And(a, b *Expr) *Expr {
	switch {
	case a.op == opFalse || b.op == opFalse:
		return False
	case a.op == opTrue:
		return b
	case b.op == opTrue:
		return a
	}
	return &Expr{op: opAnd, args: flatten(opAnd, a, b)}
}

// Or is the disjunction of a and b.
func Or(a, b *Expr) *Expr {
	switch {
	case a.op == opTrue || b.op == opTrue:
		return True
	case a.op == opFalse:
		return b
	case b.op == opFalse:
		return a
	}
	return &Expr{op: opOr, args: flatten(opOr, a, b)}
}

// Not is the negation of a.
func Not(a *Expr) *Expr {
	switch a.op {
	case opTrue:
		return False
	case opFalse:
		return True
	case opNot:
		return a.args[0]
	}
	return &Expr{op: opNot, args: []*Expr{a}}
}

func flatten(op exprOp, a, b *Expr) []*Expr {
	var out []*Expr
	for _, e := range []*Expr{a, b} {
		if e.op == op {
			out = append(out, e.args...)
		} else {
			out = append(out, e)
		}
	}
	return out
}

// Conditions lists the distinct open conditions the formula depends on, in a stable order.
func (e *Expr) Conditions() []*OpenCondition {
	seen := map[*OpenCondition]bool{}
	var out []*OpenCondition
	var walk func(*Expr)
	walk = func(x *Expr) {
		if x.op == opLeaf {
			if !seen[x.leaf] {
				seen[x.leaf] = true
				out = append(out, x.leaf)
			}
			return
		}
		for _, a := range x.args {
			walk(a)
		}
	}
	walk(e)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// String renders the formula for people: `A and (B or not C)`.
func (e *Expr) String() string {
	switch e.op {
	case opTrue:
		return "true"
	case opFalse:
		return "false"
	case opLeaf:
		return e.leaf.String()
	case opNot:
		if inv, ok := e.args[0].inverted(); ok {
			return inv.String()
		}
		return "not " + e.args[0].group()
	}
	sep := " and "
	if e.op == opOr {
		sep = " or "
	}
	parts := make([]string, len(e.args))
	for i, a := range e.args {
		parts[i] = a.group()
	}
	return strings.Join(parts, sep)
}

func (e *Expr) group() string {
	shown := e
	if e.op == opNot {
		if inv, ok := e.args[0].inverted(); ok {
			shown = inv
		}
	}
	if shown.op == opAnd || shown.op == opOr {
		return "(" + shown.String() + ")"
	}
	return shown.String()
}

// invertedOps pairs each condition operator with its opposite. For these, without IfExists
// or a set operator, "not (StringNotEquals k v)" holds exactly when "StringEquals k v" does,
// present key or absent (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html):
// a positive operator is false on an absent key and its negated twin true.
var invertedOps = map[string]string{}

func init() {
	for _, pair := range [][2]string{
		{"StringEquals", "StringNotEquals"}, {"StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"},
		{"StringLike", "StringNotLike"}, {"NumericEquals", "NumericNotEquals"}, {"DateEquals", "DateNotEquals"},
		{"IpAddress", "NotIpAddress"}, {"ArnEquals", "ArnNotEquals"}, {"ArnLike", "ArnNotLike"},
	} {
		invertedOps[pair[0]], invertedOps[pair[1]] = pair[1], pair[0]
	}
}

// inverted returns the formula's negation written without "not", where that can be done
// exactly: a leaf whose operator has an opposite, and and/or of such (De Morgan).
func (e *Expr) inverted() (*Expr, bool) {
	switch e.op {
	case opLeaf:
		op, ok := invertedOps[e.leaf.Operator]
		if !ok {
			return nil, false
		}
		c := *e.leaf
		c.Operator = op
		return Leaf(&c), true
	case opNot:
		return e.args[0], true
	case opAnd, opOr:
		out := &Expr{op: opOr, args: make([]*Expr, len(e.args))}
		if e.op == opOr {
			out.op = opAnd
		}
		for i, a := range e.args {
			inv, ok := a.inverted()
			if !ok {
				return nil, false
			}
			out.args[i] = inv
		}
		return out, true
	}
	return nil, false
}
