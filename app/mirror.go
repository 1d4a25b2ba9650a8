package app

// Mirroring Chat2Desk's own app: a transfer or a close made there (or by
// another integration) reaches C2Desk by reading the dialog again — after
// a webhook said so, when a person opens the chat, and, without webhooks,
// at a slow scan of the office's open dialogs.

import (
	"context"
	"errors"
	"time"

	"c2desk/c2dapi"
	"c2desk/storage"
)

// MirrorScanEvery is how often the poller compares the open dialogs with
// Chat2Desk's when no webhook brings their changes.
const MirrorScanEvery = 10 * time.Minute

// maxClosedChecks bounds the dialogs read one by one in a scan: those
// stored open that Chat2Desk no longer lists as open.
const maxClosedChecks = 20

// mirrorDialog reads a stored dialog from Chat2Desk and records what
// changed there; a dialog not stored is left to the poll that brings its
// messages.
func (a *App) mirrorDialog(ctx context.Context, client *c2dapi.Client, id int64, at time.Time) ([]storage.DialogEvent, error) {
	if id <= 0 {
		return nil, nil
	}
	if stored, err := a.store.HasDialog(ctx, id); err != nil || !stored {
		return nil, err
	}
	a.dialogMu.Lock()
	defer a.dialogMu.Unlock()
	d, err := client.Dialogs.Get(ctx, c2dapi.ID(id))
	var nf *c2dapi.NotFoundError
	switch {
	case errors.As(err, &nf):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return a.store.MirrorDialog(ctx, id, string(d.State), int64(d.OperatorID), at)
}

// scanOpenDialogs compares the stored open dialogs with Chat2Desk's open
// ones, page by page: a different operator is a transfer; one no longer
// open is read again (at most maxClosedChecks a scan). It returns the
// calls made.
func (a *App) scanOpenDialogs(ctx context.Context) (int, error) {
	client, err := a.storedClient(ctx)
	if err != nil {
		return 0, err
	}
	calls := 0
	open, _, err := c2dapi.All(ctx, pollPageSize, func(ctx context.Context, o c2dapi.ListOptions) (*c2dapi.Page[c2dapi.Dialog], error) {
		calls++
		return client.Dialogs.List(ctx, c2dapi.DialogListOptions{State: c2dapi.DialogOpen, ListOptions: o})
	})
	if err != nil {
		return calls, err
	}
	stored, err := a.store.OpenDialogOperators(ctx)
	if err != nil {
		return calls, err
	}
	now := a.cfg.Now()
	listed := make(map[int64]bool, len(open))
	for _, d := range open {
		id := int64(d.ID)
		listed[id] = true
		if op, ok := stored[id]; ok && d.OperatorID > 0 && int64(d.OperatorID) != op {
			// Read again, in order with this process's own changes: the
			// list may be older than a transfer C2Desk just made.
			calls++
			if _, err := a.mirrorDialog(ctx, client, id, now); err != nil {
				return calls, err
			}
		}
	}
	checked := 0
	for id := range stored {
		if listed[id] || checked >= maxClosedChecks {
			continue
		}
		checked++
		calls++
		if _, err := a.mirrorDialog(ctx, client, id, now); err != nil {
			return calls, err
		}
	}
	return calls, nil
}
