package app

import (
	"context"
	"errors"
	"time"

	"c2desk/c2dapi"
	"c2desk/storage"
)

// Chats lists the chats this session may see: admins all; others the chats
// of channels their rule opens to them, plus chats assigned to them.
func (s *Session) Chats(ctx context.Context, f storage.ChatFilter) ([]storage.Chat, error) {
	return s.app.store.Chats(ctx, s.viewer(), f)
}

// Conversation is one screen of a chat: stored messages (oldest first) and
// what is still in the outbox.
type Conversation struct {
	Dialog   storage.Dialog
	Messages []storage.Message
	Outbox   []storage.OutboxItem
	// Events are the changes made in Chat2Desk's own app in the time the
	// messages span (for the newest page: until now).
	Events []storage.DialogEvent
}

// Conversation reads up to limit messages older than beforeID (0: newest)
// of a chat the session may see.
func (s *Session) Conversation(ctx context.Context, dialogID, beforeID int64, limit int) (Conversation, error) {
	var c Conversation
	var err error
	if c.Dialog, err = s.viewDialog(ctx, dialogID); err != nil {
		return c, err
	}
	if c.Messages, err = s.app.store.DialogMessages(ctx, dialogID, beforeID, limit); err != nil {
		return c, err
	}
	if beforeID == 0 {
		if c.Outbox, err = s.app.store.OutboxFor(ctx, dialogID); err != nil {
			return c, err
		}
	}
	if c.Events, err = s.eventsAmong(ctx, dialogID, c.Messages, beforeID == 0); err != nil {
		return c, err
	}
	return c, s.fillQuotes(ctx, c)
}

// eventsAmong is a chat's events from its first message shown to its
// last, or on to now for the newest page.
func (s *Session) eventsAmong(ctx context.Context, dialogID int64, msgs []storage.Message, newest bool) ([]storage.DialogEvent, error) {
	var since time.Time
	if len(msgs) > 0 {
		since = msgs[0].CreatedAt
	}
	events, err := s.app.store.DialogEvents(ctx, dialogID, since)
	if err != nil || newest || len(msgs) == 0 {
		return events, err
	}
	last := msgs[len(msgs)-1].CreatedAt
	kept := events[:0]
	for _, e := range events {
		if e.At.Before(last) {
			kept = append(kept, e)
		}
	}
	return kept, nil
}

// RefreshChat reads an opened chat's dialog from Chat2Desk again, so that
// a transfer or a close made in Chat2Desk's own app shows at once; it
// reports whether something changed. It costs one API call, and none
// where no token is (the office's poller sees to it) or where trusted
// webhooks bring such changes anyway.
func (s *Session) RefreshChat(ctx context.Context, dialogID int64) (bool, error) {
	if _, err := s.viewDialog(ctx, dialogID); err != nil {
		return false, err
	}
	if w, ok, err := s.app.WebhookStatus(ctx); err == nil && ok && w.Serving(s.app.cfg.Now()) {
		return false, nil
	}
	client, err := s.app.storedClient(ctx)
	if errors.Is(err, ErrNoToken) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	events, err := s.app.mirrorDialog(ctx, client, dialogID, s.app.cfg.Now())
	return len(events) > 0, err
}

