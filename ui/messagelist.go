package ui

// The conversation's message list: pages of messages and queued items,
// each a bubble, read again when the chat changes.

import (
	"context"
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

// messageList is the conversation's column of messages and what it
// knows of the pages shown.
type messageList struct {
	conv     *conversationView
	msgs     *fyne.Container
	scroll   *container.Scroll
	older    *widget.Button
	oldestID int64
	newestID int64 // the newest message shown
	// columns counts the message columns built (a chat opened, its
	// messages read again), so that an earlier page knows whether the
	// column it was asked for is still shown.
	columns int
	count   int // messages shown
	loading bool
}

func newMessageList(v *conversationView) *messageList {
	l := &messageList{conv: v}
	l.msgs = container.New(messagesLayout{width: func() float32 { return l.scroll.Size().Width }})
	l.scroll = container.NewVScroll(l.msgs)
	l.scroll.OnScrolled = func(p fyne.Position) {
		if p.Y <= 0 && l.older.Visible() {
			l.loadOlder()
		}
	}
	l.older = widget.NewButtonWithIcon(lang.L("Show earlier messages"), theme.MoveUpIcon(), l.loadOlder)
	l.older.Importance = widget.LowImportance
	return l
}

// clear empties the column for another chat.
func (l *messageList) clear() {
	l.msgs.RemoveAll()
	l.columns++
	// Nothing of the chat left is earlier than what this one shows:
	// emptying the column scrolls it to the top, which asks for that.
	l.oldestID, l.newestID = 0, 0
	l.older.Hide()
	l.count = 0
}

// pageSize is how many messages one step of history loads.
const pageSize = 50

// load reads the newest messages again (as many as are shown, at least a
// page) and the chat's outbox, then marks the chat read.
func (l *messageList) load(toBottom bool) {
	id, limit := l.conv.chat.ID, max(l.count, pageSize)
	atBottom := toBottom || l.scroll.Offset.Y+l.scroll.Size().Height >= l.msgs.MinSize().Height-40
	unread := l.conv.tab.unreadIn(id)
	background(l.conv.tab.u, func(ctx context.Context) (app.Conversation, error) {
		conv, err := l.conv.tab.session.Conversation(ctx, id, 0, limit)
		if err == nil && unread {
			err = l.conv.tab.session.MarkRead(ctx, id)
		}
		return conv, err
	}, func(conv app.Conversation, err error) {
		if l.conv.chat.ID != id {
			return
		}
		if err != nil {
			l.conv.say(sentence(err))
			return
		}
		l.render(conv, len(conv.Messages) == limit)
		if atBottom {
			l.scroll.ScrollToBottom()
		}
		l.conv.tab.markedRead(id)
	})
}

// render rebuilds the message column.
func (l *messageList) render(conv app.Conversation, more bool) {
	msgs, outbox := conv.Messages, conv.Outbox
	rows := make([]fyne.CanvasObject, 0, len(msgs)+len(outbox)+len(conv.Events)+1)
	l.older.Hidden = !more
	rows = append(rows, container.NewCenter(l.older))
	l.conv.files.dropBars()
	rows = append(rows, l.messageRows(msgs, conv.Events)...)
	for _, it := range outbox {
		rows = append(rows, l.outboxRow(it))
	}
	if len(msgs) > 0 {
		newest := msgs[len(msgs)-1].ID
		if l.newestID != 0 && newest != l.newestID {
			// A new message may be the last answer the card tells of.
			l.conv.card.load(l.conv.chat.ID, false)
		}
		l.oldestID, l.newestID = msgs[0].ID, newest
	}
	l.count = len(msgs)
	l.msgs.Objects = rows
	l.columns++
	l.conv.files.barsDrawn()
	l.msgs.Refresh()
	l.scroll.Refresh()
}

// messageRows draws messages with, in their place in time, the changes
// made to the chat in Chat2Desk's own app.
func (l *messageList) messageRows(msgs []app.Message, events []app.DialogEvent) []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, 0, len(msgs)+len(events))
	for _, m := range msgs {
		for len(events) > 0 && events[0].At.Before(m.CreatedAt) {
			out = append(out, l.eventRow(events[0]))
			events = events[1:]
		}
		out = append(out, l.messageRow(m))
	}
	for _, e := range events {
		out = append(out, l.eventRow(e))
	}
	return out
}

