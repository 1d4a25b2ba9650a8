package c2dfake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"c2desk/c2dapi"
)

// receiver records deliveries; fail makes it answer 500.
type receiver struct {
	mu     sync.Mutex
	events []c2dapi.Event
	bodies [][]byte
	heads  []http.Header
	fail   bool
	got    chan struct{}
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	fail := rc.fail
	if !fail {
		e, err := c2dapi.DecodeEvent(body)
		if err == nil {
			rc.events = append(rc.events, e)
			rc.bodies = append(rc.bodies, body)
			rc.heads = append(rc.heads, r.Header.Clone())
		}
	}
	rc.mu.Unlock()
	if fail {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	select {
	case rc.got <- struct{}{}:
	default:
	}
}

func (rc *receiver) waitFor(t *testing.T, kind string) c2dapi.Event {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		rc.mu.Lock()
		for _, e := range rc.events {
			if e.Kind() == kind {
				rc.mu.Unlock()
				return e
			}
		}
		rc.mu.Unlock()
		select {
		case <-rc.got:
		case <-deadline:
			t.Fatalf("no %s event delivered", kind)
		}
	}
}

func startHooked(t *testing.T) (*Server, *c2dapi.Client, *receiver, string) {
	t.Helper()
	s, c := start(t)
	t.Cleanup(s.Close)
	rc := &receiver{got: make(chan struct{}, 1)}
	hs := httptest.NewServer(rc)
	t.Cleanup(hs.Close)
	return s, c, rc, hs.URL + "/hook/secret"
}

func TestWebhooksDeliverSignedEvents(t *testing.T) {
	s, c, rc, url := startHooked(t)
	hook, err := c.Webhooks.Create(ctx, c2dapi.WebhookSpec{URL: url, Name: "C2Desk", Events: c2dapi.WebhookEvents})
	if err != nil || hook.ID == 0 || !hook.Enabled() {
		t.Fatalf("create: %+v %v", hook, err)
	}
	client := s.Clients()[0]
	m, _ := s.ClientWrites(client.ID, "Есть ли парковка?")
	e := rc.waitFor(t, c2dapi.EventInbox)
	if e.MessageID != m.ID || e.Message().Type != c2dapi.TypeFromClient || string(e.Text) != "Есть ли парковка?" || e.DialogID != m.DialogID {
		t.Fatalf("inbox event %+v for %+v", e, m)
	}
	if e.EventTime.IsZero() {
		t.Fatal("event_time not read")
	}
	rc.mu.Lock()
	body, head := rc.bodies[0], rc.heads[0]
	rc.mu.Unlock()
	if !c2dapi.SignatureValid(body, head.Get(TimestampHeader), head.Get(SignatureHeader), DemoToken) {
		t.Fatal("delivery's signature does not verify")
	}
	if c2dapi.SignatureValid(body, head.Get(TimestampHeader), head.Get(SignatureHeader), "another-token") {
		t.Fatal("signature verified with another token")
	}
	// A transfer and a close made in Chat2Desk's own app.
	op := s.Operators()[1].ID
	if !s.TransferInApp(m.DialogID, op) || !s.CloseInApp(m.DialogID) {
		t.Fatal("in-app actions refused")
	}
	if tr := rc.waitFor(t, c2dapi.EventDialogTransfered); tr.OperatorID != op || tr.DialogID != m.DialogID {
		t.Fatalf("transfer event %+v", tr)
	}
	if cl := rc.waitFor(t, c2dapi.EventCloseDialog); cl.DialogID != m.DialogID {
		t.Fatalf("close event %+v", cl)
	}
	// The list shows it; an update changes it rather than adding one.
	if err := c.Webhooks.Update(ctx, hook.ID, c2dapi.WebhookSpec{URL: url + "2", Events: []string{c2dapi.EventInbox}}); err != nil {
		t.Fatal(err)
	}
	list, err := c.Webhooks.List(ctx)
	if err != nil || len(list) != 1 || string(list[0].URL) != url+"2" {
		t.Fatalf("list %+v %v", list, err)
	}
	if err := c.Webhooks.Delete(ctx, hook.ID); err != nil || len(s.Webhooks()) != 0 {
		t.Fatalf("delete: %v, %d left", err, len(s.Webhooks()))
	}
}

