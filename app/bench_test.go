package app

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"c2desk/c2dapi/c2dfake"
	"c2desk/storage"

	"github.com/zalando/go-keyring"
	"golang.org/x/crypto/bcrypt"
)

// The big agency is built once per test binary, by the app's own first
// sync from a generated Chat2Desk: 10,000 chats, 200,000 messages.
var big struct {
	once  sync.Once
	dir   string
	fake  *c2dfake.Server
	srv   *httptest.Server
	store *storage.Store
	app   *App
	agent *Session
	admin *Session
	took  time.Duration
	err   error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if big.srv != nil {
		big.srv.Close()
		big.store.Close()
		os.RemoveAll(big.dir)
	}
	os.Exit(code)
}

func bigAgency(b *testing.B) {
	b.Helper()
	big.once.Do(func() {
		keyring.MockInit()
		big.fake = c2dfake.New(c2dfake.WithScale(c2dfake.AgencyScale))
		big.srv = httptest.NewServer(big.fake)
		if big.dir, big.err = os.MkdirTemp("", "c2desk-bench-"); big.err != nil {
			return
		}
		if big.store, big.err = storage.Open(ctx, big.dir); big.err != nil {
			return
		}
		big.app = New(big.store, Keyring{}, Config{APIURL: big.srv.URL + "/v1", RequestsPerSecond: -1,
			HTTPClient: &http.Client{Timeout: time.Minute}, Logger: slog.New(slog.DiscardHandler), PINHashCost: bcrypt.MinCost})
		if big.admin, big.err = big.app.CreateFirstAdmin(ctx, "Ольга Смирнова", ""); big.err != nil {
			return
		}
		if _, big.err = big.admin.Connect(ctx, c2dfake.DemoToken); big.err != nil {
			return
		}
		if _, big.err = big.admin.Sync(ctx); big.err != nil {
			return
		}
		var agent storage.Staff
		if agent, big.err = big.admin.AddStaff(ctx, StaffInput{Name: "Марина Орлова", Role: storage.RoleAgent}); big.err != nil {
			return
		}
		for _, r := range []storage.ChannelRule{
			{ChannelID: 101, Visibility: storage.VisibleToEveryone},
			{ChannelID: 102, Visibility: storage.VisibleToListed, Staff: []int64{agent.ID}},
		} {
			if big.err = big.admin.SetChannelRule(ctx, r); big.err != nil {
				return
			}
		}
		start := time.Now()
		if _, big.err = big.app.Poll(ctx, nil); big.err != nil {
			return
		}
		big.took = time.Since(start)
		big.agent, big.err = big.app.SignIn(ctx, agent.ID, "")
	})
	if big.err != nil {
		b.Fatal(big.err)
	}
}

// BenchmarkChatListFirstPage: the first 100 chats of an agent whose access
// comes from channel rules, over 10,000 chats.
func BenchmarkChatListFirstPage(b *testing.B) {
	bigAgency(b)
	b.ResetTimer()
	for b.Loop() {
		chats, err := big.agent.Chats(ctx, storage.ChatFilter{Limit: 100})
		if err != nil || len(chats) != 100 {
			b.Fatalf("%d chats, %v", len(chats), err)
		}
	}
}

// BenchmarkOpenChat: the first screen (50 messages) of a chat of 5,000.
func BenchmarkOpenChat(b *testing.B) {
	bigAgency(b)
	b.ResetTimer()
	for b.Loop() {
		c, err := big.agent.Conversation(ctx, 9001, 0, 50)
		if err != nil || len(c.Messages) != 50 {
			b.Fatalf("%d messages, %v", len(c.Messages), err)
		}
	}
}

// BenchmarkSearchText: an agent searches 200,000 messages for a word.
func BenchmarkSearchText(b *testing.B) {
	bigAgency(b)
	b.ResetTimer()
	for b.Loop() {
		chats, err := big.agent.Chats(ctx, storage.ChatFilter{Search: "ипотек", Limit: 100})
		if err != nil || len(chats) == 0 {
			b.Fatalf("%d chats, %v", len(chats), err)
		}
	}
}

// BenchmarkPollNothingNew: a poll when nothing is new, against the big
// account; cpu-ms/op is this process's CPU time, the fake's included.
func BenchmarkPollNothingNew(b *testing.B) {
	bigAgency(b)
	before := big.fake.RequestsThisMonth()
	cpu := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		res, err := big.app.Poll(ctx, nil)
		if err != nil || res.Calls != 1 || res.Stored != 0 {
			b.Fatalf("%+v %v", res, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(big.fake.RequestsThisMonth()-before)/float64(b.N), "calls/op")
}

// BenchmarkFirstSyncBigAccount reports how long the first sync of the big
// account took (unthrottled, against the in-process fake).
func BenchmarkFirstSyncBigAccount(b *testing.B) {
	bigAgency(b)
	for b.Loop() {
	}
	b.ReportMetric(big.took.Seconds(), "s-first-sync")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
