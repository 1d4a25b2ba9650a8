package app

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"c2desk/c2dapi"
	"c2desk/storage"
)

// MsgNoSuchGroup and MsgNoMessageToTransfer are said when a chat cannot be
// transferred to an operator group.
const (
	MsgNoSuchGroup         = "Chat2Desk no longer has this operator group. An administrator should load the operators again in the Operators tab."
	MsgNoMessageToTransfer = "This chat has no message from Chat2Desk yet, so it cannot be transferred to a group. Try again once the client's message has arrived."
)

// fetchOperatorGroups reads the account's operator groups. An account that
// has none to give (Chat2Desk does not know the address) has none;
// complete is false then, so no group is marked gone.
func (a *App) fetchOperatorGroups(ctx context.Context, client *c2dapi.Client) (groups []storage.OperatorGroup, complete bool, err error) {
	all, skipped, err := c2dapi.All(ctx, syncPageSize, client.OperatorGroups.List)
	var nf *c2dapi.NotFoundError
	if errors.As(err, &nf) {
		a.log.Info("this account has no operator groups to load", "err", err)
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("load operator groups: %w", err)
	}
	a.logSkipped("operator groups", skipped)
	complete = len(skipped) == 0
	for _, g := range all {
		if g.ID <= 0 {
			complete = false
			continue
		}
		ids := make([]int64, 0, len(g.OperatorIDs))
		for _, id := range g.OperatorIDs {
			ids = append(ids, int64(id))
		}
		groups = append(groups, storage.OperatorGroup{ID: int64(g.ID), Name: string(g.Name), OperatorIDs: ids})
	}
	return groups, complete, nil
}

// syncOperatorGroups loads the operator groups along with the operators.
func (a *App) syncOperatorGroups(ctx context.Context, client *c2dapi.Client) (storage.Changes, error) {
	groups, complete, err := a.fetchOperatorGroups(ctx, client)
	if err != nil {
		return storage.Changes{}, err
	}
	ch, err := a.store.SyncOperatorGroups(ctx, groups, complete)
	if err != nil {
		return ch, fmt.Errorf("save operator groups: %w", err)
	}
	return ch, nil
}

// OperatorGroups are the groups a chat can be transferred to, by name.
func (a *App) OperatorGroups(ctx context.Context) ([]storage.OperatorGroup, error) {
	all, err := a.store.OperatorGroups(ctx)
	if err != nil {
		return nil, err
	}
	var out []storage.OperatorGroup
	for _, g := range all {
		if g.RemovedAt.IsZero() {
			out = append(out, g)
		}
	}
	return out, nil
}

// TransferToGroup hands a chat to an operator group in Chat2Desk, which
// offers it to the group's operators; the chat is then assigned to nobody
// in C2Desk, and shows the operator Chat2Desk gave it. On an office PC
// without the token it is queued for the poller.
func (s *Session) TransferToGroup(ctx context.Context, dialogID, groupID int64) error {
	if _, err := s.viewDialog(ctx, dialogID); err != nil {
		return err
	}
	groups, err := s.app.OperatorGroups(ctx)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(groups, func(g storage.OperatorGroup) bool { return g.ID == groupID }) {
		return problem(MsgNoSuchGroup)
	}
	return s.changeDialog(ctx, storage.OfficeAction{Kind: storage.ActionTransferGroup, DialogID: dialogID, Target: groupID}, "", 0, 0, func(client *c2dapi.Client) error {
		if err := s.app.transferToGroup(ctx, client, dialogID, groupID); err != nil {
			return err
		}
		s.app.log.Info("chat transferred to a group", "dialog", dialogID, "group", groupID, "by", s.staff.ID)
		return s.app.store.SetAssignee(ctx, dialogID, 0)
	})
}

// transferToGroup asks Chat2Desk to transfer the request of the chat's
// newest message, then reads back which operator the chat has now.
func (a *App) transferToGroup(ctx context.Context, client *c2dapi.Client, dialogID, groupID int64) error {
	newest, err := a.store.DialogMessages(ctx, dialogID, 0, 1)
	if err != nil {
		return err
	}
	if len(newest) == 0 {
		return problem(MsgNoMessageToTransfer)
	}
	if err := client.Messages.TransferToGroup(ctx, c2dapi.ID(newest[0].ID), c2dapi.ID(groupID), true); err != nil {
		return fmt.Errorf("transfer the chat to the group: %w", err)
	}
	return a.restoreDialog(ctx, client, dialogID)
}
