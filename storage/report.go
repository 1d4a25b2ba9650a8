package storage

// What the reports read: every message of a period with who wrote it and
// when, chat by chat — the figures themselves are app's.

import (
	"context"
	"time"
)

// ReportMessage is a message as the reports read it.
type ReportMessage struct {
	ID, DialogID, ChannelID int64
	Type                    string
	At                      time.Time
	Author                  int64 // the staff member who wrote it in C2Desk; 0: written elsewhere
	OperatorID              int64
}

// ReportMessages returns the messages written from since until before
// until, of one channel (0: every channel), chat by chat and in order.
func (s *Store) ReportMessages(ctx context.Context, since, until time.Time, channelID int64) ([]ReportMessage, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT m.id, m.dialog_id, COALESCE(d.channel_id, 0), m.type, m.created_at,
			COALESCE(m.author_staff_id, 0), COALESCE(m.operator_id, 0)
		FROM messages m JOIN dialogs d ON d.id = m.dialog_id
		WHERE m.created_at >= ? AND m.created_at < ? AND (? = 0 OR d.channel_id = ?)
		ORDER BY m.dialog_id, m.id`, since.Unix(), until.Unix(), channelID, channelID)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	var out []ReportMessage
	for rows.Next() {
		var m ReportMessage
		var at int64
		if err := rows.Scan(&m.ID, &m.DialogID, &m.ChannelID, &m.Type, &at, &m.Author, &m.OperatorID); err != nil {
			return nil, wrap(err)
		}
		m.At = time.Unix(at, 0).UTC()
		out = append(out, m)
	}
	return out, wrap(rows.Err())
}
