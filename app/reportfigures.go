package app

// The report's figures, worked out chat by chat and kept by day as
// messages are stored (storage/reportdays.go): a month's report then reads
// some hundred thousand chat-days instead of millions of messages. A
// chat's messages are read in time order from its first; each day of it
// keeps what happened that day — clients' messages by hour, each person's
// answers and notes, and the waits that began that day with who ended
// them — so that any period of whole days is a sum of its days.

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sync"
	"time"

	"c2desk/c2dapi"
	"c2desk/storage"
)

// figuresVersion changes whenever what a day keeps, or how it is
// counted, changes: kept figures of another version are worked out anew.
const figuresVersion = 1

// figuresBasis is what kept figures depend on beside the messages: the
// working hours and their time zone (this computer's, by its offsets in
// winter and summer, when the office names none).
func figuresBasis(h OfficeHours) string {
	hours, _ := json.Marshal(h) // plain fields always encode
	zone := h.location().String()
	if h.Zone == "" {
		_, winter := time.Date(2026, 1, 1, 12, 0, 0, 0, time.Local).Zone()
		_, summer := time.Date(2026, 7, 1, 12, 0, 0, 0, time.Local).Zone()
		zone = fmt.Sprintf("local %d %d", winter, summer)
	}
	return fmt.Sprintf("v%d %s %s %s", figuresVersion, newRequestAfter, zone, hours)
}

// chatKey is a chat in one channel: its figures are worked out apart
// from its other channels', as a report of one channel sees them.
type chatKey struct{ dialog, channel int64 }

type dayKey struct {
	chatKey
	day int64 // Unix seconds of the office day's midnight
}

// personDay is one person's part of a chat's day.
type personDay struct {
	who
	answers, notes int
	first, next    []uint32 // waits that began this day, in working seconds
}

// dayFigures is what happened in a chat on one day.
type dayFigures struct {
	written [24]uint16 // clients' messages by hour
	people  []personDay
}

func (d *dayFigures) person(w who) *personDay {
	for i := range d.people {
		if d.people[i].who == w {
			return &d.people[i]
		}
	}
	d.people = append(d.people, personDay{who: w})
	return &d.people[len(d.people)-1]
}

// chatState is where a chat stands as its messages are counted.
type chatState struct {
	last, waitingSince int64 // Unix seconds; 0: none
	answeredInRequest  bool
}

// figuresBuilder works out chats' days from their messages.
type figuresBuilder struct {
	h                OfficeHours
	loc              *time.Location
	chats            map[chatKey]chatState
	days             map[dayKey]*dayFigures
	dayStart, dayEnd int64 // the day last asked for: messages come in time order
}

func newFiguresBuilder(h OfficeHours) *figuresBuilder {
	return &figuresBuilder{h: h, loc: h.location(), chats: map[chatKey]chatState{}, days: map[dayKey]*dayFigures{}}
}

// day is the midnight, in the office's zone, of the day unix falls in.
func (b *figuresBuilder) day(unix int64) int64 {
	if unix < b.dayStart || unix >= b.dayEnd {
		t := time.Unix(unix, 0).In(b.loc)
		start := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, b.loc)
		b.dayStart, b.dayEnd = start.Unix(), start.AddDate(0, 0, 1).Unix()
	}
	return b.dayStart
}

// hour is the hour of the day unix falls in (after day(unix)).
func (b *figuresBuilder) hour(unix int64) int {
	if b.dayEnd-b.dayStart == 24*3600 {
		return int((unix - b.dayStart) / 3600)
	}
	return time.Unix(unix, 0).In(b.loc).Hour() // a day the clocks change
}

func (b *figuresBuilder) figures(k chatKey, day int64) *dayFigures {
	d := b.days[dayKey{k, day}]
	if d == nil {
		d = &dayFigures{}
		b.days[dayKey{k, day}] = d
	}
	return d
}

