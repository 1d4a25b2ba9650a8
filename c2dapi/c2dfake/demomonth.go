package c2dfake

// The demo's month of work: conversations on every working day of the
// last 30, each answered by one of the agency's people at a pace of their
// own (Марина quick, Ольга busy), so the supervisor's report has
// something to say. C2Desk's demo tells apart the two people who share
// the office account by channel (see app.SetUpDemoAgency).

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"c2desk/c2dapi"
)

// WithDemoMonth adds the month of conversations to the demo agency.
func WithDemoMonth() Option { return func(c *config) { c.demoMonth = true } }

// demoPace is who answers a channel's chats, under which operator, and
// how fast: the median first answer, spread log-normally.
type demoPace struct {
	operator, channel c2dapi.ID
	median            time.Duration
	share             int // conversations of a working day
}

var demoPaces = []demoPace{
	{operator: 8, channel: 102, median: 100 * time.Second, share: 3}, // Марина, on the office account
	{operator: 8, channel: 101, median: 5 * time.Minute, share: 2},   // Kate, on the office account
	{operator: 9, channel: 101, median: 9 * time.Minute, share: 2},   // Dmitry
	{operator: 7, channel: 103, median: 17 * time.Minute, share: 1},  // Ольга, the busy head
	{operator: 9, channel: 103, median: 25 * time.Minute, share: 1},  // Dmitry from Chat2Desk's phone app
}

// busyHours are when clients write, weighted: late morning and late
// afternoon most.
var busyHours = []int{9, 10, 10, 11, 11, 11, 12, 12, 13, 14, 15, 15, 16, 16, 17, 17, 18, 20, 21}

func (s *Server) seedDemoMonth(now time.Time) {
	r := rand.New(rand.NewPCG(2026, 12))
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.Local)
	for back := 30; back >= 0; back-- {
		day := today.AddDate(0, 0, -back)
		if day.Weekday() == time.Sunday {
			continue
		}
		for _, p := range demoPaces {
			n := p.share
			if day.Weekday() == time.Saturday {
				n = r.IntN(2)
			}
			for range n {
				start := day.Add(time.Duration(busyHours[r.IntN(len(busyHours))])*time.Hour + time.Duration(r.IntN(3600))*time.Second)
				if start.After(now) {
					continue
				}
				s.demoConversation(r, p, start, now)
			}
		}
	}
}

// demoConversation is one client's conversation from start: a question
// (sometimes two messages), an answer, and maybe more of both.
func (s *Server) demoConversation(r *rand.Rand, p demoPace, start, now time.Time) {
	var ch c2dapi.Channel
	for _, c := range s.channels {
		if c.ID == p.channel {
			ch = c
		}
	}
	if len(ch.Transports) == 0 {
		return // an account without the demo's channels (a scaled one)
	}
	id := s.nextClientID
	s.nextClientID++
	name := firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]
	cust := c2dapi.Customer{ID: id, Name: c2dapi.String(name), Phone: c2dapi.String(fmt.Sprintf("+79%09d", r.IntN(1_000_000_000))), AssignedName: c2dapi.String(name)}
	transport := string(ch.Transports[r.IntN(len(ch.Transports))])
	s.clients = append(s.clients, cust)
	s.clientTransport[id] = clientReach{channelID: ch.ID, transport: transport}
	d := &dialog{Dialog: c2dapi.Dialog{ID: s.nextDialogID, State: c2dapi.DialogOpen, Begin: c2dapi.Time{Time: start}, OperatorID: p.operator},
		clientID: id, channelID: ch.ID, transport: transport}
	s.nextDialogID++
	s.dialogs = append(s.dialogs, d)
	say := func(typ string, at time.Time, lines []string) bool {
		if at.After(now) {
			return false
		}
		m := c2dapi.Message{ClientID: id, DialogID: d.ID, ChannelID: ch.ID, Transport: c2dapi.String(transport), Type: c2dapi.String(typ),
			Text: c2dapi.String(lines[r.IntN(len(lines))]), Created: c2dapi.Time{Time: at.Truncate(time.Second)}, Read: true}
		if typ == c2dapi.TypeToClient {
			m.OperatorID = p.operator
		}
		s.addMessageLocked(m)
		return true
	}
	at := start
	for exchange := 0; exchange < 3; exchange++ {
		if !say(c2dapi.TypeFromClient, at, clientLines) {
			return
		}
		if r.IntN(3) == 0 { // a second message before any answer
			at = at.Add(time.Duration(20+r.IntN(100)) * time.Second)
			if !say(c2dapi.TypeFromClient, at, clientLines) {
				return
			}
		}
		wait := time.Duration(float64(p.median) * math.Exp(0.6*r.NormFloat64()))
		if exchange > 0 {
			wait = wait * 2 / 3 // a conversation under way goes quicker
		}
		at = demoWorkingAt(at).Add(wait)
		if !say(c2dapi.TypeToClient, at, agentLines) || r.IntN(10) >= 6 {
			break
		}
		at = at.Add(time.Duration(2+r.IntN(40)) * time.Minute)
	}
	if now.Sub(at) > 48*time.Hour {
		d.State, d.End = c2dapi.DialogClosed, c2dapi.Time{Time: at.Add(time.Hour).Truncate(time.Second)}
	}
}

// demoWorkingAt is when someone first looks at a message written at t: at
// once in working hours (Monday to Friday, 9 to 19), else at nine on the
// next working morning.
func demoWorkingAt(t time.Time) time.Time {
	workday := func(t time.Time) bool { return t.Weekday() != time.Saturday && t.Weekday() != time.Sunday }
	if workday(t) && t.Hour() >= 9 && t.Hour() < 19 {
		return t
	}
	next := time.Date(t.Year(), t.Month(), t.Day(), 9, 0, 0, 0, t.Location())
	if !t.Before(next) {
		next = next.AddDate(0, 0, 1) // written in the evening: tomorrow
	}
	for !workday(next) {
		next = next.AddDate(0, 0, 1)
	}
	return next
}
