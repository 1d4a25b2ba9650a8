package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"c2desk/app"
	"c2desk/storage"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// waitingOffice is office() with the history loaded and answered, then
// three clients of channel 101 (open to everyone) writing: 5001 twelve
// minutes ago, 5007 eight, 5004 three.
func waitingOffice(t *testing.T, preselect string) func(*app.App) {
	return func(core *app.App) {
		office(t, preselect)(core)
		ctx := context.Background()
		if _, err := core.Poll(ctx, nil); err != nil {
			t.Fatal(err)
		}
		console := core.Console()
		chats, err := console.Chats(ctx, storage.ChatFilter{Waiting: true, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range chats {
			if err := console.NoReplyNeeded(ctx, c.ID, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func (h *harness) clientsWait() {
	now := time.Now()
	h.fake.ClientWrote(5001, "Когда можно посмотреть?", now.Add(-12*time.Minute))
	h.fake.ClientWrote(5007, "Вы работаете в воскресенье?", now.Add(-8*time.Minute))
	h.fake.ClientWrote(5004, "Есть парковка?", now.Add(-3*time.Minute))
}

// reminders are the notifications of chats waiting too long, without the
// news of messages, which the poller may still be telling (on an office
// database, another round's).
func (h *harness) reminders() []fyne.Notification {
	var out []fyne.Notification
	for _, n := range h.notes {
		if strings.HasPrefix(n.Content, "Waiting for an answer for ") || strings.HasPrefix(n.Title, "Chats waiting for an answer: ") {
			out = append(out, n)
		}
	}
	return out
}

func (h *harness) listed() []int64 {
	var ids []int64
	for _, c := range h.ui.chats.chats {
		ids = append(ids, c.ID)
	}
	return ids
}

func TestWaitingFilterRemindersAndNoReplyNeeded(t *testing.T) {
	h := start(t, false, waitingOffice(t, "Ivan Petrov"))
	h.clientsWait()
	h.signIn()
	h.eventually("the clients' messages", func() bool { return h.ui.chats != nil && len(h.ui.chats.chats) > 0 && h.ui.chats.chats[0].ID == 9004 })
	h.ui.chats.scope.SetSelected("Waiting")
	h.eventually("the waiting chats, the longest waiting first", func() bool {
		ids := h.listed()
		return len(ids) == 3 && ids[0] == 9001 && ids[1] == 9007 && ids[2] == 9004
	})
	h.eventually("how long they wait", func() bool { return h.shows("waiting 12 min") && h.shows("waiting 3 min") })
	h.capture("waiting-filter")

	// Past five minutes (the default) everyone who may see the chat is
	// reminded, once per wait: two chats at once are one notification.
	h.ui.setFocused(false)
	h.notes = nil // the messages' own notifications
	h.ui.chats.remind()
	h.eventually("one reminder of two chats", func() bool { return len(h.reminders()) == 1 })
	if r := h.reminders(); r[0].Title != "Chats waiting for an answer: 2" || r[0].Content != "Ольга Волков has waited longest: 12 min." {
		t.Fatalf("reminders: %+v", h.notes)
	}
	h.ui.chats.remind()
	h.ui.chats.remind()
	h.ui.setFocused(true)
	h.openChat(9001)
	h.eventually("the header's waiting line", func() bool {
		return h.shows("The client has waited for an answer for 12 min.") && h.button("No reply needed") != nil
	})
	if len(h.reminders()) != 1 {
		t.Fatalf("reminded again: %+v", h.notes)
	}

	// "No reply needed" takes the chat out of Waiting.
	test.Tap(h.button("No reply needed"))
	h.eventually("9001 answered", func() bool {
		ids := h.listed()
		return len(ids) == 2 && ids[0] == 9007 && !h.ui.chats.conv.waiting.Visible()
	})

	// An answer does too.
	h.openChat(9007)
	test.Type(h.composer(), "Да, с 10 до 18")
	pressEnter(h.composer(), false)
	h.eventually("9007 answered", func() bool {
		ids := h.listed()
		return len(ids) == 1 && ids[0] == 9004 && !h.ui.chats.conv.waiting.Visible()
	})
}

// A chat is reminded of once per wait, across sign-ins and restarts: only
// a new wait is told of again.
func TestRemindedOncePerWaitAcrossRestarts(t *testing.T) {
	h := start(t, false, waitingOffice(t, "Ivan Petrov"))
	h.clientsWait()
	h.signIn()
	h.eventually("the clients' messages", func() bool { return h.ui.chats != nil && len(h.ui.chats.chats) > 0 && h.ui.chats.chats[0].ID == 9004 })
	h.ui.setFocused(false)
	h.notes = nil
	h.ui.chats.remind()
	h.eventually("one reminder", func() bool { return len(h.reminders()) == 1 })

	h.restart()
	h.eventually("the chats again", func() bool { return h.ui.chats != nil && len(h.ui.chats.chats) > 0 })
	h.ui.setFocused(false)
	h.ui.chats.remind()
	h.ui.chats.remind()
	h.drain(200 * time.Millisecond)
	if len(h.reminders()) != 1 {
		t.Fatalf("the same waits told of again after a restart: %+v", h.reminders())
	}

	// A new wait, past the reminder time, is told of alone.
	h.fake.ClientWrote(5010, "Ещё вопрос", time.Now().Add(-7*time.Minute))
	if _, err := h.core.Poll(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	h.ui.chats.remind()
	h.eventually("the new wait", func() bool { return len(h.reminders()) == 2 })
	if r := h.reminders()[1]; !strings.HasPrefix(r.Content, "Waiting for an answer for ") || !strings.HasSuffix(r.Content, ": Ещё вопрос") {
		t.Fatalf("the new wait's reminder: %+v", r)
	}
}

func TestWaitingFilterInRussian(t *testing.T) {
	h := startInRussian(t, waitingOffice(t, ""))
	h.clientsWait()
	h.signInRussian()
	h.eventually("the clients' messages", func() bool { return h.ui.chats != nil && len(h.ui.chats.chats) > 0 && h.ui.chats.chats[0].ID == 9004 })
	h.ui.chats.scope.SetSelected("Ждут ответа")
	h.eventually("the waiting chats", func() bool { return len(h.listed()) >= 3 && h.shows("ждёт 12 мин") })
	h.openChat(9001)
	h.eventually("the header's waiting line", func() bool {
		return h.shows("Клиент ждёт ответа 12 мин.") && h.button("Ответ не нужен") != nil
	})
	h.capture("waiting-filter-ru")
}

// The administrator sets the reminder in Settings; it is the office's.
func TestReminderTimeIsSetInSettings(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.signIn() // Ольга
	h.tab("Settings")
	remind := h.selectOffering("Never")
	h.eventually("the reminder's setting", func() bool { return remind.Selected == "After 5 minutes without an answer" })
	remind.SetSelected("After 15 minutes without an answer")
	h.eventually("saved", func() bool { return h.shows("Saved for every computer of the office.") })
	if d, err := h.core.RemindAfter(context.Background()); err != nil || d != 15*time.Minute {
		t.Fatalf("stored %v %v", d, err)
	}
	remind.SetSelected("Never")
	h.eventually("off", func() bool { d, _ := h.core.RemindAfter(context.Background()); return d == 0 })
}
