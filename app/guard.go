package app

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"time"

	"c2desk/storage"
)

// A PC that joined an office with an invitation connects as the office
// PCs' role (storage.OpenOfficeAs), which can do nothing but sign a person
// in: the PIN is checked by the database, which then limits every read and
// write to that person's rights. The computer's own secret, given when it
// joined, is kept in its keyring next to the role's password.

// Sentences of signing in and joining through the office database.
const (
	MsgComputerRemoved   = "This computer is not one of the office's any more: an administrator removed it. Ask an administrator for an invitation and join again."
	MsgNoPINInOffice     = "{{.Name}} has no PIN yet, and in an office everyone signs in with one. Ask an administrator to set it in the Staff tab."
	MsgForbidden         = "The office database refused this: the office's rules do not let you do it. If you should be able to, ask an administrator."
	MsgOfficeBehind      = "The office database is older than this C2Desk. Ask your administrator to upgrade the office first; until then this computer cannot work in it."
	MsgInvitationInvalid = "This invitation cannot be used: it was used already, is older than a week, or was withdrawn. Ask an administrator for a new one."
	MsgInvitationFormat  = "This is not a C2Desk invitation. Copy the whole code an administrator gave you (it starts with c2desk-invite:)."
	MsgCannotMakeRoles   = "The office database's owner may not create roles, which the office's computers and its poller connect as, so nothing was copied. On the server: sudo -u postgres psql -c 'ALTER ROLE c2desk CREATEROLE' (with the owner's name), then try again."
	MsgOfficeNeedsAdmin  = "An office needs its administrator, who signs in with a PIN: add yourself first, with c2desk staff add NAME --admin (the PIN on the next line)."
	MsgNotJoined         = "This computer works in the office database with the office's own password. Invitations are made on a computer that joined the office with one."
)

// computerAccount is the keyring entry of a joined computer's secret,
// named after the office's address (which names the PCs' role).
func computerAccount(address string) string { return "office-computer " + address }

// guarded reports whether this App acts for a person through the
// office's guard (a joined computer's, not its poller's).
func (a *App) guarded() bool { return a.store.ForPerson() }

// Joined reports whether this computer joined the office with an
// invitation: people sign in through the office database, which limits
// what each may do.
func (a *App) Joined() bool { return a.guarded() }

// computer is this PC's secret in the office; without one the office does
// not know the PC.
func (a *App) computer() (string, error) {
	secret, err := a.secrets.Get(computerAccount(a.store.Path()))
	if errors.Is(err, ErrNoToken) {
		return "", problem(MsgComputerRemoved)
	}
	return secret, err
}

// officeStaff is who "Who is working?" offers on a joined PC, and who
// signed in there last, as the office database tells a computer it knows.
func (a *App) officeStaff(ctx context.Context) ([]storage.Staff, int64, error) {
	computer, err := a.computer()
	if err != nil {
		return nil, 0, err
	}
	list, err := a.store.SignInList(ctx, computer)
	if err != nil {
		return nil, 0, err
	}
	if len(list) == 0 {
		return nil, 0, problem(MsgComputerRemoved)
	}
	out := make([]storage.Staff, 0, len(list))
	var last int64
	for _, c := range list {
		c.Staff.HasPIN = c.HasPIN
		out = append(out, c.Staff)
		if c.Last {
			last = c.ID
		}
	}
	return out, last, nil
}

// signInAtOffice asks the office database to sign a person in on this PC;
// the store then acts for them. A session already open here is ended
// first, so that only one is alive per PC.
func (a *App) signInAtOffice(ctx context.Context, staffID int64, pin string) (*Session, error) {
	a.signMu.Lock()
	defer a.signMu.Unlock()
	st, err := a.serverSignIn(ctx, staffID, pin)
	if err != nil {
		return nil, err
	}
	a.current = &Session{app: a, staff: st}
	return a.current, nil
}

func (a *App) serverSignIn(ctx context.Context, staffID int64, pin string) (storage.Staff, error) {
	computer, err := a.computer()
	if err != nil {
		return storage.Staff{}, err
	}
	a.current = nil
	if err := a.store.SignOut(ctx); err != nil {
		return storage.Staff{}, err
	}
	res, err := a.store.SignInAt(ctx, computer, staffID, pin)
	if err != nil {
		return storage.Staff{}, err
	}
	name := func() string {
		list, _, _ := a.officeStaff(ctx)
		for _, st := range list {
			if st.ID == staffID {
				return st.Name
			}
		}
		return ""
	}
	switch res.Outcome {
	case storage.SignedIn:
	case storage.WrongPIN:
		a.log.Warn("sign-in: wrong PIN", "staff", staffID)
		return storage.Staff{}, ErrWrongPIN
	case storage.PINPaused:
		a.log.Warn("sign-in: paused after wrong PINs", "staff", staffID)
		return storage.Staff{}, problem(MsgPINWait, "Seconds", int((res.Wait+time.Second-1)/time.Second))
	case storage.UnknownComputer:
		return storage.Staff{}, problem(MsgComputerRemoved)
	case storage.StaffInactive:
		return storage.Staff{}, problem(MsgStaffInactive, "Name", name())
	case storage.NoPIN:
		return storage.Staff{}, problem(MsgNoPINInOffice, "Name", name())
	default:
		return storage.Staff{}, problem(MsgUnknownStaff)
	}
	return a.store.StaffByID(ctx, staffID)
}

// SignOut ends the session: on a joined PC the office database forgets
// it, and the PC can read nothing until someone signs in again.
func (s *Session) SignOut(ctx context.Context) error {
	if !s.app.guarded() || s.console {
		return nil
	}
	s.app.signMu.Lock()
	defer s.app.signMu.Unlock()
	if s.app.current != s {
		return nil // someone signed in here since
	}
	s.app.current = nil
	return s.app.store.SignOut(ctx)
}

