package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Staff roles.
const (
	RoleAdmin = "admin"
	RoleAgent = "agent"
)

// ErrNotFound means no record has the given id.
var ErrNotFound = errors.New("not found")

// Staff is a person of the agency who works in C2Desk.
type Staff struct {
	ID        int64
	Name      string
	Role      string // RoleAdmin or RoleAgent
	PINHash   string // empty: no PIN; never read on a guarded store
	HasPIN    bool
	Active    bool
	CreatedAt time.Time
}

// CreateStaff adds a staff member and returns the id. A guarded store
// leaves the PIN to SetPIN.
func (s *Store) CreateStaff(ctx context.Context, st Staff) (int64, error) {
	var id int64
	var err error
	if s.guarded {
		err = s.db.QueryRowContext(ctx, `INSERT INTO staff (name, role, active, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			st.Name, st.Role, st.Active, s.now().Unix()).Scan(&id)
	} else {
		err = s.db.QueryRowContext(ctx, `INSERT INTO staff (name, role, pin_hash, active, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			st.Name, st.Role, nullString(st.PINHash), st.Active, s.now().Unix()).Scan(&id)
	}
	return id, wrap(err)
}

// UpdateStaff stores a staff member's name, role, PIN hash and active flag
// (a guarded store leaves the PIN to SetPIN).
func (s *Store) UpdateStaff(ctx context.Context, st Staff) error {
	q, args := `UPDATE staff SET name = ?, role = ?, pin_hash = ?, active = ? WHERE id = ?`,
		[]any{st.Name, st.Role, nullString(st.PINHash), st.Active, st.ID}
	if s.guarded {
		q, args = `UPDATE staff SET name = ?, role = ?, active = ? WHERE id = ?`, []any{st.Name, st.Role, st.Active, st.ID}
	}
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return wrap(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// AllStaff returns every staff member, active ones first, by name.
func (s *Store) AllStaff(ctx context.Context) ([]Staff, error) {
	out, err := queryStaff(ctx, s.db, s.guarded)
	return out, wrap(err)
}

// staffColumns are a staff row's columns as Staff scans them: on a
// guarded store without the PIN hash, which only the server reads.
func staffColumns(guarded bool) string {
	if guarded {
		return `id, name, role, '', c2desk_has_pin(id), active, created_at`
	}
	return `id, name, role, COALESCE(pin_hash, ''), COALESCE(pin_hash, '') <> '', active, created_at`
}

func queryStaff(ctx context.Context, q querier, guarded bool) ([]Staff, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+staffColumns(guarded)+` FROM staff ORDER BY active DESC, c2d_fold(name), id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Staff
	for rows.Next() {
		var st Staff
		var created int64
		if err := rows.Scan(&st.ID, &st.Name, &st.Role, &st.PINHash, &st.HasPIN, &st.Active, &created); err != nil {
			return nil, err
		}
		st.CreatedAt = time.Unix(created, 0).UTC()
		out = append(out, st)
	}
	return out, rows.Err()
}

// StaffByID returns one staff member, or ErrNotFound.
func (s *Store) StaffByID(ctx context.Context, id int64) (Staff, error) {
	var st Staff
	var created int64
	err := s.db.QueryRowContext(ctx, `SELECT `+staffColumns(s.guarded)+` FROM staff WHERE id = ?`, id).
		Scan(&st.ID, &st.Name, &st.Role, &st.PINHash, &st.HasPIN, &st.Active, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return st, ErrNotFound
	}
	st.CreatedAt = time.Unix(created, 0).UTC()
	return st, wrap(err)
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// PINFailures is how many wrong PINs were entered for a staff member since
// the last right one, and when the last of them was.
func (s *Store) PINFailures(ctx context.Context, staffID int64) (int, time.Time, error) {
	var n int
	var at sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT pin_failures, pin_failed_at FROM staff WHERE id = ?`, staffID).Scan(&n, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, ErrNotFound
	}
	return n, fromUnix(at), wrap(err)
}

// RecordPINFailure counts a wrong PIN entered at a time and returns the new
// count.
func (s *Store) RecordPINFailure(ctx context.Context, staffID int64, at time.Time) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `UPDATE staff SET pin_failures = pin_failures + 1, pin_failed_at = ? WHERE id = ? RETURNING pin_failures`,
		at.Unix(), staffID).Scan(&n)
	return n, wrap(err)
}

// ClearPINFailures forgets the wrong PINs: after a right one, or a new PIN.
func (s *Store) ClearPINFailures(ctx context.Context, staffID int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE staff SET pin_failures = 0, pin_failed_at = NULL WHERE id = ? AND pin_failures != 0`, staffID)
	return wrap(err)
}
