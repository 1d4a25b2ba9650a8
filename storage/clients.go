package storage

// Clients: the local copies of Chat2Desk's clients.

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// Client is the local copy of a Chat2Desk client.
type Client struct {
	ID    int64
	Name  string
	Phone string
	// Tags, when not nil, are the client's tags as Chat2Desk listed them
	// with the client: stored with it. Nil leaves the stored ones.
	Tags []Tag
}

// UpsertClient stores a client, replacing what was known.
func (s *Store) UpsertClient(ctx context.Context, c Client) error {
	return s.UpsertClients(ctx, []Client{c})
}

// UpsertClients stores many clients in one transaction.
func (s *Store) UpsertClients(ctx context.Context, cs []Client) error {
	now := s.now().Unix()
	return s.inTx(ctx, func(tx *sqlTx) error {
		stmt, err := tx.PrepareContext(ctx, upsertClientSQL)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, c := range cs {
			if _, err := stmt.ExecContext(ctx, clientArgs(c, now)...); err != nil {
				return err
			}
			if c.Tags != nil {
				if err := setClientTags(ctx, tx, c.ID, c.Tags); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// upsertClientSQL also keeps what search compares: the name folded to
// lower case in any script, and the phone's digits.
const upsertClientSQL = `INSERT INTO clients (id, name, phone, search_name, phone_digits, updated_at) VALUES (?, ?, ?, ?, ?, ?)
	ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = excluded.phone, search_name = excluded.search_name,
		phone_digits = excluded.phone_digits, updated_at = excluded.updated_at`

func clientArgs(c Client, now int64) []any {
	return []any{c.ID, c.Name, c.Phone, strings.ToLower(c.Name), PhoneDigits(c.Phone), now}
}

// ClientByID returns one client, or ErrNotFound.
func (s *Store) ClientByID(ctx context.Context, id int64) (Client, error) {
	c := Client{ID: id}
	err := s.db.QueryRowContext(ctx, `SELECT name, phone FROM clients WHERE id = ?`, id).Scan(&c.Name, &c.Phone)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	return c, wrap(err)
}

// KnownClients returns which of the ids are stored clients, in one query:
// a page of history names up to two hundred.
func (s *Store) KnownClients(ctx context.Context, ids []int64) (map[int64]bool, error) {
	if len(ids) == 0 {
		return map[int64]bool{}, nil
	}
	return s.queryIDSet(ctx, `SELECT id FROM clients WHERE id IN (SELECT value FROM json_each(?))`, idList(ids))
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// PhoneDigits is a phone number as stored for search and as Chat2Desk
// takes it: its digits only.
func PhoneDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
