package app

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"c2desk/c2dapi"
	"c2desk/c2dapi/c2dfake"
	"c2desk/internal/testdb"
	"c2desk/storage"

	_ "github.com/mattn/go-sqlite3"
	"github.com/zalando/go-keyring"
	"golang.org/x/crypto/bcrypt"
)

var ctx = context.Background()

type env struct {
	fake  *c2dfake.Server
	srv   *httptest.Server
	store *storage.Store
	app   *App
	logs  *bytes.Buffer
	dir   string
}

// newEnv wires an App to a fresh database, the mock keyring and a fake
// Chat2Desk. Retries are cut short so fault tests stay fast.
func newEnv(t *testing.T, opts ...c2dfake.Option) *env {
	t.Helper()
	keyring.MockInit()
	fake := c2dfake.New(opts...)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	store := testdb.Open(t, dir)
	logs := &bytes.Buffer{}
	red := &Redactor{}
	a := New(store, Keyring{}, Config{
		APIURL:            srv.URL + "/v1",
		RequestsPerSecond: -1,
		HTTPClient:        &http.Client{Timeout: 2 * time.Second},
		LocalServers:      []string{"127.0.0.1"}, // the tests' stand-ins for public file servers
		LinksStayLocal:    true,
		Logger:            slog.New(slog.NewTextHandler(red.Writer(logs), nil)),
		Redactor:          red,
		PINHashCost:       bcrypt.MinCost,
		DataDir:           dir,
	})
	return &env{fake: fake, srv: srv, store: store, app: a, logs: logs, dir: dir}
}

func (e *env) storedToken(t *testing.T) string {
	t.Helper()
	acc, _ := e.app.account(ctx)
	tok, err := Keyring{}.Get(acc)
	if err != nil && !errors.Is(err, ErrNoToken) {
		t.Fatal(err)
	}
	return tok
}

func TestConnectStoresTokenOnlyInKeyring(t *testing.T) {
	e := newEnv(t)
	e.fake.SetRequestsThisMonth(41)
	conn, err := e.app.Console().Connect(ctx, "  "+c2dfake.DemoToken+"\n")
	if err != nil {
		t.Fatal(err)
	}
	if conn.Company != c2dfake.DemoCompany || conn.RequestsThisMonth != 42 || conn.APIURL != e.app.APIURL() {
		t.Fatalf("got %+v", conn)
	}
	if e.storedToken(t) != c2dfake.DemoToken {
		t.Fatal("token not in keyring")
	}
	st, err := e.app.Status(ctx)
	if err != nil || !st.Connected || st.Connection.Company != c2dfake.DemoCompany {
		t.Fatalf("status %+v %v", st, err)
	}
	e.store.Close() // flush WAL so the scan sees everything
	assertNotInDir(t, e.dir, c2dfake.DemoToken)
	if strings.Contains(e.logs.String(), c2dfake.DemoToken) {
		t.Fatal("token in logs")
	}
}

func assertNotInDir(t *testing.T, dir, secret string) {
	t.Helper()
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, _ := os.ReadFile(path)
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("token found in %s", path)
		}
		return nil
	})
}

func TestConnectFailuresLeavePreviousStateUntouched(t *testing.T) {
	cases := []struct {
		name  string
		token string
		setup func(e *env)
		want  string
	}{
		{"empty", "   ", nil, MsgEmptyToken},
		{"spaces inside", "abc def", nil, MsgTokenFormat},
		{"wrong token", "wrong-token-123", nil, MsgAuth},
		{"rate limit", "new-token-1", func(e *env) { f := c2dfake.FaultRateLimit; f.Times = 10; e.fake.Inject(f) }, MsgRateLimit},
		{"quota", "new-token-1", func(e *env) { e.fake.Inject(c2dfake.FaultQuota) }, MsgQuota},
		{"server", "new-token-1", func(e *env) { e.fake.Inject(c2dfake.FaultServer) }, MsgServer},
		{"malformed", "new-token-1", func(e *env) { e.fake.Inject(c2dfake.FaultMalformed) }, MsgMalformed},
		{"truncated", "new-token-1", func(e *env) { e.fake.Inject(c2dfake.FaultTruncated) }, MsgMalformed},
		{"timeout", "new-token-1", func(e *env) { e.fake.Inject(c2dfake.Slow(5 * time.Second)) }, MsgTimeout},
		{"no network", "new-token-1", func(e *env) { e.srv.Close() }, MsgNetwork},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			before, err := e.app.Console().Connect(ctx, c2dfake.DemoToken)
			if err != nil {
				t.Fatal(err)
			}
			e.fake.AddToken("new-token-1")
			if tc.setup != nil {
				tc.setup(e)
			}
			_, err = e.app.Console().Connect(ctx, tc.token)
			if got := Explain(err); got != tc.want {
				t.Fatalf("Explain(%v) = %q, want %q", err, got, tc.want)
			}
			if e.storedToken(t) != c2dfake.DemoToken {
				t.Fatal("previous token lost")
			}
			after, ok, _ := e.store.LoadConnection(ctx)
			if !ok || after != before {
				t.Fatalf("details changed: %+v -> %+v", before, after)
			}
		})
	}
}

