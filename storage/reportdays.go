package storage

// The report's figures, kept as messages are stored: one row per chat,
// channel and office day, its figures encoded by app. A month's report
// reads those rows instead of millions of messages. A trigger on messages
// marks a chat whose messages changed (report_dirty, with a version that
// grows with every mark), so its figures are worked out again; a mark is
// cleared only if no message came since it was read. In a secured office
// only the poller writes these tables (administrators read them).

import (
	"context"
	"database/sql"
	"maps"
	"slices"
	"strings"
	"time"
)

// ReportDay is one chat's figures in one channel on one office day.
type ReportDay struct {
	DialogID, ChannelID int64
	Day                 int64 // the day's midnight in the office's time zone, Unix seconds
	Figures             []byte
}

// KeptFigures are figures worked out again, to keep in one transaction.
type KeptFigures struct {
	// All replaces every chat's figures; else only those of Marks' chats.
	All bool
	// Marks are the marks the figures were worked out after: each is
	// cleared unless its chat was marked again since.
	Marks map[int64]int64
	Basis string // what they were worked out with (app's hours), with All
	Days  []ReportDay
}

// ReportBasis is what the kept figures were worked out with ("": none yet).
func (s *Store) ReportBasis(ctx context.Context) (string, error) {
	var basis string
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(basis), '') FROM report_basis`).Scan(&basis)
	return basis, wrap(err)
}

// ReportMarks are the chats whose figures are out of date, each with its
// mark's version.
func (s *Store) ReportMarks(ctx context.Context) (map[int64]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT dialog_id, version FROM report_dirty`)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	marks := map[int64]int64{}
	for rows.Next() {
		var dialog, version int64
		if err := rows.Scan(&dialog, &version); err != nil {
			return nil, wrap(err)
		}
		marks[dialog] = version
	}
	return marks, wrap(rows.Err())
}

// reportDaysPerInsert is how many rows one INSERT writes: a statement per
// row would be hundreds of thousands of round trips for a big office.
const reportDaysPerInsert = 200

// reportKeepLock is the office database's advisory lock of keeping figures.
const reportKeepLock = 0x63326472 // "c2dr", beside schemaLock

// KeepReportFigures replaces figures and clears the marks they answer.
func (s *Store) KeepReportFigures(ctx context.Context, k KeptFigures) error {
	return s.inTx(ctx, func(tx *sqlTx) error {
		if s.Office() {
			// Keepers write one at a time: in an office not yet
			// secured every PC keeps figures, and a poller taking over
			// may overlap the one stepping down.
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(reportKeepLock)); err != nil {
				return err
			}
		}
		if k.All {
			if _, err := tx.ExecContext(ctx, `DELETE FROM report_days`); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM report_basis`); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO report_basis (basis) VALUES (?)`, k.Basis); err != nil {
				return err
			}
		} else {
			ids := slices.Collect(maps.Keys(k.Marks))
			if _, err := tx.ExecContext(ctx, `DELETE FROM report_days WHERE dialog_id IN (SELECT value FROM json_each(?))`, idList(ids)); err != nil {
				return err
			}
		}
		for rest := k.Days; len(rest) > 0; {
			n := min(len(rest), reportDaysPerInsert)
			if err := insertReportDays(ctx, tx, rest[:n]); err != nil {
				return err
			}
			rest = rest[n:]
		}
		for dialog, version := range k.Marks {
			if _, err := tx.ExecContext(ctx, `DELETE FROM report_dirty WHERE dialog_id = ? AND version = ?`, dialog, version); err != nil {
				return err
			}
		}
		return nil
	})
}

// insertReportDays writes some rows in one statement. Another PC may
// have kept the same chat's figures a moment before: the newer win.
func insertReportDays(ctx context.Context, tx *sqlTx, days []ReportDay) error {
	args := make([]any, 0, 4*len(days))
	for _, d := range days {
		args = append(args, d.DialogID, d.ChannelID, d.Day, d.Figures)
	}
	q := `INSERT INTO report_days (dialog_id, channel_id, day, figures) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?), ", len(days)), ", ") +
		` ON CONFLICT (day, channel_id, dialog_id) DO UPDATE SET figures = excluded.figures`
	_, err := tx.ExecContext(ctx, q, args...)
	return err
}

// ReportDays hands each the kept figures of the days from since until
// before until (midnights), of one channel (0: every channel). Figures
// are valid only during the call: a month is many thousands of rows.
func (s *Store) ReportDays(ctx context.Context, since, until time.Time, channelID int64, each func(ReportDay) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT dialog_id, channel_id, day, figures FROM report_days
		WHERE day >= ? AND day < ? AND (? = 0 OR channel_id = ?)
		ORDER BY day, channel_id, dialog_id`, since.Unix(), until.Unix(), channelID, channelID)
	if err != nil {
		return wrap(err)
	}
	defer rows.Close()
	var figures sql.RawBytes
	for rows.Next() {
		var d ReportDay
		if err := rows.Scan(&d.DialogID, &d.ChannelID, &d.Day, &figures); err != nil {
			return wrap(err)
		}
		d.Figures = figures
		if err := each(d); err != nil {
			return err
		}
	}
	return wrap(rows.Err())
}
