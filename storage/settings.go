package storage

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"
)

// Setting returns a value and whether it is set.
func (s *Store) Setting(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, wrap(err)
}

// SetSetting stores a value.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return wrap(err)
}

// InstallationID identifies this database; the keyring entry of the token
// is named after it, so each data folder has its own account.
func (s *Store) InstallationID(ctx context.Context) (string, error) {
	v, _, err := s.Setting(ctx, "installation_id")
	return v, err
}

// Connection is what the app knows about the connected account. The token
// itself is in the keyring, never here.
type Connection struct {
	Company           string
	APIURL            string
	Mode              string
	RequestsThisMonth int
	CheckedAt         time.Time
}

var connectionKeys = []string{"conn.company", "conn.api_url", "conn.mode", "conn.requests", "conn.checked_at"}

// SaveConnection stores the account details in one transaction.
func (s *Store) SaveConnection(ctx context.Context, c Connection) error {
	values := []string{c.Company, c.APIURL, c.Mode, strconv.Itoa(c.RequestsThisMonth), strconv.FormatInt(c.CheckedAt.Unix(), 10)}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for i, k := range connectionKeys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, values[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// LoadConnection returns the stored account details and whether there are any.
func (s *Store) LoadConnection(ctx context.Context) (Connection, bool, error) {
	vals := make([]string, len(connectionKeys))
	for i, k := range connectionKeys {
		v, ok, err := s.Setting(ctx, k)
		if err != nil {
			return Connection{}, false, err
		}
		if !ok {
			return Connection{}, false, nil
		}
		vals[i] = v
	}
	req, _ := strconv.Atoi(vals[3])
	checked, _ := strconv.ParseInt(vals[4], 10, 64)
	return Connection{Company: vals[0], APIURL: vals[1], Mode: vals[2], RequestsThisMonth: req, CheckedAt: time.Unix(checked, 0).UTC()}, true, nil
}

// ClearConnection forgets the account details (on disconnect). Channels,
// operators and history stay.
func (s *Store) ClearConnection(ctx context.Context) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, k := range connectionKeys {
			if _, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE key = ?`, k); err != nil {
				return err
			}
		}
		return nil
	})
}
