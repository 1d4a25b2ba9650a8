package ui

import (
	"context"
	"slices"
	"time"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// settingsTab shows the connection and loads channels and operators.
type settingsTab struct {
	ui *UI

	notice   *widget.Label
	company  *widget.Label
	host     *widget.Label
	requests *widget.Label
	checked  *widget.Label

	refresh    *widget.Button
	replace    *widget.Button
	disconnect *widget.Button

	counts     *widget.Label
	load       *loadBar
	remind     *widget.Select
	officeNote *widget.Label

	content fyne.CanvasObject
}

func newSettingsTab(u *UI, st app.Status, notice string) *settingsTab {
	t := &settingsTab{ui: u}

	t.notice = paragraph(notice, widget.SuccessImportance)
	if notice == "" {
		t.notice.Hide()
	}

	t.company = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.host = widget.NewLabel(u.core.AccountAPIHost(st))
	t.requests = widget.NewLabel("")
	t.checked = widget.NewLabel("")
	t.showConnection(st.Connection)

	t.refresh = widget.NewButtonWithIcon(lang.L("Check again"), theme.ViewRefreshIcon(), t.checkAgain)
	t.replace = widget.NewButtonWithIcon(lang.L("Replace token"), theme.DocumentCreateIcon(), func() { u.showConnect(true) })
	t.disconnect = widget.NewButtonWithIcon(lang.L("Disconnect"), theme.LogoutIcon(), t.confirmDisconnect)
	t.disconnect.Importance = widget.DangerImportance

	details := widget.NewForm(
		widget.NewFormItem(lang.L("Company"), t.company),
		widget.NewFormItem(lang.L("API server"), t.host),
		widget.NewFormItem(lang.L("API requests this month"), t.requests),
		widget.NewFormItem(lang.L("Last checked"), t.checked),
	)
	connectionParts := container.NewVBox(details)
	if !st.TokenHere {
		// An office PC that joined: Chat2Desk is called from the PC with
		// the token, and disconnecting the office's account is done there.
		connectionParts.Add(paragraph(translate(app.MsgTokenElsewhere, nil), widget.MediumImportance))
		t.refresh.Disable()
		t.disconnect.Hide()
	}
	connectionParts.Add(container.NewHBox(t.refresh, t.replace, t.disconnect))
	connection := widget.NewCard(lang.L("Chat2Desk connection"), "", connectionParts)

	t.counts = paragraph("", widget.MediumImportance)
	t.showCounts(st)
	t.load = newLoadBar(u, lang.L("Load channels and operators from Chat2Desk"), func(ctx context.Context) (func() string, error) {
		res, err := u.session.Sync(ctx)
		return func() string { return syncSummary(res) }, err
	}, func() {
		t.refreshCounts()
		// The Channels and Operators tabs show what was just loaded.
		u.refreshAdminTabs(app.Changed{Channels: true, Operators: true})
	})
	if !st.TokenHere {
		t.load.button.Disable()
	}
	data := widget.NewCard(lang.L("Channels and operators"), "", container.NewVBox(t.counts, t.load.content))

	t.officeNote = paragraph("", widget.MediumImportance)
	t.officeNote.Hide()
	exportButton := widget.NewButtonWithIcon(lang.L("Export settings…"), theme.UploadIcon(), t.chooseExport)
	importButton := widget.NewButtonWithIcon(lang.L("Import settings…"), theme.DownloadIcon(), t.chooseImport)
	office := widget.NewCard(lang.L("Other computers of the office"), "", container.NewVBox(
		paragraph(lang.L("Export the staff, operator mapping, default account and channel rules to a file, and import it on the office's other computers. The token and PINs are never in the file."), widget.MediumImportance),
		container.NewHBox(exportButton, importButton), t.officeNote))

	// The page first: the file storage card's fields hand it the wheel.
	page := container.NewVScroll(nil)
	column := container.NewVBox(t.notice)
	if u.opts.Demo {
		column.Add(paragraph(lang.L("Demo: C2Desk is connected to a built-in sample Chat2Desk account. Nothing you do here reaches a real account."), widget.WarningImportance))
	}
	column.Add(connection)
	column.Add(data)
	column.Add(t.newWaitingCard())
	column.Add(newFileStorageCard(u, page).content)
	if !u.core.Office() {
		// In an office every computer reads the same settings: nothing to
		// carry between them in a file.
		column.Add(office)
	}
	column.Add(newDesktopCard(u))
	page.Content = container.NewPadded(container.New(columnLayout{width: 760}, column))
	t.content = page
	return t
}

// remindChoices are the reminder times offered, in minutes (0: off).
var remindChoices = []int{0, 2, 5, 10, 15, 30, 60}

// newWaitingCard sets when everyone who may see a chat is reminded that
// its client still waits for an answer: the office's setting, the same
// on every PC.
func (t *settingsTab) newWaitingCard() fyne.CanvasObject {
	label := func(m int) string {
		if m == 0 {
			return lang.L("Never")
		}
		return lang.L("After {{.M}} minutes without an answer", map[string]any{"M": m})
	}
	options := make([]string, len(remindChoices))
	for i, m := range remindChoices {
		options[i] = label(m)
	}
	saved := paragraph("", widget.SuccessImportance)
	saved.Hide()
	var loaded bool
	t.remind = widget.NewSelect(options, func(chosen string) {
		if !loaded {
			return // showing the stored value, not a choice
		}
		m := remindChoices[slices.Index(options, chosen)]
		background(t.ui, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, t.ui.session.SetRemindAfter(ctx, time.Duration(m)*time.Minute)
		}, func(_ struct{}, err error) {
			if err != nil {
				say(saved, sentence(err), widget.DangerImportance)
				return
			}
			say(saved, lang.L("Saved for every computer of the office."), widget.SuccessImportance)
		})
	})
	background(t.ui, t.ui.core.RemindAfter, func(d time.Duration, err error) {
		if i := slices.Index(remindChoices, int(d/time.Minute)); err == nil && i >= 0 {
			t.remind.SetSelected(options[i])
		} else if err == nil {
			t.remind.PlaceHolder = label(int(d / time.Minute)) // set elsewhere to a time not offered here
			t.remind.Refresh()
		}
		loaded = true
	})
	return widget.NewCard(lang.L("Chats waiting for an answer"), "", container.NewVBox(
		paragraph(lang.L("When a client has waited this long, everyone who may see the chat gets a notification."), widget.MediumImportance),
		widget.NewForm(widget.NewFormItem(lang.L("Remind"), t.remind)), saved))
}