func TestReplaceTokenAndDisconnect(t *testing.T) {
	e := newEnv(t)
	if _, err := e.app.Console().Connect(ctx, c2dfake.DemoToken); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Console().Sync(ctx); err != nil {
		t.Fatal(err)
	}
	e.fake.AddToken("second-token-42")
	e.fake.SetCompany("Ключ Плюс")
	conn, err := e.app.Console().Connect(ctx, "second-token-42")
	if err != nil || conn.Company != "Ключ Плюс" || e.storedToken(t) != "second-token-42" {
		t.Fatalf("replace: %+v %v", conn, err)
	}
	if err := e.app.Console().Disconnect(ctx); err != nil {
		t.Fatal(err)
	}
	if tok := e.storedToken(t); tok != "" {
		t.Fatal("token still in keyring")
	}
	st, err := e.app.Status(ctx)
	if err != nil || st.Connected || st.Channels != 3 || st.Operators != 4 {
		t.Fatalf("after disconnect %+v %v (local data must stay)", st, err)
	}
	if err := e.app.Console().Disconnect(ctx); err != nil {
		t.Fatalf("second disconnect: %v", err)
	}
	if _, err := e.app.Console().Sync(ctx); Explain(err) != MsgNotConnected {
		t.Fatalf("sync while disconnected: %v", err)
	}
}

func TestKeyringUnavailable(t *testing.T) {
	e := newEnv(t)
	keyring.MockInitWithError(errors.New("org.freedesktop.secrets was not provided by any service files"))
	_, err := e.app.Console().Connect(ctx, c2dfake.DemoToken)
	if Explain(err) != MsgKeyring {
		t.Fatalf("got %v", err)
	}
	if _, ok, _ := e.store.LoadConnection(ctx); ok {
		t.Fatal("details saved without a token")
	}
	if _, err := e.app.Status(ctx); Explain(err) != MsgKeyring {
		t.Fatalf("status: %v", err)
	}
}

