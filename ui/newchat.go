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
	u := t.u
	type setup struct {
		chans      []app.Channel
		writeFirst app.WriteFirst
	}
	background(u, func(ctx context.Context) (setup, error) {
		chans, err := t.session.WritableChannels(ctx)
		if err != nil {
			return setup{}, err
		}
		w, err := u.core.WriteFirst(ctx)
		return setup{chans: chans, writeFirst: w}, err
	}, func(st setup, err error) {
		if err != nil {
			t.showBanner(sentence(err), false)
			return
		}
		chans := st.chans
		phone := newEscEntry(u, nil)
		phone.SetPlaceHolder("+7 905 000-00-00")
		transport := newEscSelect(u, nil, nil)
		transport.PlaceHolder = lang.L("Choose the messenger")
		var transports []string
		channelNames := make([]string, len(chans))
		for i, c := range chans {
			channelNames[i] = c.Name
		}
		channel := newEscSelect(u, channelNames, func(name string) {
			transports = nil
			var labels []string
			for _, c := range chans {
				if c.Name == name {
					for _, tr := range c.Transports {
						transports = append(transports, tr)
						labels = append(labels, translate(app.TransportName(tr), nil))
					}
				}
			}
			transport.SetOptions(labels)
			if len(labels) > 0 {
				transport.SetSelectedIndex(0)
			}
		})
		channel.PlaceHolder = lang.L("Choose the channel")
		if len(chans) == 1 {
			channel.SetSelectedIndex(0)
		}
		text := newEscEntry(u, multiLine)
		text.Wrapping = fyne.TextWrapWord
		text.SetMinRowsVisible(4)
		text.SetPlaceHolder(lang.L("First message"))
		problem := paragraph("", widget.DangerImportance)
		problem.Hide()
		form := widget.NewForm(
			widget.NewFormItem(lang.L("Phone"), phone),
			widget.NewFormItem(lang.L("Channel"), channel),
			widget.NewFormItem(lang.L("Messenger"), transport),
			widget.NewFormItem(lang.L("Message"), text),
		)
		var d dialog.Dialog
		start := widget.NewButton(lang.L("Write"), nil)
		start.Importance = widget.HighImportance
		cancel := widget.NewButton(lang.L("Cancel"), func() { d.Hide() })
		start.OnTapped = func() {
			nc := app.NewChat{Phone: phone.Text, Text: text.Text}
			for _, c := range chans {
				if c.Name == channel.Selected {
					nc.ChannelID = c.ID
				}
			}
			if i := transport.SelectedIndex(); i >= 0 && i < len(transports) {
				nc.Transport = transports[i]
			}
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
		fields := []fyne.Disableable{phone, channel, transport, text, start}
		allow := func(on bool) {
			tariff.Hidden = on
			for _, f := range fields {
				if on {
					f.Enable()
				} else {
					f.Disable()
				}
			}
		}
		body := container.NewVBox(tariff, form, problem, container.NewHBox(layout.NewSpacer(), cancel, start))
		d = dialog.NewCustomWithoutButtons(lang.L("New chat"), body, u.win)
		d.Resize(fyne.NewSize(540, 1)) // as tall as the form needs
		allow(st.writeFirst != app.WriteFirstRefused)
		if st.writeFirst == app.WriteFirstRefused {
			background(u, u.core.CheckWriteFirst, func(w app.WriteFirst, err error) {
				if err == nil && w != app.WriteFirstRefused {
					allow(true)
					body.Refresh()
					d.Resize(fyne.NewSize(540, 1))
					u.win.Canvas().Focus(phone)
				}
			})
		}
		u.showDialog(d)
		if st.writeFirst != app.WriteFirstRefused {
			u.win.Canvas().Focus(phone)
		}
	})
}
