package storage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"c2desk/internal/pgtest"
)

var ctx = context.Background()

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.StopShared()
	os.Exit(code)
}

// openTemp opens an empty database on the engine the suite runs on
// (pgtest.EngineEnv): a file in a temporary folder, or a new database on
// the test's PostgreSQL server.
func openTemp(t testing.TB) *Store {
	t.Helper()
	var s *Store
	var err error
	if pgtest.OnPostgres() {
		s, err = OpenOffice(ctx, pgtest.Database(t))
	} else {
		s, err = Open(ctx, t.TempDir())
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// sqliteOnly marks a test of the file itself (its mode, pragmas, page
// limit, older schemas); postgres_test.go tests the office database's own.
func sqliteOnly(t *testing.T) {
	if pgtest.OnPostgres() {
		t.Skip("a test of the SQLite file; this run is on PostgreSQL")
	}
}

func TestOpenCreatesPrivateMigratedFile(t *testing.T) {
	sqliteOnly(t)
	dir := filepath.Join(t.TempDir(), "nested", "data")
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fi, err := os.Stat(filepath.Join(dir, FileName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v %v", fi.Mode(), err)
	}
	if di, _ := os.Stat(dir); di.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode %v", di.Mode())
	}
	v, err := s.SchemaVersion(ctx)
	if err != nil || v != LatestVersion() || v < 1 {
		t.Fatalf("version %d %v", v, err)
	}
	var mode string
	s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
	var fk, busy int
	s.db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk)
	s.db.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy)
	if mode != "wal" || fk != 1 || busy < 1000 {
		t.Fatalf("journal %q foreign_keys %d busy %d", mode, fk, busy)
	}
	for _, table := range []string{"staff", "channels", "channel_rules", "operators", "operator_owner", "default_operator", "clients", "dialogs", "messages", "outbox", "sync_cursors", "settings"} {
		var n int
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Errorf("table %s: %v", table, err)
		}
	}
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestReopenKeepsDataAndInstallationID(t *testing.T) {
	sqliteOnly(t)
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	id1, _ := s.InstallationID(ctx)
	if len(id1) != 32 {
		t.Fatalf("installation id %q", id1)
	}
	if err := s.SetSetting(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, dir) // migrations re-run: nothing pending
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	id2, _ := s.InstallationID(ctx)
	v, ok, _ := s.Setting(ctx, "k")
	if id1 != id2 || !ok || v != "v" {
		t.Fatalf("after reopen: %q %q %q %v", id1, id2, v, ok)
	}
}

func TestNewerDatabaseRefused(t *testing.T) {
	sqliteOnly(t)
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	s.db.ExecContext(ctx, "PRAGMA user_version = 99")
	s.Close()
	_, err = Open(ctx, dir)
	var tn *TooNewError
	if !errors.As(err, &tn) || tn.Have != 99 {
		t.Fatalf("got %v", err)
	}
}

