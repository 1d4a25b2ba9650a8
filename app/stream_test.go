package app

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"c2desk/c2dapi"
	"c2desk/c2dapi/c2dfake"
	"c2desk/storage"
)

// hooked is an env whose App listens for webhooks, registered with the
// fake, after the first load of history.
type hooked struct {
	*env
	stream *Stream
	hs     *httptest.Server
}

// loadedEnv is an env connected to the fake, its history loaded.
func loadedEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	t.Cleanup(e.fake.Close)
	if _, err := e.app.Console().Connect(ctx, c2dfake.DemoToken); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Poll(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return e
}

func newHooked(t *testing.T) *hooked {
	t.Helper()
	e := loadedEnv(t)
	h := &hooked{env: e}
	h.hs = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.stream.ServeHTTP(w, r) }))
	t.Cleanup(h.hs.Close)
	s, err := e.app.NewStream(ctx, h.hs.URL)
	if err != nil {
		t.Fatal(err)
	}
	h.stream = s
	e.fake.SetWebhookTiming(c2dfake.WebhookTiming{Retries: []time.Duration{50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond}, OffAfter: 5 * time.Hour})
	if err := s.Register(ctx); err != nil {
		t.Fatal(err)
	}
	return h
}

// waitFor polls cond (the database, not the API) for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 5 s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (h *hooked) stored(t *testing.T, id c2dapi.ID) bool {
	msgs, err := h.store.IncomingAfter(ctx, int64(id)-1, 10)
	if err != nil {
		t.Fatal(err)
	}
	return len(msgs) > 0 && msgs[0].ID == int64(id)
}

