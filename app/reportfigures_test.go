package app

import (
	"context"
	"encoding/binary"
	"reflect"
	"testing"
	"time"

	"c2desk/storage"
)

// The report's figures are kept as messages come: a poll leaves none
// out of date; a message stored later is counted in the next report (its
// chat worked out again, not every chat); new working hours work every
// chat out anew; figures that cannot be read back are worked out again.
func TestReportFiguresKeptAsMessagesCome(t *testing.T) {
	e, admin, ivanStaff, _ := agency(t)
	anna, ivan := admin.Staff().ID, ivanStaff.ID
	if _, err := e.app.Poll(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if marks, err := e.store.ReportMarks(ctx); err != nil || len(marks) != 0 {
		t.Fatalf("after a poll, chats still marked: %v %v", marks, err)
	}
	if basis, _ := e.store.ReportBasis(ctx); basis == "" {
		t.Fatal("a poll kept no figures")
	}
	msk, _ := time.LoadLocation("Europe/Moscow")
	hours := OfficeHours{Days: DefaultOfficeHours.Days, From: 9 * 60, To: 19 * 60, Zone: "Europe/Moscow"}
	if err := admin.SetOfficeHours(ctx, hours); err != nil {
		t.Fatal(err)
	}
	at := func(hour, minute int) time.Time { return time.Date(2026, 12, 8, hour, minute, 0, 0, msk) }
	const channel = 909
	store := func(id int64, typ string, when time.Time, author int64) {
		t.Helper()
		d := storage.Dialog{ID: 99101, ClientID: 5001, ChannelID: channel, State: "open"}
		m := storage.Message{ID: id, DialogID: 99101, ClientID: 5001, ChannelID: channel, Type: typ, CreatedAt: when, Author: author, OperatorID: 8}
		if err := e.store.AddMessages(ctx, []storage.Dialog{d}, []storage.Message{m}); err != nil {
			t.Fatal(err)
		}
	}
	report := func() map[int64]ReportRow {
		t.Helper()
		r, err := admin.Report(ctx, ReportFilter{From: at(0, 0), To: at(24, 0), ChannelID: channel})
		if err != nil {
			t.Fatal(err)
		}
		rows := map[int64]ReportRow{}
		for _, row := range r.Rows {
			rows[row.StaffID] = row
		}
		return rows
	}
	store(900_000_101, "from_client", at(10, 0), 0)
	store(900_000_102, "to_client", at(10, 4), anna)
	if got := report()[anna].First; got != (Responses{1, 4 * time.Minute, 4 * time.Minute}) {
		t.Fatalf("Anna's first response: %+v", got)
	}
	// Ivan answers the client's next message; the next report counts it.
	store(900_000_103, "from_client", at(11, 0), 0)
	store(900_000_104, "to_client", at(11, 10), ivan)
	if marks, _ := e.store.ReportMarks(ctx); len(marks) != 1 || marks[99101] == 0 {
		t.Fatalf("marks after two messages: %v", marks)
	}
	rows := report()
	if got := rows[ivan].Next; got != (Responses{1, 10 * time.Minute, 10 * time.Minute}) || rows[anna].First.Count != 1 {
		t.Fatalf("after Ivan's answer: %+v", rows)
	}
	// The office opens at 10:02: Anna's client waited 2 working minutes.
	hours.From = 10*60 + 2
	if err := admin.SetOfficeHours(ctx, hours); err != nil {
		t.Fatal(err)
	}
	if got := report()[anna].First.Median; got != 2*time.Minute {
		t.Fatalf("with new hours, Anna's first response: %v", got)
	}
	// A message stored between polls (as a webhook stores it): the
	// poller keeps its chat's figures though its polls store nothing.
	store(900_000_105, "from_client", at(12, 0), 0)
	pctx, stop := context.WithCancel(ctx)
	p := e.app.StartPoller(pctx, nil, nil)
	eventually(t, "the poller keeps the figures", func() bool {
		marks, err := e.store.ReportMarks(ctx)
		return err == nil && len(marks) == 0
	})
	stop()
	<-p.Done()
	// Damaged figures are worked out again, not added up wrong.
	day := storage.ReportDay{DialogID: 99101, ChannelID: channel, Day: at(0, 0).Unix(), Figures: []byte{0xff}}
	if err := e.store.KeepReportFigures(ctx, storage.KeptFigures{Marks: map[int64]int64{99101: 0}, Days: []storage.ReportDay{day}}); err != nil {
		t.Fatal(err)
	}
	if got := report()[ivan].Next.Count; got != 1 {
		t.Fatalf("from damaged figures, Ivan's next responses: %d", got)
	}
}

// A kept day reads back as it was worked out; a cut or swollen one is
// refused at once (never read on for ever, never counted wrong).
func TestKeptDayReadsBack(t *testing.T) {
	b := newFiguresBuilder(OfficeHours{Days: [7]bool{true, true, true, true, true, true, true}, From: 0, To: 24 * 60, Zone: "UTC"})
	day := time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC).Unix()
	for _, m := range []storage.ReportMessage{
		{DialogID: 1, ChannelID: 5, At: day + 10*3600, Type: "from_client"},
		{DialogID: 1, ChannelID: 5, At: day + 10*3600 + 240, Type: "to_client", Author: 3, OperatorID: 8},
		{DialogID: 1, ChannelID: 5, At: day + 11*3600, Type: "from_client"},
		{DialogID: 1, ChannelID: 5, At: day + 11*3600 + 600, Type: "to_client", OperatorID: 9},
		{DialogID: 1, ChannelID: 5, At: day + 11*3600 + 700, Type: "comment", Author: 3, OperatorID: 8},
	} {
		b.add(m)
	}
	days := b.encoded()
	if len(days) != 1 || days[0].Day != day || days[0].ChannelID != 5 {
		t.Fatalf("days: %+v", days)
	}
	sum := newReportSum(ReportFilter{From: time.Unix(day, 0), To: time.Unix(day+86400, 0)}, b.h, 5*time.Minute)
	if err := sum.add(days[0]); err != nil {
		t.Fatal(err)
	}
	r := sum.report()
	want := []ReportRow{
		{StaffID: 3, ChatsAnswered: 1, Answers: 1, Notes: 1, First: Responses{1, 4 * time.Minute, 4 * time.Minute}, Chats: []int64{1}},
		{OperatorID: 9, ChatsAnswered: 1, Answers: 1, Next: Responses{1, 10 * time.Minute, 10 * time.Minute}, WaitedLong: 1, Chats: []int64{1}},
	}
	if !reflect.DeepEqual(r.Rows, want) || r.Written[1][10] != 1 || r.Written[1][11] != 1 {
		t.Fatalf("read back: %+v, written Tuesday %v", r.Rows, r.Written[1])
	}
	whole := days[0].Figures
	for n := range len(whole) {
		cut := storage.ReportDay{DialogID: 1, Day: day, Figures: whole[:n]}
		if err := newReportSum(sum.f, b.h, 0).add(cut); err != errFiguresDamaged {
			t.Fatalf("cut to %d of %d bytes: %v", n, len(whole), err)
		}
	}
	swollen := storage.ReportDay{DialogID: 1, Day: day, Figures: binary.AppendUvarint(nil, 1<<40)}
	if err := newReportSum(sum.f, b.h, 0).add(swollen); err != errFiguresDamaged {
		t.Fatalf("a day claiming 2^40 hours: %v", err)
	}
}

