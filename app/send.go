package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"c2desk/c2dapi"
	"c2desk/storage"
)

// Sentences for sending.
const (
	MsgNoOperator   = "You cannot send yet: an administrator must give you an operator or choose the default account in the Operators tab."
	MsgEmptyMessage = "Type a message first."
	MsgNotYourChat  = "This chat is not open to you."
	MsgUnclearSend  = "Chat2Desk did not confirm this message. C2Desk will check before sending it again, so the client will not get it twice."
	MsgQuoteGone    = "The message you are replying to is not in this chat any more. Send without the quote, or choose another message."
)

// Message kinds the composer sends.
const (
	KindReply = c2dapi.TypeToClient
	KindNote  = c2dapi.TypeComment // internal note, never delivered to the client
)

// Outgoing is what a person sends to a chat.
type Outgoing struct {
	DialogID int64
	Text     string
	Kind     string // KindReply or KindNote
	ReplyTo  int64  // the message quoted; 0 for none
}

// Send is what the composer's Send does: the message is written to the
// outbox (err: it was not, and nothing is lost but what was typed), the
// chat's draft cleared, and the message delivered now. delivery is why
// it was not delivered yet; the message shows that, with Retry.
func (s *Session) Send(ctx context.Context, o Outgoing) (delivery, err error) {
	it, err := s.QueueOutgoing(ctx, o)
	if err != nil {
		return nil, err
	}
	if err := s.SaveDraft(ctx, o.DialogID, ""); err != nil {
		s.app.log.Warn("clear the draft after sending", "dialog", o.DialogID, "err", err)
	}
	_, delivery = s.app.Deliver(ctx, it.ID)
	return delivery, nil
}

// SendFiles delivers files queued by QueueFiles, one after the other;
// each that fails shows on its message, with Retry. It stops early only
// when ctx ends.
func (s *Session) SendFiles(ctx context.Context, items []storage.OutboxItem) {
	for _, it := range items {
		if _, err := s.app.Deliver(ctx, it.ID); err != nil && ctx.Err() != nil {
			return
		}
	}
}

// Queue writes a message to the outbox; see QueueOutgoing.
func (s *Session) Queue(ctx context.Context, dialogID int64, text, kind string) (storage.OutboxItem, error) {
	return s.QueueOutgoing(ctx, Outgoing{DialogID: dialogID, Text: text, Kind: kind})
}

// QueueOutgoing writes a message to the outbox, before any network call,
// after checking the chat is open to the sender and resolving the
// operator it will go out under: the sender's own active operator, else
// the default account. A quoted message must be one of the chat's client
// that the sender may see. Deliver sends it.
func (s *Session) QueueOutgoing(ctx context.Context, o Outgoing) (storage.OutboxItem, error) {
	text := strings.TrimSpace(o.Text)
	if text == "" {
		return storage.OutboxItem{}, problem(MsgEmptyMessage)
	}
	kind := o.Kind
	if kind != KindNote {
		kind = KindReply
	}
	d, err := s.viewDialog(ctx, o.DialogID)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	if o.ReplyTo != 0 {
		quoted, err := s.app.store.Quotes(ctx, s.viewer(), d.ClientID, []int64{o.ReplyTo})
		if err != nil {
			return storage.OutboxItem{}, err
		}
		if _, ok := quoted[o.ReplyTo]; !ok {
			return storage.OutboxItem{}, problem(MsgQuoteGone)
		}
	}
	opID, err := s.operatorForSending(ctx)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	it := storage.OutboxItem{ClientID: d.ClientID, DialogID: d.ID, ChannelID: d.ChannelID, Transport: d.Transport,
		Type: kind, Text: text, Author: s.staff.ID, OperatorID: opID, State: storage.OutboxQueued, ReplyTo: o.ReplyTo}
	crashPoint("before-outbox-write")
	if it.ID, err = s.app.store.Enqueue(ctx, it); err != nil {
		return storage.OutboxItem{}, err
	}
	crashPoint("after-outbox-write")
	it.CreatedAt = s.app.cfg.Now().UTC()
	return it, nil
}

// operatorForSending resolves the operator now, not when the mapping was saved.
func (s *Session) operatorForSending(ctx context.Context) (int64, error) {
	return s.app.operatorFor(ctx, s.staff.ID)
}

// operatorFor is the operator a staff member's messages go out under now.
func (a *App) operatorFor(ctx context.Context, staffID int64) (int64, error) {
	as, err := a.sendingAs(ctx, staffID)
	switch {
	case err != nil:
		return 0, err
	case as.canSend:
		return as.operator.ID, nil
	case !as.anyOperators:
		return 0, nil // an account without operators sends without one
	}
	return 0, problem(MsgNoOperator)
}

