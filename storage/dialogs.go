package storage

// Dialogs: the conversations with clients, their state, assignee and drafts.

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// Dialog is one conversation with a client, as stored.
type Dialog struct {
	ID         int64
	ClientID   int64
	ChannelID  int64
	Transport  string
	State      string // open or closed
	OperatorID int64
	Assignee   int64 // staff id; 0 when nobody
	BeginAt    time.Time
	EndAt      time.Time
}

// HasDialog reports whether a dialog is stored.
func (s *Store) HasDialog(ctx context.Context, id int64) (bool, error) {
	return s.exists(ctx, `SELECT 1 FROM dialogs WHERE id = ?`, id)
}

// DialogStates returns the state of each of the ids that is a stored dialog.
func (s *Store) DialogStates(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, state FROM dialogs WHERE id IN (SELECT value FROM json_each(?))`, idList(ids))
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var state string
		if err := rows.Scan(&id, &state); err != nil {
			return nil, wrap(err)
		}
		out[id] = state
	}
	return out, wrap(rows.Err())
}

// UpsertDialog stores a dialog. The local assignee is kept: it is C2Desk's,
// not Chat2Desk's.
func (s *Store) UpsertDialog(ctx context.Context, d Dialog) error {
	return s.AddMessages(ctx, []Dialog{d}, nil)
}

// SetAssignee gives a dialog to a staff member locally (0: nobody).
func (s *Store) SetAssignee(ctx context.Context, dialogID, staffID int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE dialogs SET assignee_staff_id = ? WHERE id = ?`, nullID(staffID), dialogID)
	return wrap(err)
}

// SetDialogState records an opened or closed dialog.
func (s *Store) SetDialogState(ctx context.Context, dialogID int64, state string, operatorID int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE dialogs SET state = ?, operator_id = COALESCE(?, operator_id) WHERE id = ?`,
		state, nullID(operatorID), dialogID)
	return wrap(err)
}

const upsertDialogSQL = `INSERT INTO dialogs (id, client_id, channel_id, transport, state, operator_id, begin_at, end_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (id) DO UPDATE SET client_id = excluded.client_id,
		channel_id = COALESCE(excluded.channel_id, dialogs.channel_id),
		transport = CASE WHEN excluded.transport = '' THEN dialogs.transport ELSE excluded.transport END,
		state = excluded.state, operator_id = excluded.operator_id, begin_at = excluded.begin_at, end_at = excluded.end_at`

func upsertDialogs(ctx context.Context, tx *sqlTx, dialogs []Dialog) error {
	if len(dialogs) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, upsertDialogSQL)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, d := range dialogs {
		if _, err := stmt.ExecContext(ctx, d.ID, d.ClientID, nullID(d.ChannelID), d.Transport, d.State, nullID(d.OperatorID), unix(d.BeginAt), unix(d.EndAt)); err != nil {
			return err
		}
	}
	return nil
}

// dialogSummarySQL keeps the listed dialogs' last message, unread count
// and waiting time current; the plan test reads it too.
const dialogSummarySQL = `UPDATE dialogs SET
	last_message_id = (SELECT max(m.id) FROM messages m WHERE m.dialog_id = dialogs.id),
	last_message_at = (SELECT m.created_at FROM messages m WHERE m.dialog_id = dialogs.id ORDER BY m.id DESC LIMIT 1),
	unread = (SELECT count(*) FROM messages m WHERE m.dialog_id = dialogs.id AND m.type = 'from_client' AND m.read = 0),
	waiting_since = ` + waitingSinceSQL + `
	WHERE id IN (SELECT value FROM json_each(?))`

// waitingSinceSQL is when a dialog's oldest client message that has no
// answer after it was written: only an answer to the client ends the
// wait (not a note, an autoreply or a system message), or a person saying
// no reply is needed.
const waitingSinceSQL = `(SELECT min(m.created_at) FROM messages m
		WHERE m.dialog_id = dialogs.id AND m.type = 'from_client'
			AND m.id > COALESCE((SELECT max(a.id) FROM messages a WHERE a.dialog_id = dialogs.id AND a.type = 'to_client'), 0)
			AND m.id > COALESCE(dialogs.no_reply_through, 0))`

// DialogByID returns one dialog, or ErrNotFound.
func (s *Store) DialogByID(ctx context.Context, id int64) (Dialog, error) {
	var d Dialog
	var begin, end sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT id, client_id, COALESCE(channel_id, 0), transport, state, COALESCE(operator_id, 0),
		COALESCE(assignee_staff_id, 0), begin_at, end_at FROM dialogs WHERE id = ?`, id).
		Scan(&d.ID, &d.ClientID, &d.ChannelID, &d.Transport, &d.State, &d.OperatorID, &d.Assignee, &begin, &end)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	d.BeginAt, d.EndAt = fromUnix(begin), fromUnix(end)
	return d, wrap(err)
}

// SetNoReplyNeeded says a dialog's client messages up to throughID need
// no answer: the dialog waits no more, until the client writes again.
func (s *Store) SetNoReplyNeeded(ctx context.Context, dialogID, throughID int64) error {
	return s.inTx(ctx, func(tx *sqlTx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE dialogs SET no_reply_through = ?1
			WHERE id = ?2 AND COALESCE(no_reply_through, 0) < ?1`, throughID, dialogID); err != nil {
			return err
		}
		// A message the person had not seen yet still waits.
		_, err := tx.ExecContext(ctx, `UPDATE dialogs SET waiting_since = `+waitingSinceSQL+` WHERE id = ?`, dialogID)
		return err
	})
}

// Draft returns a person's unsent text for a dialog.
func (s *Store) Draft(ctx context.Context, dialogID, staffID int64) (string, error) {
	var t string
	err := s.db.QueryRowContext(ctx, `SELECT text FROM drafts WHERE dialog_id = ? AND staff_id = ?`, dialogID, staffID).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return t, wrap(err)
}

// SaveDraft stores (or, for empty text, removes) a draft.
func (s *Store) SaveDraft(ctx context.Context, dialogID, staffID int64, text string) error {
	if strings.TrimSpace(text) == "" {
		_, err := s.db.ExecContext(ctx, `DELETE FROM drafts WHERE dialog_id = ? AND staff_id = ?`, dialogID, staffID)
		return wrap(err)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO drafts (dialog_id, staff_id, text, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (dialog_id, staff_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`,
		dialogID, staffID, text, s.now().Unix())
	return wrap(err)
}