// add counts one message; a chat's messages come in time order.
func (b *figuresBuilder) add(m storage.ReportMessage) {
	k := chatKey{m.DialogID, m.ChannelID}
	st := b.chats[k]
	defer func() { b.chats[k] = st }()
	quiet := st.last != 0 && time.Duration(m.At-st.last)*time.Second >= newRequestAfter
	st.last = m.At
	w := who{staff: m.Author}
	if m.Author == 0 {
		w.operator = m.OperatorID
	}
	switch m.Type {
	case c2dapi.TypeFromClient:
		d := b.figures(k, b.day(m.At))
		d.written[b.hour(m.At)]++
		if st.waitingSince == 0 {
			st.waitingSince = m.At
			if quiet {
				st.answeredInRequest = false // a new request; a client still waiting goes on waiting
			}
		}
	case c2dapi.TypeComment:
		b.figures(k, b.day(m.At)).person(w).notes++
	case c2dapi.TypeToClient:
		b.figures(k, b.day(m.At)).person(w).answers++
		if st.waitingSince == 0 {
			return // nothing to answer
		}
		wait := uint32(b.h.WorkingTime(time.Unix(st.waitingSince, 0), time.Unix(m.At, 0)) / time.Second)
		p := b.figures(k, b.day(st.waitingSince)).person(w) // a wait belongs to the day it began
		if st.answeredInRequest {
			p.next = append(p.next, wait)
		} else {
			p.first = append(p.first, wait)
		}
		st.waitingSince, st.answeredInRequest = 0, true
	}
}

// encoded is the builder's days as storage keeps them, in the order of
// their key: inserted in it, each row goes at the end of the table's tree.
func (b *figuresBuilder) encoded() []storage.ReportDay {
	out := make([]storage.ReportDay, 0, len(b.days))
	for k, d := range b.days {
		out = append(out, storage.ReportDay{DialogID: k.dialog, ChannelID: k.channel, Day: k.day, Figures: d.encode()})
	}
	slices.SortFunc(out, compareDays)
	return out
}

func compareDays(a, b storage.ReportDay) int {
	return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.ChannelID, b.ChannelID), cmp.Compare(a.DialogID, b.DialogID))
}

// encode writes a day as unsigned varints: the hours clients wrote in
// (count, then hour and messages each), then the people (count, then
// staff, operator, answers, notes, and the first and next waits, each a
// count and the waits).
func (d *dayFigures) encode() []byte {
	var hours uint64
	for _, n := range d.written {
		if n > 0 {
			hours++
		}
	}
	buf := binary.AppendUvarint(make([]byte, 0, 16), hours)
	for h, n := range d.written {
		if n > 0 {
			buf = binary.AppendUvarint(binary.AppendUvarint(buf, uint64(h)), uint64(n))
		}
	}
	buf = binary.AppendUvarint(buf, uint64(len(d.people)))
	for _, p := range d.people {
		for _, v := range []uint64{uint64(p.staff), uint64(p.operator), uint64(p.answers), uint64(p.notes)} {
			buf = binary.AppendUvarint(buf, v)
		}
		for _, waits := range [][]uint32{p.first, p.next} {
			buf = binary.AppendUvarint(buf, uint64(len(waits)))
			for _, w := range waits {
				buf = binary.AppendUvarint(buf, uint64(w))
			}
		}
	}
	return buf
}

// errFiguresDamaged means a kept day could not be read back.
var errFiguresDamaged = errors.New("the report's kept figures are damaged")

// figuresReader reads an encoded day back.
type figuresReader struct {
	b   []byte
	bad bool
}

func (r *figuresReader) next() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad, r.b = true, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads how many entries follow: each takes a byte at least, so a
// count beyond the bytes left is damage (and no endless loop).
func (r *figuresReader) count() uint64 {
	v := r.next()
	if v > uint64(len(r.b)) {
		r.bad, r.b = true, nil
		return 0
	}
	return v
}

// keepsFiguresWhole: with more chats marked than this, every chat's
// figures are worked out in one read of all messages, which is quicker
// than reading so many chats one by one.
const keepsFiguresWhole = 5000

// chatsPerRead is how many marked chats one read and one transaction
// bring up to date.
const chatsPerRead = 500

// figuresMu lets one keeping of the figures run at a time in this
// process: the poller's and a report's, or two Apps' of one database.
var figuresMu sync.Mutex

// figuresPlan is where keeping or working out the figures starts.
type figuresPlan struct {
	marks map[int64]int64 // the chats marked out of date, with their marks' versions
	basis string          // what figures worked out now depend on
	whole bool            // every chat anew: other hours, many marks, or asked
}