// sending is who a staff member's messages go out under.
type sending struct {
	operator     storage.Operator // their own, or the default account
	viaDefault   bool
	canSend      bool // false: neither is usable
	anyOperators bool // the account has operators at all
}

// sendingAs applies the sending rule (ResolveOperator) to the mapping and
// the operators as they are now, not as they were when the mapping was
// saved. Sending, assigning and a person's reach all ask it.
func (a *App) sendingAs(ctx context.Context, staffID int64) (sending, error) {
	ops, err := a.store.Operators(ctx)
	if err != nil {
		return sending{}, err
	}
	m, err := a.store.LoadMapping(ctx)
	if err != nil {
		return sending{}, err
	}
	byID := make(map[int64]storage.Operator, len(ops))
	for _, o := range ops {
		byID[o.ID] = o
	}
	id, viaDefault, ok := ResolveOperator(staffID, m, byID)
	return sending{operator: byID[id], viaDefault: viaDefault, canSend: ok, anyOperators: len(ops) > 0}, nil
}

// viewDialog returns a dialog the session may see, or a refusal.
func (s *Session) viewDialog(ctx context.Context, dialogID int64) (storage.Dialog, error) {
	ok, err := s.app.store.MayView(ctx, s.viewer(), dialogID)
	if err != nil {
		return storage.Dialog{}, err
	}
	if !ok {
		return storage.Dialog{}, problem(MsgNotYourChat)
	}
	return s.app.store.DialogByID(ctx, dialogID)
}

func (s *Session) viewer() storage.Viewer {
	return storage.Viewer{StaffID: s.staff.ID, Console: s.console}
}

// Deliver sends an outbox item to Chat2Desk. An item whose earlier attempt
// got no clear answer is first looked for in its dialog, so a message that
// did arrive is confirmed instead of sent twice. The item leaves the outbox
// only with Chat2Desk's message id.
func (a *App) Deliver(ctx context.Context, outboxID int64) (storage.OutboxItem, error) {
	// A joined computer that keeps the poller's credential sends through
	// the poller's role, which checks the item again.
	if a.guarded() && a.poller != nil {
		return a.poller.Deliver(ctx, outboxID)
	}
	// In an office, only the poller sends; the others' items wait for it.
	if lead, err := a.mayPoll(ctx); err != nil || !lead {
		if err != nil {
			return storage.OutboxItem{}, err
		}
		return a.store.OutboxItemByID(ctx, outboxID)
	}
	// One delivery per item at a time, across processes: the composer and
	// the background sender may reach for the same fresh item together,
	// and so may an office's old and new poller.
	if !a.claim(outboxID) {
		return a.store.OutboxItemByID(ctx, outboxID)
	}
	defer a.release(outboxID)
	claimed, startBy, err := a.claimForSending(ctx, outboxID)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	if !claimed {
		return a.store.OutboxItemByID(ctx, outboxID)
	}
	defer a.store.ReleaseOutbox(context.WithoutCancel(ctx), outboxID, a.holder)
	it, err := a.store.OutboxItemByID(ctx, outboxID)
	if err != nil || it.State == storage.OutboxSent {
		return it, err
	}
	return a.deliverClaimed(ctx, it, startBy)
}

// deliverClaimed sends an item this process holds until startBy: checked
// again, looked for in Chat2Desk when an earlier try's answer was lost,
// its file uploaded, then sent.
func (a *App) deliverClaimed(ctx context.Context, it storage.OutboxItem, startBy sendDeadline) (storage.OutboxItem, error) {
	if err := a.stillMaySend(ctx, it); err != nil {
		a.log.Warn("not sent: its author may no longer send it", "outbox", it.ID, "author", it.Author, "err", err)
		return a.outboxKept(ctx, it, storage.OutboxFailed, err)
	}
	client, err := a.storedClient(ctx)
	if err != nil {
		return it, err
	}
	if it.State == storage.OutboxUnclear || it.State == storage.OutboxSending {
		found, err := a.findDelivered(ctx, client, it)
		if err != nil {
			return it, err
		}
		if found != nil {
			return a.confirm(ctx, it, *found)
		}
	}
	if err := a.store.MarkOutbox(ctx, it.ID, storage.OutboxSending, ""); err != nil {
		return it, err
	}
	if it.File != nil {
		// The file first: Chat2Desk takes it only at a link. Nothing has
		// reached Chat2Desk if this fails, so it may be tried again.
		link, err := a.uploadFile(ctx, it)
		if err != nil {
			state := storage.OutboxFailed
			var ne *c2dapi.NetworkError
			if errors.As(err, &ne) {
				state, err = storage.OutboxQueued, problem(MsgStorageUnreachable)
			}
			a.log.Warn("file upload failed", "outbox", it.ID, "state", state, "err", err)
			return a.outboxKept(ctx, it, state, err)
		}
		it.File.URL = link
	}
	if a.store.Office() {
		// A poller frozen past its lease must not send beside the one
		// that took over: it checks, as late as it can.
		if lead, err := a.Lead(ctx); err != nil || !lead {
			return it, err
		}
	}
	it.State = storage.OutboxSending
	crashPoint("before-request")
	// Past its claim, another process may have the item: this one must
	// not start the request (a frozen or sleeping process wakes here).
	if startBy.passed(time.Now()) {
		a.log.Warn("send not started: its claim ran out", "outbox", it.ID)
		return it, nil
	}
	return a.send(ctx, client, it, startBy)
}

