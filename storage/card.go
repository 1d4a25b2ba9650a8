package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"
)

// Tag is one of the account's client tags.
type Tag struct {
	ID          int64
	Label       string
	Group       string
	Description string
}

// CustomField is one of the account's client fields.
type CustomField struct {
	ID       int64
	Name     string
	Type     string // "number" for numbers; text otherwise
	Editable bool
}

// ClientCard is what C2Desk keeps of a client for the card beside a chat.
type ClientCard struct {
	Client
	Comment string
	Tags    []Tag            // by group, then label
	Values  map[int64]string // field values by field id
	// LoadedAt is when the card was last read from Chat2Desk; zero: never.
	LoadedAt time.Time
}

// ReplaceTags makes the account's tags those listed: new and changed ones
// are written, and one gone from Chat2Desk is dropped, with its place on
// clients.
func (s *Store) ReplaceTags(ctx context.Context, tags []Tag) error {
	ids := make([]int64, 0, len(tags))
	for _, t := range tags {
		ids = append(ids, t.ID)
	}
	return s.inTx(ctx, func(tx *sqlTx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM client_tags WHERE tag_id NOT IN (SELECT value FROM json_each(?))`, idList(ids)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE id NOT IN (SELECT value FROM json_each(?))`, idList(ids)); err != nil {
			return err
		}
		return upsertTags(ctx, tx, tags)
	})
}

const upsertTagSQL = `INSERT INTO tags (id, label, group_name, description) VALUES (?, ?, ?, ?)
	ON CONFLICT (id) DO UPDATE SET label = excluded.label, group_name = excluded.group_name, description = excluded.description
	WHERE tags.label != excluded.label OR tags.group_name != excluded.group_name OR tags.description != excluded.description`

func upsertTags(ctx context.Context, tx *sqlTx, tags []Tag) error {
	for _, t := range tags {
		if _, err := tx.ExecContext(ctx, upsertTagSQL, t.ID, t.Label, t.Group, t.Description); err != nil {
			return err
		}
	}
	return nil
}

// Tags returns the account's tags, by group, then label.
func (s *Store) Tags(ctx context.Context) ([]Tag, error) {
	return s.tags(ctx, `SELECT id, label, group_name, description FROM tags ORDER BY c2d_fold(group_name), c2d_fold(label), id`)
}

func (s *Store) tags(ctx context.Context, q string, args ...any) ([]Tag, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	var out []Tag
	for rows.Next() {
		var t Tag
		if err := rows.Scan(&t.ID, &t.Label, &t.Group, &t.Description); err != nil {
			return nil, wrap(err)
		}
		out = append(out, t)
	}
	return out, wrap(rows.Err())
}

// ReplaceCustomFields makes the account's client fields those listed, in
// their order.
func (s *Store) ReplaceCustomFields(ctx context.Context, fields []CustomField) error {
	return s.inTx(ctx, func(tx *sqlTx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM custom_fields`); err != nil {
			return err
		}
		for i, f := range fields {
			if _, err := tx.ExecContext(ctx, `INSERT INTO custom_fields (id, name, type, editable, position) VALUES (?, ?, ?, ?, ?)`,
				f.ID, f.Name, f.Type, f.Editable, i); err != nil {
				return err
			}
		}
		return nil
	})
}

// CustomFields returns the account's client fields, in Chat2Desk's order.
func (s *Store) CustomFields(ctx context.Context) ([]CustomField, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, type, editable FROM custom_fields ORDER BY position, id`)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	var out []CustomField
	for rows.Next() {
		var f CustomField
		if err := rows.Scan(&f.ID, &f.Name, &f.Type, &f.Editable); err != nil {
			return nil, wrap(err)
		}
		out = append(out, f)
	}
	return out, wrap(rows.Err())
}

// ClientCard returns what is kept of a client for the card, or ErrNotFound.
func (s *Store) ClientCard(ctx context.Context, clientID int64) (ClientCard, error) {
	c := ClientCard{Client: Client{ID: clientID}}
	var fields string
	var loaded sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT name, phone, comment, custom_fields, card_loaded_at FROM clients WHERE id = ?`, clientID).
		Scan(&c.Name, &c.Phone, &c.Comment, &fields, &loaded)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, wrap(err)
	}
	c.LoadedAt = fromUnix(loaded)
	c.Values = decodeFields(fields)
	c.Tags, err = s.tags(ctx, `SELECT t.id, t.label, t.group_name, t.description FROM client_tags ct JOIN tags t ON t.id = ct.tag_id
		WHERE ct.client_id = ? ORDER BY c2d_fold(t.group_name), c2d_fold(t.label), t.id`, clientID)
	return c, err
}

func decodeFields(s string) map[int64]string {
	out := map[int64]string{}
	if json.Unmarshal([]byte(s), &out) != nil {
		return map[int64]string{}
	}
	return out
}

func encodeFields(f map[int64]string) string {
	if f == nil {
		f = map[int64]string{}
	}
	b, _ := json.Marshal(f) // a map of strings always encodes
	return string(b)
}

// SaveClientCard stores a client's card as Chat2Desk has it: name, phone,
// comment, field values and tags (the tags' own records too), read now.
func (s *Store) SaveClientCard(ctx context.Context, c ClientCard) error {
	now := s.now().Unix()
	return s.inTx(ctx, func(tx *sqlTx) error {
		if _, err := tx.ExecContext(ctx, upsertClientSQL, clientArgs(c.Client, now)...); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE clients SET comment = ?, custom_fields = ?, card_loaded_at = ? WHERE id = ?`,
			c.Comment, encodeFields(c.Values), now, c.ID); err != nil {
			return err
		}
		return setClientTags(ctx, tx, c.ID, c.Tags)
	})
}

