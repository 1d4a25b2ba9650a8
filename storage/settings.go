package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
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
	_, err := s.db.ExecContext(ctx, setSettingSQL, key, value)
	return wrap(err)
}

const setSettingSQL = `INSERT INTO settings (key, value) VALUES (?, ?)
	ON CONFLICT (key) DO UPDATE SET value = excluded.value`

// SetSettings stores values under keys, in one transaction: all or none.
func (s *Store) SetSettings(ctx context.Context, keys, values []string) error {
	return s.inTx(ctx, func(tx *sqlTx) error {
		for i, k := range keys {
			if _, err := tx.ExecContext(ctx, setSettingSQL, k, values[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// movedIntoOfficeKey, in a PC's own file, names the office database its
// data was copied into: the file is a backup from then on.
const movedIntoOfficeKey = "moved_into_office"

// MovedIntoOffice returns the office database this file's data moved
// into (the address this computer connects with), or "".
func (s *Store) MovedIntoOffice(ctx context.Context) (string, error) {
	v, _, err := s.Setting(ctx, movedIntoOfficeKey)
	return v, err
}

// SetMovedIntoOffice records that this file's data moved into the office
// database at address; "" when this computer works in its file again.
func (s *Store) SetMovedIntoOffice(ctx context.Context, address string) error {
	return s.SetSetting(ctx, movedIntoOfficeKey, address)
}

const installationIDKey = "installation_id"

// InstallationID identifies this database; the keyring entry of the token
// is named after it, so each data folder has its own account.
func (s *Store) InstallationID(ctx context.Context) (string, error) {
	v, _, err := s.Setting(ctx, installationIDKey)
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
	return s.SetSettings(ctx, allConnectionKeys, values)
}

// LoadConnection returns the stored account details and whether there are any.
func (s *Store) LoadConnection(ctx context.Context) (Connection, bool, error) {
	vals, err := s.settings(ctx, allConnectionKeys, "")
	if err != nil {
		return Connection{}, false, err
	}
	c, ok := connectionFrom(vals)
	return c, ok, nil
}

// settings reads keys in one query, with extra (SQL, if any) adding key
// and value rows of its own; a key not set is missing from the map.
func (s *Store) settings(ctx context.Context, keys []string, extra string) (map[string]string, error) {
	q := `SELECT key, value FROM settings WHERE key IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(keys)), ", ") + `)` + extra
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	vals := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, wrap(err)
		}
		vals[k] = v
	}
	return vals, wrap(rows.Err())
}

// connectionFrom makes the account details of the settings that hold
// them, if all of connectionKeys are there.
func connectionFrom(vals map[string]string) (Connection, bool) {
	for _, k := range connectionKeys {
		if _, ok := vals[k]; !ok {
			return Connection{}, false
		}
	}
	req, _ := strconv.Atoi(vals["conn.requests"])
	checked, _ := strconv.ParseInt(vals["conn.checked_at"], 10, 64)
	return Connection{Company: vals["conn.company"], APIURL: vals["conn.api_url"], Mode: vals["conn.mode"], RequestsThisMonth: req,
		CheckedAt: time.Unix(checked, 0).UTC(), WriteFirst: WriteFirst(vals[writeFirstKey])}, true
}

// Overview is what the window needs right after someone signs in.
type Overview struct {
	InstallationID string
	Connection     Connection
	Connected      bool // account details are stored
	Channels       int  // not removed upstream
	Operators      int
}

// Overview reads it in one query: on an office database each query is a
// round trip, and this one stands between signing in and the chat list.
func (s *Store) Overview(ctx context.Context) (Overview, error) {
	vals, err := s.settings(ctx, append([]string{installationIDKey}, allConnectionKeys...), `
		UNION ALL SELECT 'count.channels', CAST(count(*) AS TEXT) FROM channels WHERE removed_at IS NULL
		UNION ALL SELECT 'count.operators', CAST(count(*) AS TEXT) FROM operators WHERE removed_at IS NULL`)
	if err != nil {
		return Overview{}, err
	}
	ov := Overview{InstallationID: vals[installationIDKey]}
	ov.Connection, ov.Connected = connectionFrom(vals)
	ov.Channels, _ = strconv.Atoi(vals["count.channels"])
	ov.Operators, _ = strconv.Atoi(vals["count.operators"])
	return ov, nil
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

// Template is a quick reply from Chat2Desk.
type Template struct {
	Command string // what follows "/" to pick it
	Name    string
	Text    string
}

const (
	templatesKey       = "templates"
	templatesLoadedKey = "templates.loaded_at"
)

// SaveTemplates keeps the account's quick replies, as loaded at loadedAt,
// for an office's PCs without the token.
func (s *Store) SaveTemplates(ctx context.Context, all []Template, loadedAt time.Time) error {
	data, err := json.Marshal(all)
	if err != nil {
		return err
	}
	return s.SetSettings(ctx, []string{templatesKey, templatesLoadedKey}, []string{string(data), strconv.FormatInt(loadedAt.Unix(), 10)})
}

// Templates returns the quick replies SaveTemplates kept, when they were
// loaded, and whether any were.
func (s *Store) Templates(ctx context.Context) (all []Template, loadedAt time.Time, ok bool, err error) {
	vals, err := s.settings(ctx, []string{templatesKey, templatesLoadedKey}, "")
	if err != nil {
		return nil, time.Time{}, false, err
	}
	data, ok := vals[templatesKey]
	if !ok {
		return nil, time.Time{}, false, nil
	}
	if err := json.Unmarshal([]byte(data), &all); err != nil {
		return nil, time.Time{}, false, fmt.Errorf("stored quick replies: %w", err)
	}
	at, _ := strconv.ParseInt(vals[templatesLoadedKey], 10, 64)
	return all, time.Unix(at, 0).UTC(), true, nil
}
