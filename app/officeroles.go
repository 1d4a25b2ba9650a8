package app

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"os"

	"c2desk/storage"
)

// The office's roles on the PC that creates the office: the owner's
// password is used once, to migrate, make the roles and copy; this PC
// then joins its own office like any other and keeps the poller's
// credential, so that it polls with the token through the poller's role.
// The owner's password is not kept.

// pollerAccount is the keyring entry of the poller role's credential,
// named after the office's address for the PCs.
func pollerAccount(pcAddress string) string { return "office-poller " + pcAddress }

// roleAddress is an office's address with another role as its user.
func roleAddress(address, role string) (string, error) {
	u, err := url.Parse(address)
	if err != nil {
		return "", err
	}
	u.User = url.User(role)
	return u.String(), nil
}

// ReadyForOffice says whether this computer's staff can move into an
// office, where people sign in only with a PIN: an active administrator
// is needed, and everyone active needs a PIN.
func (a *App) ReadyForOffice(ctx context.Context) error {
	all, err := a.StaffList(ctx)
	if err != nil {
		return err
	}
	admin := false
	for _, st := range all {
		if st.Active && !st.HasPIN {
			return problem(MsgPINRequired, "Name", st.Name)
		}
		admin = admin || (st.Active && st.Role == storage.RoleAdmin)
	}
	if !admin {
		return problem(MsgOfficeNeedsAdmin)
	}
	return nil
}

// SecureOffice gives the office database behind owner (open as its owner,
// migrated) its roles, joins this computer to it, and keeps the poller's
// credential here. It returns this computer's store in the office, acting
// for nobody until someone signs in. The owner's password is removed from
// this computer's keyring: it is needed again only to upgrade the office.
func SecureOffice(ctx context.Context, secrets Secrets, owner *storage.Store) (*storage.Store, error) {
	made, err := owner.SecureOffice(ctx)
	if err != nil {
		return nil, err
	}
	creds := map[string]storage.Credential{}
	for _, kind := range []string{storage.RolePC, storage.RolePoller} {
		c, ok := made[kind]
		if !ok {
			// Made by an earlier try: only a new password is known here.
			if c, err = owner.RenewRole(ctx, kind); err != nil {
				return nil, err
			}
		}
		creds[kind] = c
	}
	pcAddress, err := roleAddress(owner.Path(), creds[storage.RolePC].Role)
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	secret, err := owner.InviteComputer(ctx, host)
	if err != nil {
		return nil, err
	}
	store, err := JoinOffice(ctx, secrets, invitation{Database: pcAddress, Password: creds[storage.RolePC].Password, Invitation: secret}.code())
	if err != nil {
		return nil, err
	}
	b, _ := json.Marshal(creds[storage.RolePoller])
	if err := secrets.Set(pollerAccount(store.Path()), string(b)); err != nil {
		store.Close()
		return nil, err
	}
	if err := secrets.Delete(officePasswordAccount(owner.Path())); err != nil && !errors.Is(err, ErrNoToken) {
		store.Close()
		return nil, err
	}
	return store, nil
}

// MsgNoPollerHere is said on a joined computer that does not keep the
// poller's credential, asked to poll or to give it away.
const MsgNoPollerHere = "This computer cannot poll Chat2Desk for the office: it joined without the poller's credential. Poll on the computer that created the office, or join the office's server with an invitation made there by c2desk office invite NAME --poller."

// pollerCredential is the poller role's credential this computer keeps.
func (a *App) pollerCredential() (storage.Credential, error) {
	return readPollerCredential(a.secrets, a.store.Path())
}

func readPollerCredential(secrets Secrets, pcAddress string) (storage.Credential, error) {
	var c storage.Credential
	v, err := secrets.Get(pollerAccount(pcAddress))
	if errors.Is(err, ErrNoToken) {
		return c, problem(MsgNoPollerHere)
	}
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(v), &c); err != nil || c.Role == "" {
		return c, errors.New("the office poller's credential in the keyring is damaged")
	}
	return c, nil
}

// CanPoll reports whether this C2Desk can poll Chat2Desk: a joined
// computer only with the poller's credential.
func (a *App) CanPoll() bool { return !a.guarded() || a.poller != nil }

// OpenPoller opens the office as its poller, when this joined computer
// keeps the poller's credential (it created the office, or joined as the
// office's server); nil when it does not.
func OpenPoller(ctx context.Context, secrets Secrets, pcAddress string) (*storage.Store, error) {
	c, err := readPollerCredential(secrets, pcAddress)
	var p *Problem
	if errors.As(err, &p) && p.Msg == MsgNoPollerHere {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	address, err := roleAddress(pcAddress, c.Role)
	if err != nil {
		return nil, err
	}
	return storage.OpenOfficeAs(ctx, storage.WithPassword(address, c.Password))
}
