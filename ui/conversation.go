package ui

import (
	"context"
	"strings"
	"sync/atomic"
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

// pageSize is how many messages one step of history loads.
const pageSize = 50

// draftSaveDelay is how long after the last keystroke a draft is saved.
const draftSaveDelay = 700 * time.Millisecond

// names lets a conversation say who wrote what.
type names struct {
	staff     map[int64]string // staff id › name
	operators map[int64]string // operator id › name
	defaultOp int64            // the default account's operator
	mine      int64            // the operator the signed-in person sends as now
}

// conversationView is the right side of the chat window: the chat's
// header, its messages and the composer.
type conversationView struct {
	tab     *chatsTab
	content fyne.CanvasObject

	chat      app.Chat
	title     *widget.Label
	subtitle  *widget.Label
	assign    *widget.Button
	openClose *widget.Button

	msgs     *fyne.Container
	scroll   *container.Scroll
	older    *widget.Button
	oldestID int64
	// columns counts the message columns built (a chat opened, its
	// messages read again), so that an earlier page knows whether the
	// column it was asked for is still shown.
	columns int
	count   int // messages shown
	loading bool

	composer  *composerEntry
	note      *widget.Check
	send      *widget.Button
	templates *widget.Button
	header    *fyne.Container
	operator  *widget.Label
	assignee  *widget.Label // who in the office the chat is assigned to
	// waiting says how long the client has waited, beside "No reply
	// needed"; both hidden when nobody waits.
	waiting   *fyne.Container
	waitText  *widget.Label
	noReply   *widget.Button
	newestID  int64 // the newest message shown
	status    *widget.Label
	draftSave *time.Timer
	// settingText is set while C2Desk itself changes the composer's text.
	settingText bool
	// replying is the message the next one answers (nil: none), shown in
	// replyBar above the composer.
	replying  *app.Message
	replyBar  *fyne.Container
	replyText *widget.Label
	// card is the client card beside the conversation.
	card *clientCard
	// top is the header and bottom the composer: a card opened as a
	// drawer lies between them, over the messages only.
	top, bottom *fyne.Container
	// media is what is known of the open chat's files.
	media map[string]*mediaState
	// attach is the paperclip; preview the files about to be sent, if any.
	attach  *widget.Button
	preview *filePreview
	// progress holds the bars of the files being uploaded, by outbox item;
	// uploadsShown tells the window's ticker whether any is shown.
	progress     map[int64]*widget.ProgressBar
	uploadsShown atomic.Bool
}

func newConversationView(t *chatsTab) *conversationView {
	v := &conversationView{tab: t, media: map[string]*mediaState{}, progress: map[int64]*widget.ProgressBar{}}
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

	v.msgs = container.New(messagesLayout{width: func() float32 { return v.scroll.Size().Width }})
	v.scroll = container.NewVScroll(v.msgs)
	v.scroll.OnScrolled = func(p fyne.Position) {
		if p.Y <= 0 && v.older.Visible() {
			v.loadOlder()
		}
	}
	v.older = widget.NewButtonWithIcon(lang.L("Show earlier messages"), theme.MoveUpIcon(), v.loadOlder)
	v.older.Importance = widget.LowImportance

	v.composer = newComposerEntry(v.sendNow, v.composerChanged)
	v.composer.onEscape = v.cancelReply
	v.composer.onPasteFiles = v.attachPaths
	v.composer.onPasteNoText = v.attachClipboardImage
	v.note = widget.NewCheck(lang.L("Internal note"), func(on bool) { v.notePlaceholder() })
	v.notePlaceholder()
	v.send = widget.NewButtonWithIcon(lang.L("Send"), theme.MailSendIcon(), v.sendNow)
	v.send.Importance = widget.HighImportance
	v.templates = widget.NewButtonWithIcon(lang.L("Quick replies"), theme.DocumentIcon(), func() { v.showTemplates("") })
	v.status = paragraph("", widget.DangerImportance)
	v.status.Hide()
	v.attach = widget.NewButtonWithIcon("", theme.MailAttachmentIcon(), v.attachFile)
	tools := container.NewHBox(v.attach, v.templates, v.note, layout.NewSpacer(), v.send)
	v.replyBar = v.newReplyBar()
	v.bottom = container.NewVBox(v.status, v.replyBar, v.composer, tools)
	// The waiting line spans the conversation, beside no buttons.
	v.top = container.New(layout.NewCustomPaddedVBoxLayout(0), v.header, v.waiting, widget.NewSeparator())

	body := container.NewBorder(v.top, v.bottom, nil, nil, v.scroll)
	v.card = newClientCard(v)
	v.content = container.New(conversationLayout{v.card}, body, v.card.strip, v.card.panel)
	return v
}

func (v *conversationView) notePlaceholder() {
	if v.note.Checked {
		v.composer.SetPlaceHolder(lang.L("Internal note: colleagues see it, the client does not"))
		return
	}
	v.composer.SetPlaceHolder(lang.L("Write a message… (Enter sends, Shift+Enter starts a new line, / for quick replies)"))
}

// show opens a chat: its header at once, then its messages and the draft.
func (v *conversationView) show(c app.Chat) {
	if v.chat.ID != c.ID {
		v.flushDraft()
		v.setComposer("")
		v.note.SetChecked(false)
		v.cancelReply()
		v.status.Hide()
		v.msgs.RemoveAll()
		v.columns++
		// Nothing of the chat left is earlier than what this one shows:
		// emptying the column scrolls it to the top, which asks for that.
		v.oldestID, v.newestID = 0, 0
		v.older.Hide()
		v.count = 0
		v.media = map[string]*mediaState{}
	}
	changed := v.chat.ID != c.ID
	v.chat = c
	v.updateHeader()
	v.load(true)
	if changed || v.card.dialogID != c.ID {
		v.card.load(c.ID, true)
	}
	id := c.ID
	background(v.tab.u, func(ctx context.Context) (string, error) {
		return v.tab.session.Draft(ctx, id)
	}, func(d string, err error) {
		if err == nil && v.chat.ID == id && v.composer.Text == "" && d != "" {
			v.setComposer(d)
		}
	})
	v.tab.u.win.Canvas().Focus(v.composer)
}

// setComposer puts text in the composer as C2Desk's own doing (a chat
// opened, its draft read back), not as typing: no draft is saved for it.
// Clearing the composer when leaving a chat used to save "" as that chat's
// draft 700 ms later, deleting it.
func (v *conversationView) setComposer(text string) {
	v.settingText = true
	defer func() { v.settingText = false }()
	v.composer.SetText(text)
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

// load reads the newest messages again (as many as are shown, at least a
// page) and the chat's outbox, then marks the chat read.
func (v *conversationView) load(toBottom bool) {
	id, limit := v.chat.ID, max(v.count, pageSize)
	atBottom := toBottom || v.scroll.Offset.Y+v.scroll.Size().Height >= v.msgs.MinSize().Height-40
	unread := v.tab.unreadIn(id)
	background(v.tab.u, func(ctx context.Context) (app.Conversation, error) {
		conv, err := v.tab.session.Conversation(ctx, id, 0, limit)
		if err == nil && unread {
			err = v.tab.session.MarkRead(ctx, id)
		}
		return conv, err
	}, func(conv app.Conversation, err error) {
		if v.chat.ID != id {
			return
		}
		if err != nil {
			v.say(sentence(err))
			return
		}
		v.render(conv.Messages, conv.Outbox, len(conv.Messages) == limit)
		if atBottom {
			v.scroll.ScrollToBottom()
		}
		v.tab.markedRead(id)
	})
}

// render rebuilds the message column.
func (v *conversationView) render(msgs []app.Message, outbox []app.OutboxItem, more bool) {
	rows := make([]fyne.CanvasObject, 0, len(msgs)+len(outbox)+1)
	v.older.Hidden = !more
	rows = append(rows, container.NewCenter(v.older))
	clear(v.progress)
	rows = append(rows, v.messageRows(msgs)...)
	for _, it := range outbox {
		rows = append(rows, v.outboxRow(it))
	}
	if len(msgs) > 0 {
		newest := msgs[len(msgs)-1].ID
		if v.newestID != 0 && newest != v.newestID {
			// A new message may be the last answer the card tells of.
			v.card.load(v.chat.ID, false)
		}
		v.oldestID, v.newestID = msgs[0].ID, newest
	}
	v.count = len(msgs)
	v.msgs.Objects = rows
	v.columns++
	v.uploadsShown.Store(len(v.progress) > 0)
	v.msgs.Refresh()
	v.scroll.Refresh()
}

func (v *conversationView) messageRows(msgs []app.Message) []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, v.messageRow(m))
	}
	return out
}

