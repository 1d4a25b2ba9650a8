package c2dfake

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"c2desk/c2dapi"
)

func start(t *testing.T, opts ...Option) (*Server, *c2dapi.Client) {
	t.Helper()
	s := New(opts...)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	c, err := c2dapi.NewClient(hs.URL+"/v1", DemoToken, c2dapi.WithRateLimit(0, 0), c2dapi.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

var ctx = context.Background()

func TestSeededAgency(t *testing.T) {
	s, c := start(t)
	info, err := c.Info.Get(ctx)
	if err != nil || info.CompanyName != DemoCompany || info.Channels != 3 {
		t.Fatalf("%+v %v", info, err)
	}
	chans, _, err := c2dapi.All(ctx, 2, func(ctx context.Context, o c2dapi.ListOptions) (*c2dapi.Page[c2dapi.Channel], error) {
		return c.Channels.List(ctx, c2dapi.ChannelListOptions{ListOptions: o})
	})
	if err != nil || len(chans) != 3 {
		t.Fatalf("channels %v %v", chans, err)
	}
	transports := map[string]bool{}
	for _, ch := range chans {
		for _, tr := range ch.Transports {
			transports[tr] = true
		}
	}
	if len(transports) < 5 {
		t.Errorf("transports not varied: %v", transports)
	}
	ops, _, err := c2dapi.All(ctx, 100, c.Operators.List)
	if err != nil || len(ops) != 4 {
		t.Fatalf("operators %v %v", ops, err)
	}
	roles := map[string]bool{}
	for _, o := range ops {
		roles[o.Role()] = true
	}
	if !roles[c2dapi.RoleDisabled] || len(roles) < 3 {
		t.Errorf("roles %v", roles)
	}
	if s.ClientCount() < 50 {
		t.Errorf("%d clients", s.ClientCount())
	}
	msgs := s.Messages()
	types := map[string]int{}
	for _, m := range msgs {
		types[string(m.Type)]++
	}
	if len(msgs) < 200 || len(types) != 5 {
		t.Errorf("%d messages, types %v", len(msgs), types)
	}
	if New().Messages()[10].Text != msgs[10].Text {
		t.Error("seed is not deterministic")
	}
}

func TestSendAndPoll(t *testing.T) {
	s, c := start(t)
	last := s.Messages()[len(s.Messages())-1].ID
	page, next, err := c.Messages.Since(ctx, last+1, 50, c2dapi.MessageListOptions{})
	if err != nil || len(page.Items) != 0 || next != last+1 {
		t.Fatalf("nothing new: %v %v %v", page, next, err)
	}
	sent, err := c.Messages.Send(ctx, c2dapi.OutgoingMessage{ClientID: 5001, Text: "Добрый день!", OperatorID: 8})
	if err != nil || sent.MessageID != last+1 || sent.OperatorID != 8 || sent.DialogID == 0 {
		t.Fatalf("%+v %v", sent, err)
	}
	in, ok := s.ClientWrites(5001, "Спасибо!")
	if !ok || in.DialogID != sent.DialogID {
		t.Fatalf("client reply %+v", in)
	}
	page, next, err = c.Messages.Since(ctx, next, 50, c2dapi.MessageListOptions{})
	if err != nil || len(page.Items) != 2 || page.Items[1].Type != c2dapi.TypeFromClient || next != in.ID+1 {
		t.Fatalf("%+v %v %v", page, next, err)
	}
	// A disabled operator cannot send.
	if _, err := c.Messages.Send(ctx, c2dapi.OutgoingMessage{ClientID: 5001, Text: "x", OperatorID: 10}); !isType[*c2dapi.NotFoundError](err) {
		t.Fatalf("disabled operator: %v", err)
	}
}

func TestWriteFirst(t *testing.T) {
	s, c := start(t)
	nc := c2dapi.NewCustomer{Phone: "79050000001", Transport: "whatsapp", ChannelID: 101, Nickname: "New"}
	created, err := c.Clients.Create(ctx, nc)
	if err != nil || created.ID == 0 {
		t.Fatalf("%+v %v", created, err)
	}
	tr, err := c.Clients.Transports(ctx, created.ID)
	if err != nil || tr[0].ChannelID != 101 {
		t.Fatalf("%+v %v", tr, err)
	}
	s.SetWriteFirst(false)
	nc.Phone = "79050000002"
	if _, err := c.Clients.Create(ctx, nc); !isType[*c2dapi.ValidationError](err) {
		t.Fatalf("write first off: %v", err)
	}
}

func TestDialogUpdate(t *testing.T) {
	s, c := start(t)
	err := c.Dialogs.Update(ctx, 9001, c2dapi.DialogUpdate{OperatorID: 9, State: c2dapi.DialogClosed})
	if d, _ := s.Dialog(9001); err != nil || d.OperatorID != 9 || d.State != c2dapi.DialogClosed || d.End.IsZero() {
		t.Fatalf("%+v %v", d, err)
	}
	if s.RequestsTo("PUT /dialogs/9001") != 1 {
		t.Fatal("no PUT")
	}
	if _, err := c.Dialogs.Get(ctx, 1); !isType[*c2dapi.NotFoundError](err) {
		t.Fatalf("unknown dialog: %v", err)
	}
}

func TestFaults(t *testing.T) {
	cases := []struct {
		name  string
		fault Fault
		check func(error) bool
	}{
		{"auth", FaultAuth, isType[*c2dapi.AuthError]},
		{"rate", FaultRateLimit, isType[*c2dapi.RateLimitError]},
		{"quota", FaultQuota, isType[*c2dapi.QuotaError]},
		{"server", FaultServer, isType[*c2dapi.ServerError]},
		{"malformed", FaultMalformed, isType[*c2dapi.DecodeError]},
		{"truncated", FaultTruncated, isType[*c2dapi.DecodeError]},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, c := start(t)
			f := tc.fault
			f.Times = 1
			s.Inject(f)
			if _, err := c.Operators.List(ctx, c2dapi.ListOptions{}); !tc.check(err) {
				t.Fatalf("got %T %v", err, err)
			}
			if _, err := c.Operators.List(ctx, c2dapi.ListOptions{}); err != nil {
				t.Fatalf("fault did not clear: %v", err)
			}
		})
	}
}

