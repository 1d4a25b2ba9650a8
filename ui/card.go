package ui

import (
	"context"
	"strings"
	"time"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// cardWidth is the client card's width beside the conversation.
const cardWidth = 270

// clientCard is the panel beside the conversation: who the client is,
// the Chat2Desk comment, tags, client fields, their other chats and who
// answered last. It folds to a narrow strip; whether it is shown is
// remembered on this PC.
type clientCard struct {
	conv  *conversationView
	panel *fyne.Container // the card, with its separator and background
	strip *fyne.Container // the folded card: a button to unfold it
	// drawer is set while the card is open over the conversation, in a
	// window too narrow to have both side by side.
	drawer bool

	dialogID int64
	card     app.Card
	// reads and refreshes count the card's stored reads and its reads from
	// Chat2Desk: only the newest of each is shown.
	reads, refreshes int

	name, phone, where, last *widget.Label
	comment                  *widget.Entry
	saveComment              *widget.Button
	tags                     *fyne.Container
	addTag                   *widget.Select
	fields                   *widget.Form
	fieldsBox                *fyne.Container // holds fields, built anew for each card
	fieldEntries             map[int64]*widget.Entry
	saveFields               *widget.Button
	chats                    *fyne.Container
	status                   *widget.Label
	fold, unfold             *widget.Button
	page                     *container.Scroll // the card's sections, scrolling
}

func newClientCard(v *conversationView) *clientCard {
	c := &clientCard{conv: v}
	c.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	c.name.Wrapping = fyne.TextWrapWord
	c.phone = widget.NewLabel("")
	c.phone.Selectable = true
	c.where = paragraph("", widget.LowImportance)
	c.comment = widget.NewMultiLineEntry()
	c.comment.Wrapping = fyne.TextWrapWord
	c.comment.SetMinRowsVisible(3)
	c.comment.SetPlaceHolder(lang.L("A note about the client, kept in Chat2Desk"))
	c.saveComment = widget.NewButtonWithIcon(lang.L("Save the comment"), theme.DocumentSaveIcon(), c.storeComment)
	c.saveComment.Disable()
	c.comment.OnChanged = func(text string) {
		if strings.TrimSpace(text) != c.card.Comment {
			c.saveComment.Enable()
		} else {
			c.saveComment.Disable()
		}
	}
	c.tags = container.New(layout.NewRowWrapLayout())
	c.addTag = widget.NewSelect(nil, c.tagChosen)
	c.addTag.PlaceHolder = lang.L("Add a tag…")
	c.fields = widget.NewForm()
	c.fieldsBox = container.NewStack(c.fields)
	c.saveFields = widget.NewButtonWithIcon(lang.L("Save the fields"), theme.DocumentSaveIcon(), c.storeFields)
	c.saveFields.Disable()
	c.chats = container.NewVBox()
	c.last = paragraph("", widget.MediumImportance)
	c.status = paragraph("", widget.DangerImportance)
	c.status.Hide()

	heading := func(text string) fyne.CanvasObject {
		l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.SizeName = theme.SizeNameCaptionText
		l.Importance = widget.LowImportance
		return l
	}
	c.fold = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { c.setShown(false) })
	c.fold.Importance = widget.LowImportance
	top := container.NewBorder(nil, nil, nil, c.fold, widget.NewLabelWithStyle(lang.L("Client"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	body := container.NewVBox()
	page := container.NewVScroll(container.New(layout.NewCustomPaddedLayout(0, 0, 0, theme.Padding()*2), body))
	c.page = page
	body.Objects = []fyne.CanvasObject{
		c.name, c.phone, c.where, c.status,
		widget.NewSeparator(), heading(lang.L("Comment")), wheelToPage(page, c.comment), container.NewHBox(layout.NewSpacer(), c.saveComment),
		widget.NewSeparator(), heading(lang.L("Tags")), c.tags, c.addTag,
		widget.NewSeparator(), heading(lang.L("Client fields")), c.fieldsBox, container.NewHBox(layout.NewSpacer(), c.saveFields),
		widget.NewSeparator(), heading(lang.L("Last answer")), c.last,
		widget.NewSeparator(), heading(lang.L("Other chats")), c.chats,
	}
	// Opaque: as a drawer the card lies over the conversation.
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
	c.panel = container.NewStack(bg, container.NewBorder(nil, nil, widget.NewSeparator(), nil,
		container.NewBorder(container.NewVBox(top, widget.NewSeparator()), nil, nil, nil, page)))
	c.unfold = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { c.setShown(true) })
	c.unfold.Importance = widget.LowImportance
	c.strip = container.NewBorder(nil, nil, widget.NewSeparator(), nil, container.NewVBox(c.unfold, widget.NewIcon(theme.AccountIcon())))
	return c
}

// setShown shows the card or folds it. Beside the conversation, which
// is remembered on this PC; as a drawer over it (a narrow window), for
// now only.
func (c *clientCard) setShown(on bool) {
	if c.narrow() {
		c.drawer = on
	} else {
		c.conv.tab.u.prefs().SetBool(prefCardShown, on)
		c.drawer = false
	}
	if on && c.dialogID != 0 {
		c.show(c.card)
	}
	c.conv.content.Refresh()
}

// shown reports whether the card is open, beside the conversation or over it.
func (c *clientCard) shown() bool { return c.panel.Visible() }

// minConversationWidth is the conversation's least width beside the card:
// its header's buttons and the composer's tools need it.
const minConversationWidth = 460

// narrow reports whether the conversation is too narrow to have the card
// beside it.
func (c *clientCard) narrow() bool {
	return c.conv.content.Size().Width-cardWidth < minConversationWidth
}

// conversationLayout places the conversation and the client card:
// objects are [conversation, folded strip, card panel], the panel last
// so that as a drawer it lies over the others. The card sits
// beside the conversation when the person keeps it open and there is
// room; else the strip does, and an unfolded card lies over the
// conversation's right side.
type conversationLayout struct{ card *clientCard }

func (l conversationLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	body, strip, panel := objects[0], objects[1], objects[2]
	c := l.card
	stripW := strip.MinSize().Width
	beside := c.conv.tab.u.prefs().BoolWithFallback(prefCardShown, true) && size.Width-cardWidth >= minConversationWidth
	if size.Width-cardWidth >= minConversationWidth {
		c.drawer = false
	}
	switch {
	case beside:
		strip.Hide()
		panel.Show()
		body.Resize(fyne.NewSize(size.Width-cardWidth, size.Height))
	default:
		strip.Show()
		strip.Move(fyne.NewPos(size.Width-stripW, 0))
		strip.Resize(fyne.NewSize(stripW, size.Height))
		body.Resize(fyne.NewSize(size.Width-stripW, size.Height))
		if c.drawer {
			panel.Show()
		} else {
			panel.Hide()
		}
	}
	body.Move(fyne.NewPos(0, 0))
	w := min(cardWidth, size.Width)
	if beside {
		panel.Move(fyne.NewPos(size.Width-w, 0))
		panel.Resize(fyne.NewSize(w, size.Height))
		return
	}
	// As a drawer, between the header and the composer: Assign, Close
	// chat and Send stay in reach.
	top, bottom := c.conv.top.MinSize().Height, c.conv.bottom.MinSize().Height
	panel.Move(fyne.NewPos(size.Width-stripW-w, top))
	panel.Resize(fyne.NewSize(w, max(0, size.Height-top-bottom)))
}

func (l conversationLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	body, strip := objects[0].MinSize(), objects[1].MinSize()
	return fyne.NewSize(body.Width+strip.Width, max(body.Height, strip.Height))
}

// load shows a chat's card: at once as stored, then as Chat2Desk has it
// (refresh), unless only the stored one is asked for (another PC changed
// it in the office database).
func (c *clientCard) load(dialogID int64, refresh bool) {
	if c.dialogID != dialogID {
		c.dialogID = dialogID
		c.card = app.Card{}
		c.status.Hide()
	}
	// The newest stored read wins over older ones; a read from Chat2Desk is
	// never undone by a stored read that began before it was saved. On an
	// office database another PC's change starts a stored read while the
	// refresh is under way, and used to throw the refresh's card away.
	c.reads++
	read := c.reads
	s := c.conv.tab.session
	background(c.conv.tab.u, func(ctx context.Context) (app.Card, error) {
		return s.ClientCard(ctx, dialogID)
	}, func(card app.Card, err error) {
		if dialogID != c.dialogID {
			return
		}
		switch {
		case read != c.reads || (err == nil && card.LoadedAt.Before(c.card.LoadedAt)):
			// A newer read shows instead; the refresh asked for still goes.
		case err != nil:
			say(c.status, sentence(err), widget.DangerImportance)
			return
		default:
			c.show(card)
		}
		if !refresh {
			return
		}
		c.refreshes++
		refreshing := c.refreshes
		background(c.conv.tab.u, func(ctx context.Context) (app.Card, error) {
			return s.RefreshClientCard(ctx, dialogID)
		}, func(card app.Card, err error) {
			if refreshing != c.refreshes || dialogID != c.dialogID {
				return
			}
			if err != nil {
				// The stored card stays, saying why it may be out of date.
				say(c.status, lang.L("Not updated from Chat2Desk: {{.Reason}}", map[string]any{"Reason": sentence(err)}), widget.WarningImportance)
			} else {
				c.status.Hide()
			}
			if card.ID != 0 {
				c.show(card)
			}
		})
	})
}

// show fills the card, keeping what the person is typing in the comment
// and the fields.
func (c *clientCard) show(card app.Card) {
	editingComment := c.comment.Text != c.card.Comment && c.card.ID == card.ID
	c.card = card
	title := chatTitle(app.Chat{Dialog: app.Dialog{ClientID: card.ID}, ClientName: card.Name, ClientPhone: card.Phone})
	c.name.SetText(title)
	c.phone.SetText(phoneText(card.Phone))
	c.phone.Hidden = card.Phone == "" || card.Name == ""
	c.where.SetText(strings.Join(chatPlace(card.Channel, card.Transport, ""), " · "))
	if !editingComment {
		c.comment.SetText(card.Comment)
	}
	c.comment.OnChanged(c.comment.Text)
	c.showTags()
	c.showFields()
	c.showLast()
	c.showChats()
	c.panel.Refresh()
}

func (c *clientCard) showTags() {
	c.tags.RemoveAll()
	has := map[int64]bool{}
	for _, t := range c.card.Tags {
		has[t.ID] = true
		id := t.ID
		chip := widget.NewButtonWithIcon(t.Label, theme.CancelIcon(), func() { c.changeTag(id, false) })
		chip.IconPlacement = widget.ButtonIconTrailingText
		chip.Importance = widget.MediumImportance
		c.tags.Add(chip)
	}
	if len(c.card.Tags) == 0 {
		// Not wrapping: in a row layout a wrapping label is one letter wide.
		none := widget.NewLabel(lang.L("No tags"))
		none.Importance = widget.LowImportance
		c.tags.Add(none)
	}
	var options []string
	for _, t := range c.card.AllTags {
		if !has[t.ID] {
			options = append(options, tagName(t))
		}
	}
	c.addTag.Options = options
	c.addTag.ClearSelected()
	c.addTag.Hidden = len(options) == 0
	c.addTag.Refresh()
}

// tagName is a tag as lists show it: its group, then its label.
func tagName(t app.Tag) string {
	if t.Group == "" {
		return t.Label
	}
	return t.Group + ": " + t.Label
}

func (c *clientCard) tagChosen(name string) {
	for _, t := range c.card.AllTags {
		if name != "" && tagName(t) == name {
			c.changeTag(t.ID, true)
			return
		}
	}
}

func (c *clientCard) changeTag(tagID int64, add bool) {
	id := c.dialogID
	background(c.conv.tab.u, func(ctx context.Context) (struct{}, error) {
		if add {
			return struct{}{}, c.conv.tab.session.AddClientTag(ctx, id, tagID)
		}
		return struct{}{}, c.conv.tab.session.RemoveClientTag(ctx, id, tagID)
	}, func(_ struct{}, err error) {
		if err != nil {
			say(c.status, sentence(err), widget.DangerImportance)
		}
		if id == c.dialogID {
			c.load(id, false)
		}
		c.conv.tab.reload() // the list may be filtered by the tag
	})
}

func (c *clientCard) showFields() {
	// A new form: one whose items were replaced kept showing the old ones.
	c.fields = widget.NewForm()
	c.fieldEntries = map[int64]*widget.Entry{}
	for _, f := range c.card.Fields {
		if !f.Editable {
			value := widget.NewLabel(f.Value)
			value.Wrapping = fyne.TextWrapWord
			c.fields.Append(f.Name, value)
			continue
		}
		e := widget.NewEntry()
		if f.Type == "number" {
			e.SetPlaceHolder(lang.L("A number"))
		}
		e.SetText(f.Value)
		e.OnChanged = func(string) { c.saveFields.Enable() }
		e.OnSubmitted = func(string) { c.storeFields() }
		c.fieldEntries[f.ID] = e
		c.fields.Append(f.Name, wheelToPage(c.page, e)) // the wheel over it scrolls the card
	}
	switch {
	case len(c.card.Fields) == 0 && !c.card.FieldsKnown:
		c.fields.Append("", paragraph(lang.L("The client fields have not been read from Chat2Desk yet."), widget.LowImportance))
	case len(c.card.Fields) == 0:
		c.fields.Append("", paragraph(lang.L("The Chat2Desk account has no client fields."), widget.LowImportance))
	}
	c.fieldsBox.Objects = []fyne.CanvasObject{c.fields}
	c.fieldsBox.Refresh()
	c.saveFields.Disable()
	c.saveFields.Hidden = len(c.fieldEntries) == 0
}

func (c *clientCard) showLast() {
	m := c.card.LastAnswer
	if m == nil {
		c.last.SetText(lang.L("Nobody has answered in this chat yet."))
		return
	}
	c.last.SetText(c.conv.tab.names.author(m.Author, m.OperatorID) + " · " + shortTime(m.CreatedAt, time.Now()))
}

func (c *clientCard) showChats() {
	c.chats.RemoveAll()
	for _, ch := range c.card.OtherChats { // links, as a button's label cannot be cut short
		parts := append(chatPlace(ch.ChannelName, ch.Transport, ch.State), shortTime(ch.LastAt, time.Now()))
		id := ch.ID
		link := widget.NewHyperlink(strings.Join(parts, " · "), nil)
		link.Truncation = fyne.TextTruncateEllipsis
		link.OnTapped = func() { c.conv.tab.openByID(id) }
		c.chats.Add(link)
	}
	if len(c.card.OtherChats) == 0 {
		c.chats.Add(paragraph(lang.L("No other chats with this client."), widget.LowImportance))
	}
}

func (c *clientCard) storeComment() {
	id, text := c.dialogID, c.comment.Text
	c.saveComment.Disable()
	background(c.conv.tab.u, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, c.conv.tab.session.SetClientComment(ctx, id, text)
	}, func(_ struct{}, err error) {
		if err != nil {
			say(c.status, sentence(err), widget.DangerImportance)
			c.saveComment.Enable()
			return
		}
		c.status.Hide()
		if id == c.dialogID {
			c.card.Comment = strings.TrimSpace(text)
			c.load(id, false)
		}
	})
}

// storeFields saves the fields whose value changed, one by one; the
// first refusal stops and says why, leaving what was typed.
func (c *clientCard) storeFields() {
	id := c.dialogID
	changed := map[int64]string{}
	for _, f := range c.card.Fields {
		if e, ok := c.fieldEntries[f.ID]; ok && strings.TrimSpace(e.Text) != f.Value {
			changed[f.ID] = e.Text
		}
	}
	if len(changed) == 0 {
		return
	}
	c.saveFields.Disable()
	background(c.conv.tab.u, func(ctx context.Context) (struct{}, error) {
		for fieldID, v := range changed {
			if err := c.conv.tab.session.SetClientField(ctx, id, fieldID, v); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	}, func(_ struct{}, err error) {
		if err != nil {
			say(c.status, sentence(err), widget.DangerImportance)
			c.saveFields.Enable()
			return
		}
		c.status.Hide()
		if id == c.dialogID {
			c.load(id, false)
		}
	})
}
