package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"time"
)

// Channel is the local mirror of a Chat2Desk channel.
type Channel struct {
	ID         int64
	Name       string
	Phone      string
	Transports []string
	LoadedAt   time.Time
	RemovedAt  time.Time // zero while the channel exists upstream
	RuleSet    bool      // an admin chose who sees its chats
}

// Operator is the local mirror of a Chat2Desk operator.
type Operator struct {
	ID        int64
	Email     string
	Phone     string
	FirstName string
	LastName  string
	Role      string // one of c2dapi's Role constants, or an unknown status as sent
	RoleName  string // the account's own name of the role ("Супервайзер"), when Chat2Desk gives one
	Online    bool
	LastVisit time.Time
	LoadedAt  time.Time
	RemovedAt time.Time
}

// Changes counts what a load from Chat2Desk changed.
type Changes struct {
	New       int
	Updated   int
	Gone      int // present before, absent upstream now (kept, marked removed)
	Unchanged int
}

// Total is the number of records Chat2Desk returned.
func (c Changes) Total() int { return c.New + c.Updated + c.Unchanged }

// mirror describes how one upstream list is kept in a local table, so that
// channels and operators (and later clients) share one sync algorithm.
type mirror[T any] struct {
	load      func(ctx context.Context, q querier) ([]T, error)
	id        func(T) int64
	removedAt func(T) time.Time
	// same reports whether an admin would see no change; a record gone
	// upstream that came back never counts as the same.
	same   func(old, upstream T) bool
	insert func(ctx context.Context, tx *sqlTx, v T, now int64) error
	update func(ctx context.Context, tx *sqlTx, v T, now int64, changed bool) error
	// markGone is an UPDATE taking (now, id).
	markGone string
}

// syncMirror makes a table match what Chat2Desk returned, in one
// transaction. Records gone upstream are kept and marked removed, with their
// history, so nothing an admin set up silently disappears.
// When the list is not complete (Chat2Desk sent records that could not be
// read), nothing is marked removed: the unreadable one may be any of them.
func syncMirror[T any](ctx context.Context, s *Store, m mirror[T], upstream []T, complete bool) (Changes, error) {
	now := s.now().Unix()
	var ch Changes
	err := s.inTx(ctx, func(tx *sqlTx) error {
		before, err := m.load(ctx, tx)
		if err != nil {
			return err
		}
		known := make(map[int64]T, len(before))
		for _, v := range before {
			known[m.id(v)] = v
		}
		seen := make(map[int64]bool, len(upstream))
		for _, v := range upstream {
			id := m.id(v)
			if seen[id] {
				continue
			}
			seen[id] = true
			old, exists := known[id]
			if !exists {
				ch.New++
				if err := m.insert(ctx, tx, v, now); err != nil {
					return err
				}
				continue
			}
			changed := !m.removedAt(old).IsZero() || !m.same(old, v)
			if changed {
				ch.Updated++
			} else {
				ch.Unchanged++
			}
			if err := m.update(ctx, tx, v, now, changed); err != nil {
				return err
			}
		}
		for _, old := range before {
			if complete && !seen[m.id(old)] && m.removedAt(old).IsZero() {
				ch.Gone++
				if _, err := tx.ExecContext(ctx, m.markGone, now, m.id(old)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return ch, err
}

var channelMirror = mirror[Channel]{
	load:      queryChannels,
	id:        func(c Channel) int64 { return c.ID },
	removedAt: func(c Channel) time.Time { return c.RemovedAt },
	same: func(a, b Channel) bool {
		return a.Name == b.Name && a.Phone == b.Phone && slices.Equal(a.Transports, b.Transports)
	},
	insert: func(ctx context.Context, tx *sqlTx, c Channel, now int64) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO channels (id, name, phone, first_seen_at, loaded_at) VALUES (?, ?, ?, ?, ?)`,
			c.ID, c.Name, c.Phone, now, now); err != nil {
			return err
		}
		// New channels are visible to admins only until an admin decides.
		if _, err := tx.ExecContext(ctx, `INSERT INTO channel_rules (channel_id) VALUES (?)`, c.ID); err != nil {
			return err
		}
		return writeTransports(ctx, tx, c)
	},
	update: func(ctx context.Context, tx *sqlTx, c Channel, now int64, changed bool) error {
		if !changed {
			_, err := tx.ExecContext(ctx, `UPDATE channels SET loaded_at = ? WHERE id = ?`, now, c.ID)
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE channels SET name = ?, phone = ?, loaded_at = ?, removed_at = NULL WHERE id = ?`,
			c.Name, c.Phone, now, c.ID); err != nil {
			return err
		}
		return writeTransports(ctx, tx, c)
	},
	markGone: `UPDATE channels SET removed_at = ? WHERE id = ?`,
}

func writeTransports(ctx context.Context, tx *sqlTx, c Channel) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM channel_transports WHERE channel_id = ?`, c.ID); err != nil {
		return err
	}
	for i, t := range c.Transports {
		if _, err := tx.ExecContext(ctx, `INSERT INTO channel_transports (channel_id, transport, position) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, c.ID, t, i); err != nil {
			return err
		}
	}
	return nil
}

