package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Sessions of an office database (migrations/postgres/0011_guard.sql): a
// joined computer signs a person in with their PIN, checked by the server,
// and gets a session token that every connection of this store then
// carries (the c2desk.session setting), so that row-level security knows
// who reads and writes. The token is kept only in memory.

// Sign-in outcomes, as the server decides them.
const (
	SignedIn        = "ok"
	WrongPIN        = "wrong_pin"
	PINPaused       = "paused"           // Wait says how long
	UnknownComputer = "unknown_computer" // never joined, or removed
	UnknownStaff    = "unknown_staff"
	StaffInactive   = "inactive"
	NoPIN           = "no_pin" // nobody signs in on an office PC without a PIN
)

// ErrInvitationInvalid means an invitation was used already, is older than
// a week, or was withdrawn.
var ErrInvitationInvalid = errors.New("the invitation is not valid")

// SignInResult is what the server said to a sign-in.
type SignInResult struct {
	Outcome string
	Wait    time.Duration // while PINPaused
}

// sessionSetting is the connection's custom data that remembers which
// token it carries, so that it is set only when it changes.
const sessionSetting = "c2desk.session"

// applySession gives a connection the current session's token, when it is
// made and each time it is taken from the pool.
func (d *postgresDialect) applySession(ctx context.Context, conn *pgx.Conn) error {
	want := ""
	if p := d.session.Load(); p != nil {
		want = *p
	}
	data := conn.PgConn().CustomData()
	if have, _ := data[sessionSetting].(string); have == want {
		return nil
	}
	if _, err := conn.Exec(ctx, `SELECT set_config('c2desk.session', $1, false)`, want); err != nil {
		return err
	}
	data[sessionSetting] = want
	return nil
}

func (s *Store) setSession(token string) {
	if d, ok := s.d.(*postgresDialect); ok {
		d.session.Store(&token)
	}
}

// SignInAt signs a person in on the joined computer whose secret is
// given. On SignedIn this store acts for them from now on.
func (s *Store) SignInAt(ctx context.Context, computer string, staffID int64, pin string) (SignInResult, error) {
	var r SignInResult
	var token sql.NullString
	var wait int64
	err := s.db.QueryRowContext(ctx, `SELECT outcome, session, wait_seconds FROM c2desk_sign_in(?, ?, ?)`, computer, staffID, pin).
		Scan(&r.Outcome, &token, &wait)
	if err != nil {
		return r, wrap(err)
	}
	r.Wait = time.Duration(wait) * time.Second
	if r.Outcome == SignedIn {
		s.setSession(token.String)
		s.sessionStaff.Store(staffID)
	}
	return r, nil
}

// SignOut ends the session of the person signed in here, on the server
// too; the store then acts for nobody.
func (s *Store) SignOut(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `SELECT c2desk_sign_out()`)
	s.setSession("")
	s.sessionStaff.Store(0)
	return wrap(err)
}

// SignInChoice is a person "Who is working?" offers on a joined computer.
type SignInChoice struct {
	Staff
	HasPIN bool
	Last   bool // signed in last on this computer
}

// SignInList is who may be chosen on a joined computer (nobody for a
// computer the office does not know), active first, by name.
func (s *Store) SignInList(ctx context.Context, computer string) ([]SignInChoice, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, role, active, has_pin, last FROM c2desk_sign_in_list(?)`, computer)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	var out []SignInChoice
	for rows.Next() {
		var c SignInChoice
		var last sql.NullBool
		if err := rows.Scan(&c.ID, &c.Name, &c.Role, &c.Active, &c.HasPIN, &last); err != nil {
			return nil, wrap(err)
		}
		c.Last = last.Bool
		out = append(out, c)
	}
	return out, wrap(rows.Err())
}

// JoinOffice joins this computer to the office with an invitation and
// returns the computer's own secret, for its keyring.
func (s *Store) JoinOffice(ctx context.Context, invitation, computerName string) (string, error) {
	var secret string
	err := s.db.QueryRowContext(ctx, `SELECT c2desk_join(?, ?)`, invitation, computerName).Scan(&secret)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "C2D01" {
		return "", ErrInvitationInvalid
	}
	return secret, wrap(err)
}

// Invite invites a computer, for an administrator signed in here, and
// returns the invitation's secret.
func (s *Store) Invite(ctx context.Context, computerName string) (string, error) {
	var secret string
	err := s.db.QueryRowContext(ctx, `SELECT c2desk_invite(?)`, computerName).Scan(&secret)
	return secret, wrap(err)
}

// Computer is one of the office's computers, as an administrator sees it.
type Computer struct {
	ID        int64
	Name      string
	InvitedAt time.Time
	JoinedAt  time.Time // zero while the invitation is unused
	LastUsed  time.Time
	LastStaff string // who signed in there last
	Here      bool   // the computer this store's person signed in on
}

// Computers lists the office's computers, for an administrator signed in
// here (nobody else sees any).
func (s *Store) Computers(ctx context.Context) ([]Computer, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, invited_at, joined_at, last_used_at, last_staff, here FROM c2desk_computers()`)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	var out []Computer
	for rows.Next() {
		var c Computer
		var invited, joined, used sql.NullInt64
		if err := rows.Scan(&c.ID, &c.Name, &invited, &joined, &used, &c.LastStaff, &c.Here); err != nil {
			return nil, wrap(err)
		}
		c.InvitedAt, c.JoinedAt, c.LastUsed = fromUnix(invited), fromUnix(joined), fromUnix(used)
		out = append(out, c)
	}
	return out, wrap(rows.Err())
}

// RemoveComputer removes a computer and ends its sessions, for an
// administrator signed in here.
func (s *Store) RemoveComputer(ctx context.Context, id int64) error {
	_, err := s.db.ExecContext(ctx, `SELECT c2desk_remove_computer(?)`, id)
	return wrap(err)
}

// RetryOutbox queues a refused message of the person signed in here again,
// under the operator the mapping gives them now; false when it is not
// theirs to retry (another's, not refused, or in a chat they lost).
func (s *Store) RetryOutbox(ctx context.Context, id int64) (bool, error) {
	var ok bool
	err := s.db.QueryRowContext(ctx, `SELECT c2desk_retry(?)`, id).Scan(&ok)
	return ok, wrap(err)
}

// SetPIN sets a person's PIN on the server, which hashes it: an
// administrator's for anyone, a person's own; "" removes it.
func (s *Store) SetPIN(ctx context.Context, staffID int64, pin string) error {
	_, err := s.db.ExecContext(ctx, `SELECT c2desk_set_pin(?, ?)`, staffID, pin)
	return wrap(err)
}
