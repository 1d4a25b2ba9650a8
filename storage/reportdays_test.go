package storage

import (
	"maps"
	"slices"
	"testing"
	"time"
)

// A chat is marked whenever a message that counts in the reports changes
// (stored, its author set, removed), not when it is only read; a mark is
// cleared only by figures worked out after it.
func TestReportMarksFollowMessages(t *testing.T) {
	s := openTemp(t)
	staffID, err := s.CreateStaff(ctx, Staff{Name: "Анна", Role: RoleAgent, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	dialogs := []Dialog{{ID: 70, ClientID: 7, ChannelID: 1, State: "open"}, {ID: 71, ClientID: 7, ChannelID: 1, State: "open"}}
	msgs := []Message{
		{ID: 700, DialogID: 70, ClientID: 7, ChannelID: 1, Type: "from_client", CreatedAt: time.Unix(1000, 0)},
		{ID: 701, DialogID: 70, ClientID: 7, ChannelID: 1, Type: "to_client", CreatedAt: time.Unix(1060, 0), OperatorID: 8},
	}
	if err := s.AddMessages(ctx, dialogs, msgs); err != nil {
		t.Fatal(err)
	}
	marks := reportMarks(t, s)
	if !slices.Equal(slices.Sorted(maps.Keys(marks)), []int64{70}) {
		t.Fatalf("marks after storing chat 70's messages: %v", marks)
	}
	kept := KeptFigures{Marks: marks, Days: []ReportDay{{DialogID: 70, ChannelID: 1, Day: 0, Figures: []byte{1, 2}}}}
	if err := s.KeepReportFigures(ctx, kept); err != nil {
		t.Fatal(err)
	}
	if m := reportMarks(t, s); len(m) != 0 {
		t.Fatalf("marks left after keeping: %v", m)
	}
	// Read: no mark. Its author set: a mark.
	if _, err := s.db.ExecContext(ctx, `UPDATE messages SET read = 1 WHERE id = 700`); err != nil {
		t.Fatal(err)
	}
	if m := reportMarks(t, s); len(m) != 0 {
		t.Fatalf("reading a message marked its chat: %v", m)
	}
	if err := s.AttributeAnswers(ctx, 8, 0, staffID); err != nil {
		t.Fatal(err)
	}
	first := reportMarks(t, s)
	if len(first) != 1 {
		t.Fatalf("setting an answer's author: marks %v", first)
	}
	// A message stored while the figures were worked out marks the chat
	// again: keeping after the first mark leaves the second.
	if err := s.AddMessages(ctx, dialogs[:1], []Message{{ID: 702, DialogID: 70, ClientID: 7, ChannelID: 1, Type: "from_client", CreatedAt: time.Unix(2000, 0)}}); err != nil {
		t.Fatal(err)
	}
	if err := s.KeepReportFigures(ctx, KeptFigures{Marks: first}); err != nil {
		t.Fatal(err)
	}
	if m := reportMarks(t, s); len(m) != 1 || m[70] <= first[70] {
		t.Fatalf("a newer mark was cleared by older figures: %v (was %v)", m, first)
	}
	// Removed messages mark their chat too.
	if _, err := s.db.ExecContext(ctx, `DELETE FROM messages WHERE dialog_id = 70`); err != nil {
		t.Fatal(err)
	}
	if m := reportMarks(t, s); m[70] <= first[70]+1 {
		t.Fatalf("removing messages: marks %v", m)
	}
	// Keeping a chat's figures replaces its days (chat 70's were replaced
	// by none above), no other chat's.
	other := KeptFigures{Marks: map[int64]int64{}, Days: []ReportDay{{DialogID: 71, ChannelID: 1, Day: 86400, Figures: []byte{3}}}}
	if err := s.KeepReportFigures(ctx, other); err != nil {
		t.Fatal(err)
	}
	var got []int64
	err = s.ReportDays(ctx, time.Unix(0, 0), time.Unix(2*86400, 0), 0, func(d ReportDay) error {
		got = append(got, d.DialogID, d.Day, int64(len(d.Figures)))
		return nil
	})
	if err != nil || !slices.Equal(got, []int64{71, 86400, 1}) {
		t.Fatalf("kept days %v, %v", got, err)
	}
}

func reportMarks(t *testing.T, s *Store) map[int64]int64 {
	t.Helper()
	m, err := s.ReportMarks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
