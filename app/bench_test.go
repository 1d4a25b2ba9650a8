package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	"c2desk/app"
	"c2desk/app/bigagency"
	"c2desk/c2dapi/c2dfake"
	"c2desk/internal/pgtest"
	"c2desk/storage"

	"golang.org/x/crypto/bcrypt"
)

// Speed at agency scale. `make bench` runs these and prints them against
// their goals; they assert what must hold, never a time.

var ctx = context.Background()

// The big agency (bigagency.Shared: 10,000 chats, 200,000 messages) is
// built once per test binary and removed here.
func TestMain(m *testing.M) {
	code := m.Run()
	bigagency.CloseShared()
	pgtest.StopShared()
	os.Exit(code)
}

// BenchmarkChatListFirstPage: the first 100 chats of an agent whose access
// comes from channel rules, over 10,000 chats.
func BenchmarkChatListFirstPage(b *testing.B) {
	a := bigagency.Shared(b)
	for b.Loop() {
		chats, err := a.Agent.Chats(ctx, storage.ChatFilter{Limit: 100})
		if err != nil || len(chats) != 100 {
			b.Fatalf("%d chats, %v", len(chats), err)
		}
	}
}

// BenchmarkChatListAssignedOnly: the first 100 chats of an agent who sees
// only the chats assigned to him, about 1 % of the office.
func BenchmarkChatListAssignedOnly(b *testing.B) {
	a := bigagency.Shared(b)
	want := min(100, bigagency.SharedScale().Clients/100)
	for b.Loop() {
		chats, err := a.Assigned.Chats(ctx, storage.ChatFilter{Limit: 100})
		if err != nil || len(chats) != want {
			b.Fatalf("%d chats, want %d: %v", len(chats), want, err)
		}
	}
}

// BenchmarkOfficeSignIn: signing in on a joined computer, the PIN (bcrypt
// 12, as C2Desk hashes PINs) checked by the office database. PostgreSQL
// only: a file's PIN is checked on the PC.
func BenchmarkOfficeSignIn(b *testing.B) {
	officePass(b)
	a := bigagency.Shared(b)
	core, err := a.JoinedApp(ctx)
	if err != nil {
		b.Fatal(err)
	}
	st, err := core.StaffNamed(ctx, "Вход")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := core.SignIn(ctx, st.ID, bigagency.SignInPIN); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenChat: the first screen (50 messages) of a chat of 5,000.
func BenchmarkOpenChat(b *testing.B) {
	a := bigagency.Shared(b)
	for b.Loop() {
		c, err := a.Agent.Conversation(ctx, 9001, 0, 50)
		if err != nil || len(c.Messages) != 50 {
			b.Fatalf("%d messages, %v", len(c.Messages), err)
		}
	}
}

// BenchmarkSearchText: an agent searches 200,000 messages. A rare word (a
// street named in about 30 messages), a common one (in about 16,000), the
// start of a word as typed so far, and two words.
func BenchmarkSearchText(b *testing.B) {
	a := bigagency.Shared(b)
	for _, bc := range []struct{ name, words string }{
		{"rare", "Ботаническ"}, {"common", "ипотек"}, {"prefix", "пла"}, {"two-words", "ул садов"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				chats, err := a.Agent.Chats(ctx, storage.ChatFilter{Search: bc.words, Limit: 100})
				if err != nil || len(chats) == 0 {
					b.Fatalf("%d chats, %v", len(chats), err)
				}
			}
		})
	}
}

