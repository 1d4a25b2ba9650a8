package storage

// What the reports read: every message of a period with who wrote it and
// when, chat by chat — the figures themselves are app's.

import (
	"cmp"
	"context"
	"slices"
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
	// The range of messages_for_reports; sorted here, which is quicker
	// than asking the database to sort a month.
	rows, err := s.db.QueryContext(ctx, `SELECT id, dialog_id, COALESCE(channel_id, 0), type, created_at,
			COALESCE(author_staff_id, 0), COALESCE(operator_id, 0)
		FROM messages
		WHERE created_at >= ? AND created_at < ? AND (? = 0 OR channel_id = ?)`, since.Unix(), until.Unix(), channelID, channelID)
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
	slices.SortFunc(out, func(a, b ReportMessage) int {
		return cmp.Or(cmp.Compare(a.DialogID, b.DialogID), cmp.Compare(a.ID, b.ID))
	})
	return out, wrap(rows.Err())
}
