// Package bigagency builds, for benchmarks, the database of a large agency
// the way an office really gets one: C2Desk's own first sync from a
// generated Chat2Desk (c2dfake at a Scale). It uses the mock keyring. It
// builds on the engine the suite runs on (pgtest.EngineEnv), and at
// -scale times AgencyScale (make bench SCALE=10).
package bigagency

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"c2desk/app"
	"c2desk/c2dapi/c2dfake"
	"c2desk/internal/pgtest"
	"c2desk/storage"

	"github.com/zalando/go-keyring"
	"golang.org/x/crypto/bcrypt"
)

// Agency is a connected office over a generated account: Ольга, the
// administrator; Марина, an agent who sees channel 101 (open to everyone)
// and 102 (listed), not 103; and Павел, an agent who sees only the chats
// assigned to him, one in a hundred (the most private setup an agency can
// choose). On PostgreSQL the office is secured as office create does, and
// Марина and Павел work on joined computers: what they read goes through
// the office database's policies.
type Agency struct {
	Dir   string // the data folder
	Fake  *c2dfake.Server
	URL   string // the fake's API address
	Store *storage.Store
	App   *app.App
	Admin *app.Session
	Agent *app.Session
	// Assigned is Павел: only the chats assigned to him.
	Assigned *app.Session
	// Joined is, on PostgreSQL, the address a joined computer opens (its
	// credentials in the mock keyring); "" on SQLite.
	Joined string
	// FirstSync is how long the history load took, RequestsPerSecond
	// permitting.
	FirstSync time.Duration
	// FirstSyncCalls is how many API requests it made.
	FirstSyncCalls int

	srv    *httptest.Server
	joined []*storage.Store
}

// scale multiplies AgencyScale's clients and messages (not the one long
// chat) for Shared: `go test -bench . ./app -args -scale=10`.
var scale = flag.Int("scale", 1, "the big agency's size, in AgencyScales (10: 100,000 chats, 2,000,000 messages)")

// SharedScale is the agency Shared builds: AgencyScale times -scale.
func SharedScale() c2dfake.Scale {
	s := c2dfake.AgencyScale
	s.Clients *= max(*scale, 1)
	s.Messages *= max(*scale, 1)
	return s
}

// Config tunes Build.
type Config struct {
	// Office is the PostgreSQL database to build in; "": a SQLite file
	// in Dir.
	Office string
	Scale  c2dfake.Scale
	// RequestsPerSecond is the client's own limit (negative: none); when
	// positive the fake also answers 429 above it.
	RequestsPerSecond float64
}

// Build generates the account, connects a new data folder to it, sets up
// the office and runs the first sync.
func Build(ctx context.Context, cfg Config) (*Agency, error) {
	keyring.MockInit()
	a := &Agency{Fake: c2dfake.New(c2dfake.WithScale(cfg.Scale))}
	if cfg.RequestsPerSecond > 0 {
		// A burst of 2 absorbs network jitter: requests sent 50 ms apart can
		// arrive 49 ms apart.
		a.Fake.SetRateLimit(cfg.RequestsPerSecond, 2)
	}
	a.srv = httptest.NewServer(a.Fake)
	a.URL = a.srv.URL + "/v1"
	var err error
	if a.Dir, err = os.MkdirTemp("", "c2desk-agency-"); err != nil {
		a.Close()
		return nil, err
	}
	if err := a.build(ctx, cfg); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func (a *Agency) build(ctx context.Context, cfg Config) error {
	var err error
	if cfg.Office != "" {
		a.Store, err = storage.OpenOffice(ctx, cfg.Office)
	} else {
		a.Store, err = storage.Open(ctx, a.Dir)
	}
	if err != nil {
		return err
	}
	rate := cfg.RequestsPerSecond
	if rate <= 0 {
		rate = -1
	}
	a.App = app.New(a.Store, app.Keyring{}, app.Config{APIURL: a.URL, RequestsPerSecond: rate,
		HTTPClient: &http.Client{Timeout: time.Minute}, Logger: slog.New(slog.DiscardHandler), PINHashCost: bcrypt.MinCost, DataDir: a.Dir,
		LinksStayLocal: true}) // its messages link to a name that must not be looked up
	if a.Admin, err = a.App.CreateFirstAdmin(ctx, "Ольга Смирнова", ""); err != nil {
		return err
	}
	if _, err = a.Admin.Connect(ctx, c2dfake.DemoToken); err != nil {
		return err
	}
	if _, err = a.Admin.Sync(ctx); err != nil {
		return err
	}
	agent, err := a.Admin.AddStaff(ctx, app.StaffInput{Name: "Марина Орлова", Role: storage.RoleAgent})
	if err != nil {
		return err
	}
	if err := a.Admin.SaveMapping(ctx, storage.Mapping{Owners: map[int64]int64{7: a.Admin.Staff().ID}, Default: 8}); err != nil {
		return err
	}
	for _, r := range []storage.ChannelRule{
		{ChannelID: 101, Visibility: storage.VisibleToEveryone},
		{ChannelID: 102, Visibility: storage.VisibleToListed, Staff: []int64{agent.ID}},
	} {
		if err := a.Admin.SetChannelRule(ctx, r); err != nil {
			return err
		}
	}
	start := time.Now()
	res, err := a.App.Poll(ctx, nil)
	if err != nil {
		return fmt.Errorf("first sync: %w", err)
	}
	a.FirstSync, a.FirstSyncCalls = time.Since(start), res.Calls
	if err := a.assignOneInAHundred(ctx); err != nil {
		return err
	}
	// Signing in also makes her the one the sign-in screen preselects.
	if a.Agent, err = a.App.SignIn(ctx, agent.ID, ""); err != nil || cfg.Office == "" {
		return err
	}
	return a.secure(ctx)
}

// SignInPIN is everyone's PIN in a secured office; Вход, an agent kept for
// the sign-in benchmark, has it hashed as C2Desk hashes PINs (bcrypt 12).
const SignInPIN = "2468"

// secure makes the office's roles, joins a computer, and signs Марина and
// Павел in on computers of their own, through the database.
func (a *Agency) secure(ctx context.Context) error {
	pin := SignInPIN
	all, err := a.App.StaffList(ctx)
	if err != nil {
		return err
	}
	for _, st := range all {
		if _, err := a.Admin.UpdateStaff(ctx, st.ID, app.StaffInput{Name: st.Name, Role: st.Role, PIN: &pin}); err != nil {
			return err
		}
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pin), 12)
	if err != nil {
		return err
	}
	if _, err := a.Store.CreateStaff(ctx, storage.Staff{Name: "Вход", Role: storage.RoleAgent, Active: true, PINHash: string(hash)}); err != nil {
		return err
	}
	joined, err := app.SecureOffice(ctx, app.Keyring{}, a.Store)
	if err != nil {
		return err
	}
	a.Joined = joined.Path()
	joined.Close()
	if a.Assigned, err = a.OnJoinedComputer(ctx, "Павел Егоров"); err != nil {
		return err
	}
	// Last, so that "Who is working?" preselects her there.
	a.Agent, err = a.OnJoinedComputer(ctx, "Марина Орлова")
	return err
}

