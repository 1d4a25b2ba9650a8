package app

import (
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
	// Damaged figures are worked out again, not added up wrong.
	day := storage.ReportDay{DialogID: 99101, ChannelID: channel, Day: at(0, 0).Unix(), Figures: []byte{0xff}}
	if err := e.store.KeepReportFigures(ctx, storage.KeptFigures{Marks: map[int64]int64{99101: 0}, Days: []storage.ReportDay{day}}); err != nil {
		t.Fatal(err)
	}
	if got := report()[ivan].Next.Count; got != 1 {
		t.Fatalf("from damaged figures, Ivan's next responses: %d", got)
	}
}