// UsePoller gives a joined computer's App the App that polls Chat2Desk
// and sends through the office's poller role (OpenPoller): this one then
// hands it what needs Chat2Desk.
func (a *App) UsePoller(p *App) { a.poller = p }

// mirror is the App that calls Chat2Desk and keeps what it answers: this
// one, or on a joined computer its poller App (whose absence its
// storedClient says: the token is elsewhere).
func (a *App) mirror() *App {
	if a.guarded() && a.poller != nil {
		return a.poller
	}
	return a
}

// viaPoller is, on a joined computer, the session in which an
// administrator's use of the token runs: the poller App's (its role
// keeps the account's mirror). Nil elsewhere, where the session does it
// itself; ErrTokenElsewhere on a joined computer without the poller's
// credential. The person's own rights are checked first.
func (s *Session) viaPoller(ctx context.Context) (*Session, error) {
	if !s.app.guarded() {
		return nil, nil
	}
	if err := s.requireAdmin(ctx); err != nil {
		return nil, err
	}
	if s.app.poller == nil {
		return nil, ErrTokenElsewhere
	}
	s.app.log.Info("through the poller's role", "staff", s.staff.ID)
	return s.app.poller.Console(), nil
}

// invitation is what a computer needs to join: where the office is, the
// PCs' role's password, and the one-time invitation.
type invitation struct {
	Database   string `json:"database"`
	Password   string `json:"password"`
	Invitation string `json:"invitation"`
	// Poller, for the office's server: the poller role's credential.
	Poller *storage.Credential `json:"poller,omitempty"`
}

const invitationPrefix = "c2desk-invite:"

func (i invitation) code() string {
	b, _ := json.Marshal(i)
	return invitationPrefix + base64.RawURLEncoding.EncodeToString(b)
}

func parseInvitation(code string) (invitation, error) {
	var i invitation
	code = strings.Join(strings.Fields(code), "")
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(code, invitationPrefix))
	if !strings.HasPrefix(code, invitationPrefix) || err != nil || json.Unmarshal(b, &i) != nil ||
		!storage.IsOfficeURL(i.Database) || i.Password == "" || i.Invitation == "" {
		return i, problem(MsgInvitationFormat)
	}
	return i, nil
}

// Invite makes a one-time code that joins one more computer to the office
// (an administrator's, on a joined PC): its keyring then holds what it
// needs, and its people sign in with their PINs. The code is worth
// nothing without a PIN, and only once, within a week. With poller, the
// computer (the office's server) also gets the poller's credential, which
// only a computer that keeps it can give: that code opens the office's
// chats to whoever holds it, and is for the server's administrator only.
func (s *Session) Invite(ctx context.Context, computerName string, poller bool) (string, error) {
	if err := s.requireAdmin(ctx); err != nil {
		return "", err
	}
	if !s.app.guarded() {
		return "", problem(MsgNotJoined)
	}
	var pollerCred *storage.Credential
	if poller {
		c, err := s.app.pollerCredential()
		if err != nil {
			return "", err
		}
		pollerCred = &c
	}
	password, err := s.app.secrets.Get(officePasswordAccount(s.app.store.Path()))
	if err != nil {
		return "", err
	}
	secret, err := s.app.store.Invite(ctx, strings.TrimSpace(computerName))
	if err != nil {
		return "", err
	}
	s.app.log.Info("invited a computer", "name", computerName, "by", s.staff.ID)
	return invitation{Database: s.app.store.Path(), Password: password, Invitation: secret, Poller: pollerCred}.code(), nil
}

// JoinOffice joins this computer to an office with an invitation's code:
// the office database takes the invitation once and gives the computer
// its own secret, kept in the keyring with the role's password. It
// returns the office's store, acting for nobody until someone signs in.
func JoinOffice(ctx context.Context, secrets Secrets, code string) (*storage.Store, error) {
	inv, err := parseInvitation(code)
	if err != nil {
		return nil, err
	}
	clean, _, err := storage.SplitPassword(inv.Database)
	if err != nil {
		return nil, err
	}
	store, err := storage.OpenOfficeAs(ctx, storage.WithPassword(clean, inv.Password))
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	secret, err := store.JoinOffice(ctx, inv.Invitation, host)
	if errors.Is(err, storage.ErrInvitationInvalid) {
		err = problem(MsgInvitationInvalid)
	}
	if err == nil {
		err = secrets.Set(officePasswordAccount(clean), inv.Password)
	}
	if err == nil {
		err = secrets.Set(computerAccount(clean), secret)
	}
	if err == nil && inv.Poller != nil {
		b, _ := json.Marshal(inv.Poller)
		err = secrets.Set(pollerAccount(clean), string(b))
	}
	if err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}

// Computers lists the office's computers (an administrator's, on a joined
// PC), for Settings › Remove a computer.
func (s *Session) Computers(ctx context.Context) ([]storage.Computer, error) {
	if err := s.requireAdmin(ctx); err != nil {
		return nil, err
	}
	if !s.app.guarded() {
		return nil, problem(MsgNotJoined)
	}
	return s.app.store.Computers(ctx)
}

// RemoveComputer revokes a computer: its sessions end and its secret
// opens nothing any more.
func (s *Session) RemoveComputer(ctx context.Context, id int64) error {
	if err := s.requireAdmin(ctx); err != nil {
		return err
	}
	if !s.app.guarded() {
		return problem(MsgNotJoined)
	}
	s.app.log.Info("removed a computer", "computer", id, "by", s.staff.ID)
	return s.app.store.RemoveComputer(ctx, id)
}