// send makes the request, started before startBy, and confirms the
// message Chat2Desk accepted or keeps the item in the state its failure
// calls for.
func (a *App) send(ctx context.Context, client *c2dapi.Client, it storage.OutboxItem, startBy sendDeadline) (storage.OutboxItem, error) {
	sendCtx, cancel := context.WithDeadline(ctx, startBy.monotonic)
	defer cancel()
	sent, err := client.Messages.Send(sendCtx, outgoingOf(it))
	if err == nil && sent.MessageID <= 0 {
		// Accepted, it seems, but without the id that proves it: unclear,
		// so looked for before any second try, like a lost answer.
		err = &c2dapi.DecodeError{Err: errors.New("the answer to a send has no message id")}
	}
	if err != nil {
		state := storage.OutboxFailed
		var busy *c2dapi.RateLimitError
		switch {
		case unclear(err):
			state = storage.OutboxUnclear
		case errors.As(err, &busy):
			// Not accepted, so safe to send again: the next round does,
			// once the limit allows, without the user retrying.
			state = storage.OutboxQueued
		}
		a.log.Warn("send failed", "outbox", it.ID, "state", state, "err", err)
		return a.outboxKept(ctx, it, state, err)
	}
	return a.confirm(ctx, it, c2dapi.Message{ID: sent.MessageID, DialogID: sent.DialogID, ChannelID: sent.ChannelID,
		OperatorID: sent.OperatorID, Transport: sent.Transport})
}

// outgoingOf is an outbox item as Chat2Desk takes it.
func outgoingOf(it storage.OutboxItem) c2dapi.OutgoingMessage {
	out := c2dapi.OutgoingMessage{
		ClientID: c2dapi.ID(it.ClientID), Text: it.Text, Type: it.Type, Transport: it.Transport,
		ChannelID: c2dapi.ID(it.ChannelID), OperatorID: c2dapi.ID(it.OperatorID), ReplyMessageID: c2dapi.ID(it.ReplyTo),
	}
	if it.File != nil {
		out.AttachmentFilename = it.File.Name
		if isPDF(it.File) {
			out.PDF = it.File.URL
		} else {
			out.Attachment = it.File.URL
		}
	}
	return out
}

// outboxKept records that an item was not sent, and why: failed (for its
// author to retry or discard), queued (for the next round) or unclear
// (to be looked for in Chat2Desk first). It returns the item so, with why.
func (a *App) outboxKept(ctx context.Context, it storage.OutboxItem, state string, why error) (storage.OutboxItem, error) {
	if err := a.store.MarkOutbox(context.WithoutCancel(ctx), it.ID, state, Explain(why)); err != nil {
		return it, err
	}
	it.State = state
	return it, why
}

// MsgMayNoLongerSend is an office's item the poller refused to send: its
// author was deactivated, lost the chat, or now sends under another
// operator since it was written.
const MsgMayNoLongerSend = "Not sent: since it was written its author was deactivated, the chat is no longer open to them, or they now answer under another operator. Send it again if it should still go."