// SyncChannels makes the channel mirror match Chat2Desk. New channels get
// the "admins only" rule until an admin sets one. complete says upstream is
// the whole list, so channels missing from it are gone.
func (s *Store) SyncChannels(ctx context.Context, upstream []Channel, complete bool) (Changes, error) {
	return syncMirror(ctx, s, channelMirror, upstream, complete)
}

// Channels returns every mirrored channel, removed ones included, by name.
func (s *Store) Channels(ctx context.Context) ([]Channel, error) {
	out, err := queryChannels(ctx, s.db)
	return out, wrap(err)
}

func queryChannels(ctx context.Context, q querier) ([]Channel, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT c.id, c.name, c.phone, c.loaded_at, c.removed_at, r.rule_set_at IS NOT NULL
		FROM channels c LEFT JOIN channel_rules r ON r.channel_id = c.id
		ORDER BY c2d_fold(c.name), c.id`)
	if err != nil {
		return nil, err
	}
	var out []Channel
	index := map[int64]int{}
	for rows.Next() {
		var c Channel
		var loaded int64
		var removed sql.NullInt64
		if err := rows.Scan(&c.ID, &c.Name, &c.Phone, &loaded, &removed, &c.RuleSet); err != nil {
			rows.Close()
			return nil, err
		}
		c.LoadedAt, c.RemovedAt = time.Unix(loaded, 0).UTC(), fromUnix(removed)
		index[c.ID] = len(out)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT channel_id, transport FROM channel_transports ORDER BY channel_id, position`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var t string
		if err := rows.Scan(&id, &t); err != nil {
			return nil, err
		}
		if i, ok := index[id]; ok {
			out[i].Transports = append(out[i].Transports, t)
		}
	}
	return out, rows.Err()
}

var operatorMirror = mirror[Operator]{
	load:      queryOperators,
	id:        func(o Operator) int64 { return o.ID },
	removedAt: func(o Operator) time.Time { return o.RemovedAt },
	// Online state and last visit change all the time and are not an update.
	same: func(a, b Operator) bool {
		return a.Email == b.Email && a.Phone == b.Phone && a.FirstName == b.FirstName &&
			a.LastName == b.LastName && a.Role == b.Role && a.RoleName == b.RoleName
	},
	insert: func(ctx context.Context, tx *sqlTx, o Operator, now int64) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO operators (id, email, phone, first_name, last_name, role, role_name, online, last_visit, first_seen_at, loaded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.ID, o.Email, o.Phone, o.FirstName, o.LastName, o.Role, o.RoleName, o.Online, unix(o.LastVisit), now, now)
		return err
	},
	update: func(ctx context.Context, tx *sqlTx, o Operator, now int64, _ bool) error {
		_, err := tx.ExecContext(ctx, `UPDATE operators SET email = ?, phone = ?, first_name = ?, last_name = ?, role = ?, role_name = ?,
			online = ?, last_visit = ?, loaded_at = ?, removed_at = NULL WHERE id = ?`,
			o.Email, o.Phone, o.FirstName, o.LastName, o.Role, o.RoleName, o.Online, unix(o.LastVisit), now, o.ID)
		return err
	},
	markGone: `UPDATE operators SET removed_at = ?, online = 0 WHERE id = ?`,
}