// loadOlder adds the page of history before the oldest message shown.
func (v *conversationView) loadOlder() {
	if v.loading || v.oldestID == 0 {
		return
	}
	v.loading = true
	id, before, column := v.chat.ID, v.oldestID, v.columns
	background(v.tab.u, func(ctx context.Context) (app.Conversation, error) {
		return v.tab.session.Conversation(ctx, id, before, pageSize)
	}, func(conv app.Conversation, err error) {
		v.loading = false
		if v.chat.ID != id || v.columns != column {
			// The column was emptied (another chat opened, maybe this one
			// again) or built anew meanwhile: the page was for one that
			// is gone. Scrolling up asks again.
			return
		}
		if err != nil {
			v.say(sentence(err))
			return
		}
		v.older.Hidden = len(conv.Messages) < pageSize
		if len(conv.Messages) == 0 {
			v.older.Refresh()
			return
		}
		height := v.msgs.MinSize().Height
		rows := append([]fyne.CanvasObject{v.msgs.Objects[0]}, v.messageRows(conv.Messages)...)
		v.msgs.Objects = append(rows, v.msgs.Objects[1:]...)
		v.oldestID = conv.Messages[0].ID
		v.count += len(conv.Messages)
		v.msgs.Refresh()
		v.scroll.Refresh()
		// Keep the message that was on top where it was.
		v.scroll.ScrollToOffset(fyne.NewPos(0, v.msgs.MinSize().Height-height))
	})
}

