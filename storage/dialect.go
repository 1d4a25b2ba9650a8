package storage

import (
	"context"
	"database/sql"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// dialect is what differs between the two engines C2Desk stores its data
// in: SQLite (sqlite.go), one PC's file, and PostgreSQL (postgres.go), an
// office's shared database. Every query is written once, in the SQL both
// understand, with SQLite's "?" and "?N" placeholders; the dialect rewrites
// it for its engine. What cannot be shared (the schema, the schema version,
// full-text search, locks, error codes) is a method here.
type dialect interface {
	// engine names the engine, for messages and the support report.
	engine() string
	// rebind rewrites a shared query for this engine.
	rebind(q string) string
	// arg converts an argument to what this engine's driver takes,
	// reporting whether it had to.
	arg(v any) (any, bool)
	// migrationDir is the folder of this engine's migrations.
	migrationDir() string
	// lockSchema keeps other processes out of the schema while tx migrates it.
	lockSchema(ctx context.Context, tx *sqlTx) error
	schemaVersion(ctx context.Context, q querier) (int, error)
	setSchemaVersion(ctx context.Context, tx *sqlTx, v int) error
	// wordMatchesSQL lists (message id, dialog id) of the messages that
	// have every word of the query made by wordsQuery (?1), older than
	// the id ?2, newest first, at most ?3.
	wordMatchesSQL() string
	// recentWordMatches returns the matches among the newest n messages,
	// newest first, and the lowest id among those n; ok false: the
	// engine's pages (wordMatchesSQL) serve every word well alone.
	recentWordMatches(ctx context.Context, db *sqlDB, words string, n int) (matches [][2]int64, lowest int64, ok bool, err error)
	// fewWordMatches returns every match older than the id before, newest
	// first, when they are at most limit (ok).
	fewWordMatches(ctx context.Context, db *sqlDB, words string, before int64, limit int) (matches [][2]int64, ok bool, err error)
	// analyze brings the planner's statistics up to the data.
	analyze(ctx context.Context, db *sqlDB) error
	wordsQuery(typed string) string
	// clientMatch finds the clients whose folded name contains name or
	// whose phone contains digits (when not ""): what to read them from,
	// as c, and the condition, its arguments appended to args.
	clientMatch(name, digits string, args []any) (from, cond string, out []any)
	// check asks the engine whether the stored data is intact.
	check(ctx context.Context, q querier) error
	// afterCopy brings the engine's own bookkeeping up to rows copied
	// in with their ids (CopyTo).
	afterCopy(ctx context.Context, tx *sqlTx) error
}

// sqlDB is the pool, speaking the dialect: callers write shared SQL.
type sqlDB struct {
	*sql.DB
	d dialect
}

func (db *sqlDB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return db.DB.ExecContext(ctx, db.d.rebind(q), convertArgs(db.d, args)...)
}

func (db *sqlDB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.DB.QueryContext(ctx, db.d.rebind(q), convertArgs(db.d, args)...)
}

func (db *sqlDB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return db.DB.QueryRowContext(ctx, db.d.rebind(q), convertArgs(db.d, args)...)
}

func (db *sqlDB) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sqlTx, error) {
	tx, err := db.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &sqlTx{Tx: tx, d: db.d}, nil
}

// sqlTx is a transaction, speaking the dialect.
type sqlTx struct {
	*sql.Tx
	d dialect
}

func (tx *sqlTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.Tx.ExecContext(ctx, tx.d.rebind(q), convertArgs(tx.d, args)...)
}

func (tx *sqlTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.Tx.QueryContext(ctx, tx.d.rebind(q), convertArgs(tx.d, args)...)
}

func (tx *sqlTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.Tx.QueryRowContext(ctx, tx.d.rebind(q), convertArgs(tx.d, args)...)
}

// PrepareContext prepares a rewritten statement, which converts its
// arguments as the transaction does.
func (tx *sqlTx) PrepareContext(ctx context.Context, q string) (*sqlStmt, error) {
	st, err := tx.Tx.PrepareContext(ctx, tx.d.rebind(q))
	if err != nil {
		return nil, err
	}
	return &sqlStmt{Stmt: st, d: tx.d}, nil
}

// sqlStmt is a prepared statement, converting its arguments.
type sqlStmt struct {
	*sql.Stmt
	d dialect
}

func (st *sqlStmt) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return st.Stmt.ExecContext(ctx, convertArgs(st.d, args)...)
}

// querier is what reads need, from the pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func convertArgs(d dialect, args []any) []any {
	out, copied := args, false
	for i, a := range args {
		c, changed := d.arg(a)
		if !changed {
			continue
		}
		if !copied {
			out, copied = append([]any(nil), args...), true
		}
		out[i] = c
	}
	return out
}

// numberedPlaceholders rewrites SQLite's placeholders as PostgreSQL's: "?N"
// becomes "$N" and a bare "?" the next number after the largest so far, as
// SQLite numbers them. Quoted text is left alone.
func numberedPlaceholders(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 8)
	largest := 0
	inQuote := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '\'' {
			inQuote = !inQuote
		}
		if c != '?' || inQuote {
			b.WriteByte(c)
			continue
		}
		j := i + 1
		for j < len(q) && q[j] >= '0' && q[j] <= '9' {
			j++
		}
		n := largest + 1
		if j > i+1 {
			n, _ = strconv.Atoi(q[i+1 : j])
		}
		largest = max(largest, n)
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
		i = j - 1
	}
	return b.String()
}

// rebindCache keeps each rewritten query: the same few dozen queries run
// thousands of times.
type rebindCache struct {
	m       sync.Map
	rewrite func(string) string
}

func (c *rebindCache) get(q string) string {
	if v, ok := c.m.Load(q); ok {
		return v.(string)
	}
	r := c.rewrite(q)
	c.m.Store(q, r)
	return r
}

// idListSQL is how the shared SQL reads a list of ids passed as one JSON
// argument (idList): SQLite's json_each.
var idListSQL = regexp.MustCompile(`SELECT value FROM json_each\((\?\d*)\)`)
