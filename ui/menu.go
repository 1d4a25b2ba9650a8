package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// The window's menu carries the keyboard shortcuts: a menu shortcut works
// wherever the keyboard is, even while typing a message, where a canvas
// shortcut would be taken by the text field.

var (
	shortcutSearch   = &desktop.CustomShortcut{KeyName: fyne.KeyK, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutNewChat  = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutNextTab  = &desktop.CustomShortcut{KeyName: fyne.KeyTab, Modifier: fyne.KeyModifierControl}
	shortcutPrevTab  = &desktop.CustomShortcut{KeyName: fyne.KeyTab, Modifier: fyne.KeyModifierControl | fyne.KeyModifierShift}
	shortcutQuit     = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutProfiles = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
)

// setMenu builds the window's menu for the current screen; items that do
// not apply there are greyed out rather than doing nothing.
func (u *UI) setMenu() {
	inChats := u.inSession && u.chats != nil && u.tabs != nil

	switchProfile := fyne.NewMenuItem(lang.L("Switch profile"), u.switchProfile)
	switchProfile.Shortcut = shortcutProfiles
	switchProfile.Disabled = !u.inSession
	quit := fyne.NewMenuItem(lang.L("Quit"), u.quit)
	quit.IsQuit = true
	quit.Shortcut = shortcutQuit
	file := fyne.NewMenu(lang.L("File"), switchProfile, fyne.NewMenuItemSeparator(), quit)

	search := fyne.NewMenuItem(lang.L("Find a chat"), u.focusSearch)
	search.Shortcut = shortcutSearch
	newChat := fyne.NewMenuItem(lang.L("New chat…"), u.startNewChat)
	newChat.Shortcut = shortcutNewChat
	next := fyne.NewMenuItem(lang.L("Next tab"), func() { u.stepTab(1) })
	next.Shortcut = shortcutNextTab
	prev := fyne.NewMenuItem(lang.L("Previous tab"), func() { u.stepTab(-1) })
	prev.Shortcut = shortcutPrevTab
	for _, it := range []*fyne.MenuItem{search, newChat, next, prev} {
		it.Disabled = !inChats
	}
	chats := fyne.NewMenu(lang.L("Chats"), search, newChat, fyne.NewMenuItemSeparator(), next, prev)

	help := fyne.NewMenu(lang.L("Help"),
		fyne.NewMenuItem(lang.L("Keyboard shortcuts"), u.showShortcuts),
		fyne.NewMenuItem(lang.L("About C2Desk"), u.showAbout))
	u.win.SetMainMenu(fyne.NewMainMenu(file, chats, help))
}

// menuItem finds the menu item a shortcut triggers, as the window does.
func (u *UI) menuItem(s fyne.Shortcut) *fyne.MenuItem {
	if u.win.MainMenu() == nil {
		return nil
	}
	for _, m := range u.win.MainMenu().Items {
		for _, it := range m.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == s.ShortcutName() {
				return it
			}
		}
	}
	return nil
}

func (u *UI) switchProfile() {
	if s := u.session; s != nil && u.inSession {
		// On a computer that joined an office the database forgets the
		// session: nothing is readable here until someone signs in.
		background(u, func(ctx context.Context) (struct{}, error) { return struct{}{}, s.SignOut(ctx) }, func(struct{}, error) {})
	}
	u.closeDialogs()
	u.setTitle("C2Desk")
	u.route()
}

// focusSearch opens the chats and puts the cursor in their search field.
func (u *UI) focusSearch() {
	if u.chats == nil || u.tabs == nil {
		return
	}
	u.tabs.SelectIndex(0)
	u.win.Canvas().Focus(u.chats.search)
}

func (u *UI) startNewChat() {
	if u.chats == nil || u.tabs == nil {
		return
	}
	u.tabs.SelectIndex(0)
	showNewChat(u.chats)
}