// messageRow draws a stored message in the style of its kind. Client
// messages and answers to the client can be replied to; notes and
// Chat2Desk's own messages cannot (the client never saw them).
func (v *conversationView) messageRow(m app.Message) fyne.CanvasObject {
	b := bubbleParts{text: m.Text, atts: m.Attachments, meta: shortTime(m.CreatedAt, time.Now()), metaImportance: widget.LowImportance,
		replyTo: m.ReplyTo, quote: m.Quote}
	if m.Type == app.TypeFromClient || m.Type == app.TypeToClient {
		b.onReply = func() { v.replyTo(m) }
	}
	switch m.Type {
	case app.TypeFromClient:
		b.side = sideLeft
		return v.bubble(b)
	case app.TypeSystem, app.TypeAutoreply:
		label := lang.L("System")
		if m.Type == app.TypeAutoreply {
			label = lang.L("Autoreply")
		}
		b.meta, b.side = label+" · "+b.meta, sideCenter
		return v.bubble(b)
	}
	b.meta = v.author(m.Author, m.OperatorID) + " · " + b.meta
	b.delivered = m.Type == app.TypeToClient // confirmed by Chat2Desk
	if m.Type == app.TypeComment {
		b.kind = lang.L("Internal note")
	}
	b.side, b.metaImportance = sideRight, widget.MediumImportance
	return v.bubble(b)
}

