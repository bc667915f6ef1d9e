package eval

import (
	"sort"
	"strings"
)

// Context is a request context: condition keys and their values. Keys are matched
// case-insensitively. A key is single-valued (one string) or multivalued (a list, possibly
// empty), as the request gives it.
type Context struct {
	// entries are the keys this layer sets, lower-cased, in the order first set: a request
	// gives a handful, so a list is cheaper to build and search than a map; index finds them
	// once there are many.
	entries []contextEntry
	index   map[string]int
	// known are lower-cased keys, or prefixes ending in "/", whose absence is a fact rather
	// than a gap: a principal without a tag "team" has no aws:PrincipalTag/team. In discovery
	// mode such a key is absent, not unknown.
	known []string
	// parent holds the keys this context does not set itself: derived contexts are layers
	// (request over principal) so that the principal's keys are built once.
	parent *Context
	// rev counts the changes made to this layer (a key set or removed, one marked known):
	// what is derived from a context is kept only as long as it stands.
	rev uint64
}

// contextEntry is one key of a context layer.
type contextEntry struct {
	lower string
	v     ContextValue
}

// indexAbove is how many keys a layer holds before it keeps an index of them.
const indexAbove = 16

// find returns where a lower-cased key is in this layer.
func (c *Context) find(lower string) (int, bool) {
	if c.index != nil {
		i, ok := c.index[lower]
		return i, ok
	}
	for i := range c.entries {
		if c.entries[i].lower == lower {
			return i, true
		}
	}
	return 0, false
}

// put sets a lower-cased key in this layer.
func (c *Context) put(lower string, v ContextValue) {
	c.rev++
	if i, ok := c.find(lower); ok {
		c.entries[i].v = v
		return
	}
	c.entries = append(c.entries, contextEntry{lower, v})
	switch {
	case c.index != nil:
		c.index[lower] = len(c.entries) - 1
	case len(c.entries) > indexAbove:
		c.index = make(map[string]int, 2*len(c.entries))
		for i, e := range c.entries {
			c.index[e.lower] = i
		}
	}
}

// remove takes a lower-cased key out of this layer.
func (c *Context) remove(lower string) {
	c.rev++
	i, ok := c.find(lower)
	if !ok {
		return
	}
	c.entries = append(c.entries[:i], c.entries[i+1:]...)
	if c.index != nil {
		delete(c.index, lower)
		for j := i; j < len(c.entries); j++ {
			c.index[c.entries[j].lower] = j
		}
	}
}

// ContextValue is the value of one context key.
type ContextValue struct {
	Key    string   // as first given
	Values []string // one value for a single-valued key
	Multi  bool

	deleted bool // the key is removed in this layer, whatever a parent holds
}

// NewContext returns an empty context.
func NewContext() *Context { return &Context{} }

// Set gives a single-valued key its value.
func (c *Context) Set(key, value string) {
	c.put(strings.ToLower(key), ContextValue{Key: key, Values: []string{value}})
}

// setLower is Set for a key whose lower-cased form is given.
func (c *Context) setLower(lower, key, value string) {
	c.put(lower, ContextValue{Key: key, Values: []string{value}})
}

// SetMulti gives a multivalued key its values (an empty list is a present, empty key).
func (c *Context) SetMulti(key string, values []string) {
	c.put(strings.ToLower(key), ContextValue{Key: key, Values: values, Multi: true})
}

// Delete removes a key.
func (c *Context) Delete(key string) {
	k := strings.ToLower(key)
	if c.parent != nil {
		c.put(k, ContextValue{Key: key, deleted: true})
		return
	}
	c.remove(k)
}

// layer returns an empty context over c: keys set on it hide c's.
func (c *Context) layer() *Context { return &Context{parent: c} }

// Get returns a key's value by its lower-cased name.
func (c *Context) get(lowerKey string) (ContextValue, bool) {
	if c == nil {
		return ContextValue{}, false
	}
	for ; c != nil; c = c.parent {
		if i, ok := c.find(lowerKey); ok {
			v := c.entries[i].v
			return v, !v.deleted
		}
	}
	return ContextValue{}, false
}

// MarkKnown declares that a key (or every key under a prefix ending in "/", such as
// "aws:PrincipalTag/") is fully given: absent means absent, even in discovery mode.
func (c *Context) MarkKnown(keyOrPrefix string) {
	c.rev++
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
	out := make([]string, 0, len(flat.entries))
	for _, e := range flat.entries {
		out = append(out, e.v.Key)
	}
	sort.Strings(out)
	return out
}

// Over returns a flat context with c's keys set over base's (either may be nil): a step's own
// keys (iam:PassedToService) over the request's.
func (c *Context) Over(base *Context) *Context {
	out := base.Clone()
	flat := c.Clone()
	for _, e := range flat.entries {
		out.put(e.lower, e.v)
	}
	out.known = append(out.known, flat.known...)
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
		for _, e := range layers[i].entries {
			if e.v.deleted {
				n.remove(e.lower)
				continue
			}
			n.put(e.lower, e.v)
		}
		n.known = append(n.known, layers[i].known...)
	}
	return n
}
