package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Lease is who polls Chat2Desk for the office, and until when.
type Lease struct {
	Holder     string // the process, as it named itself
	Computer   string // the PC's name, for people
	AcquiredAt time.Time
	ExpiresAt  time.Time
	PolledAt   time.Time // the holder's last finished poll
}

// TakeLease makes holder the office's poller until now+ttl, if nobody
// else holds an unexpired lease, as River's leader election does with its
// river_leader row: a holder renews by taking it again. It reports whether
// holder holds it now. One statement, so two processes cannot both win.
func (s *Store) TakeLease(ctx context.Context, holder, computer string, ttl time.Duration) (bool, error) {
	now, err := s.sharedNow(ctx)
	if err != nil {
		return false, err
	}
	var got string
	err = s.db.QueryRowContext(ctx, `INSERT INTO poller_lease (singleton, holder, computer, acquired_at, expires_at)
		VALUES (1, ?1, ?2, ?3, ?4)
		ON CONFLICT (singleton) DO UPDATE SET holder = excluded.holder, computer = excluded.computer,
			acquired_at = CASE WHEN poller_lease.holder = excluded.holder THEN poller_lease.acquired_at ELSE excluded.acquired_at END,
			polled_at = CASE WHEN poller_lease.holder = excluded.holder THEN poller_lease.polled_at ELSE NULL END,
			expires_at = excluded.expires_at
		WHERE poller_lease.holder = excluded.holder OR poller_lease.expires_at <= ?3
		RETURNING holder`, holder, computer, now.Unix(), now.Add(ttl).Unix()).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil && got == holder, wrap(err)
}

// ReleaseLease gives the lease up at once (on a clean exit), so another
// process takes over without waiting for it to expire.
func (s *Store) ReleaseLease(ctx context.Context, holder string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM poller_lease WHERE holder = ?`, holder)
	return wrap(err)
}

// LeasePolled records the holder's finished poll, for the state line.
func (s *Store) LeasePolled(ctx context.Context, holder string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE poller_lease SET polled_at = ? WHERE holder = ?`, s.now().Unix(), holder)
	return wrap(err)
}

// sharedNow is the time leases and claims are judged by: the office
// server's clock, which every PC shares whatever its own clock says; a
// file's own clock; a test's clock when one is set.
func (s *Store) sharedNow(ctx context.Context) (time.Time, error) {
	if !s.Office() || s.clockSet {
		return s.now(), nil
	}
	var unix int64
	if err := s.db.QueryRowContext(ctx, `SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS BIGINT)`).Scan(&unix); err != nil {
		return time.Time{}, wrap(err)
	}
	return time.Unix(unix, 0), nil
}

// CurrentLease is the lease as stored (ok false: nobody ever held one, or
// it was given up).
func (s *Store) CurrentLease(ctx context.Context) (l Lease, ok bool, err error) {
	var acquired, expires int64
	var polled sql.NullInt64
	err = s.db.QueryRowContext(ctx, `SELECT holder, computer, acquired_at, expires_at, polled_at FROM poller_lease`).
		Scan(&l.Holder, &l.Computer, &acquired, &expires, &polled)
	if errors.Is(err, sql.ErrNoRows) {
		return l, false, nil
	}
	if err != nil {
		return l, false, wrap(err)
	}
	l.AcquiredAt, l.ExpiresAt, l.PolledAt = time.Unix(acquired, 0).UTC(), time.Unix(expires, 0).UTC(), fromUnix(polled)
	return l, true, nil
}

// ClaimOutbox makes holder the one process delivering an outbox item until
// now+ttl, unless another holds an unexpired claim or the item is sent. It
// reports whether holder has it. Claims live in the database, so that two
// processes sharing an office database never send the same item.
func (s *Store) ClaimOutbox(ctx context.Context, id int64, holder string, ttl time.Duration) (bool, error) {
	now, err := s.sharedNow(ctx)
	if err != nil {
		return false, err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE outbox SET claimed_by = ?1, claim_until = ?2
		WHERE id = ?3 AND state != 'sent' AND (claimed_by IS NULL OR claimed_by = ?1 OR claim_until <= ?4)`,
		holder, now.Add(ttl).Unix(), id, now.Unix())
	if err != nil {
		return false, wrap(err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrap(err)
}

// ReleaseOutbox ends holder's claim on an item.
func (s *Store) ReleaseOutbox(ctx context.Context, id int64, holder string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE outbox SET claimed_by = NULL, claim_until = NULL WHERE id = ? AND claimed_by = ?`, id, holder)
	return wrap(err)
}

// ReleaseOthersClaims ends every claim not holder's: a process that took
// over polling, or that owns a file alone, calls it once.
func (s *Store) ReleaseOthersClaims(ctx context.Context, holder string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE outbox SET claimed_by = NULL, claim_until = NULL WHERE claimed_by IS NOT NULL AND claimed_by != ?`, holder)
	return wrap(err)
}

// LiveLease is the lease while it lasts, by the shared clock (ok false:
// nobody polls now).
func (s *Store) LiveLease(ctx context.Context) (Lease, bool, error) {
	l, ok, err := s.CurrentLease(ctx)
	if err != nil || !ok {
		return l, false, err
	}
	now, err := s.sharedNow(ctx)
	if err != nil {
		return l, false, err
	}
	return l, l.ExpiresAt.After(now), nil
}
