package app_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"c2desk/app"
	"c2desk/app/bigagency"
	"c2desk/c2dapi/c2dfake"
	"c2desk/internal/pgtest"
	"c2desk/storage"
)

// listening is a small agency (an office database on the PostgreSQL pass)
// whose App receives the fake's webhooks, registered.
func listening(b *testing.B) (*bigagency.Agency, *app.Stream) {
	b.Helper()
	cfg := bigagency.Config{Scale: c2dfake.Scale{Clients: 200, Messages: 2_000, BigDialog: 100}}
	if pgtest.OnPostgres() {
		cfg.Office = pgtest.Database(b)
	}
	a, err := bigagency.Build(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(a.Close)
	b.Cleanup(a.Fake.Close)
	var s *app.Stream
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.ServeHTTP(w, r) }))
	b.Cleanup(hs.Close)
	if s, err = a.App.NewStream(ctx, hs.URL); err != nil {
		b.Fatal(err)
	}
	if err := s.Register(ctx); err != nil {
		b.Fatal(err)
	}
	return a, s
}

// seenBy waits until store holds the message with id.
func seenBy(store *storage.Store, id int64, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for {
		if msgs, err := store.IncomingAfter(ctx, id-1, 1); err == nil && len(msgs) == 1 && msgs[0].ID == id {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// BenchmarkWebhookMessageOnScreen: a client's message, from the moment it
// reaches Chat2Desk until the screen can show it — on SQLite stored in
// the PC's file; on PostgreSQL read by another PC of the office after the
// database's notice. 100 messages, measured once whatever b.N: median
// and 99th percentile in ms.
func BenchmarkWebhookMessageOnScreen(b *testing.B) {
	a, _ := listening(b)
	shown := func(id int64) bool { return seenBy(a.Store, id, 10*time.Second) }
	if pgtest.OnPostgres() {
		// PC B shows what its poller's Refresh (after the notice) finds.
		pcB, storeB := anotherPC(b, a, false)
		refreshed := make(chan struct{}, 256)
		c, cancel := context.WithCancel(ctx)
		p := pcB.StartPoller(c, func(res app.PollResult, err error) {
			if res.Refresh && err == nil {
				refreshed <- struct{}{}
			}
		}, nil)
		b.Cleanup(func() { cancel(); <-p.Done() })
		time.Sleep(500 * time.Millisecond) // B's watch connects
		shown = func(id int64) bool {
			for {
				select {
				case <-refreshed:
					if seenBy(storeB, id, 0) {
						return true
					}
				case <-time.After(10 * time.Second):
					return false
				}
			}
		}
	}
	clients := a.Fake.Clients()
	var took []time.Duration
	for i := range 100 {
		start := time.Now()
		m, _ := a.Fake.ClientWrites(clients[i%len(clients)].ID, fmt.Sprintf("Вопрос %d", i))
		if !shown(int64(m.ID)) {
			b.Fatalf("message %d not on screen within 10 s", i)
		}
		took = append(took, time.Since(start))
	}
	for b.Loop() {
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2])/float64(time.Millisecond), "ms-median")
	b.ReportMetric(float64(took[len(took)*99/100])/float64(time.Millisecond), "ms-p99")
}

// BenchmarkWebhookBurst: 1,000 client messages at once, each delivered by
// its webhook; how long until all are stored, and how many were lost or
// stored twice (both must be 0). Measured once whatever b.N.
func BenchmarkWebhookBurst(b *testing.B) {
	a, _ := listening(b)
	before, err := a.Store.NewestMessageID(ctx)
	if err != nil {
		b.Fatal(err)
	}
	clients := a.Fake.Clients()
	start := time.Now()
	want := map[string]bool{}
	for i := range 1000 {
		text := fmt.Sprintf("Пачка %d", i)
		want[text] = true
		a.Fake.ClientWrites(clients[i%len(clients)].ID, text)
	}
	var got map[string]int
	for deadline := time.Now().Add(2 * time.Minute); ; {
		msgs, err := a.Store.IncomingAfter(ctx, before, 5000)
		if err != nil {
			b.Fatal(err)
		}
		got = map[string]int{}
		for _, m := range msgs {
			if want[m.Text] {
				got[m.Text]++
			}
		}
		if len(got) == len(want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(start)
	doubled := 0
	for _, n := range got {
		doubled += n - 1
	}
	for b.Loop() {
	}
	_, retried := a.Fake.Deliveries()
	b.ReportMetric(float64(len(want)-len(got)), "lost")
	b.ReportMetric(float64(doubled), "doubled")
	b.ReportMetric(took.Seconds(), "s")
	b.ReportMetric(float64(retried), "answered-500")
}

// BenchmarkWebhookIdleCalls: Chat2Desk requests per minute of an idle
// office whose server receives webhooks (the safety-net polls), over two
// and a half minutes after the first catch-up. Measured once, on the
// PostgreSQL pass.
func BenchmarkWebhookIdleCalls(b *testing.B) {
	officePass(b)
	a, _ := listening(b)
	c, cancel := context.WithCancel(ctx)
	caughtUp := make(chan struct{}, 1)
	p := a.App.StartPoller(c, func(app.PollResult, error) {
		select {
		case caughtUp <- struct{}{}:
		default:
		}
	}, nil)
	<-caughtUp
	before := a.Fake.RequestsThisMonth()
	const window = 150 * time.Second
	time.Sleep(window)
	calls := a.Fake.RequestsThisMonth() - before
	cancel()
	<-p.Done()
	for b.Loop() {
	}
	b.ReportMetric(float64(calls)/window.Minutes(), "calls-per-min")
}

// BenchmarkPollingMessageOnScreen: without webhooks, at the default
// polling budget in working hours (here all day), the window behind
// others: how long a client's message, written at a random moment, waits
// to be stored. 20 messages, measured once whatever b.N (about four
// minutes): median in ms. The poller's pace is the same on both engines:
// it runs in the SQLite pass.
func BenchmarkPollingMessageOnScreen(b *testing.B) {
	if pgtest.OnPostgres() {
		b.Skip("the poller's pace does not depend on the engine: measured in the SQLite pass")
	}
	a, err := bigagency.Build(ctx, bigagency.Config{Scale: c2dfake.Scale{Clients: 200, Messages: 2_000, BigDialog: 100}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(a.Close)
	always := app.OfficeHours{Days: [7]bool{true, true, true, true, true, true, true}, From: 0, To: 24 * 60}
	if err := a.Admin.SetOfficeHours(ctx, always); err != nil {
		b.Fatal(err)
	}
	c, cancel := context.WithCancel(ctx)
	p := a.App.StartPoller(c, nil, nil)
	p.SetActive(false)
	defer func() { cancel(); <-p.Done() }()
	clients := a.Fake.Clients()
	rng := rand.New(rand.NewPCG(27, 27))
	var took []time.Duration
	for i := range 20 {
		time.Sleep(time.Duration(rng.Int64N(int64(app.DefaultPollInterval))))
		start := time.Now()
		m, _ := a.Fake.ClientWrites(clients[i%len(clients)].ID, fmt.Sprintf("Без веб-хука %d", i))
		if !seenBy(a.Store, int64(m.ID), 2*time.Minute) {
			b.Fatalf("message %d not stored within 2 minutes", i)
		}
		took = append(took, time.Since(start))
	}
	for b.Loop() {
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2])/float64(time.Millisecond), "ms-median")
	b.ReportMetric(float64(took[len(took)-1])/float64(time.Millisecond), "ms-max")
}
