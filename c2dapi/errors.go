package c2dapi

import (
	"context"
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

// classify turns a non-success answer into its typed error. Chat2Desk
// signals some errors by text more reliably than by status, so text wins.
func classify(resp *ErrorResponse, header http.Header) error {
	text := strings.ToLower(resp.Message)
	switch {
	case strings.Contains(text, "api calls exceeded api limit per month"),
		strings.Contains(text, "limit per month"):
		return &QuotaError{*resp}
	case strings.Contains(text, "number of api requests exceeded"),
		resp.StatusCode == http.StatusTooManyRequests:
		return &RateLimitError{ErrorResponse: *resp, RetryAfter: parseRetryAfter(header.Get("Retry-After"))}
	case strings.Contains(text, "you need to auth"),
		strings.Contains(text, "specify your token"),
		resp.StatusCode == http.StatusUnauthorized:
		return &AuthError{*resp}
	case strings.Contains(text, "page not found"),
		resp.StatusCode == http.StatusNotFound:
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