// SyncOperators makes the operator mirror match Chat2Desk; operators gone
// upstream are kept and marked removed so their mapping stays explainable;
// complete says as for SyncChannels.
func (s *Store) SyncOperators(ctx context.Context, upstream []Operator, complete bool) (Changes, error) {
	return syncMirror(ctx, s, operatorMirror, upstream, complete)
}

// Operators returns every mirrored operator, removed ones included.
func (s *Store) Operators(ctx context.Context) ([]Operator, error) {
	out, err := queryOperators(ctx, s.db)
	return out, wrap(err)
}

func queryOperators(ctx context.Context, q querier) ([]Operator, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, email, phone, first_name, last_name, role, role_name, online, last_visit, loaded_at, removed_at
		FROM operators ORDER BY c2d_fold(first_name), c2d_fold(last_name), id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Operator
	for rows.Next() {
		var o Operator
		var visit, removed sql.NullInt64
		var loaded int64
		if err := rows.Scan(&o.ID, &o.Email, &o.Phone, &o.FirstName, &o.LastName, &o.Role, &o.RoleName, &o.Online, &visit, &loaded, &removed); err != nil {
			return nil, err
		}
		o.LastVisit, o.LoadedAt, o.RemovedAt = fromUnix(visit), time.Unix(loaded, 0).UTC(), fromUnix(removed)
		out = append(out, o)
	}
	return out, rows.Err()
}

// OperatorGroup is the local mirror of a Chat2Desk operator group.
type OperatorGroup struct {
	ID          int64
	Name        string
	OperatorIDs []int64
	LoadedAt    time.Time
	RemovedAt   time.Time
}

// SyncOperatorGroups makes the local groups match Chat2Desk's.
func (s *Store) SyncOperatorGroups(ctx context.Context, upstream []OperatorGroup, complete bool) (Changes, error) {
	return syncMirror(ctx, s, groupMirror, upstream, complete)
}

// OperatorGroups returns every mirrored group, removed ones included, by name.
func (s *Store) OperatorGroups(ctx context.Context) ([]OperatorGroup, error) {
	out, err := queryOperatorGroups(ctx, s.db)
	return out, wrap(err)
}

func queryOperatorGroups(ctx context.Context, q querier) ([]OperatorGroup, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, operator_ids, loaded_at, removed_at FROM operator_groups ORDER BY c2d_fold(name), id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OperatorGroup
	for rows.Next() {
		var g OperatorGroup
		var ids string
		var loaded int64
		var removed sql.NullInt64
		if err := rows.Scan(&g.ID, &g.Name, &ids, &loaded, &removed); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(ids), &g.OperatorIDs); err != nil {
			return nil, err
		}
		g.LoadedAt, g.RemovedAt = time.Unix(loaded, 0).UTC(), fromUnix(removed)
		out = append(out, g)
	}
	return out, rows.Err()
}

func operatorIDsJSON(ids []int64) string {
	if ids == nil {
		ids = []int64{}
	}
	data, _ := json.Marshal(ids) // a list of numbers always marshals
	return string(data)
}

var groupMirror = mirror[OperatorGroup]{
	load:      queryOperatorGroups,
	id:        func(g OperatorGroup) int64 { return g.ID },
	removedAt: func(g OperatorGroup) time.Time { return g.RemovedAt },
	same: func(a, b OperatorGroup) bool {
		return a.Name == b.Name && slices.Equal(a.OperatorIDs, b.OperatorIDs)
	},
	insert: func(ctx context.Context, tx *sqlTx, g OperatorGroup, now int64) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO operator_groups (id, name, operator_ids, first_seen_at, loaded_at) VALUES (?, ?, ?, ?, ?)`,
			g.ID, g.Name, operatorIDsJSON(g.OperatorIDs), now, now)
		return err
	},
	update: func(ctx context.Context, tx *sqlTx, g OperatorGroup, now int64, changed bool) error {
		if !changed {
			_, err := tx.ExecContext(ctx, `UPDATE operator_groups SET loaded_at = ? WHERE id = ?`, now, g.ID)
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE operator_groups SET name = ?, operator_ids = ?, loaded_at = ?, removed_at = NULL WHERE id = ?`,
			g.Name, operatorIDsJSON(g.OperatorIDs), now, g.ID)
		return err
	},
	markGone: `UPDATE operator_groups SET removed_at = ? WHERE id = ?`,
}
