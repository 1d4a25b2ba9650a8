// Package testdb opens the database a test runs on: a SQLite file, or,
// when the suite runs on PostgreSQL (C2DESK_TEST_ENGINE=postgres), a new
// database on the test binary's throwaway server (internal/pgtest). The
// app, ui and main suites open their stores here, so that each runs on
// both engines.
package testdb

import (
	"context"
	"testing"

	"c2desk/internal/pgtest"
	"c2desk/storage"
)

// Open opens an empty database for the test, closed when it ends: a file
// in dir, or a new office database.
func Open(tb testing.TB, dir string) *storage.Store {
	tb.Helper()
	s, err := open(tb, dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func open(tb testing.TB, dir string) (*storage.Store, error) {
	if pgtest.OnPostgres() {
		return storage.OpenOffice(context.Background(), pgtest.Database(tb))
	}
	return storage.Open(context.Background(), dir)
}
