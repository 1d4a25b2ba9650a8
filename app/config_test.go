package app

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"c2desk/c2dapi/c2dfake"
	"c2desk/storage"

	"github.com/zalando/go-keyring"
)

// office sets up a fully configured PC: staff, mapping, default, rules.
func office(t *testing.T) (*env, *Session) {
	t.Helper()
	e, admin, ivan, marina := agency(t)
	if err := admin.SaveMapping(ctx, storage.Mapping{Owners: map[int64]int64{7: admin.Staff().ID, 9: ivan.ID}, Default: 8}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []storage.ChannelRule{
		{ChannelID: 101, Visibility: storage.VisibleToEveryone},
		{ChannelID: 102, Visibility: storage.VisibleToListed, Staff: []int64{marina.ID, ivan.ID}},
	} {
		if err := admin.SetChannelRule(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	return e, admin
}

// secondPC is another office PC on the same account, with only its first admin.
func secondPC(t *testing.T, fake *c2dfake.Server) *Session {
	t.Helper()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	store, err := storage.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	keyring.MockInit()
	a := New(store, &Memory{}, Config{APIURL: srv.URL + "/v1", RequestsPerSecond: -1, HTTPClient: &http.Client{Timeout: 2 * time.Second}, PINHashCost: 4})
	s, err := a.CreateFirstAdmin(ctx, "Ольга Смирнова", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Connect(ctx, c2dfake.DemoToken); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

var exportedAt = regexp.MustCompile(`"exported_at": "[^"]*"`)

func TestExportImportRoundTrip(t *testing.T) {
	e, admin := office(t)
	out, err := admin.ExportConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte(c2dfake.DemoToken)) || bytes.Contains(out, []byte("$2a$")) {
		t.Fatal("token or PIN hash exported")
	}
	var f ConfigFile
	if err := json.Unmarshal(out, &f); err != nil || len(f.Staff) != 3 || f.Default != 8 || len(f.Channels) != 3 {
		t.Fatalf("%+v %v", f, err)
	}

	other := secondPC(t, e.fake)
	plan, err := other.PlanImport(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	text := planText(plan)
	for _, want := range []string{"Add Ivan Petrov (agent), without a PIN", "Add Марина (agent)", "Operator Dmitry Ivanov: owner nobody › Ivan Petrov",
		"Default account: none › Офис Общий", "Channel Вторичка / Resale: administrators only › Ivan Petrov, Марина", "Channel Новостройки: administrators only › everyone"} {
		if !strings.Contains(text, want) {
			t.Errorf("plan lacks %q:\n%s", want, text)
		}
	}
	if err := other.ApplyImport(ctx, plan); err != nil {
		t.Fatal(err)
	}
	back, err := other.ExportConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := exportedAt.ReplaceAll(out, nil), exportedAt.ReplaceAll(back, nil); !bytes.Equal(a, b) {
		t.Fatalf("round trip differs:\n%s\n---\n%s", a, b)
	}
	// Importing again changes nothing.
	plan, _ = other.PlanImport(ctx, back)
	if len(plan.Lines) != 1 || plan.Lines[0].Msg != PlanNothing {
		t.Fatalf("second import: %s", planText(plan))
	}
}

func planText(p *ImportPlan) string {
	var b strings.Builder
	for _, l := range p.Lines {
		b.WriteString(l.String() + "\n")
	}
	return b.String()
}

func TestImportRefusesForeignFile(t *testing.T) {
	e, admin := office(t)
	out, _ := admin.ExportConfig(ctx)
	var f ConfigFile
	json.Unmarshal(out, &f)
	f.Owners = append(f.Owners, ConfigOwner{ID: 77, Name: "Чужой", Owner: "Марина"})
	f.Channels = append(f.Channels, ConfigChannel{ID: 555, Name: "Другое агентство", Visibility: storage.VisibleToEveryone})
	foreign, _ := json.Marshal(f)
	before, _ := admin.ExportConfig(ctx)
	_, err := admin.PlanImport(ctx, foreign)
	wantProblem(t, err, MsgConfigForeign)
	if msg := Explain(err); !strings.Contains(msg, "operator Чужой (#77)") || !strings.Contains(msg, "channel Другое агентство (#555)") {
		t.Fatalf("list missing: %s", msg)
	}
	after, _ := admin.ExportConfig(ctx)
	if !bytes.Equal(exportedAt.ReplaceAll(before, nil), exportedAt.ReplaceAll(after, nil)) {
		t.Fatal("a refused import changed something")
	}
	_ = e
}

func TestImportAcceptsUnfinishedMapping(t *testing.T) {
	_, admin, _, _ := agency(t) // staff, but no mapping and no default yet
	out, err := admin.ExportConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := admin.PlanImport(ctx, out)
	if err != nil || len(plan.Lines) != 1 || plan.Lines[0].Msg != PlanNothing {
		t.Fatalf("%v %v", plan, err)
	}
}

func TestImportRejectsBadFiles(t *testing.T) {
	_, admin := office(t)
	good, _ := admin.ExportConfig(ctx)
	mutate := func(fn func(f *ConfigFile)) []byte {
		var f ConfigFile
		json.Unmarshal(good, &f)
		fn(&f)
		b, _ := json.Marshal(f)
		return b
	}
	cases := map[string]struct {
		data []byte
		want string
	}{
		"not json":   {[]byte("hello"), MsgConfigUnreadable},
		"other json": {[]byte(`{"a":1}`), MsgConfigUnreadable},
		"too new":    {mutate(func(f *ConfigFile) { f.Version = 99 }), MsgConfigTooNew},
		"no name":    {mutate(func(f *ConfigFile) { f.Staff[0].Name = " " }), MsgConfigBadStaff},
		"twice":      {mutate(func(f *ConfigFile) { f.Staff = append(f.Staff, f.Staff[0]) }), MsgConfigDupStaff},
		"no admin": {mutate(func(f *ConfigFile) {
			f.Staff = []ConfigStaff{{Name: "Ольга Смирнова", Role: "agent", Active: true}}
		}), MsgLastAdmin},
		"ghost owner": {mutate(func(f *ConfigFile) { f.Owners[0].Owner = "Nobody Known" }), MsgConfigNoOwner},
		"bad default": {mutate(func(f *ConfigFile) { f.Default = 10 }), MsgDefaultNotUsable},
		"empty listed": {mutate(func(f *ConfigFile) {
			f.Channels[0].Visibility, f.Channels[0].Staff, f.Channels[0].Chosen = "listed", nil, true
		}), MsgRuleNeedsStaff},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := admin.PlanImport(ctx, c.data)
			wantProblem(t, err, c.want)
		})
	}
}

// The file carries no PINs, and an administrator without a PIN here could
// be signed in as by anyone at this computer: an import that would make
// one is refused until they have a PIN on this PC.
func TestImportMakesNoAdministratorWithoutAPIN(t *testing.T) {
	e, admin := office(t)
	if _, err := admin.AddStaff(ctx, StaffInput{Name: "Дмитрий Волков", Role: storage.RoleAdmin, PIN: pin("5555")}); err != nil {
		t.Fatal(err)
	}
	file, err := admin.ExportConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	other := secondPC(t, e.fake)
	_, err = other.PlanImport(ctx, file)
	wantProblem(t, err, MsgConfigAdminNoPIN)
	if !strings.Contains(Explain(err), "Дмитрий Волков") {
		t.Fatalf("the sentence does not name him: %s", Explain(err))
	}
	if staff, _ := other.App().StaffList(ctx); len(staff) != 1 {
		t.Fatalf("a refused import changed the staff: %+v", staff)
	}
	// With a PIN given here, the same file imports.
	if _, err := other.AddStaff(ctx, StaffInput{Name: "Дмитрий Волков", Role: storage.RoleAdmin, PIN: pin("7777")}); err != nil {
		t.Fatal(err)
	}
	plan, err := other.PlanImport(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.ApplyImport(ctx, plan); err != nil {
		t.Fatal(err)
	}
	if _, err := other.App().SignIn(ctx, staffNamed(t, other, "Дмитрий Волков").ID, ""); err == nil {
		t.Fatal("an imported administrator signed in without his PIN")
	}

	// Promoting a PIN-less agent of this PC to administrator is the same.
	ivan := staffNamed(t, other, "Ivan Petrov")
	var f ConfigFile
	json.Unmarshal(file, &f)
	for i := range f.Staff {
		if f.Staff[i].Name == "Ivan Petrov" {
			f.Staff[i].Role = storage.RoleAdmin
		}
	}
	promoted, _ := json.Marshal(f)
	_, err = other.PlanImport(ctx, promoted)
	wantProblem(t, err, MsgConfigAdminNoPIN)
	if st, _ := other.App().store.StaffByID(ctx, ivan.ID); st.Role != storage.RoleAgent {
		t.Fatal("promoted anyway")
	}
	// This PC's own first administrator chose to have no PIN: a file that
	// keeps her as she is, is fine (secondPC made her so).
	if st := staffNamed(t, other, "Ольга Смирнова"); st.PINHash != "" {
		t.Fatal("the second PC's admin was expected without a PIN")
	}
}

func staffNamed(t *testing.T, s *Session, name string) storage.Staff {
	t.Helper()
	all, err := s.App().StaffList(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range all {
		if st.Name == name {
			return st
		}
	}
	t.Fatalf("no %s among %+v", name, all)
	return storage.Staff{}
}

// A computer with no staff at all takes a file with none: no administrator
// is taken away.
func TestImportWithoutStaffIntoAComputerWithout(t *testing.T) {
	e, admin := office(t)
	file, err := admin.ExportConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var f ConfigFile
	json.Unmarshal(file, &f)
	f.Staff, f.Owners = nil, nil
	for i := range f.Channels {
		f.Channels[i].Staff = nil
		if f.Channels[i].Visibility == storage.VisibleToListed {
			f.Channels[i].Visibility = storage.VisibleToAdmins
		}
	}
	noStaff, _ := json.Marshal(f)

	srv := httptest.NewServer(e.fake)
	t.Cleanup(srv.Close)
	store, err := storage.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	fresh := New(store, &Memory{}, Config{APIURL: srv.URL + "/v1", RequestsPerSecond: -1, PINHashCost: 4})
	console := fresh.Console()
	if _, err := console.Connect(ctx, c2dfake.DemoToken); err != nil {
		t.Fatal(err)
	}
	if _, err := console.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	plan, err := console.PlanImport(ctx, noStaff)
	if err != nil {
		t.Fatalf("import without staff into a computer without: %v", err)
	}
	if err := console.ApplyImport(ctx, plan); err != nil {
		t.Fatal(err)
	}
	if m, _ := store.LoadMapping(ctx); m.Default != 8 {
		t.Fatalf("the default account was not imported: %+v", m)
	}
	// Taking away the last administrator is still refused.
	f.Staff = []ConfigStaff{{Name: "Ольга Смирнова", Role: storage.RoleAdmin, Active: false}}
	demote, _ := json.Marshal(f)
	other := secondPC(t, e.fake)
	_, err = other.PlanImport(ctx, demote)
	wantProblem(t, err, MsgLastAdmin)
}
