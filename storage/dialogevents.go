package storage

// Dialog events: what Chat2Desk's own app (or another integration) did to
// a chat, found by comparing its dialog with the stored one.

import (
	"context"
	"time"
)

// Dialog event kinds.
const (
	EventTransferred = "transferred"
	EventClosed      = "closed"
)

// DialogEvent is one change made to a chat outside C2Desk.
type DialogEvent struct {
	ID         int64
	DialogID   int64
	Kind       string
	OperatorID int64 // the operator a transfer went to
	At         time.Time
}

// MirrorDialog brings a stored dialog to Chat2Desk's state and operator,
// recording a transfer or a close it did not know of as an event at at.
// A reopen is applied without one (a client's message does it). Each
// change is a conditional update, so that two deliveries of one change,
// at once or one after the other, record it once. A dialog not stored is
// left alone. It returns the events recorded.
func (s *Store) MirrorDialog(ctx context.Context, dialogID int64, state string, operatorID int64, at time.Time) ([]DialogEvent, error) {
	var out []DialogEvent
	err := s.inTx(ctx, func(tx *sqlTx) error {
		out = nil
		if operatorID > 0 {
			res, err := tx.ExecContext(ctx, `UPDATE dialogs SET operator_id = ? WHERE id = ? AND COALESCE(operator_id, 0) <> ?`, operatorID, dialogID, operatorID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				out = append(out, DialogEvent{DialogID: dialogID, Kind: EventTransferred, OperatorID: operatorID, At: at})
			}
		}
		if state == "" {
			return nil
		}
		var end time.Time // an open dialog has no end
		if state == "closed" {
			end = at
		}
		res, err := tx.ExecContext(ctx, `UPDATE dialogs SET state = ?, end_at = ? WHERE id = ? AND state <> ?`, state, unix(end), dialogID, state)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 && state == "closed" {
			out = append(out, DialogEvent{DialogID: dialogID, Kind: EventClosed, At: at})
		}
		for i, e := range out {
			if err := tx.QueryRowContext(ctx, `INSERT INTO dialog_events (dialog_id, kind, operator_id, at) VALUES (?, ?, ?, ?) RETURNING id`,
				e.DialogID, e.Kind, nullID(e.OperatorID), e.At.Unix()).Scan(&out[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// DialogEvents returns a chat's events from since on, oldest first (the
// office database shows only a chat its reader may see).
func (s *Store) DialogEvents(ctx context.Context, dialogID int64, since time.Time) ([]DialogEvent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, dialog_id, kind, COALESCE(operator_id, 0), at FROM dialog_events
		WHERE dialog_id = ? AND at >= ? ORDER BY at, id`, dialogID, since.Unix())
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	var out []DialogEvent
	for rows.Next() {
		var e DialogEvent
		var at int64
		if err := rows.Scan(&e.ID, &e.DialogID, &e.Kind, &e.OperatorID, &at); err != nil {
			return nil, wrap(err)
		}
		e.At = time.Unix(at, 0).UTC()
		out = append(out, e)
	}
	return out, wrap(rows.Err())
}

// OpenDialogOperators returns each open dialog's operator (0: none).
func (s *Store) OpenDialogOperators(ctx context.Context) (map[int64]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, COALESCE(operator_id, 0) FROM dialogs WHERE state = 'open'`)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var id, op int64
		if err := rows.Scan(&id, &op); err != nil {
			return nil, wrap(err)
		}
		out[id] = op
	}
	return out, wrap(rows.Err())
}