// In a secured office the figures are the poller's to keep: an
// administrator's report on a joined PC counts a chat whose figures are
// out of date by working it out for itself, and writes nothing; once the
// poller keeps them, the report reads the same.
func TestOfficeAdministratorsReportKeepsNoFigures(t *testing.T) {
	o := securedOffice(t)
	pc, err := o.joinWith(t, o.ownerInvites(t, "Ресепшн"))
	if err != nil {
		t.Fatal(err)
	}
	admin, err := pc.SignIn(ctx, o.admin.Staff().ID, "1234")
	if err != nil {
		t.Fatal(err)
	}
	hours, err := o.app.Hours(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.app.keepReportFigures(ctx, hours, false); err != nil { // the poller's, before the answer
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 8, 10, 0, 0, 0, time.Local)
	ivan := o.ivan.Staff().ID
	d := storage.Dialog{ID: 99201, ClientID: 5001, ChannelID: 909, State: "open"}
	msgs := []storage.Message{
		{ID: 900_000_201, DialogID: 99201, ClientID: 5001, ChannelID: 909, Type: "from_client", CreatedAt: at},
		{ID: 900_000_202, DialogID: 99201, ClientID: 5001, ChannelID: 909, Type: "to_client", CreatedAt: at.Add(4 * time.Minute), Author: ivan, OperatorID: 8},
	}
	if err := o.store.AddMessages(ctx, []storage.Dialog{d}, msgs); err != nil {
		t.Fatal(err)
	}
	report := func() []ReportRow {
		t.Helper()
		r, err := admin.Report(ctx, ReportFilter{From: at, To: at.Add(time.Hour), ChannelID: 909})
		if err != nil {
			t.Fatal(err)
		}
		return r.Rows
	}
	want := []ReportRow{{StaffID: ivan, Name: "Ivan Petrov", ChatsAnswered: 1, Answers: 1,
		First: Responses{1, 4 * time.Minute, 4 * time.Minute}, Chats: []int64{99201}}}
	if got := report(); !reflect.DeepEqual(got, want) {
		t.Fatalf("before the poller kept the chat: %+v", got)
	}
	if marks, _ := o.store.ReportMarks(ctx); marks[99201] == 0 {
		t.Fatalf("the administrator's report cleared the chat's mark: %v", marks)
	}
	if err := o.app.keepReportFigures(ctx, hours, false); err != nil {
		t.Fatal(err)
	}
	if marks, _ := o.store.ReportMarks(ctx); len(marks) != 0 {
		t.Fatalf("the poller left marks: %v", marks)
	}
	if got := report(); !reflect.DeepEqual(got, want) {
		t.Fatalf("from the kept figures: %+v", got)
	}
}
