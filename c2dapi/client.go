// Package c2dapi is a typed client of the Chat2Desk HTTP API v1.
//
// Every call takes a context, waits for the client-side rate limiter, and
// returns typed errors (AuthError, RateLimitError, QuotaError, NotFoundError,
// ValidationError, ServerError, DecodeError, NetworkError). The token is sent
// only in the Authorization header and never appears in errors or printouts.
package c2dapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// DefaultBaseURL is the public Chat2Desk API, version included.
const DefaultBaseURL = "https://api.chat2desk.com/v1"

// Defaults for a client made without options.
const (
	DefaultRequestsPerSecond = 5 // tariff limits are unpublished; 5/s is a safe guess
	DefaultTimeout           = 30 * time.Second
	DefaultMaxRetries        = 3
	maxBodyBytes             = 32 << 20
)

// Client talks to one Chat2Desk account.
type Client struct {
	base       *url.URL
	token      token
	httpClient *http.Client
	limiter    *rate.Limiter
	maxRetries int
	userAgent  string
	sleep      func(ctx context.Context, d time.Duration) error

	Info      *InfoService
	Channels  *ChannelsService
	Operators *OperatorsService
	Clients   *ClientsService
	Messages  *MessagesService
	Dialogs   *DialogsService
	Templates *TemplatesService
	// OperatorGroups lists the groups requests can be transferred to.
	OperatorGroups *OperatorGroupsService
	Tags           *TagsService
	CustomFields   *CustomFieldsService
	Requests       *RequestsService
	// Webhooks registers the addresses Chat2Desk posts its events to.
	Webhooks *WebhooksService
}

// token hides itself from fmt so that a Client printed by accident, in a log
// or a panic, does not reveal it.
type token string

func (token) String() string   { return "[redacted]" }
func (token) GoString() string { return "[redacted]" }

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client (its Timeout bounds every request).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.httpClient = h } }

// WithRateLimit sets the client-side limit; perSecond <= 0 disables it.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(c *Client) {
		if perSecond <= 0 {
			c.limiter = rate.NewLimiter(rate.Inf, 1)
			return
		}
		if burst < 1 {
			burst = 1
		}
		c.limiter = rate.NewLimiter(rate.Limit(perSecond), burst)
	}
}

// WithMaxRetries sets how often an idempotent call is retried after a rate
// limit or a gateway error.
func WithMaxRetries(n int) Option { return func(c *Client) { c.maxRetries = n } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// NewClient makes a client for the API at baseURL (version included, e.g.
// DefaultBaseURL) with the given token.
func NewClient(baseURL, tok string, opts ...Option) (*Client, error) {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("API address %q is not an http(s) URL", baseURL)
	}
	c := &Client{
		base:       u,
		token:      token(strings.TrimSpace(tok)),
		httpClient: &http.Client{Timeout: DefaultTimeout},
		limiter:    rate.NewLimiter(DefaultRequestsPerSecond, 1),
		maxRetries: DefaultMaxRetries,
		userAgent:  "C2Desk",
		sleep:      sleepCtx,
	}
	for _, o := range opts {
		o(c)
	}
	c.Info = &InfoService{c}
	c.Channels = &ChannelsService{c}
	c.Operators = &OperatorsService{c}
	c.Clients = &ClientsService{c}
	c.Messages = &MessagesService{c}
	c.Dialogs = &DialogsService{c}
	c.Templates = &TemplatesService{c}
	c.OperatorGroups = &OperatorGroupsService{c}
	c.Tags = &TagsService{c}
	c.CustomFields = &CustomFieldsService{c}
	c.Requests = &RequestsService{c}
	c.Webhooks = &WebhooksService{c}
	return c, nil
}

// String and GoString keep the token out of any printout of a Client: fmt
// reads unexported fields by reflection, bypassing token's own String.
func (c Client) String() string   { return "c2dapi.Client{" + c.base.String() + "}" }
func (c Client) GoString() string { return c.String() }

// BaseURL is the API address the client talks to.
func (c *Client) BaseURL() string { return c.base.String() }

// do sends one request and decodes the envelope. Idempotent calls are
// retried after rate limits and gateway errors, waiting as the server asks.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body any) (*envelope, error) {
	idempotent := method == http.MethodGet
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("encode %s %s: %w", method, path, err)
		}
	}
	for attempt := 0; ; attempt++ {
		env, err := c.once(ctx, method, path, query, payload)
		if err == nil || !idempotent || attempt >= c.maxRetries {
			return env, err
		}
		wait, retry := retryDelay(err, attempt)
		if !retry {
			return nil, err
		}
		if serr := c.sleep(ctx, wait); serr != nil {
			return nil, err
		}
	}
}