// eventRow is a line in the middle of the conversation: "Transferred in
// Chat2Desk to Офис Общий, 14:02".
func (l *messageList) eventRow(e app.DialogEvent) fyne.CanvasObject {
	at := shortTime(e.At, time.Now())
	text := lang.L("Closed in Chat2Desk, {{.Time}}", map[string]any{"Time": at})
	if e.Kind == app.EventTransferred {
		name := l.conv.tab.names.operators[e.OperatorID]
		if name == "" {
			name = lang.L("another operator")
		}
		text = lang.L("Transferred in Chat2Desk to {{.Name}}, {{.Time}}", map[string]any{"Name": name, "Time": at})
	}
	line := widget.NewLabelWithStyle(text, fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	line.Importance = widget.LowImportance
	line.Wrapping = fyne.TextWrapWord
	return line
}

// showPending adds a message being sent at the bottom, before the outbox
// has it; dropPending takes it away when it was refused.
func (l *messageList) showPending(it app.OutboxItem) fyne.CanvasObject {
	row := l.outboxRow(it)
	l.msgs.Add(row)
	l.scroll.ScrollToBottom()
	return row
}

func (l *messageList) dropPending(row fyne.CanvasObject) { l.msgs.Remove(row) }

// loadOlder adds the page of history before the oldest message shown.
func (l *messageList) loadOlder() {
	if l.loading || l.oldestID == 0 {
		return
	}
	l.loading = true
	id, before, column := l.conv.chat.ID, l.oldestID, l.columns
	background(l.conv.tab.u, func(ctx context.Context) (app.Conversation, error) {
		return l.conv.tab.session.Conversation(ctx, id, before, pageSize)
	}, func(conv app.Conversation, err error) {
		l.loading = false
		if l.conv.chat.ID != id || l.columns != column {
			// The column was emptied (another chat opened, maybe this one
			// again) or built anew meanwhile: the page was for one that
			// is gone. Scrolling up asks again.
			return
		}
		if err != nil {
			l.conv.say(sentence(err))
			return
		}
		l.older.Hidden = len(conv.Messages) < pageSize
		if len(conv.Messages) == 0 {
			l.older.Refresh()
			return
		}
		height := l.msgs.MinSize().Height
		rows := append([]fyne.CanvasObject{l.msgs.Objects[0]}, l.messageRows(conv.Messages, conv.Events)...)
		l.msgs.Objects = append(rows, l.msgs.Objects[1:]...)
		l.oldestID = conv.Messages[0].ID
		l.count += len(conv.Messages)
		l.msgs.Refresh()
		l.scroll.Refresh()
		// Keep the message that was on top where it was.
		l.scroll.ScrollToOffset(fyne.NewPos(0, l.msgs.MinSize().Height-height))
	})
}

// messageRow draws a stored message in the style of its kind. Client
// messages and answers to the client can be replied to; notes and
// Chat2Desk's own messages cannot (the client never saw them).
func (l *messageList) messageRow(m app.Message) fyne.CanvasObject {
	b := bubbleParts{text: m.Text, atts: m.Attachments, meta: shortTime(m.CreatedAt, time.Now()), metaImportance: widget.LowImportance,
		replyTo: m.ReplyTo, quote: m.Quote}
	if m.Type == app.TypeFromClient || m.Type == app.TypeToClient {
		b.onReply = func() { l.conv.compose.replyTo(m) }
	}
	switch m.Type {
	case app.TypeFromClient:
		b.side = sideLeft
		return l.bubble(b)
	case app.TypeSystem, app.TypeAutoreply:
		label := lang.L("System")
		if m.Type == app.TypeAutoreply {
			label = lang.L("Autoreply")
		}
		b.meta, b.side = label+" · "+b.meta, sideCenter
		return l.bubble(b)
	}
	b.meta = l.conv.tab.names.author(m.Author, m.OperatorID) + " · " + b.meta
	b.delivered = m.Type == app.TypeToClient // confirmed by Chat2Desk
	if m.Type == app.TypeComment {
		b.kind = lang.L("Internal note")
	}
	b.side, b.metaImportance = sideRight, widget.MediumImportance
	return l.bubble(b)
}

// outboxRow draws a message that has not been confirmed yet, with its
// state and, when it needs the user, Retry and Discard.
func (l *messageList) outboxRow(it app.OutboxItem) fyne.CanvasObject {
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
		_, uploading := l.conv.tab.u.core.UploadProgress(it.ID)
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
		retry := widget.NewButtonWithIcon(lang.L("Retry"), theme.ViewRefreshIcon(), func() { l.retry(id) })
		discard := widget.NewButtonWithIcon(lang.L("Discard"), theme.DeleteIcon(), func() { l.discard(id) })
		retry.Importance, discard.Importance = widget.MediumImportance, widget.LowImportance
		actions = []fyne.CanvasObject{retry, discard}
	}
	b := bubbleParts{text: it.Text, meta: l.conv.tab.names.author(it.Author, it.OperatorID) + " · " + state, metaImportance: importance,
		actions: actions, side: sideRight, replyTo: it.ReplyTo, quote: it.Quote,
		outFile: it.File, outboxID: it.ID, uploading: it.State == app.OutboxSending || it.State == app.OutboxQueued}
	if it.Type == app.KindNote {
		b.kind = lang.L("Internal note")
	}
	return l.bubble(b)
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
func (l *messageList) bubble(b bubbleParts) fyne.CanvasObject {
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
		q, w := quoteBlock(quoteSummary(b.quote, l.conv.chat, l.conv.tab.names))
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
		parts = append(parts, l.conv.files.fileCard(a, app.KindOf(a)))
		natural = max(natural, fileCardWidth)
	}
	if len(photos) > 0 {
		grid := &photoGrid{cell: thumbFor(len(photos) > 1)}
		views := make([]fyne.CanvasObject, len(photos))
		for i, a := range photos {
			views[i] = l.conv.files.photoView(a, grid.cell)
		}
		parts = append(parts, container.New(grid, views...))
		natural = max(natural, grid.natural(len(photos)))
	}
	if b.outFile != nil {
		parts = append(parts, l.conv.files.outgoingFile(b.outboxID, b.outFile, b.uploading))
		natural = max(natural, fileCardWidth)
	}
	line, width, beside := metaOf(b)
	parts = append(parts, line)
	natural = max(natural, width) + beside
	if len(b.actions) > 0 {
		parts = append(parts, container.NewHBox(append([]fyne.CanvasObject{layout.NewSpacer()}, b.actions...)...))
		natural = max(natural, 260)
	}
	settings := l.conv.tab.u.fyneApp.Settings()
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

func (l *messageList) retry(id int64) {
	background(l.conv.tab.u, func(ctx context.Context) (app.OutboxItem, error) {
		return l.conv.tab.session.Retry(ctx, id)
	}, func(_ app.OutboxItem, err error) {
		if err != nil {
			l.conv.say(sentence(err))
		}
		l.load(false)
	})
}

func (l *messageList) discard(id int64) {
	l.conv.tab.u.showDialog(dialog.NewConfirm(lang.L("Discard this message?"), lang.L("It was not sent and will be deleted."), func(ok bool) {
		if !ok {
			return
		}
		background(l.conv.tab.u, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, l.conv.tab.session.Discard(ctx, id)
		}, func(_ struct{}, err error) {
			if err != nil {
				l.conv.say(sentence(err))
			}
			l.load(false)
		})
	}, l.conv.tab.u.win))
}
