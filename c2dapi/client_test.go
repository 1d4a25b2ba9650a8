package c2dapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const testToken = "tok-5f3a9c0e1b7d4e2a8c6f"

// setup starts a server with a mux and a client that talks to it without
// rate limiting or real sleeps.
func setup(t *testing.T) (*Client, *http.ServeMux) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL+"/v1", testToken, WithRateLimit(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	c.sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
	return c, mux
}

// handle registers a handler that checks method and auth, then answers body.
func handle(t *testing.T, mux *http.ServeMux, pattern string, check func(r *http.Request), status int, body string) {
	t.Helper()
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != testToken {
			t.Errorf("%s: Authorization = %q, want the raw token", pattern, got)
		}
		if check != nil {
			check(r)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	})
}

func TestNewClientRejectsBadURL(t *testing.T) {
	for _, u := range []string{"ftp://x", "api.chat2desk.com", "http://"} {
		if _, err := NewClient(u, "t"); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
	c, err := NewClient("", "t")
	if err != nil || c.BaseURL() != DefaultBaseURL {
		t.Fatalf("default URL: %v %v", c, err)
	}
}

func TestTokenNeverPrinted(t *testing.T) {
	c, _ := NewClient("", testToken)
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprint(*c)} {
		if strings.Contains(s, testToken) {
			t.Fatalf("token printed: %s", s)
		}
	}
}

func TestErrorClasses(t *testing.T) {
	cases := []struct {
		name   string
		status int
		header map[string]string
		body   string
		check  func(error) bool
	}{
		{"auth by text", 200, nil, `{"status":"error","message":"You need to auth"}`, isType[*AuthError]},
		{"auth by status", 401, nil, `{"status":"error","message":"Unauthorized"}`, isType[*AuthError]},
		{"no token", 400, nil, `{"status":"error","message":"You have to specify your token"}`, isType[*AuthError]},
		{"rate limit text", 200, nil, `{"status":"error","message":"Number of API requests exceeded"}`, isType[*RateLimitError]},
		{"rate limit 429 retry-after", 429, map[string]string{"Retry-After": "7"}, `{"status":"error","message":"Too many"}`, func(err error) bool {
			var rl *RateLimitError
			return errors.As(err, &rl) && rl.RetryAfter == 7*time.Second
		}},
		{"quota", 403, nil, `{"status":"error","message":"API calls exceeded API limit per month"}`, isType[*QuotaError]},
		{"quota wins over 429", 429, nil, `{"status":"error","message":"API calls exceeded API limit per month"}`, isType[*QuotaError]},
		{"not found", 404, nil, `{"status":"error","message":"Page not found"}`, isType[*NotFoundError]},
		{"validation", 400, nil, `{"status":"error","message":"Validation failed","errors":{"phone":["is invalid"]}}`, func(err error) bool {
			var ve *ValidationError
			return errors.As(err, &ve) && ve.Fields["phone"][0] == "is invalid"
		}},
		{"server", 500, nil, `{"status":"error","message":"Internal"}`, isType[*ServerError]},
		{"html error page", 502, nil, `<html><body>Bad gateway</body></html>`, isType[*ServerError]},
		{"malformed", 200, nil, `{"status":"success","data":[{"id":1}`, isType[*DecodeError]},
		{"not json", 200, nil, `<html>hello</html>`, isType[*DecodeError]},
		{"empty", 200, nil, ``, isType[*DecodeError]},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mux := setup(t)
			mux.HandleFunc("/v1/channels", func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			})
			_, err := c.Channels.List(context.Background(), ChannelListOptions{})
			if err == nil || !tc.check(err) {
				t.Fatalf("got %T %v", err, err)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Fatalf("token in error: %v", err)
			}
		})
	}
}

func isType[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}

func TestErrorEchoingTokenIsScrubbed(t *testing.T) {
	c, mux := setup(t)
	handle(t, mux, "/v1/operators", nil, 400, `{"status":"error","message":"bad header Authorization: `+testToken+`"}`)
	_, err := c.Operators.List(context.Background(), ListOptions{})
	if err == nil || strings.Contains(err.Error(), testToken) {
		t.Fatalf("got %v", err)
	}
}

func TestRetriesIdempotentAfterRateLimit(t *testing.T) {
	c, mux := setup(t)
	calls := 0
	mux.HandleFunc("/v1/operators", func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls < 3 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
			io.WriteString(w, `{"status":"error","message":"Number of API requests exceeded"}`)
			return
		}
		io.WriteString(w, `{"status":"success","data":[{"id":1}]}`)
	})
	var waits []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	page, err := c.Operators.List(context.Background(), ListOptions{})
	if err != nil || len(page.Items) != 1 || calls != 3 {
		t.Fatalf("calls %d, %v %v", calls, page, err)
	}
	if len(waits) != 2 || waits[0] != time.Second {
		t.Fatalf("waits %v, want Retry-After honoured", waits)
	}
}

func TestSendIsNeverRetried(t *testing.T) {
	c, mux := setup(t)
	calls := 0
	mux.HandleFunc("/v1/messages", func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.WriteHeader(503)
	})
	c.sleep = func(context.Context, time.Duration) error { return nil }
	if _, err := c.Messages.Send(context.Background(), OutgoingMessage{ClientID: 1, Text: "hi"}); !isType[*ServerError](err) {
		t.Fatalf("got %v", err)
	}
	if calls != 1 {
		t.Fatalf("send tried %d times", calls)
	}
}

func TestTimeoutIsNetworkError(t *testing.T) {
	c, mux := setup(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	mux.HandleFunc("/v1/channels", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Channels.List(ctx, ChannelListOptions{})
	var ne *NetworkError
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("got %T %v", err, err)
	}
}

func TestUnreachableIsNetworkError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c, _ := NewClient(url, testToken, WithRateLimit(0, 0))
	_, err := c.Info.Get(context.Background())
	var ne *NetworkError
	if !errors.As(err, &ne) || ne.Timeout() {
		t.Fatalf("got %T %v", err, err)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Fatal("token in error")
	}
}

func TestRateLimiterSpacesRequests(t *testing.T) {
	c, mux := setup(t)
	handle(t, mux, "/v1/channels", nil, 200, `{"status":"success","data":[]}`)
	WithRateLimit(1000, 1)(c) // 1 ms apart: observable, yet fast
	n := 0
	for range 5 {
		if _, err := c.Channels.List(context.Background(), ChannelListOptions{}); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if c.limiter.Limit() != 1000 || n != 5 {
		t.Fatal("limiter not applied")
	}
	// A cancelled context stops the wait instead of sending.
	WithRateLimit(0.001, 1)(c)
	c.limiter.Allow()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Channels.List(ctx, ChannelListOptions{}); !isType[*NetworkError](err) {
		t.Fatalf("got %v", err)
	}
}

func decodeBody(t *testing.T, r *http.Request) map[string]any {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var m map[string]any
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}
