package app

import (
	"testing"
	"time"

	"c2desk/c2dapi"
	"c2desk/storage"
)

func waitingChats(t *testing.T, s *Session) []storage.Chat {
	t.Helper()
	chats, err := s.Chats(ctx, storage.ChatFilter{Waiting: true, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return chats
}

func waitingSince(t *testing.T, s *Session, dialogID int64) time.Time {
	t.Helper()
	for _, c := range waitingChats(t, s) {
		if c.ID == dialogID {
			return c.WaitingSince
		}
	}
	return time.Time{}
}

func TestWaitingForAnAnswer(t *testing.T) {
	o := chatsOffice(t)
	// Every chat starts answered; two clients write, the second later.
	for _, id := range []int64{chatOn101, chatOn101 + 3} {
		if err := o.ivan.NoReplyNeeded(ctx, id, 0); err != nil {
			t.Fatal(err)
		}
		if w := waitingSince(t, o.ivan, id); !w.IsZero() {
			t.Fatalf("chat %d still waits since %v", id, w)
		}
	}
	first, _ := o.fake.ClientWrote(5001, "Когда показ?", time.Now().Add(-20*time.Minute))
	o.fake.ClientWrote(5001, "Алло?", time.Now().Add(-10*time.Minute))
	o.fake.ClientWrote(5004, "Есть парковка?", time.Now().Add(-2*time.Minute))
	if _, err := o.app.Poll(ctx, nil); err != nil {
		t.Fatal(err)
	}
	waiting := waitingChats(t, o.ivan)
	if len(waiting) < 2 {
		t.Fatalf("waiting: %+v", waiting)
	}
	for i := 1; i < len(waiting); i++ {
		if waiting[i].WaitingSince.Before(waiting[i-1].WaitingSince) {
			t.Fatalf("not the longest waiting first: %+v", waiting)
		}
	}
	// The wait counts from the first unanswered message.
	if w := waitingSince(t, o.ivan, chatOn101); !w.Equal(first.Created.Time) {
		t.Fatalf("chat waits since %v, want %v", w, first.Created.Time)
	}

	// A note is no answer; an answer to the client is.
	note, _ := o.ivan.Queue(ctx, chatOn101, "Перезвоню сам", KindNote)
	if _, err := o.app.Deliver(ctx, note.ID); err != nil {
		t.Fatal(err)
	}
	if waitingSince(t, o.ivan, chatOn101).IsZero() {
		t.Fatal("a note ended the wait")
	}
	reply, _ := o.ivan.Queue(ctx, chatOn101, "Показ в субботу", KindReply)
	if _, err := o.app.Deliver(ctx, reply.ID); err != nil {
		t.Fatal(err)
	}
	if w := waitingSince(t, o.ivan, chatOn101); !w.IsZero() {
		t.Fatalf("answered chat still waits since %v", w)
	}

	// An answer written in Chat2Desk's own window ends it too.
	o.fake.ClientWrites(5001, "Спасибо")
	if _, err := o.app.Poll(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if waitingSince(t, o.ivan, chatOn101).IsZero() {
		t.Fatal("the client's new message does not wait")
	}

	// "No reply needed" for what the agent saw; a message that came
	// after it still waits.
	seen := lastOfType(t, o.ivan, chatOn101, c2dapi.TypeFromClient)
	late, _ := o.fake.ClientWrites(5001, "И ещё вопрос")
	if _, err := o.app.Poll(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := o.ivan.NoReplyNeeded(ctx, chatOn101, seen.ID); err != nil {
		t.Fatal(err)
	}
	if w := waitingSince(t, o.ivan, chatOn101); !w.Equal(late.Created.Time) {
		t.Fatalf("after no reply needed the chat waits since %v, want %v (the later message)", w, late.Created.Time)
	}
	if err := o.ivan.NoReplyNeeded(ctx, chatOn101, 0); err != nil {
		t.Fatal(err)
	}
	if w := waitingSince(t, o.ivan, chatOn101); !w.IsZero() {
		t.Fatalf("still waits since %v", w)
	}

	// A closed chat waits for nobody (the seed closes every fourth, some
	// with the client's word last); nor can Ivan clear a chat he may not see.
	for _, c := range waitingChats(t, o.admin) {
		if c.State != c2dapi.DialogOpen {
			t.Fatalf("a closed chat waits: %+v", c)
		}
	}
	err := o.ivan.NoReplyNeeded(ctx, chatOn103, 0)
	wantProblem(t, err, MsgNotYourChat)
}

func TestRemindersGoToEveryoneWhoMaySeeTheChat(t *testing.T) {
	o := chatsOffice(t)
	now := time.Now()
	for _, s := range []*Session{o.admin} {
		chats, err := s.Chats(ctx, storage.ChatFilter{Waiting: true, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range chats {
			if err := s.NoReplyNeeded(ctx, c.ID, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	o.fake.ClientWrote(5001, "Ау, есть кто?", now.Add(-7*time.Minute)) // 101: everyone
	o.fake.ClientWrote(5003, "Срочно", now.Add(-9*time.Minute))        // 103: admins
	o.fake.ClientWrote(5004, "Только что", now.Add(-time.Minute))      // 101, too fresh
	if _, err := o.app.Poll(ctx, nil); err != nil {
		t.Fatal(err)
	}
	due := func(s *Session) []int64 {
		t.Helper()
		got, err := s.Overdue(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, d := range got {
			if d.Title == "" || d.Text == "" {
				t.Fatalf("a reminder without its client or text: %+v", d)
			}
			ids = append(ids, d.DialogID)
		}
		return ids
	}
	if got := due(o.admin); len(got) != 2 || got[0] != chatOn103 || got[1] != chatOn101 {
		t.Fatalf("admin is reminded of %v, want [%d %d] (the longest waiting first)", got, chatOn103, chatOn101)
	}
	if got := due(o.ivan); len(got) != 1 || got[0] != chatOn101 {
		t.Fatalf("ivan is reminded of %v, want only %d", got, chatOn101)
	}

	// The administrator sets the time; agents may not; off is off.
	wantProblem(t, o.admin.SetRemindAfter(ctx, 30*time.Second), MsgRemindAfterRange)
	if err := o.ivan.SetRemindAfter(ctx, time.Minute); err != ErrNotAllowed {
		t.Fatalf("an agent changed the reminder: %v", err)
	}
	if err := o.admin.SetRemindAfter(ctx, 8*time.Minute); err != nil {
		t.Fatal(err)
	}
	if got := due(o.admin); len(got) != 1 || got[0] != chatOn103 {
		t.Fatalf("after 8 minutes: %v", got)
	}
	if err := o.admin.SetRemindAfter(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if got := due(o.admin); len(got) != 0 {
		t.Fatalf("reminders are off, yet: %v", got)
	}
}
