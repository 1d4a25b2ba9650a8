package ui

import (
	"context"
	"strconv"
	"strings"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// channelsTab lists the account's channels and sets who sees their chats.
type channelsTab struct {
	ui       *UI
	channels []app.ChannelView
	staff    []app.Staff
	selected int

	load  *loadBar
	table *widget.Table
	empty *widget.Label
	// emptyBox holds empty over the table's body, under its titles.
	emptyBox fyne.CanvasObject

	ruleCard   *widget.Card
	visibility *widget.RadioGroup
	chosen     *widget.CheckGroup
	saveRule   *widget.Button
	remove     *widget.Button
	ruleNote   *widget.Label

	content fyne.CanvasObject
}

var channelColumnWidths = []float32{190, 135, 55, 230, 130, 230}

// channelColumnTitles are the header texts. "ID" is not translated: it reads
// the same in Russian, and go-i18n reserves it as a key.
func channelColumnTitles() []string {
	return []string{lang.L("Channel"), lang.L("Phone"), "ID", lang.L("Messengers"), lang.L("Loaded"), lang.L("Who sees new chats")}
}

func newChannelsTab(u *UI) *channelsTab {
	t := &channelsTab{ui: u, selected: -1}
	t.load = newLoadBar(u, lang.L("Load channels from Chat2Desk"), func(ctx context.Context) (func() string, error) {
		ch, skipped, err := u.session.LoadChannels(ctx)
		return func() string { return changesSentence(ch, skipped) }, err
	}, t.reload)

	t.table = newColumnTable(channelColumnTitles(), channelColumnWidths, func() int { return len(t.channels) },
		// Two lines a row: long channel names and messenger lists wrap
		// instead of being cut at 1024 pixels.
		func() fyne.CanvasObject {
			l := widget.NewLabel("two\nlines")
			l.Wrapping = fyne.TextWrapWord
			return l
		},
		t.updateCell)
	t.table.OnSelected = func(id widget.TableCellID) { t.selectChannel(id.Row) }
	t.empty = paragraph(lang.L("No channels yet. Load them from Chat2Desk."), widget.MediumImportance)
	t.emptyBox = belowTableHeader(container.NewPadded(t.empty))
	t.emptyBox.Hide()

	t.visibility = widget.NewRadioGroup([]string{lang.L("Everyone"), lang.L("Administrators only"), lang.L("Chosen staff")}, func(string) { t.ruleChanged() })
	t.visibility.Horizontal = true
	t.chosen = widget.NewCheckGroup(nil, nil)
	t.chosen.Horizontal = true
	t.saveRule = widget.NewButtonWithIcon(lang.L("Save rule"), theme.DocumentSaveIcon(), t.storeRule)
	t.saveRule.Importance = widget.HighImportance
	t.remove = widget.NewButtonWithIcon(lang.L("Remove from C2Desk"), theme.DeleteIcon(), t.confirmRemove)
	t.remove.Importance = widget.DangerImportance
	t.ruleNote = paragraph("", widget.MediumImportance)
	t.ruleNote.Hide()
	t.ruleCard = widget.NewCard("", "", container.NewVBox(
		widget.NewLabel(lang.L("Who may see chats that start on this channel:")), t.visibility, t.chosen,
		container.NewHBox(t.saveRule, t.remove), t.ruleNote))
	t.ruleCard.Hide()

	top := container.NewVBox(paragraph(lang.L("Each channel is one phone number with its messengers. New channels are visible to administrators only until you choose who sees them."), widget.MediumImportance), t.load.content)
	t.content = container.NewBorder(container.NewPadded(top), container.NewPadded(t.ruleCard), nil, nil, container.NewStack(t.table, t.emptyBox))
	t.reload()
	return t
}

// reload reads the channels and staff from the database.
func (t *channelsTab) reload() {
	type data struct {
		chans []app.ChannelView
		staff []app.Staff
	}
	background(t.ui, func(ctx context.Context) (data, error) {
		chans, err := t.ui.session.Channels(ctx)
		if err != nil {
			return data{}, err
		}
		staff, err := t.ui.core.StaffList(ctx)
		return data{chans, staff}, err
	}, func(d data, err error) {
		if err != nil {
			t.load.show(sentence(err), widget.DangerImportance)
			return
		}
		t.channels, t.staff = d.chans, d.staff
		if len(t.channels) > 0 {
			t.emptyBox.Hide()
		} else {
			t.emptyBox.Show()
		}
		t.table.Refresh()
		if t.selected >= len(t.channels) {
			t.selected = -1
			t.ruleCard.Hide()
		}
		if t.selected >= 0 {
			t.selectChannel(t.selected)
		}
	})
}

func (t *channelsTab) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id.Row >= len(t.channels) {
		l.SetText("")
		return
	}
	c := t.channels[id.Row]
	l.TextStyle = fyne.TextStyle{}
	l.Importance = widget.MediumImportance
	switch {
	case !c.RemovedAt.IsZero():
		l.Importance = widget.LowImportance
	case !c.Rule.Set:
		l.Importance = widget.WarningImportance
	}
	switch id.Col {
	case 0:
		name := c.Name
		switch {
		case !c.RemovedAt.IsZero():
			name = lang.L("{{.Name}} (removed in Chat2Desk)", map[string]any{"Name": c.Name})
		case !c.Rule.Set:
			name = "• " + c.Name
			l.TextStyle.Bold = true
		}
		l.SetText(name)
	case 1:
		l.SetText(formatPhone(c.Phone))
	case 2:
		l.SetText(strconv.FormatInt(c.ID, 10))
	case 3:
		names := make([]string, len(c.Transports))
		for i, tr := range c.Transports {
			names[i] = lang.L(app.TransportName(tr))
		}
		l.SetText(strings.Join(names, ", "))
	case 4:
		l.SetText(formatDateTime(c.LoadedAt))
	case 5:
		if !c.Rule.Set {
			l.SetText(lang.L("Not chosen: administrators only"))
			return
		}
		l.SetText(t.ruleText(c.Rule))
	}
}

