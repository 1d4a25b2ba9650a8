package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"c2desk/c2dapi"
	"c2desk/storage"
)

// A PC of an office without the token never calls Chat2Desk: a close,
// reopen, transfer or mark-read made there is applied in the office
// database at once and queued (storage.OfficeAction) for the office's
// poller, which tells Chat2Desk, as it sends the outbox.

// clientOrQueue is the API client, or queue true on an office PC without
// the token, where the action waits for the poller instead.
func (a *App) clientOrQueue(ctx context.Context) (client *c2dapi.Client, queue bool, err error) {
	client, err = a.storedClient(ctx)
	if errors.Is(err, ErrNoToken) && a.store.Office() {
		return nil, true, nil
	}
	return client, false, err
}

// changeDialog makes a change of a chat in Chat2Desk with call; on an
// office computer without the token it applies the change here (state,
// operator and assignee as QueueDialogChange takes them) and queues it
// for the office's poller.
func (s *Session) changeDialog(ctx context.Context, action storage.OfficeAction, state string, operatorID, assignee int64, call func(*c2dapi.Client) error) error {
	client, queue, err := s.app.clientOrQueue(ctx)
	if err != nil {
		return err
	}
	if !queue {
		s.app.dialogMu.Lock()
		defer s.app.dialogMu.Unlock()
		return call(client)
	}
	action.StaffID = s.staff.ID
	s.app.log.Info("chat change queued for the office's poller", "action", action.Kind, "dialog", action.DialogID, "target", action.Target, "by", s.staff.ID)
	return s.app.store.QueueDialogChange(ctx, action, state, operatorID, assignee)
}

// RunOfficeActions tells Chat2Desk the chat actions other PCs queued,
// oldest first, when this process polls for the office. A try that got no
// clear answer stays queued for the next round. One Chat2Desk refused is
// undone (the chat is read back from Chat2Desk) and kept for its author's
// window to tell (RefusedChatActions); a refused mark-read is only logged.
func (a *App) RunOfficeActions(ctx context.Context) (done int, err error) {
	if !a.store.Office() || !a.Polls() {
		return 0, nil
	}
	actions, err := a.store.PendingActions(ctx)
	if err != nil || len(actions) == 0 {
		return 0, err
	}
	client, err := a.storedClient(ctx)
	if err != nil {
		return 0, err
	}
	for _, act := range actions {
		err := a.runAction(ctx, client, act)
		var nf *c2dapi.NotFoundError
		var busy *c2dapi.RateLimitError
		switch {
		case err == nil || errors.As(err, &nf):
			// Done, or moot: the chat (or message) is gone in Chat2Desk.
		case PollStops(err):
			return done, err
		case unclear(err) || errors.As(err, &busy):
			a.log.Warn("office action not taken yet", "action", act.Kind, "dialog", act.DialogID, "err", err)
			return done, errors.Join(err, a.store.ActionFailed(ctx, act.ID, Explain(err)))
		case act.Kind == storage.ActionMarkRead:
			a.log.Warn("Chat2Desk refused to mark a chat read", "dialog", act.DialogID, "err", err)
		default:
			refusal := err
			// The office shows the chat as Chat2Desk has it again, and the
			// person who made the change is told why it did not hold.
			a.log.Warn("Chat2Desk refused an office action", "action", act.Kind, "dialog", act.DialogID, "err", err)
			restore := a.restoreDialog
			if isCardAction(act.Kind) {
				restore = a.restoreCard
			}
			if err := restore(ctx, client, act.DialogID); err != nil {
				if PollStops(err) {
					return done, err
				}
				a.log.Warn("could not read the chat back from Chat2Desk", "dialog", act.DialogID, "err", err)
			}
			if err := a.store.ActionRefused(ctx, act.ID, Explain(refusal)); err != nil {
				return done, err
			}
			done++
			continue
		}
		if err := a.store.ActionDone(ctx, act.ID); err != nil {
			return done, err
		}
		done++
	}
	return done, nil
}

func (a *App) runAction(ctx context.Context, client *c2dapi.Client, act storage.OfficeAction) error {
	switch act.Kind {
	case storage.ActionClose:
		return client.Dialogs.Update(ctx, c2dapi.ID(act.DialogID), c2dapi.DialogUpdate{State: c2dapi.DialogClosed})
	case storage.ActionReopen:
		return client.Dialogs.Update(ctx, c2dapi.ID(act.DialogID), c2dapi.DialogUpdate{State: c2dapi.DialogOpen})
	case storage.ActionTransfer:
		return client.Dialogs.Update(ctx, c2dapi.ID(act.DialogID), c2dapi.DialogUpdate{OperatorID: c2dapi.ID(act.Target)})
	case storage.ActionMarkRead:
		return client.Messages.MarkRead(ctx, c2dapi.ID(act.Target))
	case storage.ActionTransferGroup:
		a.dialogMu.Lock() // the operator the group gave is read back in order with re-reads
		defer a.dialogMu.Unlock()
		return a.transferToGroup(ctx, client, act.DialogID, act.Target)
	}
	if !isCardAction(act.Kind) {
		return nil
	}
	d, err := a.store.DialogByID(ctx, act.DialogID)
	if err != nil {
		return err
	}
	// Each change is stored again once Chat2Desk took it: a card read back
	// from Chat2Desk in between (an earlier refresh in the queue) must not
	// leave the office looking at the card as it was before.
	switch act.Kind {
	case storage.ActionClientRefresh:
		return a.refreshCard(ctx, client, d.ClientID)
	case storage.ActionTagAdd:
		if err := a.tagInChat2Desk(ctx, client, d.ClientID, act.Target, true); err != nil {
			return err
		}
		return a.store.AddClientTag(ctx, d.ClientID, act.Target)
	case storage.ActionTagRemove:
		if err := a.tagInChat2Desk(ctx, client, d.ClientID, act.Target, false); err != nil {
			return err
		}
		return a.store.RemoveClientTag(ctx, d.ClientID, act.Target)
	}
	var ch cardChange
	if err := json.Unmarshal([]byte(act.Payload), &ch); err != nil {
		return fmt.Errorf("a queued card change that cannot be read: %w", err)
	}
	if err := client.Clients.Update(ctx, c2dapi.ID(d.ClientID), ch.update()); err != nil {
		return err
	}
	return a.storeCardChange(ctx, d.ClientID, ch)
}

