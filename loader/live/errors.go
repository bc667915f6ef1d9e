package live

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"

	"github.com/iamscope/iamscope/model"
)

// Error codes by what they mean to the loader. Services spell the same thing differently.
var (
	// accessDeniedCodes: the caller may not make this call.
	accessDeniedCodes = codeSet("AccessDenied", "AccessDeniedException", "AuthorizationError",
		"UnauthorizedOperation", "UnauthorizedException", "Forbidden", "AllAccessDisabled")
	// credentialCodes: the credentials themselves no longer work; every other call will fail too.
	credentialCodes = codeSet("ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId",
		"UnrecognizedClientException", "InvalidAccessKeyId", "SignatureDoesNotMatch",
		"InvalidSignatureException", "RequestExpired", "TokenRefreshRequired")
)

func codeSet(codes ...string) map[string]bool {
	m := make(map[string]bool, len(codes))
	for _, c := range codes {
		m[c] = true
	}
	return m
}

// errorCode returns the AWS error code of err, or "".
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// hasCode reports whether err is an AWS error with one of the codes.
func hasCode(err error, codes ...string) bool {
	c := errorCode(err)
	for _, want := range codes {
		if c == want {
			return true
		}
	}
	return false
}

// isCredentialError reports whether err says the credentials no longer work.
func isCredentialError(err error) bool { return credentialCodes[errorCode(err)] }

// describe says for people what went wrong with a call, without the SDK's operation prefix
// (the warning's Where names the operation).
func describe(err error) string {
	var ae smithy.APIError
	var de *smithy.DeserializationError
	var me *retry.MaxAttemptsError
	var te *attemptTimeoutError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "not read: the load was stopped before this answered"
	case errors.Is(err, ErrNotReadOnly):
		return err.Error()
	case errors.As(err, &te):
		if errors.As(err, &me) {
			return fmt.Sprintf("timed out: %v, %d times", te, me.Attempt)
		}
		return "timed out: " + te.Error()
	case errors.As(err, &de):
		return "malformed response from AWS: " + trim(de.Error())
	case errors.As(err, &ae):
		code, msg := ae.ErrorCode(), trim(ae.ErrorMessage())
		kind := "failed"
		switch {
		case accessDeniedCodes[code]:
			kind = "access denied"
		case credentialCodes[code]:
			kind = "credentials no longer accepted"
		case retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err).Bool():
			kind = "throttled"
		}
		if errors.As(err, &me) {
			kind += fmt.Sprintf(" (gave up after %d attempts)", me.Attempt)
		}
		if msg == "" {
			return kind + ": " + code
		}
		return kind + ": " + code + ": " + msg
	}
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		return trim(oe.Err.Error())
	}
	return trim(err.Error())
}

// trim bounds a message from AWS to one reasonable line.
func trim(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const max = 400
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}

// gap says what a warning leaves out and which answers that can change: Missing, Scope and
// About of model.Warning.
type gap struct {
	missing string
	scope   model.Scope
	about   string
}

// noDecision is missing data no decision depends on (access keys, the alias).
func noDecision(missing string) gap { return gap{missing, model.ScopeNone, ""} }

// ofAccount is missing data every answer about the account depends on (its SCPs and RCPs).
func ofAccount(missing string) gap { return gap{missing, model.ScopeAccount, ""} }

// ofResource is missing data answers about the resources pattern matches depend on.
func ofResource(missing, pattern string) gap { return gap{missing, model.ScopeResource, pattern} }

// ofPrincipal is missing data answers about a user, group or role depend on.
func ofPrincipal(missing, arn string) gap { return gap{missing, model.ScopePrincipal, arn} }

// ofPolicy is a managed policy's missing version.
func ofPolicy(missing, arn string) gap { return gap{missing, model.ScopePolicy, arn} }

// warning makes the warning for g.
func (g gap) warning(where, message string) model.Warning {
	return model.Warning{Where: where, Message: message, Missing: g.missing, Scope: g.scope, About: g.about}
}

// warn keeps a warning that a call failed: op is the operation ("s3:GetBucketPolicy"),
// resource what it was about ("" when nothing in particular), g what is absent from the
// account because of it. An error that says the credentials no longer work stops the load.
func (r *reader) warn(op, resource string, g gap, err error) {
	where := op
	if resource != "" {
		where += " " + resource
	}
	r.addWarning(g.warning(where, describe(err)))
	if isCredentialError(err) && r.stop != nil {
		r.stop(fmt.Errorf("the credentials stopped working during the load (%s)", errorCode(err)))
	}
}

// addWarning keeps one warning.
func (r *reader) addWarning(w model.Warning) {
	r.mu.Lock()
	r.warns = append(r.warns, w)
	r.mu.Unlock()
}

// warnUnstarted keeps a warning for the items of a stage that were never asked for because
// the load stopped.
func (r *reader) warnUnstarted(ctx context.Context, stage string, started, total int, g gap) {
	if started >= total || ctx.Err() == nil {
		return
	}
	g.missing = fmt.Sprintf("%s (%d not read)", g.missing, total-started)
	r.addWarning(g.warning(stage, fmt.Sprintf("the load stopped after %d of %d (%v)", started, total, context.Cause(ctx))))
}

// loadError is a failure of a call the load cannot do without (the caller's identity, the IAM
// graph): a message for people, naming the call, what went wrong and what to do, and the
// error it wraps.
type loadError struct {
	msg string
	err error
}

func (e *loadError) Error() string { return e.msg }
func (e *loadError) Unwrap() error { return e.err }

// essentialError describes the failure of the essential call op, with what to do about it
// when that is known.
func essentialError(op string, err error) error {
	what := describe(err)
	var te *attemptTimeoutError
	hint := ""
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
	case errors.As(err, &te):
		hint = "; AWS did not answer in time: check the network (a proxy, a VPN, the endpoint) and try again"
	case strings.HasPrefix(what, "throttled"):
		hint = "; AWS is throttling this account's calls: try again in a while"
	case strings.HasPrefix(what, "access denied") && strings.HasPrefix(op, "iam:"):
		hint = "; the caller needs iam:GetAccountAuthorizationDetails (the SecurityAudit and ReadOnlyAccess managed policies grant it)"
	case strings.Contains(what, "credentials"):
		hint = "; are credentials configured for this profile and region? (aws configure, aws sso login, AWS_PROFILE)"
	}
	return &loadError{msg: "live: " + op + ": " + what + hint, err: err}
}
