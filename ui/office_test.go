package ui

import (
	"context"
	"image/color"
	"image/png"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"c2desk/app"
	"c2desk/c2dapi/c2dfake"
	"c2desk/internal/pgtest"
	"c2desk/storage"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/zalando/go-keyring"
	"golang.org/x/crypto/bcrypt"
)

// Office tests: this window is PC B; PC A is another C2Desk process (an
// App with its own pool) on the same PostgreSQL database, without a
// window. They run in every pass and fail when PostgreSQL cannot start.

// officeWindow starts PC B on PostgreSQL, set up by prepare.
func officeWindow(t *testing.T, prepare func(*app.App)) *harness {
	t.Helper()
	t.Setenv(pgtest.EngineEnv, "postgres")
	return start(t, false, prepare)
}

// otherPC is PC A: C2Desk on the same office database, without the token.
func otherPC(t *testing.T, h *harness) *app.App {
	t.Helper()
	store, err := storage.OpenOffice(context.Background(), h.core.DataPath())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return app.New(store, &app.Memory{}, app.Config{APIURL: h.core.APIURL(), RequestsPerSecond: -1, Logger: slog.New(slog.DiscardHandler),
		PINHashCost: bcrypt.MinCost, DataDir: t.TempDir(), LocalServers: []string{"127.0.0.1"}, LinksStayLocal: true})
}

