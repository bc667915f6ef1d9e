package fakeaws

import "net/http"

// protocol is how one service frames answers and errors.
type protocol interface {
	// writeError answers with the service's error of that HTTP status, code and message.
	writeError(q *request, status int, code, message string)
	// writeMalformed answers 200 with a body that does not parse in the protocol.
	writeMalformed(q *request)
}

// serveFault answers with f if it is set, and reports whether it did.
func serveFault(q *request, p protocol, service string, f *Fault) bool {
	if f == nil {
		return false
	}
	switch f.Kind {
	case Hang:
		q.hang()
	case Reset:
		q.reset()
	case Malformed:
		p.writeMalformed(q)
	default:
		status, code := faultError(service, f.Kind)
		p.writeError(q, status, code, "fakeaws: injected "+code)
	}
	return true
}

// faultError returns the HTTP status and error code with which a service serves a fault, as
// the real service spells it.
func faultError(service string, k FaultKind) (int, string) {
	jsonish := service == "kms" || service == "secretsmanager" || service == "organizations" || service == "lambda"
	switch k {
	case AccessDenied:
		switch {
		case service == "sns":
			return http.StatusForbidden, "AuthorizationError"
		case jsonish:
			return http.StatusBadRequest, "AccessDeniedException"
		}
		return http.StatusForbidden, "AccessDenied"
	case Throttle:
		switch {
		case service == "s3" || service == "s3control":
			return http.StatusServiceUnavailable, "SlowDown"
		case service == "lambda":
			return http.StatusTooManyRequests, "TooManyRequestsException"
		case service == "sqs":
			return http.StatusBadRequest, "RequestThrottled"
		case jsonish:
			return http.StatusBadRequest, "ThrottlingException"
		}
		return http.StatusBadRequest, "Throttling"
	case ExpiredToken:
		if jsonish {
			return http.StatusBadRequest, "ExpiredTokenException"
		}
		return http.StatusBadRequest, "ExpiredToken"
	}
	if service == "s3" {
		return http.StatusInternalServerError, "InternalError"
	}
	return http.StatusInternalServerError, "InternalFailure"
}
