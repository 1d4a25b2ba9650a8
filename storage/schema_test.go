package storage

import (
	"sort"
	"strings"
	"testing"

	"c2desk/internal/pgtest"
)

// schema is what the migrations made: each table's columns with a broad
// kind both engines can say, and the indexes they created.
type schema struct {
	columns map[string]map[string]string // table → column → kind
	indexes map[string]string            // index → table
}

func sqliteKind(declared string) string {
	switch d := strings.ToUpper(declared); {
	case strings.Contains(d, "INT"):
		return "integer"
	case strings.Contains(d, "CHAR"), strings.Contains(d, "TEXT"), d == "":
		return "text"
	case strings.Contains(d, "REAL"), strings.Contains(d, "FLOA"), strings.Contains(d, "DOUB"):
		return "real"
	case strings.Contains(d, "BLOB"):
		return "blob"
	}
	return strings.ToLower(declared)
}

func postgresKind(dataType string) string {
	switch dataType {
	case "bigint", "integer", "smallint", "boolean":
		return "integer"
	case "text", "character varying", "character":
		return "text"
	case "double precision", "real", "numeric":
		return "real"
	case "bytea":
		return "blob"
	}
	return dataType
}

func sqliteSchema(t *testing.T, s *Store) schema {
	t.Helper()
	sc := schema{columns: map[string]map[string]string{}, indexes: map[string]string{}}
	rows, err := s.db.QueryContext(ctx, `SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND type IN ('table', 'index') AND sql IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var kind, name, table string
		if err := rows.Scan(&kind, &name, &table); err != nil {
			t.Fatal(err)
		}
		if kind == "table" {
			tables = append(tables, name)
		} else {
			sc.indexes[name] = table
		}
	}
	rows.Close()
	for _, table := range tables {
		cols, err := s.db.QueryContext(ctx, `SELECT name, type FROM pragma_table_info(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		sc.columns[table] = map[string]string{}
		for cols.Next() {
			var name, declared string
			if err := cols.Scan(&name, &declared); err != nil {
				t.Fatal(err)
			}
			sc.columns[table][name] = sqliteKind(declared)
		}
		cols.Close()
	}
	return sc
}

func postgresSchema(t *testing.T, s *Store) schema {
	t.Helper()
	sc := schema{columns: map[string]map[string]string{}, indexes: map[string]string{}}
	rows, err := s.db.QueryContext(ctx, `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var table, name, dataType string
		if err := rows.Scan(&table, &name, &dataType); err != nil {
			t.Fatal(err)
		}
		if sc.columns[table] == nil {
			sc.columns[table] = map[string]string{}
		}
		sc.columns[table][name] = postgresKind(dataType)
	}
	rows.Close()
	idx, err := s.db.QueryContext(ctx, `SELECT indexname, tablename FROM pg_indexes WHERE schemaname = current_schema()
		AND indexname NOT IN (SELECT conname FROM pg_constraint)`) // a key's own index: SQLite's are unnamed
	if err != nil {
		t.Fatal(err)
	}
	for idx.Next() {
		var name, table string
		if err := idx.Scan(&name, &table); err != nil {
			t.Fatal(err)
		}
		sc.indexes[name] = table
	}
	idx.Close()
	return sc
}

// engineOnly are the differences the two migration series keep on
// purpose; anything else one engine has and the other lacks is drift.
var engineOnly = map[string]string{
	// Search: SQLite's FTS5 tables (and their shadow tables); PostgreSQL
	// keeps a words column with a GIN index and trigram indexes instead.
	"SQLite table message_words*":                    "FTS5 search over messages",
	"SQLite table client_trigrams*":                  "FTS5 trigram search over clients",
	"PostgreSQL column messages.words":               "search words of a message (GIN)",
	"PostgreSQL index messages_words":                "search words of a message (GIN)",
	"PostgreSQL index clients_search_name_trigrams":  "trigram search over clients",
	"PostgreSQL index clients_phone_digits_trigrams": "trigram search over clients",
	// The office's guard and its migrations' bookkeeping.
	"PostgreSQL table c2desk_schema": "the migrations done (SQLite: user_version)",
	"PostgreSQL table computers":     "the office's joined computers",
	"PostgreSQL table office_roles":  "the office's roles",
	"PostgreSQL table sessions":      "server-side sign-ins",
}

// known reports whether a difference is one engineOnly names.
func known(what string) bool {
	for k := range engineOnly {
		if what == k || (strings.HasSuffix(k, "*") && strings.HasPrefix(what, strings.TrimSuffix(k, "*"))) {
			return true
		}
	}
	return false
}

// drift lists what one schema has that the other lacks, or has of
// another kind, leaving out what engineOnly names.
func drift(lite, pg schema) []string {
	var out []string
	add := func(what string) {
		if !known(what) {
			out = append(out, what)
		}
	}
	for _, side := range []struct {
		name        string
		mine, other schema
	}{{"SQLite", lite, pg}, {"PostgreSQL", pg, lite}} {
		for table, cols := range side.mine.columns {
			if side.other.columns[table] == nil {
				add(side.name + " table " + table)
				continue
			}
			for c, kind := range cols {
				switch otherKind, ok := side.other.columns[table][c]; {
				case !ok:
					add(side.name + " column " + table + "." + c)
				case otherKind != kind && side.name == "SQLite":
					add("column " + table + "." + c + ": " + kind + " in SQLite, " + otherKind + " in PostgreSQL")
				}
			}
		}
		for index := range side.mine.indexes {
			if _, ok := side.other.indexes[index]; !ok {
				add(side.name + " index " + index)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Both migration series, run from empty, end with the same tables,
// columns (names and kinds) and indexes, apart from what engineOnly
// names with its reason: a change written for one engine only fails here.
func TestBothEnginesHaveTheSameSchema(t *testing.T) {
	lite, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	pg, err := OpenOffice(ctx, pgtest.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	a, b := sqliteSchema(t, lite), postgresSchema(t, pg)
	if len(a.columns) < 20 || len(b.columns) < 20 {
		t.Fatalf("too few tables read: %d in SQLite, %d in PostgreSQL", len(a.columns), len(b.columns))
	}
	for _, d := range drift(a, b) {
		t.Errorf("%s: migrations/README.md says how a change is made for both engines", d)
	}
	// The comparison itself sees a column, an index and a kind apart.
	a.columns["staff"]["nickname"] = "text"
	b.indexes["staff_by_nickname"] = "staff"
	b.columns["outbox"]["attempts"] = "text"
	if got := drift(a, b); len(got) != 3 || !strings.Contains(strings.Join(got, " "), "staff_by_nickname") {
		t.Fatalf("planted drift not found: %q", got)
	}
}
