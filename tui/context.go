package tui

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/keymap"
	"github.com/iamscope/iamscope/model"
)

// The condition keys the context editor offers by name.
const (
	keyMFA      = "aws:MultiFactorAuthPresent"
	keySourceIP = "aws:SourceIp"
	keyRegion   = "aws:RequestedRegion"
	keyTime     = "aws:CurrentTime"
	keyTLS      = "aws:SecureTransport"
	keyEpoch    = "aws:EpochTime"
	tagPrefix   = "aws:PrincipalTag/"
)

// namedKeys are the keys the header always shows and the editor offers by name.
var namedKeys = []string{keyMFA, keySourceIP, keyRegion, keyTLS, keyTime}

// isNamed reports whether a key is one of namedKeys.
func isNamed(key string) bool {
	for _, k := range namedKeys {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

// requestContext is what the user says about the requests the explorer decides: condition
// keys and their values. Keys it does not set stay open, and a decision that hangs on them is
// "allowed if ...".
type requestContext struct {
	values map[string]string // by key as the user wrote it
}

func (r requestContext) clone() requestContext {
	out := requestContext{values: make(map[string]string, len(r.values))}
	for k, v := range r.values {
		out.values[k] = v
	}
	return out
}

// get returns a key's value, matching the key case-insensitively as IAM does.
func (r requestContext) get(key string) (string, bool) {
	for k, v := range r.values {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return "", false
}

// set gives a key a value, replacing any spelling of the same key.
func (r *requestContext) set(key, value string) {
	r.clear(key)
	if r.values == nil {
		r.values = map[string]string{}
	}
	r.values[key] = value
}

func (r *requestContext) clear(key string) {
	for k := range r.values {
		if strings.EqualFold(k, key) {
			delete(r.values, k)
		}
	}
}

// keys lists the keys set, the named ones first, then the rest sorted.
func (r requestContext) keys() []string {
	order := map[string]int{}
	for i, k := range namedKeys {
		order[strings.ToLower(k)] = i + 1
	}
	out := make([]string, 0, len(r.values))
	for k := range r.values {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		oi, oj := order[strings.ToLower(out[i])], order[strings.ToLower(out[j])]
		if oi == 0 {
			oi = 100
		}
		if oj == 0 {
			oj = 100
		}
		if oi != oj {
			return oi < oj
		}
		return out[i] < out[j]
	})
	return out
}

// eval returns the context to hand the engine; nil when nothing is set. A time also sets
// aws:EpochTime.
func (r requestContext) eval() *eval.Context {
	if len(r.values) == 0 {
		return nil
	}
	c := eval.NewContext()
	for k, v := range r.values {
		c.Set(k, v)
		if strings.EqualFold(k, keyTime) {
			if t, err := time.Parse(time.RFC3339, v); err == nil {
				c.Set(keyEpoch, strconv.FormatInt(t.Unix(), 10))
			}
		}
	}
	return c
}

// programContext is the state every pane shares: the terminal's size and the layout made
// from it, the styles, the key map, the accounts and the engine, the request context and the
// what-ifs in force. The root model owns it and hands the same pointer to every pane.
type programContext struct {
	width, height int
	layout        layout
	styles        *styles
	keys          keymap.KeyMap

	accounts []*model.Account
	base     *eval.Engine // as loaded
	engine   *eval.Engine // with the what-ifs applied; base when there are none
	changes  []eval.Change
	// before is the earlier state's engine (the Changes view), once its diff is in.
	before *eval.Engine
	req    requestContext
	extra  *eval.Context // req.eval(), made once per change
	// strict decides as AWS sees a request: keys the context does not set are absent. By
	// default (discovery) they are unknown, and a decision that hangs on them is "allowed if".
	strict bool

	// epoch counts changes of the context and of the what-ifs: an answer computed in an
	// older epoch is stale and is dropped.
	epoch int
	// nextID numbers asynchronous requests.
	nextID uint64

	now     func() time.Time
	noMouse bool
}

// newID returns a fresh request id.
func (c *programContext) newID() uint64 {
	c.nextID++
	return c.nextID
}

// setRequest replaces the request context and starts a new epoch.
func (c *programContext) setRequest(r requestContext) {
	c.req = r
	c.extra = r.eval()
	c.epoch++
}

// mode is the evaluation mode in force.
func (c *programContext) mode() eval.Mode {
	if c.strict {
		return eval.Strict
	}
	return eval.Discovery
}

// modeName names the mode in force, as the header shows it.
func (c *programContext) modeName() string {
	if c.strict {
		return "strict"
	}
	return "discovery"
}

// setStrict switches between strict and discovery mode and starts a new epoch.
func (c *programContext) setStrict(strict bool) {
	c.strict = strict
	c.epoch++
}

// setEngine installs the engine of a set of what-ifs and starts a new epoch.
func (c *programContext) setEngine(e *eval.Engine, changes []eval.Change) {
	c.engine = e
	c.changes = changes
	c.epoch++
}

// whatIfActive reports whether what-ifs are in force.
func (c *programContext) whatIfActive() bool { return len(c.changes) > 0 }

// mainAccount is the account the explorer opened first.
func (c *programContext) mainAccount() *model.Account {
	if len(c.accounts) == 0 {
		return nil
	}
	return c.accounts[0]
}
