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
// that several readers share a report, each with its own chats.
func (s *Store) ReportMessages(ctx context.Context, since, until time.Time, channelID int64, part, parts int, each func(ReportMessage)) error {
	// A range of messages_for_reports, which holds all it reads; ORDER BY
	// is its own order, so the database walks it and sorts nothing.
	rows, err := s.db.QueryContext(ctx, `SELECT dialog_id, created_at, type, COALESCE(author_staff_id, 0), COALESCE(operator_id, 0)
		FROM messages
		WHERE created_at >= ? AND created_at < ? AND (? = 0 OR channel_id = ?) AND (? <= 1 OR dialog_id % ? = ?)
			AND (request_id IS NULL OR request_id NOT IN (SELECT request_id FROM rating_requests)) -- a rating survey is no chat
		ORDER BY created_at, dialog_id, id`, since.Unix(), until.Unix(), channelID, channelID, parts, parts, part)
	if err != nil {
		return wrap(err)
	}
	defer rows.Close()
	types := map[string]string{} // a handful of kinds: one string each, not one per row
	var kind sql.RawBytes
	for rows.Next() {
		var m ReportMessage
		if err := rows.Scan(&m.DialogID, &m.At, &kind, &m.Author, &m.OperatorID); err != nil {
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

// MarkRatingRequest remembers that a request is a rating survey.
func (s *Store) MarkRatingRequest(ctx context.Context, requestID int64) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO rating_requests (request_id) VALUES (?) ON CONFLICT DO NOTHING`, requestID)
	return wrap(err)
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