// stepTab moves to the next (1) or previous (-1) tab, round the end.
func (u *UI) stepTab(step int) {
	if u.tabs == nil || len(u.tabs.Items) == 0 {
		return
	}
	n := len(u.tabs.Items)
	u.tabs.SelectIndex((u.tabs.SelectedIndex() + step + n) % n)
}

// showDialog shows d and remembers it, so that Esc closes it.
func (u *UI) showDialog(d dialog.Dialog) {
	u.dialogs = append(u.dialogs, d)
	d.SetOnClosed(func() {
		for i, open := range u.dialogs {
			if open == d {
				u.dialogs = append(u.dialogs[:i], u.dialogs[i+1:]...)
				break
			}
		}
	})
	// The keyboard leaves the window's fields, so that Esc reaches the
	// window instead of the composer under the dialog.
	u.win.Canvas().Unfocus()
	d.Show()
}

// closeTopDialog is Esc: the dialog on top closes as if cancelled.
func (u *UI) closeTopDialog() bool {
	if len(u.dialogs) == 0 {
		return false
	}
	u.dialogs[len(u.dialogs)-1].Hide()
	return true
}

func (u *UI) closeDialogs() {
	for u.closeTopDialog() {
	}
}

// escEntry is a text field in a dialog: Esc closes the dialog from it too.
type escEntry struct {
	widget.Entry
	u *UI
}

func newEscEntry(u *UI, kind func(*widget.Entry)) *escEntry {
	e := &escEntry{u: u}
	if kind != nil {
		kind(&e.Entry)
	}
	e.ExtendBaseWidget(e)
	return e
}

func (e *escEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.u.closeTopDialog() {
		return
	}
	e.Entry.TypedKey(k)
}

// escSelect is a drop-down in a dialog: once used, it has the keyboard,
// and Esc closes the dialog from it too.
type escSelect struct {
	widget.Select
	u *UI
}

func newEscSelect(u *UI, options []string, changed func(string)) *escSelect {
	s := &escSelect{u: u}
	s.Options, s.OnChanged = options, changed
	s.ExtendBaseWidget(s)
	return s
}

func (s *escSelect) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && s.u.closeTopDialog() {
		return
	}
	s.Select.TypedKey(k)
}

func password(e *widget.Entry)  { e.Password = true }
func multiLine(e *widget.Entry) { e.MultiLine = true; e.Wrapping = fyne.TextWrapWord }

// shortcutKeys names a shortcut's keys as the help shows them.
func shortcutKeys(s *desktop.CustomShortcut) string {
	keys := ""
	if s.Modifier&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0 {
		keys = "Ctrl+"
		if s.Modifier&fyne.KeyModifierSuper != 0 {
			keys = "Cmd+"
		}
	}
	if s.Modifier&fyne.KeyModifierShift != 0 {
		keys += "Shift+"
	}
	return keys + string(s.KeyName)
}

// showShortcuts lists every keyboard shortcut.
func (u *UI) showShortcuts() {
	rows := []struct{ keys, what string }{
		{shortcutKeys(shortcutSearch), lang.L("Find a chat by name, phone or text")},
		{shortcutKeys(shortcutNewChat), lang.L("Write to a new client")},
		{shortcutKeys(shortcutNextTab), lang.L("Next tab")},
		{shortcutKeys(shortcutPrevTab), lang.L("Previous tab")},
		{"Enter", lang.L("Send the message")},
		{"Shift+Enter", lang.L("New line in the message")},
		{"Esc", lang.L("Close the dialog")},
		{shortcutKeys(shortcutProfiles), lang.L("Switch profile")},
		{shortcutKeys(shortcutQuit), lang.L("Quit")},
	}
	grid := container.New(layout.NewFormLayout())
	for _, r := range rows {
		grid.Add(widget.NewLabelWithStyle(r.keys, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		grid.Add(widget.NewLabel(r.what))
	}
	d := dialog.NewCustom(lang.L("Keyboard shortcuts"), lang.L("Close"), grid, u.win)
	u.showDialog(d)
}
