package app

import (
	"context"
	"errors"

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

// RunOfficeActions tells Chat2Desk the chat actions other PCs queued,
// oldest first, when this process polls for the office. A try that got no
// clear answer stays queued for the next round; one Chat2Desk refused is
// dropped with a log line (the change stays in the office database).
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
		default:
			a.log.Warn("Chat2Desk refused an office action; the change stays in C2Desk only", "action", act.Kind, "dialog", act.DialogID, "err", err)
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
	}
	return nil
}
