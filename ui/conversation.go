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

// names lets a conversation say who wrote what.
type names struct {
	staff     map[int64]string // staff id › name
	operators map[int64]string // operator id › name
	defaultOp int64            // the default account's operator
	mine      int64            // the operator the signed-in person sends as now
}

// author says who wrote an outgoing message: the staff member, and that
// it went through the default account when it did; else the operator.
func (n names) author(staffID, operatorID int64) string {
	name, known := n.staff[staffID]
	switch {
	case known && operatorID != 0 && operatorID == n.defaultOp:
		return lang.L("{{.Name}} via the default account", map[string]any{"Name": name})
	case known:
		return name
	case n.operators[operatorID] != "":
		return n.operators[operatorID]
	}
	return "Chat2Desk" // written in Chat2Desk itself, by someone C2Desk does not know
}

// conversationView is the right side of the chat window: the chat's
// header, its messages and the composer.
type conversationView struct {
	tab     *chatsTab
	content fyne.CanvasObject
	chat    app.Chat

	// The header: who the client is, where, assigned to whom, how long
	// they have waited; Assign and Close chat.
	title     *widget.Label
	subtitle  *widget.Label
	assign    *widget.Button
	openClose *widget.Button
	header    *fyne.Container
	operator  *widget.Label
	assignee  *widget.Label // who in the office the chat is assigned to
	// waiting says how long the client has waited, beside "No reply
	// needed"; both hidden when nobody waits.
	waiting  *fyne.Container
	waitText *widget.Label
	noReply  *widget.Button
	// top is the header and bottom the composer: a card opened as a
	// drawer lies between them, over the messages only.
	top, bottom *fyne.Container
	// status is the conversation's line for what went wrong, above the
	// composer.
	status *widget.Label
	// card is the client card beside the conversation.
	card *clientCard

	// The rooms, each with its own file: the messages (messagelist.go),
	// the composer (composer.go, reply.go) and files (sendfiles.go,
	// media.go). They reach one another through the view.
	list    *messageList
	compose *composing
	files   *files
}

func newConversationView(t *chatsTab) *conversationView {
	v := &conversationView{tab: t}
	v.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.Truncation = fyne.TextTruncateEllipsis
	v.subtitle = widget.NewLabel("")
	v.subtitle.Importance = widget.LowImportance
	v.subtitle.Truncation = fyne.TextTruncateEllipsis
	// The chat's Chat2Desk operator has a line of its own: at the end of
	// the subtitle it was the first thing cut off in a narrow window.
	v.operator = widget.NewLabel("")
	v.operator.Importance = widget.LowImportance
	v.operator.Truncation = fyne.TextTruncateEllipsis
	v.operator.Hide()
	v.assign = widget.NewButtonWithIcon(lang.L("Assign…"), theme.AccountIcon(), v.showAssign)
	v.openClose = widget.NewButton("", v.toggleOpen)
	v.assignee = widget.NewLabel("")
	v.assignee.Importance = widget.LowImportance
	// The wait wraps rather than being cut: how long is what matters.
	v.waitText = paragraph("", widget.WarningImportance)
	v.noReply = widget.NewButtonWithIcon(lang.L("No reply needed"), theme.ConfirmIcon(), v.noReplyNeeded)
	v.noReply.Importance = widget.LowImportance
	v.waiting = container.NewBorder(nil, nil, nil, container.NewCenter(v.noReply), v.waitText)
	v.waiting.Hide()
	v.header = container.NewBorder(nil, nil, nil, container.NewCenter(container.NewHBox(v.assign, v.openClose)),
		container.New(denseVBox{squeeze: theme.InnerPadding()}, v.title, v.subtitle,
			container.NewBorder(nil, nil, v.assignee, nil, v.operator)))

	v.list = newMessageList(v)
	v.files = newFiles(v)
	v.compose = newComposing(v)
	v.status = paragraph("", widget.DangerImportance)
	v.status.Hide()
	v.bottom = container.NewVBox(v.status, v.compose.box)
	// The waiting line spans the conversation, beside no buttons.
	v.top = container.New(layout.NewCustomPaddedVBoxLayout(0), v.header, v.waiting, widget.NewSeparator())

	body := container.NewBorder(v.top, v.bottom, nil, nil, v.list.scroll)
	v.card = newClientCard(v)
	v.content = container.New(conversationLayout{v.card}, body, v.card.strip, v.card.panel)
	return v
}

