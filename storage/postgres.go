package storage

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// Errors of the office database, so that callers can explain them.
var (
	// ErrOfficeUnreachable means the office database did not answer:
	// the server is down or the network is cut.
	ErrOfficeUnreachable = errors.New("the office database cannot be reached")
	// ErrOfficePassword means the office database refused the password
	// (or the user): it was changed, or the role was removed.
	ErrOfficePassword = errors.New("the office database did not accept the password")
	// ErrForbidden means the office database refused a read or a write
	// to the person signed in (or to nobody signed in): its row-level
	// security or its grants (guard.go).
	ErrForbidden = errors.New("the office database does not allow this to the person signed in")
	// ErrOfficeBehind means the office database was made by an older
	// C2Desk, and only its administrator may upgrade it (c2desk office
	// upgrade, with the owner's password).
	ErrOfficeBehind = errors.New("the office database must be upgraded by its administrator")
	// ErrOfficeLocale means the database cannot fold Russian letters to
	// lower case, which search needs: it was created with the C locale.
	ErrOfficeLocale = errors.New("the office database was created without a UTF-8 locale")
)

// IsOfficeURL reports whether a --database value names an office
// (PostgreSQL) database rather than a local file.
func IsOfficeURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// SplitPassword returns an office database's address without its password,
// and the password ("" when it had none), so that the password can go to
// the keyring and the address to the settings.
func SplitPassword(address string) (clean, password string, err error) {
	u, err := url.Parse(address)
	if err != nil || !IsOfficeURL(address) || u.Host == "" && u.Query().Get("host") == "" {
		return "", "", fmt.Errorf("%q is not an office database address (postgres://user@server/database)", Redact(address))
	}
	if u.User != nil {
		password, _ = u.User.Password()
		u.User = url.User(u.User.Username())
	}
	return u.String(), password, nil
}

// WithPassword puts a password into an office database's address, for
// connecting only: the result is never written anywhere.
func WithPassword(address, password string) string {
	u, err := url.Parse(address)
	if err != nil || password == "" {
		return address
	}
	name := ""
	if u.User != nil {
		name = u.User.Username()
	}
	u.User = url.UserPassword(name, password)
	return u.String()
}