// setClientTags makes the client's tags these, writing their records.
func setClientTags(ctx context.Context, tx *sqlTx, clientID int64, tags []Tag) error {
	if err := upsertTags(ctx, tx, tags); err != nil {
		return err
	}
	ids := make([]int64, 0, len(tags))
	for _, t := range tags {
		ids = append(ids, t.ID)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM client_tags WHERE client_id = ? AND tag_id NOT IN (SELECT value FROM json_each(?))`,
		clientID, idList(ids)); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO client_tags (client_id, tag_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, clientID, id); err != nil {
			return err
		}
	}
	return nil
}

// SetClientComment changes the stored comment.
func (s *Store) SetClientComment(ctx context.Context, clientID int64, comment string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE clients SET comment = ? WHERE id = ?`, comment, clientID)
	return wrap(err)
}

// SetClientField changes one stored field value ("" removes it).
func (s *Store) SetClientField(ctx context.Context, clientID, fieldID int64, value string) error {
	return s.inTx(ctx, func(tx *sqlTx) error {
		var fields string
		if err := tx.QueryRowContext(ctx, `SELECT custom_fields FROM clients WHERE id = ?`, clientID).Scan(&fields); err != nil {
			return err
		}
		f := decodeFields(fields)
		if value == "" {
			delete(f, fieldID)
		} else {
			f[fieldID] = value
		}
		_, err := tx.ExecContext(ctx, `UPDATE clients SET custom_fields = ? WHERE id = ?`, encodeFields(f), clientID)
		return err
	})
}

// AddClientTag puts a known tag on a client; RemoveClientTag takes it off.
func (s *Store) AddClientTag(ctx context.Context, clientID, tagID int64) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO client_tags (client_id, tag_id) SELECT ?, id FROM tags WHERE id = ? ON CONFLICT DO NOTHING`, clientID, tagID)
	return wrap(err)
}

// RemoveClientTag takes a tag off a client.
func (s *Store) RemoveClientTag(ctx context.Context, clientID, tagID int64) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM client_tags WHERE client_id = ? AND tag_id = ?`, clientID, tagID)
	return wrap(err)
}

// SetTaggedClients makes exactly these clients carry the tag, as
// Chat2Desk's client list filtered by it said.
func (s *Store) SetTaggedClients(ctx context.Context, tagID int64, clientIDs []int64) error {
	return s.inTx(ctx, func(tx *sqlTx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM client_tags WHERE tag_id = ? AND client_id NOT IN (SELECT value FROM json_each(?))`,
			tagID, idList(clientIDs)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO client_tags (client_id, tag_id)
			SELECT c.id, t.id FROM clients c, tags t WHERE t.id = ? AND c.id IN (SELECT value FROM json_each(?)) ON CONFLICT DO NOTHING`,
			tagID, idList(clientIDs))
		return err
	})
}

// ClientChat is one of a client's chats, for the card.
type ClientChat struct {
	ID          int64
	State       string
	ChannelName string
	Transport   string
	LastAt      time.Time
}

// ClientChats returns the client's chats the viewer may see, newest first.
func (s *Store) ClientChats(ctx context.Context, v Viewer, clientID int64) ([]ClientChat, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT d.id, d.state, COALESCE(ch.name, ''), d.transport, d.last_message_at
		FROM dialogs d LEFT JOIN channels ch ON ch.id = d.channel_id
		WHERE d.client_id = ?3 AND `+accessClause+` ORDER BY d.last_message_at DESC, d.id DESC LIMIT 20`, s.viewer(v).sees(), v.StaffID, clientID)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	var out []ClientChat
	for rows.Next() {
		var c ClientChat
		var last sql.NullInt64
		if err := rows.Scan(&c.ID, &c.State, &c.ChannelName, &c.Transport, &last); err != nil {
			return nil, wrap(err)
		}
		c.LastAt = fromUnix(last)
		out = append(out, c)
	}
	return out, wrap(rows.Err())
}

// LastAnswer returns the newest answer to the client in a dialog: who
// wrote it (staff, when C2Desk knows) and under which operator.
func (s *Store) LastAnswer(ctx context.Context, dialogID int64) (Message, bool, error) {
	msgs, err := s.messages(ctx, `WHERE (dialog_id, id) < (?1, ?2) AND (dialog_id, id) > (?1, 0) AND type = 'to_client'
		ORDER BY dialog_id DESC, id DESC LIMIT 1`, dialogID, int64(1)<<62)
	if err != nil || len(msgs) == 0 {
		return Message{}, false, err
	}
	return msgs[0], true, nil
}
