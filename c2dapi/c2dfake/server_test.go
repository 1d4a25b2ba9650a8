package c2dfake

import (
	"context"
	"errors"
	"net/http/httptest"
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
		roles[string(o.Role)] = true
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
	if _, err := c.Messages.Send(ctx, c2dapi.OutgoingMessage{ClientID: 5001, Text: "x", OperatorID: 10}); !isType[*c2dapi.ValidationError](err) {
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
	_, c := start(t)
	d, err := c.Dialogs.Update(ctx, 9001, c2dapi.DialogUpdate{OperatorID: 9, State: c2dapi.DialogClosed})
	if err != nil || d.OperatorID != 9 || d.State != c2dapi.DialogClosed || d.End.IsZero() {
		t.Fatalf("%+v %v", d, err)
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