// retryDelay says whether and how long to wait before retrying after err.
func retryDelay(err error, attempt int) (time.Duration, bool) {
	backoff := time.Second << attempt
	var rl *RateLimitError
	if errors.As(err, &rl) {
		if rl.RetryAfter > 0 {
			return min(rl.RetryAfter, time.Minute), true
		}
		return backoff, true
	}
	var se *ServerError
	if errors.As(err, &se) && (se.StatusCode == http.StatusBadGateway ||
		se.StatusCode == http.StatusServiceUnavailable || se.StatusCode == http.StatusGatewayTimeout) {
		return backoff, true
	}
	return 0, false
}

func (c *Client) once(ctx context.Context, method, path string, query url.Values, payload []byte) (*envelope, error) {
	if err := c.limiter.Wait(ctx); err != nil {
		return nil, &NetworkError{Method: method, Path: path, Err: err}
	}
	u := *c.base
	u.Path = c.base.Path + path
	u.RawQuery = query.Encode()
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("build %s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", string(c.token))
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return nil, &NetworkError{Method: method, Path: path, Err: stripURL(err)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
	if err != nil {
		return nil, &NetworkError{Method: method, Path: path, Err: stripURL(err)}
	}
	return c.parse(method, path, resp, raw)
}

func (c *Client) parse(method, path string, resp *http.Response, raw []byte) (*envelope, error) {
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	body := bytes.TrimSpace(raw)
	if ok && len(body) > 0 && body[0] == '[' {
		// A bare list, as /requests/{id}/messages and /operators/statuses
		// answer: the list is the data.
		if !json.Valid(body) {
			return nil, &DecodeError{Err: fmt.Errorf("%s %s: the list is not valid JSON", method, path)}
		}
		return &envelope{Status: "success", Data: body}, nil
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		// Not an envelope: a proxy's HTML, plain text, a bare "not_found".
		// A known error text still says what happened, whatever the status.
		er := &ErrorResponse{StatusCode: resp.StatusCode, Method: method, Path: path, Message: c.scrub(excerpt(raw))}
		typed := classify(er, resp.Header)
		if _, plain := typed.(*ErrorResponse); ok && plain {
			return nil, &DecodeError{Err: fmt.Errorf("%s %s: %w", method, path, err)}
		}
		return nil, typed
	}
	failed := env.failed()
	if ok && failed == nil {
		return &env, nil
	}
	if failed == nil {
		failed = &env
	}
	er := &ErrorResponse{StatusCode: resp.StatusCode, Method: method, Path: path, Message: c.scrub(string(failed.Message))}
	if fields := errorFields(failed.Errors); len(fields) > 0 {
		er.Fields = make(map[string][]string, len(fields))
		for k, v := range fields {
			for i := range v {
				v[i] = c.scrub(v[i])
			}
			er.Fields[c.scrub(k)] = v
		}
		if er.Message == "" {
			er.Message = "validation failed"
		}
	}
	return nil, classify(er, resp.Header)
}

// failed returns the part of an answer that reports an error, or nil for
// a success: a status of "error", an error nested in data (data.status is
// "error"), or no status and no data but an error text. "success", "ok"
// and an answer without status that carries data are successes.
func (env *envelope) failed() *envelope {
	status := strings.ToLower(strings.TrimSpace(string(env.Status)))
	if status == "error" || strings.HasPrefix(status, "fail") {
		return env
	}
	var inner envelope
	if len(env.Data) > 0 && env.Data[0] == '{' && json.Unmarshal(env.Data, &inner) == nil {
		// Records have a status of their own (a message's "failed"
		// delivery), so only an "error" with its text is an error.
		if strings.EqualFold(string(inner.Status), "error") && (inner.Message != "" || len(errorFields(inner.Errors)) > 0) {
			return &inner
		}
	}
	noData := len(env.Data) == 0 || string(env.Data) == "null"
	if status == "" && noData && (env.Message != "" || len(errorFields(env.Errors)) > 0) {
		return env
	}
	return nil
}

// stripURL drops the request URL from a transport error. The token is never
// in the URL, but query values can be long and are not the point.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// scrub removes the token from text the server sent back, in case an error
// page echoes the request.
func (c *Client) scrub(s string) string {
	if len(c.token) < 4 {
		return s
	}
	return strings.ReplaceAll(s, string(c.token), "[redacted]")
}

func excerpt(raw []byte) string {
	s := strings.Join(strings.Fields(string(raw)), " ")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