func TestConnectionRoundTrip(t *testing.T) {
	s := openTemp(t)
	if _, ok, err := s.LoadConnection(ctx); ok || err != nil {
		t.Fatalf("fresh: %v %v", ok, err)
	}
	c := Connection{Company: "Ключ", APIURL: "https://api.chat2desk.com/v1", Mode: "full", RequestsThisMonth: 1234, CheckedAt: time.Unix(1700000000, 0).UTC(),
		WriteFirst: WriteFirstRefused}
	if err := s.SaveConnection(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.LoadConnection(ctx)
	if err != nil || !ok || got != c {
		t.Fatalf("got %+v %v %v", got, ok, err)
	}
	// Chat2Desk may refuse writing first later than it was checked.
	if err := s.SetWriteFirst(ctx, WriteFirstAllowed); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := s.LoadConnection(ctx); got.WriteFirst != WriteFirstAllowed {
		t.Fatalf("write first %q", got.WriteFirst)
	}
	if err := s.ClearConnection(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.LoadConnection(ctx); ok {
		t.Fatal("still connected")
	}
}

func TestSyncChannels(t *testing.T) {
	s := openTemp(t)
	now := time.Unix(1700000000, 0)
	s.SetClock(func() time.Time { return now })
	first := []Channel{
		{ID: 101, Name: "Новостройки", Phone: "73222233223", Transports: []string{"telegram", "whatsapp"}},
		{ID: 102, Name: "Аренда", Transports: []string{"vk"}},
	}
	ch, err := s.SyncChannels(ctx, first, true)
	if err != nil || ch != (Changes{New: 2}) {
		t.Fatalf("first: %+v %v", ch, err)
	}
	now = now.Add(time.Hour)
	second := []Channel{
		{ID: 101, Name: "Новостройки", Phone: "73222233223", Transports: []string{"telegram", "whatsapp", "viber"}},
		{ID: 103, Name: "Коммерция", Transports: []string{"email"}},
	}
	ch, err = s.SyncChannels(ctx, second, true)
	if err != nil || ch != (Changes{New: 1, Updated: 1, Gone: 1}) {
		t.Fatalf("second: %+v %v", ch, err)
	}
	got, err := s.Channels(ctx)
	if err != nil || len(got) != 3 {
		t.Fatalf("%+v %v", got, err)
	}
	byID := map[int64]Channel{}
	for _, c := range got {
		byID[c.ID] = c
	}
	if len(byID[101].Transports) != 3 || byID[101].Transports[2] != "viber" || !byID[101].LoadedAt.Equal(now) {
		t.Errorf("101: %+v", byID[101])
	}
	if byID[102].RemovedAt.IsZero() || byID[102].Transports[0] != "vk" {
		t.Errorf("102 should be kept and marked removed: %+v", byID[102])
	}
	if byID[103].RuleSet {
		t.Error("a new channel has no rule chosen yet")
	}
	var vis string
	s.db.QueryRowContext(ctx, "SELECT visibility FROM channel_rules WHERE channel_id = 103").Scan(&vis)
	if vis != "admins" {
		t.Errorf("new channel rule %q, want admins only", vis)
	}
	// The channel comes back upstream: no longer removed.
	ch, _ = s.SyncChannels(ctx, append(second, first[1]), true)
	if ch != (Changes{Updated: 1, Unchanged: 2}) {
		t.Fatalf("third: %+v", ch)
	}
}

func TestSyncOperators(t *testing.T) {
	s := openTemp(t)
	ops := []Operator{
		{ID: 7, FirstName: "Ольга", LastName: "Смирнова", Role: "admin", Online: true, LastVisit: time.Unix(1700000000, 0).UTC()},
		{ID: 10, FirstName: "Пётр", Role: "disabled"},
	}
	if ch, err := s.SyncOperators(ctx, ops, true); err != nil || ch.New != 2 {
		t.Fatalf("%+v %v", ch, err)
	}
	ops[0].Online = false // online flips do not count as an update
	ch, err := s.SyncOperators(ctx, ops[:1], true)
	if err != nil || ch != (Changes{Unchanged: 1, Gone: 1}) {
		t.Fatalf("%+v %v", ch, err)
	}
	got, _ := s.Operators(ctx)
	if len(got) != 2 || got[0].FirstName != "Ольга" || got[0].Online || !got[0].LastVisit.Equal(ops[0].LastVisit) || got[1].RemovedAt.IsZero() {
		t.Fatalf("%+v", got)
	}
}

func TestSyncOperatorGroups(t *testing.T) {
	s := openTemp(t)
	groups := []OperatorGroup{{ID: 31, Name: "Продажи", OperatorIDs: []int64{9, 7}}, {ID: 32, Name: "Аренда"}}
	if ch, err := s.SyncOperatorGroups(ctx, groups, true); err != nil || ch.New != 2 {
		t.Fatalf("%+v %v", ch, err)
	}
	groups[0].OperatorIDs = []int64{9}
	ch, err := s.SyncOperatorGroups(ctx, groups[:1], true)
	if err != nil || ch != (Changes{Updated: 1, Gone: 1}) {
		t.Fatalf("%+v %v", ch, err)
	}
	got, err := s.OperatorGroups(ctx)
	if err != nil || len(got) != 2 {
		t.Fatalf("%+v %v", got, err)
	}
	// By name: Аренда (gone upstream, kept) before Продажи.
	if got[0].ID != 32 || got[0].RemovedAt.IsZero() || len(got[0].OperatorIDs) != 0 ||
		got[1].ID != 31 || !got[1].RemovedAt.IsZero() || !slices.Equal(got[1].OperatorIDs, []int64{9}) {
		t.Fatalf("%+v", got)
	}
}

func TestDiskFullIsReported(t *testing.T) {
	s := openTemp(t)
	if s.Office() {
		if err := pgtest.MoveToSmallDisk(t, s.Path()).Fill(); err != nil {
			t.Fatal(err)
		}
	} else if err := s.LimitPages(ctx, 0); err != nil {
		t.Fatal(err)
	}
	big := make([]Channel, 500)
	for i := range big {
		big[i] = Channel{ID: int64(i + 1), Name: strings.Repeat("канал ", 50), Transports: []string{"telegram"}}
	}
	_, err := s.SyncChannels(ctx, big, true)
	if !errors.Is(err, ErrDiskFull) {
		t.Fatalf("got %v", err)
	}
	if got, _ := s.Channels(ctx); len(got) != 0 {
		t.Fatalf("half-written sync: %d channels", len(got))
	}
}
