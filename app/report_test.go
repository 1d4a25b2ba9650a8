package app

import (
	"testing"
	"time"

	"c2desk/storage"
)

// A hand-worked office week (Mon 7 – Sun 13 Dec 2026, Moscow, Mon–Fri
// 9:00–19:00, reminder after 5 minutes). Each wait is worked out below.
func TestReportFiguresWorkedOutByHand(t *testing.T) {
	e, admin, ivanStaff, _ := agency(t)
	anna, ivan := admin.Staff().ID, ivanStaff.ID
	if err := admin.SetOfficeHours(ctx, OfficeHours{Days: DefaultOfficeHours.Days, From: 9 * 60, To: 19 * 60, Zone: "Europe/Moscow"}); err != nil {
		t.Fatal(err)
	}
	msk, _ := time.LoadLocation("Europe/Moscow")
	at := func(day, hour, minute, second int) time.Time {
		return time.Date(2026, 12, day, hour, minute, second, 0, msk)
	}
	next := int64(900_000_000)
	var msgs []storage.Message
	say := func(dialog int64, typ string, when time.Time, author, operator int64) {
		next++
		msgs = append(msgs, storage.Message{ID: next, DialogID: dialog, ClientID: 5001, ChannelID: 101, Transport: "telegram", Type: typ,
			Text: "…", CreatedAt: when, Author: author, OperatorID: operator})
	}
	const client, answer, note, auto, system = "from_client", "to_client", "comment", "autoreply", "system"
	// A: Anna answers in 4 min (first); the client writes twice, Anna
	// answers 10 min after the first of them (next, over the reminder);
	// her second answer in a row answers nothing; a note.
	say(99001, client, at(7, 10, 0, 0), 0, 0)
	say(99001, answer, at(7, 10, 4, 0), anna, 8)
	say(99001, client, at(7, 10, 10, 0), 0, 0)
	say(99001, client, at(7, 10, 12, 0), 0, 0)
	say(99001, answer, at(7, 10, 20, 0), anna, 8)
	say(99001, answer, at(7, 10, 21, 0), anna, 8)
	say(99001, note, at(7, 10, 22, 0), anna, 8)
	// B: written at 18:50, answered by Ivan at 9:15 the next morning: 10
	// + 15 minutes of working time.
	say(99002, client, at(7, 18, 50, 0), 0, 0)
	say(99002, answer, at(8, 9, 15, 0), ivan, 8)
	// C: written on Friday at 18:30, answered in Chat2Desk's own app
	// (operator 9, no author) on Monday 9:05, after the period: 30 + 5
	// minutes, the wait the period's, the answer not.
	say(99003, client, at(11, 18, 30, 0), 0, 0)
	say(99003, answer, at(14, 9, 5, 0), 0, 9)
	// D: three messages before the answer, an autoreply and a system
	// message between (no answers): 30 minutes from the first.
	say(99004, client, at(9, 12, 0, 0), 0, 0)
	say(99004, auto, at(9, 12, 0, 30), 0, 0)
	say(99004, client, at(9, 12, 1, 0), 0, 0)
	say(99004, system, at(9, 12, 1, 30), 0, 0)
	say(99004, client, at(9, 12, 2, 0), 0, 0)
	say(99004, answer, at(9, 12, 30, 0), ivan, 8)
	// E: the wait began before the period (Sunday evening): Anna's answer
	// counts as an answer, the wait not.
	say(99005, client, at(6, 20, 0, 0), 0, 0)
	say(99005, answer, at(7, 9, 30, 0), anna, 8)
	// F: a request answered by Anna in 5 minutes (not over the reminder);
	// a day later the client writes again — a new request, answered by
	// Ivan in 2 minutes: a first response again.
	say(99006, client, at(8, 10, 0, 0), 0, 0)
	say(99006, answer, at(8, 10, 5, 0), anna, 8)
	say(99006, client, at(9, 10, 0, 0), 0, 0)
	say(99006, answer, at(9, 10, 2, 0), ivan, 8)
	var dialogs []storage.Dialog
	for id := int64(99001); id <= 99006; id++ {
		dialogs = append(dialogs, storage.Dialog{ID: id, ClientID: 5001, ChannelID: 101, Transport: "telegram", State: "open"})
	}
	if err := e.store.AddMessages(ctx, dialogs, msgs); err != nil {
		t.Fatal(err)
	}
	rows, err := admin.Report(ctx, ReportFilter{From: at(7, 0, 0, 0), To: at(14, 0, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	m := time.Minute
	want := []ReportRow{
		{StaffID: anna, ChatsAnswered: 2, Answers: 5, First: Responses{2, 4 * m, 5 * m}, Next: Responses{1, 10 * m, 10 * m}, WaitedLong: 1, Notes: 1},
		{StaffID: ivan, ChatsAnswered: 3, Answers: 3, First: Responses{3, 25 * m, 30 * m}, WaitedLong: 2},
		{OperatorID: 9, ChatsAnswered: 1, Answers: 0, First: Responses{1, 35 * m, 35 * m}, WaitedLong: 1},
	}
	var ours []ReportRow // the fake's seeded history has answers of its own
	for _, r := range rows {
		if r.StaffID == anna || r.StaffID == ivan || r.StaffID == 0 && r.OperatorID == 9 {
			ours = append(ours, r)
		}
	}
	if len(ours) != len(want) {
		t.Fatalf("rows %+v", rows)
	}
	for i := range want {
		if ours[i] != want[i] {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, ours[i], want[i])
		}
	}
	// Agents see no report.
	ivanSession, _ := e.app.SignIn(ctx, ivan, "")
	if _, err := ivanSession.Report(ctx, ReportFilter{From: at(7, 0, 0, 0), To: at(14, 0, 0, 0)}); err == nil {
		t.Fatal("an agent read the report")
	}
}
