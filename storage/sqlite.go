package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mattn/go-sqlite3"
)

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

// Open opens (creating if needed) the SQLite database in dir, readable only
// by the user, and applies pending migrations.
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
	s := newStore(db, sqliteDialect{}, path)
	if err := s.ready(ctx, s.requireFullTextSearch); err != nil {
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

// sqliteDialect is the shared SQL's own dialect: it needs no rewriting.
type sqliteDialect struct{}

func (sqliteDialect) engine() string         { return "SQLite" }
func (sqliteDialect) rebind(q string) string { return q }
func (sqliteDialect) arg(v any) (any, bool)  { return v, false }
func (sqliteDialect) migrationDir() string   { return "migrations/sqlite" }

// wordMatchesSQL bounds the rowid on every page: FTS5 reads from there,
// newest first, and stops at the limit.
func (sqliteDialect) wordMatchesSQL() string {
	return `SELECT rowid, dialog_id FROM message_words WHERE message_words MATCH ?1 AND rowid < ?2 ORDER BY rowid DESC LIMIT ?3`
}

// analyze runs SQLite's own judgement of which statistics need it.
func (sqliteDialect) analyze(ctx context.Context, db *sqlDB) error {
	_, err := db.ExecContext(ctx, `PRAGMA optimize`)
	return err
}

// lockSchema needs nothing: transactions begin immediate, taking the
// file's write lock.
func (sqliteDialect) lockSchema(context.Context, *sqlTx) error { return nil }

func (sqliteDialect) schemaVersion(ctx context.Context, q querier) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

func (sqliteDialect) setSchemaVersion(ctx context.Context, tx *sqlTx, v int) error {
	_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v))
	return err
}

// wordsQuery turns what the user typed into an FTS5 query: every word must
// begin a word of the message, in any case, "е" standing for "ё" as in the
// index. Words are quoted, so nothing typed is read as FTS5 syntax.
func (sqliteDialect) wordsQuery(typed string) string {
	words := searchWords(typed)
	for i, w := range words {
		words[i] = `"` + w + `"*`
	}
	return strings.Join(words, " AND ")
}

// recentWordMatches and fewWordMatches are not needed: FTS5 reads any
// word's matches newest first from the index itself.
func (sqliteDialect) recentWordMatches(context.Context, *sqlDB, string, int) ([][2]int64, int64, bool, error) {
	return nil, 0, false, nil
}

func (sqliteDialect) fewWordMatches(context.Context, *sqlDB, string, int64, int) ([][2]int64, bool, error) {
	return nil, false, nil
}

// clientMatch reads the trigram index (migration 0012) when every part
// sought has the three characters a trigram needs, else every client.
func (sqliteDialect) clientMatch(name, digits string, args []any) (from, cond string, out []any) {
	if utf8.RuneCountInString(name) < 3 || digits != "" && len(digits) < 3 {
		return likeClientMatch(name, digits, args)
	}
	quote := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	match := `{search_name}: ` + quote(name)
	if digits != "" {
		match += ` OR {phone_digits}: ` + quote(digits)
	}
	args = append(args, match)
	return "client_trigrams t CROSS JOIN clients c ON c.id = t.rowid", "client_trigrams MATCH ?" + itoa(len(args)), args
}

// afterCopy needs nothing: the search index follows the messages by
// trigger, and INTEGER PRIMARY KEY continues after the largest id.
func (sqliteDialect) afterCopy(context.Context, *sqlTx) error { return nil }

// check runs SQLite's integrity check.
func (sqliteDialect) check(ctx context.Context, q querier) error {
	var res string
	if err := q.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		return wrap(err)
	}
	if res != "ok" {
		return fmt.Errorf("database damaged: %s", res)
	}
	return nil
}

// searchWords is what the user typed as the words to look for, "ё" read
// as "е" as both engines index it.
func searchWords(typed string) []string {
	typed = strings.NewReplacer("ё", "е", "Ё", "Е").Replace(typed)
	return strings.FieldsFunc(typed, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}

// LimitPages makes the database refuse to grow past its current size plus
// extra pages, as a full disk does (SQLite fails the write with SQLITE_FULL).
// Tests of a full disk use it: filling a real disk needs root. It keeps the
// pool to one connection, which the limit belongs to.
func (s *Store) LimitPages(ctx context.Context, extra int) error {
	if _, ok := s.d.(sqliteDialect); !ok {
		return fmt.Errorf("LimitPages is for SQLite; this database is %s", s.d.engine())
	}
	s.db.SetMaxOpenConns(1)
	var pages int
	if err := s.db.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		return wrap(err)
	}
	_, err := s.db.ExecContext(ctx, "PRAGMA max_page_count = "+strconv.Itoa(pages+extra))
	return wrap(err)
}

func sqliteFull(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.Code == sqlite3.ErrFull
}
