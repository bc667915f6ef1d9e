package eval

import (
	"sort"
	"strings"
)

// Context is a request context: condition keys and their values. Keys are matched
// case-insensitively. A key is single-valued (one string) or multivalued (a list, possibly
// empty), as the request gives it.
type Context struct {
	vals map[string]ContextValue
	// known are lower-cased keys, or prefixes ending in "/", whose absence is a fact rather
	// than a gap: a principal without a tag "team" has no aws:PrincipalTag/team. In discovery
	// mode such a key is absent, not unknown.
	known []string
	// parent holds the keys this context does not set itself: derived contexts are layers
	// (request over principal) so that the principal's keys are built once.
	parent *Context
}

// ContextValue is the value of one context key.
type ContextValue struct {
	Key    string   // as first given
	Values []string // one value for a single-valued key
	Multi  bool

	deleted bool // the key is removed in this layer, whatever a parent holds
}

// NewContext returns an empty context.
func NewContext() *Context { return &Context{vals: map[string]ContextValue{}} }

// Set gives a single-valued key its value.
func (c *Context) Set(key, value string) {
	c.vals[strings.ToLower(key)] = ContextValue{Key: key, Values: []string{value}}
}

// SetMulti gives a multivalued key its values (an empty list is a present, empty key).
func (c *Context) SetMulti(key string, values []string) {
	c.vals[strings.ToLower(key)] = ContextValue{Key: key, Values: values, Multi: true}
}

// Delete removes a key.
func (c *Context) Delete(key string) {
	k := strings.ToLower(key)
	if c.parent != nil {
		c.vals[k] = ContextValue{Key: key, deleted: true}
		return
	}
	delete(c.vals, k)
}

// layer returns an empty context over c: keys set on it hide c's.
func (c *Context) layer() *Context { return &Context{vals: map[string]ContextValue{}, parent: c} }

// Get returns a key's value by its lower-cased name.
func (c *Context) get(lowerKey string) (ContextValue, bool) {
	if c == nil {
		return ContextValue{}, false
	}
	for ; c != nil; c = c.parent {
		if v, ok := c.vals[lowerKey]; ok {
			return v, !v.deleted
		}
	}
	return ContextValue{}, false
}

// MarkKnown declares that a key (or every key under a prefix ending in "/", such as
// "aws:PrincipalTag/") is fully given: absent means absent, even in discovery mode.
func (c *Context) MarkKnown(keyOrPrefix string) {
	c.known = append(c.known, strings.ToLower(keyOrPrefix))
}

// isKnown reports whether an absent lower-cased key is known to be absent.
func (c *Context) isKnown(lowerKey string) bool {
	for ; c != nil; c = c.parent {
		for _, k := range c.known {
			if k == lowerKey || (strings.HasSuffix(k, "/") && strings.HasPrefix(lowerKey, k)) {
				return true
			}
		}
	}
	return false
}

// Get returns a key's value; the key is matched case-insensitively.
func (c *Context) Get(key string) (ContextValue, bool) { return c.get(strings.ToLower(key)) }

// Keys lists the keys as given, sorted.
func (c *Context) Keys() []string {
	if c == nil {
		return nil
	}
	flat := c.Clone()
	out := make([]string, 0, len(flat.vals))
	for _, v := range flat.vals {
		out = append(out, v.Key)
	}
	sort.Strings(out)
	return out
}

// Clone returns an independent, flat copy, for what-ifs that change a key.
func (c *Context) Clone() *Context {
	n := NewContext()
	var layers []*Context
	for l := c; l != nil; l = l.parent {
		layers = append(layers, l)
	}
	for i := len(layers) - 1; i >= 0; i-- {
		for k, v := range layers[i].vals {
			if v.deleted {
				delete(n.vals, k)
				continue
			}
			n.vals[k] = v
		}
		n.known = append(n.known, layers[i].known...)
	}
	return n
}
