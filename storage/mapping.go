package storage

import (
	"context"
	"database/sql"
	"errors"
	"slices"
)

// Mapping says which staff member owns which operator, and which operator is
// the default account for staff without one of their own.
type Mapping struct {
	Owners  map[int64]int64 // operator id → staff id
	Default int64           // operator id; 0 when none is chosen
}

// LoadMapping reads the operator owners and the default account.
func (s *Store) LoadMapping(ctx context.Context) (Mapping, error) {
	m, err := loadMapping(ctx, s.db)
	return m, wrap(err)
}

func loadMapping(ctx context.Context, q querier) (Mapping, error) {
	m := Mapping{Owners: map[int64]int64{}}
	rows, err := q.QueryContext(ctx, `SELECT operator_id, staff_id FROM operator_owner`)
	if err != nil {
		return m, err
	}
	defer rows.Close()
	for rows.Next() {
		var op, st int64
		if err := rows.Scan(&op, &st); err != nil {
			return m, err
		}
		m.Owners[op] = st
	}
	if err := rows.Err(); err != nil {
		return m, err
	}
	err = q.QueryRowContext(ctx, `SELECT operator_id FROM default_operator WHERE singleton = 1`).Scan(&m.Default)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return m, err
}

// SaveMapping replaces the whole mapping in one transaction. The schema
// refuses an operator with two owners or a staff member with two operators.
func (s *Store) SaveMapping(ctx context.Context, m Mapping) error {
	return s.inTx(ctx, func(tx *sqlTx) error { return saveMapping(ctx, tx, m) })
}

func saveMapping(ctx context.Context, tx *sqlTx, m Mapping) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM operator_owner`); err != nil {
		return err
	}
	ops := make([]int64, 0, len(m.Owners))
	for op := range m.Owners {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	for _, op := range ops {
		if _, err := tx.ExecContext(ctx, `INSERT INTO operator_owner (operator_id, staff_id) VALUES (?, ?)`, op, m.Owners[op]); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM default_operator`); err != nil {
		return err
	}
	if m.Default != 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO default_operator (singleton, operator_id) VALUES (1, ?)`, m.Default); err != nil {
			return err
		}
	}
	return nil
}
