package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"strconv"
	"time"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

// remind tells of the chats whose client has waited past the office's
// reminder time, once per wait: a chat is told of again only after it
// was answered and its client wrote again, across sign-ins and restarts
// (remindedWaits). Several at once are one notification, not a burst. The
// chat open in the focused window is not told of: its reader sees it. The
// list's waiting times move on too.
func (t *chatsTab) remind() {
	t.list.Refresh()
	background(t.u, func(ctx context.Context) ([]app.Overdue, error) {
		return t.session.Overdue(ctx, time.Now())
	}, func(due []app.Overdue, err error) {
		if err != nil {
			return
		}
		told := t.u.remindedWaits(t.session)
		now := map[int64]time.Time{} // only the chats overdue now: the answered drop out
		var fresh []app.Overdue
		for _, d := range due {
			if at, ok := told[d.DialogID]; ok && sameSecond(at, d.WaitingSince) {
				now[d.DialogID] = d.WaitingSince
				continue
			}
			if t.u.focused && d.DialogID == t.conv.chat.ID {
				continue
			}
			now[d.DialogID] = d.WaitingSince
			fresh = append(fresh, d)
		}
		if !maps.EqualFunc(told, now, sameSecond) {
			t.u.saveRemindedWaits(t.session, now)
		}
		if n := reminder(fresh, len(due)); n != nil {
			t.u.notifyUser(n)
		}
	})
}

// sameSecond compares waits as stored: to the second.
func sameSecond(a, b time.Time) bool { return a.Unix() == b.Unix() }

// reminder is the one notification for the chats newly overdue: the chat
// itself when there is one, else how many wait and who waits longest.
func reminder(fresh []app.Overdue, overdue int) *fyne.Notification {
	switch len(fresh) {
	case 0:
		return nil
	case 1:
		d := fresh[0]
		return fyne.NewNotification(d.Title, lang.L("Waiting for an answer for {{.Time}}: {{.Text}}",
			map[string]any{"Time": waitedFor(time.Since(d.WaitingSince)), "Text": d.Text}))
	}
	longest := fresh[0] // Overdue lists the longest waiting first
	return fyne.NewNotification(lang.L("Chats waiting for an answer: {{.Count}}", map[string]any{"Count": overdue}),
		lang.L("{{.Name}} has waited longest: {{.Time}}.", map[string]any{"Name": longest.Title, "Time": waitedFor(time.Since(longest.WaitingSince))}))
}

// remindedKey names this PC's record of the waits a person was told of,
// per database: two data folders' staff ids mean different people.
func (u *UI) remindedKey(s *app.Session) string {
	h := fnv.New32a()
	h.Write([]byte(u.core.DataPath()))
	return fmt.Sprintf("reminded.%08x.%d", h.Sum32(), s.Staff().ID)
}

// remindedWaits reads, per chat, the wait the person was told of. Chat
// numbers and times only: nothing a client wrote is kept in preferences.
func (u *UI) remindedWaits(s *app.Session) map[int64]time.Time {
	out := map[int64]time.Time{}
	var stored map[string]int64
	if json.Unmarshal([]byte(u.prefs().String(u.remindedKey(s))), &stored) != nil {
		return out
	}
	for id, at := range stored {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil {
			out[n] = time.Unix(at, 0)
		}
	}
	return out
}

func (u *UI) saveRemindedWaits(s *app.Session, waits map[int64]time.Time) {
	stored := map[string]int64{}
	for id, at := range waits {
		stored[strconv.FormatInt(id, 10)] = at.Unix()
	}
	b, _ := json.Marshal(stored)
	u.prefs().SetString(u.remindedKey(s), string(b))
}
