package app

// Chat2Desk's webhooks, received where an office server listens (c2desk
// poll --listen). A delivery goes into the same storage path as a poll —
// the same decoder, the same checks, an upsert by message id — so that a
// poll and a webhook bringing one message store it once. Deliveries are
// authenticated by a random secret in the registered URL's path (404 on
// any other), and by the vendor's signature when one comes with them.

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"c2desk/c2dapi"
)

const (
	webhookPath    = "/c2desk/hook/"
	maxWebhookBody = 1 << 20 // a message event is a few kilobytes
	webhookName    = "C2Desk"
	// SafetyNetInterval is how often the poller polls while the stream of
	// deliveries is trusted: it proves nothing was missed.
	SafetyNetInterval = 75 * time.Second
	// webhookCheckEvery is how often the webhook's own status is read
	// (Chat2Desk switches a failing one off).
	webhookCheckEvery = 15 * time.Minute
)

// signatureHeaders and timestampHeaders are where a delivery may carry the
// vendor's signature: its header names are in no public source, so these
// are the likely ones.
var (
	signatureHeaders = []string{"X-Signature", "X-Chat2desk-Signature", "X-Hub-Signature-256", "Signature"}
	timestampHeaders = []string{"X-Timestamp", "X-Chat2desk-Timestamp", "Timestamp"}
)

// Stream receives Chat2Desk's webhooks for the process that polls.
type Stream struct {
	app     *App // the polling App
	secret  string
	base    string // the public address Chat2Desk posts to, without the path
	agree   agreement
	regMu   sync.Mutex
	hookID  c2dapi.ID
	checked time.Time // when the webhook's status was last read
	// done holds the keys of the events stored lately: Chat2Desk's
	// retry of one that was stored (its answer lost) costs nothing.
	doneMu sync.Mutex
	done   map[string]bool
	// fileMu takes deliveries one at a time into a SQLite file, which has
	// one writer anyway: at once, a burst met a busy file (four in ten
	// were answered 500 and came again with Chat2Desk's retry).
	fileMu sync.Mutex
}

// maxDoneKeys bounds done; when full it starts again (a repeat then only
// costs what storing it again costs: it is stored once all the same).
const maxDoneKeys = 10000

// stored reports whether an event with key was stored lately.
func (s *Stream) stored(key string) bool {
	s.doneMu.Lock()
	defer s.doneMu.Unlock()
	return s.done[key]
}

func (s *Stream) markStored(key string) {
	s.doneMu.Lock()
	defer s.doneMu.Unlock()
	if s.done == nil || len(s.done) >= maxDoneKeys {
		s.done = map[string]bool{}
	}
	s.done[key] = true
}

// webhookSecretAccount is the keyring entry of the URL's secret.
func webhookSecretAccount(installation string) string { return "webhook-" + installation }

