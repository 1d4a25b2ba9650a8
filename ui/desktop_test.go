package ui

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"c2desk/app"
	"c2desk/c2dapi/c2dfake"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// trayApp is the test app with a system tray, as the desktop driver has.
type trayApp struct {
	fyne.App
	menu   *fyne.Menu
	builds int // menus set: each gives the items new identities
	icon   fyne.Resource
	quits  int
}

func (a *trayApp) SetSystemTrayMenu(m *fyne.Menu)    { a.menu = m; a.builds++ }
func (a *trayApp) SetSystemTrayIcon(r fyne.Resource) { a.icon = r }
func (a *trayApp) SetSystemTrayWindow(w fyne.Window) {}
func (a *trayApp) Quit()                             { a.quits++ }
func (a *trayApp) item(label string) *fyne.MenuItem  { return findItem(a.menu, label) }
func newTrayApp(t *testing.T) *trayApp               { return &trayApp{App: test.NewTempApp(t)} }
func menuLabels(m *fyne.Menu) (l []string) {
	for _, it := range m.Items {
		l = append(l, it.Label)
	}
	return l
}

func findItem(m *fyne.Menu, label string) *fyne.MenuItem {
	if m == nil {
		return nil
	}
	for _, it := range m.Items {
		if it.Label == label {
			return it
		}
	}
	return nil
}

// inRussian loads the catalogs and speaks Russian for one test.
func inRussian(t *testing.T, fa fyne.App) {
	t.Helper()
	if err := SetUpLanguage(fa); err != nil {
		t.Fatal(err)
	}
	useLanguage(languageRussian)
	t.Cleanup(func() { useLanguage(languageEnglish) })
}

// startInRussian starts the window in Russian.
func startInRussian(t *testing.T, prepare func(*app.App)) *harness {
	t.Helper()
	fa := test.NewTempApp(t)
	inRussian(t, fa)
	return startWith(t, fa, false, prepare)
}

// signInRussian continues as the person "Кто работает?" offers.
func (h *harness) signInRussian() {
	h.t.Helper()
	h.eventually("Кто работает?", func() bool { b := h.button("Продолжить"); return b != nil && !b.Disabled() })
	test.Tap(h.button("Продолжить"))
}

func TestLanguageSwitchRebuildsTheWindow(t *testing.T) {
	fa := test.NewTempApp(t)
	h := startWith(t, fa, false, connectedAdmin(t, true))
	if err := SetUpLanguage(fa); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { useLanguage(languageEnglish) })
	h.signIn()
	h.tab("Settings")
	languageSelect := func() *widget.Select {
		for _, o := range h.objects() {
			if s, ok := o.(*widget.Select); ok && len(s.Options) == 3 && s.Options[1] == "Русский" {
				return s
			}
		}
		t.Fatalf("no language choice: %q", h.texts())
		return nil
	}
	languageSelect().SetSelected("Русский")
	h.eventually("the Russian window", func() bool {
		return strings.Join(h.tabTitles(), " ") == "Чаты Каналы Операторы Сотрудники Отчёты Настройки"
	})
	if h.tabs().SelectedIndex() != 5 || !h.shows("<Русский>") || h.button("Сменить профиль") == nil {
		t.Fatalf("not back on Settings in Russian: %q", h.texts())
	}
	if got := h.win.MainMenu().Items[0].Label; got != "Файл" {
		t.Fatalf("menu: %q", got)
	}
	if fa.Preferences().String(prefLanguage) != languageRussian {
		t.Fatal("the choice was not kept")
	}
	scroll, ok := h.tabs().Selected().Content.(*container.Scroll)
	if !ok || scroll.Offset.Y == 0 {
		t.Fatal("Settings should open where the language was chosen, at its end")
	}
	h.capture("settings-ru")

	// The choice outlives the window: a new start speaks Russian although
	// the system (LANG=C here) does not.
	useLanguage(languageEnglish)
	if err := SetUpLanguage(fa); err != nil {
		t.Fatal(err)
	}
	if got := roleText("admin"); got == "administrator" {
		t.Fatalf("a restart forgot the language: %q", got)
	}

	languageSelect().SetSelected("English")
	h.eventually("the English window", func() bool {
		return strings.Join(h.tabTitles(), " ") == "Chats Channels Operators Staff Reports Settings"
	})
	languageSelect().SetSelected(languageSelect().Options[0])
	if fa.Preferences().String(prefLanguage) != languageSystem {
		t.Fatal("'same as the system' was not kept")
	}
}