func TestFailedSaveOnConnectRestoresKeyring(t *testing.T) {
	e := newEnv(t)
	if _, err := e.app.Console().Connect(ctx, c2dfake.DemoToken); err != nil {
		t.Fatal(err)
	}
	e.fake.AddToken("new-token-1")
	// A second connection makes every settings write fail after the token
	// check and the keyring write have succeeded.
	refuse := []string{`CREATE TRIGGER refuse_INSERT BEFORE INSERT ON settings BEGIN SELECT RAISE(FAIL, 'refused'); END`,
		`CREATE TRIGGER refuse_UPDATE BEFORE UPDATE ON settings BEGIN SELECT RAISE(FAIL, 'refused'); END`}
	driver := "sqlite3"
	if e.store.Office() {
		driver = "pgx" // the address has no password: the test server trusts its superuser
		refuse = []string{`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`,
			`CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON settings FOR EACH ROW EXECUTE FUNCTION refuse()`}
	}
	db, err := sql.Open(driver, e.store.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range refuse {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.app.Console().Connect(ctx, "new-token-1"); err == nil {
		t.Fatal("connect succeeded though details could not be saved")
	}
	if tok := e.storedToken(t); tok != c2dfake.DemoToken {
		t.Fatalf("keyring holds %q, want the previous token back", tok)
	}
}

func TestRefreshUpdatesRequests(t *testing.T) {
	e := newEnv(t)
	e.app.Console().Connect(ctx, c2dfake.DemoToken)
	e.fake.SetRequestsThisMonth(500)
	conn, err := e.app.Console().Refresh(ctx)
	if err != nil || conn.RequestsThisMonth != 501 {
		t.Fatalf("%+v %v", conn, err)
	}
	e.fake.RevokeToken(c2dfake.DemoToken)
	if _, err := e.app.Console().Refresh(ctx); Explain(err) != MsgAuth {
		t.Fatalf("revoked: %v", err)
	}
}

func TestSync(t *testing.T) {
	e := newEnv(t)
	e.app.Console().Connect(ctx, c2dfake.DemoToken)
	res, err := e.app.Console().Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Channels.New != 3 || res.Operators.New != 4 || res.Skipped != 0 {
		t.Fatalf("%+v", res)
	}
	e.fake.RemoveChannel(103)
	e.fake.PutChannel(c2dapi.Channel{ID: 104, Name: "Коммерция", Transports: c2dapi.Strings{"email"}})
	e.fake.RemoveOperator(9)
	res, err = e.app.Console().Sync(ctx)
	if err != nil || res.Channels != (storage.Changes{New: 1, Gone: 1, Unchanged: 2}) || res.Operators.Gone != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	chans, _ := e.store.Channels(ctx)
	if len(chans) != 4 {
		t.Fatalf("gone channel must stay visible: %d", len(chans))
	}
}

func TestSyncFailureKeepsData(t *testing.T) {
	for _, f := range []c2dfake.Fault{c2dfake.FaultAuth, c2dfake.FaultMalformed, c2dfake.FaultQuota} {
		e := newEnv(t)
		e.app.Console().Connect(ctx, c2dfake.DemoToken)
		e.app.Console().Sync(ctx)
		e.fake.RemoveChannel(101)
		f.PathContains = "/operators" // channels load fine, operators fail
		e.fake.Inject(f)
		if _, err := e.app.Console().Sync(ctx); err == nil {
			t.Fatal("sync succeeded under a fault")
		}
		chans, _ := e.store.Channels(ctx)
		for _, c := range chans {
			if !c.RemovedAt.IsZero() {
				t.Fatalf("fault %d: half a sync was written", f.Status)
			}
		}
	}
}

// doctorLine is the doctor's line of that name.
func doctorLine(t *testing.T, checks []Check, name string) Check {
	t.Helper()
	for _, c := range checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s line: %+v", name, checks)
	return Check{}
}

func TestDoctor(t *testing.T) {
	e := newEnv(t)
	checks := e.app.Doctor(ctx)
	if kr := doctorLine(t, checks, "keyring"); kr.OK || !strings.Contains(kr.Detail, "connect") {
		t.Fatalf("not connected: %+v", checks)
	}
	e.app.Console().Connect(ctx, c2dfake.DemoToken)
	checks = e.app.Doctor(ctx)
	var names []string
	for _, c := range checks {
		names = append(names, c.Name)
		if !c.OK {
			t.Fatalf("connected: %+v", checks)
		}
	}
	// What support asks, in the order it asks; an office's database also
	// says how it is reached (here, a socket on this machine).
	want := "version folder database log crashes outbox proxy webhooks keyring api quota"
	if e.store.Office() {
		want = "version folder database network log crashes outbox proxy webhooks keyring api quota"
		if n := doctorLine(t, checks, "network"); !strings.Contains(n.Detail, "on this machine") {
			t.Fatalf("network line: %+v", n)
		}
	}
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("lines: %s", got)
	}
	if db := doctorLine(t, checks, "database"); !strings.Contains(db.Detail, fmt.Sprintf("schema %d", e.store.LatestVersion())) {
		t.Fatalf("database line: %+v", db)
	}
	e.fake.Inject(c2dfake.FaultQuota)
	checks = e.app.Doctor(ctx)
	if last := checks[len(checks)-1]; last.OK || !strings.Contains(last.Detail, MsgQuota) {
		t.Fatalf("quota: %+v", checks)
	}
}

// TestDoctorNamesCrashesAndUnsentMessages: a crash report and a message
// Chat2Desk refused are what support needs to hear about first.
func TestDoctorNamesCrashesAndUnsentMessages(t *testing.T) {
	o := chatsOffice(t)
	if c := doctorLine(t, o.app.Doctor(ctx), "crashes"); !c.OK {
		t.Fatalf("no crash yet: %+v", c)
	}
	if err := os.WriteFile(filepath.Join(o.dir, CrashFileName), []byte("C2Desk crashed at …\npanic: boom\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := doctorLine(t, o.app.Doctor(ctx), "crashes")
	if c.OK || !strings.Contains(c.Detail, filepath.Join(o.dir, CrashFileName)) || !strings.Contains(c.Detail, "support") {
		t.Fatalf("crash line: %+v", c)
	}
	if about := o.app.About(); about.CrashReportSize == 0 || !strings.Contains(about.String(), CrashFileName) {
		t.Fatalf("about: %+v", about)
	}

	it, err := o.ivan.Queue(ctx, chatOn101, "Повторите, пожалуйста", KindReply)
	if err != nil {
		t.Fatal(err)
	}
	o.fake.Inject(c2dfake.Fault{Status: 400, Body: `{"status":"error","message":"Validation failed","errors":{"text":["is too long"]}}`, Times: 1})
	o.app.Deliver(ctx, it.ID)
	if _, err := o.ivan.Queue(ctx, chatOn101, "И ещё", KindReply); err != nil {
		t.Fatal(err)
	}
	ob := doctorLine(t, o.app.Doctor(ctx), "outbox")
	if ob.OK || !strings.Contains(ob.Detail, "waiting to be sent: 1; not sent: 1") {
		t.Fatalf("outbox line: %+v", ob)
	}
}

func TestExplainCoversEveryClass(t *testing.T) {
	resp := c2dapi.ErrorResponse{StatusCode: 400}
	cases := map[string]error{
		MsgAuth:               &c2dapi.AuthError{ErrorResponse: resp},
		MsgRateLimit:          &c2dapi.RateLimitError{ErrorResponse: resp},
		MsgQuota:              &c2dapi.QuotaError{ErrorResponse: resp},
		MsgNotFound:           &c2dapi.NotFoundError{ErrorResponse: resp},
		MsgValidation:         &c2dapi.ValidationError{ErrorResponse: resp},
		MsgServer:             &c2dapi.ServerError{ErrorResponse: resp},
		MsgMalformed:          &c2dapi.DecodeError{Err: errors.New("x")},
		MsgTimeout:            &c2dapi.NetworkError{Err: context.DeadlineExceeded},
		MsgNetwork:            &c2dapi.NetworkError{Err: errors.New("connection refused")},
		MsgKeyring:            &KeyringError{errors.New("locked")},
		MsgNotConnected:       ErrNoToken,
		MsgTokenElsewhere:     ErrTokenElsewhere,
		MsgTemplatesNotLoaded: errTemplatesNotLoaded,
		MsgDiskFull:           storage.ErrDiskFull,
		MsgOfficeDown:         fmt.Errorf("ping: %w", storage.ErrOfficeUnreachable),
		MsgOfficePassword:     storage.ErrOfficePassword,
		MsgOfficeLocale:       storage.ErrOfficeLocale,
		MsgTooNew:             &storage.TooNewError{Have: 9, Know: 1},
		MsgEmptyToken:         ErrEmptyToken,
		MsgCancelled:          context.Canceled,
		MsgUnknown:            errors.New("strange"),
	}
	for want, err := range cases {
		if got := Explain(errFmt(err)); got != want {
			t.Errorf("Explain(%T) = %q, want %q", err, got, want)
		}
	}
	if Explain(nil) != "" {
		t.Error("nil error has a sentence")
	}
}

// errFmt wraps err as callers do, to prove Explain sees through wrapping.
func errFmt(err error) error { return errors.Join(errors.New("context"), err) }

func TestRedactorHidesTokens(t *testing.T) {
	r := &Redactor{}
	r.Add("secret-token-xyz")
	r.Add("ab") // too short: ignored
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(r.Writer(&buf), nil))
	log.Info("header Authorization: secret-token-xyz", "token", "secret-token-xyz", "ok", "ab")
	if strings.Contains(buf.String(), "secret-token-xyz") || !strings.Contains(buf.String(), "[redacted]") || !strings.Contains(buf.String(), "ab") {
		t.Fatalf("got %s", buf.String())
	}
}

func TestMemorySecrets(t *testing.T) {
	var m Memory
	if _, err := m.Get("a"); !errors.Is(err, ErrNoToken) {
		t.Fatal(err)
	}
	m.Set("a", "v")
	if v, _ := m.Get("a"); v != "v" {
		t.Fatal(v)
	}
	if m.Delete("a") != nil || !errors.Is(m.Delete("a"), ErrNoToken) {
		t.Fatal("delete")
	}
}

// An office computer without the token shows the API server the account
// works with (stored by the computer that keeps the token), not its own
// default.
func TestAccountAPIHostOnAComputerWithoutTheToken(t *testing.T) {
	e := newEnv(t)
	elsewhere := Status{Connected: true, Connection: storage.Connection{APIURL: "https://api.chat2desk.com.ua/v1"}}
	if got := e.app.AccountAPIHost(elsewhere); got != "api.chat2desk.com.ua" {
		t.Fatalf("without the token: %q", got)
	}
	here := elsewhere
	here.TokenHere = true
	if got := e.app.AccountAPIHost(here); got != e.app.APIHost() {
		t.Fatalf("with the token: %q, want this computer's %q", got, e.app.APIHost())
	}
}
