package ui

import (
	"context"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// The desktop manners: the window's size across starts, closing to the
// system tray when the user chose so, muted notifications, and the
// language. Each is a choice of this PC's user, kept in Fyne's preferences.

// DefaultWindowSize is the first start's window.
var DefaultWindowSize = fyne.NewSize(1100, 740)

// windowSize is the size the window had when C2Desk was last closed.
// ScreenArea is a screen and its work area (the screen less taskbars and
// docks), in Fyne's units, as the system tells them.
type ScreenArea struct {
	Screen  fyne.Size
	WorkPos fyne.Position
	Work    fyne.Size
}

// windowFrame is room left for the title bar and borders the system adds.
var windowFrame = fyne.NewSize(16, 40)

// Fit is the largest size up to want whose window, centred on the screen
// as C2Desk opens it, lies within the work area: on a 1024×640 laptop the
// menu and Send stay on screen.
func (a ScreenArea) Fit(want fyne.Size) fyne.Size {
	room := func(screen, pos, work, frame float32) float32 {
		// Centred, a window of t spans (screen-t)/2 … (screen+t)/2.
		return min(screen-2*pos, 2*(pos+work)-screen) - frame
	}
	w := room(a.Screen.Width, a.WorkPos.X, a.Work.Width, windowFrame.Width)
	h := room(a.Screen.Height, a.WorkPos.Y, a.Work.Height, windowFrame.Height)
	if w < 320 || h < 240 { // nonsense from the system: keep what was wanted
		return want
	}
	return fyne.NewSize(min(want.Width, w), min(want.Height, h))
}

func windowSize(p fyne.Preferences) fyne.Size {
	w, h := p.Float(prefWidth), p.Float(prefHeight)
	if w < 480 || h < 360 { // never saved, or unusably small
		return DefaultWindowSize
	}
	return fyne.NewSize(float32(w), float32(h))
}

func (u *UI) saveWindowSize() {
	s := u.win.Canvas().Size()
	if s.Width <= 0 || s.Height <= 0 {
		return
	}
	u.prefs().SetFloat(prefWidth, float64(s.Width))
	u.prefs().SetFloat(prefHeight, float64(s.Height))
}

func (u *UI) prefs() fyne.Preferences { return u.fyneApp.Preferences() }

// hasTray says whether this desktop can show C2Desk in the system tray.
func (u *UI) hasTray() bool {
	_, ok := u.fyneApp.(desktop.App)
	return ok && !u.opts.NoTray
}

// muted says whether desktop notifications are off.
func (u *UI) muted() bool { return u.prefs().Bool(prefMuted) }

func (u *UI) setMuted(on bool) {
	u.prefs().SetBool(prefMuted, on)
	if u.muteCheck != nil && u.muteCheck.Checked != on {
		u.muteCheck.SetChecked(on)
	}
	u.setTray()
}

// notifyUser shows a desktop notification unless the user muted them.
func (u *UI) notifyUser(n *fyne.Notification) {
	if u.muted() {
		return
	}
	u.opts.notify(n)
}

// closeWindow is what the window's close button does: hide to the tray,
// where polling goes on, if the user chose so; quit otherwise.
func (u *UI) closeWindow() {
	u.saveWindowSize()
	if !u.prefs().Bool(prefKeepInTray) || !u.hasTray() {
		u.fyneApp.Quit()
		return
	}
	u.win.Hide()
	u.setFocused(false)
	if !u.prefs().Bool(prefTrayHintSeen) {
		u.prefs().SetBool(prefTrayHintSeen, true)
		u.opts.notify(fyne.NewNotification("C2Desk",
			lang.L("C2Desk keeps running in the system tray and tells you about new messages. Quit it from the tray icon's menu.")))
	}
}

// showWindow brings the window back from the tray.
func (u *UI) showWindow() {
	u.win.Show()
	u.win.RequestFocus()
	u.setFocused(true)
}

// newAutostartCheck is the choice to start C2Desk with the computer,
// hidden in the tray; it shows what the system has, read in the background.
func newAutostartCheck(u *UI) fyne.CanvasObject {
	label := lang.L("Start C2Desk when this computer starts, hidden in the system tray")
	if !u.hasTray() {
		label = lang.L("Start C2Desk when this computer starts")
	}
	status := paragraph("", widget.DangerImportance)
	status.Hide()
	check := widget.NewCheck(label, nil)
	check.Disable()
	core := u.core
	background(u, func(context.Context) (bool, error) { return core.StartsWithComputer() }, func(on bool, err error) {
		check.SetChecked(on)
		check.Enable()
		check.OnChanged = func(on bool) {
			u.prefs().SetBool(prefAutostartChosen, true)
			background(u, func(context.Context) (struct{}, error) { return struct{}{}, core.SetStartWithComputer(on) },
				func(_ struct{}, err error) {
					if err != nil {
						say(status, sentence(err), widget.DangerImportance)
					} else {
						status.Hide()
					}
				})
		}
		if err != nil {
			say(status, sentence(err), widget.DangerImportance)
		}
	})
	return container.NewVBox(check, status)
}

// startWithComputerByDefault makes an agent's PC start C2Desk with the
// computer, the first time an agent signs in there; an administrator
// signing in decides nothing (their own PC is left to them, and a PC they
// set up for an agent still gets the default at the agent's first
// sign-in). Never in the demo.
func (u *UI) startWithComputerByDefault(s *app.Session) {
	if u.opts.Demo || s.IsAdmin() || u.prefs().Bool(prefAutostartChosen) {
		return
	}
	u.prefs().SetBool(prefAutostartChosen, true)
	core := u.core
	background(u, func(context.Context) (struct{}, error) { return struct{}{}, core.SetStartWithComputer(true) },
		func(struct{}, error) {}) // a refusal shows in Settings, where the choice is
}

// newDesktopCard holds the choices about this PC's window, for everyone:
// administrators find it in Settings, agents in My account.
func newDesktopCard(u *UI) fyne.CanvasObject {
	labels, codes := languageOptions()
	language := widget.NewSelect(labels, nil)
	current := u.prefs().String(prefLanguage)
	for i, c := range codes {
		if c == current {
			language.SetSelectedIndex(i)
		}
	}
	language.OnChanged = func(string) {
		choice := codes[language.SelectedIndex()]
		if choice == u.prefs().String(prefLanguage) {
			return
		}
		u.prefs().SetString(prefLanguage, choice)
		useLanguage(choice)
		u.languageChanged = true
		u.rebuild()
	}

	keep := widget.NewCheck(lang.L("Keep C2Desk in the system tray when the window is closed, and go on receiving messages"), func(on bool) {
		u.prefs().SetBool(prefKeepInTray, on)
	})
	keep.SetChecked(u.prefs().Bool(prefKeepInTray))
	var noTray fyne.CanvasObject = layout.NewSpacer()
	if !u.hasTray() {
		keep.Disable()
		noTray = paragraph(lang.L("This desktop shows no tray icons, so closing the window quits C2Desk."), widget.LowImportance)
	}

	u.muteCheck = widget.NewCheck(lang.L("Mute desktop notifications"), u.setMuted)
	u.muteCheck.SetChecked(u.muted())

	form := widget.NewForm(widget.NewFormItem(lang.L("Language"), language))
	box := container.NewVBox(form, keep, noTray, u.muteCheck)
	if !u.opts.Demo { // the demo is a try-out: it does not start with the computer
		box.Add(newAutostartCheck(u))
	}
	if u.session != nil && u.session.IsAdmin() {
		box.Add(widget.NewSeparator())
		box.Add(newPollingSection(u))
		box.Add(widget.NewSeparator())
		box.Add(newOfficeDatabaseSection(u))
	}
	return widget.NewCard(lang.L("This computer"), "", box)
}