// storeCardChange writes a card change to the database.
func (a *App) storeCardChange(ctx context.Context, clientID int64, ch cardChange) error {
	if ch.Comment != nil {
		if err := a.store.SetClientComment(ctx, clientID, *ch.Comment); err != nil {
			return err
		}
	}
	for id, v := range ch.Fields {
		if err := a.store.SetClientField(ctx, clientID, id, v); err != nil {
			return err
		}
	}
	return nil
}

func isCardAction(kind string) bool {
	switch kind {
	case storage.ActionClientUpdate, storage.ActionTagAdd, storage.ActionTagRemove, storage.ActionClientRefresh:
		return true
	}
	return false
}

// restoreCard reads a chat's client back from Chat2Desk, after a card
// change queued for it was refused.
func (a *App) restoreCard(ctx context.Context, client *c2dapi.Client, dialogID int64) error {
	d, err := a.store.DialogByID(ctx, dialogID)
	if err != nil {
		return err
	}
	return a.refreshCard(ctx, client, d.ClientID)
}

// restoreDialog reads a dialog back from Chat2Desk into the office
// database, after a change queued for it was refused.
func (a *App) restoreDialog(ctx context.Context, client *c2dapi.Client, dialogID int64) error {
	d, err := client.Dialogs.Get(ctx, c2dapi.ID(dialogID))
	if err != nil {
		return err
	}
	return a.store.SetDialogState(ctx, dialogID, string(d.State), int64(d.OperatorID))
}

// MsgCloseRefused and the others tell the person who closed, reopened or transferred a
// chat on an office PC without the token that Chat2Desk refused it later.
const (
	MsgCloseRefused    = "Chat2Desk did not close the chat with {{.Client}}: {{.Reason}} The chat is shown as Chat2Desk has it."
	MsgReopenRefused   = "Chat2Desk did not reopen the chat with {{.Client}}: {{.Reason}} The chat is shown as Chat2Desk has it."
	MsgTransferRefused = "Chat2Desk did not transfer the chat with {{.Client}} to another operator: {{.Reason}} The chat is shown as Chat2Desk has it."
	// MsgGroupTransferRefused is said of a transfer to an operator group.
	MsgGroupTransferRefused = "Chat2Desk did not transfer the chat with {{.Client}} to the operator group: {{.Reason}} The chat is shown as Chat2Desk has it."
)

// RefusedChatAction is a change this person made that Chat2Desk refused.
type RefusedChatAction struct {
	Kind     string // storage.ActionClose, ActionReopen, ActionTransfer or ActionTransferGroup
	DialogID int64
	Client   storage.Client // as stored; ID 0 when the chat is gone
	Reason   string         // Chat2Desk's refusal, as a sentence (English; a translation key)
}

// Msg is the sentence for the refusal, as a translation key and its data,
// with the client named as the window names them.
func (r RefusedChatAction) Msg(client string) (string, map[string]any) {
	key := MsgCloseRefused
	switch r.Kind {
	case storage.ActionReopen:
		key = MsgReopenRefused
	case storage.ActionTransfer:
		key = MsgTransferRefused
	case storage.ActionTransferGroup:
		key = MsgGroupTransferRefused
	case storage.ActionClientUpdate, storage.ActionTagAdd, storage.ActionTagRemove, storage.ActionClientRefresh:
		key = MsgClientCardRefused
	}
	return key, map[string]any{"Client": client, "Reason": r.Reason}
}

// RefusedChatActions returns, once, the chat changes this person made on
// a PC without the token that Chat2Desk later refused.
func (s *Session) RefusedChatActions(ctx context.Context) ([]RefusedChatAction, error) {
	if !s.app.store.Office() {
		return nil, nil
	}
	acts, err := s.app.store.TakeRefusedActions(ctx, s.staff.ID)
	if err != nil || len(acts) == 0 {
		return nil, err
	}
	out := make([]RefusedChatAction, 0, len(acts))
	for _, act := range acts {
		r := RefusedChatAction{Kind: act.Kind, DialogID: act.DialogID, Reason: act.LastError}
		if d, err := s.app.store.DialogByID(ctx, act.DialogID); err == nil {
			if r.Client, err = s.app.store.ClientByID(ctx, d.ClientID); err != nil {
				r.Client = storage.Client{ID: d.ClientID}
			}
		}
		out = append(out, r)
	}
	return out, nil
}