// stillMaySend checks an office's outbox item again as the poller sends
// it: a PC wrote it, and the office database checked it then; the rules
// may have changed since (on one PC the window checked it a moment ago).
func (a *App) stillMaySend(ctx context.Context, it storage.OutboxItem) error {
	if !a.store.Office() || it.Author == 0 {
		return nil
	}
	st, err := a.store.StaffByID(ctx, it.Author)
	if errors.Is(err, storage.ErrNotFound) {
		return problem(MsgMayNoLongerSend)
	}
	if err != nil {
		return err
	}
	v := storage.Viewer{StaffID: st.ID}
	var ok bool
	if it.DialogID != 0 {
		ok, err = a.store.MayView(ctx, v, it.DialogID)
	} else {
		var hidden bool
		hidden, err = a.store.HidesChatsOf(ctx, v, it.ClientID)
		ok = !hidden
	}
	if err != nil {
		return err
	}
	op, opErr := a.operatorFor(ctx, st.ID)
	if !st.Active || !ok || opErr != nil || op != it.OperatorID {
		return problem(MsgMayNoLongerSend)
	}
	return nil
}

// crashPoint marks the moments the crash test (crash_test.go) stops the
// process at, to prove no message is lost or sent twice; it does nothing
// otherwise.
var crashPoint = func(string) {}

// claim and release keep one delivery per item within this process; the
// database's claim (claimForSending) keeps one across processes.
func (a *App) claim(outboxID int64) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.delivering[outboxID] {
		return false
	}
	if a.delivering == nil {
		a.delivering = map[int64]bool{}
	}
	a.delivering[outboxID] = true
	return true
}

func (a *App) release(outboxID int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.delivering, outboxID)
}

// unclear reports whether Chat2Desk may have acted on a request whose answer
// was lost: a transport failure or a server error, not a refusal.
func unclear(err error) bool {
	var ne *c2dapi.NetworkError
	var se *c2dapi.ServerError
	var de *c2dapi.DecodeError
	return errors.As(err, &ne) || errors.As(err, &se) || errors.As(err, &de)
}

// findDelivered looks in the item's dialog for the message it would have
// created: same text, same type, same operator, not older than the item.
// Every message since the item was queued is read, in pages from the
// newest stored message older than it: an item may wait unclear while
// many others go out (its sender frozen, its claim running out), and a
// look at only the newest fifty sent it a second time. A first message
// to a new client has no dialog yet: its client's messages are looked in
// instead.
func (a *App) findDelivered(ctx context.Context, client *c2dapi.Client, it storage.OutboxItem) (*c2dapi.Message, error) {
	since := it.CreatedAt.Add(-time.Minute)
	start, err := a.store.MessageBefore(ctx, it.DialogID, it.ClientID, since)
	if err != nil {
		return nil, err
	}
	opts := c2dapi.MessageListOptions{DialogID: c2dapi.ID(it.DialogID)}
	if it.DialogID == 0 {
		opts.ClientID = c2dapi.ID(it.ClientID)
	}
	var candidates []c2dapi.Message // oldest first
	var ids []int64
	next := c2dapi.ID(start + 1)
	for {
		page, after, err := client.Messages.Since(ctx, next, pollPageSize, opts)
		if err != nil {
			return nil, fmt.Errorf("check for a delivered message: %w", err)
		}
		for _, m := range page.Items {
			if string(m.Type) == it.Type && strings.TrimSpace(string(m.Text)) == it.Text &&
				int64(m.OperatorID) == it.OperatorID && !m.Created.Before(since) && carriesFile(m, it.File) {
				candidates = append(candidates, m)
				ids = append(ids, int64(m.ID))
			}
		}
		if !page.Full(pollPageSize) || after == next {
			break
		}
		next = after
	}
	if len(candidates) == 0 {
		return nil, nil
	}
	// "Ok" sent twice: the earlier item owns the first one.
	claimed, err := a.store.ClaimedMessages(ctx, it.ID, ids)
	if err != nil {
		return nil, err
	}
	// Oldest first, so items sent in order claim messages in order.
	for _, m := range candidates {
		if !claimed[int64(m.ID)] {
			return &m, nil
		}
	}
	return nil, nil
}

// carriesFile reports whether a message has the outbox item's file (any
// message does for an item without one).
func carriesFile(m c2dapi.Message, f *storage.OutboxFile) bool {
	if f == nil {
		return true
	}
	if f.URL == "" {
		return false // never uploaded: never sent
	}
	// Wherever the message holds links, as they are stored.
	return slices.ContainsFunc(fromAPIMessage(m, time.Time{}).Attachments, func(a storage.Attachment) bool { return a.Link == f.URL })
}