func staffNamed(t *testing.T, core *app.App, name string) storage.Staff {
	t.Helper()
	all, err := core.StaffList(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no %s among %v", name, all)
	return storage.Staff{}
}

// A reply Ivan writes on PC A shows on PC B, with him as its author.
func TestOfficeReplyWrittenOnAShowsOnB(t *testing.T) {
	h := officeWindow(t, office(t, ""))
	h.signIn() // Ольга
	h.openChat(9001)
	a := otherPC(t, h)
	ivan, err := a.SignIn(context.Background(), staffNamed(t, a, "Ivan Petrov").ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ivan.Queue(context.Background(), 9001, "Ключи можно забрать завтра с 10:00", app.KindReply); err != nil {
		t.Fatal(err)
	}
	h.eventually("Ivan's reply on PC B", func() bool { return h.shows("Ключи можно забрать завтра с 10:00") })
	h.eventually("its author and delivery", func() bool { return h.shows("Ivan Petrov via the default account · ") && !h.shows("Sending…") })
	h.capture("office-reply-from-another-pc")
}

// An assignment and a close made on PC A, which has no token, show on PC
// B in the open chat and the list, and B, the office's poller, tells
// Chat2Desk the close.
func TestOfficeAssignAndCloseOnAShowOnB(t *testing.T) {
	h := officeWindow(t, office(t, ""))
	h.signIn() // Ольга
	h.openChat(9001)
	a := otherPC(t, h)
	olga, err := a.SignIn(context.Background(), staffNamed(t, a, "Ольга Смирнова").ID, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := olga.Assign(ctx, 9001, staffNamed(t, a, "Ivan Petrov").ID); err != nil {
		t.Fatal(err)
	}
	if err := olga.SetOpen(ctx, 9001, false); err != nil {
		t.Fatal(err)
	}
	h.eventually("the chat closed and assigned on PC B", func() bool {
		return h.button("Reopen") != nil && h.shows("assigned to Ivan Petrov")
	})
	h.eventually("Chat2Desk told by PC B", func() bool {
		d, ok := h.fake.Dialog(9001)
		return ok && d.State == "closed"
	})
}

// Ольга closes a chat on PC A, which has no token; Chat2Desk refuses the
// close when PC B's poller carries it out. The chat is open again on both,
// and the window where Ольга works says why, once.
func TestOfficeRefusedCloseIsTold(t *testing.T) {
	h := officeWindow(t, office(t, ""))
	h.signIn() // Ольга
	h.openChat(9001)
	a := otherPC(t, h)
	ctx := context.Background()
	olga, err := a.SignIn(ctx, staffNamed(t, a, "Ольга Смирнова").ID, "")
	if err != nil {
		t.Fatal(err)
	}
	h.fake.Inject(c2dfake.Fault{PathContains: "/dialogs/9001", Method: http.MethodPut, Times: 1, Status: http.StatusBadRequest,
		Body: `{"status":"error","message":"Dialog cannot be closed now"}`})
	if err := olga.SetOpen(ctx, 9001, false); err != nil {
		t.Fatal(err)
	}
	told := "Chat2Desk did not close the chat with "
	h.eventually("the refusal told", func() bool { return h.shows(told) })
	h.capture("office-refused-close")
	if !h.shows("Chat2Desk refused the request as incomplete or invalid.") {
		t.Fatalf("told without the reason: %q", h.texts())
	}
	h.eventually("the chat open again here", func() bool { return h.button("Close chat") != nil })
	h.lastButton("Close").OnTapped()
	h.eventually("the dialog gone", func() bool { return !h.shows(told) })
	if d, _ := olga.Chats(ctx, storage.ChatFilter{IDs: []int64{9001}, Limit: 1}); len(d) != 1 || d[0].State != "open" {
		t.Fatalf("PC A shows %+v", d)
	}
}

// Deactivating Ivan on PC A signs him out on PC B, saying why.
func TestOfficeDeactivationOnASignsOutOnB(t *testing.T) {
	h := officeWindow(t, office(t, "Ivan Petrov"))
	h.signIn()
	h.eventually("Ivan's chats", func() bool { return h.ui.chats != nil && len(h.ui.chats.chats) > 0 })
	a := otherPC(t, h)
	olga, err := a.SignIn(context.Background(), staffNamed(t, a, "Ольга Смирнова").ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := olga.SetStaffActive(context.Background(), staffNamed(t, a, "Ivan Petrov").ID, false); err != nil {
		t.Fatal(err)
	}
	h.eventually("Who is working? with the reason", func() bool {
		return h.shows("Who is working?") && h.shows("An administrator changed Ivan Petrov's access, so C2Desk signed them out. Sign in again to go on.")
	})
}

// pgDatabases moves a test's window between its file and an office
// database on the test's PostgreSQL server, as main's databases does:
// moving in makes the office's roles and joins this computer to it with
// the poller's credential; joining takes an invitation.
type pgDatabases struct {
	t       *testing.T
	local   *app.App
	from    *storage.Store
	cfg     app.Config
	secrets app.Secrets
}

// core is the window's C2Desk on a joined computer's store, polling
// through the poller's role when this computer keeps its credential.
func (d *pgDatabases) core(ctx context.Context, store *storage.Store) (*app.App, error) {
	d.t.Cleanup(func() { store.Close() })
	core := app.New(store, d.secrets, d.cfg)
	poller, err := app.OpenPoller(ctx, d.secrets, store.Path())
	if err != nil || poller == nil {
		return core, err
	}
	d.t.Cleanup(func() { poller.Close() })
	core.UsePoller(app.New(poller, d.secrets, d.cfg))
	return core, nil
}

func (d *pgDatabases) Join(ctx context.Context, code string) (*app.App, error) {
	store, err := app.JoinOffice(ctx, d.secrets, code)
	if err != nil {
		return nil, err
	}
	return d.core(ctx, store)
}

func (d *pgDatabases) MoveIn(ctx context.Context, address, password string) (map[string]int, *app.App, error) {
	clean, _, err := storage.SplitPassword(address)
	if err != nil {
		return nil, nil, err
	}
	if err := d.local.ReadyForOffice(ctx); err != nil {
		return nil, nil, err
	}
	owner, _, err := app.OpenOfficeDatabase(ctx, d.secrets, storage.WithPassword(clean, password))
	if err != nil {
		return nil, nil, err
	}
	defer owner.Close()
	if err := owner.CheckCanMakeRoles(ctx); err != nil {
		return nil, nil, err
	}
	counts, err := d.from.CopyTo(ctx, owner)
	if err != nil {
		return nil, nil, err
	}
	store, err := app.SecureOffice(ctx, d.secrets, owner)
	if err != nil {
		return nil, nil, err
	}
	core, err := d.core(ctx, store)
	return counts, core, err
}

func (d *pgDatabases) Leave(context.Context) (*app.App, error) { return d.local, nil }

// passwordRole makes the database at address belong to a role with a
// password, and returns the address with that role's name.
func passwordRole(t *testing.T, cluster *pgtest.Cluster, address, role, password string) string {
	t.Helper()
	if err := cluster.Exec(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '` + role + `') THEN CREATE ROLE ` + role + ` LOGIN PASSWORD '` + password + `'; END IF; END $$`); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(address)
	if err := cluster.Exec(`ALTER DATABASE ` + strings.TrimPrefix(u.Path, "/") + ` OWNER TO ` + role); err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	return u.String()
}

func (h *harness) entryWithPlaceholder(placeholder string) *widget.Entry {
	for _, o := range h.objects() {
		if e, ok := o.(*widget.Entry); ok && e.PlaceHolder == placeholder {
			return e
		}
	}
	return nil
}

// passwordEntry is the last password field shown: a dialog's, over the
// Settings tab's file storage secret.
func (h *harness) passwordEntry() *widget.Entry {
	var last *widget.Entry
	for _, o := range h.objects() {
		if e, ok := o.(*widget.Entry); ok && e.Password && e.Visible() {
			last = e
		}
	}
	return last
}

// signInWithPIN picks a person on "Who is working?" and types the PIN.
func (h *harness) signInWithPIN(name, pin string) {
	h.t.Helper()
	h.signInWithPINAs("Continue", name, pin)
}

// signInWithPINAs is signInWithPIN where Continue is called cont.
func (h *harness) signInWithPINAs(cont, name, pin string) {
	h.t.Helper()
	h.eventually("Who is working? with "+name, func() bool { return h.shows(name) && h.button(cont) != nil })
	list := h.signInList()
	for i, st := range h.ui.signInPeople {
		if st.Name == name {
			list.Select(i)
		}
	}
	h.eventually("the PIN field", func() bool { return h.passwordEntry() != nil })
	h.passwordEntry().SetText(pin)
	test.Tap(h.button(cont))
}

func (h *harness) signInList() *widget.List {
	for _, o := range h.objects() {
		if l, ok := o.(*widget.List); ok {
			return l
		}
	}
	h.t.Fatal("no list of people")
	return nil
}

func (h *harness) multiLineEntry() *widget.Entry {
	for _, o := range h.objects() {
		if e, ok := o.(*widget.Entry); ok && e.MultiLine && e.Visible() {
			return e
		}
	}
	return nil
}

// The admin moves this PC's data into a new office database: a wrong
// password is refused in the dialog and nothing is saved; the right one
// copies, makes the office's roles, joins this computer and switches the
// window to the office, whose people sign in with their PINs through the
// database. The administrator invites a computer (the code to copy); the
// window, back on its file, joins with it; a wrong PIN is said; the
// computer is removed, and nobody can sign in there any more.
func TestOfficeDatabaseCardMovesInInvitesAndRemoves(t *testing.T) {
	t.Setenv(pgtest.EngineEnv, "") // this PC starts on its own file
	h := start(t, false, func(core *app.App) {
		office(t, "")(core)
		ctx := context.Background()
		for name, pin := range map[string]string{"Ольга Смирнова": "1111", "Ivan Petrov": "2222"} {
			st := staffNamed(t, core, name)
			if _, err := core.Console().UpdateStaff(ctx, st.ID, app.StaffInput{Name: st.Name, Role: st.Role, PIN: &pin}); err != nil {
				t.Fatal(err)
			}
		}
	})
	cluster := pgtest.Shared(t)
	address := passwordRole(t, cluster, pgtest.Database(t), "card_office", "Kl1uch-2026")
	if err := cluster.Exec(`ALTER ROLE card_office CREATEROLE`); err != nil { // it makes the office's roles
		t.Fatal(err)
	}
	d := &pgDatabases{t: t, local: h.core, from: h.store, secrets: &lockedKeyring{},
		cfg: app.Config{APIURL: h.core.APIURL(), RequestsPerSecond: -1, Logger: slog.New(slog.DiscardHandler), PINHashCost: bcrypt.MinCost, DataDir: t.TempDir(), LocalServers: []string{"127.0.0.1"}, LinksStayLocal: true}}
	h.ui.opts.Databases = d
	h.signInWithPIN("Ольга Смирнова", "1111")
	h.tab("Settings")
	h.eventually("the office database part", func() bool {
		return h.shows("Office database") && h.button("Move this computer's data into an office database…") != nil
	})
	h.capture("office-database-card-local")
	test.Tap(h.button("Move this computer's data into an office database…"))
	h.eventually("the dialog", func() bool {
		return h.entryWithPlaceholder("postgres://c2desk@server/c2desk?sslmode=verify-full") != nil
	})
	test.Type(h.entryWithPlaceholder("postgres://c2desk@server/c2desk?sslmode=verify-full"), address)
	test.Type(h.passwordEntry(), "wrong")
	test.Tap(h.button("Copy and join"))
	h.eventually("the wrong password refused", func() bool { return h.shows(app.MsgOfficePassword) })
	h.capture("office-join-wrong-password")
	h.passwordEntry().SetText("Kl1uch-2026")
	test.Tap(h.button("Copy and join"))
	h.eventually("Who is working? in the office", func() bool {
		return h.shows("Who is working?") && h.shows("This computer's data was copied into the office database (")
	})
	if !h.ui.core.Joined() {
		t.Fatal("the window does not work in the office as a joined computer")
	}
	h.signInWithPIN("Ольга Смирнова", "1111")
	h.tab("Settings")
	h.eventually("the office's state", func() bool {
		return h.shows("Leave the office database") && h.shows("This computer polls Chat2Desk for the office.") && h.button("Add a computer…") != nil
	})
	h.capture("office-database-card-joined")
	if h.button("Export settings…") != nil || h.button("Import settings…") != nil {
		t.Fatal("Export and Import settings are offered in an office, which shares its settings already")
	}

	// Add a computer: the invitation to copy.
	test.Tap(h.button("Add a computer…"))
	h.eventually("the name field", func() bool { return h.entryWithPlaceholder("For example: Reception") != nil })
	test.Type(h.entryWithPlaceholder("For example: Reception"), "Ресепшн")
	test.Tap(h.button("Make the invitation"))
	h.eventually("the invitation", func() bool {
		e := h.multiLineEntry()
		return e != nil && strings.HasPrefix(e.Text, "c2desk-invite:")
	})
	h.capture("office-add-computer")
	code := h.multiLineEntry().Text
	test.Tap(h.button("Copy"))
	if h.ui.fyneApp.Clipboard().Content() != code {
		t.Fatal("Copy did not copy the invitation")
	}
	test.Tap(h.lastButton("Close"))

	// Back on the file, the window joins with the invitation, as the
	// reception's computer would.
	test.Tap(h.button("Leave the office database"))
	h.eventually("the confirmation", func() bool { return h.shows("Leave the office database?") })
	test.Tap(h.lastButton("Yes"))
	h.eventually("back on the file", func() bool { return h.shows("This computer works in its own file again.") })
	h.signInWithPIN("Ольга Смирнова", "1111")
	h.tab("Settings")
	h.eventually("Join an office…", func() bool { return h.button("Join an office…") != nil })
	test.Tap(h.button("Join an office…"))
	h.eventually("the invitation field", func() bool { return h.multiLineEntry() != nil })
	h.multiLineEntry().SetText("c2desk-invite:not-one")
	test.Tap(h.button("Join"))
	h.eventually("a mistyped code refused", func() bool { return h.shows(app.MsgInvitationFormat) })
	h.multiLineEntry().SetText(code)
	h.capture("office-join")
	test.Tap(h.button("Join"))
	h.eventually("Who is working? on the joined computer", func() bool {
		return h.shows("Who is working?") && h.shows("This computer now works in the office database.")
	})
	h.signInWithPIN("Ivan Petrov", "0000")
	h.eventually("the wrong PIN said", func() bool { return h.shows(app.MsgWrongPIN) })
	h.capture("office-sign-in-wrong-pin")
	h.signInWithPIN("Ivan Petrov", "2222")
	h.eventually("Ivan's chats", func() bool { return h.ui.chats != nil })

	// The administrator removes the computer: nobody signs in there now.
	h.ui.switchProfile()
	h.signInWithPIN("Ольга Смирнова", "1111")
	h.tab("Settings")
	h.eventually("Remove a computer…", func() bool { return h.button("Remove a computer…") != nil })
	test.Tap(h.button("Remove a computer…"))
	h.eventually("the computers", func() bool { return h.shows("Ресепшн (this computer)") && h.shows("Last used") })
	h.capture("office-remove-computer")
	var remove *widget.Button
	for _, o := range h.objects() {
		if b, ok := o.(*widget.Button); ok && b.Text == "Remove" {
			remove = b // the last listed: Ресепшн, invited after the first
		}
	}
	test.Tap(remove)
	h.eventually("the confirmation", func() bool { return h.shows("Remove Ресепшн?") && h.shows("This is the computer you are using") })
	test.Tap(h.lastButton("Yes"))
	h.eventually("the computer no longer known", func() bool {
		return h.shows(app.MsgComputerRemoved) && h.button("Join an office…") != nil && h.button("Leave the office database") != nil
	})
	h.capture("office-computer-removed")
	test.Tap(h.button("Leave the office database"))
	h.eventually("back on the file", func() bool { return h.shows("This computer works in its own file again.") })
}

// The office database goes down: the chats show it in a banner, the
// composer keeps what could not be queued, and the banner goes when the
// server is back.
func TestOfficeDatabaseDownBanner(t *testing.T) {
	server := pgtest.UseOwn(t)
	h := officeWindow(t, office(t, ""))
	h.signIn()
	h.openChat(9001)
	if err := server.Pause(); err != nil {
		t.Fatal(err)
	}
	banner := func() bool {
		return h.ui.chats.banner.Visible() && strings.HasPrefix(h.ui.chats.bannerText.Text, app.MsgOfficeDown)
	}
	h.eventually("the banner", banner)
	test.Type(h.composer(), "Перезвоню через час")
	test.Tap(h.button("Send"))
	h.eventually("the refusal, with the text kept", func() bool {
		return h.composer().Text == "Перезвоню через час" && h.shows(app.MsgOfficeDown)
	})
	h.capture("office-database-down")
	if err := server.Resume(); err != nil {
		t.Fatal(err)
	}
	h.eventually("the banner gone", func() bool { return !banner() })
}

// Staff added on PC A appear in PC B's Staff tab, which is open.
func TestOfficeStaffAddedOnAShowOnB(t *testing.T) {
	h := officeWindow(t, office(t, ""))
	h.signIn() // Ольга
	h.tab("Staff")
	h.eventually("the staff list", func() bool { return h.shows("Ivan Petrov") })
	a := otherPC(t, h)
	olga, err := a.SignIn(context.Background(), staffNamed(t, a, "Ольга Смирнова").ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := olga.AddStaff(context.Background(), app.StaffInput{Name: "Анна Белова", Role: storage.RoleAgent}); err != nil {
		t.Fatal(err)
	}
	h.eventually("Анна on PC B", func() bool { return h.shows("Анна Белова") })
}

// A PC that joined the office has no token in its keyring: the account is
// the office's, so it shows the chats and the account rather than the
// connect screen, and says which PC calls Chat2Desk.
func TestOfficePCWithoutTheTokenShowsTheOffice(t *testing.T) {
	h := officeWindow(t, func(core *app.App) {
		office(t, "")(core)
		if _, err := core.Poll(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		if err := core.StepDown(context.Background()); err != nil {
			t.Fatal(err)
		}
		keyring.MockInit() // this PC's keyring, empty: another PC connected the account and polled
	})
	h.signIn() // Ольга, an administrator
	h.eventually("the chats", func() bool { return h.ui.chats != nil && len(h.ui.chats.chats) > 0 })
	if h.button("Add integration") != nil {
		t.Fatal("the connect screen on a PC of a connected office")
	}
	h.tab("Settings")
	h.eventually("the account and where the token is", func() bool {
		return h.shows(c2dfake.DemoCompany) && h.shows(app.MsgTokenElsewhere)
	})
	if !h.button("Check again").Disabled() || !h.button("Load channels and operators from Chat2Desk").Disabled() {
		t.Fatal("Chat2Desk's buttons work on a PC that cannot call it")
	}
	if b := h.button("Disconnect"); b != nil && b.Visible() {
		t.Fatal("a PC without the token offers to disconnect the office's account")
	}
	h.capture("office-pc-without-token")
}

// The Office card says plainly when the office's chats cross the network
// readable, in both languages.
func TestOfficeCardSaysWhenTheNetworkCanReadTheChats(t *testing.T) {
	st := app.OfficeState{Office: true, Address: "postgres://c2desk@db.office.lan/c2desk?sslmode=disable", Poller: "server"}
	if line := officeStateLine(st); strings.Contains(line, "can read") {
		t.Fatalf("a checked connection is said to be readable: %s", line)
	}
	st.Readable = true
	if line := officeStateLine(st); !strings.Contains(line, "someone on the office's network can read the office's chats") {
		t.Fatalf("no warning: %s", line)
	}
	captureStateLine(t, st, "office-card-readable")
	inRussian(t, test.NewTempApp(t))
	if line := officeStateLine(st); !strings.Contains(line, "любой в сети офиса может прочитать чаты офиса") {
		t.Fatalf("no warning in Russian: %s", line)
	}
	captureStateLine(t, st, "office-card-readable-ru")
}

// captureStateLine shows the Office card's state line as the card does
// (in the warning colour when readable), for a person to look at: a test
// reaches no server off this machine, whose address alone makes it so.
func captureStateLine(t *testing.T, st app.OfficeState, name string) {
	dir := os.Getenv("C2DESK_CAPTURE_DIR")
	if dir == "" {
		return
	}
	state := paragraph("", widget.MediumImportance)
	say(state, officeStateLine(st), widget.WarningImportance)
	w := test.NewTempWindow(t, container.NewVBox(widget.NewLabelWithStyle(lang.L("Office database"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), state))
	w.Resize(fyne.NewSize(760, 220))
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	png.Encode(f, w.Canvas().Capture())
}

// The office's new screens in Russian, for a person to look at: the
// invitation, the computers, joining, and a wrong PIN on a joined
// computer.
func TestOfficeScreensInRussian(t *testing.T) {
	t.Setenv(pgtest.EngineEnv, "")
	h := startInRussian(t, func(core *app.App) {
		office(t, "")(core)
		for name, pin := range map[string]string{"Ольга Смирнова": "1111", "Ivan Petrov": "2222"} {
			st := staffNamed(t, core, name)
			if _, err := core.Console().UpdateStaff(context.Background(), st.ID, app.StaffInput{Name: st.Name, Role: st.Role, PIN: &pin}); err != nil {
				t.Fatal(err)
			}
		}
	})
	cluster := pgtest.Shared(t)
	address := passwordRole(t, cluster, pgtest.Database(t), "ru_office", "Kl1uch-2026")
	if err := cluster.Exec(`ALTER ROLE ru_office CREATEROLE`); err != nil {
		t.Fatal(err)
	}
	d := &pgDatabases{t: t, local: h.core, from: h.store, secrets: &lockedKeyring{},
		cfg: app.Config{APIURL: h.core.APIURL(), RequestsPerSecond: -1, Logger: slog.New(slog.DiscardHandler), PINHashCost: bcrypt.MinCost, DataDir: t.TempDir(), LocalServers: []string{"127.0.0.1"}, LinksStayLocal: true}}
	h.ui.opts.Databases = d
	// The file's own "Who is working?" first, so that it cannot replace
	// the office's.
	h.eventually("the file's sign-in", func() bool { return len(h.ui.signInPeople) > 0 })
	_, core, err := d.MoveIn(context.Background(), address, "Kl1uch-2026")
	if err != nil {
		t.Fatal(err)
	}
	fyne.Do(func() { h.ui.switchCore(core, "", false) })
	h.eventually("the office's sign-in", func() bool { return h.ui.core == core && len(h.ui.signInPeople) > 0 })
	h.signInWithPINAs("Продолжить", "Ivan Petrov", "0000")
	h.eventually("a wrong PIN", func() bool { return h.shows(translate(app.MsgWrongPIN, nil)) })
	h.capture("office-sign-in-wrong-pin-ru")
	h.signInWithPINAs("Продолжить", "Ольга Смирнова", "1111")
	h.tab("Настройки")
	h.eventually("Добавить компьютер…", func() bool { return h.button("Добавить компьютер…") != nil })
	h.capture("office-database-card-joined-ru")
	test.Tap(h.button("Добавить компьютер…"))
	h.eventually("the name field", func() bool { return h.entryWithPlaceholder("Например: Ресепшн") != nil })
	test.Type(h.entryWithPlaceholder("Например: Ресепшн"), "Ресепшн")
	test.Tap(h.button("Создать приглашение"))
	h.eventually("the invitation", func() bool { e := h.multiLineEntry(); return e != nil && e.Text != "" })
	h.capture("office-add-computer-ru")
	test.Tap(h.lastButton("Закрыть"))
	test.Tap(h.button("Удалить компьютер…"))
	h.eventually("the computers", func() bool { return h.shows("Компьютеры офиса") && h.button("Удалить") != nil })
	h.capture("office-remove-computer-ru")
	h.ui.closeDialogs()
	h.ui.showJoinOffice()
	h.eventually("the join dialog", func() bool { return h.shows("Подключиться к офису") && h.multiLineEntry() != nil })
	h.capture("office-join-ru")
	// The light theme, which Windows users get.
	fyne.Do(func() { h.ui.fyneApp.Settings().SetTheme(lightTheme{newAppTheme()}) })
	h.capture("office-join-ru-light")
	h.ui.closeDialogs()
	test.Tap(h.button("Удалить компьютер…"))
	h.eventually("the computers", func() bool { return h.shows("Компьютеры офиса") && h.button("Удалить") != nil })
	h.capture("office-remove-computer-ru-light")
}

// lightTheme is Fyne's theme in its light variant whatever the system's.
type lightTheme struct{ fyne.Theme }

func (l lightTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return l.Theme.Color(n, theme.VariantLight)
}

// The Office card says how Chat2Desk's webhooks stand.
func TestOfficeCardSaysHowTheWebhooksStand(t *testing.T) {
	test.NewTempApp(t)
	now := time.Date(2026, 12, 7, 14, 0, 0, 0, time.Local)
	live := app.WebhookStatus{Address: "https://c2desk.agency.ru", Trusted: true, Checked: now.Add(-time.Minute)}
	for _, tc := range []struct {
		name string
		st   app.OfficeState
		want string
	}{
		{"never", app.OfficeState{Now: now}, ""},
		{"live", app.OfficeState{Now: now, HasWebhooks: true, Webhooks: live}, "reach the office server at https://c2desk.agency.ru"},
		{"silent", app.OfficeState{Now: now.Add(time.Hour), HasWebhooks: true, Webhooks: live}, "has said nothing since 13:59"},
		{"stopped", app.OfficeState{Now: now, HasWebhooks: true, Webhooks: app.WebhookStatus{Checked: now}}, "no longer receives"},
		{"missed", app.OfficeState{Now: now, HasWebhooks: true, Webhooks: app.WebhookStatus{Address: live.Address, Checked: now, Problem: app.MsgWebhookMissed, ProblemAt: now}},
			app.MsgWebhookMissed},
	} {
		got := webhookLine(tc.st)
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q", tc.name, got)
		}
	}
}
