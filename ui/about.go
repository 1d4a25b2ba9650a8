package ui

import (
	"context"
	"net/url"
	"path/filepath"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// showAbout says which C2Desk this is and where its files are, and copies
// it all for support in one click. A crash report, if any, is named here
// so the user can attach it.
func (u *UI) showAbout() {
	// About looks at the crash report on disk: off the UI goroutine.
	core := u.core // read here: the window may switch databases meanwhile
	background(u, func(context.Context) (app.About, error) { return core.About(), nil },
		func(ab app.About, _ error) { u.showAboutBox(ab) })
}

func (u *UI) showAboutBox(ab app.About) {
	logo := canvas.NewImageFromResource(Icon)
	logo.FillMode = canvas.ImageFillContain
	logo.SetMinSize(fyne.NewSize(64, 64))

	path := func(p string) *widget.Label {
		l := widget.NewLabel(p)
		l.Selectable = true
		l.Wrapping = fyne.TextWrapBreak
		return l
	}
	crash := widget.NewLabel(lang.L("None: C2Desk has not crashed on this computer."))
	crash.Wrapping = fyne.TextWrapWord
	if ab.CrashReportSize > 0 {
		crash = path(ab.CrashFile)
	}
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Version"), widget.NewLabel(ab.Version)),
		widget.NewFormItem(lang.L("Build"), widget.NewLabel(ab.Build)),
		widget.NewFormItem(lang.L("Operating system"), widget.NewLabel(ab.OS+", "+ab.GoVersion)),
		widget.NewFormItem(lang.L("Data folder"), path(ab.DataDir)),
		widget.NewFormItem(lang.L("Log"), path(ab.LogFile)),
		widget.NewFormItem(lang.L("Crash report"), crash),
	)
	note := paragraph(lang.L("C2Desk crashed on this computer. Please attach the crash report to an e-mail to your support; it never contains the token."), widget.WarningImportance)
	if ab.CrashReportSize == 0 {
		note.Hide()
	}

	copied := widget.NewLabel("")
	copyButton := widget.NewButtonWithIcon(lang.L("Copy for support"), theme.ContentCopyIcon(), func() {
		u.fyneApp.Clipboard().SetContent(ab.String())
		copied.SetText(lang.L("Copied."))
	})
	openFolder := widget.NewButtonWithIcon(lang.L("Open the data folder"), theme.FolderOpenIcon(), func() {
		if err := u.fyneApp.OpenURL(folderURL(ab.DataDir)); err != nil {
			copied.SetText(sentence(err))
		}
	})
	body := container.NewVBox(
		container.NewHBox(logo, container.NewVBox(
			widget.NewLabelWithStyle("C2Desk", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			widget.NewLabel(lang.L("Chat2Desk for the agency's desktops")))),
		form, note,
		container.NewHBox(copyButton, openFolder, copied))
	d := dialog.NewCustom(lang.L("About C2Desk"), lang.L("Close"), body, u.win)
	u.showDialog(d)
	// Wrapped paths ask for no width of their own: give them a readable one.
	d.Resize(fyne.NewSize(min(680, u.win.Canvas().Size().Width-40), body.MinSize().Height+120))
}

func folderURL(dir string) *url.URL {
	return &url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}
}
