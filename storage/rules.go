package storage

import (
	"context"
)

// Who sees chats that start on a channel.
const (
	VisibleToEveryone = "everyone"
	VisibleToAdmins   = "admins"
	VisibleToListed   = "listed"
)

// ChannelRule is a channel's privacy rule.
type ChannelRule struct {
	ChannelID  int64
	Visibility string  // VisibleToEveryone, VisibleToAdmins or VisibleToListed
	Staff      []int64 // who sees the chats when Visibility is VisibleToListed
	Set        bool    // an admin chose the rule; new channels start unset
}

// ChannelRules returns every channel's rule by channel id.
func (s *Store) ChannelRules(ctx context.Context) (map[int64]ChannelRule, error) {
	out, err := channelRules(ctx, s.db)
	return out, wrap(err)
}

func channelRules(ctx context.Context, q querier) (map[int64]ChannelRule, error) {
	rows, err := q.QueryContext(ctx, `SELECT channel_id, visibility, rule_set_at IS NOT NULL FROM channel_rules`)
	if err != nil {
		return nil, err
	}
	out := map[int64]ChannelRule{}
	for rows.Next() {
		var r ChannelRule
		if err := rows.Scan(&r.ChannelID, &r.Visibility, &r.Set); err != nil {
			rows.Close()
			return nil, err
		}
		out[r.ChannelID] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT channel_id, staff_id FROM channel_rule_staff ORDER BY channel_id, staff_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ch, st int64
		if err := rows.Scan(&ch, &st); err != nil {
			return nil, err
		}
		r := out[ch]
		r.Staff = append(r.Staff, st)
		out[ch] = r
	}
	return out, rows.Err()
}

// SetChannelRule stores a channel's rule, marking it as chosen by an admin.
func (s *Store) SetChannelRule(ctx context.Context, r ChannelRule) error {
	return s.inTx(ctx, func(tx *sqlTx) error { return setChannelRule(ctx, tx, r, s.now().Unix()) })
}

func setChannelRule(ctx context.Context, tx *sqlTx, r ChannelRule, now int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO channel_rules (channel_id, visibility, rule_set_at) VALUES (?, ?, ?)
		ON CONFLICT (channel_id) DO UPDATE SET visibility = excluded.visibility, rule_set_at = excluded.rule_set_at`,
		r.ChannelID, r.Visibility, now); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM channel_rule_staff WHERE channel_id = ?`, r.ChannelID); err != nil {
		return err
	}
	if r.Visibility != VisibleToListed {
		return nil
	}
	for _, st := range r.Staff {
		if _, err := tx.ExecContext(ctx, `INSERT INTO channel_rule_staff (channel_id, staff_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, r.ChannelID, st); err != nil {
			return err
		}
	}
	return nil
}

// DeleteChannel removes a channel, its transports and its rule. Messages
// keep their channel id, so history stays readable.
func (s *Store) DeleteChannel(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM channels WHERE id = ?`, id)
	if err != nil {
		return wrap(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