// Redact is an address with its password, if any, replaced.
func Redact(address string) string {
	u, err := url.Parse(address)
	if err != nil {
		return "(an address that cannot be read)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.Redacted()
}

// officeDialTimeout bounds connecting to the office database, so that a
// server that is down is told within seconds, not after the system's
// minutes-long TCP timeout.
const officeDialTimeout = 5 * time.Second

// OpenOffice connects to an office's PostgreSQL database as its owner
// (address with its password, if it needs one) and applies pending
// migrations.
func OpenOffice(ctx context.Context, address string) (*Store, error) {
	s, err := openOffice(address)
	if err != nil {
		return nil, err
	}
	if err := s.ready(ctx, s.checkOffice); err != nil {
		return nil, err
	}
	return s, nil
}

// OpenOfficeAs connects to an office database as one of its roles (a
// PC's or the poller's, see guard.go), which may not change the schema:
// an office behind this C2Desk is refused until an administrator upgrades
// it (ErrOfficeBehind), one ahead of it as always (TooNewError).
func OpenOfficeAs(ctx context.Context, address string) (*Store, error) {
	s, err := openOffice(address)
	if err != nil {
		return nil, err
	}
	s.guarded = true
	err = s.checkOffice(ctx)
	if err == nil {
		err = s.checkSchema(ctx)
	}
	if err == nil {
		err = wrap(s.db.QueryRowContext(ctx, `SELECT c2desk_poller()`).Scan(&s.poller))
	}
	if d, ok := s.d.(*postgresDialect); ok {
		d.person = s.ForPerson()
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func openOffice(address string) (*Store, error) {
	cfg, err := pgconnConfig(address)
	if err != nil {
		return nil, err
	}
	d := newPostgresDialect()
	d.cfg = cfg
	// Each connection carries the session of the person signed in here
	// (session.go), set when it is made or taken from the pool.
	db := stdlib.OpenDB(*cfg, stdlib.OptionAfterConnect(d.applySession), stdlib.OptionResetSession(d.applySession))
	// A few connections per PC: the office has several PCs, and a small
	// server allows 100 connections in all.
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(5 * time.Minute)
	clean, _, _ := SplitPassword(address)
	return newStore(db, d, clean), nil
}

// checkSchema refuses an office database whose schema this C2Desk would
// have to change.
func (s *Store) checkSchema(ctx context.Context) error {
	have, err := s.SchemaVersion(ctx)
	switch {
	case err != nil:
		return err
	case have > s.LatestVersion():
		return &TooNewError{Have: have, Know: s.LatestVersion()}
	case have < s.LatestVersion():
		return fmt.Errorf("%w (schema %d, this C2Desk needs %d)", ErrOfficeBehind, have, s.LatestVersion())
	}
	return nil
}

func pgconnConfig(address string) (*pgx.ConnConfig, error) {
	if _, _, err := SplitPassword(address); err != nil {
		return nil, err
	}
	address, _ = secureAddress(address)
	cfg, err := pgx.ParseConfig(address)
	if err != nil {
		return nil, fmt.Errorf("office database address: %s", strings.ReplaceAll(err.Error(), address, Redact(address)))
	}
	if cfg.ConnectTimeout == 0 || cfg.ConnectTimeout > officeDialTimeout {
		cfg.ConnectTimeout = officeDialTimeout
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["application_name"] = "C2Desk"
	// Plan each query for its arguments: one plan for all searches is
	// either slow for common words or for rare ones (search.go).
	cfg.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	return cfg, nil
}

// How the office database is reached.
const (
	// TransportLocal: a Unix socket or this machine's loopback; nothing
	// crosses a network.
	TransportLocal = "local"
	// TransportVerified: TLS with the server's certificate checked
	// (sslmode verify-full or verify-ca).
	TransportVerified = "verified"
	// TransportReadable: off this machine with a weaker sslmode given
	// explicitly: without TLS, or without checking whom it talks to,
	// someone on the network can read the office's chats.
	TransportReadable = "readable"
)

// secureAddress is the address C2Desk connects with, and how it is
// reached. Off this machine, an address that does not choose an sslmode
// gets verify-full (pgx's default, prefer, checks no certificate and falls
// back to plain text when asked to, so someone on the office's network can
// force it and read everything); one that chooses a weaker mode keeps it,
// and is said to be readable. Wherever TLS is on, SCRAM binds the
// password exchange to the TLS channel (channel_binding=require) unless
// the address says otherwise.
func secureAddress(address string) (string, string) {
	u, err := url.Parse(address)
	if err != nil {
		return address, TransportReadable
	}
	q := u.Query()
	host := u.Hostname()
	if h := q.Get("host"); h != "" {
		host = h
	}
	if ip := net.ParseIP(host); strings.HasPrefix(host, "/") || host == "localhost" || ip != nil && ip.IsLoopback() {
		return address, TransportLocal
	}
	mode := q.Get("sslmode")
	if mode == "" {
		mode = os.Getenv("PGSSLMODE")
	}
	if mode == "" {
		mode = "verify-full"
		q.Set("sslmode", mode)
	}
	tls := mode == "require" || mode == "verify-ca" || mode == "verify-full"
	if tls && q.Get("channel_binding") == "" {
		q.Set("channel_binding", "require")
	}
	u.RawQuery = q.Encode()
	if mode == "verify-full" || mode == "verify-ca" {
		return u.String(), TransportVerified
	}
	return u.String(), TransportReadable
}

// Transport is how this office database is reached (TransportLocal,
// TransportVerified or TransportReadable); "" for a PC's own file.
func (s *Store) Transport() string {
	if !s.Office() {
		return ""
	}
	_, t := secureAddress(s.where)
	return t
}

// checkOffice makes sure the database answers and can do what C2Desk asks
// of it: fold Russian letters (search and names need it).
func (s *Store) checkOffice(ctx context.Context) error {
	var folds bool
	if err := s.db.QueryRowContext(ctx, `SELECT lower('ЁЛКА Ipoteka') = 'ёлка ipoteka'`).Scan(&folds); err != nil {
		return wrap(err)
	}
	if !folds {
		return ErrOfficeLocale
	}
	return nil
}

// postgresDialect rewrites the shared SQL for PostgreSQL.
type postgresDialect struct {
	cache rebindCache
	cfg   *pgx.ConnConfig // for the connection that listens (watch.go)
	// session is the token of the person signed in here ("" or nil:
	// nobody), which every connection carries (session.go).
	session atomic.Pointer[string]
	// person: connected as the office PCs' role, whose reads the policies
	// limit; searches then go through the guard's functions, which keep
	// the words' index (0011_guard.sql).
	person bool
}

func newPostgresDialect() *postgresDialect {
	d := &postgresDialect{}
	d.cache.rewrite = func(q string) string {
		q = idListSQL.ReplaceAllString(q, `SELECT jsonb_array_elements_text(${1}::jsonb)::bigint`)
		// SQLite's CROSS JOIN ... ON is an inner join whose order its
		// planner keeps (search.go relies on that); PostgreSQL's planner
		// orders joins by its statistics, and writes it JOIN.
		q = strings.ReplaceAll(q, "CROSS JOIN", "JOIN")
		return numberedPlaceholders(q)
	}
	return d
}

func (*postgresDialect) engine() string           { return "PostgreSQL" }
func (d *postgresDialect) rebind(q string) string { return d.cache.get(q) }
func (*postgresDialect) migrationDir() string     { return "migrations/postgres" }

// arg stores booleans as the 0 and 1 the shared schema keeps them as, and
// drops NUL characters, which PostgreSQL's text cannot hold (no messenger
// shows them either).
func (*postgresDialect) arg(v any) (any, bool) {
	switch v := v.(type) {
	case bool:
		if v {
			return int64(1), true
		}
		return int64(0), true
	case string:
		if strings.IndexByte(v, 0) >= 0 {
			return strings.ReplaceAll(v, "\x00", ""), true
		}
	}
	return v, false
}

// schemaLock is the advisory lock that keeps two PCs from migrating the
// office database at once; any constant does, this one spells "c2dk".
const schemaLock = 0x6332646b

func (*postgresDialect) lockSchema(ctx context.Context, tx *sqlTx) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(schemaLock))
	return err
}

func (*postgresDialect) schemaVersion(ctx context.Context, q querier) (int, error) {
	// to_regclass first, not a failing SELECT: a failed statement would
	// abort the migration's transaction.
	var exists bool
	if err := q.QueryRowContext(ctx, `SELECT to_regclass('c2desk_schema') IS NOT NULL`).Scan(&exists); err != nil || !exists {
		return 0, err
	}
	var v sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT max(version) FROM c2desk_schema`).Scan(&v)
	return int(v.Int64), err
}

func (*postgresDialect) setSchemaVersion(ctx context.Context, tx *sqlTx, v int) error {
	_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS c2desk_schema (version INTEGER NOT NULL)`)
	if err == nil {
		_, err = tx.ExecContext(ctx, `DELETE FROM c2desk_schema`)
	}
	if err == nil {
		_, err = tx.ExecContext(ctx, `INSERT INTO c2desk_schema (version) VALUES (?)`, v)
	}
	return err
}

// wordMatchesSQL reads the messages' stored words (migration 0001). Its
// pages always start below the newest messages, which recentWordMatches
// read first.
func (d *postgresDialect) wordMatchesSQL() string {
	if d.person {
		return `SELECT id, dialog_id FROM c2desk_word_search(?1, ?2, ?3, 0, false)`
	}
	return `SELECT id, dialog_id FROM messages WHERE words @@ to_tsquery('simple', ?1) AND id < ?2 ORDER BY id DESC LIMIT ?3`
}

// A search reads a word's matches in up to three steps here. The planner
// takes every prefix query to match at least half a percent of the
// messages, so left alone it walks the messages newest first looking for
// matches: at 2,000,000 messages a rare word took 0.7 s that way, and
// reading a common word's 160,000 matches by the GIN index took 60 ms.
// So: the newest messages are read first (recentWordMatches), which is
// all a common word needs; then, if more are needed, the older matches by
// the index alone, when there are at most a few thousand (fewWordMatches);
// only a word between the two is read in pages (wordMatchesSQL).

// recentWordMatches reads the newest n messages by id and keeps the
// matches.
func (d *postgresDialect) recentWordMatches(ctx context.Context, db *sqlDB, words string, n int) ([][2]int64, int64, bool, error) {
	lowestSQL := `SELECT min(id) FROM (SELECT id FROM messages ORDER BY id DESC LIMIT ?) newest`
	matchesSQL := `SELECT id, dialog_id FROM (SELECT id, dialog_id, words FROM messages ORDER BY id DESC LIMIT ?2) newest
		WHERE words @@ to_tsquery('simple', ?1) ORDER BY id DESC`
	if d.person {
		lowestSQL, matchesSQL = `SELECT c2desk_recent_lowest(?)`, `SELECT id, dialog_id FROM c2desk_word_search(?1, 0, 0, ?2, false)`
	}
	var lowest sql.NullInt64
	if err := db.QueryRowContext(ctx, lowestSQL, n).Scan(&lowest); err != nil {
		return nil, 0, false, err
	}
	rows, err := db.QueryContext(ctx, matchesSQL, words, n)
	if err != nil {
		return nil, 0, false, err
	}
	out, err := scanMatches(rows, 0)
	return out, lowest.Int64, err == nil, err
}

// fewWordMatches reads the matches older than before through the words'
// GIN index alone (the other plans are switched off for this one
// statement), stopping at limit+1.
func (d *postgresDialect) fewWordMatches(ctx context.Context, db *sqlDB, words string, before int64, limit int) ([][2]int64, bool, error) {
	if d.person {
		rows, err := db.QueryContext(ctx, `SELECT id, dialog_id FROM c2desk_word_search(?, ?, ?, 0, true)`, words, before, limit+1)
		if err != nil {
			return nil, false, err
		}
		return fewMatchesRead(rows, limit)
	}
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, false, err
	}
	defer tx.Rollback()
	for _, off := range []string{"enable_seqscan", "enable_indexscan"} {
		if _, err := tx.ExecContext(ctx, `SET LOCAL `+off+` = off`); err != nil {
			return nil, false, err
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, dialog_id FROM messages WHERE words @@ to_tsquery('simple', ?) AND id < ? LIMIT ?`, words, before, limit+1)
	if err != nil {
		return nil, false, err
	}
	return fewMatchesRead(rows, limit)
}

// fewMatchesRead reads fewWordMatches' rows: all of them newest first, or
// not ok past limit.
func fewMatchesRead(rows *sql.Rows, limit int) ([][2]int64, bool, error) {
	out, err := scanMatches(rows, limit)
	if err != nil || len(out) > limit {
		return nil, false, err
	}
	slices.SortFunc(out, func(a, b [2]int64) int { return cmp.Compare(b[0], a[0]) })
	return out, true, nil
}

// scanMatches reads (message, dialog) rows, stopping past limit (0: all).
func scanMatches(rows *sql.Rows, limit int) ([][2]int64, error) {
	defer rows.Close()
	var out [][2]int64
	for rows.Next() {
		var m [2]int64
		if err := rows.Scan(&m[0], &m[1]); err != nil {
			return nil, err
		}
		if out = append(out, m); limit > 0 && len(out) > limit {
			return out, nil
		}
	}
	return out, rows.Err()
}

// analyze has the server gather the big tables' statistics now.
func (*postgresDialect) analyze(ctx context.Context, db *sqlDB) error {
	_, err := db.ExecContext(ctx, `ANALYZE messages, dialogs, clients`)
	return err
}

// clientMatch reads every client, LIKE being served by a trigram index
// where the server has pg_trgm (migration 0005).
func (d *postgresDialect) clientMatch(name, digits string, args []any) (from, cond string, out []any) {
	if d.person {
		// Under the policies LIKE would read every client: the guard's
		// function uses the indexes and keeps the person's clients.
		args = append(args, "%"+escapeLike(name)+"%", "")
		if digits != "" {
			args[len(args)-1] = "%" + digits + "%"
		}
		return "clients c", `c.id IN (SELECT id FROM c2desk_client_matches(?` + itoa(len(args)-1) + `, ?` + itoa(len(args)) + `))`, args
	}
	return likeClientMatch(name, digits, args)
}

// wordsQuery makes a tsquery in which every word typed must begin a word
// of the message. searchWords keeps only letters and digits, so nothing
// typed is read as tsquery syntax.
func (*postgresDialect) wordsQuery(typed string) string {
	words := searchWords(typed)
	for i, w := range words {
		words[i] = `'` + w + `':*`
	}
	return strings.Join(words, " & ")
}

// afterCopy moves the generated ids past those copied in, so that the
// next staff member and outbox item get new ones.
func (*postgresDialect) afterCopy(ctx context.Context, tx *sqlTx) error {
	for _, table := range []string{"staff", "outbox", "office_actions"} {
		if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'),
			GREATEST((SELECT max(id) FROM `+table+`), 0) + 1, false)`); err != nil {
			return err
		}
	}
	return nil
}

// check asks the server to answer: PostgreSQL checks its own pages.
func (*postgresDialect) check(ctx context.Context, q querier) error {
	var one int
	return wrap(q.QueryRowContext(ctx, `SELECT 1`).Scan(&one))
}

func postgresFull(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "53100" // disk_full
}

// postgresUnreachable reports whether err means the office database did
// not answer, as opposed to refusing a statement.
func postgresUnreachable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// 08: connection exceptions; 57P01-3: the server shutting down
		// or starting.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) || pgconn.Timeout(err)
}

// postgresRefused reports a refused password or user.
func postgresRefused(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "28P01" || pe.Code == "28000")
}

// postgresForbidden reports a refusal of the office's guard: a missing
// right, or a row its policies do not allow.
func postgresForbidden(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "42501" // insufficient_privilege
}
