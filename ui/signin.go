package ui

import (
	"context"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// startState is what the first screen depends on.
type startState struct {
	first bool
	staff []app.Staff
	last  int64
}

func (u *UI) loadStart(ctx context.Context) (startState, error) {
	var s startState
	var err error
	if s.first, err = u.core.NeedsFirstAdmin(ctx); err != nil {
		return s, err
	}
	if s.staff, err = u.core.StaffList(ctx); err != nil {
		return s, err
	}
	s.last = u.core.LastStaffID(ctx)
	return s, nil
}

// showFirstAdmin asks for the first administrator on a new installation.
func (u *UI) showFirstAdmin() {
	title := heading(lang.L("Welcome to C2Desk"))
	intro := paragraph(lang.L("C2Desk keeps the agency's staff on this computer. Start with yourself: you will be its first administrator and can add colleagues later."), widget.MediumImportance)
	name := widget.NewEntry()
	name.SetPlaceHolder(lang.L("First and last name"))
	pin := widget.NewPasswordEntry()
	pin.SetPlaceHolder(lang.L("Optional, 4 to 12 digits"))
	problemLabel := paragraph("", widget.DangerImportance)
	problemLabel.Hide()
	var create *widget.Button
	submit := func() {
		create.Disable()
		problemLabel.Hide()
		n, p := name.Text, pin.Text
		core := u.core
		background(u, func(ctx context.Context) (*app.Session, error) {
			return core.CreateFirstAdmin(ctx, n, p)
		}, func(s *app.Session, err error) {
			create.Enable()
			if err != nil {
				problemLabel.SetText(sentence(err))
				problemLabel.Show()
				return
			}
			u.signedIn(s)
		})
	}
	create = widget.NewButtonWithIcon(lang.L("Create administrator"), theme.ConfirmIcon(), submit)
	create.Importance = widget.HighImportance
	name.OnSubmitted = func(string) { submit() }
	pin.OnSubmitted = func(string) { submit() }
	form := widget.NewForm(widget.NewFormItem(lang.L("Name"), name), widget.NewFormItem(lang.L("PIN"), pin))
	actions := container.NewHBox(create)
	var join fyne.CanvasObject = layout.NewSpacer()
	if u.opts.Databases != nil && !u.opts.Demo {
		// A new PC of an office joins the office's database instead of
		// starting an office of its own.
		join = container.NewVBox(widget.NewSeparator(),
			paragraph(lang.L("Does the office already work with C2Desk on a shared database? Join it instead; its staff then sign in here."), widget.MediumImportance),
			container.NewHBox(widget.NewButtonWithIcon(lang.L("Join an office…"), theme.LoginIcon(), u.showJoinOffice)))
	}
	u.setContent(column(640, container.NewHBox(widget.NewIcon(Icon), title), intro, form, actions, problemLabel, join))
	u.win.Canvas().Focus(name)
}

// showSignIn asks who is working, preselecting the last choice, and asks
// for the PIN when that person has one.
func (u *UI) showSignIn(st startState) {
	var active []app.Staff
	for _, s := range st.staff {
		if s.Active {
			active = append(active, s)
		}
	}
	u.signInPeople = active
	title := heading(lang.L("Who is working?"))
	pin := widget.NewPasswordEntry()
	pin.SetPlaceHolder(lang.L("PIN"))
	pinRow := widget.NewForm(widget.NewFormItem(lang.L("PIN"), pin))
	pinRow.Hide()
	problemLabel := paragraph("", widget.DangerImportance)
	problemLabel.Hide()
	notice := u.sessionEndedNotice()
	selected := -1
	list, listBox := peopleList(active)
	var cont *widget.Button
	list.OnSelected = func(i widget.ListItemID) {
		selected = i
		problemLabel.Hide()
		pin.SetText("")
		if active[i].HasPIN {
			pinRow.Show()
			u.win.Canvas().Focus(pin)
		} else {
			pinRow.Hide()
			// The tapped list took the keyboard; Enter must reach the screen.
			u.win.Canvas().Unfocus()
		}
		cont.Enable()
	}
	submit := func() {
		if selected < 0 || cont.Disabled() {
			return
		}
		cont.Disable()
		id, p := active[selected].ID, pin.Text
		core := u.core
		background(u, func(ctx context.Context) (*app.Session, error) {
			return core.SignIn(ctx, id, p)
		}, func(s *app.Session, err error) {
			cont.Enable()
			if err != nil {
				problemLabel.SetText(sentence(err))
				problemLabel.Show()
				pin.SetText("")
				return
			}
			u.signedIn(s)
		})
	}
	cont = widget.NewButtonWithIcon(lang.L("Continue"), theme.NavigateNextIcon(), submit)
	cont.Importance = widget.HighImportance
	cont.Disable()
	pin.OnSubmitted = func(string) { submit() }

	u.setContent(column(640, container.NewHBox(widget.NewIcon(Icon), title), notice, listBox, pinRow, container.NewHBox(cont), problemLabel))
	u.onEnter = submit
	for i, s := range active {
		if s.ID == st.last {
			list.Select(i)
		}
	}
	if selected < 0 && len(active) > 0 {
		list.Select(0)
	}
}

// sessionEndedNotice says why the last session ended, when another PC
// ended it; hidden otherwise.
func (u *UI) sessionEndedNotice() *widget.Label {
	importance := widget.WarningImportance
	if u.signInNoticeGood {
		importance = widget.SuccessImportance
	}
	notice := paragraph(u.signInNotice, importance)
	if u.signInNotice == "" {
		notice.Hide()
	}
	return notice
}

// peopleList lists the people who may sign in, with their roles, in a box
// that shows up to eight without scrolling.
func peopleList(active []app.Staff) (*widget.List, fyne.CanvasObject) {
	newRow := func() fyne.CanvasObject {
		return container.NewHBox(widget.NewIcon(theme.AccountIcon()), widget.NewLabel("name"), widget.NewLabel("role"))
	}
	list := widget.NewList(func() int { return len(active) }, newRow,
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			row.Objects[1].(*widget.Label).SetText(active[i].Name)
			role := row.Objects[2].(*widget.Label)
			role.SetText(roleText(active[i].Role))
			role.Importance = widget.LowImportance
			role.Refresh()
		})
	rowHeight := newRow().MinSize().Height + theme.SeparatorThicknessSize()
	listHeight := min(float32(len(active)), 8)*rowHeight + 2*theme.Padding()
	return list, container.NewGridWrap(fyne.NewSize(560, listHeight), list)
}

func roleText(role string) string {
	if role == app.RoleAdmin {
		return lang.L("administrator")
	}
	return lang.L("agent")
}

// heading is a screen's title.
func heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameHeadingText
	return l
}

// column stacks objects in a centred, scrollable column at most width wide.
func column(width float32, objects ...fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVScroll(container.NewPadded(container.New(columnLayout{width: width}, container.NewVBox(objects...))))
}

// sentence is an error's plain sentence in the user's language.
func sentence(err error) string {
	key, data := app.Describe(err)
	return translate(key, data)
}

// translate localises a sentence template and, where its values are
// themselves sentences of the catalogue (role names, "nobody"), those too.
func translate(key string, data map[string]any) string {
	if data == nil {
		return lang.L(key)
	}
	local := make(map[string]any, len(data))
	for k, v := range data {
		if s, ok := v.(string); ok {
			local[k] = lang.L(s)
			continue
		}
		local[k] = v
	}
	return lang.L(key, local)
}
