package ui

import (
	"context"
	"image/png"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"c2desk/app"
	"c2desk/c2dapi/c2dfake"
	"c2desk/internal/testdb"
	"c2desk/storage"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/zalando/go-keyring"
	"golang.org/x/crypto/bcrypt"
)

type harness struct {
	ui    *UI
	t     testing.TB
	queue chan func()
	fake  *c2dfake.Server
	core  *app.App
	win   fyne.Window
	notes []fyne.Notification // desktop notifications shown, in order
	store *storage.Store      // the database the window started on
	// api is the fake Chat2Desk's address, without /v1.
	api string
	// opened is what the window asked the system to open, in order.
	opened []*url.URL
	// autostart is the folder the app's autostart entry goes to.
	autostart string
}

// start builds the real UI on the test driver, against a fake Chat2Desk and
// the mock keyring. prepare runs against the app first (create staff,
// connect); then the UI starts as on a real launch.
func start(t *testing.T, demo bool, prepare func(core *app.App)) *harness {
	t.Helper()
	return startWith(t, test.NewTempApp(t), demo, prepare)
}

// startWith is start on a given Fyne app, such as one with a tray.
func startWith(t *testing.T, fa fyne.App, demo bool, prepare func(core *app.App), seed ...c2dfake.Option) *harness {
	t.Helper()
	keyring.MockInit()
	fake := c2dfake.New(seed...)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	store := testdb.Open(t, dir)
	core := app.New(store, &lockedKeyring{}, app.Config{
		DataDir: dir,
		APIURL:  srv.URL + "/v1", RequestsPerSecond: -1,
		HTTPClient:     &http.Client{Timeout: 3 * time.Second},
		LocalServers:   []string{"127.0.0.1"}, // the tests' stand-ins for public file servers
		LinksStayLocal: true,
		Autostart:      app.XDGAutostart{Dir: filepath.Join(dir, "autostart"), Exe: "/opt/c2desk/c2desk"},
		Logger:         slog.New(slog.DiscardHandler),
		PINHashCost:    bcrypt.MinCost,
		Version:        "9.8.7", Build: "65",
	})
	if prepare != nil {
		prepare(core)
	}
	h := startOnApp(t, fa, core, fake, demo)
	h.store, h.api, h.autostart = store, srv.URL, filepath.Join(dir, "autostart")
	return h
}

// lockedKeyring is the keyring with go-keyring's mock behind a lock: the
// mock is a bare map, and the poller reads the token while a new one is
// being connected. The OS keyrings it stands for are safe to share.
type lockedKeyring struct {
	mu sync.Mutex
	app.Keyring
}

func (k *lockedKeyring) Get(account string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.Keyring.Get(account)
}

func (k *lockedKeyring) Set(account, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.Keyring.Set(account, secret)
}

func (k *lockedKeyring) Delete(account string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.Keyring.Delete(account)
}

// startOn builds the UI on the test driver over an app already set up.
func startOn(t testing.TB, core *app.App, fake *c2dfake.Server, demo bool) *harness {
	t.Helper()
	return startOnApp(t, test.NewTempApp(t), core, fake, demo)
}

// startOnApp is startOn with a given Fyne app, such as one with a tray.
func startOnApp(t testing.TB, fa fyne.App, core *app.App, fake *c2dfake.Server, demo bool) *harness {
	t.Helper()
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1024, 768))
	h := &harness{t: t, fake: fake, core: core, win: w, queue: make(chan func(), 256)}
	h.ui = Create(fa, w, core, h.options(demo))
	t.Cleanup(func() {
		// Wait for the poller, so that it is not writing the database while
		// the test's folder is removed.
		p := h.ui.poller
		h.ui.Stop()
		if p != nil {
			select {
			case <-p.Done():
			case <-time.After(10 * time.Second):
				t.Error("the poller did not stop")
			}
		}
		// And for the window's background work: the next test's keyring
		// mock must not be replaced under a read still running.
		idle := make(chan struct{})
		go func() { h.ui.working.Wait(); close(idle) }()
		select {
		case <-idle:
		case <-time.After(10 * time.Second):
			t.Error("the window's background work did not end")
		}
	})
	return h
}

