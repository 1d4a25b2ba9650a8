package ui

// The conversation's composer: the message field, the internal-note
// switch, quick replies, the draft and Send.

import (
	"context"
	"strings"
	"time"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// composing is the conversation's composer: the field, the note switch,
// quick replies, the message being answered, the draft and Send.
type composing struct {
	composer  *composerEntry
	note      *widget.Check
	send      *widget.Button
	templates *widget.Button
	status    *widget.Label
	draftSave *time.Timer
	// settingText is set while C2Desk itself changes the composer's text.
	settingText bool
	// replying is the message the next one answers (nil: none), shown in
	// replyBar above the composer.
	replying  *app.Message
	replyBar  *fyne.Container
	replyText *widget.Label
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

func (v *conversationView) notePlaceholder() {
	if v.note.Checked {
		v.composer.SetPlaceHolder(lang.L("Internal note: colleagues see it, the client does not"))
		return
	}
	v.composer.SetPlaceHolder(lang.L("Write a message… (Enter sends, Shift+Enter starts a new line, / for quick replies)"))
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