// author says who wrote an outgoing message: the staff member, and that
// it went through the default account when it did; else the operator.
func (v *conversationView) author(staffID, operatorID int64) string {
	n := v.tab.names
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

// outboxRow draws a message that has not been confirmed yet, with its
// state and, when it needs the user, Retry and Discard.
func (v *conversationView) outboxRow(it app.OutboxItem) fyne.CanvasObject {
	var state string
	importance := widget.MediumImportance
	var actions []fyne.CanvasObject
	switch it.State {
	case app.OutboxFailed:
		state, importance = lang.L("Not sent: {{.Reason}}", map[string]any{"Reason": translate(it.LastError, nil)}), widget.DangerImportance
	case app.OutboxUnclear:
		state, importance = translate(app.MsgUnclearSend, nil), widget.WarningImportance
	case app.OutboxSending:
		state = lang.L("Sending…")
	case app.OutboxQueued:
		_, uploading := v.tab.u.core.UploadProgress(it.ID)
		state = lang.L("Queued")
		switch {
		case uploading: // read as queued just before its upload began
			state = lang.L("Sending…")
		case it.LastError != "": // refused for now (rate limit): the next round sends it
			state = lang.L("Queued, C2Desk will send it again: {{.Reason}}", map[string]any{"Reason": translate(it.LastError, nil)})
		}
	default:
		state = lang.L("Queued")
	}
	if it.ID != 0 && (it.State == app.OutboxFailed || it.State == app.OutboxUnclear) {
		id := it.ID
		retry := widget.NewButtonWithIcon(lang.L("Retry"), theme.ViewRefreshIcon(), func() { v.retry(id) })
		discard := widget.NewButtonWithIcon(lang.L("Discard"), theme.DeleteIcon(), func() { v.discard(id) })
		retry.Importance, discard.Importance = widget.MediumImportance, widget.LowImportance
		actions = []fyne.CanvasObject{retry, discard}
	}
	b := bubbleParts{text: it.Text, meta: v.author(it.Author, it.OperatorID) + " · " + state, metaImportance: importance,
		actions: actions, side: sideRight, replyTo: it.ReplyTo, quote: it.Quote,
		outFile: it.File, outboxID: it.ID, uploading: it.State == app.OutboxSending || it.State == app.OutboxQueued}
	if it.Type == app.KindNote {
		b.kind = lang.L("Internal note")
	}
	return v.bubble(b)
}

// bubbleParts is what a message's bubble shows.
type bubbleParts struct {
	text           string
	atts           []app.Attachment
	meta           string // who and when
	delivered      bool   // a tick after meta: Chat2Desk has the message
	metaImportance widget.Importance
	actions        []fyne.CanvasObject
	side           side
	kind           string       // a line above the text, e.g. "Internal note"
	replyTo        int64        // the message quoted, if any
	quote          *app.Message // that message, when stored and visible
	onReply        func()       // the reply action; nil: none
	// outFile is a file on its way out, from the outbox item outboxID;
	// uploading: it may be being uploaded now or soon.
	outFile   *app.OutboxFile
	outboxID  int64
	uploading bool
}

// bubble assembles a message: optional kind line, the quoted message,
// text, attachments as links, and a small line saying who and when (with
// the reply action, and any other actions).
func (v *conversationView) bubble(b bubbleParts) fyne.CanvasObject {
	text, s, kind := b.text, b.side, b.kind
	parts := []fyne.CanvasObject{}
	natural := float32(0)
	if kind != "" {
		k := widget.NewLabelWithStyle(kind, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		k.Importance = widget.WarningImportance
		k.SizeName = theme.SizeNameCaptionText
		parts = append(parts, k)
	}
	if b.replyTo != 0 {
		q, w := v.quoteBlock(b.quote)
		parts = append(parts, q)
		natural = max(natural, w)
	}
	if text != "" {
		body := widget.NewLabel(text)
		body.Wrapping = fyne.TextWrapWord
		if s == sideCenter {
			body.Alignment = fyne.TextAlignCenter
			body.Importance = widget.LowImportance
		}
		body.Selectable = true
		parts = append(parts, body)
		natural = max(natural, textWidth(text, fyne.TextStyle{}, theme.TextSize()))
	}
	// Photos sit side by side, as many as the bubble has room for; other
	// files are cards, one under another.
	var photos []app.Attachment
	for _, a := range b.atts {
		if isPhoto(a) {
			photos = append(photos, a)
			continue
		}
		parts = append(parts, v.fileCard(a, attachmentKindOf(a)))
		natural = max(natural, fileCardWidth)
	}
	if len(photos) > 0 {
		grid := &photoGrid{cell: thumbFor(len(photos) > 1)}
		views := make([]fyne.CanvasObject, len(photos))
		for i, a := range photos {
			views[i] = v.photoView(a, grid.cell)
		}
		parts = append(parts, container.New(grid, views...))
		natural = max(natural, grid.natural(len(photos)))
	}
	if b.outFile != nil {
		parts = append(parts, v.outgoingFile(b.outboxID, b.outFile, b.uploading))
		natural = max(natural, fileCardWidth)
	}
	line, width, beside := metaOf(b)
	parts = append(parts, line)
	natural = max(natural, width) + beside
	if len(b.actions) > 0 {
		parts = append(parts, container.NewHBox(append([]fyne.CanvasObject{layout.NewSpacer()}, b.actions...)...))
		natural = max(natural, 260)
	}
	settings := v.tab.u.fyneApp.Settings()
	fill := bubbleFill(settings.Theme(), settings.ThemeVariant(), kind != "", s)
	return newBubble(container.New(tightVBox{}, parts...), natural, s, fill)
}

// metaOf is a bubble's last line: who and when, kept to the bubble's
// side, with Reply at its outer edge and the delivery tick; the width its
// text would like, and what the icons beside it add to the bubble's.
func metaOf(b bubbleParts) (line fyne.CanvasObject, width, beside float32) {
	info := widget.NewLabel(b.meta)
	info.Importance = b.metaImportance
	info.SizeName = theme.SizeNameCaptionText
	info.Wrapping = fyne.TextWrapWord
	switch b.side {
	case sideRight:
		info.Alignment = fyne.TextAlignTrailing
	case sideCenter:
		info.Alignment = fyne.TextAlignCenter
	default:
		info.Alignment = fyne.TextAlignLeading
	}
	width = textWidth(b.meta, fyne.TextStyle{}, theme.CaptionTextSize())
	if b.onReply == nil {
		return info, width, 0
	}
	parts := []fyne.CanvasObject{info, newTapIcon(theme.MailReplyIcon(), lang.L("Reply"), b.onReply)}
	beside = theme.IconInlineSize() + theme.Padding()
	if b.delivered {
		parts = append(parts, deliveryTick())
		beside += theme.CaptionTextSize() + theme.Padding()
	}
	return container.New(metaLine{iconFirst: b.side == sideRight}, parts...), width, beside
}

// tightVBox stacks objects without the theme's padding between them, so a
// bubble's lines sit together.
type tightVBox struct{}

func (tightVBox) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for _, o := range objects {
		h := o.MinSize().Height - theme.InnerPadding()/2
		if _, isBox := o.(*fyne.Container); isBox {
			h = o.MinSize().Height
		}
		o.Move(fyne.NewPos(0, y-theme.InnerPadding()/4))
		o.Resize(fyne.NewSize(size.Width, h+theme.InnerPadding()/2))
		y += h
	}
}

func (tightVBox) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objects {
		m := o.MinSize()
		s.Width = max(s.Width, m.Width)
		if _, isBox := o.(*fyne.Container); isBox {
			s.Height += m.Height
		} else {
			s.Height += m.Height - theme.InnerPadding()/2
		}
	}
	return s
}

