package storage

// What the reports read: every message of a period with who wrote it and
// when, in time order — the figures themselves are app's.

import (
	"context"
	"database/sql"
	"time"
)

// ReportMessage is a message as the reports read it.
type ReportMessage struct {
	DialogID   int64
	ChannelID  int64 // 0: none known
	At         int64 // Unix seconds: kept small, a month is 200,000 of them
	Type       string
	Author     int64 // the staff member who wrote it in C2Desk; 0: written elsewhere
	OperatorID int64
}

// ReportMessages hands each the messages written from since until before
// until, of one channel (0: every channel), in time order (then by chat
// and id: the index's order, so nothing is sorted). A month is 200,000
// messages: they are counted as they come, never held. With parts > 1 it
// reads only the chats whose id leaves part when divided by parts, so
// that several readers share the work, each with its own chats.
func (s *Store) ReportMessages(ctx context.Context, since, until time.Time, channelID int64, part, parts int, each func(ReportMessage)) error {
	// A range of messages_for_reports, which holds all it reads; ORDER BY
	// is its own order, so the database walks it and sorts nothing.
	return s.reportMessages(ctx, `WHERE created_at >= ? AND created_at < ? AND (? = 0 OR channel_id = ?) AND (? <= 1 OR dialog_id % ? = ?)`,
		each, since.Unix(), until.Unix(), channelID, channelID, parts, parts, part)
}

// ReportMessagesOf hands each every message of some chats, in time order:
// their figures are worked out again.
func (s *Store) ReportMessagesOf(ctx context.Context, dialogs []int64, each func(ReportMessage)) error {
	return s.reportMessages(ctx, `WHERE dialog_id IN (SELECT value FROM json_each(?))`, each, idList(dialogs))
}

// reportMessages reads the messages where says, but a rating survey's,
// in time order.
func (s *Store) reportMessages(ctx context.Context, where string, each func(ReportMessage), args ...any) error {
	rows, err := s.db.QueryContext(ctx, `SELECT dialog_id, COALESCE(channel_id, 0), created_at, type, COALESCE(author_staff_id, 0), COALESCE(operator_id, 0)
		FROM messages `+where+`
			AND (request_id IS NULL OR request_id NOT IN (SELECT request_id FROM rating_requests)) -- a rating survey is no chat
		ORDER BY created_at, dialog_id, id`, args...)
	if err != nil {
		return wrap(err)
	}
	defer rows.Close()
	types := map[string]string{} // a handful of kinds: one string each, not one per row
	var kind sql.RawBytes
	for rows.Next() {
		var m ReportMessage
		if err := rows.Scan(&m.DialogID, &m.ChannelID, &m.At, &kind, &m.Author, &m.OperatorID); err != nil {
			return wrap(err)
		}
		t, ok := types[string(kind)]
		if !ok {
			t = string(kind)
			types[t] = t
		}
		m.Type = t
		each(m)
	}
	return wrap(rows.Err())
}

// MarkRatingRequest remembers that a request is a rating survey, and
// marks its chat's figures out of date: its messages may be stored
// already. Without the chat (0) the request's messages say which.
func (s *Store) MarkRatingRequest(ctx context.Context, requestID, dialogID int64) error {
	return s.inTx(ctx, func(tx *sqlTx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO rating_requests (request_id) VALUES (?) ON CONFLICT DO NOTHING`, requestID); err != nil {
			return err
		}
		which, arg := `dialog_id = ?`, dialogID
		if dialogID == 0 {
			which, arg = `request_id = ?`, requestID
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO report_dirty (dialog_id) SELECT DISTINCT dialog_id FROM messages WHERE `+which+`
			ON CONFLICT (dialog_id) DO UPDATE SET version = report_dirty.version + 1`, arg)
		return err
	})
}

// AttributeAnswers records staffID as the writer of the answers sent
// under operatorID in a channel (0: any) whose writer C2Desk does not
// know. Only the demo uses it: its month of answers, as if its people had
// written them in C2Desk.
func (s *Store) AttributeAnswers(ctx context.Context, operatorID, channelID, staffID int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE messages SET author_staff_id = ?
		WHERE type = 'to_client' AND author_staff_id IS NULL AND operator_id = ? AND (? = 0 OR channel_id = ?)`,
		staffID, operatorID, channelID, channelID)
	return wrap(err)
}
