// Package storage keeps C2Desk's data: in one SQLite file on a PC, through
// go-sqlite3 (sqlite.go), or in an office's shared PostgreSQL database,
// through pgx (postgres.go). Queries are written once; dialect.go is the
// seam where the engines differ. Migrations are numbered files per engine,
// embedded in the binary and applied in one transaction at open. SQL lives
// only here.
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
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// ErrDiskFull means a write failed because the disk is full.
var ErrDiskFull = errors.New("the disk is full")

// TooNewError means the database was written by a later C2Desk.
type TooNewError struct{ Have, Know int }

func (e *TooNewError) Error() string {
	return fmt.Sprintf("database schema version %d is newer than this C2Desk knows (%d)", e.Have, e.Know)
}

// Store is the open database, a local file or an office's.
type Store struct {
	db *sqlDB
	d  dialect
	// where is the file's path, or the office database's address
	// without its password.
	where string
	now   func() time.Time
	// watchErr is told the errors Watch recovers from.
	watchErr func(error)
	clockSet bool // a test's clock (SetClock) replaces the server's
	// guarded: connected as one of the office's roles (OpenOfficeAs), not
	// its owner: PIN hashes are the server's, and the guard's functions
	// set them.
	guarded bool
	poller  bool // guarded, as the office's poller
	// sessionStaff is who is signed in on this store (session.go), 0:
	// nobody.
	sessionStaff atomic.Int64
}

func newStore(db *sql.DB, d dialect, where string) *Store {
	return &Store{db: &sqlDB{DB: db, d: d}, d: d, where: where, now: time.Now}
}

// ready checks the freshly opened database, then migrates it; on failure
// it closes it.
func (s *Store) ready(ctx context.Context, check func(context.Context) error) error {
	err := check(ctx)
	if err == nil {
		err = s.migrate(ctx)
	}
	if err != nil {
		s.db.Close()
	}
	return err
}

// Guarded reports whether this store connects as one of the office's
// roles, whose rights the database limits (guard.go), rather than as the
// owner of the data.
func (s *Store) Guarded() bool { return s.guarded }

// ForPerson reports whether this store connects as the office PCs' role:
// it acts for the person signed in (session.go), else for nobody.
func (s *Store) ForPerson() bool { return s.guarded && !s.poller }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path is the database file, or the office database's address without
// its password.
func (s *Store) Path() string { return s.where }

// Engine names the database engine: SQLite or PostgreSQL.
func (s *Store) Engine() string { return s.d.engine() }

// Office reports whether this is an office's shared database.
func (s *Store) Office() bool {
	_, ok := s.d.(*postgresDialect)
	return ok
}

// SetClock replaces the time source, for tests.
func (s *Store) SetClock(now func() time.Time) { s.now, s.clockSet = now, true }

type migration struct {
	version int
	name    string
	sql     string
}

func migrations(d dialect) ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, d.migrationDir())
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
		body, err := migrationFS.ReadFile(d.migrationDir() + "/" + e.Name())
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

// LatestVersion is the schema version this build migrates a local file to.
func LatestVersion() int {
	ms, _ := migrations(sqliteDialect{})
	return len(ms)
}

// LatestVersion is the schema version this build migrates this database to.
func (s *Store) LatestVersion() int {
	ms, _ := migrations(s.d)
	return len(ms)
}

// migrate applies the pending migrations and the installation id in one
// transaction: a crash leaves the old schema or the new, never half.
func (s *Store) migrate(ctx context.Context) error {
	return s.migrateTo(ctx, s.LatestVersion())
}

// migrateTo applies the migrations up to version; tests build older
// databases with it.
func (s *Store) migrateTo(ctx context.Context, version int) error {
	ms, err := migrations(s.d)
	if err != nil {
		return err
	}
	ms = ms[:version]
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", wrap(err))
	}
	defer tx.Rollback()
	if err := s.d.lockSchema(ctx, tx); err != nil {
		return fmt.Errorf("migrate: %w", wrap(err))
	}
	have, err := s.d.schemaVersion(ctx, tx)
	if err != nil {
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
	if err := s.d.setSchemaVersion(ctx, tx, len(ms)); err != nil {
		return fmt.Errorf("migrate: %w", wrap(err))
	}
	id := make([]byte, 16)
	rand.Read(id)
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('installation_id', ?) ON CONFLICT DO NOTHING`, hex.EncodeToString(id)); err != nil {
		return fmt.Errorf("migrate: %w", wrap(err))
	}
	return wrap(tx.Commit())
}

// SchemaVersion is the database's current schema version.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	v, err := s.d.schemaVersion(ctx, s.db)
	return v, wrap(err)
}

// Analyze brings the engine's planner statistics up to the data, after a
// load that grew it from nothing.
func (s *Store) Analyze(ctx context.Context) error { return wrap(s.d.analyze(ctx, s.db)) }

// Check asks the engine whether the stored data is intact.
func (s *Store) Check(ctx context.Context) error { return s.d.check(ctx, s.db) }

// wrap turns either engine's "disk full" into ErrDiskFull, and an office
// database that cannot be reached into ErrOfficeUnreachable, so callers
// can explain them.
func wrap(err error) error {
	switch {
	case err == nil:
		return nil
	case sqliteFull(err) || postgresFull(err):
		return fmt.Errorf("%w: %v", ErrDiskFull, err)
	case postgresForbidden(err):
		return fmt.Errorf("%w: %v", ErrForbidden, err)
	case postgresRefused(err):
		return fmt.Errorf("%w: %v", ErrOfficePassword, err)
	case postgresUnreachable(err):
		return fmt.Errorf("%w: %v", ErrOfficeUnreachable, err)
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
func (s *Store) inTx(ctx context.Context, fn func(tx *sqlTx) error) error {
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
