package storage

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// changesChannel is the channel the office database's triggers notify
// (migrations/postgres/0002_changes.sql).
const changesChannel = "c2desk_changes"

// ErrNotOffice means a call needs an office database and this is a file.
var ErrNotOffice = errors.New("this is not an office database")

// Watch calls changed with the names of the tables another process (or
// this one) changed, as the office database tells them, until ctx ends.
// Notices that arrive together are given at once. Once it listens, and
// again after a lost connection is back, changed is called with nil:
// anything may have changed before it listened, after the caller's own
// first reads. It returns ErrNotOffice for a file, which only its
// own process changes.
func (s *Store) Watch(ctx context.Context, changed func(tables []string)) error {
	d, ok := s.d.(*postgresDialect)
	if !ok {
		return ErrNotOffice
	}
	backoff := time.Second
	lost := true // not listening yet
	for ctx.Err() == nil {
		err := s.listen(ctx, d.cfg, func() {
			if lost {
				lost = false
				changed(nil)
			}
			backoff = time.Second
		}, changed)
		if ctx.Err() != nil {
			return nil
		}
		lost = true
		s.onWatchError(err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
	return nil
}

// watchCoalesce is how long Watch waits for more notices before calling
// back: a page of history touches four tables at once.
const watchCoalesce = 50 * time.Millisecond

func (s *Store) listen(ctx context.Context, cfg *pgx.ConnConfig, listening func(), changed func([]string)) error {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return wrap(err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		return wrap(err)
	}
	listening()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return wrap(err)
		}
		tables := []string{n.Payload}
		// A timeout leaves the connection open (pgconn closes it on any
		// other error, which the next wait then reports).
		more, cancel := context.WithTimeout(ctx, watchCoalesce)
		for {
			n, err := conn.WaitForNotification(more)
			if err != nil {
				break
			}
			if !slices.Contains(tables, n.Payload) {
				tables = append(tables, n.Payload)
			}
		}
		cancel()
		changed(tables)
	}
}

// onWatchError is told why watching stopped, for the log; tests set it.
func (s *Store) onWatchError(err error) {
	if s.watchErr != nil {
		s.watchErr(err)
	}
}

// SetWatchErrorHandler receives the errors Watch recovers from.
func (s *Store) SetWatchErrorHandler(fn func(error)) { s.watchErr = fn }
