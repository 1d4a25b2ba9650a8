package storage

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// BenchmarkAddHistoryPage stores pages of 200 messages over 1,000 chats,
// as the first sync does, into a database that grows as it goes. Measured
// here: 17 ms a page, of which the full-text index takes 7 and the
// messages' own indexes 3.
func BenchmarkAddHistoryPage(b *testing.B) {
	s := openTemp(b)
	words := strings.Fields("здравствуйте квартира ипотека планировка просмотр суббота комиссия hello flat viewing saturday rent deposit парковка двор метро")
	r := rand.New(rand.NewPCG(1, 2))
	id := int64(1)
	at := time.Unix(1700000000, 0)
	b.ResetTimer()
	for b.Loop() {
		page := make([]Message, 200)
		for i := range page {
			n := 3 + r.IntN(12)
			text := make([]string, n)
			for j := range text {
				text[j] = words[r.IntN(len(words))]
			}
			d := 1 + r.Int64N(1000)
			page[i] = Message{ID: id, DialogID: d, ClientID: d, Type: "from_client", Text: strings.Join(text, " "), CreatedAt: at}
			id++
		}
		if err := s.AddPage(ctx, nil, page, SyncCursor{Name: "messages.start_id", Value: itoa(int(id))}); err != nil {
			b.Fatal(err)
		}
	}
}
