package ui

// The conversation's composer: the message field, the internal-note
// switch, quick replies, the draft and Send.

import (
	"context"
	"strings"
	"time"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// composing is the conversation's composer: the field, the note switch,
// quick replies, the message being answered (reply.go), the draft and
// Send, and the paperclip of the files room beside them.
type composing struct {
	conv      *conversationView
	box       *fyne.Container // the quote, the field and the tools under it
	field     *composerEntry
	note      *widget.Check
	send      *widget.Button
	templates *widget.Button
	draftSave *time.Timer
	// settingText is set while C2Desk itself changes the field's text.
	settingText bool
	// replying is the message the next one answers (nil: none), shown in
	// replyBar above the field.
	replying  *app.Message
	replyBar  *fyne.Container
	replyText *widget.Label
}

// newComposing builds the composer; the view's files room, which takes
// pasted files and pictures, must be there already.
func newComposing(v *conversationView) *composing {
	c := &composing{conv: v}
	c.field = newComposerEntry(c.sendNow, c.changed)
	c.field.onEscape = c.cancelReply
	c.field.onPasteFiles = v.files.attachPaths
	c.field.onPasteNoText = v.files.attachClipboardImage
	c.note = widget.NewCheck(lang.L("Internal note"), func(on bool) { c.notePlaceholder() })
	c.notePlaceholder()
	c.send = widget.NewButtonWithIcon(lang.L("Send"), theme.MailSendIcon(), c.sendNow)
	c.send.Importance = widget.HighImportance
	c.templates = widget.NewButtonWithIcon(lang.L("Quick replies"), theme.DocumentIcon(), func() { c.showTemplates("") })
	tools := container.NewHBox(v.files.attach, c.templates, c.note, layout.NewSpacer(), c.send)
	c.replyBar = c.newReplyBar()
	c.box = container.NewVBox(c.replyBar, c.field, tools)
	return c
}

// clear empties the composer for another chat: the field (its draft was
// saved), the note switch and the quote.
func (c *composing) clear() {
	c.flushDraft()
	c.setText("")
	c.note.SetChecked(false)
	c.cancelReply()
}

// composerEntry is the message field: Enter sends, Shift+Enter starts a
// new line, as in every messenger.
type composerEntry struct {
	widget.Entry
	shift  bool
	onSend func()
	// onEscape drops what the composer is about to do besides its text
	// (the quoted message).
	onEscape func()
	// onPasteFiles takes a paste that names files on this PC (a file
	// manager's copy), which become attachments instead of text;
	// onPasteNoText a paste of no text, which may be a picture.
	onPasteFiles  func(paths []string)
	onPasteNoText func()
}

func newComposerEntry(onSend func(), onChanged func(string)) *composerEntry {
	e := &composerEntry{onSend: onSend}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	// Two rows: a longer message scrolls; on a laptop's short screen the
	// messages keep the height.
	e.SetMinRowsVisible(2)
	e.OnChanged = onChanged
	e.ExtendBaseWidget(e)
	return e
}

// KeyDown notes Shift, which turns Enter into a new line.
func (e *composerEntry) KeyDown(k *fyne.KeyEvent) {
	if k.Name == desktop.KeyShiftLeft || k.Name == desktop.KeyShiftRight {
		e.shift = true
	}
	e.Entry.KeyDown(k)
}

// KeyUp notes Shift's release.
func (e *composerEntry) KeyUp(k *fyne.KeyEvent) {
	if k.Name == desktop.KeyShiftLeft || k.Name == desktop.KeyShiftRight {
		e.shift = false
	}
	e.Entry.KeyUp(k)
}

// TypedKey sends on a plain Enter; Escape drops a quote.
func (e *composerEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	if (k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter) && !e.shift {
		if e.onSend != nil {
			e.onSend()
		}
		return
	}
	e.Entry.TypedKey(k)
}

// TypedShortcut turns a paste of copied files, or of a copied picture,
// into attachments; text is pasted as text.
func (e *composerEntry) TypedShortcut(s fyne.Shortcut) {
	if p, ok := s.(*fyne.ShortcutPaste); ok && p.Clipboard != nil && e.onPasteFiles != nil {
		text := p.Clipboard.Content()
		if paths := localPaths(text); len(paths) > 0 {
			e.onPasteFiles(paths)
			return
		}
		if text == "" && e.onPasteNoText != nil {
			e.onPasteNoText()
			return
		}
	}
	e.Entry.TypedShortcut(s)
}

// draftSaveDelay is how long after the last keystroke a draft is saved.
const draftSaveDelay = 700 * time.Millisecond

func (c *composing) notePlaceholder() {
	if c.note.Checked {
		c.field.SetPlaceHolder(lang.L("Internal note: colleagues see it, the client does not"))
		return
	}
	c.field.SetPlaceHolder(lang.L("Write a message… (Enter sends, Shift+Enter starts a new line, / for quick replies)"))
}

// setText puts text in the composer as C2Desk's own doing (a chat
// opened, its draft read back), not as typing: no draft is saved for it.
// Clearing the composer when leaving a chat used to save "" as that chat's
// draft 700 ms later, deleting it.
func (c *composing) setText(text string) {
	c.settingText = true
	defer func() { c.settingText = false }()
	c.field.SetText(text)
}

// sendNow queues the composer's text and sends it. The message shows at
// once; it is written to the outbox before any network call, and a refusal
// puts the text back in the composer with the reason.
func (c *composing) sendNow() {
	text := strings.TrimSpace(c.field.Text)
	if text == "" || c.conv.chat.ID == 0 {
		return
	}
	kind := app.KindReply
	if c.note.Checked {
		kind = app.KindNote
	}
	id := c.conv.chat.ID
	out := app.Outgoing{DialogID: id, Text: text, Kind: kind}
	var quote *app.Message
	if c.replying != nil {
		out.ReplyTo, quote = c.replying.ID, c.replying
	}
	pending := c.conv.list.showPending(app.OutboxItem{Text: text, Type: kind, Author: c.conv.tab.session.Staff().ID, State: app.OutboxSending,
		OperatorID: c.conv.tab.names.mine, ReplyTo: out.ReplyTo, Quote: quote})
	c.field.SetText("")
	c.cancelReply()
	c.conv.status.Hide()
	// A failed delivery shows on the message itself, with Retry.
	background(c.conv.tab.u, func(ctx context.Context) (delivery error, err error) {
		return c.conv.tab.session.Send(ctx, out)
	}, func(delivery error, err error) {
		if c.conv.chat.ID != id {
			return
		}
		if err != nil {
			c.conv.list.dropPending(pending)
			if c.field.Text == "" {
				c.field.SetText(text)
				if quote != nil && c.replying == nil {
					c.replyTo(*quote)
				}
			}
			c.conv.say(sentence(err))
			return
		}
		if delivery == nil && kind == app.KindReply {
			c.conv.answered()
		}
		c.conv.list.load(true)
		c.conv.tab.reload()
	})
}

// changed saves the draft shortly after typing stops, so it
// survives a crash or a restart, and offers quick replies after "/".
func (c *composing) changed(text string) {
	if c.settingText {
		return
	}
	if strings.HasPrefix(text, "/") && !strings.ContainsAny(text, " \n") {
		c.showTemplates(text)
	}
	if c.draftSave != nil {
		c.draftSave.Stop()
	}
	id := c.conv.chat.ID
	if id == 0 {
		return
	}
	c.draftSave = time.AfterFunc(draftSaveDelay, func() {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		if err := c.conv.tab.session.SaveDraft(ctx, id, text); err != nil {
			c.conv.tab.u.opts.post(func() { c.conv.say(sentence(err)) })
		}
	})
}

// flushDraft saves the current text at once, when leaving the chat.
func (c *composing) flushDraft() {
	if c.draftSave != nil {
		c.draftSave.Stop()
	}
	if c.conv.chat.ID == 0 {
		return
	}
	id, text := c.conv.chat.ID, c.field.Text
	background(c.conv.tab.u, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, c.conv.tab.session.SaveDraft(ctx, id, text)
	}, func(struct{}, error) {})
}