// fillQuotes sets the quotes of the conversation's replies. A reply to a
// message C2Desk does not have (older than its history) keeps no quote.
func (s *Session) fillQuotes(ctx context.Context, c Conversation) error {
	var ids []int64
	for _, m := range c.Messages {
		if m.ReplyTo != 0 {
			ids = append(ids, m.ReplyTo)
		}
	}
	for _, it := range c.Outbox {
		if it.ReplyTo != 0 {
			ids = append(ids, it.ReplyTo)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	quotes, err := s.app.store.Quotes(ctx, s.viewer(), c.Dialog.ClientID, ids)
	if err != nil {
		return err
	}
	for i, m := range c.Messages {
		if q, ok := quotes[m.ReplyTo]; ok {
			c.Messages[i].Quote = &q
		}
	}
	for i, it := range c.Outbox {
		if q, ok := quotes[it.ReplyTo]; ok {
			c.Outbox[i].Quote = &q
		}
	}
	return nil
}

// MarkRead marks a chat read here and, best effort, in Chat2Desk: there
// the newest client message that was unread is marked, not the chat's
// newest message, which is often our own answer. With nothing unread
// Chat2Desk is not called at all.
func (s *Session) MarkRead(ctx context.Context, dialogID int64) error {
	if _, err := s.viewDialog(ctx, dialogID); err != nil {
		return err
	}
	newest, err := s.app.store.MarkDialogRead(ctx, dialogID)
	if err != nil || newest == 0 {
		return err
	}
	client, queue, err := s.app.clientOrQueue(ctx)
	if queue {
		return s.app.store.QueueAction(ctx, storage.OfficeAction{Kind: storage.ActionMarkRead, DialogID: dialogID, Target: newest, StaffID: s.staff.ID})
	}
	if err == nil {
		if err := client.Messages.MarkRead(ctx, c2dapi.ID(newest)); err != nil {
			s.app.log.Warn("mark read in Chat2Desk", "dialog", dialogID, "err", err)
		}
	}
	return nil
}

// Draft returns the session's unsent text for a chat.
func (s *Session) Draft(ctx context.Context, dialogID int64) (string, error) {
	if _, err := s.viewDialog(ctx, dialogID); err != nil {
		return "", err
	}
	return s.app.store.Draft(ctx, dialogID, s.staff.ID)
}

// SaveDraft keeps the session's unsent text for a chat across restarts.
func (s *Session) SaveDraft(ctx context.Context, dialogID int64, text string) error {
	if _, err := s.viewDialog(ctx, dialogID); err != nil {
		return err
	}
	return s.app.store.SaveDraft(ctx, dialogID, s.staff.ID, text)
}

// StaffNames maps staff ids to names, for showing who wrote what.
func (a *App) StaffNames(ctx context.Context) (map[int64]string, error) {
	all, err := a.store.AllStaff(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(all))
	for _, st := range all {
		out[st.ID] = st.Name
	}
	return out, nil
}

// DefaultOperator is the default account's operator id (0: none).
func (a *App) DefaultOperator(ctx context.Context) (int64, error) {
	m, err := a.store.LoadMapping(ctx)
	return m.Default, err
}

// OperatorNames maps operator ids to names, for showing who wrote what
// when C2Desk does not know the staff member (written in Chat2Desk itself).
func (a *App) OperatorNames(ctx context.Context) (map[int64]string, error) {
	ops, err := a.store.Operators(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(ops))
	for _, o := range ops {
		out[o.ID] = OperatorName(o)
	}
	return out, nil
}

// UnreadChats counts the session's chats with unread client messages.
func (s *Session) UnreadChats(ctx context.Context) (int, error) {
	return s.app.store.UnreadChats(ctx, s.viewer())
}

// Notice is a desktop notification about a client's message.
type Notice struct {
	DialogID int64
	Title    string // the client's name or phone
	Text     string
}

// Notices picks, from a poll's incoming messages, those in chats the
// session may see, one per chat (the newest), for notifications.
func (s *Session) Notices(ctx context.Context, incoming []storage.Message) ([]Notice, error) {
	var out []Notice
	index := map[int64]int{}
	for _, m := range incoming {
		ok, err := s.app.store.MayView(ctx, s.viewer(), m.DialogID)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		text := m.Text
		if text == "" && len(m.Attachments) > 0 {
			text = "📎"
		}
		if i, seen := index[m.DialogID]; seen {
			out[i].Text = text
			continue
		}
		c, err := s.app.store.ClientByID(ctx, m.ClientID)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return nil, err
		}
		title := c.Name
		if title == "" {
			title = c.Phone
		}
		index[m.DialogID] = len(out)
		out = append(out, Notice{DialogID: m.DialogID, Title: title, Text: text})
	}
	return out, nil
}

// HistoryLoaded reports whether the first load of messages has finished.
func (a *App) HistoryLoaded(ctx context.Context) (bool, error) {
	cur, err := a.store.Cursor(ctx, cursorMessages)
	return cur != "", err
}
