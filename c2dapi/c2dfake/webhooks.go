package c2dfake

// Webhooks as Chat2Desk runs them: registered by the API, each event
// posted to every enabled webhook that asked for it, signed, retried
// three times (10 s, 5 min, 2 h) and switched off after about five hours
// of failures. Deliveries run in the background: Close stops them.

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"c2desk/c2dapi"
)

// Headers the fake signs its deliveries with. The vendor's header names
// are in no public source (c2d-api.md); these are the fake's.
const (
	SignatureHeader = "X-Signature"
	TimestampHeader = "X-Timestamp"
)

// WebhookTiming is how deliveries are retried and when a failing webhook
// is switched off; tests shorten Chat2Desk's.
type WebhookTiming struct {
	Retries  []time.Duration // waits before each retry
	OffAfter time.Duration   // failing this long, a webhook is switched off
	// RawKey signs with the md5's bytes rather than its hex text.
	RawKey bool
}

// ChatDeskTiming is Chat2Desk's own.
var ChatDeskTiming = WebhookTiming{Retries: []time.Duration{10 * time.Second, 5 * time.Minute, 2 * time.Hour}, OffAfter: 5 * time.Hour}

type webhook struct {
	c2dapi.Webhook
	failingSince time.Time // zero while deliveries succeed
}

// hookState is the server's webhook machinery.
type hookState struct {
	hooks     []*webhook
	nextID    c2dapi.ID
	timing    WebhookTiming
	client    *http.Client
	pending   []func() (string, map[string]any) // events to build once the lock is free
	kick      chan struct{}
	stop      context.CancelFunc
	delivered int    // deliveries answered 2xx
	failed    int    // attempts that failed
	token     string // deliveries are signed with it; DemoToken unless set
}

// SetWebhookTiming changes the retry waits and the switch-off time.
func (s *Server) SetWebhookTiming(t WebhookTiming) { s.mu.Lock(); s.hooks.timing = t; s.mu.Unlock() }

// SetWebhookClient sets the HTTP client deliveries go through (one that
// trusts a test's certificate).
func (s *Server) SetWebhookClient(c *http.Client) { s.mu.Lock(); s.hooks.client = c; s.mu.Unlock() }

// Webhooks returns a copy of the registered webhooks.
func (s *Server) Webhooks() []c2dapi.Webhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhooksLocked()
}

func (s *Server) webhooksLocked() []c2dapi.Webhook {
	out := make([]c2dapi.Webhook, len(s.hooks.hooks))
	for i, h := range s.hooks.hooks {
		out[i] = h.Webhook
	}
	return out
}

// Deliveries is how many deliveries succeeded and how many attempts failed.
func (s *Server) Deliveries() (delivered, failed int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hooks.delivered, s.hooks.failed
}

// Close stops the deliveries still running or waiting to retry.
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hooks.stop != nil {
		s.hooks.stop()
	}
}

func (s *Server) webhookRoute(w http.ResponseWriter, r *http.Request, seg []string) {
	switch {
	case r.Method == http.MethodGet && len(seg) == 1:
		writePage(w, r, s.webhooksLocked())
	case r.Method == http.MethodPost && len(seg) == 1:
		s.createWebhook(w, r)
	case (r.Method == http.MethodPut || r.Method == http.MethodDelete) && len(seg) == 2:
		id := parseID(seg[1])
		i := slices.IndexFunc(s.hooks.hooks, func(h *webhook) bool { return h.ID == id })
		if i < 0 {
			writeError(w, http.StatusOK, "not_found", nil)
			return
		}
		if r.Method == http.MethodDelete {
			s.hooks.hooks = slices.Delete(s.hooks.hooks, i, i+1)
			writeJSON(w, http.StatusOK, map[string]any{"status": "success"})
			return
		}
		var spec c2dapi.WebhookSpec
		if json.NewDecoder(r.Body).Decode(&spec) != nil || !validHookURL(spec.URL) {
			writeError(w, http.StatusBadRequest, "Validation failed", map[string][]string{"url": {"is invalid"}})
			return
		}
		h := s.hooks.hooks[i]
		h.URL, h.Events, h.Channels = c2dapi.String(spec.URL), spec.Events, spec.Channels
		if spec.Name != "" {
			h.Name = c2dapi.String(spec.Name)
		}
		if spec.Status != "" {
			h.Status = c2dapi.String(spec.Status)
		}
		if h.Enabled() {
			h.failingSince = time.Time{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"status": "success"})
	default:
		notFound(w)
	}
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) {
	var spec c2dapi.WebhookSpec
	if json.NewDecoder(r.Body).Decode(&spec) != nil || !validHookURL(spec.URL) {
		writeError(w, http.StatusBadRequest, "Validation failed", map[string][]string{"url": {"is invalid"}})
		return
	}
	if len(s.hooks.hooks) >= c2dapi.MaxWebhooks {
		writeError(w, http.StatusBadRequest, "Validation failed", map[string][]string{"webhooks": {"maximum 5 webhooks"}})
		return
	}
	if s.hooks.nextID == 0 {
		s.hooks.nextID = 301
	}
	h := &webhook{Webhook: c2dapi.Webhook{ID: s.hooks.nextID, URL: c2dapi.String(spec.URL), Name: c2dapi.String(spec.Name),
		Events: spec.Events, Channels: spec.Channels, Status: c2dapi.WebhookEnabled}}
	s.hooks.nextID++
	s.hooks.hooks = append(s.hooks.hooks, h)
	s.startDeliveriesLocked()
	writeData(w, h.Webhook)
}

func validHookURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// startDeliveriesLocked starts the goroutine that builds and posts events.
func (s *Server) startDeliveriesLocked() {
	if s.hooks.kick != nil {
		return
	}
	s.hooks.kick = make(chan struct{}, 1)
	var ctx context.Context
	ctx, s.hooks.stop = context.WithCancel(context.Background())
	if s.hooks.timing.Retries == nil {
		s.hooks.timing = ChatDeskTiming
	}
	go s.dispatch(ctx, s.hooks.kick)
}

// emitLocked queues an event, built when the lock is next free (the
// change that caused it may still be under way): build returns its kind
// and body.
func (s *Server) emitLocked(build func() (string, map[string]any)) {
	if len(s.hooks.hooks) == 0 || s.hooks.kick == nil {
		return
	}
	s.hooks.pending = append(s.hooks.pending, build)
	select {
	case s.hooks.kick <- struct{}{}:
	default:
	}
}

// dispatch builds the queued events and starts their deliveries.
func (s *Server) dispatch(ctx context.Context, kick <-chan struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-kick:
		}
		s.mu.Lock()
		pending := s.hooks.pending
		s.hooks.pending = nil
		type job struct {
			hook *webhook
			body []byte
		}
		var jobs []job
		for _, build := range pending {
			kind, body := build()
			body["hook_type"] = kind
			body["event_time"] = s.now().UTC().Format("2006-01-02T15:04:05.000000Z")
			raw, _ := json.Marshal(body)
			for _, h := range s.hooks.hooks {
				if h.Enabled() && slices.Contains(h.Events, kind) && (len(h.Channels) == 0 || slices.Contains(h.Channels, c2dapi.ID(asInt(body["channel_id"])))) {
					jobs = append(jobs, job{h, raw})
				}
			}
		}
		s.mu.Unlock()
		for _, j := range jobs {
			go s.deliver(ctx, j.hook, j.body)
		}
	}
}

func asInt(v any) int64 {
	switch x := v.(type) {
	case c2dapi.ID:
		return int64(x)
	case int64:
		return x
	case int:
		return int64(x)
	}
	return 0
}

// deliver posts one event, retrying as Chat2Desk does.
func (s *Server) deliver(ctx context.Context, h *webhook, body []byte) {
	s.mu.Lock()
	retries := slices.Clone(s.hooks.timing.Retries)
	s.mu.Unlock()
	for attempt := 0; ; attempt++ {
		if s.post(ctx, h, body) {
			return
		}
		if attempt >= len(retries) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(retries[attempt]):
		}
	}
}

// post makes one attempt; it reports whether the webhook took the event.
func (s *Server) post(ctx context.Context, h *webhook, body []byte) bool {
	s.mu.Lock()
	url, on, client, tok := string(h.URL), h.Enabled(), s.hooks.client, s.signingTokenLocked()
	rawKey := s.hooks.timing.RawKey
	s.mu.Unlock()
	if !on {
		return true // switched off: Chat2Desk delivers no more
	}
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	key := c2dapi.SigningKey(tok, rawKey)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return true
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(TimestampHeader, stamp)
	req.Header.Set(SignatureHeader, hex.EncodeToString(c2dapi.Sign(body, stamp, key)))
	resp, err := client.Do(req)
	ok := err == nil && resp.StatusCode >= 200 && resp.StatusCode < 300
	if err == nil {
		resp.Body.Close()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ok {
		s.hooks.delivered++
		h.failingSince = time.Time{}
		return true
	}
	s.hooks.failed++
	now := s.now()
	if h.failingSince.IsZero() {
		h.failingSince = now
	} else if now.Sub(h.failingSince) >= s.hooks.timing.OffAfter {
		h.Status = c2dapi.WebhookDisabled
	}
	return false
}

// SetSigningToken sets the token deliveries are signed with (the
// account's token; DemoToken unless set).
func (s *Server) SetSigningToken(t string) { s.mu.Lock(); s.hooks.token = t; s.mu.Unlock() }

func (s *Server) signingTokenLocked() string {
	if s.hooks.token == "" {
		return DemoToken
	}
	return s.hooks.token
}
