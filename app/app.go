// Package app holds C2Desk's use cases, free of Fyne: connecting the
// Chat2Desk account, loading channels and operators, and checking the setup.
// The UI and the CLI act only through it.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"c2desk/c2dapi"
	"c2desk/storage"
)

// Config is how the app reaches Chat2Desk.
type Config struct {
	APIURL            string       // API base with version; c2dapi.DefaultBaseURL when empty
	RequestsPerSecond float64      // client-side limit; c2dapi's default when 0
	HTTPClient        *http.Client // nil: a client with c2dapi.DefaultTimeout
	Logger            *slog.Logger // nil: discard
	Redactor          *Redactor    // told about the token so logs can hide it
	Now               func() time.Time
	PINHashCost       int    // bcrypt cost; 0 means the default of 12
	HistoryDays       int    // how far back the first message sync reaches; 0: DefaultHistoryDays
	Version           string // the release, for About and doctor
	Build             string // the build number
	// LeaseTTL is how long the office's poller lease lasts unrenewed;
	// 0: LeaseTTL. The crash test shortens it.
	LeaseTTL time.Duration
	// ClaimTTL is how long an outbox claim lasts; 0: claimTTL. The crash
	// test shortens it with the lease.
	ClaimTTL time.Duration
	// LocalServers are the demo's stand-ins on this machine ("host:port",
	// or a host for any port): links in messages may reach them; nothing
	// else on this machine or its network.
	LocalServers []string
	// LinksStayLocal: links reach only LocalServers, and no name in a link
	// is looked up — the demo's and the tests' rule, so that nothing they
	// fetch leaves this machine.
	LinksStayLocal bool
	// Autostart is where the desktop session's programs are kept: the
	// system's when nil (tests give a folder of their own).
	Autostart Autostart
	// DataDir is this PC's folder (log, crash report, lock): the SQLite
	// file's folder when empty. An office database has no folder, so
	// main sets it then.
	DataDir string
}

// App is one C2Desk installation: a database, a keyring entry and an API.
type App struct {
	store   *storage.Store
	secrets Secrets
	cfg     Config
	log     *slog.Logger
	links   *linkFetcher // fetches links in messages, from public addresses only
	proxy   proxySetting // the proxy this computer names, read at start
	// transport carries the calls to Chat2Desk, through the proxy.
	transport http.RoundTripper

	mu         sync.Mutex
	client     *c2dapi.Client
	clientFor  string         // the token the cached client was made with
	templates  []Template     // quick replies, loaded once per run
	delivering map[int64]bool // outbox items this process is sending now
	uploads    uploadProgress // files this process is uploading now

	// poller, on a joined computer that keeps the poller's credential,
	// is the App that polls and sends through the office's poller role;
	// this one acts for the person signed in (guard.go).
	poller *App
	// signMu orders sign-ins and sign-outs on a joined computer, whose
	// store carries one session at a time (current).
	signMu  sync.Mutex
	current *Session

	holder           string      // this process, in leases and claims
	leading          atomic.Bool // holds the office's poller lease
	releaseStaleOnce sync.Once
	staleErr         error
	// stream receives Chat2Desk's webhooks, where this process listens.
	stream atomic.Pointer[Stream]
	// dialogMu orders this process's changes of a chat in Chat2Desk (the
	// call, then the database) and its re-reads of chats (mirror.go), so
	// that a re-read between the two never takes C2Desk's own transfer or
	// close for one made in Chat2Desk's app.
	dialogMu sync.Mutex
}