// JoinedApp is C2Desk on a joined computer of the office (a store of its
// own, closed with the agency); nobody is signed in.
func (a *Agency) JoinedApp(ctx context.Context) (*app.App, error) {
	store, _, err := app.OpenOfficeDatabase(ctx, app.Keyring{}, a.Joined)
	if err != nil {
		return nil, err
	}
	a.joined = append(a.joined, store)
	return app.New(store, app.Keyring{}, app.Config{APIURL: a.URL, RequestsPerSecond: -1, Logger: slog.New(slog.DiscardHandler), DataDir: a.Dir}), nil
}

// PollingJoinedApp is JoinedApp on the computer that created the office:
// it polls and sends through the poller's role when its poller runs.
func (a *Agency) PollingJoinedApp(ctx context.Context) (*app.App, error) {
	core, err := a.JoinedApp(ctx)
	if err != nil {
		return nil, err
	}
	poller, err := app.OpenPoller(ctx, app.Keyring{}, a.Joined)
	if err != nil {
		return nil, err
	}
	a.joined = append(a.joined, poller)
	core.UsePoller(app.New(poller, app.Keyring{}, app.Config{APIURL: a.URL, RequestsPerSecond: -1, Logger: slog.New(slog.DiscardHandler), DataDir: a.Dir}))
	return core, nil
}

// OnJoinedComputer signs a person in with SignInPIN on a joined computer
// of their own.
func (a *Agency) OnJoinedComputer(ctx context.Context, name string) (*app.Session, error) {
	core, err := a.JoinedApp(ctx)
	if err != nil {
		return nil, err
	}
	st, err := core.StaffNamed(ctx, name)
	if err != nil {
		return nil, err
	}
	return core.SignIn(ctx, st.ID, SignInPIN)
}

// assignOneInAHundred adds Павел and assigns him every hundredth chat,
// newest first, straight in the database: an agency's assignments grow
// one at a time, which is not what is measured.
func (a *Agency) assignOneInAHundred(ctx context.Context) error {
	st, err := a.Admin.AddStaff(ctx, app.StaffInput{Name: "Павел Егоров", Role: storage.RoleAgent})
	if err != nil {
		return err
	}
	for offset := 0; ; offset += 1000 {
		chats, err := a.Admin.Chats(ctx, storage.ChatFilter{Limit: 1000, Offset: offset})
		if err != nil {
			return err
		}
		for i := 0; i < len(chats); i += 100 {
			if err := a.Store.SetAssignee(ctx, chats[i].ID, st.ID); err != nil {
				return err
			}
		}
		if len(chats) < 1000 {
			break
		}
	}
	a.Assigned, err = a.App.SignIn(ctx, st.ID, "")
	return err
}

// Close stops the fake and removes the data folder.
func (a *Agency) Close() {
	if a.srv != nil {
		a.srv.Close()
	}
	for _, s := range a.joined {
		s.Close()
	}
	if a.Store != nil {
		a.Store.Close()
	}
	if a.Dir != "" {
		os.RemoveAll(a.Dir)
	}
}

// shared is the agency at AgencyScale that Shared builds once per test
// binary: a minute's first sync is not repeated per benchmark.
var shared struct {
	once sync.Once
	*Agency
	err error
}

// Shared returns the agency at SharedScale, unthrottled, on the suite's
// engine, building it on first use. The test binary's TestMain calls
// CloseShared (and pgtest.StopShared).
func Shared(tb testing.TB) *Agency {
	tb.Helper()
	shared.once.Do(func() {
		cfg := Config{Scale: SharedScale()}
		if pgtest.OnPostgres() {
			cfg.Office = pgtest.LastingDatabase(tb)
		}
		shared.Agency, shared.err = Build(context.Background(), cfg)
	})
	if shared.err != nil {
		tb.Fatal(shared.err)
	}
	return shared.Agency
}

// CloseShared removes the shared agency, if one was built.
func CloseShared() {
	if shared.Agency != nil {
		shared.Close()
	}
}