func TestResolveLanguage(t *testing.T) {
	for _, c := range []struct{ choice, system, want string }{
		{"", "ru", "ru"}, {"", "ru-RU", "ru"}, {"", "en-US", "en"}, {"", "de", "en"}, {"", "", "en"},
		{"en", "ru", "en"}, {"ru", "en-GB", "ru"},
	} {
		if got := resolveLanguage(c.choice, c.system); got != c.want {
			t.Errorf("choice %q on a %q system: %q, want %q", c.choice, c.system, got, c.want)
		}
	}
}

func TestDatesAndNumbersFollowTheLanguageAndTimeZone(t *testing.T) {
	if os.Getenv("C2DESK_TZ_CHILD") != "1" {
		// The time zone is changed in a process of its own: goroutines
		// other tests leave behind read time.Local.
		cmd := exec.Command(os.Args[0], "-test.run=^TestDatesAndNumbersFollowTheLanguageAndTimeZone$")
		cmd.Env = append(os.Environ(), "C2DESK_TZ_CHILD=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return
	}
	time.Local = time.FixedZone("Asia/Yekaterinburg", 5*3600)
	inRussian(t, test.NewTempApp(t))
	at := time.Date(2026, 3, 8, 7, 5, 0, 0, time.UTC) // 12:05 in Yekaterinburg
	now := at.Add(2 * time.Hour)

	if got := formatDateTime(at); got != "08.03.2026 12:05" {
		t.Errorf("ru date and time: %q", got)
	}
	if got := shortTime(at, now); got != "12:05" {
		t.Errorf("ru today: %q", got)
	}
	if got := shortTime(at, now.AddDate(0, 1, 0)); got != "08.03 12:05" {
		t.Errorf("ru this year: %q", got)
	}
	if got := formatCount(174000); got != "174\u00a0000" {
		t.Errorf("ru number: %q", got)
	}
	useLanguage(languageEnglish)
	if got := formatDateTime(at); got != "8 Mar 2026, 12:05" {
		t.Errorf("en date and time: %q", got)
	}
	if got := shortTime(at, now.AddDate(1, 0, 0)); got != "8 Mar 2026" {
		t.Errorf("en last year: %q", got)
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -45000: "-45,000"} {
		if got := formatCount(n); got != want {
			t.Errorf("en %d: %q", n, got)
		}
	}
}

func TestTrayShowsUnreadAndItsMenuWorks(t *testing.T) {
	fa := newTrayApp(t)
	h := startWith(t, fa, false, office(t, "Ivan Petrov"))
	h.signIn()
	h.eventually("the chat list", func() bool { return h.ui.chats != nil && len(h.ui.chats.chats) > 0 })
	h.ui.setUnread(3)
	if fa.item("Unread chats: 3") == nil || fa.item("Open C2Desk") == nil || fa.item("Quit") == nil {
		t.Fatalf("tray menu: %q", menuLabels(fa.menu))
	}
	// The same count again (every poll says it) leaves the menu as it is:
	// a menu opened meanwhile stays clickable.
	builds := fa.builds
	h.ui.setUnread(3)
	h.ui.setUnread(3)
	if fa.builds != builds {
		t.Fatalf("the tray menu was built %d more times for the same count", fa.builds-builds)
	}
	img, err := png.Decode(bytes.NewReader(fa.icon.Content()))
	if err != nil {
		t.Fatalf("tray icon: %v", err)
	}
	// The badge is red in the top-right corner; the plain icon is not.
	if r, g, b, _ := img.At(trayIconSize-4, 18).RGBA(); r>>8 < 0xc0 || g>>8 > 0x60 || b>>8 > 0x60 {
		t.Fatalf("no red badge: %d %d %d", r>>8, g>>8, b>>8)
	}
	h.ui.setUnread(0)
	if fa.icon != Icon || fa.item("No unread chats") == nil {
		t.Fatalf("after reading: %q", menuLabels(fa.menu))
	}

	// Mute from the tray: the Settings tick follows, and no notification shows.
	fa.item("Mute notifications").Action()
	if !fa.item("Mute notifications").Checked || !h.ui.muted() {
		t.Fatal("mute did not stick")
	}
	h.fake.ClientWrites(5004, "Можно сегодня?")
	h.ui.poller.Wake()
	h.eventually("the new message in the list", func() bool { return h.ui.chats.chats[0].ID == 9004 })
	h.drain(300 * time.Millisecond)
	if len(h.notes) != 0 {
		t.Fatalf("muted, yet notified: %+v", h.notes)
	}
	fa.item("Mute notifications").Action()
	h.fake.ClientWrites(5004, "Вы здесь?")
	h.ui.poller.Wake()
	h.eventually("a notification once unmuted", func() bool { return len(h.notes) == 1 })

	fa.item("Quit").Action()
	if fa.quits != 1 {
		t.Fatal("Quit did not quit")
	}
}

func TestClosingTheWindowKeepsPollingInTheTrayWhenChosen(t *testing.T) {
	fa := newTrayApp(t)
	h := startWith(t, fa, false, office(t, "Ivan Petrov"))
	h.signIn()
	h.eventually("the chat list", func() bool { return h.ui.chats != nil && len(h.ui.chats.chats) > 0 })
	h.win.Resize(fyne.NewSize(900, 650))

	// Not chosen: closing quits, and the size is kept for the next start.
	h.ui.closeWindow()
	if fa.quits != 1 {
		t.Fatal("closing without the tray choice should quit")
	}
	if got := windowSize(fa.Preferences()); got != fyne.NewSize(900, 650) {
		t.Fatalf("size kept: %v", got)
	}

	h.tab("My account")
	for _, o := range h.objects() {
		if c, ok := o.(*widget.Check); ok && strings.HasPrefix(c.Text, "Keep C2Desk in the system tray") {
			test.Tap(c)
		}
	}
	if !fa.Preferences().Bool(prefKeepInTray) {
		t.Fatalf("the choice is not on My account: %q", h.texts())
	}
	h.ui.closeWindow()
	if fa.quits != 1 || h.ui.focused {
		t.Fatal("closing with the tray choice should hide, not quit")
	}
	if len(h.notes) != 1 || !strings.Contains(h.notes[0].Content, "system tray") {
		t.Fatalf("the first close explains the tray: %+v", h.notes)
	}
	// Polling goes on in the background, and new messages still notify.
	h.fake.ClientWrites(5004, "Можно сегодня?")
	h.ui.poller.Wake()
	h.eventually("a notification from the tray", func() bool { return len(h.notes) == 2 })
	h.ui.closeWindow()
	if len(h.notes) != 2 {
		t.Fatal("the tray hint shows only once")
	}
	fa.item("Open C2Desk").Action()
	if !h.ui.focused {
		t.Fatal("Open did not bring the window back")
	}
}

func TestSavedWindowSizeIsUsed(t *testing.T) {
	fa := test.NewTempApp(t)
	fa.Preferences().SetFloat(prefWidth, 1280)
	fa.Preferences().SetFloat(prefHeight, 800)
	h := startWith(t, fa, false, adminOnly(t))
	if got := h.win.Canvas().Size(); got != fyne.NewSize(1280, 800) {
		t.Fatalf("window: %v", got)
	}
	fa.Preferences().SetFloat(prefWidth, 20) // unusable: the default instead
	if got := windowSize(fa.Preferences()); got != DefaultWindowSize {
		t.Fatalf("tiny size: %v", got)
	}
}

func TestKeyboardShortcuts(t *testing.T) {
	h := start(t, false, connectedAdmin(t, true))
	if it := h.ui.menuItem(shortcutSearch); it == nil || !it.Disabled {
		t.Fatal("before sign-in, search should be greyed out")
	}
	h.signIn()
	h.eventually("the chat list", func() bool { return h.ui.chats != nil && len(h.ui.chats.chats) > 0 })
	h.tab("Staff")

	h.ui.menuItem(shortcutSearch).Action()
	if h.tabs().SelectedIndex() != 0 || h.win.Canvas().Focused() != h.ui.chats.search {
		t.Fatal("Ctrl+K should open the chats with the cursor in the search")
	}
	h.ui.menuItem(shortcutNextTab).Action()
	if h.tabs().SelectedIndex() != 1 {
		t.Fatal("Ctrl+Tab")
	}
	h.ui.menuItem(shortcutPrevTab).Action()
	h.ui.menuItem(shortcutPrevTab).Action()
	if h.tabs().SelectedIndex() != 5 {
		t.Fatal("Ctrl+Shift+Tab goes round to the last tab")
	}

	// Ctrl+N opens the new chat form; Esc closes it, from the window or
	// from its phone field.
	h.ui.menuItem(shortcutNewChat).Action()
	h.eventually("the new chat form", func() bool { return h.lastButton("Write") != nil })
	if h.tabs().SelectedIndex() != 0 {
		t.Fatal("Ctrl+N should show the chats")
	}
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if h.lastButton("Write") != nil {
		t.Fatal("Esc did not close the dialog")
	}
	h.ui.menuItem(shortcutNewChat).Action()
	h.eventually("the new chat form again", func() bool { return h.lastButton("Write") != nil })
	var phone *escEntry
	for _, o := range h.objects() {
		if e, ok := o.(*escEntry); ok {
			phone = e
			break
		}
	}
	test.Type(phone, "+7 905")
	phone.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if h.lastButton("Write") != nil {
		t.Fatal("Esc in a dialog's field did not close it")
	}

	// Help lists each shortcut the menu has.
	for _, it := range h.win.MainMenu().Items[2].Items {
		if it.Label == "Keyboard shortcuts" {
			it.Action()
		}
	}
	h.eventually("the shortcuts", func() bool { return h.shows("Find a chat by name, phone or text") })
	for _, s := range []fyne.Shortcut{shortcutSearch, shortcutNewChat, shortcutNextTab, shortcutPrevTab, shortcutQuit, shortcutProfiles} {
		if h.ui.menuItem(s) == nil {
			t.Errorf("no menu item for %s", s.ShortcutName())
		}
	}
	for _, keys := range []string{"Ctrl+K", "Ctrl+N", "Ctrl+Tab", "Ctrl+Shift+Tab", "Esc", "Shift+Enter"} {
		if !h.shows(keys) {
			t.Errorf("help lacks %s: %q", keys, h.texts())
		}
	}
	h.capture("shortcuts")
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if h.shows("Find a chat by name, phone or text") {
		t.Fatal("Esc did not close the help")
	}
}

func TestAboutShowsVersionFilesAndTheCrashReport(t *testing.T) {
	h := start(t, false, connectedAdmin(t, false))
	h.signIn()
	h.eventually("the main view", func() bool { return h.tabs() != nil })
	about := func() {
		for _, it := range h.win.MainMenu().Items[2].Items {
			if it.Label == "About C2Desk" {
				it.Action()
			}
		}
		h.eventually("the About box", func() bool { return h.shows("9.8.7") })
	}
	about()
	ab := h.core.About()
	for _, want := range []string{"65", ab.DataDir, ab.LogFile, "None: C2Desk has not crashed on this computer."} {
		if !h.shows(want) {
			t.Errorf("About lacks %q: %q", want, h.texts())
		}
	}
	h.capture("about")
	test.Tap(h.lastButton("Copy for support"))
	copied := h.ui.fyneApp.Clipboard().Content()
	if !strings.Contains(copied, "C2Desk 9.8.7 (build 65") || !strings.Contains(copied, ab.LogFile) || strings.Contains(copied, c2dfake.DemoToken) {
		t.Fatalf("copied: %q", copied)
	}
	test.Tap(h.lastButton("Close"))

	if err := os.WriteFile(filepath.Join(ab.DataDir, app.CrashFileName), []byte("panic: boom\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	about()
	if !h.shows(ab.CrashFile) || !h.shows("Please attach the crash report") {
		t.Fatalf("About does not name the crash report: %q", h.texts())
	}
}

func (h *harness) drain(d time.Duration) {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		select {
		case f := <-h.queue:
			f()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// TestWithoutATrayHostClosingQuits: on a desktop that shows no tray icons
// the window is never hidden where nobody can bring it back.
func TestWithoutATrayHostClosingQuits(t *testing.T) {
	fa := newTrayApp(t)
	fa.Preferences().SetBool(prefKeepInTray, true)
	h := startWith(t, fa, false, office(t, "Ivan Petrov"))
	h.ui.opts.NoTray = true
	h.signIn()
	h.tab("My account")
	for _, o := range h.objects() {
		if c, ok := o.(*widget.Check); ok && strings.HasPrefix(c.Text, "Keep C2Desk in the system tray") && !c.Disabled() {
			t.Fatal("the tray choice is offered without a tray")
		}
	}
	if !h.shows("This desktop shows no tray icons") {
		t.Fatalf("no explanation: %q", h.texts())
	}
	h.ui.closeWindow()
	if fa.quits != 1 {
		t.Fatal("closing should quit without a tray")
	}
}

// On a small screen the window opens within the work area, centred,
// never larger; on a big one as wanted.
func TestWindowFitsTheScreen(t *testing.T) {
	laptop := ScreenArea{Screen: fyne.NewSize(1024, 640), Work: fyne.NewSize(1024, 600)} // a taskbar below
	got := laptop.Fit(DefaultWindowSize)
	top := (laptop.Screen.Height - got.Height - windowFrame.Height) / 2
	if got.Width > 1024-windowFrame.Width || top < 0 || top+got.Height+windowFrame.Height > 600 {
		t.Fatalf("on 1024×640 with a taskbar: %v, top at %v", got, top)
	}
	if got.Height < 500 {
		t.Fatalf("smaller than it needs to be: %v", got)
	}
	// A taskbar on the left, as some put it.
	left := ScreenArea{Screen: fyne.NewSize(1280, 720), WorkPos: fyne.NewPos(60, 0), Work: fyne.NewSize(1220, 720)}
	if got := left.Fit(DefaultWindowSize); (1280-got.Width-windowFrame.Width)/2 < 60 {
		t.Fatalf("under the left taskbar: %v", got)
	}
	big := ScreenArea{Screen: fyne.NewSize(1920, 1080), Work: fyne.NewSize(1920, 1040)}
	if got := big.Fit(DefaultWindowSize); got != DefaultWindowSize {
		t.Fatalf("on a big screen: %v", got)
	}
	if got := (ScreenArea{}).Fit(DefaultWindowSize); got != DefaultWindowSize {
		t.Fatalf("a screen the system did not describe: %v", got)
	}
}

// checkLabelled is the check box with this label, nil when none shows.
func (h *harness) checkLabelled(label string) *widget.Check {
	for _, o := range h.objects() {
		if c, ok := o.(*widget.Check); ok && c.Text == label {
			return c
		}
	}
	return nil
}

// An agent's PC starts C2Desk with the computer from an agent's first
// sign-in there; This computer shows the choice and changes it, and it is
// not made again by default. An administrator's sign-in decides nothing,
// and the demo never starts with the computer.
func TestStartWithTheComputer(t *testing.T) {
	// One window at a time: each harness's poller stops, with its cleanup,
	// before the next replaces the mock keyring.
	label := "Start C2Desk when this computer starts, hidden in the system tray"
	checkLabel := func(h *harness) string {
		if !h.ui.hasTray() {
			return "Start C2Desk when this computer starts" // the window opens instead
		}
		return label
	}
	t.Run("an agent's PC", func(t *testing.T) {
		h := start(t, false, office(t, "Ivan Petrov"))
		h.signIn()
		entry := filepath.Join(h.autostart, "com.c2desk.desktop.desktop")
		h.eventually("the autostart entry", func() bool { _, err := os.Stat(entry); return err == nil })
		data, _ := os.ReadFile(entry)
		if !strings.Contains(string(data), "\nExec=\"/opt/c2desk/c2desk\" --minimized\n") {
			t.Fatalf("the entry: %s", data)
		}
		if out, err := exec.Command("desktop-file-validate", entry).CombinedOutput(); err != nil {
			t.Fatalf("desktop-file-validate: %v %s", err, out)
		}
		label := checkLabel(h)
		h.tab("My account")
		h.eventually("the choice, on", func() bool { c := h.checkLabelled(label); return c != nil && c.Checked && !c.Disabled() })
		h.capture("start-with-computer")
		test.Tap(h.checkLabelled(label))
		h.eventually("the entry removed", func() bool { _, err := os.Stat(entry); return os.IsNotExist(err) })
		h.ui.startWithComputerByDefault(h.ui.session) // as at the next sign-in: decided already
		if on, _ := h.core.StartsWithComputer(); on {
			t.Fatal("the default came back after it was turned off")
		}
	})
	t.Run("an administrator's sign-in", func(t *testing.T) {
		admin := start(t, false, office(t, ""))
		admin.signIn()
		admin.tab("Settings")
		label := checkLabel(admin)
		admin.eventually("the choice, off", func() bool { c := admin.checkLabelled(label); return c != nil && !c.Checked && !c.Disabled() })
		if on, _ := admin.core.StartsWithComputer(); on {
			t.Fatal("an administrator's PC started with the computer by default")
		}
		if admin.ui.prefs().Bool(prefAutostartChosen) {
			t.Fatal("an administrator's sign-in decided for the agents who will work on this PC")
		}
	})
	t.Run("the demo", func(t *testing.T) {
		demo := start(t, true, office(t, "Ivan Petrov")) // an agent, in the demo
		demo.signIn()
		demo.tab("My account")
		demo.eventually("the window's choices", func() bool { return demo.ui.muteCheck != nil })
		if demo.checkLabelled(checkLabel(demo)) != nil {
			t.Fatal("the demo offers to start with the computer")
		}
		if on, _ := demo.core.StartsWithComputer(); on {
			t.Fatal("the demo started with the computer")
		}
	})
}

// Started with the computer, C2Desk waits in the tray, not in front —
// which is what makes a client's message a desktop notification. Without
// a tray the window opens as usual.
func TestStartedWithTheComputerWaitsInTheTray(t *testing.T) {
	h := start(t, false, adminOnly(t))
	for _, tc := range []struct {
		opts   Options
		hidden bool
	}{{Options{StartHidden: true}, true}, {Options{StartHidden: true, NoTray: true}, false}, {Options{}, false}} {
		tc.opts.post = func(f func()) { h.queue <- f }
		u := Create(test.NewTempApp(t), test.NewTempWindow(t, nil), h.core, tc.opts)
		if tc.opts.Hidden() != tc.hidden || u.focused == tc.hidden {
			t.Errorf("%+v: hidden %v, in front %v", tc.opts, tc.opts.Hidden(), u.focused)
		}
		u.Stop()
	}
}

// An administrator chooses how often C2Desk polls in working hours,
// seeing each interval's delay and monthly requests: in English in the
// dark theme, in Russian in the light one on a small screen.
func TestPollingBudgetIsChosenInThisComputer(t *testing.T) { inBothLooks(t, budgetChosenIn) }

func budgetChosenIn(t *testing.T, light bool) {
	h := startSignedIn(t, light, office(t, ""))
	h.tab(lang.L("Settings"))
	var choice *widget.Select
	h.eventually("the polling choice", func() bool {
		for _, s := range h.selects() {
			if len(s.Options) == len(app.PollIntervals) && s.Selected == s.Options[3] && !s.Disabled() { // 15 s, the default
				choice = s
				return true
			}
		}
		return false
	})
	if !strings.Contains(choice.Selected, "15") || !h.shows(lang.L("Checking for new messages")) {
		t.Fatalf("chosen %q", choice.Selected)
	}
	h.eventually("the month's count", func() bool {
		for _, s := range h.texts() {
			if strings.HasPrefix(s, strings.SplitN(lang.L("API requests this month: {{.Count}} (Chat2Desk's count at {{.Time}}).", map[string]any{"Count": "#", "Time": "#"}), "#", 2)[0]) {
				return true
			}
		}
		return false
	})
	h.scrollInto(choice)
	h.capture(map[bool]string{false: "polling-budget", true: "polling-budget-ru-light"}[light])
	choice.SetSelected(choice.Options[1]) // every 5 s
	h.eventually("the choice saved", func() bool { d, _ := h.core.PollInterval(context.Background()); return d == 5*time.Second })
	h.eventually("said", func() bool {
		return h.shows(lang.L("Saved: every computer of the office polls at this interval from its next poll."))
	})
	// Saturday becomes a working day: saved, and the costs grow.
	before := choice.Selected
	test.Tap(h.checkLabelled(lang.L("Sat")))
	h.eventually("the hours saved", func() bool { hrs, _ := h.core.Hours(context.Background()); return hrs.Days[time.Saturday] })
	h.eventually("the costs at the new hours", func() bool { return choice.Selected != before && strings.Contains(choice.Selected, " 5 ") })
	if !h.shows(lang.L("Saved: the office's working hours.")) {
		t.Fatalf("not said: %q", h.texts())
	}
}

// scrollInto scrolls the page around o so that o shows near its top.
func (h *harness) scrollInto(o fyne.CanvasObject) {
	h.t.Helper()
	var page *container.Scroll
	for _, c := range h.objects() {
		if s, ok := c.(*container.Scroll); ok && s.Size().Height > 300 && abs(s).X <= abs(o).X && abs(o).X < abs(s).X+s.Size().Width {
			page = s
		}
	}
	if page == nil {
		h.t.Fatal("no scrolling page around it")
	}
	page.ScrollToOffset(fyne.NewPos(0, page.Offset.Y+abs(o).Y-abs(page).Y-120))
}
