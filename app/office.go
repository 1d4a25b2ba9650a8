package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"time"

	"c2desk/storage"
)

// Office mode: the PCs of an office share one PostgreSQL database, and of
// the processes that hold the token exactly one polls Chat2Desk and sends
// the outbox: the holder of the poller lease. The others read the shared
// database and queue their sends for it. A local SQLite file has one
// process at a time (the data folder's lock), which always polls.

const (
	// LeaseTTL is how long a poller's lease lasts unrenewed (by the office
	// server's clock, which all PCs share): a crashed or
	// frozen poller loses it within this, less than one idle poll
	// interval (NextPollDelay).
	LeaseTTL = 15 * time.Second
	// LeaseRenew is how often the poller renews its lease and looks for
	// sends queued by other PCs, and how often the others try to take
	// over.
	LeaseRenew = 3 * time.Second
	// claimTTL bounds an outbox claim. A send must start before its claim
	// ends (claimMargin before, by this PC's clock), or not at all: a
	// poller frozen or asleep past it cannot send beside the one that
	// took over, which waits the claim out and then looks in Chat2Desk for
	// the message before sending it (findDelivered).
	claimTTL = 2 * time.Minute
	// claimMargin is the least time a claim outlasts its deadline: it
	// covers the claim's whole seconds and the time between reading the
	// office's clock and writing the claim.
	claimMargin = 2 * time.Second
)

// newHolder names this process in leases and claims. The data folder's
// lock lets one process at a time work from a folder, so the PC and the
// folder name it among the running ones; a C2Desk restarted after a crash
// takes its own lease back at once instead of waiting for it to expire.
// Without a folder (tests), each App is its own holder.
func newHolder(dataDir string) string {
	host, _ := os.Hostname()
	if dataDir == "" {
		b := make([]byte, 8)
		rand.Read(b)
		return host + "/" + hex.EncodeToString(b)
	}
	sum := sha256.Sum256([]byte(dataDir))
	return host + "/" + hex.EncodeToString(sum[:6])
}

// Holder names this process in the office's lease and outbox claims.
func (a *App) Holder() string { return a.holder }

// Polls reports whether this process may call Chat2Desk now: always with
// a local file; in an office, only while it holds the poller lease.
func (a *App) Polls() bool { return !a.store.Office() || a.leading.Load() }

// MsgOtherPolls is said by a command that would poll while another
// C2Desk polls for the office.
const MsgOtherPolls = "Another C2Desk polls Chat2Desk for this office now; it loads the new messages and sends the waiting ones."

// mayPoll is Polls for a process that does not run a poller (a command):
// in an office it takes the lease if nobody holds it.
func (a *App) mayPoll(ctx context.Context) (bool, error) {
	if a.Polls() {
		return true, nil
	}
	return a.Lead(ctx)
}

// Lead takes or renews the poller lease, if this PC holds the token, and
// reports whether this process polls now. On taking over, the outbox
// claims of the previous poller are left to run out rather than released:
// it may only be frozen, between its last check and its request.
func (a *App) Lead(ctx context.Context) (bool, error) {
	if !a.store.Office() {
		return true, nil
	}
	if a.guarded() {
		return false, nil // its poller App leads, if any (UsePoller)
	}
	acc, err := a.account(ctx)
	if err != nil {
		return false, err
	}
	if _, err := a.secrets.Get(acc); err != nil {
		a.leading.Store(false)
		if errors.Is(err, ErrNoToken) {
			return false, nil
		}
		return false, err
	}
	host, _ := os.Hostname()
	ttl := a.cfg.LeaseTTL
	if ttl <= 0 {
		ttl = LeaseTTL
	}
	ok, err := a.store.TakeLease(ctx, a.holder, host, ttl)
	if err != nil {
		a.leading.Store(false)
		return false, err
	}
	was := a.leading.Swap(ok)
	if ok && !was {
		a.log.Info("this process polls Chat2Desk for the office now", "holder", a.holder)
	}
	if !ok && was {
		a.log.Warn("another process took over polling Chat2Desk", "holder", a.holder)
	}
	return ok, nil
}

// StepDown gives the lease up on a clean exit, so another PC takes over
// at once.
func (a *App) StepDown(ctx context.Context) error {
	if !a.store.Office() || !a.leading.Swap(false) {
		return nil
	}
	return a.store.ReleaseLease(ctx, a.holder)
}

