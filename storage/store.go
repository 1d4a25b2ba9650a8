// Package storage keeps C2Desk's local data in one SQLite file, through
// go-sqlite3. Migrations are numbered files embedded in the binary and
// applied in one transaction at open. SQL lives only here.
package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// driverName is go-sqlite3 with C2Desk's SQL functions added.
const driverName = "sqlite3_c2desk"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			// c2d_fold lowercases any script: SQLite's own lower() and
			// LIKE fold only ASCII, which misses Cyrillic names.
			return c.RegisterFunc("c2d_fold", strings.ToLower, true)
		},
	})
}

// FileName is the database's name inside the data directory.
const FileName = "c2desk.db"

// ErrDiskFull means a write failed because the disk is full.
var ErrDiskFull = errors.New("the disk is full")

// TooNewError means the database was written by a later C2Desk.
type TooNewError struct{ Have, Know int }

func (e *TooNewError) Error() string {
	return fmt.Sprintf("database schema version %d is newer than this C2Desk knows (%d)", e.Have, e.Know)
}

// Store is the open database.
type Store struct {
	db   *sql.DB
	path string
	now  func() time.Time
}

// Open opens (creating if needed) the database in dir, readable only by the
// user, and applies pending migrations.
func Open(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", wrapFS(err))
	}
	path := filepath.Join(dir, FileName)
	// Create the file ourselves so it is 0600 from the first byte; SQLite
	// gives its -wal and -shm files the same mode.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", wrapFS(err))
	}
	f.Close()
	if err := os.Chmod(path, 0o600); err != nil {
		return nil, fmt.Errorf("protect database: %w", err)
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "5000")
	q.Set("_foreign_keys", "1")
	// FULL syncs the log at every commit: with WAL's NORMAL a power cut
	// may undo the last commits, and one of them may be a queued message.
	// A page of history costs the same within noise (BenchmarkAddHistoryPage).
	q.Set("_synchronous", "FULL")
	q.Set("_txlock", "immediate")
	db, err := sql.Open(driverName, "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	s := &Store{db: db, path: path, now: time.Now}
	if err := s.requireFullTextSearch(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// ErrNoFullTextSearch means this binary's SQLite lacks FTS5, which search
// needs: go-sqlite3 compiles it in only with the sqlite_fts5 build tag,
// which the scripts and the Makefile set through GOFLAGS.
var ErrNoFullTextSearch = errors.New("this C2Desk was built without SQLite full-text search; build it with -tags sqlite_fts5 (scripts/ and make do)")

func (s *Store) requireFullTextSearch(ctx context.Context) error {
	var on bool
	if err := s.db.QueryRowContext(ctx, `SELECT sqlite_compileoption_used('ENABLE_FTS5')`).Scan(&on); err != nil {
		return fmt.Errorf("open database: %w", wrap(err))
	}
	if !on {
		return ErrNoFullTextSearch
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path is the database file.
func (s *Store) Path() string { return s.path }

// SetClock replaces the time source, for tests.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", e.Name())
		}
		body, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected number %d", m.name, i+1)
		}
	}
	return out, nil
}

// LatestVersion is the schema version this build migrates to.
func LatestVersion() int {
	ms, _ := migrations()
	return len(ms)
}

// migrate applies the pending migrations and the installation id in one
// transaction: a crash leaves the old schema or the new, never half.
func (s *Store) migrate(ctx context.Context) error {
	return s.migrateTo(ctx, LatestVersion())
}

// migrateTo applies the migrations up to version; tests build older
// databases with it.
func (s *Store) migrateTo(ctx context.Context, version int) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	ms = ms[:version]
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", wrap(err))
	}
	defer tx.Rollback()
	var have int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
		return fmt.Errorf("migrate: %w", wrap(err))
	}
	if have > len(ms) {
		return &TooNewError{Have: have, Know: len(ms)}
	}
	for _, m := range ms[have:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, wrap(err))
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(ms))); err != nil {
		return fmt.Errorf("migrate: %w", wrap(err))
	}
	id := make([]byte, 16)
	rand.Read(id)
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO settings (key, value) VALUES ('installation_id', ?)`, hex.EncodeToString(id)); err != nil {
		return fmt.Errorf("migrate: %w", wrap(err))
	}
	return wrap(tx.Commit())
}

// SchemaVersion is the database's current schema version.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, wrap(err)
}

// Check runs SQLite's integrity check.
func (s *Store) Check(ctx context.Context) error {
	var res string
	if err := s.db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		return wrap(err)
	}
	if res != "ok" {
		return fmt.Errorf("database damaged: %s", res)
	}
	return nil
}

// wrap turns SQLite's "disk full" into ErrDiskFull so callers can explain it.
func wrap(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrFull {
		return fmt.Errorf("%w: %v", ErrDiskFull, err)
	}
	return err
}

func wrapFS(err error) error {
	if strings.Contains(err.Error(), "no space left on device") {
		return fmt.Errorf("%w: %v", ErrDiskFull, err)
	}
	return err
}

func unix(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.Unix(), Valid: true}
}

func fromUnix(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(n.Int64, 0).UTC()
}

// inTx runs fn in a transaction, committing only if it succeeds.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return wrap(err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return wrap(err)
	}
	return wrap(tx.Commit())
}

// LimitPages makes the database refuse to grow past its current size plus
// extra pages, as a full disk does (SQLite fails the write with SQLITE_FULL).
// Tests of a full disk use it: filling a real disk needs root. It keeps the
// pool to one connection, which the limit belongs to.
func (s *Store) LimitPages(ctx context.Context, extra int) error {
	s.db.SetMaxOpenConns(1)
	var pages int
	if err := s.db.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		return wrap(err)
	}
	_, err := s.db.ExecContext(ctx, "PRAGMA max_page_count = "+strconv.Itoa(pages+extra))
	return wrap(err)
}
