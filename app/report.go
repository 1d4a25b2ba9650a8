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
	"errors"
	"maps"
	"slices"
	"time"

	"c2desk/storage"
)

// newRequestAfter is how long a chat stays quiet before a client's next
// message starts a new request (stored messages do not say where
// Chat2Desk's requests begin; its own close them after hours of silence).
const newRequestAfter = 12 * time.Hour

// ReportFilter chooses the period (From inclusive, To exclusive) and the
// channel (0: every channel). A report counts whole days of the office:
// a period that starts or ends within a day takes in all of that day.
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
	Name                string // the person's, or the operator's
	ChatsAnswered       int    // chats with an answer to a wait that began in the period
	Answers             int    // answers sent in the period
	First, Next         Responses
	WaitedLong          int // chats in which a client waited longer than the reminder time for this person's answer
	Notes               int
	Chats               []int64 // the chats answered, for a list of them
}

// DayFigure is the office's median first response on one day.
type DayFigure struct {
	Day   time.Time // midnight in the office's time zone
	First Responses
}

// Report is a period's figures.
type Report struct {
	Filter  ReportFilter
	Company string // the Chat2Desk account's name, for exports
	Channel string // the chosen channel's name ("": every channel)
	Hours   OfficeHours
	Rows    []ReportRow
	Days    []DayFigure
	// Written counts clients' messages by weekday (Monday first) and
	// hour, in the office's time zone: when clients write.
	Written [7][24]int
}

// maxReportDays bounds the daily line (and so a period).
const maxReportDays = 400

// MsgReportPeriod refuses a period that is none or too long.
const MsgReportPeriod = "Choose a period that ends after it starts and is at most 400 days long."

// who answers: a staff member, else the operator.
type who struct{ staff, operator int64 }

// tally gathers one row's figures.
type tally struct {
	row         ReportRow
	chats, long map[int64]bool
	first, next []time.Duration
}

// reportSum adds up the kept days of a period.
type reportSum struct {
	f           ReportFilter
	h           OfficeHours
	loc         *time.Location
	remindAfter time.Duration
	tallies     map[who]*tally
	days        map[int64][]time.Duration // first waits by the day they began
	written     [7][24]int
	lastDay     int64 // the day of the row added last, and its weekday (Monday 0)
	lastWeekday int
}

func newReportSum(f ReportFilter, h OfficeHours, remindAfter time.Duration) *reportSum {
	return &reportSum{f: f, h: h, loc: h.location(), remindAfter: remindAfter,
		tallies: map[who]*tally{}, days: map[int64][]time.Duration{}, lastWeekday: -1}
}

func (s *reportSum) tally(w who) *tally {
	t := s.tallies[w]
	if t == nil {
		t = &tally{row: ReportRow{StaffID: w.staff, OperatorID: w.operator}, chats: map[int64]bool{}, long: map[int64]bool{}}
		s.tallies[w] = t
	}
	return t
}

// add adds one chat's day (reportfigures.go encodes it).
func (s *reportSum) add(d storage.ReportDay) error {
	r := figuresReader{b: d.Figures}
	if d.Day != s.lastDay || s.lastWeekday < 0 { // rows come day by day
		s.lastDay, s.lastWeekday = d.Day, int(time.Unix(d.Day, 0).In(s.loc).Weekday()+6)%7
	}
	for range r.count() {
		hour, n := r.next(), r.next()
		if hour < 24 {
			s.written[s.lastWeekday][hour] += int(n)
		}
	}
	for range r.count() {
		staff, operator := int64(r.next()), int64(r.next())
		t := s.tally(who{staff: staff, operator: operator})
		t.row.Answers += int(r.next())
		t.row.Notes += int(r.next())
		answered, long := false, false
		for kind := range 2 {
			for range r.count() {
				wait := time.Duration(r.next()) * time.Second
				if kind == 0 {
					t.first = append(t.first, wait)
					s.days[d.Day] = append(s.days[d.Day], wait)
				} else {
					t.next = append(t.next, wait)
				}
				answered = true
				long = long || s.remindAfter > 0 && wait > s.remindAfter
			}
		}
		if answered {
			t.chats[d.DialogID] = true
		}
		if long {
			t.long[d.DialogID] = true
		}
	}
	if r.bad || len(r.b) > 0 {
		return errFiguresDamaged
	}
	return nil
}