// NewStream prepares to receive webhooks at publicURL (https://host[:port]
// as Chat2Desk reaches it). The path's secret is kept in the keyring, so
// that the URL stays the same across restarts and Chat2Desk's retries of
// older deliveries still arrive.
func (a *App) NewStream(ctx context.Context, publicURL string) (*Stream, error) {
	pa := a.pollingApp()
	u, err := url.Parse(strings.TrimRight(publicURL, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" {
		return nil, problem(MsgBadPublicURL)
	}
	id, err := pa.store.InstallationID(ctx)
	if err != nil {
		return nil, err
	}
	secret, err := pa.secrets.Get(webhookSecretAccount(id))
	if errors.Is(err, ErrNoToken) {
		b := make([]byte, 24)
		rand.Read(b)
		secret = hex.EncodeToString(b)
		err = pa.secrets.Set(webhookSecretAccount(id), secret)
	}
	if err != nil {
		return nil, err
	}
	s := &Stream{app: pa, secret: secret, base: u.Scheme + "://" + u.Host + strings.TrimRight(u.Path, "/")}
	s.agree.init()
	pa.stream.Store(s)
	return s, nil
}

// MsgBadPublicURL says what --public-url must look like.
const MsgBadPublicURL = "The public address must look like https://c2desk.example.ru (or with a port): the address Chat2Desk can reach this server at."

// pollingApp is the App that polls: a joined server's poller App, or this.
func (a *App) pollingApp() *App {
	if a.poller != nil {
		return a.poller
	}
	return a
}

// url is the address registered with Chat2Desk. It holds the secret:
// never logged, never stored in the database.
func (s *Stream) url() string { return s.base + webhookPath + s.secret }

// ServeHTTP takes one delivery: 404 for any other path, 403 for a bad
// signature, 400 for a body that is no event, 500 when it could not be
// stored (Chat2Desk then retries), 200 when stored or ignored.
func (s *Stream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	got, found := strings.CutPrefix(r.URL.Path, webhookPath)
	if !found || subtle.ConstantTimeCompare([]byte(got), []byte(s.secret)) != 1 {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		http.Error(w, "too large", http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		http.Error(w, "could not read", http.StatusBadRequest)
		return
	}
	if status := s.checkSignature(r.Context(), r.Header, body); status != 0 {
		http.Error(w, http.StatusText(status), status)
		return
	}
	e, err := c2dapi.DecodeEvent(body)
	if err != nil {
		s.app.log.Warn("webhook: a delivery that is no event", "err", err, "bytes", len(body))
		http.Error(w, "not an event", http.StatusBadRequest)
		return
	}
	if !s.app.store.Office() {
		s.fileMu.Lock()
		defer s.fileMu.Unlock()
	}
	if s.stored(e.Key()) {
		w.WriteHeader(http.StatusOK) // a repeat of what is stored
		return
	}
	if err := s.apply(r.Context(), e); err != nil {
		s.app.log.Warn("webhook: could not store an event; Chat2Desk will retry", "event", e.Kind(), "err", err)
		http.Error(w, "could not store", http.StatusInternalServerError)
		return
	}
	s.markStored(e.Key())
	w.WriteHeader(http.StatusOK)
}

// checkSignature verifies the vendor's signature when the delivery has
// one; it returns the status to refuse it with, or 0.
func (s *Stream) checkSignature(ctx context.Context, h http.Header, body []byte) int {
	sig, stamp := firstHeader(h, signatureHeaders), firstHeader(h, timestampHeaders)
	if sig == "" {
		return 0 // the path's secret authenticated it
	}
	tok, err := s.app.token(ctx)
	if err != nil {
		return http.StatusServiceUnavailable
	}
	if !c2dapi.SignatureValid(body, stamp, sig, tok) {
		s.app.log.Warn("webhook: a delivery with a signature that does not verify was refused")
		return http.StatusForbidden
	}
	return 0
}

func firstHeader(h http.Header, names []string) string {
	for _, n := range names {
		if v := h.Get(n); v != "" {
			return v
		}
	}
	return ""
}

// token is the stored API token.
func (a *App) token(ctx context.Context) (string, error) {
	acc, err := a.account(ctx)
	if err != nil {
		return "", err
	}
	return a.secrets.Get(acc)
}

// apply stores what an event says, through what a poll would do.
func (s *Stream) apply(ctx context.Context, e c2dapi.Event) error {
	client, err := s.app.storedClient(ctx)
	if err != nil {
		return err
	}
	switch {
	case e.MessageEvent():
		return s.storeMessage(ctx, client, e)
	case e.Kind() == c2dapi.EventCloseDialog || e.Kind() == c2dapi.EventDialogTransfered || e.Kind() == c2dapi.EventCloseRequest:
		at := e.EventTime.Time
		if at.IsZero() {
			at = s.app.cfg.Now()
		}
		_, err := s.app.mirrorDialog(ctx, client, int64(e.DialogID), at)
		return err
	case e.Kind() == c2dapi.EventNewClient || e.Kind() == c2dapi.EventClientUpdated || e.Kind() == c2dapi.EventAddTag || e.Kind() == c2dapi.EventDeleteTag:
		if e.ClientID <= 0 {
			return nil
		}
		_, err := s.app.fetchClient(ctx, client, int64(e.ClientID))
		return err
	}
	if e.Kind() == c2dapi.EventNewRequest && string(e.Type) == requestRating && e.RequestID > 0 {
		// A rating survey is no chat: the reports leave its messages out.
		return s.app.store.MarkRatingRequest(ctx, int64(e.RequestID), int64(e.DialogID))
	}
	// Other new requests (their messages bring the chat), operator
	// statuses, QR codes and what else Chat2Desk adds: nothing C2Desk shows.
	return nil
}

// requestRating is the type of a new_request that asks a client for a rating.
const requestRating = "rating"

// storeMessage stores a message event's message as a poll would.
func (s *Stream) storeMessage(ctx context.Context, client *c2dapi.Client, e c2dapi.Event) error {
	items, unplaced := placeable([]c2dapi.Message{e.Message()})
	if unplaced > 0 {
		s.app.log.Warn("webhook: a message without its chat or client was left out", "event", e.Kind())
		return nil
	}
	dialogs, msgs, _, err := s.app.prepareMessages(ctx, client, items, nil)
	if err != nil {
		return err
	}
	if err := s.app.store.AddMessages(ctx, dialogs, msgs); err != nil {
		return err
	}
	s.agree.delivered(int64(e.MessageID), s.app.cfg.Now())
	return nil
}

// Register registers the webhook with Chat2Desk, or updates C2Desk's own
// (any webhook at a C2Desk path) rather than adding a second; a webhook
// Chat2Desk switched off is switched on again.
func (s *Stream) Register(ctx context.Context) error {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	client, err := s.app.storedClient(ctx)
	if err != nil {
		return err
	}
	hooks, err := client.Webhooks.List(ctx)
	if err != nil {
		return fmt.Errorf("read the webhooks: %w", err)
	}
	spec := c2dapi.WebhookSpec{URL: s.url(), Name: webhookName, Events: c2dapi.WebhookEvents, Status: c2dapi.WebhookEnabled}
	s.hookID = 0
	for _, h := range hooks {
		if strings.Contains(string(h.URL), webhookPath) && s.hookID == 0 {
			s.hookID = h.ID
		}
	}
	if s.hookID != 0 {
		err = client.Webhooks.Update(ctx, s.hookID, spec)
	} else {
		var h *c2dapi.Webhook
		if h, err = client.Webhooks.Create(ctx, spec); err == nil {
			s.hookID = h.ID
		}
	}
	if err != nil {
		return fmt.Errorf("register the webhook: %w", err)
	}
	s.checked = s.app.cfg.Now()
	s.agree.registered()
	s.app.log.Info("webhook registered", "address", s.base, "id", s.hookID)
	return nil
}

// Unregister removes the webhook from Chat2Desk (on a clean stop, when
// asked): Chat2Desk then has nobody to deliver to.
func (s *Stream) Unregister(ctx context.Context) error {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	if s.hookID == 0 {
		return nil
	}
	client, err := s.app.storedClient(ctx)
	if err != nil {
		return err
	}
	if err := client.Webhooks.Delete(ctx, s.hookID); err != nil {
		return fmt.Errorf("remove the webhook: %w", err)
	}
	s.hookID = 0
	return nil
}
