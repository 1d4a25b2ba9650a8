package storage

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
)

// dataTables are C2Desk's tables, each after those it refers to: the order
// a copy inserts them in. The search index is not among them: each engine
// keeps its own, filled from the messages.
var dataTables = []string{
	"settings", "staff", "channels", "channel_transports", "channel_rules", "channel_rule_staff",
	"operators", "operator_groups", "operator_owner", "default_operator", "clients", "tags", "client_tags", "custom_fields",
	"dialogs", "messages", "rating_requests",
	"outbox", "outbox_files", "sync_cursors", "drafts", "office_actions",
}

// ErrOfficeNotEmpty means an office database already holds an office's
// data, so this PC's cannot be copied into it.
type ErrOfficeNotEmpty struct{ Staff, Chats int }

func (e *ErrOfficeNotEmpty) Error() string {
	return fmt.Sprintf("the office database is not empty (%d staff, %d chats)", e.Staff, e.Chats)
}

// columns lists a table's columns.
func (s *Store) columns(ctx context.Context, q querier, table string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT * FROM `+table+` LIMIT 0`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return rows.Columns()
}

// CopyTo copies every row of this database into dst, which must be empty
// (no staff, no chats), in one transaction of dst: all or nothing. It
// returns how many rows of each table it copied. The installation id is
// copied too: the token in this PC's keyring is named after it.
func (s *Store) CopyTo(ctx context.Context, dst *Store) (map[string]int, error) {
	counts := map[string]int{}
	err := dst.inTx(ctx, func(tx *sqlTx) error {
		var staff, chats int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM staff), (SELECT count(*) FROM dialogs)`).Scan(&staff, &chats); err != nil {
			return err
		}
		if staff > 0 || chats > 0 {
			return &ErrOfficeNotEmpty{Staff: staff, Chats: chats}
		}
		for _, table := range dataTables {
			n, err := s.copyTable(ctx, tx, table)
			if err != nil {
				return fmt.Errorf("copy %s: %w", table, err)
			}
			counts[table] = n
		}
		return dst.d.afterCopy(ctx, tx)
	})
	return counts, err
}

// copyTable inserts this database's rows of table through tx, with the
// columns both have.
func (s *Store) copyTable(ctx context.Context, tx *sqlTx, table string) (int, error) {
	srcCols, err := s.columns(ctx, s.db, table)
	if err != nil {
		return 0, err
	}
	dstCols, err := s.columns(ctx, tx, table)
	if err != nil {
		return 0, err
	}
	var cols []string
	for _, c := range srcCols {
		for _, d := range dstCols {
			if c == d {
				cols = append(cols, c)
			}
		}
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
	conflict := ` ON CONFLICT DO NOTHING`
	if table == "settings" {
		// The copy's installation id replaces the new database's, so
		// that the token in this PC's keyring (named after it) is found.
		conflict = ` ON CONFLICT (key) DO UPDATE SET value = excluded.value`
	}
	insert, err := tx.PrepareContext(ctx, `INSERT INTO `+table+` (`+strings.Join(cols, ", ")+`) VALUES (`+marks+`)`+conflict)
	if err != nil {
		return 0, err
	}
	defer insert.Close()
	rows, err := s.db.QueryContext(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM `+table)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		vals, err := scanValues(rows, len(cols))
		if err != nil {
			return n, err
		}
		if _, err := insert.ExecContext(ctx, vals...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// Snapshot is every row of every table as text, sorted, for tests that
// prove an operation changed nothing, or only what it should.
func (s *Store) Snapshot(ctx context.Context) (map[string][]string, error) {
	out := map[string][]string{}
	for _, table := range dataTables {
		rows, err := s.db.QueryContext(ctx, `SELECT * FROM `+table)
		if err != nil {
			return nil, wrap(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals, err := scanValues(rows, len(cols))
			if err != nil {
				rows.Close()
				return nil, wrap(err)
			}
			var b strings.Builder
			for i, v := range vals {
				if i > 0 {
					b.WriteString(" | ")
				}
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprint(&b, v)
			}
			out[table] = append(out[table], b.String())
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, wrap(err)
		}
		sort.Strings(out[table])
	}
	return out, nil
}

// scanValues reads a row of n columns of any kind.
func scanValues(rows *sql.Rows, n int) ([]any, error) {
	vals := make([]any, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	return vals, rows.Scan(ptrs...)
}
