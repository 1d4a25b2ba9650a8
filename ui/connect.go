package ui

import (
	"context"
	"fmt"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// connectScreen asks for the API token, explains where to find it, and
// checks it before anything is stored.
type connectScreen struct {
	ui       *UI
	token    *widget.Entry
	submit   *widget.Button
	cancel   *widget.Button
	activity *widget.Activity
	problem  *widget.Label
	busy     bool
	content  fyne.CanvasObject
}

func newConnectScreen(u *UI, replacing bool) *connectScreen {
	s := &connectScreen{ui: u}

	heading := lang.L("Connect Chat2Desk")
	if replacing {
		heading = lang.L("Replace the Chat2Desk token")
	}
	title := widget.NewLabelWithStyle(heading, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText

	intro := paragraph(lang.L("C2Desk works with your Chat2Desk account through its API token. An administrator connects it once: on this computer when it works alone, or on the computer that loads the chats for the whole office. The token is kept in that computer's protected keyring, never in a file."), widget.MediumImportance)

	steps := widget.NewRichTextFromMarkdown(fmt.Sprintf("1. %s\n2. %s\n3. %s\n4. %s\n",
		lang.L("Sign in to Chat2Desk in the browser as an administrator."),
		lang.L("Open **API and scripts** › **API**."),
		lang.L("Next to **API token**, press **Show** and copy the token."),
		lang.L("Paste it here and press **Add integration**."),
	))
	steps.Wrapping = fyne.TextWrapWord

	s.token = widget.NewPasswordEntry()
	s.token.SetPlaceHolder(lang.L("API token"))
	s.token.OnSubmitted = func(string) { s.connect() }

	s.submit = widget.NewButtonWithIcon(lang.L("Add integration"), theme.ConfirmIcon(), s.connect)
	s.submit.Importance = widget.HighImportance
	s.activity = widget.NewActivity()
	s.activity.Hide()

	s.problem = paragraph("", widget.DangerImportance)
	s.problem.Hide()

	buttons := container.NewHBox(s.submit, s.activity)
	if replacing {
		s.cancel = widget.NewButton(lang.L("Cancel"), func() { u.routeSession("") })
		buttons.Add(s.cancel)
	}

	form := widget.NewForm(widget.NewFormItem(lang.L("API token"), s.token))
	column := container.NewVBox(
		container.NewHBox(widget.NewIcon(Icon), title),
		intro,
		widget.NewCard("", lang.L("Where to find the token"), steps),
		form,
		buttons,
		s.problem,
	)
	s.content = container.NewVScroll(container.NewPadded(container.New(columnLayout{width: 640}, column)))
	return s
}

// connect checks the token in the background; the button cannot be pressed
// again until the answer is in.
func (s *connectScreen) connect() {
	if s.busy {
		return
	}
	tok := s.token.Text
	s.setBusy(true)
	s.problem.Hide()
	background(s.ui, func(ctx context.Context) (app.Connection, error) {
		return s.ui.session.Connect(ctx, tok)
	}, func(conn app.Connection, err error) {
		s.setBusy(false)
		if err != nil {
			s.problem.SetText(sentence(err))
			s.problem.Show()
			return
		}
		s.token.SetText("")
		s.ui.showConnected(conn)
	})
}

func (s *connectScreen) setBusy(busy bool) {
	s.busy = busy
	controls := []fyne.Disableable{s.submit, s.token}
	if s.cancel != nil {
		controls = append(controls, s.cancel)
	}
	for _, c := range controls {
		if busy {
			c.Disable()
		} else {
			c.Enable()
		}
	}
	if busy {
		s.submit.SetText(lang.L("Checking the token…"))
		s.activity.Show()
		s.activity.Start()
		return
	}
	s.submit.SetText(lang.L("Add integration"))
	s.activity.Stop()
	s.activity.Hide()
}
