package ui

import (
	"context"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// showNewChat asks for a phone number, a channel and messenger, and a first
// message, then writes to the client first. The dialog stays open on a
// refusal, with the reason, so nothing typed is lost.
func showNewChat(t *chatsTab) {
	type setup struct {
		chans      []app.Channel
		writeFirst app.WriteFirst
	}
	core := t.u.core
	background(t.u, func(ctx context.Context) (setup, error) {
		chans, err := t.session.WritableChannels(ctx)
		if err != nil {
			return setup{}, err
		}
		w, err := core.WriteFirst(ctx)
		return setup{chans: chans, writeFirst: w}, err
	}, func(st setup, err error) {
		if err != nil {
			t.showBanner(sentence(err), false)
			return
		}
		t.newChatDialog(newNewChatForm(t.u, st.chans), st.writeFirst)
	})
}

// newChatForm is the New chat dialog's fields.
type newChatForm struct {
	phone, text        *escEntry
	channel, transport *escSelect
	chans              []app.Channel
	transports         []string // the chosen channel's, in transport's order
}

func newNewChatForm(u *UI, chans []app.Channel) *newChatForm {
	f := &newChatForm{chans: chans}
	f.phone = newEscEntry(u, nil)
	f.phone.SetPlaceHolder("+7 905 000-00-00")
	f.transport = newEscSelect(u, nil, nil)
	f.transport.PlaceHolder = lang.L("Choose the messenger")
	channelNames := make([]string, len(chans))
	for i, c := range chans {
		channelNames[i] = c.Name
	}
	f.channel = newEscSelect(u, channelNames, f.channelChosen)
	f.channel.PlaceHolder = lang.L("Choose the channel")
	if len(chans) == 1 {
		f.channel.SetSelectedIndex(0)
	}
	f.text = newEscEntry(u, multiLine)
	f.text.Wrapping = fyne.TextWrapWord
	f.text.SetMinRowsVisible(4)
	f.text.SetPlaceHolder(lang.L("First message"))
	return f
}

// channelChosen offers the channel's messengers, the first chosen.
func (f *newChatForm) channelChosen(name string) {
	f.transports = nil
	var labels []string
	for _, c := range f.chans {
		if c.Name == name {
			for _, tr := range c.Transports {
				f.transports = append(f.transports, tr)
				labels = append(labels, translate(app.TransportName(tr), nil))
			}
		}
	}
	f.transport.SetOptions(labels)
	if len(labels) > 0 {
		f.transport.SetSelectedIndex(0)
	}
}

// chat is what the form asks for.
func (f *newChatForm) chat() app.NewChat {
	nc := app.NewChat{Phone: f.phone.Text, Text: f.text.Text}
	for _, c := range f.chans {
		if c.Name == f.channel.Selected {
			nc.ChannelID = c.ID
		}
	}
	if i := f.transport.SelectedIndex(); i >= 0 && i < len(f.transports) {
		nc.Transport = f.transports[i]
	}
	return nc
}

// newChatDialog shows the form; Write starts the chat and opens it.
func (t *chatsTab) newChatDialog(f *newChatForm, writeFirst app.WriteFirst) {
	u := t.u
	problem := paragraph("", widget.DangerImportance)
	problem.Hide()
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Phone"), f.phone),
		widget.NewFormItem(lang.L("Channel"), f.channel),
		widget.NewFormItem(lang.L("Messenger"), f.transport),
		widget.NewFormItem(lang.L("Message"), f.text),
	)
	var d dialog.Dialog
	start := widget.NewButton(lang.L("Write"), nil)
	start.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.L("Cancel"), func() { d.Hide() })
	start.OnTapped = func() {
		nc := f.chat()
		start.Disable()
		background(u, func(ctx context.Context) (app.OutboxItem, error) {
			return t.session.StartChat(ctx, nc)
		}, func(it app.OutboxItem, err error) {
			start.Enable()
			if err != nil {
				say(problem, sentence(err), widget.DangerImportance)
				return
			}
			d.Hide()
			t.openByID(it.DialogID)
		})
	}
	// The tariff may not allow writing first: said before anyone types,
	// with the form off. Chat2Desk is asked again meanwhile, as the
	// option may have been turned on since.
	tariff := paragraph(translate(app.MsgWriteFirstOff, nil), widget.WarningImportance)
	fields := []fyne.Disableable{f.phone, f.channel, f.transport, f.text, start}
	allow := func(on bool) {
		tariff.Hidden = on
		for _, field := range fields {
			if on {
				field.Enable()
			} else {
				field.Disable()
			}
		}
	}
	body := container.NewVBox(tariff, form, problem, container.NewHBox(layout.NewSpacer(), cancel, start))
	d = dialog.NewCustomWithoutButtons(lang.L("New chat"), body, u.win)
	d.Resize(fyne.NewSize(540, 1)) // as tall as the form needs
	allow(writeFirst != app.WriteFirstRefused)
	if writeFirst == app.WriteFirstRefused {
		background(u, u.core.CheckWriteFirst, func(w app.WriteFirst, err error) {
			if err == nil && w != app.WriteFirstRefused {
				allow(true)
				body.Refresh()
				d.Resize(fyne.NewSize(540, 1))
				u.win.Canvas().Focus(f.phone)
			}
		})
	}
	u.showDialog(d)
	if writeFirst != app.WriteFirstRefused {
		u.win.Canvas().Focus(f.phone)
	}
}
