package ui

import (
	"context"
	"maps"
	"strings"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// operatorsTab maps Chat2Desk operators to staff and picks the default
// account. Changes are a draft until "Save" stores them in one transaction.
type operatorsTab struct {
	ui    *UI
	view  app.MappingView
	draft app.Mapping
	// reloads counts the mapping's reads: only the newest one's answer
	// is shown, as an older one may come back after it.
	reloads int

	load     *loadBar
	table    *widget.Table
	summary  *widget.Label
	warnings *widget.Label
	unsaved  *widget.Label
	save     *widget.Button
	discard  *widget.Button
	note     *widget.Label

	content fyne.CanvasObject
}

const (
	colOperator = iota
	colRole
	colOnline
	colOwner
	colDefault
)

var operatorColumnWidths = []float32{380, 150, 80, 230, 140}

func operatorColumnTitles() []string {
	return []string{lang.L("Operator"), lang.L("Role in Chat2Desk"), lang.L("Online"), lang.L("Owner"), lang.L("Default account")}
}

func newOperatorsTab(u *UI) *operatorsTab {
	t := &operatorsTab{ui: u, draft: app.Mapping{Owners: map[int64]int64{}}}
	t.load = newLoadBar(u, lang.L("Load operators from Chat2Desk"), func(ctx context.Context) (func() string, error) {
		ch, skipped, err := u.session.LoadOperators(ctx)
		return func() string { return changesSentence(ch, skipped) }, err
	}, t.reload)

	t.table = newColumnTable(operatorColumnTitles(), operatorColumnWidths, func() int { return len(t.view.Operators) },
		t.createCell, t.updateCell)

	t.summary = paragraph("", widget.MediumImportance)
	t.summary.TextStyle.Bold = true
	t.warnings = paragraph("", widget.WarningImportance)
	t.warnings.Hide()
	t.unsaved = widget.NewLabel(lang.L("Unsaved changes"))
	t.unsaved.Importance = widget.WarningImportance
	t.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), func() { t.store(nil) })
	t.save.Importance = widget.HighImportance
	t.discard = widget.NewButton(lang.L("Discard changes"), t.discardDraft)
	t.note = paragraph("", widget.MediumImportance)
	t.note.Hide()

	top := container.NewVBox(paragraph(lang.L("Give each Chat2Desk operator its owner from the staff, and choose the default account: staff without an operator of their own send through it."), widget.MediumImportance), t.load.content)
	bottom := container.NewVBox(t.summary, t.warnings, container.NewHBox(t.save, t.discard, t.unsaved, layout.NewSpacer()), t.note)
	t.content = container.NewBorder(container.NewPadded(top), container.NewPadded(bottom), nil, nil, t.table)
	t.showDirty()
	t.reload()
	return t
}

// cell holds every kind of content an operator cell can show; update shows one.
type operatorCell struct {
	label  *widget.Label
	owner  *widget.Select
	choose *widget.Button
}

func (t *operatorsTab) createCell() fyne.CanvasObject {
	label := widget.NewLabel("")
	label.Truncation = fyne.TextTruncateEllipsis
	owner := widget.NewSelect(nil, nil)
	choose := widget.NewButtonWithIcon("", theme.RadioButtonIcon(), nil)
	choose.Importance = widget.LowImportance
	return container.NewStack(label, owner, container.NewHBox(choose))
}

func cellParts(o fyne.CanvasObject) operatorCell {
	c := o.(*fyne.Container)
	return operatorCell{label: c.Objects[0].(*widget.Label), owner: c.Objects[1].(*widget.Select), choose: c.Objects[2].(*fyne.Container).Objects[0].(*widget.Button)}
}

