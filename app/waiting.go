package app

import (
	"context"
	"strconv"
	"time"

	"c2desk/storage"
)

// MsgRemindAfterRange refuses a reminder time out of bounds.
const MsgRemindAfterRange = "The reminder can wait from 1 to 240 minutes, or be off."

// DefaultRemindAfter is how long a client waits before everyone who may
// see the chat is reminded, until an administrator changes it.
const DefaultRemindAfter = 5 * time.Minute

// maxRemindAfter bounds the setting: a reminder after hours is no reminder.
const maxRemindAfter = 240 * time.Minute

const settingRemindAfter = "waiting.remind_after_seconds"

// RemindAfter is how long a client may wait before a reminder; 0: never.
// It is the office's setting: on an office database every PC reads the
// same one.
func (a *App) RemindAfter(ctx context.Context) (time.Duration, error) {
	v, ok, err := a.store.Setting(ctx, settingRemindAfter)
	if err != nil || !ok {
		return DefaultRemindAfter, err
	}
	secs, err := strconv.Atoi(v)
	if err != nil || secs < 0 {
		return DefaultRemindAfter, nil
	}
	return time.Duration(secs) * time.Second, nil
}

// SetRemindAfter changes the reminder's wait (0 turns it off); administrators only.
func (s *Session) SetRemindAfter(ctx context.Context, d time.Duration) error {
	if err := s.requireAdmin(ctx); err != nil {
		return err
	}
	if d < 0 || (d > 0 && d < time.Minute) || d > maxRemindAfter {
		return problem(MsgRemindAfterRange)
	}
	return s.app.store.SetSetting(ctx, settingRemindAfter, strconv.Itoa(int(d/time.Second)))
}

// Overdue is a chat whose client has waited past the reminder's time.
type Overdue struct {
	Notice
	WaitingSince time.Time
}

// Overdue lists the chats the session may see whose client has waited
// for an answer at least RemindAfter at now, the longest waiting first.
// Each PC asks for its own person, so everyone who may see a chat is
// reminded, and nobody of a chat hidden from them. None when reminders
// are off.
func (s *Session) Overdue(ctx context.Context, now time.Time) ([]Overdue, error) {
	after, err := s.app.RemindAfter(ctx)
	if err != nil || after == 0 {
		return nil, err
	}
	chats, err := s.app.store.Chats(ctx, s.viewer(), storage.ChatFilter{Waiting: true, Limit: 50})
	if err != nil {
		return nil, err
	}
	var out []Overdue
	for _, c := range chats {
		if now.Sub(c.WaitingSince) < after {
			break // the longest waiting come first
		}
		title := c.ClientName
		if title == "" {
			title = c.ClientPhone
		}
		out = append(out, Overdue{Notice: Notice{DialogID: c.ID, Title: title, Text: c.LastText}, WaitingSince: c.WaitingSince})
	}
	return out, nil
}

// NoReplyNeeded says a chat's client messages up to throughID (the newest
// the person saw; 0: every stored one) need no answer: the chat leaves
// Waiting until the client writes again.
func (s *Session) NoReplyNeeded(ctx context.Context, dialogID, throughID int64) error {
	if _, err := s.viewDialog(ctx, dialogID); err != nil {
		return err
	}
	if throughID == 0 {
		msgs, err := s.app.store.DialogMessages(ctx, dialogID, 0, 1)
		if err != nil || len(msgs) == 0 {
			return err
		}
		throughID = msgs[0].ID
	}
	return s.app.store.SetNoReplyNeeded(ctx, dialogID, throughID)
}
