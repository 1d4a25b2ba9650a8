package app_test

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"

	"c2desk/app/bigagency"
	"c2desk/c2dapi/c2dfake"
	"c2desk/internal/pgtest"
	"c2desk/storage"
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
	a, err := bigagency.Build(ctx, bigagency.Config{Scale: c2dfake.AgencyScale, RequestsPerSecond: limit})
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

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
