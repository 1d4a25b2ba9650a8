package app

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"slices"
	"testing"
	"time"

	"c2desk/c2dapi/c2dfake"
	"c2desk/storage"

	"github.com/xuri/excelize/v2"
)

// A hand-worked office week (Mon 7 – Sun 13 Dec 2026, Moscow, Mon–Fri
// 9:00–19:00, reminder after 5 minutes). Each wait is worked out below.
func TestReportFiguresWorkedOutByHand(t *testing.T) {
	e, admin, ivanStaff, marinaStaff := agency(t)
	anna, ivan, marina := admin.Staff().ID, ivanStaff.ID, marinaStaff.ID
	if err := admin.SetOfficeHours(ctx, OfficeHours{Days: DefaultOfficeHours.Days, From: 9 * 60, To: 19 * 60, Zone: "Europe/Moscow"}); err != nil {
		t.Fatal(err)
	}
	msk, _ := time.LoadLocation("Europe/Moscow")
	at := func(day, hour, minute, second int) time.Time {
		return time.Date(2026, 12, day, hour, minute, second, 0, msk)
	}
	const ours = 909 // a channel of these chats alone: the fake's history has chats of its own this week
	next := int64(900_000_000)
	var msgs []storage.Message
	say := func(dialog int64, typ string, when time.Time, author, operator int64) {
		next++
		msgs = append(msgs, storage.Message{ID: next, DialogID: dialog, ClientID: 5001, ChannelID: ours, Transport: "telegram", Type: typ,
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
	// G: transferred from Anna to Marina a minute after the client
	// wrote (a system message); Marina answers 5 minutes after it: the
	// client waited 6, over the reminder, and the wait is Marina's.
	say(99007, client, at(10, 11, 0, 0), 0, 0)
	say(99007, system, at(10, 11, 1, 0), 0, 0)
	say(99007, answer, at(10, 11, 6, 0), marina, 8)
	var dialogs []storage.Dialog
	for id := int64(99001); id <= 99007; id++ {
		dialogs = append(dialogs, storage.Dialog{ID: id, ClientID: 5001, ChannelID: ours, Transport: "telegram", State: "open"})
	}
	if err := e.store.AddMessages(ctx, dialogs, msgs); err != nil {
		t.Fatal(err)
	}
	report, err := admin.Report(ctx, ReportFilter{From: at(7, 0, 0, 0), To: at(14, 0, 0, 0), ChannelID: ours})
	if err != nil {
		t.Fatal(err)
	}
	checkHandWorkedRows(t, report.Rows, anna, ivan, marina)
	checkHandWorkedDays(t, report, at)
	// Every channel: the same rows among the fake's; another channel:
	// none of them.
	everyChannel, err := admin.Report(ctx, ReportFilter{From: at(7, 0, 0, 0), To: at(14, 0, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	checkHandWorkedRows(t, everyChannel.Rows, anna, ivan, marina)
	other, err := admin.Report(ctx, ReportFilter{From: at(7, 0, 0, 0), To: at(14, 0, 0, 0), ChannelID: 101})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range other.Rows {
		if slices.ContainsFunc(r.Chats, func(id int64) bool { return id >= 99001 && id <= 99007 }) {
			t.Errorf("channel 101's report counts chat of channel %d: %+v", ours, r)
		}
	}
	// Agents see no report.
	ivanSession, _ := e.app.SignIn(ctx, ivan, "")
	if _, err := ivanSession.Report(ctx, ReportFilter{From: at(7, 0, 0, 0), To: at(14, 0, 0, 0)}); err == nil {
		t.Fatal("an agent read the report")
	}
	_, err = admin.Report(ctx, ReportFilter{From: at(14, 0, 0, 0), To: at(7, 0, 0, 0)})
	wantProblem(t, err, MsgReportPeriod)
}

// checkHandWorkedRows compares the rows of the hand-worked week's people
// (and operator 9) with the figures worked out by hand.
func checkHandWorkedRows(t *testing.T, rows []ReportRow, anna, ivan, marina int64) {
	t.Helper()
	m := time.Minute
	want := []ReportRow{
		{StaffID: anna, Name: "Ольга Смирнова", ChatsAnswered: 2, Answers: 5, First: Responses{2, 4 * m, 5 * m}, Next: Responses{1, 10 * m, 10 * m}, WaitedLong: 1, Notes: 1,
			Chats: []int64{99001, 99006}},
		{StaffID: ivan, Name: "Ivan Petrov", ChatsAnswered: 3, Answers: 3, First: Responses{3, 25 * m, 30 * m}, WaitedLong: 2, Chats: []int64{99002, 99004, 99006}},
		{StaffID: marina, Name: "Марина", ChatsAnswered: 1, Answers: 1, First: Responses{1, 6 * m, 6 * m}, WaitedLong: 1, Chats: []int64{99007}},
		{OperatorID: 9, ChatsAnswered: 1, Answers: 0, First: Responses{1, 35 * m, 35 * m}, WaitedLong: 1, Chats: []int64{99003}},
	}
	var ours []ReportRow // the fake's seeded history has answers of its own
	for _, r := range rows {
		if r.StaffID == anna || r.StaffID == ivan || r.StaffID == marina || r.StaffID == 0 && r.OperatorID == 9 {
			if r.StaffID == 0 { // named by the fake's operator list
				if r.Name == "" {
					t.Errorf("operator %d unnamed", r.OperatorID)
				}
				r.Name = ""
			}
			ours = append(ours, r)
		}
	}
	if len(ours) != len(want) {
		t.Fatalf("rows %+v", rows)
	}
	for i := range want {
		if !reflect.DeepEqual(ours[i], want[i]) {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, ours[i], want[i])
		}
	}
}

// checkHandWorkedDays compares the office's daily median first response
// and when clients wrote with the hand-worked week.
func checkHandWorkedDays(t *testing.T, r Report, at func(day, hour, minute, second int) time.Time) {
	t.Helper()
	m := time.Minute
	// First responses by the day their wait began: Mon 4 and 25 (median,
	// nearest rank: 4); Tue 5; Wed 30 and 2 (2); Thu 6; Fri 35.
	want := []DayFigure{
		{at(7, 0, 0, 0), Responses{2, 4 * m, 25 * m}}, {at(8, 0, 0, 0), Responses{1, 5 * m, 5 * m}},
		{at(9, 0, 0, 0), Responses{2, 2 * m, 30 * m}}, {at(10, 0, 0, 0), Responses{1, 6 * m, 6 * m}},
		{at(11, 0, 0, 0), Responses{1, 35 * m, 35 * m}}, {at(12, 0, 0, 0), Responses{}}, {at(13, 0, 0, 0), Responses{}},
	}
	if len(r.Days) != len(want) {
		t.Fatalf("days %+v", r.Days)
	}
	for i := range want {
		if !r.Days[i].Day.Equal(want[i].Day) || r.Days[i].First != want[i].First {
			t.Errorf("day %d: got %+v, want %+v", i, r.Days[i], want[i])
		}
	}
	// Clients wrote (Monday first, Moscow hours): Mon 10:00, 10:10, 10:12,
	// 18:50; Tue 10:00; Wed 10:00, 12:00, 12:01, 12:02; Thu 11:00; Fri
	// 18:30. Sunday 6th's message is before the period.
	var written [7][24]int
	written[0][10], written[0][18], written[1][10] = 3, 1, 1
	written[2][10], written[2][12], written[3][11], written[4][18] = 1, 3, 1, 1
	if r.Written != written {
		t.Errorf("written %v, want %v", r.Written, written)
	}
}

// The live strip counts the chats waiting now in three bands.
func TestNowCountsWaitingChatsInBands(t *testing.T) {
	e, admin, ivan, _ := agency(t)
	now := time.Now().Truncate(time.Second)
	before, err := admin.Now(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	// Clients waiting 1, 3, 7 and 25 minutes: green, green (3 is still
	// green), orange, red.
	var dialogs []storage.Dialog
	var msgs []storage.Message
	for i, waited := range []time.Duration{time.Minute, 3 * time.Minute, 7 * time.Minute, 25 * time.Minute} {
		id := int64(98001 + i)
		dialogs = append(dialogs, storage.Dialog{ID: id, ClientID: 5001, ChannelID: 909, Transport: "telegram", State: "open"})
		msgs = append(msgs, storage.Message{ID: 910_000_000 + id, DialogID: id, ClientID: 5001, ChannelID: 909, Transport: "telegram",
			Type: "from_client", Text: "?", CreatedAt: now.Add(-waited)})
	}
	if err := e.store.AddMessages(ctx, dialogs, msgs); err != nil {
		t.Fatal(err)
	}
	after, err := admin.Now(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	added := [3]int{after.Waiting[0] - before.Waiting[0], after.Waiting[1] - before.Waiting[1], after.Waiting[2] - before.Waiting[2]}
	if added != [3]int{2, 1, 1} || after.Longest < 25*time.Minute {
		t.Fatalf("added %v, longest %v", added, after.Longest)
	}
	if len(after.Working) != 0 {
		t.Fatalf("nobody signed in on a joined computer, yet: %+v", after.Working)
	}
	ivanSession, _ := e.app.SignIn(ctx, ivan.ID, "")
	if _, err := ivanSession.Now(ctx, now); err != ErrNotAllowed {
		t.Fatalf("an agent read the live strip: %v", err)
	}
}

// The exported table, read back: the heading says what it counts, the
// numbers are the report's, in minutes.
func TestReportExportReadsBack(t *testing.T) {
	msk, _ := time.LoadLocation("Europe/Moscow")
	r := Report{
		Filter:  ReportFilter{From: time.Date(2026, 12, 1, 0, 0, 0, 0, msk), To: time.Date(2027, 1, 1, 0, 0, 0, 0, msk)},
		Hours:   OfficeHours{Days: DefaultOfficeHours.Days, From: 540, To: 1140, Zone: "Europe/Moscow"},
		Company: "Агентство «Дом»",
		Rows: []ReportRow{
			{StaffID: 1, Name: "Анна", ChatsAnswered: 12, Answers: 30, First: Responses{12, 90 * time.Second, 7 * time.Minute}, Next: Responses{3, 4 * time.Minute, 9*time.Minute + 57*time.Second}, WaitedLong: 2, Notes: 1},
			{OperatorID: 9, Name: "Дмитрий", ChatsAnswered: 1, Answers: 1, First: Responses{1, time.Minute, time.Minute}},
		},
	}
	var csvOut bytes.Buffer
	if err := WriteReport(&csvOut, r, FormatCSV, nil); err != nil {
		t.Fatal(err)
	}
	reader := csv.NewReader(&csvOut)
	reader.FieldsPerRecord = -1 // the heading's lines are shorter than the table's
	recs, err := reader.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wantCSV := [][]string{
		{"Office", "Агентство «Дом»"}, {"Period", "2026-12-01 – 2026-12-31"}, {"Channel", "All channels"},
		{"Only the office's working hours are counted."},
		{"Person", "Chats answered", "Answers sent", "First response, median (min)", "First response, 90% (min)",
			"Next response, median (min)", "Next response, 90% (min)", "Chats that waited past the reminder", "Internal notes"},
		{"Анна", "12", "30", "1.5", "7", "4", "10", "2", "1"},
		{"Дмитрий (in Chat2Desk)", "1", "1", "1", "1", "", "", "0", "0"},
	}
	// encoding/csv skips the empty line between the heading and the table.
	if !reflect.DeepEqual(recs, wantCSV) {
		t.Fatalf("csv:\n%q\nwant\n%q", recs, wantCSV)
	}

	var xlsx bytes.Buffer
	if err := WriteReport(&xlsx, r, FormatXLSX, func(s string) string { return "«" + s + "»" }); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 8 || rows[0][1] != "Агентство «Дом»" || rows[1][1] != "2026-12-01 – 2026-12-31" || rows[5][0] != "«Person»" ||
		rows[6][3] != "1.5" || rows[7][0] != "Дмитрий («in Chat2Desk»)" {
		t.Fatalf("xlsx rows %q", rows)
	}
	if typ, _ := f.GetCellType("Sheet1", "D7"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("a response time is stored as %v, not a number", typ)
	}
	if err := WriteReport(&xlsx, r, "pdf", nil); err == nil {
		t.Fatal("a pdf was written")
	}
}

// The demo's month says something: each of its four people answers at a
// pace of their own, Dmitry's phone-app answers have a row of their own,
// and clients write in working hours most.
func TestDemoMonthReport(t *testing.T) {
	e := newEnv(t, c2dfake.WithDemoMonth())
	console := e.app.Console()
	if _, err := console.Connect(ctx, c2dfake.DemoToken); err != nil {
		t.Fatal(err)
	}
	if _, err := console.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Poll(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := console.SetUpDemoAgency(ctx); err != nil {
		t.Fatal(err)
	}
	h, _ := e.app.Hours(ctx)
	f := h.Period(PeriodMonth, time.Now())
	f.From = time.Now().AddDate(0, 0, -30)
	r, err := console.Report(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	medians := map[string]time.Duration{}
	for _, row := range r.Rows {
		name := RowName(row, nil)
		if row.First.Count < 5 {
			continue // the older sample chats' odd answers
		}
		medians[name] = row.First.Median
	}
	if !(medians["Марина Орлова"] < medians["Kate Wilson"] && medians["Kate Wilson"] < medians["Dmitry Ivanov"] &&
		medians["Dmitry Ivanov"] < medians["Ольга Смирнова"]) || medians["Dmitry Ivanov (in Chat2Desk)"] == 0 {
		t.Fatalf("the demo's people do not differ as planned: %v", medians)
	}
	inHours, outside := 0, 0
	for day := range r.Written {
		for hour, n := range r.Written[day] {
			if day < 5 && hour >= 9 && hour < 19 {
				inHours += n
			} else {
				outside += n
			}
		}
	}
	if inHours < 2*outside { // the older sample chats were written at any hour
		t.Fatalf("clients wrote %d messages in working hours, %d outside", inHours, outside)
	}
}