// New wires the app to its store, secrets and API settings.
func New(store *storage.Store, secrets Secrets, cfg Config) *App {
	if cfg.APIURL == "" {
		cfg.APIURL = c2dapi.DefaultBaseURL
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Redactor == nil {
		cfg.Redactor = &Redactor{}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.PINHashCost == 0 {
		cfg.PINHashCost = bcryptCost
	}
	a := &App{store: store, secrets: secrets, cfg: cfg, log: cfg.Logger, holder: newHolder(cfg.DataDir), proxy: systemProxy()}
	a.links = newLinkFetcher(cfg.LocalServers, a.proxy)
	a.links.onlyLocal = cfg.LinksStayLocal
	a.transport = a.newTransport(http.DefaultTransport.(*http.Transport).Clone())
	return a
}

// APIURL is the Chat2Desk API address in use.
func (a *App) APIURL() string { return a.cfg.APIURL }

// APIHost is the API's host name, for display.
func (a *App) APIHost() string { return hostOf(a.cfg.APIURL) }

// AccountAPIHost is the API host the account works with, for display: on
// an office computer without the token, the one stored with the account
// by the computer that keeps it, not this computer's default.
func (a *App) AccountAPIHost(st Status) string {
	if !st.TokenHere && st.Connection.APIURL != "" {
		return hostOf(st.Connection.APIURL)
	}
	return a.APIHost()
}

func hostOf(apiURL string) string {
	if u, err := url.Parse(apiURL); err == nil && u.Host != "" {
		return u.Host
	}
	return apiURL
}

// DataPath is the database file, or the office database's address
// without its password.
func (a *App) DataPath() string { return a.store.Path() }

// Office reports whether this PC works in an office database.
func (a *App) Office() bool { return a.store.Office() }

// dataDir is this PC's own folder.
func (a *App) dataDir() string {
	if a.cfg.DataDir != "" || a.store.Office() {
		return a.cfg.DataDir
	}
	return filepath.Dir(a.store.Path())
}

// account is the keyring entry's name: one per database, so separate data
// folders can hold separate accounts.
func (a *App) account(ctx context.Context) (string, error) {
	id, err := a.store.InstallationID(ctx)
	if err != nil {
		return "", fmt.Errorf("read installation id: %w", err)
	}
	return tokenAccount(id), nil
}

// tokenAccount is the keyring entry of the token of installation id.
func tokenAccount(id string) string { return "token-" + id }

// apiClient returns a client for tok, reusing the last one so that its rate
// limiter spans calls.
func (a *App) apiClient(tok string) (*c2dapi.Client, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.client != nil && a.clientFor == tok {
		return a.client, nil
	}
	opts := []c2dapi.Option{c2dapi.WithUserAgent("C2Desk")}
	if a.cfg.RequestsPerSecond != 0 {
		opts = append(opts, c2dapi.WithRateLimit(a.cfg.RequestsPerSecond, 1))
	}
	hc := &http.Client{Timeout: c2dapi.DefaultTimeout}
	if a.cfg.HTTPClient != nil {
		hc = a.cfg.HTTPClient
	}
	if hc.Transport == nil {
		withProxy := *hc
		withProxy.Transport = a.transport
		hc = &withProxy
	}
	opts = append(opts, c2dapi.WithHTTPClient(hc))
	c, err := c2dapi.NewClient(a.cfg.APIURL, tok, opts...)
	if err != nil {
		return nil, err
	}
	a.client, a.clientFor = c, tok
	a.cfg.Redactor.Add(tok)
	return c, nil
}

// storedClient returns a client with the token from the keyring.
func (a *App) storedClient(ctx context.Context) (*c2dapi.Client, error) {
	acc, err := a.account(ctx)
	if err != nil {
		return nil, err
	}
	tok, err := a.secrets.Get(acc)
	if a.guarded() {
		// A person's store cannot keep what Chat2Desk answers: what needs
		// Chat2Desk is queued for the poller, as on a PC without the token.
		tok, err = "", ErrNoToken
	}
	if errors.Is(err, ErrNoToken) && a.store.Office() {
		if _, connected, cerr := a.store.LoadConnection(ctx); cerr == nil && connected {
			return nil, ErrTokenElsewhere
		}
	}
	if err != nil {
		return nil, err
	}
	return a.apiClient(tok)
}

// Status is what the app knows without asking the network.
type Status struct {
	Connected  bool // the account is connected: on this PC, or for the office
	Connection storage.Connection
	TokenHere  bool // this PC's keyring holds the token
	Channels   int
	Operators  int
}

// Status reads the connection state from the keyring and the database. In
// an office the account is the office's: a PC that joined it has no token
// of its own and still works with the account another PC connected.
func (a *App) Status(ctx context.Context) (Status, error) {
	var st Status
	ov, err := a.store.Overview(ctx)
	if err != nil {
		return st, err
	}
	switch _, err := a.secrets.Get(tokenAccount(ov.InstallationID)); {
	case err == nil:
		st.TokenHere = true
	case !errors.Is(err, ErrNoToken):
		return st, err
	}
	if st.TokenHere || a.store.Office() {
		st.Connection, st.Connected = ov.Connection, ov.Connected
	}
	st.Channels, st.Operators = ov.Channels, ov.Operators
	return st, nil
}

// ErrEmptyToken means the user submitted no token.
var ErrEmptyToken = errors.New("no token given")

// connect checks a token against Chat2Desk and, only if it works, stores it
// in the keyring and the account details in the database. On any failure the
// previous token and details stay as they were. It also serves "Replace token".
func (a *App) connect(ctx context.Context, token string) (storage.Connection, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return storage.Connection{}, ErrEmptyToken
	}
	if strings.ContainsAny(token, " \t\r\n") {
		return storage.Connection{}, ErrTokenFormat
	}
	acc, err := a.account(ctx)
	if err != nil {
		return storage.Connection{}, err
	}
	client, err := a.apiClient(token)
	if err != nil {
		return storage.Connection{}, err
	}
	info, err := client.Info.Get(ctx)
	if err != nil {
		a.log.Warn("connect: token check failed", "api", a.APIHost(), "err", err)
		return storage.Connection{}, fmt.Errorf("check token: %w", err)
	}
	prev, prevErr := a.secrets.Get(acc)
	if err := a.secrets.Set(acc, token); err != nil {
		return storage.Connection{}, fmt.Errorf("store token: %w", err)
	}
	conn := a.connectionFrom(info)
	if err := a.store.SaveConnection(ctx, conn); err != nil {
		// Put the keyring back as it was, so token and details agree.
		if prevErr == nil {
			a.secrets.Set(acc, prev)
		} else {
			a.secrets.Delete(acc)
		}
		return storage.Connection{}, fmt.Errorf("save account details: %w", err)
	}
	a.log.Info("connected", "company", conn.Company, "api", a.APIHost())
	return conn, nil
}

// ErrTokenFormat means the pasted text cannot be a token (it has spaces inside).
var ErrTokenFormat = errors.New("token has spaces inside")

// disconnect removes the token from the keyring and forgets the account
// details. Local data (channels, operators, history) stays.
func (a *App) disconnect(ctx context.Context) error {
	acc, err := a.account(ctx)
	if err != nil {
		return err
	}
	if err := a.secrets.Delete(acc); err != nil && !errors.Is(err, ErrNoToken) {
		return fmt.Errorf("remove token: %w", err)
	}
	a.mu.Lock()
	a.client, a.clientFor = nil, ""
	a.mu.Unlock()
	if err := a.store.ClearConnection(ctx); err != nil {
		return fmt.Errorf("forget account details: %w", err)
	}
	a.log.Info("disconnected")
	return nil
}

// refresh asks Chat2Desk for the account details again (company name,
// requests used this month) with the stored token.
func (a *App) refresh(ctx context.Context) (storage.Connection, error) {
	client, err := a.storedClient(ctx)
	if err != nil {
		return storage.Connection{}, err
	}
	info, err := client.Info.Get(ctx)
	if err != nil {
		return storage.Connection{}, fmt.Errorf("check account: %w", err)
	}
	conn := a.connectionFrom(info)
	return conn, a.store.SaveConnection(ctx, conn)
}

func (a *App) connectionFrom(info *c2dapi.APIInfo) storage.Connection {
	c := storage.Connection{
		Company: string(info.CompanyName), APIURL: a.cfg.APIURL, Mode: string(info.Mode),
		RequestsThisMonth: int(info.RequestsThisMonth), CheckedAt: a.cfg.Now().UTC().Truncate(time.Second),
	}
	switch {
	case info.WriteFirstOption == nil:
	case bool(*info.WriteFirstOption):
		c.WriteFirst = storage.WriteFirstAllowed
	default:
		c.WriteFirst = storage.WriteFirstRefused
	}
	return c
}