func (a *App) confirm(ctx context.Context, it storage.OutboxItem, m c2dapi.Message) (storage.OutboxItem, error) {
	stored := storage.Message{
		ID: int64(m.ID), DialogID: it.DialogID, ClientID: it.ClientID, ChannelID: it.ChannelID, Transport: it.Transport,
		Type: it.Type, Text: it.Text, Read: true, CreatedAt: a.cfg.Now().UTC().Truncate(time.Second),
		OperatorID: it.OperatorID, Author: it.Author, ReplyTo: it.ReplyTo,
	}
	if it.File != nil {
		stored.Attachments = []storage.Attachment{{Name: it.File.Name, Link: it.File.URL, Kind: AttachmentKind(it.File.Name, it.File.Mime)}}
		// This PC shows the file from its own copy, whatever the link does.
		if data, err := a.store.OutboxFileData(ctx, it.ID); err == nil {
			a.cacheMedia(it.File.URL, it.File.Name, data)
		}
	}
	if m.DialogID != 0 {
		stored.DialogID = int64(m.DialogID)
	}
	if !m.Created.IsZero() {
		stored.CreatedAt = m.Created.Time
	}
	// A first message opens a dialog C2Desk has not seen yet.
	if known, err := a.store.HasDialog(ctx, stored.DialogID); err != nil {
		return it, err
	} else if !known {
		if err := a.store.UpsertDialog(context.WithoutCancel(ctx), storage.Dialog{ID: stored.DialogID, ClientID: it.ClientID,
			ChannelID: it.ChannelID, Transport: it.Transport, State: c2dapi.DialogOpen, OperatorID: it.OperatorID, BeginAt: stored.CreatedAt}); err != nil {
			return it, err
		}
	}
	crashPoint("before-commit")
	// Confirmation must be recorded even if the caller gave up waiting.
	if err := a.store.ConfirmSent(context.WithoutCancel(ctx), it.ID, stored); err != nil {
		return it, err
	}
	it.State, it.MessageID, it.DialogID = storage.OutboxSent, stored.ID, stored.DialogID
	a.log.Info("message sent", "outbox", it.ID, "message", stored.ID, "operator", it.OperatorID)
	return it, nil
}

// DeliverPending sends what a crash or a network failure left in the
// outbox. Failed items wait for the user's retry or discard.
func (a *App) DeliverPending(ctx context.Context) (sent int, err error) {
	items, err := a.store.Pending(ctx)
	if err != nil {
		return 0, err
	}
	for _, it := range items {
		if it.State == storage.OutboxFailed {
			continue
		}
		got, derr := a.Deliver(ctx, it.ID)
		if derr != nil {
			err = derr
			if PollStops(derr) {
				return sent, err
			}
			continue
		}
		if got.State == storage.OutboxSent {
			sent++
		}
	}
	return sent, err
}

// Retry sends a failed or unclear item again, on the user's request.
func (s *Session) Retry(ctx context.Context, outboxID int64) (storage.OutboxItem, error) {
	it, err := s.app.store.OutboxItemByID(ctx, outboxID)
	if err != nil {
		return it, err
	}
	if _, err := s.viewDialog(ctx, it.DialogID); err != nil {
		return it, err
	}
	// A refused message goes out under whom its author sends as now: the
	// refusal may have been an operator removed in Chat2Desk since. An
	// unclear one keeps its operator, by which it is looked for.
	if it.State == storage.OutboxFailed && s.app.guarded() {
		// On a joined computer the office database does it, for the author.
		if ok, err := s.app.store.RetryOutbox(ctx, it.ID); err != nil || !ok {
			if err == nil {
				err = problem(MsgForbidden)
			}
			return it, err
		}
	} else if it.State == storage.OutboxFailed {
		op, err := s.app.operatorFor(ctx, it.Author)
		if err != nil {
			return it, err
		}
		if op != it.OperatorID {
			if err := s.app.store.SetOutboxOperator(ctx, it.ID, op); err != nil {
				return it, err
			}
		}
	}
	return s.app.Deliver(ctx, outboxID)
}

// Discard drops an unsent message the user gave up on.
func (s *Session) Discard(ctx context.Context, outboxID int64) error {
	it, err := s.app.store.OutboxItemByID(ctx, outboxID)
	if err != nil {
		return err
	}
	if _, err := s.viewDialog(ctx, it.DialogID); err != nil {
		return err
	}
	return s.app.store.Discard(ctx, outboxID)
}

// SendingAs is the operator the session's messages go out under now (0:
// none, or an account without operators), as Queue would resolve it.
func (s *Session) SendingAs(ctx context.Context) (int64, error) {
	op, err := s.operatorForSending(ctx)
	var p *Problem
	if errors.As(err, &p) {
		return 0, nil
	}
	return op, err
}
