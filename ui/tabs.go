package ui

import (
	"c2desk/app"
	"c2desk/storage"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
)

// newMainTabs builds the main view; notice, if any, is shown on top of
// Settings. Each tab lives in its own file.
func newMainTabs(u *UI, st app.Status, notice string) fyne.CanvasObject {
	settings := newSettingsTab(u, st, notice)
	tabs := container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("Settings"), theme.SettingsIcon(), settings.content),
	)
	return tabs
}

// showConnected opens the main view after a successful connect, saying
// which account answered.
func (u *UI) showConnected(conn storage.Connection) {
	background(u, u.core.Status, func(st app.Status, err error) {
		if err != nil {
			u.showProblem(err)
			return
		}
		u.win.SetContent(newMainTabs(u, st, lang.L("Connected to {{.Company}}.", map[string]any{"Company": conn.Company})))
	})
}