func (t *settingsTab) showConnection(c app.Connection) {
	t.company.SetText(c.Company)
	t.requests.SetText(formatCount(c.RequestsThisMonth))
	if c.CheckedAt.IsZero() {
		t.checked.SetText("—")
	} else {
		t.checked.SetText(formatDateTime(c.CheckedAt))
	}
}

func (t *settingsTab) showCounts(st app.Status) {
	if st.Channels == 0 && st.Operators == 0 {
		t.counts.SetText(lang.L("Nothing loaded yet. Load the account's channels and operators to set up who sees which chats."))
		return
	}
	t.counts.SetText(lang.L("Loaded channels: {{.Channels}}, operators: {{.Operators}}.",
		map[string]any{"Channels": st.Channels, "Operators": st.Operators}))
}

func (t *settingsTab) checkAgain() {
	t.refresh.Disable()
	background(t.ui, t.ui.session.Refresh, func(c app.Connection, err error) {
		t.refresh.Enable()
		if err != nil {
			say(t.notice, sentence(err), widget.DangerImportance)
			return
		}
		t.notice.Hide()
		t.showConnection(c)
	})
}

func (t *settingsTab) confirmDisconnect() {
	d := dialog.NewConfirm(lang.L("Disconnect Chat2Desk?"),
		lang.L("The token will be removed from this computer's keyring. Chats stop updating until the account is connected again. Loaded channels, operators and history stay."),
		func(ok bool) {
			if ok {
				t.doDisconnect()
			}
		}, t.ui.win)
	d.SetConfirmText(lang.L("Disconnect"))
	d.SetDismissText(lang.L("Cancel"))
	d.SetConfirmImportance(widget.DangerImportance)
	t.ui.showDialog(d)
}

func (t *settingsTab) doDisconnect() {
	t.disconnect.Disable()
	background(t.ui, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, t.ui.session.Disconnect(ctx)
	}, func(_ struct{}, err error) {
		t.disconnect.Enable()
		if err != nil {
			say(t.notice, sentence(err), widget.DangerImportance)
			return
		}
		t.ui.showConnect(false)
	})
}

func (t *settingsTab) refreshCounts() {
	background(t.ui, t.ui.core.Status, func(st app.Status, err error) {
		if err == nil {
			t.showCounts(st)
		}
	})
}

// syncSummary says in one sentence what a load changed.
func syncSummary(r app.SyncResult) string {
	text := lang.L("Channels: {{.New}} new, {{.Updated}} changed, {{.Gone}} gone from Chat2Desk.",
		map[string]any{"New": r.Channels.New, "Updated": r.Channels.Updated, "Gone": r.Channels.Gone}) + " " +
		lang.L("Operators: {{.New}} new, {{.Updated}} changed, {{.Gone}} gone from Chat2Desk.",
			map[string]any{"New": r.Operators.New, "Updated": r.Operators.Updated, "Gone": r.Operators.Gone})
	if r.Skipped > 0 {
		text += " " + lang.L("Records from Chat2Desk that could not be read and were skipped: {{.Count}}. See the log.", map[string]any{"Count": r.Skipped})
	}
	return text
}
