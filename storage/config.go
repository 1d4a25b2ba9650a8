package storage

import (
	"context"
	"fmt"
)

// ConfigChange is an imported office setup, applied in one transaction.
// Staff are matched by name, since ids differ from PC to PC.
type ConfigChange struct {
	NewStaff     []Staff
	UpdatedStaff []Staff            // by ID: name, role and active flag are written; PIN hashes are kept
	Owners       map[int64]string   // operator id → staff name
	Default      int64              // operator id
	Rules        []ChannelRule      // Staff ignored; see RuleStaff
	RuleStaff    map[int64][]string // channel id → staff names, for "listed" rules
}

// ApplyConfig writes an imported setup: all of it, or nothing.
func (s *Store) ApplyConfig(ctx context.Context, c ConfigChange) error {
	now := s.now().Unix()
	return s.inTx(ctx, func(tx *sqlTx) error {
		for _, st := range c.NewStaff {
			if _, err := tx.ExecContext(ctx, `INSERT INTO staff (name, role, active, created_at) VALUES (?, ?, ?, ?)`,
				st.Name, st.Role, st.Active, now); err != nil {
				return err
			}
		}
		for _, st := range c.UpdatedStaff {
			if _, err := tx.ExecContext(ctx, `UPDATE staff SET name = ?, role = ?, active = ? WHERE id = ?`,
				st.Name, st.Role, st.Active, st.ID); err != nil {
				return err
			}
		}
		staff, err := queryStaff(ctx, tx, s.guarded)
		if err != nil {
			return err
		}
		byName := make(map[string]int64, len(staff))
		for _, st := range staff {
			byName[st.Name] = st.ID
		}
		idOf := func(name string) (int64, error) {
			id, ok := byName[name]
			if !ok {
				return 0, fmt.Errorf("staff member %q not found", name)
			}
			return id, nil
		}
		m := Mapping{Owners: map[int64]int64{}, Default: c.Default}
		for op, name := range c.Owners {
			if m.Owners[op], err = idOf(name); err != nil {
				return err
			}
		}
		if err := saveMapping(ctx, tx, m); err != nil {
			return err
		}
		for _, r := range c.Rules {
			r.Staff = nil
			for _, name := range c.RuleStaff[r.ChannelID] {
				id, err := idOf(name)
				if err != nil {
					return err
				}
				r.Staff = append(r.Staff, id)
			}
			if err := setChannelRule(ctx, tx, r, now); err != nil {
				return err
			}
		}
		return nil
	})
}
