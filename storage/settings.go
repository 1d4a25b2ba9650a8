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
	WriteFirst        WriteFirst
}

// WriteFirst says whether the account's tariff lets the agency write to a
// client first, as Chat2Desk last said.
type WriteFirst string

// What Chat2Desk said of writing first; Unknown when it did not.
const (
	WriteFirstUnknown WriteFirst = ""
	WriteFirstAllowed WriteFirst = "yes"
	WriteFirstRefused WriteFirst = "no"
)

var connectionKeys = []string{"conn.company", "conn.api_url", "conn.mode", "conn.requests", "conn.checked_at"}

// writeFirstKey is kept apart from connectionKeys: databases from before
// it was known have connections without it.
const writeFirstKey = "conn.write_first"

// allConnectionKeys is what saving and clearing a connection writes.
var allConnectionKeys = append(connectionKeys[:len(connectionKeys):len(connectionKeys)], writeFirstKey)

// SetWriteFirst records what Chat2Desk said of writing first.
func (s *Store) SetWriteFirst(ctx context.Context, w WriteFirst) error {
	return s.SetSetting(ctx, writeFirstKey, string(w))
}

// SaveConnection stores the account details in one transaction.
func (s *Store) SaveConnection(ctx context.Context, c Connection) error {
	values := []string{c.Company, c.APIURL, c.Mode, strconv.Itoa(c.RequestsThisMonth), strconv.FormatInt(c.CheckedAt.Unix(), 10), string(c.WriteFirst)}
	return s.inTx(ctx, func(tx *sqlTx) error {
		for i, k := range allConnectionKeys {
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
	writeFirst, _, err := s.Setting(ctx, writeFirstKey)
	if err != nil {
		return Connection{}, false, err
	}
	return Connection{Company: vals[0], APIURL: vals[1], Mode: vals[2], RequestsThisMonth: req, CheckedAt: time.Unix(checked, 0).UTC(),
		WriteFirst: WriteFirst(writeFirst)}, true, nil
}

// ClearConnection forgets the account details (on disconnect). Channels,
// operators and history stay.
func (s *Store) ClearConnection(ctx context.Context) error {
	return s.inTx(ctx, func(tx *sqlTx) error {
		for _, k := range allConnectionKeys {
			if _, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE key = ?`, k); err != nil {
				return err
			}
		}
		return nil
	})
}