// show opens a chat: its header at once, then its messages and the draft.
func (v *conversationView) show(c app.Chat) {
	if v.chat.ID != c.ID {
		v.compose.clear()
		v.status.Hide()
		v.list.clear()
		v.files.clear()
	}
	changed := v.chat.ID != c.ID
	v.chat = c
	v.updateHeader()
	v.list.load(true)
	if changed || v.card.dialogID != c.ID {
		v.card.load(c.ID, true)
	}
	id := c.ID
	background(v.tab.u, func(ctx context.Context) (string, error) {
		return v.tab.session.Draft(ctx, id)
	}, func(d string, err error) {
		if err == nil && v.chat.ID == id && v.compose.field.Text == "" && d != "" {
			v.compose.setText(d)
		}
	})
	v.tab.u.win.Canvas().Focus(v.compose.field)
	if changed {
		v.refreshFromChat2Desk(id)
	}
}

// refreshFromChat2Desk reads the opened chat from Chat2Desk again: a
// transfer or a close made in its own app shows at once.
func (v *conversationView) refreshFromChat2Desk(id int64) {
	background(v.tab.u, func(ctx context.Context) (bool, error) {
		return v.tab.session.RefreshChat(ctx, id)
	}, func(changed bool, err error) {
		if err != nil || !changed || v.chat.ID != id {
			return // the chat as stored stands; the poller tries again
		}
		v.tab.reload()
		v.list.load(false)
	})
}

// updateHeader shows the chat's client, channel, messenger and state.
func (v *conversationView) updateHeader() {
	c := v.chat
	v.title.SetText(chatTitle(c))
	sub := chatPlace(c.ChannelName, c.Transport, "") // the phone before "closed"
	if c.ClientName != "" && c.ClientPhone != "" {
		sub = append(sub, phoneText(c.ClientPhone))
	}
	if name := v.tab.names.operators[c.OperatorID]; name != "" {
		v.operator.SetText(lang.L("Chat2Desk operator: {{.Name}}", map[string]any{"Name": name}))
		v.operator.Show()
	} else {
		v.operator.Hide()
	}
	if name, ok := v.tab.names.staff[c.Assignee]; ok && c.Assignee != 0 {
		v.assignee.SetText(lang.L("Assigned to {{.Name}}", map[string]any{"Name": name}))
	} else {
		v.assignee.SetText(lang.L("Assigned to nobody"))
	}
	if c.State == app.DialogClosed {
		sub = append(sub, lang.L("closed"))
		v.openClose.SetText(lang.L("Reopen"))
		v.openClose.SetIcon(theme.MailReplyIcon())
	} else {
		v.openClose.SetText(lang.L("Close chat"))
		v.openClose.SetIcon(theme.ConfirmIcon())
	}
	v.subtitle.SetText(strings.Join(sub, " · "))
	if !c.WaitingSince.IsZero() && c.State != app.DialogClosed {
		v.waitText.SetText(lang.L("The client has waited for an answer for {{.Time}}.", map[string]any{"Time": waitedFor(time.Since(c.WaitingSince))}))
		v.waiting.Show()
	} else {
		v.waiting.Hide()
	}
	// The buttons' new labels change their width, and the operator's line
	// the header's height, which the containers only take into account
	// when laid out again.
	v.content.Refresh()
}

func (v *conversationView) say(text string) { say(v.status, text, widget.DangerImportance) }