// BenchmarkPollNothingNew: a poll when nothing is new, against the big
// account; cpu-ms/op is this process's CPU time, the fake's included.
func BenchmarkPollNothingNew(b *testing.B) {
	a := bigagency.Shared(b)
	before := a.Fake.RequestsThisMonth()
	runtime.GC() // the history load's garbage is not the polls'
	cpu := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		res, err := a.App.Poll(ctx, nil)
		if err != nil || res.Calls != 1 || res.Stored != 0 {
			b.Fatalf("%+v %v", res, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(a.Fake.RequestsThisMonth()-before)/float64(b.N), "calls/op")
}

// BenchmarkFirstSyncUnlimited reports how long the first sync of the big
// account took without a rate limit, against the in-process fake: what
// the client side costs.
func BenchmarkFirstSyncUnlimited(b *testing.B) {
	a := bigagency.Shared(b)
	for b.Loop() {
	}
	b.ReportMetric(a.FirstSync.Seconds(), "s")
	b.ReportMetric(float64(a.FirstSyncCalls), "calls")
}

// BenchmarkFirstSyncAt20PerSecond loads the big account through a fake that
// refuses more than 20 requests a second, with the client limited to the
// same: the share of the limit the history load uses, and the refusals.
func BenchmarkFirstSyncAt20PerSecond(b *testing.B) {
	const limit = 20
	// One load takes a minute: it is measured once, whatever b.N.
	cfg := bigagency.Config{Scale: c2dfake.AgencyScale, RequestsPerSecond: limit}
	if pgtest.OnPostgres() {
		cfg.Office = pgtest.Database(b)
	}
	a, err := bigagency.Build(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	for b.Loop() {
	}
	b.ReportMetric(float64(a.FirstSyncCalls)/a.FirstSync.Seconds()/limit*100, "%-of-limit")
	b.ReportMetric(float64(a.Fake.RateLimited()), "429s")
	b.ReportMetric(a.FirstSync.Seconds(), "s")
}

// officePass runs the office benchmarks once, in make bench's
// PostgreSQL pass.
func officePass(b *testing.B) {
	if !pgtest.OnPostgres() {
		b.Skip("an office benchmark: it runs in the PostgreSQL pass (C2DESK_TEST_ENGINE=postgres)")
	}
}

// smallOffice is a small agency on an office database of its own, with
// its first sync done: PC A, which holds the token.
func smallOffice(b *testing.B) *bigagency.Agency {
	b.Helper()
	a, err := bigagency.Build(ctx, bigagency.Config{Scale: c2dfake.Scale{Clients: 200, Messages: 2_000, BigDialog: 100},
		Office: pgtest.Database(b)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(a.Close)
	return a
}

// anotherPC is C2Desk on another PC of the office: the same database,
// its own pool; withToken, its keyring holds the token (the mock keyring
// is the process's, so it is the token A stored).
func anotherPC(b *testing.B, a *bigagency.Agency, withToken bool) (*app.App, *storage.Store) {
	b.Helper()
	store, err := storage.OpenOffice(ctx, a.Store.Path())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	secrets := app.Secrets(&app.Memory{})
	if withToken {
		secrets = app.Keyring{}
	}
	return app.New(store, secrets, app.Config{APIURL: a.URL, RequestsPerSecond: -1, Logger: slog.New(slog.DiscardHandler),
		PINHashCost: bcrypt.MinCost, DataDir: b.TempDir()}), store
}

// BenchmarkOfficeReplyVisibleOnB: a reply queued on PC A until PC B,
// which does not poll, has been told and shows it (its poller's Refresh
// after the office database's notice). Measured once, whatever b.N: the
// median of 50 replies, in ms.
func BenchmarkOfficeReplyVisibleOnB(b *testing.B) {
	officePass(b)
	a := smallOffice(b)
	pcB, storeB := anotherPC(b, a, false)
	refreshed := make(chan struct{}, 64)
	c, cancel := context.WithCancel(ctx)
	p := pcB.StartPoller(c, func(res app.PollResult, err error) {
		if res.Refresh && err == nil {
			refreshed <- struct{}{}
		}
	}, nil)
	defer func() { cancel(); <-p.Done() }()
	chats, err := a.Agent.Chats(ctx, storage.ChatFilter{Limit: 1})
	if err != nil || len(chats) == 0 {
		b.Fatalf("%v %v", chats, err)
	}
	time.Sleep(500 * time.Millisecond) // B's watch connects
	var took []time.Duration
	for i := range 50 {
		for len(refreshed) > 0 {
			<-refreshed
		}
		start := time.Now()
		it, err := a.Agent.Queue(ctx, chats[0].ID, fmt.Sprintf("Ответ %d", i), app.KindReply)
		if err != nil {
			b.Fatal(err)
		}
		for seen := false; !seen; {
			select {
			case <-refreshed:
				_, err := storeB.OutboxItemByID(ctx, it.ID)
				seen = err == nil
			case <-time.After(2 * app.CatchUp):
				b.Fatal("PC B never refreshed")
			}
		}
		took = append(took, time.Since(start))
	}
	for b.Loop() {
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2])/float64(time.Millisecond), "ms-median")
	b.ReportMetric(float64(took[len(took)-1])/float64(time.Millisecond), "ms-max")
}

// BenchmarkOfficeIdleCalls: Chat2Desk requests of an idle office over a
// minute, windows in the background: one PC, then three PCs with the
// token. Measured once, whatever b.N (two minutes).
func BenchmarkOfficeIdleCalls(b *testing.B) {
	officePass(b)
	a := smallOffice(b)
	minute := func(pcs ...*app.App) int {
		before := a.Fake.RequestsThisMonth()
		c, cancel := context.WithCancel(ctx)
		var ps []*app.Poller
		for _, pc := range pcs {
			p := pc.StartPoller(c, nil, nil)
			p.SetActive(false)
			ps = append(ps, p)
		}
		time.Sleep(time.Minute)
		cancel()
		for _, p := range ps {
			<-p.Done()
		}
		return a.Fake.RequestsThisMonth() - before
	}
	// An office that ran before: its quick replies are stored, and neither
	// minute loads them.
	if _, err := a.App.Templates(ctx); err != nil {
		b.Fatal(err)
	}
	one := minute(a.App)
	b2, _ := anotherPC(b, a, true)
	b3, _ := anotherPC(b, a, true)
	three := minute(a.App, b2, b3)
	for b.Loop() {
	}
	b.ReportMetric(float64(one), "calls-1pc")
	b.ReportMetric(float64(three), "calls-3pc")
}

// BenchmarkReportMonth: the supervisor's report for the big agency's last
// 30 days (its whole history), every channel.
func BenchmarkReportMonth(b *testing.B) {
	a := bigagency.Shared(b)
	to := time.Now()
	from := to.Add(-30 * 24 * time.Hour)
	for b.Loop() {
		r, err := a.Admin.Report(ctx, app.ReportFilter{From: from, To: to})
		if err != nil || len(r.Rows) == 0 {
			b.Fatalf("%d rows, %v", len(r.Rows), err)
		}
	}
}

// BenchmarkReportAfterNewHours: the month's report right after the
// working hours changed, when every chat's kept figures are worked out
// anew (storage/reportdays.go) before they are added up. Measured once,
// whatever b.N (seconds at size 10).
func BenchmarkReportAfterNewHours(b *testing.B) {
	a := bigagency.Shared(b)
	to := time.Now()
	from := to.Add(-30 * 24 * time.Hour)
	hours, err := a.App.Hours(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Admin.SetOfficeHours(ctx, hours) })
	changed := hours
	changed.From++ // the office opens a minute later: every wait may change
	if err := a.Admin.SetOfficeHours(ctx, changed); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if _, err := a.Admin.Report(ctx, app.ReportFilter{From: from, To: to}); err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	for b.Loop() {
	}
	b.ReportMetric(float64(took.Milliseconds()), "ms-anew")
}
