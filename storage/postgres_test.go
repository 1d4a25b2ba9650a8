package storage

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"c2desk/internal/pgtest"
)

// These tests are of the office database itself and run in every pass:
// they fail, not skip, when no PostgreSQL server can be started.

func TestPlaceholdersAreNumberedAsSQLiteNumbersThem(t *testing.T) {
	for in, want := range map[string]string{
		`a = ? AND b = ?`:               `a = $1 AND b = $2`,
		`a = ?1 OR b = ?2 AND c = ?1`:   `a = $1 OR b = $2 AND c = $1`,
		`a = ?2 AND b = ?`:              `a = $2 AND b = $3`,
		`x LIKE ? ESCAPE '\' AND y = ?`: `x LIKE $1 ESCAPE '\' AND y = $2`,
		`t = 'why?' AND u = ?`:          `t = 'why?' AND u = $1`,
		`LIMIT ?12 OFFSET ?13`:          `LIMIT $12 OFFSET $13`,
	} {
		if got := numberedPlaceholders(in); got != want {
			t.Errorf("%s:\n got %s\nwant %s", in, got, want)
		}
	}
	d := newPostgresDialect()
	got := d.rebind(`d.id IN (SELECT value FROM json_each(?3)) AND c.id IN (SELECT value FROM json_each(?))`)
	want := `d.id IN (SELECT jsonb_array_elements_text($3::jsonb)::bigint) AND c.id IN (SELECT jsonb_array_elements_text($4::jsonb)::bigint)`
	if got != want {
		t.Errorf("id lists:\n got %s\nwant %s", got, want)
	}
}

