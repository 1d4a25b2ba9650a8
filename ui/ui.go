// Package ui is C2Desk's Fyne interface. It reads and acts only through
// package app; every network or disk call runs in a goroutine and reports
// back to widgets through fyne.Do.
package ui

import (
	"context"
	"net/url"
	"sync"
	"time"

	"c2desk/app"
	"c2desk/assets"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Options changes how the UI presents itself.
type Options struct {
	Demo bool // connected to the built-in demo Chat2Desk
	// NoTray: the desktop shows no tray icons (TrayHostAvailable), so the
	// window never hides to the tray and no tray icon is set.
	NoTray bool
	// Databases moves this PC into an office database and back; nil
	// hides those buttons.
	Databases Databases
	// Screen is the screen the window opens on, when known (ScreenArea):
	// the window then opens within its work area, never larger.
	Screen *ScreenArea
	// StartHidden: C2Desk started with the computer and waits in the
	// tray; the caller runs the app without showing the window (Hidden
	// says whether it may: not without a tray).
	StartHidden bool

	// post hands a function to the UI goroutine; fyne.Do when nil. Tests
	// set it to a queue they drain, as the test driver has no main loop.
	post func(func())
	// notify shows a desktop notification; the app's SendNotification when nil.
	notify func(*fyne.Notification)
	// openURL opens a link or a file outside C2Desk; the app's OpenURL
	// when nil.
	openURL func(*url.URL) error
	// clipboardImage reads a picture copied to the clipboard, as PNG;
	// the system's clipboard when nil.
	clipboardImage func() ([]byte, error)
}

// Hidden reports whether the window starts hidden in the tray.
func (o Options) Hidden() bool { return o.StartHidden && !o.NoTray }

// UI is the main window's controller.
type UI struct {
	fyneApp fyne.App
	win     fyne.Window
	core    *app.App
	opts    Options
	session *app.Session // who is working (the last one, after signing out)
	// working counts the background work under way, so that a test ends
	// only after its window's last work did.
	working sync.WaitGroup
	// adminTabs are refreshed when another PC changes what they show.
	adminTabs adminTabs
	// refreshOfficeState reads the Office database line again, when the
	// Settings tab shows it.
	refreshOfficeState func()
	// signInNotice is said on "Who is working?" until someone signs in:
	// why the last session ended.
	signInNotice     string
	signInNoticeGood bool // news, not a warning
	// signInPeople are the active people "Who is working?" lists, in its
	// order.
	signInPeople []app.Staff
	inSession    bool   // someone is signed in
	onEnter      func() // what Enter does on the current screen, if anything

	title    string      // the window title without the unread count
	poller   *app.Poller // background sync while someone is signed in
	stopPoll context.CancelFunc
	focused  bool      // the window is in front
	chats    *chatsTab // the chat window of the signed-in person
	tabs     *container.AppTabs

	unread    int    // chats waiting, as the tray shows them
	trayShows string // the badge on the tray icon now
	// trayMenuSays is what the tray's menu says now (setTray).
	trayMenuSays string
	muteCheck    *widget.Check // in the "This computer" card, when shown
	dialogs      []dialog.Dialog
	keepTab      int // the tab to show again after the view is rebuilt
	// languageChanged: the view is rebuilt for a new language; the tab
	// opens scrolled to where it was chosen.
	languageChanged bool
}

// Icon is the application icon as a Fyne resource.
var Icon = fyne.NewStaticResource("icon.png", assets.IconPNG)

// Create fills the window: first a short "starting" view, then, once the
// keyring and database have answered, the connect screen or the main view.
func Create(fa fyne.App, w fyne.Window, core *app.App, opts Options) *UI {
	if opts.post == nil {
		opts.post = fyne.Do
	}
	if opts.notify == nil {
		opts.notify = fa.SendNotification
	}
	fa.Settings().SetTheme(newAppTheme())
	u := &UI{fyneApp: fa, win: w, core: core, opts: opts}
	title := "C2Desk"
	if opts.Demo {
		title = lang.L("C2Desk — demo")
	}
	u.setTitle(title)
	w.SetIcon(Icon)
	size := windowSize(fa.Preferences())
	if opts.Screen != nil {
		size = opts.Screen.Fit(size)
	}
	if size != DefaultWindowSize {
		w.Resize(size)
	}
	w.SetCloseIntercept(u.closeWindow)
	w.SetOnDropped(u.dropped)
	fa.Lifecycle().SetOnStopped(u.saveWindowSize)
	u.focused = !opts.Hidden()
	fa.Lifecycle().SetOnEnteredForeground(func() { u.setFocused(true) })
	fa.Lifecycle().SetOnExitedForeground(func() { u.setFocused(false) })
	// Enter outside a text field confirms the screen's main action; screens
	// set onEnter, and setContent clears it when the screen changes.
	w.Canvas().SetOnTypedKey(func(e *fyne.KeyEvent) {
		switch {
		case e.Name == fyne.KeyEscape:
			u.closeTopDialog()
		case (e.Name == fyne.KeyReturn || e.Name == fyne.KeyEnter) && u.onEnter != nil && len(u.dialogs) == 0:
			u.onEnter()
		}
	})
	u.showStarting()
	u.route()
	return u
}

// setContent replaces the window's content and forgets the old screen's Enter.
func (u *UI) setContent(o fyne.CanvasObject) {
	u.onEnter = nil
	u.closeDialogs()
	// A widget of the old screen keeps the keyboard otherwise, and Enter
	// would never reach the new screen.
	u.win.Canvas().Unfocus()
	u.win.SetContent(o)
}

// route starts from the beginning: the first administrator on a new
// installation, else the question who is working.
func (u *UI) route() {
	u.Stop()
	// The session stays set: work already started for it finishes against
	// it; inSession says whether someone is signed in.
	u.inSession = false
	u.chats, u.tabs, u.refreshOfficeState, u.adminTabs = nil, nil, nil, adminTabs{}
	u.signInPeople = nil
	u.setMenu()
	background(u, u.loadStart, func(st startState, err error) {
		switch {
		case err != nil:
			u.showProblem(err)
		case st.first:
			u.showFirstAdmin()
		default:
			u.showSignIn(st)
		}
	})
}

// signedIn continues after someone signed in.
func (u *UI) signedIn(s *app.Session) {
	u.session, u.inSession = s, true
	u.signInNotice, u.signInNoticeGood = "", false
	title := "C2Desk — " + s.Staff().Name
	if u.opts.Demo {
		title = lang.L("C2Desk — demo") + " — " + s.Staff().Name
	}
	u.setTitle(title)
	u.startWithComputerByDefault(s)
	u.routeSession("")
}

// routeSession shows the screen that fits the connection and the role.
func (u *UI) routeSession(notice string) {
	background(u, u.core.Status, func(st app.Status, err error) {
		switch {
		case err != nil:
			u.showProblem(err)
		case st.Connected:
			u.showMain(st, notice)
		case u.session.IsAdmin():
			u.showConnect(false)
		default:
			u.showNotConnected()
		}
	})
}

// showNotConnected is an agent's screen before an admin connected the account.
func (u *UI) showNotConnected() {
	msg := paragraph(lang.L("C2Desk is not connected to Chat2Desk yet. Ask an administrator to connect it."), widget.WarningImportance)
	u.setContent(container.NewBorder(u.topBar(), nil, nil, nil, column(640, msg)))
}

func (u *UI) showStarting() {
	act := widget.NewActivity()
	act.Start()
	u.setContent(container.NewCenter(container.NewVBox(act, widget.NewLabel(lang.L("Starting…")))))
}

// showProblem is the screen for a start that cannot go on, such as a locked
// keyring: the sentence and a way to try again.
func (u *UI) showProblem(err error) {
	msg := paragraph(sentence(err), widget.DangerImportance)
	retry := widget.NewButton(lang.L("Try again"), func() {
		u.showStarting()
		if u.inSession {
			u.routeSession("")
			return
		}
		u.route()
	})
	retry.Importance = widget.HighImportance
	buttons := container.NewHBox(retry)
	if key, _ := app.Describe(err); key == app.MsgComputerRemoved && u.opts.Databases != nil {
		// Not stuck: join again with a new invitation, or work alone.
		buttons.Add(widget.NewButtonWithIcon(lang.L("Join an office…"), theme.LoginIcon(), u.showJoinOffice))
		buttons.Add(widget.NewButtonWithIcon(lang.L("Leave the office database"), theme.LogoutIcon(), func() {
			background(u, u.opts.Databases.Leave, func(core *app.App, err error) {
				if err != nil {
					u.showProblem(err)
					return
				}
				u.switchCore(core, lang.L("This computer works in its own file again."), true)
			})
		}))
	}
	u.setContent(container.New(columnLayout{width: 560}, container.NewVBox(
		layout.NewSpacer(), msg, buttons, layout.NewSpacer())))
}

// ShowStartupFailure opens a small window with the reason C2Desk cannot
// start (its data cannot be opened, say) and runs until it is closed.
func ShowStartupFailure(fa fyne.App, err error) {
	fa.Settings().SetTheme(newAppTheme())
	w := fa.NewWindow("C2Desk")
	w.SetIcon(Icon)
	msg := paragraph(sentence(err), widget.DangerImportance)
	closeButton := widget.NewButton(lang.L("Close"), w.Close)
	w.SetContent(container.NewPadded(container.NewVBox(msg, container.NewHBox(layout.NewSpacer(), closeButton))))
	w.Resize(fyne.NewSize(480, 160))
	w.CenterOnScreen()
	w.ShowAndRun()
}

func (u *UI) showConnect(replacing bool) {
	u.setContent(container.NewBorder(u.topBar(), nil, nil, nil, newConnectScreen(u, replacing).content))
}

func (u *UI) showMain(st app.Status, notice string) {
	u.setContent(newMainView(u, st, notice))
	u.setMenu()
	if u.languageChanged {
		// Back where the language was chosen: the end of the tab, now that
		// it is laid out and its length is known.
		u.languageChanged = false
		if scroll, ok := u.tabs.Selected().Content.(*container.Scroll); ok {
			scroll.ScrollToBottom()
		}
	}
}

// rebuild builds the screen again in the language just chosen, on the
// same tab.
func (u *UI) rebuild() {
	if !u.inSession {
		u.route()
		return
	}
	if u.tabs != nil {
		u.keepTab = u.tabs.SelectedIndex()
	}
	u.signedIn(u.session)
}

// requestTimeout bounds every call the UI starts, so a dead network ends in
// a sentence rather than a spinner that never stops.
const requestTimeout = 45 * time.Second

// background runs work off the UI goroutine and hands its result to done on
// the UI goroutine.
func background[T any](u *UI, work func(ctx context.Context) (T, error), done func(T, error)) {
	backgroundWithin(u, requestTimeout, work, done)
}

// backgroundWithin is background with a bound of its own, for work longer
// than a request: a download, an upload.
func backgroundWithin[T any](u *UI, timeout time.Duration, work func(ctx context.Context) (T, error), done func(T, error)) {
	u.working.Add(1)
	go func() {
		defer u.working.Done()
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		v, err := work(ctx)
		u.opts.post(func() { done(v, err) })
	}()
}
