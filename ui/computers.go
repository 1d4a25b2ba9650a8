package ui

import (
	"context"
	"strings"
	"time"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The office's computers, for an administrator on a computer that joined
// it: Add a computer makes the one-time invitation another computer joins
// with; Remove a computer revokes one, whose people then cannot sign in
// there.

// computerButtons are the Office database card's buttons for them.
func (u *UI) computerButtons() []fyne.CanvasObject {
	if !u.core.Joined() || u.session == nil || !u.session.IsAdmin() {
		return nil
	}
	return []fyne.CanvasObject{
		widget.NewButtonWithIcon(lang.L("Add a computer…"), theme.ContentAddIcon(), u.showAddComputer),
		widget.NewButtonWithIcon(lang.L("Remove a computer…"), theme.ContentRemoveIcon(), u.showComputers),
	}
}

// showAddComputer asks for the new computer's name, then shows the
// invitation to copy.
func (u *UI) showAddComputer() {
	name := widget.NewEntry()
	name.SetPlaceHolder(lang.L("For example: Reception"))
	code := widget.NewMultiLineEntry()
	code.Wrapping = fyne.TextWrapBreak
	code.SetMinRowsVisible(5)
	code.Hide()
	problemLabel := paragraph("", widget.DangerImportance)
	problemLabel.Hide()
	after := paragraph(lang.L("On the new computer, start C2Desk and choose Join an office, or run c2desk office join, and paste the invitation. It works once, within a week; without a person's PIN it reads nothing. Send it only to that computer's user."), widget.MediumImportance)
	after.Hide()
	var d dialog.Dialog
	var makeButton, copyButton *widget.Button
	fit := func() { d.Resize(fyne.NewSize(min(600, u.win.Canvas().Size().Width-40), 1)) }
	submit := func() {
		n := strings.TrimSpace(name.Text)
		if n == "" {
			say(problemLabel, lang.L("Name the computer, so that you know it in the list later."), widget.DangerImportance)
			fit()
			return
		}
		makeButton.Disable()
		s := u.session
		background(u, func(ctx context.Context) (string, error) { return s.Invite(ctx, n, false) }, func(c string, err error) {
			makeButton.Enable()
			if err != nil {
				say(problemLabel, sentence(err), widget.DangerImportance)
				fit()
				return
			}
			problemLabel.Hide()
			name.Disable()
			makeButton.Hide()
			code.SetText(c)
			code.Show()
			after.Show()
			copyButton.Show()
			copyButton.Importance = widget.HighImportance
			copyButton.Refresh()
			fit()
		})
	}
	makeButton = widget.NewButtonWithIcon(lang.L("Make the invitation"), theme.ConfirmIcon(), submit)
	makeButton.Importance = widget.HighImportance
	copyButton = widget.NewButtonWithIcon(lang.L("Copy"), theme.ContentCopyIcon(), func() {
		u.fyneApp.Clipboard().SetContent(code.Text)
		copyButton.SetText(lang.L("Copied"))
	})
	copyButton.Hide()
	name.OnSubmitted = func(string) { submit() }
	closeButton := widget.NewButton(lang.L("Close"), func() { d.Hide() })
	body := container.NewVBox(
		paragraph(lang.L("An invitation joins one more computer to the office. Its people then sign in there with their PINs."), widget.MediumImportance),
		widget.NewForm(widget.NewFormItem(lang.L("Computer"), name)), code, after, problemLabel,
		container.NewHBox(layout.NewSpacer(), closeButton, copyButton, makeButton))
	d = dialog.NewCustomWithoutButtons(lang.L("Add a computer"), body, u.win)
	u.showDialog(d)
	fit()
	u.win.Canvas().Focus(name)
}

// showComputers lists the office's computers with their last use, each
// with Remove.
func (u *UI) showComputers() {
	rows := container.NewVBox()
	scroll := container.NewVScroll(rows)
	problemLabel := paragraph("", widget.DangerImportance)
	problemLabel.Hide()
	var d dialog.Dialog
	s := u.session
	var load func()
	load = func() {
		background(u, s.Computers, func(list []app.Computer, err error) {
			if err != nil {
				say(problemLabel, sentence(err), widget.DangerImportance)
				return
			}
			rows.Objects = nil
			for _, c := range list {
				rows.Add(u.computerRow(c, load, problemLabel))
			}
			if len(list) == 0 {
				rows.Add(paragraph(lang.L("No computer has joined the office."), widget.LowImportance))
			}
			rows.Refresh()
			// As tall as the list, up to about six computers, then it scrolls.
			scroll.SetMinSize(fyne.NewSize(0, min(rows.MinSize().Height, 6*rows.Objects[0].MinSize().Height)))
			d.Refresh()
			d.Resize(fyne.NewSize(min(640, u.win.Canvas().Size().Width-40), 1))
		})
	}
	closeButton := widget.NewButton(lang.L("Close"), func() { d.Hide() })
	body := container.NewVBox(
		paragraph(lang.L("A removed computer can no longer be used to sign in; it can join again only with a new invitation."), widget.MediumImportance),
		scroll, problemLabel, container.NewHBox(layout.NewSpacer(), closeButton))
	d = dialog.NewCustomWithoutButtons(lang.L("The office's computers"), body, u.win)
	u.showDialog(d)
	load()
}

// computerRow is one computer: its name, when it was last used and by
// whom (or that it has not joined yet), and Remove.
func (u *UI) computerRow(c app.Computer, reload func(), problemLabel *widget.Label) fyne.CanvasObject {
	var state string
	switch {
	case c.JoinedAt.IsZero():
		state = lang.L("Invited {{.Time}}, not joined yet", map[string]any{"Time": shortTime(c.InvitedAt, time.Now())})
	case c.LastUsed.IsZero():
		state = lang.L("Joined {{.Time}}, nobody has signed in there yet", map[string]any{"Time": shortTime(c.JoinedAt, time.Now())})
	default:
		state = lang.L("Last used {{.Time}} by {{.Name}}", map[string]any{"Time": shortTime(c.LastUsed, time.Now()), "Name": c.LastStaff})
	}
	title := c.Name
	warning := lang.L("Nobody can sign in on {{.Name}} any more, and whoever works there now is signed out. To use it again, it joins with a new invitation.", map[string]any{"Name": c.Name})
	if c.Here {
		title = lang.L("{{.Name}} (this computer)", map[string]any{"Name": c.Name})
		warning = lang.L("This is the computer you are using: you are signed out at once, and nobody can sign in here until it joins again with a new invitation.")
	}
	name := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s := u.session
	remove := widget.NewButtonWithIcon(lang.L("Remove"), theme.DeleteIcon(), func() {
		confirm := dialog.NewConfirm(lang.L("Remove {{.Name}}?", map[string]any{"Name": c.Name}), warning,
			func(ok bool) {
				if !ok {
					return
				}
				background(u, func(ctx context.Context) (struct{}, error) { return struct{}{}, s.RemoveComputer(ctx, c.ID) },
					func(_ struct{}, err error) {
						if err != nil {
							say(problemLabel, sentence(err), widget.DangerImportance)
							return
						}
						if c.Here {
							u.route() // signed out: this computer is not the office's now
							return
						}
						reload()
					})
			}, u.win)
		u.showDialog(confirm)
	})
	remove.Importance = widget.DangerImportance
	// One line, cut if need be: a wrapping label has no height to give
	// before it is laid out, and the list is sized by its rows.
	// Not LowImportance: in the light theme that is the disabled colour.
	line := widget.NewLabel(state)
	line.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, nil, container.NewCenter(remove), container.NewVBox(name, line))
}