func (t *channelsTab) ruleText(r app.ChannelRule) string {
	switch r.Visibility {
	case app.VisibleToEveryone:
		return lang.L("Everyone")
	case app.VisibleToListed:
		var names []string
		for _, id := range r.Staff {
			for _, s := range t.staff {
				if s.ID == id {
					names = append(names, s.Name)
				}
			}
		}
		return strings.Join(names, ", ")
	}
	return lang.L("Administrators only")
}

// formatPhone shows 73222233223 as +7 322 223 32 23; other forms unchanged.
func formatPhone(p string) string {
	if len(p) != 11 || strings.Trim(p, "0123456789") != "" {
		return p
	}
	return "+" + p[:1] + " " + p[1:4] + " " + p[4:7] + " " + p[7:9] + " " + p[9:]
}

func (t *channelsTab) selectChannel(row int) {
	if row < 0 || row >= len(t.channels) {
		return
	}
	t.selected = row
	c := t.channels[row]
	t.ruleCard.SetTitle(c.Name)
	var names []string
	var picked []string
	for _, s := range t.staff {
		if !s.Active {
			continue
		}
		names = append(names, s.Name)
		for _, id := range c.Rule.Staff {
			if id == s.ID {
				picked = append(picked, s.Name)
			}
		}
	}
	t.chosen.Options = names
	t.chosen.SetSelected(picked)
	switch c.Rule.Visibility {
	case app.VisibleToEveryone:
		t.visibility.SetSelected(lang.L("Everyone"))
	case app.VisibleToListed:
		t.visibility.SetSelected(lang.L("Chosen staff"))
	default:
		t.visibility.SetSelected(lang.L("Administrators only"))
	}
	t.ruleChanged()
	t.ruleNote.Hide()
	if c.RemovedAt.IsZero() {
		t.ruleCard.SetSubTitle(lang.L("Channel {{.ID}}", map[string]any{"ID": c.ID}))
		t.remove.Hide()
	} else {
		t.ruleCard.SetSubTitle(lang.L("Removed in Chat2Desk. Its chats' history stays in C2Desk."))
		t.remove.Show()
	}
	t.ruleCard.Show()
}

func (t *channelsTab) ruleChanged() {
	t.chosen.Hidden = t.visibility.Selected != lang.L("Chosen staff")
	t.chosen.Refresh()
}

func (t *channelsTab) storeRule() {
	if t.selected < 0 {
		return
	}
	r := app.ChannelRule{ChannelID: t.channels[t.selected].ID, Visibility: app.VisibleToAdmins}
	switch t.visibility.Selected {
	case lang.L("Everyone"):
		r.Visibility = app.VisibleToEveryone
	case lang.L("Chosen staff"):
		r.Visibility = app.VisibleToListed
		for _, name := range t.chosen.Selected {
			for _, s := range t.staff {
				if s.Name == name {
					r.Staff = append(r.Staff, s.ID)
				}
			}
		}
	}
	t.saveRule.Disable()
	background(t.ui, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, t.ui.session.SetChannelRule(ctx, r)
	}, func(_ struct{}, err error) {
		t.saveRule.Enable()
		if err != nil {
			t.ruleNote.Importance = widget.DangerImportance
			t.ruleNote.SetText(sentence(err))
			t.ruleNote.Show()
			return
		}
		t.reload()
		t.ruleNote.Importance = widget.SuccessImportance
		t.ruleNote.SetText(lang.L("Saved."))
		t.ruleNote.Show()
	})
}

func (t *channelsTab) confirmRemove() {
	if t.selected < 0 {
		return
	}
	c := t.channels[t.selected]
	d := dialog.NewConfirm(lang.L("Remove this channel?"),
		lang.L("{{.Name}} is gone from Chat2Desk. Remove it from C2Desk? The history of its chats stays.", map[string]any{"Name": c.Name}),
		func(ok bool) {
			if !ok {
				return
			}
			background(t.ui, func(ctx context.Context) (struct{}, error) {
				return struct{}{}, t.ui.session.RemoveChannel(ctx, c.ID)
			}, func(_ struct{}, err error) {
				if err != nil {
					t.ruleNote.Importance = widget.DangerImportance
					t.ruleNote.SetText(sentence(err))
					t.ruleNote.Show()
					return
				}
				t.selected = -1
				t.ruleCard.Hide()
				t.reload()
			})
		}, t.ui.win)
	d.SetConfirmText(lang.L("Remove"))
	d.SetDismissText(lang.L("Cancel"))
	d.SetConfirmImportance(widget.DangerImportance)
	t.ui.showDialog(d)
}