func (t *operatorsTab) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	cell := cellParts(o)
	cell.label.Hide()
	cell.owner.Hide()
	cell.choose.Hide()
	if id.Row >= len(t.view.Operators) {
		return
	}
	op := t.view.Operators[id.Row]
	usable := app.OperatorUsable(op)
	cell.label.Importance = widget.MediumImportance
	if !usable {
		cell.label.Importance = widget.LowImportance
	}
	switch id.Col {
	case colOperator:
		text := app.OperatorName(op)
		if op.Email != "" && op.Email != text {
			text += " · " + op.Email
		}
		cell.label.SetText(text)
		cell.label.Show()
	case colRole:
		cell.label.SetText(operatorState(op))
		cell.label.Show()
	case colOnline:
		if op.Online {
			cell.label.SetText(lang.L("online"))
		} else {
			cell.label.SetText("—")
		}
		cell.label.Show()
	case colOwner:
		t.fillOwner(cell.owner, op)
		cell.owner.Show()
	case colDefault:
		if t.draft.Default == op.ID {
			cell.choose.SetIcon(theme.RadioButtonCheckedIcon())
		} else {
			cell.choose.SetIcon(theme.RadioButtonIcon())
		}
		opID := op.ID
		cell.choose.OnTapped = func() { t.chooseDefault(opID) }
		if usable {
			cell.choose.Enable()
		} else {
			cell.choose.Disable()
		}
		cell.choose.Show()
	}
}

// operatorState is the operator's Chat2Desk role, as the account names it
// when Chat2Desk says ("Супервайзер", a custom right), or why it cannot send.
func operatorState(op app.Operator) string {
	if !op.RemovedAt.IsZero() {
		return lang.L("gone from Chat2Desk")
	}
	switch op.Role {
	case app.OperatorRoleDisabled:
		return lang.L("disabled")
	case app.OperatorRoleDeleted:
		return lang.L("deleted")
	}
	if op.RoleName != "" {
		return op.RoleName // the account's own name, in its own language
	}
	switch op.Role {
	case app.OperatorRoleAdmin:
		return lang.L("administrator")
	case app.OperatorRoleSupervisor:
		return lang.L("supervisor")
	case app.OperatorRoleOperator:
		return lang.L("operator")
	case app.OperatorRoleUnconfirmed:
		return lang.L("unconfirmed")
	}
	return op.Role
}

func nobody() string { return lang.L("— nobody —") }

// fillOwner offers the active staff as the operator's owner. An operator
// that cannot send (disabled, deleted, gone) can be given to nobody; an
// owner it had from before can only be taken away.
func (t *operatorsTab) fillOwner(sel *widget.Select, op app.Operator) {
	sel.OnChanged = nil // set below; SetSelected must not count as an edit
	usable := app.OperatorUsable(op)
	options := []string{nobody()}
	current := nobody()
	for _, st := range t.view.Staff {
		owner := t.draft.Owners[op.ID] == st.ID
		if owner {
			current = st.Name
		}
		if st.Active && (usable || owner) {
			options = append(options, st.Name)
		}
	}
	sel.Options = options
	sel.SetSelected(current)
	if usable || current != nobody() {
		sel.Enable()
	} else {
		sel.Disable()
	}
	opID := op.ID
	sel.OnChanged = func(name string) { t.setOwner(opID, name) }
}

// setOwner gives an operator to a staff member. A person owns one operator
// at most, so picking someone moves them here from their old operator.
func (t *operatorsTab) setOwner(opID int64, name string) {
	delete(t.draft.Owners, opID)
	for _, st := range t.view.Staff {
		if st.Name == name {
			for op, owner := range t.draft.Owners {
				if owner == st.ID {
					delete(t.draft.Owners, op)
				}
			}
			t.draft.Owners[opID] = st.ID
		}
	}
	t.changed()
}

func (t *operatorsTab) chooseDefault(opID int64) {
	t.draft.Default = opID
	t.changed()
}

func (t *operatorsTab) changed() {
	t.table.Refresh()
	t.showDirty()
	t.note.Hide()
}

func (t *operatorsTab) dirty() bool {
	return t.draft.Default != t.view.Mapping.Default || !maps.Equal(t.draft.Owners, t.view.Mapping.Owners)
}

// showDirty updates everything that depends on the draft: the unsaved mark,
// the buttons, the summary and the warnings.
func (t *operatorsTab) showDirty() {
	if t.dirty() {
		t.unsaved.Show()
		t.save.Enable()
		t.discard.Enable()
	} else {
		t.unsaved.Hide()
		t.save.Disable()
		t.discard.Disable()
	}
	t.summary.SetText(summarySentence(app.Summarize(t.view, t.draft)))
	if w := t.warningText(); w != "" {
		t.warnings.SetText(w)
		t.warnings.Show()
	} else {
		t.warnings.Hide()
	}
}

