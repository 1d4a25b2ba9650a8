package c2dfake

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"c2desk/c2dapi"
)

// Scale is the size of a generated agency.
type Scale struct {
	Clients  int // one dialog each
	Messages int // over all dialogs; the first dialog gets BigDialog of them
	// BigDialog is the message count of dialog 9001, the long-running chat
	// of a regular client.
	BigDialog int
}

// AgencyScale is an agency after a few years: 10,000 clients over the three
// channels, 200,000 messages, one chat of 5,000 messages.
var AgencyScale = Scale{Clients: 10_000, Messages: 200_000, BigDialog: 5_000}

// WithScale seeds the server with a generated agency of the given size
// instead of the small demo one: the same channels, operators and
// templates, and clients, dialogs and messages spread over the last 29
// days with a realistic mix of short and long, Cyrillic and Latin texts,
// message types and attachments. The same scale always gives the same data.
func WithScale(sc Scale) Option { return func(c *config) { c.scale = &sc } }

// seedScaled fills the server for WithScale.
func (s *Server) seedScaled(now time.Time, sc Scale) {
	s.seedAccount(now)
	r := rand.New(rand.NewPCG(uint64(sc.Clients), uint64(sc.Messages)))
	activeOps := []c2dapi.ID{7, 8, 9}
	counts := spread(r, sc)
	byDialog := make(map[c2dapi.ID]*dialog, sc.Clients)
	msgs := make([]c2dapi.Message, 0, sc.Messages)
	start := now.Add(-29 * 24 * time.Hour)
	span := int64(29*24*time.Hour - time.Hour)
	for i := range sc.Clients {
		id := c2dapi.ID(5001 + i)
		name := firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]
		if i%7 == 3 {
			name = ""
		}
		s.clients = append(s.clients, c2dapi.Customer{ID: id, Name: c2dapi.String(name), Phone: c2dapi.String(fmt.Sprintf("+79%09d", r.IntN(1_000_000_000)))})
		ch := s.channels[i%len(s.channels)]
		transport := string(ch.Transports[r.IntN(len(ch.Transports))])
		s.clientTransport[id] = clientReach{channelID: ch.ID, transport: transport}
		d := &dialog{Dialog: c2dapi.Dialog{ID: c2dapi.ID(9001 + i), State: c2dapi.DialogOpen, OperatorID: activeOps[r.IntN(len(activeOps))]},
			clientID: id, channelID: ch.ID, transport: transport}
		if i%4 == 1 {
			d.State = c2dapi.DialogClosed
		}
		s.dialogs = append(s.dialogs, d)
		byDialog[d.ID] = d
		// A chat's messages fall in one stretch of the month, in order.
		from := start.Add(time.Duration(r.Int64N(span)))
		step := max(time.Duration(int64(now.Sub(from))/int64(counts[i]+1)), time.Second)
		at := from
		for j := range counts[i] {
			at = at.Add(time.Duration(1 + r.Int64N(int64(step))))
			m := c2dapi.Message{ClientID: id, DialogID: d.ID, ChannelID: ch.ID, Transport: c2dapi.String(transport),
				Created: c2dapi.Time{Time: at.Truncate(time.Second)}, Read: true}
			switch k := r.IntN(100); {
			case j == 0 || k < 45:
				m.Type, m.Text = c2dapi.TypeFromClient, c2dapi.String(text(r, clientLines))
			case k < 90:
				m.Type, m.Text, m.OperatorID = c2dapi.TypeToClient, c2dapi.String(text(r, agentLines)), d.OperatorID
				if r.IntN(100) == 0 { // now and then a listing, whose street is a rare word to search for
					m.Text = c2dapi.String(fmt.Sprintf("Есть вариант: ул. %s, %d, %d этаж.", streets[r.IntN(len(streets))], 1+r.IntN(120), 1+r.IntN(17)))
				}
			case k < 95:
				m.Type, m.Text, m.OperatorID = c2dapi.TypeComment, "Клиент с ипотекой, уточнить банк", d.OperatorID
			case k < 98:
				m.Type, m.Text = c2dapi.TypeSystem, "Диалог передан оператору"
			default:
				m.Type, m.Text = c2dapi.TypeAutoreply, "Спасибо за обращение! Менеджер ответит в течение 15 минут."
			}
			if r.IntN(50) == 0 {
				m.Attachments = []c2dapi.Attachment{{Name: "planirovka.pdf", Link: sampleHost + "planirovka.pdf"}}
			}
			msgs = append(msgs, m)
		}
	}
	// Ids follow time across chats, as in a live account.
	slices.SortStableFunc(msgs, func(a, b c2dapi.Message) int { return a.Created.Compare(b.Created.Time) })
	for i := range msgs {
		msgs[i].ID = s.nextMessageID
		s.nextMessageID++
		d := byDialog[msgs[i].DialogID]
		d.Messages++
		if d.Begin.IsZero() {
			d.Begin = msgs[i].Created
		}
		if d.State == c2dapi.DialogClosed {
			d.End = msgs[i].Created
		}
		last := msgs[i]
		d.LastMessage = &last
	}
	// The newest message of a third of the chats waits for an answer.
	for i := len(msgs) - 1; i >= 0 && i > len(msgs)-sc.Clients; i-- {
		if msgs[i].Type == c2dapi.TypeFromClient && msgs[i].ID%3 == 0 {
			msgs[i].Read = false
		}
	}
	s.messages = msgs
}

// spread splits the messages over the dialogs: the first gets BigDialog,
// the others between 1 and about twice the average.
func spread(r *rand.Rand, sc Scale) []int {
	counts := make([]int, sc.Clients)
	if sc.Clients == 0 {
		return counts
	}
	counts[0] = min(sc.BigDialog, sc.Messages)
	left := sc.Messages - counts[0]
	rest := sc.Clients - 1
	for i := 1; i < sc.Clients; i++ {
		counts[i] = 1
	}
	left -= rest
	for left > 0 && rest > 0 {
		i := 1 + r.IntN(rest)
		n := min(left, 1+r.IntN(max(2, 2*left/rest)))
		counts[i] += n
		left -= n
	}
	return counts
}

// text is one line, or now and then a long message of several lines, as
// people write them.
func text(r *rand.Rand, lines []string) string {
	if r.IntN(10) > 0 {
		return lines[r.IntN(len(lines))]
	}
	parts := make([]string, 2+r.IntN(5))
	for i := range parts {
		parts[i] = lines[r.IntN(len(lines))]
	}
	return strings.Join(parts, "\n")
}

// streets are named in about one agent message in a hundred: each about
// thirty times in the agency's 200,000 messages.
var streets = []string{
	"Садовая", "Ботаническая", "Первомайская", "Заречная", "Гончарова", "Чкалова", "Луначарского", "Тургенева",
	"Вишнёвая", "Полевая", "Маяковского", "Кирова", "Строителей", "Энтузиастов", "Рябиновая", "Мичурина",
	"Пушкинская", "Дзержинского", "Комсомольская", "Набережная", "Калинина", "Куйбышева", "Фрунзе", "Ломоносова",
	"Некрасова", "Островского", "Суворова", "Кутузова", "Спортивная", "Школьная",
}
