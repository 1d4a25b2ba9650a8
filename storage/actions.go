package storage

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"time"
)

// Office action kinds: what a PC without the token asks the office's
// poller to tell Chat2Desk.
const (
	ActionClose    = "close"
	ActionReopen   = "reopen"
	ActionTransfer = "transfer" // Target: the operator
	// ActionTransferGroup's Target is the operator group.
	ActionTransferGroup = "transfer_group"
	ActionMarkRead      = "mark_read" // Target: the newest message read
	// The client card's changes, for the chat's client: ActionClientUpdate's
	// Payload is the change as JSON; the tag actions' Target is the tag;
	// ActionClientRefresh reads the card again.
	ActionClientUpdate  = "client_update"
	ActionTagAdd        = "tag_add"
	ActionTagRemove     = "tag_remove"
	ActionClientRefresh = "client_refresh"
)

// OfficeAction is a chat action waiting for the office's poller.
type OfficeAction struct {
	ID        int64
	Kind      string
	DialogID  int64
	Target    int64
	StaffID   int64
	CreatedAt time.Time
	Attempts  int
	LastError string
	Payload   string
}

// QueueAction adds an action for the poller.
func (s *Store) QueueAction(ctx context.Context, a OfficeAction) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO office_actions (kind, dialog_id, target, staff_id, created_at, payload) VALUES (?, ?, ?, ?, ?, ?)`,
		a.Kind, a.DialogID, a.Target, nullID(a.StaffID), s.now().Unix(), a.Payload)
	return wrap(err)
}

// PendingActions returns the waiting actions, oldest first.
func (s *Store) PendingActions(ctx context.Context) ([]OfficeAction, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+actionColumns+` FROM office_actions WHERE refused_at IS NULL ORDER BY id`)
	if err != nil {
		return nil, wrap(err)
	}
	return scanActions(rows)
}

// actionColumns are the columns scanActions reads.
const actionColumns = `id, kind, dialog_id, target, COALESCE(staff_id, 0), created_at, attempts, last_error, payload`

func scanActions(rows *sql.Rows) ([]OfficeAction, error) {
	defer rows.Close()
	var out []OfficeAction
	for rows.Next() {
		var a OfficeAction
		var created int64
		if err := rows.Scan(&a.ID, &a.Kind, &a.DialogID, &a.Target, &a.StaffID, &created, &a.Attempts, &a.LastError, &a.Payload); err != nil {
			return nil, wrap(err)
		}
		a.CreatedAt = time.Unix(created, 0).UTC()
		out = append(out, a)
	}
	return out, wrap(rows.Err())
}

// ActionDone removes an action Chat2Desk took (or that is moot).
func (s *Store) ActionDone(ctx context.Context, id int64) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM office_actions WHERE id = ?`, id)
	return wrap(err)
}

// ActionFailed records a try that did not reach Chat2Desk, to retry.
func (s *Store) ActionFailed(ctx context.Context, id int64, lastError string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE office_actions SET attempts = attempts + 1, last_error = ? WHERE id = ?`, lastError, id)
	return wrap(err)
}

// ActionRefused keeps an action Chat2Desk refused, with the reason, for
// its author to be told; it is not tried again.
func (s *Store) ActionRefused(ctx context.Context, id int64, reason string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE office_actions SET refused_at = ?, last_error = ? WHERE id = ?`, s.now().Unix(), reason, id)
	return wrap(err)
}

// TakeRefusedActions returns the refused actions of a staff member, oldest
// first, and forgets them: they are told once.
func (s *Store) TakeRefusedActions(ctx context.Context, staffID int64) ([]OfficeAction, error) {
	rows, err := s.db.QueryContext(ctx, `DELETE FROM office_actions WHERE refused_at IS NOT NULL AND staff_id = ?
		RETURNING `+actionColumns, staffID)
	if err != nil {
		return nil, wrap(err)
	}
	out, err := scanActions(rows)
	// RETURNING keeps no order.
	slices.SortFunc(out, func(x, y OfficeAction) int { return cmp.Compare(x.ID, y.ID) })
	return out, err
}

// QueueDialogChange applies a chat change here and queues the action
// that tells Chat2Desk, in one transaction: the office sees the change at
// once and the poller makes it true in Chat2Desk. state "" keeps the
// state; operatorID 0 keeps the operator; assignee < 0 keeps the assignee.
func (s *Store) QueueDialogChange(ctx context.Context, a OfficeAction, state string, operatorID, assignee int64) error {
	return s.inTx(ctx, func(tx *sqlTx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO office_actions (kind, dialog_id, target, staff_id, created_at) VALUES (?, ?, ?, ?, ?)`,
			a.Kind, a.DialogID, a.Target, nullID(a.StaffID), s.now().Unix()); err != nil {
			return err
		}
		if state != "" || operatorID != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE dialogs SET state = COALESCE(?, state), operator_id = COALESCE(?, operator_id) WHERE id = ?`,
				nullString(state), nullID(operatorID), a.DialogID); err != nil {
				return err
			}
		}
		if assignee >= 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE dialogs SET assignee_staff_id = ? WHERE id = ?`, nullID(assignee), a.DialogID); err != nil {
				return err
			}
		}
		return nil
	})
}
