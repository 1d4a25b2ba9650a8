package storage

import (
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// The office database's guard (migrations/postgres/0011_guard.sql): the
// roles the office's PCs and its poller connect as, and the rights each
// has. Roles belong to the server, not to a database, so they are made
// here by the owner's command (office create, and each upgrade) rather
// than in a migration.

// Role kinds of an office database.
const (
	RolePC     = "pc"     // the office's PCs: sign-in, then a person's rights
	RolePoller = "poller" // c2desk poll, or the PC holding the token
)

// Credential is what connects as one of the office's roles.
type Credential struct {
	Role     string
	Password string
}

//go:embed guard_grants.sql
var guardGrants string

// SecureOffice gives the office database its PC and poller roles and
// their rights; the owner runs it after migrating. A role that does not
// exist yet is made, with a fresh random password, and returned in made
// (the caller keeps it: the server keeps only a SCRAM verifier). Making
// roles needs the CREATEROLE right; granting is the owner's. Run again,
// it grants the rights of tables added since and makes nothing.
func (s *Store) SecureOffice(ctx context.Context) (made map[string]Credential, err error) {
	if !s.Office() {
		return nil, fmt.Errorf("only an office database has roles")
	}
	made = map[string]Credential{}
	err = s.inTx(ctx, func(tx *sqlTx) error {
		var database string
		if err := tx.QueryRowContext(ctx, `SELECT current_database()`).Scan(&database); err != nil {
			return err
		}
		names := map[string]string{}
		for _, kind := range []string{RolePC, RolePoller} {
			name, cred, err := ensureRole(ctx, tx, kind, roleName(database, kind))
			if err != nil {
				return err
			}
			names[kind] = name
			if cred != nil {
				made[kind] = *cred
			}
		}
		grants := strings.NewReplacer("{pc}", quoteIdent(names[RolePC]), "{poller}", quoteIdent(names[RolePoller]),
			"{database}", quoteIdent(database)).Replace(guardGrants)
		_, err := tx.ExecContext(ctx, grants)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("secure the office database: %w", err)
	}
	return made, nil
}

// Secured reports whether the office's roles were made already.
func (s *Store) Secured(ctx context.Context) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM office_roles`).Scan(&n)
	return n > 0, wrap(err)
}

// ErrCannotMakeRoles means the office database's owner may not create
// roles, which making the office's PC and poller roles needs.
var ErrCannotMakeRoles = errors.New("the office database's owner may not create roles")

// CheckCanMakeRoles says, before anything is written, whether the owner
// may make the office's roles (SecureOffice) and set their passwords.
func (s *Store) CheckCanMakeRoles(ctx context.Context) error {
	var ok bool
	err := s.db.QueryRowContext(ctx, `SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&ok)
	if err != nil {
		return wrap(err)
	}
	if !ok {
		return ErrCannotMakeRoles
	}
	return nil
}

// ensureRole returns the role of this kind that office_roles names, or
// makes one called name with a new password.
func ensureRole(ctx context.Context, tx *sqlTx, kind, name string) (string, *Credential, error) {
	var have string
	err := tx.QueryRowContext(ctx, `SELECT name FROM office_roles WHERE kind = ?`, kind).Scan(&have)
	if err == nil {
		return have, nil, nil
	}
	password := newRolePassword()
	// The verifier, not the password, is sent: the server may log DDL.
	if _, err := tx.ExecContext(ctx, `CREATE ROLE `+quoteIdent(name)+` LOGIN NOINHERIT PASSWORD '`+scramVerifier(password)+`'`); err != nil {
		return "", nil, fmt.Errorf("make the role %s (the owner needs the CREATEROLE right): %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO office_roles (kind, name) VALUES (?, ?)`, kind, name); err != nil {
		return "", nil, err
	}
	return name, &Credential{Role: name, Password: password}, nil
}

// RenewRole gives the office's role of a kind a new random password and
// returns it; the old one stops working at once. For the owner: when the
// office is created again after a failed try (the roles existed), or when
// a role's password must be changed.
func (s *Store) RenewRole(ctx context.Context, kind string) (Credential, error) {
	var name string
	if err := s.db.QueryRowContext(ctx, `SELECT name FROM office_roles WHERE kind = ?`, kind).Scan(&name); err != nil {
		return Credential{}, wrap(err)
	}
	password := newRolePassword()
	if _, err := s.db.ExecContext(ctx, `ALTER ROLE `+quoteIdent(name)+` PASSWORD '`+scramVerifier(password)+`'`); err != nil {
		return Credential{}, fmt.Errorf("change the password of %s (the owner needs the CREATEROLE right): %w", name, err)
	}
	return Credential{Role: name, Password: password}, nil
}

func newRolePassword() string {
	secret := make([]byte, 24)
	rand.Read(secret)
	return base64.RawURLEncoding.EncodeToString(secret)
}

// roleName is the role of a kind for a database: roles are the server's,
// so each office's carry its database's name (at most 63 bytes in all).
func roleName(database, kind string) string {
	suffix := "_" + kind
	if len(database)+len(suffix) > 63 {
		database = database[:63-len(suffix)]
	}
	return database + suffix
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// scramVerifier is PostgreSQL's stored form of a SCRAM-SHA-256 password
// (RFC 7677, as the server's own pg_fe_scram_build_secret makes it).
func scramVerifier(password string) string {
	const iterations = 4096
	salt := make([]byte, 16)
	rand.Read(salt)
	salted, _ := pbkdf2.Key(sha256.New, password, salt, iterations, sha256.Size)
	mac := func(key []byte, msg string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(msg))
		return h.Sum(nil)
	}
	stored := sha256.Sum256(mac(salted, "Client Key"))
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", iterations, b64(salt), b64(stored[:]), b64(mac(salted, "Server Key")))
}

// InviteComputer invites a computer as the owner does for the office's
// first one (its creator's, before anyone can sign in there): the
// invitation's secret, for c2desk_join, valid for a week.
func (s *Store) InviteComputer(ctx context.Context, name string) (string, error) {
	b := make([]byte, 32)
	rand.Read(b)
	secret := hex.EncodeToString(b)
	_, err := s.db.ExecContext(ctx, `INSERT INTO computers (name, invite_hash, invited_at) VALUES (?, c2desk_hash(?), c2desk_now())`, name, secret)
	return secret, wrap(err)
}
