package ui

import (
	"context"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// staffTab lists the agency's staff and adds, edits and deactivates them.
type staffTab struct {
	ui       *UI
	staff    []app.Staff
	selected int

	list     *widget.List
	edit     *widget.Button
	activate *widget.Button
	note     *widget.Label
	content  fyne.CanvasObject
}

func newStaffTab(u *UI) *staffTab {
	t := &staffTab{ui: u, selected: -1}
	t.list = widget.NewList(func() int { return len(t.staff) },
		func() fyne.CanvasObject {
			name := widget.NewLabel("name")
			name.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.AccountIcon()),
				container.NewHBox(widget.NewLabel("role"), widget.NewLabel("pin"), widget.NewLabel("state")), name)
		},
		t.updateRow)
	t.list.OnSelected = func(i widget.ListItemID) {
		t.selected = i
		t.showButtons()
	}
	add := widget.NewButtonWithIcon(lang.L("Add staff member"), theme.ContentAddIcon(), func() { t.openEditor(nil) })
	add.Importance = widget.HighImportance
	t.edit = widget.NewButtonWithIcon(lang.L("Edit"), theme.DocumentCreateIcon(), func() {
		if t.selected >= 0 {
			st := t.staff[t.selected]
			t.openEditor(&st)
		}
	})
	t.activate = widget.NewButton(lang.L("Deactivate"), t.toggleActive)
	t.note = paragraph("", widget.MediumImportance)
	t.note.Hide()
	t.showButtons()
	intro := paragraph(lang.L("Everyone who works in C2Desk on this computer. Deactivated staff cannot sign in, but their messages keep their name."), widget.MediumImportance)
	if u.core.Office() {
		intro.SetText(lang.L("Everyone who works in C2Desk on the office's computers: they sign in on any of them. Deactivated staff cannot sign in, but their messages keep their name."))
	}
	top := container.NewVBox(intro, container.NewHBox(add, t.edit, t.activate), t.note)
	t.content = container.NewBorder(container.NewPadded(top), nil, nil, nil, t.list)
	t.reload()
	return t
}

func (t *staffTab) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(t.staff) {
		return
	}
	st := t.staff[i]
	row := o.(*fyne.Container)
	name := row.Objects[0].(*widget.Label)
	right := row.Objects[2].(*fyne.Container)
	name.SetText(st.Name)
	right.Objects[0].(*widget.Label).SetText(roleText(st.Role))
	pin := right.Objects[1].(*widget.Label)
	if st.HasPIN {
		pin.SetText(lang.L("PIN set"))
	} else {
		pin.SetText(lang.L("no PIN"))
	}
	state := right.Objects[2].(*widget.Label)
	if st.Active {
		state.SetText(lang.L("active"))
		state.Importance = widget.SuccessImportance
		name.Importance = widget.MediumImportance
	} else {
		state.SetText(lang.L("deactivated"))
		state.Importance = widget.LowImportance
		name.Importance = widget.LowImportance
	}
	state.Refresh()
	name.Refresh()
}

func (t *staffTab) showButtons() {
	if t.selected < 0 || t.selected >= len(t.staff) {
		t.edit.Disable()
		t.activate.Disable()
		return
	}
	t.edit.Enable()
	t.activate.Enable()
	if t.staff[t.selected].Active {
		t.activate.SetText(lang.L("Deactivate"))
	} else {
		t.activate.SetText(lang.L("Activate"))
	}
}

func (t *staffTab) reload() {
	background(t.ui, t.ui.core.StaffList, func(staff []app.Staff, err error) {
		if err != nil {
			say(t.note, sentence(err), widget.DangerImportance)
			return
		}
		var keep int64
		if t.selected >= 0 && t.selected < len(t.staff) {
			keep = t.staff[t.selected].ID
		}
		t.staff = staff
		t.selected = -1
		for i, st := range staff {
			if st.ID == keep {
				t.selected = i
			}
		}
		t.list.Refresh()
		if t.selected >= 0 {
			t.list.Select(t.selected)
		}
		t.showButtons()
	})
}

func (t *staffTab) toggleActive() {
	if t.selected < 0 {
		return
	}
	st := t.staff[t.selected]
	background(t.ui, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, t.ui.session.SetStaffActive(ctx, st.ID, !st.Active)
	}, func(_ struct{}, err error) {
		if err != nil {
			say(t.note, sentence(err), widget.DangerImportance)
			return
		}
		t.note.Hide()
		t.reload()
	})
}

// openEditor shows the add (st nil) or edit dialog. It stays open on a
// refusal, so nothing typed is lost.
func (t *staffTab) openEditor(st *app.Staff) {
	name := newEscEntry(t.ui, nil)
	admin, agent := lang.L("Administrator"), lang.L("Agent")
	role := widget.NewRadioGroup([]string{agent, admin}, nil)
	role.Horizontal = true
	role.Required = true
	role.SetSelected(agent)
	pin := newEscEntry(t.ui, password)
	pin.SetPlaceHolder(lang.L("Optional, 4 to 12 digits"))
	removePIN := widget.NewCheck(lang.L("Remove the PIN"), func(on bool) {
		if on {
			pin.SetText("")
			pin.Disable()
		} else {
			pin.Enable()
		}
	})
	removePIN.Hide()
	title := lang.L("Add staff member")
	if st != nil {
		title = lang.L("Edit {{.Name}}", map[string]any{"Name": st.Name})
		name.SetText(st.Name)
		if st.Role == app.RoleAdmin {
			role.SetSelected(admin)
		}
		if st.HasPIN {
			pin.SetPlaceHolder(lang.L("Leave empty to keep the PIN"))
			removePIN.Show()
		}
	}
	problemLabel := paragraph("", widget.DangerImportance)
	problemLabel.Hide()
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Name"), name),
		widget.NewFormItem(lang.L("Role"), role),
		widget.NewFormItem(lang.L("PIN"), container.NewVBox(pin, removePIN)),
	)
	var d *dialog.CustomDialog
	var save *widget.Button
	save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), func() {
		in := app.StaffInput{Name: name.Text, Role: app.RoleAgent}
		if role.Selected == admin {
			in.Role = app.RoleAdmin
		}
		switch {
		case removePIN.Checked:
			empty := ""
			in.PIN = &empty
		case pin.Text != "":
			p := pin.Text
			in.PIN = &p
		case st == nil:
			empty := ""
			in.PIN = &empty
		}
		save.Disable()
		background(t.ui, func(ctx context.Context) (app.Staff, error) {
			if st == nil {
				return t.ui.session.AddStaff(ctx, in)
			}
			return t.ui.session.UpdateStaff(ctx, st.ID, in)
		}, func(saved app.Staff, err error) {
			save.Enable()
			if err != nil {
				say(problemLabel, sentence(err), widget.DangerImportance)
				return
			}
			d.Hide()
			t.reload()
		})
	})
	save.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.L("Cancel"), func() { d.Hide() })
	name.OnSubmitted = func(string) { save.OnTapped() }
	content := container.NewVBox(form, problemLabel, container.NewHBox(layout.NewSpacer(), cancel, save))
	d = dialog.NewCustomWithoutButtons(title, content, t.ui.win)
	d.Resize(fyne.NewSize(520, d.MinSize().Height))
	t.ui.showDialog(d)
	t.ui.win.Canvas().Focus(name)
}
