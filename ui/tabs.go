package ui

import (
	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// newMainView builds the main window: the profile bar on top and the tabs
// the signed-in person's role allows. The same rules are enforced again in
// package app; hiding tabs is only the courtesy. Each tab is its own file.
func newMainView(u *UI, st app.Status, notice string) fyne.CanvasObject {
	var tabs *container.AppTabs
	chats := newChatsTab(u)
	u.chats = chats
	u.Stop() // the old tab's; the new tab's first list query starts its own
	chatsItem := container.NewTabItemWithIcon(lang.L("Chats"), theme.MailComposeIcon(), chats.content)
	u.adminTabs = adminTabs{}
	if u.session.IsAdmin() {
		settings := newSettingsTab(u, st, notice)
		operators := newOperatorsTab(u)
		channels, staff, reports := newChannelsTab(u), newStaffTab(u), newReportsTab(u)
		u.adminTabs = adminTabs{channels: channels, operators: operators, staff: staff, reports: reports}
		reportsItem := container.NewTabItemWithIcon(lang.L("Reports"), theme.ListIcon(), reports.content)
		tabs = container.NewAppTabs(
			chatsItem,
			container.NewTabItemWithIcon(lang.L("Channels"), theme.StorageIcon(), channels.content),
			container.NewTabItemWithIcon(lang.L("Operators"), theme.AccountIcon(), operators.content),
			container.NewTabItemWithIcon(lang.L("Staff"), theme.GridIcon(), staff.content),
			reportsItem,
			container.NewTabItemWithIcon(lang.L("Settings"), theme.SettingsIcon(), settings.content),
		)
		operators.guardLeaving(tabs, tabs.Items[2])
		reports.watch(tabs, reportsItem)
		if notice != "" {
			tabs.Select(tabs.Items[5])
		}
	} else {
		tabs = container.NewAppTabs(
			chatsItem,
			container.NewTabItemWithIcon(lang.L("My account"), theme.AccountIcon(), newAccountTab(u).content),
		)
	}
	if u.keepTab > 0 && u.keepTab < len(tabs.Items) {
		tabs.SelectIndex(u.keepTab)
	}
	u.keepTab = 0
	u.tabs = tabs
	return container.NewBorder(u.topBar(), nil, nil, nil, tabs)
}

// topBar names who is working and switches profile in one click.
func (u *UI) topBar() fyne.CanvasObject {
	me := u.session.Staff()
	who := widget.NewLabelWithStyle(me.Name, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	role := widget.NewLabel(roleText(me.Role))
	role.Importance = widget.LowImportance
	switchButton := widget.NewButtonWithIcon(lang.L("Switch profile"), theme.LogoutIcon(), u.switchProfile)
	switchButton.Importance = widget.LowImportance
	return container.NewHBox(layout.NewSpacer(), widget.NewIcon(theme.AccountIcon()), who, role, switchButton)
}

// showConnected opens the main view after a successful connect, saying
// which account answered.
func (u *UI) showConnected(conn app.Connection) {
	u.routeSession(lang.L("Connected to {{.Company}}.", map[string]any{"Company": conn.Company}))
}