// showAssign picks who the chat belongs to.
func (v *conversationView) showAssign() {
	id := v.chat.ID
	type choices struct {
		staff  []app.Staff
		groups []app.OperatorGroup
	}
	core := v.tab.u.core
	background(v.tab.u, func(ctx context.Context) (choices, error) {
		var c choices
		var err error
		if c.staff, err = core.StaffList(ctx); err != nil {
			return c, err
		}
		c.groups, err = core.OperatorGroups(ctx)
		return c, err
	}, func(c choices, err error) {
		if err != nil {
			v.say(sentence(err))
			return
		}
		nobody := lang.L("Nobody")
		options := []string{nobody}
		byName := map[string]int64{nobody: 0}
		groupByName := map[string]int64{}
		current := nobody
		for _, st := range c.staff {
			if !st.Active {
				continue
			}
			options = append(options, st.Name)
			byName[st.Name] = st.ID
			if st.ID == v.chat.Assignee {
				current = st.Name
			}
		}
		// Then Chat2Desk's operator groups: the chat goes to the group,
		// and Chat2Desk gives it to one of its operators.
		for _, g := range c.groups {
			name := lang.L("Operator group {{.Name}}", map[string]any{"Name": g.Name})
			options = append(options, name)
			groupByName[name] = g.ID
		}
		personHint := lang.L("The chat appears under “Mine” for this person. If they have their own Chat2Desk operator, the dialog is transferred to it in Chat2Desk too.")
		groupHint := lang.L("Chat2Desk transfers the chat to the group, and one of its operators takes it. In C2Desk the chat is then assigned to nobody.")
		hint := paragraph(personHint, widget.LowImportance)
		pick := newEscSelect(v.tab.u, options, func(chosen string) {
			if _, group := groupByName[chosen]; group {
				hint.SetText(groupHint)
			} else {
				hint.SetText(personHint)
			}
		})
		pick.SetSelected(current)
		d := dialog.NewForm(lang.L("Assign the chat"), lang.L("Assign"), lang.L("Cancel"),
			[]*widget.FormItem{widget.NewFormItem(lang.L("Assign to"), pick), widget.NewFormItem("", hint)}, func(ok bool) {
				if !ok {
					return
				}
				staffID := byName[pick.Selected]
				groupID, toGroup := groupByName[pick.Selected]
				background(v.tab.u, func(ctx context.Context) (struct{}, error) {
					if toGroup {
						return struct{}{}, v.tab.session.TransferToGroup(ctx, id, groupID)
					}
					return struct{}{}, v.tab.session.Assign(ctx, id, staffID)
				}, func(_ struct{}, err error) {
					if err != nil {
						v.say(sentence(err))
						return
					}
					if v.chat.ID == id {
						v.chat.Assignee = staffID // nobody after a transfer to a group
						v.updateHeader()
					}
					v.tab.reload()
				})
			}, v.tab.u.win)
		d.Resize(fyne.NewSize(480, 280))
		v.tab.u.showDialog(d)
	})
}

// noReplyNeeded takes the chat out of Waiting: the client's messages
// shown need no answer (one that arrives meanwhile still waits).
func (v *conversationView) noReplyNeeded() {
	id, through := v.chat.ID, v.list.newestID
	v.noReply.Disable()
	background(v.tab.u, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, v.tab.session.NoReplyNeeded(ctx, id, through)
	}, func(_ struct{}, err error) {
		v.noReply.Enable()
		if err != nil {
			v.say(sentence(err))
			return
		}
		if v.chat.ID == id {
			v.answered()
		}
		v.tab.reload()
	})
}

// answered stops the header counting the client's wait: an answer went,
// or nobody needs to write one.
func (v *conversationView) answered() {
	if v.chat.WaitingSince.IsZero() {
		return
	}
	v.chat.WaitingSince = time.Time{}
	v.updateHeader()
}

// toggleOpen closes an open chat or reopens a closed one.
func (v *conversationView) toggleOpen() {
	id, open := v.chat.ID, v.chat.State == app.DialogClosed
	v.openClose.Disable()
	background(v.tab.u, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, v.tab.session.SetOpen(ctx, id, open)
	}, func(_ struct{}, err error) {
		v.openClose.Enable()
		if err != nil {
			v.say(sentence(err))
			return
		}
		if v.chat.ID == id {
			c := v.chat
			c.State = app.DialogClosed
			if open {
				c.State = app.DialogOpen
			}
			v.show(c)
		}
		v.tab.reload()
	})
}