// report sums the counts up.
func (s *reportSum) report() Report {
	r := Report{Filter: s.f, Hours: s.h, Written: s.written, Rows: make([]ReportRow, 0, len(s.tallies))}
	for _, t := range s.tallies {
		t.row.ChatsAnswered, t.row.WaitedLong = len(t.chats), len(t.long)
		t.row.First, t.row.Next = responses(t.first), responses(t.next)
		t.row.Chats = slices.Sorted(maps.Keys(t.chats))
		r.Rows = append(r.Rows, t.row)
	}
	slices.SortFunc(r.Rows, func(a, b ReportRow) int {
		if (a.StaffID == 0) != (b.StaffID == 0) { // people first, then operators
			if a.StaffID == 0 {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.StaffID, b.StaffID), cmp.Compare(a.OperatorID, b.OperatorID))
	})
	from := s.f.From.In(s.loc)
	for day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, s.loc); day.Before(s.f.To) && len(r.Days) < maxReportDays; day = day.AddDate(0, 0, 1) {
		r.Days = append(r.Days, DayFigure{Day: day, First: responses(s.days[day.Unix()])})
	}
	return r
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
// only. On an office database it counts every PC's answers. It first
// brings the kept figures up to date, then adds up the period's days.
func (s *Session) Report(ctx context.Context, f ReportFilter) (Report, error) {
	if err := s.requireAdmin(ctx); err != nil {
		return Report{}, err
	}
	if !f.To.After(f.From) {
		return Report{}, problem(MsgReportPeriod)
	}
	h, err := s.app.Hours(ctx)
	if err != nil {
		return Report{}, err
	}
	if f = h.wholeDays(f); f.To.Sub(f.From) > maxReportDays*24*time.Hour {
		return Report{}, problem(MsgReportPeriod)
	}
	remind, err := s.app.RemindAfter(ctx)
	if err != nil {
		return Report{}, err
	}
	sum, err := s.app.sumReport(ctx, f, h, remind, false)
	if errors.Is(err, errFiguresDamaged) {
		// Figures that cannot be read back are worked out anew, once.
		s.app.log.Warn("report: kept figures could not be read; working them out again")
		sum, err = s.app.sumReport(ctx, f, h, remind, true)
	}
	if err != nil {
		return Report{}, err
	}
	r := sum.report()
	return r, s.app.nameReport(ctx, &r)
}

// sumReport adds up the period's figures (anew: every chat's worked out
// again). Where this process keeps them (a PC's own file, the office's
// poller) it first brings them up to date. A person's PC of a secured
// office may not write them — they are the poller's, so that nobody
// forges them —: it works out the chats marked out of date for itself
// and reads the others' kept days.
func (a *App) sumReport(ctx context.Context, f ReportFilter, h OfficeHours, remind time.Duration, anew bool) (*reportSum, error) {
	sum := newReportSum(f, h, remind)
	if !a.store.ForPerson() {
		if err := a.keepReportFigures(ctx, h, anew); err != nil {
			return nil, err
		}
		return sum, a.store.ReportDays(ctx, f.From, f.To, f.ChannelID, sum.add)
	}
	fresh, stale, err := a.freshFigures(ctx, h, anew)
	if err != nil {
		return nil, err
	}
	if stale != nil {
		err := a.store.ReportDays(ctx, f.From, f.To, f.ChannelID, func(d storage.ReportDay) error {
			if stale[d.DialogID] {
				return nil
			}
			return sum.add(d)
		})
		if err != nil {
			return nil, err
		}
	}
	for _, d := range fresh {
		if d.Day < f.From.Unix() || d.Day >= f.To.Unix() || f.ChannelID != 0 && d.ChannelID != f.ChannelID {
			continue
		}
		if err := sum.add(d); err != nil {
			return nil, err
		}
	}
	return sum, nil
}

// nameReport names the report's people and operators, and its company.
func (a *App) nameReport(ctx context.Context, r *Report) error {
	staff, err := a.StaffList(ctx)
	if err != nil {
		return err
	}
	ops, err := a.OperatorNames(ctx)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, st := range staff {
		names[st.ID] = st.Name
	}
	for i, row := range r.Rows {
		if row.StaffID != 0 {
			r.Rows[i].Name = names[row.StaffID]
		} else {
			r.Rows[i].Name = ops[row.OperatorID]
		}
	}
	if conn, ok, _ := a.store.LoadConnection(ctx); ok {
		r.Company = conn.Company
	}
	if r.Filter.ChannelID == 0 {
		return nil
	}
	chans, err := a.store.Channels(ctx)
	for _, ch := range chans {
		if ch.ID == r.Filter.ChannelID {
			r.Channel = ch.Name
		}
	}
	return err
}