func TestSlowAnswerTimesOut(t *testing.T) {
	s, c := start(t)
	s.Inject(Slow(5 * time.Second))
	tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err := c.Channels.List(tctx, c2dapi.ChannelListOptions{})
	var ne *c2dapi.NetworkError
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("got %T %v", err, err)
	}
}

func TestTokensQuotaAndRateLimit(t *testing.T) {
	s, c := start(t)
	s.RevokeToken(DemoToken)
	if _, err := c.Info.Get(ctx); !isType[*c2dapi.AuthError](err) {
		t.Fatalf("revoked: %v", err)
	}
	s.AddToken(DemoToken)
	s.SetRequestsThisMonth(10)
	s.SetMonthlyQuota(11)
	if _, err := c.Info.Get(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Info.Get(ctx); !isType[*c2dapi.QuotaError](err) {
		t.Fatalf("quota: %v", err)
	}
	s.SetMonthlyQuota(0)
	s.SetRateLimit(0.001, 1)
	c.Info.Get(ctx)
	if _, err := c.Info.Get(ctx); !isType[*c2dapi.RateLimitError](err) {
		t.Fatalf("rate: %v", err)
	}
}

func TestUpstreamChanges(t *testing.T) {
	s, c := start(t)
	s.RemoveChannel(103)
	s.PutChannel(c2dapi.Channel{ID: 104, Name: "Коммерция", Transports: c2dapi.Strings{"email"}})
	s.RemoveOperator(9)
	chans, _ := c.Channels.List(ctx, c2dapi.ChannelListOptions{})
	ops, _ := c.Operators.List(ctx, c2dapi.ListOptions{})
	if len(chans.Items) != 3 || chans.Items[2].ID != 104 || len(ops.Items) != 3 {
		t.Fatalf("%+v %+v", chans.Items, ops.Items)
	}
}

func TestDemoTraffic(t *testing.T) {
	s := New()
	before := len(s.Messages())
	dctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { s.RunDemoTraffic(dctx, time.Millisecond); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for len(s.Messages()) < before+3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	msgs := s.Messages()
	if len(msgs) < before+3 || msgs[len(msgs)-1].Type != c2dapi.TypeFromClient {
		t.Fatalf("demo traffic produced %d messages", len(msgs)-before)
	}
}

func TestEmpty(t *testing.T) {
	s, c := start(t, Empty())
	page, err := c.Channels.List(ctx, c2dapi.ChannelListOptions{})
	if err != nil || len(page.Items) != 0 || s.ClientCount() != 0 {
		t.Fatalf("%+v %v", page, err)
	}
}

func isType[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}

func TestLostAnswerStillActs(t *testing.T) {
	s, c := start(t)
	before := len(s.Messages())
	s.Inject(Fault{PathContains: "/messages", LoseAnswer: true, Times: 1})
	tctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := c.Messages.Send(tctx, c2dapi.OutgoingMessage{ClientID: 5001, Text: "once"}); !isType[*c2dapi.NetworkError](err) {
		t.Fatalf("got %v", err)
	}
	if len(s.Messages()) != before+1 {
		t.Fatal("the request was not carried out")
	}
}

// The fake answers as Chat2Desk does today (c2d-api.md, revision 2).
func TestSpeaksRevision2(t *testing.T) {
	s, c := start(t)

	// A wrong token: 200 and a text.
	bad, _ := c2dapi.NewClient(c.BaseURL(), "wrong-token-123", c2dapi.WithRateLimit(0, 0))
	if _, err := bad.Info.Get(ctx); !isType[*c2dapi.AuthError](err) {
		t.Fatalf("wrong token: %T %v", err, err)
	}

	// api_info tells whether writing first is allowed.
	info, err := c.Info.Get(ctx)
	if err != nil || info.WriteFirstOption == nil || !bool(*info.WriteFirstOption) {
		t.Fatalf("%+v %v", info, err)
	}
	s.SetWriteFirst(false)
	if info, _ := c.Info.Get(ctx); info.WriteFirstOption == nil || bool(*info.WriteFirstOption) {
		t.Fatal("write first off not reported")
	}
	s.SetWriteFirst(true)

	// Operators in the 2026 model: the status wins over a stale role.
	ops, _, _ := c2dapi.All(ctx, 0, c.Operators.List)
	for _, o := range ops {
		if o.Status == "" || (o.ID == 10 && (o.Role() != c2dapi.RoleDisabled || o.LegacyRole != c2dapi.RoleOperator)) ||
			(o.ID == 9 && o.Role() != c2dapi.RoleSupervisor) {
			t.Errorf("operator %+v", o)
		}
	}

	// Writing first to a number that is already a client names that client.
	known := s.clients[0]
	_, err = c.Clients.Create(ctx, c2dapi.NewCustomer{Phone: digits(known.PhoneNumber()), Transport: "telegram"})
	var exists *c2dapi.ClientExistsError
	if !errors.As(err, &exists) || exists.ClientID != known.ID {
		t.Fatalf("existing client: %T %v", err, err)
	}
	// Without channel_id the messenger's channel is taken; channel_id 0 is refused.
	if cl, err := c.Clients.Create(ctx, c2dapi.NewCustomer{Phone: "79990001122", Transport: "vk"}); err != nil || s.clientTransport[cl.ID].channelID != 102 {
		t.Fatalf("no channel: %+v %v", cl, err)
	}

	// PUTs answer a bare status; closing a closed dialog says so.
	if err := c.Dialogs.Update(ctx, 9001, c2dapi.DialogUpdate{State: c2dapi.DialogClosed}); err != nil {
		t.Fatal(err)
	}
	if err := c.Dialogs.Update(ctx, 9001, c2dapi.DialogUpdate{State: c2dapi.DialogClosed}); err != nil {
		t.Fatalf("closing again: %v", err)
	}
	if err := c.Clients.Update(ctx, 5001, c2dapi.ClientUpdate{Comment: "звонить после 18"}); err != nil {
		t.Fatal(err)
	}

	// Not found in its several forms.
	if _, err := c.Dialogs.Get(ctx, 1); !isType[*c2dapi.NotFoundError](err) {
		t.Errorf("dialog: %v", err)
	}
	if _, err := c.Clients.Get(ctx, 1); !isType[*c2dapi.NotFoundError](err) {
		t.Errorf("client: %v", err)
	}
	if _, err := c.Messages.Get(ctx, 999999); !isType[*c2dapi.NotFoundError](err) {
		t.Errorf("message: %v", err)
	}

	// Site-chat clients have a hash for a phone.
	siteChat := 0
	for _, cl := range s.clients {
		if strings.HasPrefix(string(cl.Phone), "[chat]") {
			siteChat++
			if strings.HasPrefix(cl.PhoneNumber(), "[chat]") {
				t.Errorf("%+v", cl)
			}
		}
	}
	if siteChat == 0 {
		t.Error("no site-chat clients in the demo")
	}
}

func TestDateFilterIsDayMonthYearOnly(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	s, c := start(t, Empty(), WithClock(func() time.Time { return now }))
	s.PutChannel(c2dapi.Channel{ID: 101, Name: "A", Transports: c2dapi.Strings{"telegram"}})
	s.mu.Lock()
	s.clients = append(s.clients, c2dapi.Customer{ID: 5001})
	s.clientTransport[5001] = clientReach{channelID: 101, transport: "telegram"}
	s.mu.Unlock()
	for _, age := range []time.Duration{90 * 24 * time.Hour, 31 * 24 * time.Hour, 29 * 24 * time.Hour, time.Hour} {
		s.mu.Lock()
		s.addMessageLocked(c2dapi.Message{ClientID: 5001, DialogID: 9001, Type: c2dapi.TypeFromClient, Text: "x", Created: c2dapi.Time{Time: now.Add(-age)}})
		s.mu.Unlock()
	}
	count := func(q string) int {
		req, _ := http.NewRequest("GET", c.BaseURL()+"/messages?limit=200&"+q, nil)
		req.Header.Set("Authorization", DemoToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct{ Data []json.RawMessage }
		json.NewDecoder(resp.Body).Decode(&body)
		return len(body.Data)
	}
	for q, want := range map[string]int{
		"start_date=01-11-2026":                        2, // 30 days back: the day counts whole
		"start_date=2026-11-01T12:00:00Z":              4, // not a date it reads: ignored
		"start_date=01-09-2026&finish_date=01-11-2026": 2,
		"finish_date=2026-11-30":                       4,
		"start_date=" + c2dapi.FormatDate(now):         1,
	} {
		if got := count(q); got != want {
			t.Errorf("%s: %d messages, want %d", q, got, want)
		}
	}
	if old := s.OldestMessageSent(); !old.Equal(now.Add(-90 * 24 * time.Hour)) {
		t.Errorf("oldest sent %v", old)
	}
}

func TestOddFieldsAreSentAsThey(t *testing.T) {
	s, c := start(t)
	s.SetMessageField(3, "video", map[string]any{"url": "https://x/v.mp4"})
	s.SetMessageField(3, "coordinates", map[string]any{"lat": 1.5})
	m, err := c.Messages.Get(ctx, 3)
	if err != nil || m.Video != "https://x/v.mp4" || m.Text == "" {
		t.Fatalf("%+v %v", m, err)
	}
	page, err := c.Messages.List(ctx, c2dapi.MessageListOptions{ListOptions: c2dapi.ListOptions{Limit: 200}})
	if err != nil || len(page.Skipped) != 0 || len(page.Items) != 200 {
		t.Fatalf("%d read, %v skipped, %v", len(page.Items), page.Skipped, err)
	}
}