// showTemplates offers the quick replies matching what follows "/".
func (c *composing) showTemplates(typed string) {
	background(c.conv.tab.u, c.conv.tab.u.core.Templates, func(all []app.Template, err error) {
		if err != nil {
			c.conv.say(sentence(err))
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
			items = append(items, fyne.NewMenuItem(label, func() { c.useTemplate(text) }))
		}
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(c.templates)
		widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), c.conv.tab.u.win.Canvas(),
			pos.Add(fyne.NewPos(0, -float32(len(items))*36-8)))
	})
}

// useTemplate puts a quick reply into the composer with its fields filled
// in from this chat's client and the sender; a field that cannot be
// filled stays visible.
func (c *composing) useTemplate(text string) {
	id := c.conv.chat.ID
	background(c.conv.tab.u, func(ctx context.Context) (app.TemplateFields, error) {
		return c.conv.tab.session.TemplateFields(ctx, id)
	}, func(f app.TemplateFields, err error) {
		if id != c.conv.chat.ID {
			return // another chat is open now
		}
		if err != nil {
			c.conv.say(sentence(err))
		}
		filled := app.FillTemplate(text, f)
		c.field.SetText(filled)
		c.field.CursorRow = strings.Count(filled, "\n")
		c.conv.tab.u.win.Canvas().Focus(c.field)
	})
}