func TestWebhookBringsAMessageWithoutPolling(t *testing.T) {
	h := newHooked(t)
	hooks := h.fake.Webhooks()
	if len(hooks) != 1 || !strings.Contains(string(hooks[0].URL), webhookPath) {
		t.Fatalf("registered %+v", hooks)
	}
	// Started again, it updates its webhook rather than adding one.
	if err := h.stream.Register(ctx); err != nil || len(h.fake.Webhooks()) != 1 || h.fake.Webhooks()[0].ID != hooks[0].ID {
		t.Fatalf("registered again: %+v %v", h.fake.Webhooks(), err)
	}
	polls := h.fake.RequestsTo("GET /messages")
	m, _ := h.fake.ClientWrites(h.fake.Clients()[0].ID, "Можно посмотреть квартиру завтра?")
	waitFor(t, "the delivered message stored", func() bool { return h.stored(t, m.ID) })
	if got := h.fake.RequestsTo("GET /messages"); got != polls {
		t.Fatalf("the message was polled (%d list calls), not delivered", got-polls)
	}
	// The safety-net poll brings the same message: stored once, and the
	// stream is trusted.
	res, err := h.app.Poll(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.stream.afterPoll(ctx, res, nil)
	res, _ = h.app.Poll(ctx, nil)
	h.stream.afterPoll(ctx, res, nil)
	if !h.stream.Trusted() {
		t.Fatal("deliveries and polls agree, yet the stream is not trusted")
	}
	if n := len(h.fake.MessagesWithText("Можно посмотреть квартиру завтра?")); n != 1 {
		t.Fatalf("%d copies upstream", n)
	}
	msgs, _ := h.store.DialogMessages(ctx, int64(m.DialogID), 0, 500)
	copies := 0
	for _, x := range msgs {
		if x.Text == "Можно посмотреть квартиру завтра?" {
			copies++
		}
	}
	if copies != 1 {
		t.Fatalf("stored %d times", copies)
	}
	st, ok, err := h.app.WebhookStatus(ctx)
	if err != nil || !ok || !st.Trusted || st.Deliveries < 1 || !st.Listening(time.Now()) || strings.Contains(st.Address, h.stream.secret) {
		t.Fatalf("status %+v %v %v", st, ok, err)
	}
	if line := doctorLine(t, h.app.Doctor(ctx), "webhooks"); !line.OK || !strings.Contains(line.Detail, "received at "+h.hs.URL) {
		t.Fatalf("doctor: %+v", line)
	}
	// Stopped, the server says so; nothing of the secret anywhere.
	h.stream.Stopped(ctx)
	if line := doctorLine(t, h.app.Doctor(ctx), "webhooks"); !line.OK || !strings.Contains(line.Detail, "not received since the server stopped") {
		t.Fatalf("doctor after the stop: %+v", line)
	}
	assertNotInDir(t, h.dir, h.stream.secret)
	if strings.Contains(h.logs.String(), h.stream.secret) {
		t.Fatal("the webhook's secret is in the log")
	}
}

func TestWebhookDeliveriesAreAuthenticated(t *testing.T) {
	h := newHooked(t)
	body := []byte(`{"hook_type":"inbox","message_id":999999,"client_id":5001,"dialog_id":9001,"text":"подделка"}`)
	post := func(path string, body []byte, head map[string]string) int {
		req, _ := http.NewRequest(http.MethodPost, h.hs.URL+path, bytes.NewReader(body))
		for k, v := range head {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	good := webhookPath + h.stream.secret
	for _, tc := range []struct {
		name, path string
		body       []byte
		head       map[string]string
		want       int
	}{
		{"no secret", webhookPath, body, nil, 404},
		{"a wrong secret", webhookPath + strings.Repeat("0", len(h.stream.secret)), body, nil, 404},
		{"another path", "/", body, nil, 404},
		{"a forged signature", good, body, map[string]string{"X-Signature": strings.Repeat("ab", 32), "X-Timestamp": "1"}, 403},
		{"too big", good, bytes.Repeat([]byte("x"), maxWebhookBody+1), nil, 413},
		{"not an event", good, []byte(`<html>`), nil, 400},
	} {
		if got := post(tc.path, tc.body, tc.head); got != tc.want {
			t.Errorf("%s: answered %d, want %d", tc.name, got, tc.want)
		}
	}
	if h.stored(t, 999999) {
		t.Fatal("a refused delivery was stored")
	}
	// A valid signature with the path's secret is taken (the message is
	// then read as polling would: an unknown client is fetched).
	stamp := "1796634900"
	sig := c2dapi.Sign(body, stamp, c2dapi.SigningKey(c2dfake.DemoToken, false))
	if got := post(good, body, map[string]string{"X-Signature": hexOf(sig), "X-Timestamp": stamp}); got != 200 {
		t.Fatalf("a signed delivery answered %d", got)
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// A delivery that cannot be stored answers 500; Chat2Desk's retry brings
// it once the cause is gone.
func TestFailedDeliveryIsRetried(t *testing.T) {
	h := newHooked(t)
	client, _ := h.app.storedClient(ctx)
	nc, err := client.Clients.Create(ctx, c2dapi.NewCustomer{Phone: "79161234567", Transport: "telegram", ChannelID: 101, Nickname: "Новый клиент"})
	if err != nil {
		t.Fatal(err)
	}
	// The new client's first message opens a dialog C2Desk has not
	// stored: reading it fails once.
	h.fake.Inject(c2dfake.Fault{PathContains: "/dialogs/", Method: http.MethodGet, Times: 1, Status: 500, Body: `{"status":"error","message":"Internal error"}`})
	m, ok := h.fake.ClientWrites(nc.ID, "Хочу записаться на просмотр")
	if !ok {
		t.Fatal("the new client could not write")
	}
	waitFor(t, "the retried delivery stored", func() bool { return h.stored(t, m.ID) })
	if _, failed := h.fake.Deliveries(); failed == 0 {
		t.Fatal("the first delivery did not fail: the retry was not exercised")
	}
}

func TestTransferAndCloseInChat2DeskAreMirrored(t *testing.T) {
	h := newHooked(t)
	m, _ := h.fake.ClientWrites(h.fake.Clients()[0].ID, "Здравствуйте")
	waitFor(t, "the message stored", func() bool { return h.stored(t, m.ID) })
	ops := h.fake.Operators()
	d, _ := h.store.DialogByID(ctx, int64(m.DialogID))
	to := ops[0].ID
	if int64(to) == d.OperatorID {
		to = ops[1].ID
	}
	h.fake.TransferInApp(m.DialogID, to)
	h.fake.CloseInApp(m.DialogID)
	var events []storage.DialogEvent
	waitFor(t, "both changes recorded", func() bool {
		events, _ = h.store.DialogEvents(ctx, int64(m.DialogID), time.Time{})
		return len(events) == 2
	})
	if events[0].Kind != storage.EventTransferred || events[0].OperatorID != int64(to) || events[1].Kind != storage.EventClosed {
		t.Fatalf("events %+v", events)
	}
	d, _ = h.store.DialogByID(ctx, int64(m.DialogID))
	if d.State != c2dapi.DialogClosed || d.OperatorID != int64(to) {
		t.Fatalf("dialog %+v", d)
	}
}

// Messages polling finds but no delivery brought make the stream
// untrusted and the webhook registered again; a webhook Chat2Desk
// switched off is switched on.
func TestSilentWebhookIsNoticedAndRegisteredAgain(t *testing.T) {
	h := newHooked(t)
	res, _ := h.app.Poll(ctx, nil)
	h.stream.afterPoll(ctx, res, nil) // the catch-up
	if !h.stream.Trusted() {
		t.Fatal("not trusted after the catch-up")
	}
	hook := h.fake.Webhooks()[0]
	client, _ := h.app.storedClient(ctx)
	if err := client.Webhooks.Update(ctx, hook.ID, c2dapi.WebhookSpec{URL: string(hook.URL), Events: hook.Events, Status: c2dapi.WebhookDisabled}); err != nil {
		t.Fatal(err)
	}
	h.fake.ClientWrites(h.fake.Clients()[1].ID, "Алло?")
	for range 2 { // the poll that reads it, and the next that finds it still undelivered
		res, err := h.app.Poll(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		h.stream.afterPoll(ctx, res, nil)
	}
	if h.stream.Trusted() {
		t.Fatal("a silent webhook is still trusted")
	}
	if hooks := h.fake.Webhooks(); len(hooks) != 1 || !hooks[0].Enabled() {
		t.Fatalf("not registered again: %+v", hooks)
	}
	st, _, _ := h.app.WebhookStatus(ctx)
	if st.Problem != MsgWebhookMissed || st.Trusted {
		t.Fatalf("status %+v", st)
	}
	if line := doctorLine(t, h.app.Doctor(ctx), "webhooks"); line.OK || !strings.Contains(line.Detail, MsgWebhookMissed) {
		t.Fatalf("doctor: %+v", line)
	}
}

func TestPollerWaitsForTheSafetyNetWhileTrusted(t *testing.T) {
	h := newHooked(t)
	p := &Poller{app: h.app}
	res, _ := h.app.Poll(ctx, nil)
	if d := p.streamDelay(ctx, res, nil, 5*time.Second); d != SafetyNetInterval {
		t.Fatalf("trusted stream: waits %v", d)
	}
	h.stream.agree.fault(MsgWebhookOff, time.Now())
	if d := p.streamDelay(ctx, PollResult{}, errors.New("the network is down"), 10*time.Second); d != 10*time.Second {
		t.Fatalf("after an error: waits %v", d)
	}
}

// A repeated delivery of an event already stored costs no API call.
func TestRepeatedDeliveryCostsNothing(t *testing.T) {
	h := newHooked(t)
	body := []byte(`{"hook_type":"dialog_transferred","dialog_id":9001,"operator_id":8,"request_id":70001,"event_time":"2026-12-07T09:15:00.000001Z"}`)
	post := func() {
		resp, err := http.Post(h.hs.URL+webhookPath+h.stream.secret, "application/json", bytes.NewReader(body))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%v %v", resp, err)
		}
		resp.Body.Close()
	}
	post()
	reads := h.fake.RequestsTo("GET /dialogs/9001")
	post()
	if got := h.fake.RequestsTo("GET /dialogs/9001"); got != reads || reads != 1 {
		t.Fatalf("the dialog was read %d times for two deliveries of one event", got)
	}
}

// Without webhooks, the poller's scan of the open dialogs finds a
// transfer and a close made in Chat2Desk's own app.
func TestScanOfOpenDialogsFindsChangesMadeThere(t *testing.T) {
	e := loadedEnv(t)
	open, err := e.store.OpenDialogOperators(ctx)
	if err != nil || len(open) < 2 {
		t.Fatalf("open dialogs %v %v", open, err)
	}
	var ids []int64
	for id := range open {
		ids = append(ids, id)
	}
	moved, closed := ids[0], ids[1]
	to := c2dapi.ID(7)
	if open[moved] == 7 {
		to = 9
	}
	e.fake.TransferInApp(c2dapi.ID(moved), to)
	e.fake.CloseInApp(c2dapi.ID(closed))
	if _, err := e.app.scanOpenDialogs(ctx); err != nil {
		t.Fatal(err)
	}
	if ev, _ := e.store.DialogEvents(ctx, moved, time.Time{}); len(ev) != 1 || ev[0].Kind != storage.EventTransferred || ev[0].OperatorID != int64(to) {
		t.Fatalf("transfer: %+v", ev)
	}
	if ev, _ := e.store.DialogEvents(ctx, closed, time.Time{}); len(ev) != 1 || ev[0].Kind != storage.EventClosed {
		t.Fatalf("close: %+v", ev)
	}
	// Compared again, nothing new.
	e.app.scanOpenDialogs(ctx)
	if ev, _ := e.store.DialogEvents(ctx, closed, time.Time{}); len(ev) != 1 {
		t.Fatalf("recorded again: %+v", ev)
	}
}

// A rating survey is no chat: once its new_request says so, the report
// leaves its messages out (the client's "5" and the thanks for it).
func TestRatingSurveyIsNoChat(t *testing.T) {
	h := newHooked(t)
	day := time.Date(2026, 12, 1, 10, 0, 0, 0, time.Local) // a Tuesday, in working hours
	msgs := []storage.Message{
		{ID: 970_000_001, DialogID: 97001, ClientID: 5001, ChannelID: 911, Transport: "telegram", Type: c2dapi.TypeFromClient, Text: "?", CreatedAt: day, RequestID: 501},
		{ID: 970_000_002, DialogID: 97001, ClientID: 5001, ChannelID: 911, Transport: "telegram", Type: c2dapi.TypeToClient, Text: "!", CreatedAt: day.Add(4 * time.Minute), OperatorID: 8, RequestID: 501},
		{ID: 970_000_003, DialogID: 97001, ClientID: 5001, ChannelID: 911, Transport: "telegram", Type: c2dapi.TypeFromClient, Text: "5", CreatedAt: day.Add(30 * time.Minute), RequestID: 502},
		{ID: 970_000_004, DialogID: 97001, ClientID: 5001, ChannelID: 911, Transport: "telegram", Type: c2dapi.TypeToClient, Text: "Спасибо!", CreatedAt: day.Add(31 * time.Minute), OperatorID: 8, RequestID: 502},
	}
	if err := h.store.AddMessages(ctx, []storage.Dialog{{ID: 97001, ClientID: 5001, ChannelID: 911, Transport: "telegram", State: "open"}}, msgs); err != nil {
		t.Fatal(err)
	}
	row := func() ReportRow {
		r, err := h.app.Console().Report(ctx, ReportFilter{From: day.Add(-time.Hour), To: day.Add(24 * time.Hour), ChannelID: 911})
		if err != nil || len(r.Rows) != 1 {
			t.Fatalf("%+v %v", r.Rows, err)
		}
		return r.Rows[0]
	}
	if got := row(); got.Answers != 2 || got.Next.Count != 1 {
		t.Fatalf("before the survey is known: %+v", got)
	}
	body := []byte(`{"hook_type":"new_request","type":"rating","request_id":502,"dialog_id":97001,"client_id":5001,"event_time":"2026-12-01T07:30:00.000001Z"}`)
	resp, err := http.Post(h.hs.URL+webhookPath+h.stream.secret, "application/json", bytes.NewReader(body))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp, err)
	}
	resp.Body.Close()
	if got := row(); got.Answers != 1 || got.Next.Count != 0 || got.First != (Responses{1, 4 * time.Minute, 4 * time.Minute}) {
		t.Fatalf("the survey still counts: %+v", got)
	}
}
