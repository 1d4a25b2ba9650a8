package storage

// What the supervisor's live strip reads: how long each waiting client
// has waited, and who is signed in on which of the office's computers.

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// WaitingSince returns since when the client of every open chat the
// viewer may see has waited for an answer, in no order.
func (s *Store) WaitingSince(ctx context.Context, v Viewer) ([]time.Time, error) {
	where, args := chatWhere(s.viewer(v), ChatFilter{Waiting: true})
	rows, err := s.db.QueryContext(ctx, `SELECT d.waiting_since FROM dialogs d WHERE `+strings.Join(where, " AND "), args...)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var since sql.NullInt64
		if err := rows.Scan(&since); err != nil {
			return nil, wrap(err)
		}
		out = append(out, fromUnix(since))
	}
	return out, wrap(rows.Err())
}

// Working is a person signed in on one of the office's computers.
type Working struct {
	Computer, Staff string
	Since           time.Time
}

// Working lists who is signed in on each of the office's computers, for
// an administrator signed in here; nothing on one PC's file.
func (s *Store) Working(ctx context.Context) ([]Working, error) {
	if !s.Office() {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT computer, staff, since FROM c2desk_signed_in()`)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	var out []Working
	for rows.Next() {
		var in Working
		var since sql.NullInt64
		if err := rows.Scan(&in.Computer, &in.Staff, &since); err != nil {
			return nil, wrap(err)
		}
		in.Since = fromUnix(since)
		out = append(out, in)
	}
	return out, wrap(rows.Err())
}
