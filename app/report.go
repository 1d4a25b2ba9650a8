package app

// The supervisor's report: how fast each person answers. C2Desk records
// the staff author of every answer sent through it, so it tells apart the
// agents Chat2Desk lumps under one shared operator. Counted as Chat2Desk's
// request_stats counts: a request's first response runs from its first
// client message to the first answer; a later one from the next client
// message nobody answered yet; a second answer in a row answers nothing;
// autoreplies, system messages and notes are no answers; a wait belongs
// to the day it began. Only working time counts.

import (
	"cmp"
	"context"
	"slices"
	"time"

	"c2desk/c2dapi"
	"c2desk/storage"
)

// newRequestAfter is how long a chat stays quiet before a client's next
// message starts a new request (stored messages do not say where
// Chat2Desk's requests begin; its own close them after hours of silence).
const newRequestAfter = 12 * time.Hour

// reportLookaround is how far before and after the period messages are
// read: a wait that began before it is not the period's, an answer after
// it still ends one of its waits.
const reportLookaround = 7 * 24 * time.Hour

// ReportFilter chooses the period (From inclusive, To exclusive) and the
// channel (0: every channel).
type ReportFilter struct {
	From, To  time.Time
	ChannelID int64
}

// Responses are response times: how many, the median and the 90th
// percentile.
type Responses struct {
	Count       int
	Median, P90 time.Duration
}

// ReportRow is one person's figures, or one operator's for answers
// written outside C2Desk (StaffID 0).
type ReportRow struct {
	StaffID, OperatorID int64
	ChatsAnswered       int // chats with an answer to a wait that began in the period
	Answers             int // answers sent in the period
	First, Next         Responses
	WaitedLong          int // chats in which a client waited longer than the reminder time for this person's answer
	Notes               int
}

// who answers: a staff member, else the operator.
type who struct{ staff, operator int64 }

// tally gathers one row's figures.
type tally struct {
	row         ReportRow
	chats, long map[int64]bool
	first, next []time.Duration
}

// computeReport counts msgs (chat by chat, in order) for the period.
func computeReport(msgs []storage.ReportMessage, f ReportFilter, h OfficeHours, remindAfter time.Duration) []ReportRow {
	tallies := map[who]*tally{}
	get := func(m storage.ReportMessage) *tally {
		k := who{staff: m.Author}
		if m.Author == 0 {
			k.operator = m.OperatorID
		}
		t := tallies[k]
		if t == nil {
			t = &tally{row: ReportRow{StaffID: k.staff, OperatorID: k.operator}, chats: map[int64]bool{}, long: map[int64]bool{}}
			tallies[k] = t
		}
		return t
	}
	in := func(t time.Time) bool { return !t.Before(f.From) && t.Before(f.To) }
	var dialog int64
	var last, waitingSince time.Time
	answeredInRequest := false
	for _, m := range msgs {
		if m.DialogID != dialog {
			dialog, last, waitingSince, answeredInRequest = m.DialogID, time.Time{}, time.Time{}, false
		}
		quiet := !last.IsZero() && m.At.Sub(last) >= newRequestAfter
		last = m.At
		switch m.Type {
		case c2dapi.TypeFromClient:
			if waitingSince.IsZero() {
				waitingSince = m.At
				if quiet {
					answeredInRequest = false // a new request; a client still waiting goes on waiting
				}
			}
		case c2dapi.TypeComment:
			if in(m.At) {
				get(m).row.Notes++
			}
		case c2dapi.TypeToClient:
			t := get(m)
			if in(m.At) {
				t.row.Answers++
			}
			if waitingSince.IsZero() {
				continue // nothing to answer
			}
			if in(waitingSince) {
				wait := h.WorkingTime(waitingSince, m.At)
				if answeredInRequest {
					t.next = append(t.next, wait)
				} else {
					t.first = append(t.first, wait)
				}
				t.chats[dialog] = true
				if remindAfter > 0 && wait > remindAfter {
					t.long[dialog] = true
				}
			}
			waitingSince, answeredInRequest = time.Time{}, true
		}
	}
	rows := make([]ReportRow, 0, len(tallies))
	for _, t := range tallies {
		t.row.ChatsAnswered, t.row.WaitedLong = len(t.chats), len(t.long)
		t.row.First, t.row.Next = responses(t.first), responses(t.next)
		rows = append(rows, t.row)
	}
	slices.SortFunc(rows, func(a, b ReportRow) int {
		if (a.StaffID == 0) != (b.StaffID == 0) { // people first, then operators
			if a.StaffID == 0 {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.StaffID, b.StaffID), cmp.Compare(a.OperatorID, b.OperatorID))
	})
	return rows
}

// responses sums up waits: the median and the 90th percentile, nearest
// rank.
func responses(waits []time.Duration) Responses {
	if len(waits) == 0 {
		return Responses{}
	}
	slices.Sort(waits)
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(waits))+0.999999) - 1
		return waits[min(max(i, 0), len(waits)-1)]
	}
	return Responses{Count: len(waits), Median: rank(0.5), P90: rank(0.9)}
}

// Report counts the period's answers, person by person; administrators
// only. On an office database it counts every PC's answers.
func (s *Session) Report(ctx context.Context, f ReportFilter) ([]ReportRow, error) {
	if err := s.requireAdmin(ctx); err != nil {
		return nil, err
	}
	h, err := s.app.Hours(ctx)
	if err != nil {
		return nil, err
	}
	remind, err := s.app.RemindAfter(ctx)
	if err != nil {
		return nil, err
	}
	msgs, err := s.app.store.ReportMessages(ctx, f.From.Add(-reportLookaround), f.To.Add(reportLookaround), f.ChannelID)
	if err != nil {
		return nil, err
	}
	return computeReport(msgs, f, h, remind), nil
}