// OfficeState is the Office database card's state line.
type OfficeState struct {
	Office   bool
	Address  string // without the password
	Polls    bool   // this process polls for the office
	Poller   string // the PC that polls, "" when none does now
	PolledAt time.Time
	// Readable: the database is reached off this machine without TLS
	// that checks the server's certificate (a weaker sslmode was chosen).
	Readable bool
	// Webhooks is how Chat2Desk's webhooks stand, when a server ever
	// received them (HasWebhooks).
	Webhooks    WebhookStatus
	HasWebhooks bool
	Now         time.Time // when the state was read, to judge Webhooks by
}

// MsgOfficeReadable is said on the Office card and by doctor when the
// office database's address chose a weaker sslmode than verify-full.
const MsgOfficeReadable = "The office database is reached without checking its certificate (the sslmode in its address), so someone on the office's network can read the office's chats. Ask your administrator to set up TLS on the server and use sslmode=verify-full."

// OfficeState reads who polls Chat2Desk for the office.
func (a *App) OfficeState(ctx context.Context) (OfficeState, error) {
	st := OfficeState{Office: a.store.Office(), Address: a.store.Path(), Polls: a.Polls() || (a.poller != nil && a.poller.Polls()),
		Readable: a.store.Transport() == storage.TransportReadable}
	if !st.Office {
		return st, nil
	}
	l, ok, err := a.store.LiveLease(ctx)
	if err != nil {
		return st, err
	}
	if ok {
		st.Poller, st.PolledAt = l.Computer, l.PolledAt
	}
	st.Now = a.cfg.Now()
	st.Webhooks, st.HasWebhooks, err = a.WebhookStatus(ctx)
	return st, err
}

// claimForSending takes an outbox item for this process, in the database,
// and says until when (by this PC's clocks) its send may start.
func (a *App) claimForSending(ctx context.Context, id int64) (ok bool, startBy sendDeadline, err error) {
	a.releaseStaleOnce.Do(func() {
		if !a.store.Office() {
			// The data folder's lock makes this the file's only process:
			// any other claim is a killed process's.
			a.staleErr = a.store.ReleaseOthersClaims(ctx, a.holder)
		}
	})
	if a.staleErr != nil {
		return false, startBy, a.staleErr
	}
	ttl := a.cfg.ClaimTTL
	if ttl <= 0 {
		ttl = claimTTL
	}
	// Taken before the claim is written, so it ends before the claim does,
	// leaving a quarter of it for Chat2Desk to act on a request sent last.
	startBy = newSendDeadline(time.Now(), ttl-max(ttl/4, claimMargin))
	ok, err = a.store.ClaimOutbox(ctx, id, a.holder, ttl)
	return ok, startBy, err
}

// sendDeadline is checked on both clocks: the monotonic one stops while a
// laptop sleeps, and the wall clock may be set back.
type sendDeadline struct {
	monotonic, wall time.Time
}

func newSendDeadline(now time.Time, d time.Duration) sendDeadline {
	return sendDeadline{monotonic: now.Add(d), wall: now.Round(0).Add(d)}
}

// passed reports whether a send would start too late.
func (d sendDeadline) passed(now time.Time) bool {
	return !now.Before(d.monotonic) || !now.Round(0).Before(d.wall)
}

// officePasswordAccount is the keyring entry of an office database's
// password, named after its address (without the password).
func officePasswordAccount(address string) string { return "office-db " + address }

// OpenOfficeDatabase opens the office database at address. A password in
// the address is moved to the keyring (moved reports it), so that it is
// never written anywhere with the address; without one, the keyring's is
// used, if it holds one for this address.
func OpenOfficeDatabase(ctx context.Context, secrets Secrets, address string) (store *storage.Store, moved bool, err error) {
	clean, password, err := storage.SplitPassword(address)
	if err != nil {
		return nil, false, err
	}
	if password == "" {
		password, err = secrets.Get(officePasswordAccount(clean))
		if err != nil && !errors.Is(err, ErrNoToken) {
			return nil, false, err
		}
	}
	// A computer that joined with an invitation connects as the office
	// PCs' role, and people sign in through the database (guard.go).
	open := storage.OpenOffice
	if _, err := secrets.Get(computerAccount(clean)); err == nil {
		open = storage.OpenOfficeAs
	} else if !errors.Is(err, ErrNoToken) {
		return nil, false, err
	}
	store, err = open(ctx, storage.WithPassword(clean, password))
	if err != nil {
		return nil, false, err
	}
	// Kept only once the database accepted it: a mistyped password does
	// not replace a right one.
	if _, given, _ := storage.SplitPassword(address); given != "" {
		if err := secrets.Set(officePasswordAccount(clean), given); err != nil {
			store.Close()
			return nil, false, err
		}
		moved = true
	}
	return store, moved, nil
}