func TestOfficeAddressKeepsThePasswordApart(t *testing.T) {
	clean, pw, err := SplitPassword("postgres://office:s3cr%40t@db.example.com:5432/c2desk?sslmode=verify-full")
	if err != nil || pw != "s3cr@t" || clean != "postgres://office@db.example.com:5432/c2desk?sslmode=verify-full" {
		t.Fatalf("%q %q %v", clean, pw, err)
	}
	if got := WithPassword(clean, pw); !strings.Contains(got, "office:s3cr%40t@") {
		t.Fatalf("with password: %s", got)
	}
	if r := Redact("postgres://office:s3cr%40t@db/c2desk"); strings.Contains(r, "s3cr") {
		t.Fatalf("redacted: %s", r)
	}
	for _, bad := range []string{"", "c2desk.db", "mysql://x@y/z", "postgres://"} {
		if _, _, err := SplitPassword(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if !IsOfficeURL("postgresql://a@b/c") || IsOfficeURL("/home/anna/c2desk") {
		t.Fatal("IsOfficeURL")
	}
}

func TestOfficeReopenKeepsDataAndInstallationID(t *testing.T) {
	address := pgtest.Database(t)
	s, err := OpenOffice(ctx, address)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := s.InstallationID(ctx)
	if _, err := s.CreateStaff(ctx, Staff{Name: "Ольга", Role: RoleAdmin, Active: true}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = OpenOffice(ctx, address)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	id2, _ := s.InstallationID(ctx)
	staff, _ := s.AllStaff(ctx)
	if id == "" || id2 != id || len(staff) != 1 || !s.Office() || s.Engine() != "PostgreSQL" {
		t.Fatalf("id %q→%q, staff %v", id, id2, staff)
	}
	if v, err := s.SchemaVersion(ctx); err != nil || v != s.LatestVersion() {
		t.Fatalf("version %d %v", v, err)
	}
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

// Several PCs may start at once on a new office database: one migrates,
// the others wait for it and find nothing to do.
func TestOfficeMigratesOnceWhenPCsStartTogether(t *testing.T) {
	address := pgtest.Database(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	ids := make([]string, 4)
	for i := range errs {
		wg.Go(func() {
			s, err := OpenOffice(ctx, address)
			if err != nil {
				errs[i] = err
				return
			}
			ids[i], errs[i] = s.InstallationID(ctx)
			s.Close()
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil || ids[i] != ids[0] {
			t.Fatalf("PC %d: %q %v (first %q)", i, ids[i], err, ids[0])
		}
	}
}

func TestNewerOfficeSchemaRefused(t *testing.T) {
	address := pgtest.Database(t)
	s, err := OpenOffice(ctx, address)
	if err != nil {
		t.Fatal(err)
	}
	s.db.ExecContext(ctx, `UPDATE c2desk_schema SET version = 99`)
	s.Close()
	_, err = OpenOffice(ctx, address)
	var tn *TooNewError
	if !errors.As(err, &tn) || tn.Have != 99 {
		t.Fatalf("got %v", err)
	}
}

func TestOfficeWithoutUTF8LocaleRefused(t *testing.T) {
	c := pgtest.Shared(t)
	if err := c.Exec(`CREATE DATABASE c_locale TEMPLATE template0 ENCODING 'SQL_ASCII' LC_CTYPE 'C' LC_COLLATE 'C'`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Exec(`DROP DATABASE c_locale WITH (FORCE)`) })
	if _, err := OpenOffice(ctx, c.URL("c_locale")); !errors.Is(err, ErrOfficeLocale) {
		t.Fatalf("got %v", err)
	}
}

func TestOfficeFaultsAreNamed(t *testing.T) {
	// Nothing listens on this socket folder: the server is down.
	q := url.Values{}
	q.Set("host", t.TempDir())
	_, err := OpenOffice(ctx, "postgres://office@localhost/c2desk?"+q.Encode())
	if !errors.Is(err, ErrOfficeUnreachable) {
		t.Fatalf("server down: %v", err)
	}
	// A role with a password, and the wrong one.
	c := pgtest.Shared(t)
	address := pgtest.Database(t)
	if err := c.Exec(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pw_office') THEN CREATE ROLE pw_office LOGIN PASSWORD 'right'; END IF; END $$`); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(address)
	u.User = url.UserPassword("pw_office", "wrong")
	if _, err := OpenOffice(ctx, u.String()); !errors.Is(err, ErrOfficePassword) {
		t.Fatalf("wrong password: %v", err)
	}
}

// Watch says "anything may have changed" once it listens; a change made
// through one process's pool then reaches another's Watch; when
// the server restarts, Watch says "anything may have changed" once it is
// back, and goes on.
func TestWatchTellsOtherProcessesWhatChanged(t *testing.T) {
	address := pgtest.Database(t)
	writer, err := OpenOffice(ctx, address)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	reader, err := OpenOffice(ctx, address)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	got := make(chan []string, 16)
	watchCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- reader.Watch(watchCtx, func(tables []string) { got <- tables }) }()
	next := func(what string) []string {
		t.Helper()
		select {
		case tables := <-got:
			return tables
		case <-time.After(20 * time.Second):
			t.Fatalf("no notice of %s", what)
			return nil
		}
	}
	// Once it listens, Watch says that anything may have changed: what
	// changed before is not told otherwise.
	if tables := next("listening"); tables != nil {
		t.Fatalf("first call: %v, want nil", tables)
	}
	if _, err := writer.CreateStaff(ctx, Staff{Name: "Ольга", Role: RoleAdmin, Active: true}); err != nil {
		t.Fatal(err)
	}
	first := next("the staff")
	if !slices.Contains(first, "staff") {
		t.Fatalf("first notice: %v", first)
	}
	for len(got) > 0 {
		<-got
	}
	if err := writer.AddMessages(ctx, []Dialog{{ID: 1, ClientID: 5, State: "open"}},
		[]Message{{ID: 10, DialogID: 1, ClientID: 5, Type: "from_client", Text: "Здравствуйте", CreatedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	if tables := next("a page"); !slices.Contains(tables, "messages") || !slices.Contains(tables, "dialogs") {
		t.Fatalf("a page: %v", tables)
	}
	// A statement that changes no row tells nobody: a window taking its
	// refused actions on their notice, when there are none, would
	// otherwise tell itself again without end.
	if _, err := writer.TakeRefusedActions(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := writer.db.ExecContext(ctx, `UPDATE outbox SET state = 'sent' WHERE id = -1`); err != nil {
		t.Fatal(err)
	}
	if _, err := writer.CreateStaff(ctx, Staff{Name: "Ivan", Role: RoleAgent, Active: true}); err != nil {
		t.Fatal(err)
	}
	if tables := next("the next staff member"); !slices.Equal(tables, []string{"staff"}) {
		t.Fatalf("after statements that changed nothing, then the staff: %v", tables)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := (&Store{d: sqliteDialect{}}).Watch(ctx, nil); !errors.Is(err, ErrNotOffice) {
		t.Fatalf("a file: %v", err)
	}
}

// Off this machine the office database is reached over TLS with the
// server's certificate checked, unless the address chooses otherwise; and
// then it is said to be readable.
func TestOfficeAddressOffThisMachineNeedsACheckedCertificate(t *testing.T) {
	t.Setenv("PGSSLMODE", "")
	for _, c := range []struct {
		address, transport string
		tls, plainFallback bool
		binding            string
	}{
		{"postgres://c2desk@db.office.lan/c2desk", TransportVerified, true, false, "require"},
		{"postgres://c2desk@192.168.1.10:5432/c2desk", TransportVerified, true, false, "require"},
		{"postgres://c2desk@db.office.lan/c2desk?sslmode=verify-ca", TransportVerified, true, false, "require"},
		{"postgres://c2desk@db.office.lan/c2desk?sslmode=verify-full&channel_binding=disable", TransportVerified, true, false, "disable"},
		{"postgres://c2desk@db.office.lan/c2desk?sslmode=require", TransportReadable, true, false, "require"},
		{"postgres://c2desk@db.office.lan/c2desk?sslmode=prefer", TransportReadable, true, true, "prefer"},
		{"postgres://c2desk@db.office.lan/c2desk?sslmode=disable", TransportReadable, false, false, "prefer"},
		{"postgres://c2desk@localhost/c2desk", TransportLocal, true, true, "prefer"},
		{"postgres://c2desk@127.0.0.1/c2desk", TransportLocal, true, true, "prefer"},
		{"postgres://c2desk@[::1]/c2desk", TransportLocal, true, true, "prefer"},
		{"postgres://c2desk@localhost/c2desk?host=%2Fvar%2Frun%2Fpostgresql", TransportLocal, false, false, "prefer"},
	} {
		cfg, err := pgconnConfig(c.address)
		if err != nil {
			t.Fatalf("%s: %v", c.address, err)
		}
		if _, got := secureAddress(c.address); got != c.transport {
			t.Errorf("%s: transport %s, want %s", c.address, got, c.transport)
		}
		plain := false
		for _, f := range cfg.Fallbacks {
			plain = plain || f.TLSConfig == nil
		}
		tls := cfg.TLSConfig != nil
		if tls != c.tls || plain != c.plainFallback || cfg.ChannelBinding != c.binding {
			t.Errorf("%s: TLS %v, plain fallback %v, channel binding %s", c.address, tls, plain, cfg.ChannelBinding)
		}
		if c.transport == TransportVerified && (cfg.TLSConfig.InsecureSkipVerify && cfg.TLSConfig.VerifyPeerCertificate == nil) {
			t.Errorf("%s: the certificate is not checked", c.address)
		}
	}
}