func (a *App) planFigures(ctx context.Context, h OfficeHours, anew bool) (figuresPlan, error) {
	marks, err := a.store.ReportMarks(ctx)
	if err != nil {
		return figuresPlan{}, err
	}
	kept, err := a.store.ReportBasis(ctx)
	if err != nil {
		return figuresPlan{}, err
	}
	basis := figuresBasis(h)
	return figuresPlan{marks: marks, basis: basis, whole: anew || kept != basis || len(marks) > keepsFiguresWhole}, nil
}

// workOutMarked works out the marked chats' days, chatsPerRead chats at
// a time, handing each share to done.
func (a *App) workOutMarked(ctx context.Context, h OfficeHours, marks map[int64]int64, done func(chats []int64, days []storage.ReportDay) error) error {
	for chunk := range slices.Chunk(slices.Sorted(maps.Keys(marks)), chatsPerRead) {
		b := newFiguresBuilder(h)
		if err := a.store.ReportMessagesOf(ctx, chunk, b.add); err != nil {
			return err
		}
		if err := done(chunk, b.encoded()); err != nil {
			return err
		}
	}
	return nil
}

// keepReportFigures brings the kept figures up to date: the marked chats'
// worked out again, or everyone's when the working hours changed (or
// anew asks).
func (a *App) keepReportFigures(ctx context.Context, h OfficeHours, anew bool) error {
	figuresMu.Lock()
	defer figuresMu.Unlock()
	plan, err := a.planFigures(ctx, h, anew)
	if err != nil {
		return err
	}
	if plan.whole {
		days, err := a.workOutAll(ctx, h)
		if err != nil {
			return err
		}
		return a.store.KeepReportFigures(ctx, storage.KeptFigures{All: true, Marks: plan.marks, Basis: plan.basis, Days: days})
	}
	return a.workOutMarked(ctx, h, plan.marks, func(chats []int64, days []storage.ReportDay) error {
		marks := make(map[int64]int64, len(chats))
		for _, id := range chats {
			marks[id] = plan.marks[id]
		}
		return a.store.KeepReportFigures(ctx, storage.KeptFigures{Marks: marks, Days: days})
	})
}

// keepFiguresEvery is how often the poller keeps the figures besides
// after polls that stored messages: webhooks store them between polls.
const keepFiguresEvery = time.Minute

// keepFigures keeps the report's figures as messages come (a report
// brings up the rest); a failure waits for the next time.
func (a *App) keepFigures(ctx context.Context) {
	h, err := a.Hours(ctx)
	if err == nil {
		err = a.keepReportFigures(ctx, h, false)
	}
	if err != nil {
		a.log.Warn("report: the kept figures were not brought up to date", "err", err)
	}
}

// freshFigures works out, without keeping them, the figures a report
// cannot take from the kept ones: the marked chats' (stale names them),
// or every chat's (stale nil) when the plan says whole.
func (a *App) freshFigures(ctx context.Context, h OfficeHours, anew bool) (fresh []storage.ReportDay, stale map[int64]bool, err error) {
	plan, err := a.planFigures(ctx, h, anew)
	if err != nil {
		return nil, nil, err
	}
	if plan.whole {
		fresh, err = a.workOutAll(ctx, h)
		return fresh, nil, err
	}
	stale = make(map[int64]bool, len(plan.marks))
	err = a.workOutMarked(ctx, h, plan.marks, func(chats []int64, days []storage.ReportDay) error {
		fresh = append(fresh, days...)
		for _, id := range chats {
			stale[id] = true
		}
		return nil
	})
	return fresh, stale, err
}

// workOutAll works out every chat's days. From a SQLite file a share of
// the chats is read on each processor (up to four): go-sqlite3 hands rows
// over one by one. An office database is read in one go: split in two,
// PostgreSQL took three times as long.
func (a *App) workOutAll(ctx context.Context, h OfficeHours) ([]storage.ReportDay, error) {
	parts := min(max(runtime.NumCPU(), 1), 4)
	if a.store.Office() {
		parts = 1
	}
	days := make([][]storage.ReportDay, parts)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for i := range parts {
		wg.Go(func() {
			b := newFiguresBuilder(h)
			errs[i] = a.store.ReportMessages(ctx, time.Unix(0, 0), time.Unix(1<<40, 0), 0, i, parts, b.add)
			days[i] = b.encoded()
		})
	}
	wg.Wait()
	all := slices.Concat(days...)
	if parts > 1 {
		slices.SortFunc(all, compareDays)
	}
	return all, errors.Join(errs...)
}