// adminOnly creates the first administrator, Ольга, without a PIN.
func adminOnly(t *testing.T) func(*app.App) {
	return func(core *app.App) {
		if _, err := core.CreateFirstAdmin(context.Background(), "Ольга Смирнова", ""); err != nil {
			t.Fatal(err)
		}
	}
}

// connectedAdmin also connects the account.
func connectedAdmin(t *testing.T, load bool) func(*app.App) {
	return func(core *app.App) {
		s, err := core.CreateFirstAdmin(context.Background(), "Ольга Смирнова", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Connect(context.Background(), c2dfake.DemoToken); err != nil {
			t.Fatal(err)
		}
		if load {
			if _, err := s.Sync(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// options routes the UI's fyne.Do calls to a queue this test goroutine
// drains, so widgets are only touched from here.
func (h *harness) options(demo bool) Options {
	return Options{Demo: demo, post: func(f func()) { h.queue <- f },
		notify:  func(n *fyne.Notification) { h.notes = append(h.notes, *n) },
		openURL: func(u *url.URL) error { h.opened = append(h.opened, u); return nil }}
}

// signIn continues on the sign-in screen with the preselected person.
func (h *harness) signIn() {
	h.t.Helper()
	h.eventually("the sign-in screen", func() bool { b := h.button("Continue"); return b != nil && !b.Disabled() })
	test.Tap(h.button("Continue"))
}

// tab selects a tab of the main view by its title.
func (h *harness) tab(title string) {
	h.t.Helper()
	h.eventually("the "+title+" tab", func() bool { return h.tabs() != nil })
	for _, it := range h.tabs().Items {
		if it.Text == title {
			h.tabs().Select(it)
			return
		}
	}
	h.t.Fatalf("no tab %q", title)
}

func (h *harness) tabs() *container.AppTabs {
	for _, o := range h.objects() {
		if t, ok := o.(*container.AppTabs); ok {
			return t
		}
	}
	return nil
}

func (h *harness) tabTitles() []string {
	var out []string
	if t := h.tabs(); t != nil {
		for _, it := range t.Items {
			out = append(out, it.Text)
		}
	}
	return out
}

// objects lists everything on the window and its overlays, through the
// widgets' cached renderers.
func (h *harness) objects() []fyne.CanvasObject {
	var out []fyne.CanvasObject
	seen := map[fyne.CanvasObject]bool{}
	walk := func(o fyne.CanvasObject) {
		walkTree(o, func(o fyne.CanvasObject) bool {
			if o == nil || !o.Visible() || seen[o] {
				return false
			}
			seen[o] = true
			out = append(out, o)
			return true
		})
	}
	walk(h.win.Content())
	if t, ok := h.win.Content().(*fyne.Container); ok {
		for _, o := range t.Objects {
			if tabs, ok := o.(*container.AppTabs); ok && tabs.Selected() != nil {
				walk(tabs.Selected().Content)
			}
		}
	}
	for _, ov := range h.win.Canvas().Overlays().List() {
		walk(ov)
	}
	return out
}

// walkTree visits o and, while visit says so, what it holds: a widget's
// drawn parts, a container's objects.
func walkTree(o fyne.CanvasObject, visit func(fyne.CanvasObject) bool) {
	if !visit(o) {
		return
	}
	switch c := o.(type) {
	case fyne.Widget:
		for _, child := range test.WidgetRenderer(c).Objects() {
			walkTree(child, visit)
		}
	case *fyne.Container:
		for _, child := range c.Objects {
			walkTree(child, visit)
		}
	}
}

// eventually waits for cond, which UI goroutines make true through fyne.Do.
// The deadline only bounds a broken test; it asserts nothing about speed.
func (h *harness) eventually(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("never saw %s; screen shows: %q", what, h.texts())
		}
		select {
		case f := <-h.queue:
			f()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func (h *harness) texts() []string {
	var out []string
	for _, o := range h.objects() {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.Button:
			out = append(out, "["+w.Text+"]")
		case *widget.Select:
			out = append(out, "<"+w.Selected+">")
		case *escSelect:
			out = append(out, "<"+w.Selected+">")
		}
	}
	return out
}

func (h *harness) shows(text string) bool {
	for _, s := range h.texts() {
		if strings.Contains(s, text) {
			return true
		}
	}
	return false
}

func (h *harness) button(text string) *widget.Button {
	for _, o := range h.objects() {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	return nil
}

// lastButton is the last button with this text: in a dialog, which sits
// on top of the window's own buttons.
func (h *harness) lastButton(text string) *widget.Button {
	var last *widget.Button
	for _, o := range h.objects() {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			last = b
		}
	}
	return last
}

// entryOf is the text field o is, whether plain or one of a dialog's.
func entryOf(o fyne.CanvasObject) *widget.Entry {
	switch e := o.(type) {
	case *widget.Entry:
		return e
	case *escEntry:
		return &e.Entry
	}
	return nil
}

func (h *harness) tokenEntry() *widget.Entry {
	for _, o := range h.objects() {
		if e := entryOf(o); e != nil && e.Password {
			return e
		}
	}
	h.t.Fatalf("no token field; screen shows %q", h.texts())
	return nil
}

// capture saves what the window shows when C2DESK_CAPTURE_DIR is set, so a
// person can look at the screens without a display.
func (h *harness) capture(name string) {
	dir := os.Getenv("C2DESK_CAPTURE_DIR")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		h.t.Fatal(err)
	}
	defer f.Close()
	// Laid out again as a real window does after widgets were shown or
	// hidden: the test canvas only lays out on a resize.
	size := h.win.Canvas().Size()
	h.win.Resize(size.AddWidthHeight(1, 1))
	h.win.Resize(size)
	png.Encode(f, h.win.Canvas().Capture())
}

func TestFirstStartCreatesTheAdmin(t *testing.T) {
	h := start(t, false, nil)
	h.eventually("the welcome screen", func() bool { return h.shows("Welcome to C2Desk") })
	h.capture("first-admin")
	test.Tap(h.button("Create administrator"))
	h.eventually("the empty-name sentence", func() bool { return h.shows(app.MsgNameEmpty) })
	var name *widget.Entry
	for _, o := range h.objects() {
		if e := entryOf(o); e != nil && !e.Password {
			name = e
		}
	}
	test.Type(name, "Ольга Смирнова")
	test.Tap(h.button("Create administrator"))
	h.eventually("the connect screen", func() bool { return h.button("Add integration") != nil })
	if !h.shows("Ольга Смирнова") {
		t.Fatalf("no profile bar: %q", h.texts())
	}
}

func TestConnectScreen(t *testing.T) {
	h := start(t, false, adminOnly(t))
	h.signIn()
	h.eventually("the connect screen", func() bool { return h.button("Add integration") != nil })
	if !h.shows("Connect Chat2Desk") {
		t.Fatalf("no heading: %q", h.texts())
	}
	h.capture("connect")

	// Nothing typed: a sentence, nothing sent.
	test.Tap(h.button("Add integration"))
	h.eventually("the empty-token sentence", func() bool { return h.shows(app.MsgEmptyToken) })

	// A wrong token: Chat2Desk refuses, the sentence says where to get one.
	test.Type(h.tokenEntry(), "wrong-token-123")
	test.Tap(h.button("Add integration"))
	h.eventually("the wrong-token sentence", func() bool { return h.shows(app.MsgAuth) })
	h.capture("connect-wrong-token")

	// The right token: the company name and the request count appear.
	h.fake.SetRequestsThisMonth(1233)
	e := h.tokenEntry()
	e.SetText("")
	test.Type(e, c2dfake.DemoToken)
	test.Tap(h.button("Add integration"))
	h.eventually("the company name", func() bool { return h.shows(c2dfake.DemoCompany) })
	if !h.shows("Connected to "+c2dfake.DemoCompany) || !h.shows("1,234") {
		t.Fatalf("connected view lacks notice or request count: %q", h.texts())
	}
	h.capture("connected")
}

func TestConnectButtonCannotBePressedTwice(t *testing.T) {
	h := start(t, false, adminOnly(t))
	h.signIn()
	h.eventually("the connect screen", func() bool { return h.button("Add integration") != nil })
	h.fake.Inject(c2dfake.Fault{Delay: 300 * time.Millisecond, Times: 1})
	test.Type(h.tokenEntry(), c2dfake.DemoToken)
	before := h.fake.RequestsTo("GET /companies/api_info")
	test.Tap(h.button("Add integration"))
	busy := h.button("Checking the token…")
	if busy == nil || !busy.Disabled() || !h.tokenEntry().Disabled() {
		t.Fatalf("no progress while checking: %q", h.texts())
	}
	test.Tap(busy) // disabled: ignored
	h.tokenEntry().OnSubmitted("")
	h.eventually("the company name", func() bool { return h.shows(c2dfake.DemoCompany) })
	if n := h.fake.RequestsTo("GET /companies/api_info") - before; n != 1 {
		t.Fatalf("token checked %d times", n)
	}
}

func TestNetworkFailureSentence(t *testing.T) {
	h := start(t, false, adminOnly(t))
	h.signIn()
	h.eventually("the connect screen", func() bool { return h.button("Add integration") != nil })
	h.fake.Inject(c2dfake.FaultQuota)
	test.Type(h.tokenEntry(), c2dfake.DemoToken)
	test.Tap(h.button("Add integration"))
	h.eventually("the quota sentence", func() bool { return h.shows(app.MsgQuota) })
	if h.button("Add integration").Disabled() {
		t.Fatal("button stays disabled after a failure")
	}
}

func TestSettingsLoadReplaceAndDisconnect(t *testing.T) {
	h := start(t, false, connectedAdmin(t, false))
	h.signIn()
	h.tab("Settings")
	h.eventually("the settings", func() bool { return h.shows(c2dfake.DemoCompany) })
	if !h.shows("Nothing loaded yet") {
		t.Fatalf("counts: %q", h.texts())
	}
	test.Tap(h.button("Load channels and operators from Chat2Desk"))
	h.eventually("the counts", func() bool { return h.shows("Loaded channels: 3, operators: 4.") })
	if !h.shows("Channels: 3 new, 0 changed, 0 gone") {
		t.Fatalf("summary: %q", h.texts())
	}
	h.capture("settings-loaded")
	// The tabs that show them have them too, without their own Load.
	h.tab("Channels")
	h.eventually("the channels loaded from Settings", func() bool { return h.shows("• Новостройки") })
	h.tab("Operators")
	h.eventually("the operators loaded from Settings", func() bool { return h.table() != nil && h.table().Length != nil && rows(h.table()) == 4 })
	h.tab("Settings")

	// A failure while loading is a sentence, and the counts stay.
	h.fake.Inject(c2dfake.FaultServer)
	test.Tap(h.button("Load channels and operators from Chat2Desk"))
	h.eventually("the server sentence", func() bool { return h.shows(app.MsgServer) })
	h.fake.ClearFaults()

	// Replace token, then change one's mind.
	test.Tap(h.button("Replace token"))
	h.eventually("the replace screen", func() bool { return h.shows("Replace the Chat2Desk token") })
	test.Tap(h.button("Cancel"))
	h.tab("Settings")
	h.eventually("the settings again", func() bool { return h.button("Disconnect") != nil })

	// Disconnect asks first; cancelling keeps the connection.
	test.Tap(h.button("Disconnect"))
	h.eventually("the confirmation", func() bool { return len(h.win.Canvas().Overlays().List()) > 0 })
	h.capture("disconnect-confirm")
	test.Tap(h.button("Cancel"))
	if st, _ := h.core.Status(context.Background()); !st.Connected {
		t.Fatal("cancel disconnected")
	}
	test.Tap(h.button("Disconnect"))
	h.eventually("the confirmation", func() bool { return len(h.win.Canvas().Overlays().List()) > 0 })
	test.Tap(h.lastButton("Disconnect"))
	h.eventually("the connect screen", func() bool { return h.button("Add integration") != nil })
	if st, _ := h.core.Status(context.Background()); st.Connected {
		t.Fatal("still connected")
	}
}

func TestDemoBanner(t *testing.T) {
	h := start(t, true, connectedAdmin(t, true))
	h.signIn()
	h.tab("Settings")
	h.eventually("the demo banner", func() bool { return h.shows("Demo: C2Desk is connected") })
	if h.win.Title() != "C2Desk — demo — Ольга Смирнова" {
		t.Fatalf("title %q", h.win.Title())
	}
}

func TestKeyringProblemAfterSignIn(t *testing.T) {
	h := start(t, false, adminOnly(t))
	keyring.MockInitWithError(os.ErrPermission)
	h.signIn()
	h.eventually("the keyring sentence", func() bool { return h.shows(app.MsgKeyring) })
	keyring.MockInit()
	test.Tap(h.button("Try again"))
	h.eventually("the connect screen", func() bool { return h.button("Add integration") != nil })
}

func TestSignInWithPINAndSwitchProfile(t *testing.T) {
	h := start(t, false, func(core *app.App) {
		connectedAdmin(t, true)(core)
		s, _ := core.SignIn(context.Background(), core.LastStaffID(context.Background()), "")
		marina, err := s.AddStaff(context.Background(), app.StaffInput{Name: "Марина", Role: storage.RoleAgent, PIN: ptr("2468")})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SaveMapping(context.Background(), storage.Mapping{Owners: map[int64]int64{}, Default: 8}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetChannelRule(context.Background(), storage.ChannelRule{ChannelID: 102, Visibility: storage.VisibleToListed, Staff: []int64{marina.ID}}); err != nil {
			t.Fatal(err)
		}
	})
	h.signIn() // Ольга, the last one signed in
	h.eventually("the admin tabs", func() bool { return len(h.tabTitles()) == 6 })
	test.Tap(h.button("Switch profile"))
	h.eventually("the sign-in screen", func() bool { return h.shows("Who is working?") })

	// Choose Марина: the PIN is asked.
	var list *widget.List
	for _, o := range h.objects() {
		if l, ok := o.(*widget.List); ok {
			list = l
		}
	}
	staff, _ := h.core.StaffList(context.Background())
	for i, st := range staff {
		if st.Name == "Марина" {
			list.Select(i)
		}
	}
	h.capture("sign-in")
	test.Type(h.tokenEntry(), "1111")
	test.Tap(h.button("Continue"))
	h.eventually("the wrong-PIN sentence", func() bool { return h.shows(app.MsgWrongPIN) })
	test.Type(h.tokenEntry(), "2468")
	test.Tap(h.button("Continue"))
	h.eventually("the agent's view", func() bool { return h.tabs() != nil })
	if got := h.tabTitles(); len(got) != 2 || got[0] != "Chats" || got[1] != "My account" {
		t.Fatalf("an agent sees tabs %q", got)
	}
	h.tab("My account")
	h.eventually("the agent's reach", func() bool { return h.shows("through the agency's default account, Офис Общий") })
	if !h.shows("Вторичка / Resale") || h.shows("Аренда") {
		t.Fatalf("channels: %q", h.texts())
	}
	h.capture("agent")
}

func ptr(s string) *string { return &s }