// sendNow queues the composer's text and sends it. The message shows at
// once; it is written to the outbox before any network call, and a refusal
// puts the text back in the composer with the reason.
func (v *conversationView) sendNow() {
	text := strings.TrimSpace(v.composer.Text)
	if text == "" || v.chat.ID == 0 {
		return
	}
	kind := app.KindReply
	if v.note.Checked {
		kind = app.KindNote
	}
	id := v.chat.ID
	out := app.Outgoing{DialogID: id, Text: text, Kind: kind}
	var quote *app.Message
	if v.replying != nil {
		out.ReplyTo, quote = v.replying.ID, v.replying
	}
	pending := v.outboxRow(app.OutboxItem{Text: text, Type: kind, Author: v.tab.session.Staff().ID, State: app.OutboxSending,
		OperatorID: v.tab.names.mine, ReplyTo: out.ReplyTo, Quote: quote})
	v.msgs.Add(pending)
	v.scroll.ScrollToBottom()
	v.composer.SetText("")
	v.cancelReply()
	v.status.Hide()
	// A failed delivery shows on the message itself, with Retry.
	background(v.tab.u, func(ctx context.Context) (delivery error, err error) {
		return v.tab.session.Send(ctx, out)
	}, func(delivery error, err error) {
		if v.chat.ID != id {
			return
		}
		if err != nil {
			v.msgs.Remove(pending)
			if v.composer.Text == "" {
				v.composer.SetText(text)
				if quote != nil && v.replying == nil {
					v.replyTo(*quote)
				}
			}
			v.say(sentence(err))
			return
		}
		if delivery == nil && kind == app.KindReply && !v.chat.WaitingSince.IsZero() {
			v.chat.WaitingSince = time.Time{} // answered: the header stops counting
			v.updateHeader()
		}
		v.load(true)
		v.tab.reload()
	})
}