func TestWebhookRetriedThenSwitchedOff(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s := New(WithClock(clock))
	t.Cleanup(s.Close)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	c, _ := c2dapi.NewClient(hs.URL+"/v1", DemoToken, c2dapi.WithRateLimit(0, 0), c2dapi.WithMaxRetries(0))
	rc := &receiver{got: make(chan struct{}, 1), fail: true}
	recv := httptest.NewServer(rc)
	t.Cleanup(recv.Close)
	s.SetWebhookTiming(WebhookTiming{Retries: []time.Duration{100 * time.Millisecond, 100 * time.Millisecond, time.Second}, OffAfter: 5 * time.Hour})
	if _, err := c.Webhooks.Create(ctx, c2dapi.WebhookSpec{URL: recv.URL, Events: []string{c2dapi.EventInbox}}); err != nil {
		t.Fatal(err)
	}
	client := s.Clients()[0].ID
	s.ClientWrites(client, "one")
	waitUntil(t, func() bool { _, failed := s.Deliveries(); return failed == 4 }) // the first try and three retries
	failedSoFar := func() int { _, failed := s.Deliveries(); return failed }
	// The receiver recovers before the last retry of the next event.
	base := failedSoFar()
	s.ClientWrites(client, "two")
	waitUntil(t, func() bool { return failedSoFar() > base })
	rc.mu.Lock()
	rc.fail = false
	rc.mu.Unlock()
	if e := rc.waitFor(t, c2dapi.EventInbox); string(e.Text) != "two" {
		t.Fatalf("the retry brought %q", e.Text)
	}
	// The fake has taken the answer in (the receiver saw it first).
	waitUntil(t, func() bool { delivered, _ := s.Deliveries(); return delivered == 1 })
	// Failing for five hours, the webhook is switched off.
	rc.mu.Lock()
	rc.fail = true
	rc.mu.Unlock()
	base = failedSoFar()
	s.ClientWrites(client, "three")
	waitUntil(t, func() bool { return failedSoFar() > base })
	mu.Lock()
	now = now.Add(5 * time.Hour)
	mu.Unlock()
	s.ClientWrites(client, "four") // fails too, five hours after the first failure
	waitUntil(t, func() bool { return !s.Webhooks()[0].Enabled() })
	list, _ := c.Webhooks.List(ctx)
	if len(list) != 1 || list[0].Enabled() {
		t.Fatalf("the API still lists the webhook on: %+v", list)
	}
}

func waitUntil(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// The live API's kinds: read and online as 0/1, external_id a number or
// null, operator groups in the envelope, requests' messages and operator
// statuses as bare lists; SetLegacyKinds brings the old forms back.
func TestLiveValueKinds(t *testing.T) {
	s := New()
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	get := func(path string) any {
		req, _ := http.NewRequest(http.MethodGet, hs.URL+"/v1"+path, nil)
		req.Header.Set("Authorization", DemoToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v any
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	first := func(v any) map[string]any { return v.(map[string]any)["data"].([]any)[0].(map[string]any) }
	if read := first(get("/messages?limit=1"))["read"]; read != float64(0) && read != float64(1) {
		t.Fatalf("read sent as %#v", read)
	}
	if online := first(get("/operators"))["online"]; online != float64(1) {
		t.Fatalf("online sent as %#v", online)
	}
	if ext, ok := first(get("/clients"))["external_id"]; !ok || ext != nil {
		t.Fatalf("external_id sent as %#v", ext)
	}
	if _, ok := get("/operators_groups").(map[string]any)["data"]; !ok {
		t.Fatal("operator groups not in the envelope")
	}
	if _, ok := get("/operators/statuses").([]any); !ok {
		t.Fatal("statuses not a bare list")
	}
	m := s.Messages()[0]
	if list, ok := get("/requests/" + m.RequestID.String() + "/messages").([]any); !ok || len(list) == 0 {
		t.Fatalf("request messages: %#v", list)
	}
	if nf := get("/dialogs/1"); nf.(map[string]any)["message"] != "not_found" {
		t.Fatalf("not found answered %#v", nf)
	}
	s.SetLegacyKinds(true)
	if read := first(get("/messages?limit=1"))["read"]; read != true && read != false {
		t.Fatalf("legacy read sent as %#v", read)
	}
	if _, ok := get("/operators_groups").([]any); !ok {
		t.Fatal("legacy operator groups not a bare list")
	}
}