func summarySentence(s app.MappingSummary) string {
	if s.Own == 0 && s.ViaDefault == 0 {
		return lang.L("Nobody can send yet: give operators to staff or choose the default account.")
	}
	text := lang.L("Staff who send as themselves: {{.Own}}; through the default account ({{.Default}}): {{.Via}}.",
		map[string]any{"Own": s.Own, "Via": s.ViaDefault, "Default": s.DefaultName})
	if s.Cannot > 0 {
		text += " " + lang.L("Cannot send: {{.Count}}.", map[string]any{"Count": s.Cannot})
	}
	return text
}

// warningText names operators that cannot send but are still mapped or default.
func (t *operatorsTab) warningText() string {
	var lines []string
	for _, op := range t.view.Operators {
		if app.OperatorUsable(op) {
			continue
		}
		data := map[string]any{"Operator": app.OperatorName(op), "State": operatorState(op)}
		if owner, ok := t.draft.Owners[op.ID]; ok {
			for _, st := range t.view.Staff {
				if st.ID == owner {
					data["Name"] = st.Name
				}
			}
			lines = append(lines, "⚠ "+lang.L("{{.Operator}} is {{.State}} but still given to {{.Name}}; they will send through the default account.", data))
		}
		if t.draft.Default == op.ID {
			lines = append(lines, "⚠ "+lang.L("{{.Operator}} is {{.State}} but still the default account; choose another.", data))
		}
	}
	return strings.Join(lines, "\n")
}

// reload reads the mapping from the database, keeping unsaved edits (after
// loading operators, or when another PC changed the mapping, the edit in
// progress is not thrown away).
func (t *operatorsTab) reload() {
	t.reloads++
	n := t.reloads
	background(t.ui, t.ui.session.Mapping, func(v app.MappingView, err error) {
		if n != t.reloads {
			return // a newer read is on its way
		}
		if err != nil {
			t.load.show(sentence(err), widget.DangerImportance)
			return
		}
		wasDirty := t.dirty()
		t.view = v
		if !wasDirty {
			t.draft = app.Mapping{Owners: maps.Clone(v.Mapping.Owners), Default: v.Mapping.Default}
		}
		t.table.Refresh()
		t.showDirty()
	})
}

// discardDraft goes back to the saved mapping at once, then reads it anew.
func (t *operatorsTab) discardDraft() {
	t.draft = app.Mapping{Owners: maps.Clone(t.view.Mapping.Owners), Default: t.view.Mapping.Default}
	t.table.Refresh()
	t.showDirty()
	t.reload()
}

// store saves the draft; then runs after it succeeded.
func (t *operatorsTab) store(then func()) {
	t.save.Disable()
	draft := app.Mapping{Owners: maps.Clone(t.draft.Owners), Default: t.draft.Default}
	background(t.ui, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, t.ui.session.SaveMapping(ctx, draft)
	}, func(_ struct{}, err error) {
		if err != nil {
			t.save.Enable()
			t.note.Importance = widget.DangerImportance
			t.note.SetText(sentence(err))
			t.note.Show()
			return
		}
		t.view.Mapping = draft
		t.showDirty()
		t.note.Importance = widget.SuccessImportance
		t.note.SetText(lang.L("Saved."))
		t.note.Show()
		if then != nil {
			then()
		}
	})
}

// guardLeaving asks before leaving the tab with unsaved changes.
func (t *operatorsTab) guardLeaving(tabs *container.AppTabs, mine *container.TabItem) {
	tabs.OnSelected = func(next *container.TabItem) {
		if next == mine || !t.dirty() {
			return
		}
		tabs.Select(mine)
		var d *dialog.CustomDialog
		saveButton := widget.NewButton(lang.L("Save"), func() {
			d.Hide()
			t.store(func() { tabs.Select(next) })
		})
		saveButton.Importance = widget.HighImportance
		discardButton := widget.NewButton(lang.L("Discard changes"), func() {
			d.Hide()
			t.draft = app.Mapping{Owners: maps.Clone(t.view.Mapping.Owners), Default: t.view.Mapping.Default}
			t.changed()
			tabs.Select(next)
		})
		stay := widget.NewButton(lang.L("Stay here"), func() { d.Hide() })
		d = dialog.NewCustomWithoutButtons(lang.L("Save changes to operators?"),
			container.NewVBox(widget.NewLabel(lang.L("The operator mapping has unsaved changes.")), container.NewHBox(layout.NewSpacer(), stay, discardButton, saveButton)), t.ui.win)
		t.ui.showDialog(d)
	}
}
