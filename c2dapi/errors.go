package c2dapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ErrorResponse is a non-success answer of the API. The typed errors below
// embed it; callers use errors.As to pick the kind they handle.
type ErrorResponse struct {
	StatusCode int
	Method     string
	Path       string // path without query or host; never holds the token
	Message    string
	Fields     map[string][]string
}

func (e *ErrorResponse) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.StatusCode, msg)
}

// AuthError means the token is missing, wrong or revoked. Never retried.
type AuthError struct{ ErrorResponse }

// RateLimitError means the short-term request limit was hit.
type RateLimitError struct {
	ErrorResponse
	RetryAfter time.Duration // zero when the server gave no hint
}

// QuotaError means the tariff's monthly request quota is used up.
type QuotaError struct{ ErrorResponse }

// NotFoundError means an unknown id or path.
type NotFoundError struct{ ErrorResponse }

// ValidationError carries the API's complaints about request fields.
type ValidationError struct{ ErrorResponse }

// ServerError is a 5xx answer.
type ServerError struct{ ErrorResponse }

// DecodeError means the answer could not be read as JSON of the expected shape.
type DecodeError struct {
	Err error
}

func (e *DecodeError) Error() string { return "malformed answer from Chat2Desk: " + e.Err.Error() }
func (e *DecodeError) Unwrap() error { return e.Err }

// NetworkError means no answer arrived: no connection, DNS failure or timeout.
type NetworkError struct {
	Method, Path string
	Err          error
}

func (e *NetworkError) Error() string {
	return fmt.Sprintf("%s %s: %v", e.Method, e.Path, e.Err)
}
func (e *NetworkError) Unwrap() error { return e.Err }

// Timeout reports whether the request ran out of time.
func (e *NetworkError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.Is(e.Err, context.DeadlineExceeded) || (errors.As(e.Err, &t) && t.Timeout())
}

// ClientExistsError answers "write first" to a number that is already a
// client: ClientID is that client, to write to instead (0 when Chat2Desk
// did not say which).
type ClientExistsError struct {
	ErrorResponse
	ClientID ID
}

// texts is every text of the answer, message first, lower-cased.
func (e *ErrorResponse) texts() []string {
	out := []string{strings.ToLower(e.Message)}
	for k, vs := range e.Fields {
		for _, v := range vs {
			out = append(out, strings.ToLower(k+" "+v))
		}
	}
	return out
}

// Says reports whether any text of the answer contains substr (any case).
func (e *ErrorResponse) Says(substr string) bool {
	substr = strings.ToLower(substr)
	for _, t := range e.texts() {
		if strings.Contains(t, substr) {
			return true
		}
	}
	return false
}

// errorAnswer is implemented by every typed error that carries an answer.
type errorAnswer interface{ answer() *ErrorResponse }

func (e *ErrorResponse) answer() *ErrorResponse { return e }

// Says reports whether err is an answer of Chat2Desk with a text containing
// substr: the API's only reliable signal for some outcomes.
func Says(err error, substr string) bool {
	var a errorAnswer
	return errors.As(err, &a) && a.answer().Says(substr)
}

// AboutField reports whether err is an answer of Chat2Desk complaining
// about the request field named (such as "operator_id").
func AboutField(err error, field string) bool {
	var a errorAnswer
	return errors.As(err, &a) && a.answer().Fields[field] != nil
}

// classify turns a non-success answer into its typed error. Chat2Desk
// signals errors by text far more reliably than by status (a wrong token
// may come back as 200), so text wins; statuses decide only when no known
// text is there.
func classify(resp *ErrorResponse, header http.Header) error {
	switch {
	case resp.Says("api calls exceeded api limit per month"), resp.Says("limit per month"):
		return &QuotaError{*resp}
	case resp.Says("number of api requests exceeded"):
		return &RateLimitError{ErrorResponse: *resp, RetryAfter: parseRetryAfter(header.Get("Retry-After"))}
	case resp.Says("token is not correct"), resp.Says("you need to auth"), resp.Says("specify your token"):
		return &AuthError{*resp}
	case resp.Says("client already exist"):
		return &ClientExistsError{ErrorResponse: *resp, ClientID: existingClientID(resp)}
	case resp.Says("not_found"), resp.Says("not found"):
		return &NotFoundError{*resp}
	case resp.StatusCode == http.StatusTooManyRequests:
		return &RateLimitError{ErrorResponse: *resp, RetryAfter: parseRetryAfter(header.Get("Retry-After"))}
	case resp.StatusCode == http.StatusUnauthorized:
		return &AuthError{*resp}
	case resp.StatusCode == http.StatusNotFound:
		return &NotFoundError{*resp}
	case len(resp.Fields) > 0,
		resp.StatusCode == http.StatusUnprocessableEntity,
		resp.StatusCode == http.StatusBadRequest:
		return &ValidationError{*resp}
	case resp.StatusCode == http.StatusForbidden:
		// 403 without a known text: the token works but may not do this.
		return &AuthError{*resp}
	case resp.StatusCode >= 500:
		return &ServerError{*resp}
	}
	return resp
}

// existingClientID finds the client Chat2Desk names in "Client already
// exist": a JSON text such as {"id": 123, …} among the error's texts
// (errors.client[1] in the answers seen).
func existingClientID(resp *ErrorResponse) ID {
	for _, vs := range resp.Fields {
		for _, v := range vs {
			v = strings.TrimSpace(v)
			if !strings.HasPrefix(v, "{") {
				continue
			}
			var probe struct {
				ID ID `json:"id"`
			}
			if json.Unmarshal([]byte(v), &probe) == nil && probe.ID > 0 {
				return probe.ID
			}
		}
	}
	return 0
}

func parseRetryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if isDigits(v) {
		var secs int64
		fmt.Sscan(v, &secs)
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}