func (v *conversationView) retry(id int64) {
	background(v.tab.u, func(ctx context.Context) (app.OutboxItem, error) {
		return v.tab.session.Retry(ctx, id)
	}, func(_ app.OutboxItem, err error) {
		if err != nil {
			v.say(sentence(err))
		}
		v.load(false)
	})
}

func (v *conversationView) discard(id int64) {
	v.tab.u.showDialog(dialog.NewConfirm(lang.L("Discard this message?"), lang.L("It was not sent and will be deleted."), func(ok bool) {
		if !ok {
			return
		}
		background(v.tab.u, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, v.tab.session.Discard(ctx, id)
		}, func(_ struct{}, err error) {
			if err != nil {
				v.say(sentence(err))
			}
			v.load(false)
		})
	}, v.tab.u.win))
}

func (v *conversationView) say(text string) { say(v.status, text, widget.DangerImportance) }

// composerChanged saves the draft shortly after typing stops, so it
// survives a crash or a restart, and offers quick replies after "/".
func (v *conversationView) composerChanged(text string) {
	if v.settingText {
		return
	}
	if strings.HasPrefix(text, "/") && !strings.ContainsAny(text, " \n") {
		v.showTemplates(text)
	}
	if v.draftSave != nil {
		v.draftSave.Stop()
	}
	id := v.chat.ID
	if id == 0 {
		return
	}
	v.draftSave = time.AfterFunc(draftSaveDelay, func() {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		if err := v.tab.session.SaveDraft(ctx, id, text); err != nil {
			v.tab.u.opts.post(func() { v.say(sentence(err)) })
		}
	})
}

// flushDraft saves the current text at once, when leaving the chat.
func (v *conversationView) flushDraft() {
	if v.draftSave != nil {
		v.draftSave.Stop()
	}
	if v.chat.ID == 0 {
		return
	}
	id, text := v.chat.ID, v.composer.Text
	background(v.tab.u, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, v.tab.session.SaveDraft(ctx, id, text)
	}, func(struct{}, error) {})
}

// showTemplates offers the quick replies matching what follows "/".
func (v *conversationView) showTemplates(typed string) {
	background(v.tab.u, v.tab.u.core.Templates, func(all []app.Template, err error) {
		if err != nil {
			v.say(sentence(err))
			return
		}
		matches := app.MatchTemplates(all, typed)
		if len(matches) == 0 {
			return
		}
		items := make([]*fyne.MenuItem, 0, len(matches))
		for _, t := range matches {
			text := t.Text
			label := t.Name
			if t.Command != "" {
				label = "/" + t.Command + " — " + t.Name
			}
			items = append(items, fyne.NewMenuItem(label, func() { v.useTemplate(text) }))
		}
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(v.templates)
		widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), v.tab.u.win.Canvas(),
			pos.Add(fyne.NewPos(0, -float32(len(items))*36-8)))
	})
}

// useTemplate puts a quick reply into the composer with its fields filled
// in from this chat's client and the sender; a field that cannot be
// filled stays visible.
func (v *conversationView) useTemplate(text string) {
	id := v.chat.ID
	background(v.tab.u, func(ctx context.Context) (app.TemplateFields, error) {
		return v.tab.session.TemplateFields(ctx, id)
	}, func(f app.TemplateFields, err error) {
		if id != v.chat.ID {
			return // another chat is open now
		}
		if err != nil {
			v.say(sentence(err))
		}
		filled := app.FillTemplate(text, f)
		v.composer.SetText(filled)
		v.composer.CursorRow = strings.Count(filled, "\n")
		v.tab.u.win.Canvas().Focus(v.composer)
	})
}

// showAssign picks who the chat belongs to.
func (v *conversationView) showAssign() {
	id := v.chat.ID
	type choices struct {
		staff  []app.Staff
		groups []app.OperatorGroup
	}
	background(v.tab.u, func(ctx context.Context) (choices, error) {
		var c choices
		var err error
		if c.staff, err = v.tab.u.core.StaffList(ctx); err != nil {
			return c, err
		}
		c.groups, err = v.tab.u.core.OperatorGroups(ctx)
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
	id, through := v.chat.ID, v.newestID
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
			v.chat.WaitingSince = time.Time{}
			v.updateHeader()
		}
		v.tab.reload()
	})
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
