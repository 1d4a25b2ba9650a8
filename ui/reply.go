package ui

// Replies: the quote a bubble shows, and the composer's line of the
// message the next one answers.

import (
	"strings"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tapIcon is a small icon that acts when tapped: a bubble's reply action,
// smaller than a button so that every message can carry one.
type tapIcon struct {
	widget.BaseWidget
	icon   *widget.Icon
	label  string // what it does, for tests and tooltips to come
	action func()
}

func newTapIcon(res fyne.Resource, label string, action func()) *tapIcon {
	t := &tapIcon{icon: widget.NewIcon(res), label: label, action: action}
	t.ExtendBaseWidget(t)
	return t
}

func (t *tapIcon) Tapped(*fyne.PointEvent) { t.action() }

func (t *tapIcon) Cursor() desktop.Cursor { return desktop.PointerCursor }

func (t *tapIcon) MinSize() fyne.Size {
	return fyne.NewSquareSize(theme.IconInlineSize())
}

func (t *tapIcon) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(t.icon) }

// metaLine lays out a bubble's who-and-when label with an action icon at
// the line's start (iconFirst) or end, centred on the label's height.
// Objects are [label, icon].
type metaLine struct{ iconFirst bool }

// Layout places [label, action] and, when there is one, a third object:
// the delivery tick, right after the label's text at the trailing edge.
// An icon, not "✓": the fonts Fyne bundles have no such character, and
// Windows drew "�".
func (l metaLine) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	label, icon := objects[0], objects[1]
	is := icon.MinSize().Width
	gap := theme.Padding()
	var tickW float32
	if len(objects) > 2 {
		tickW = objects[2].MinSize().Width + gap
	}
	iconX, labelX := size.Width-is, float32(0)
	if l.iconFirst {
		iconX, labelX = 0, is+gap
	}
	label.Move(fyne.NewPos(labelX, 0))
	label.Resize(fyne.NewSize(size.Width-is-gap-tickW, size.Height))
	icon.Move(fyne.NewPos(iconX, (size.Height-is)/2))
	icon.Resize(fyne.NewSquareSize(is))
	if len(objects) > 2 {
		ts := objects[2].MinSize().Width
		objects[2].Move(fyne.NewPos(labelX+label.Size().Width+gap, (size.Height-ts)/2))
		objects[2].Resize(fyne.NewSquareSize(ts))
	}
}

func (metaLine) MinSize(objects []fyne.CanvasObject) fyne.Size {
	label, icon := objects[0].MinSize(), objects[1].MinSize()
	s := fyne.NewSize(label.Width+icon.Width+theme.Padding(), max(label.Height, icon.Height))
	if len(objects) > 2 {
		s.Width += objects[2].MinSize().Width + theme.Padding()
	}
	return s
}

// deliveryTick marks a message Chat2Desk confirmed.
func deliveryTick() fyne.CanvasObject {
	tick := canvas.NewImageFromResource(theme.NewThemedResource(theme.ConfirmIcon()))
	tick.FillMode = canvas.ImageFillContain
	tick.SetMinSize(fyne.NewSquareSize(theme.CaptionTextSize()))
	return tick
}

// quoteSummary is who wrote the quoted message and its first line; a
// client's message is signed with the chat's title.
func quoteSummary(q *app.Message, chat app.Chat, n names) (who, what string) {
	if q == nil {
		return "", lang.L("A message that is not in C2Desk")
	}
	who = chatTitle(chat)
	if q.Type != app.TypeFromClient {
		who = n.author(q.Author, q.OperatorID)
	}
	what = strings.Join(strings.Fields(q.Text), " ")
	if what == "" && len(q.Attachments) > 0 {
		what = "📎 " + lang.L("Attachment")
	}
	if r := []rune(what); len(r) > 120 {
		what = string(r[:119]) + "…"
	}
	return who, what
}

// quoteBlock draws the message a reply quotes, as messengers do: a bar,
// its writer and its first line (quoteSummary's). It returns the block and its natural
// width.
func quoteBlock(who, what string) (fyne.CanvasObject, float32) {
	lines := []fyne.CanvasObject{}
	natural := float32(0)
	if who != "" {
		name := widget.NewLabelWithStyle(who, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		name.SizeName = theme.SizeNameCaptionText
		name.Truncation = fyne.TextTruncateEllipsis
		lines = append(lines, name)
		natural = textWidth(who, fyne.TextStyle{Bold: true}, theme.CaptionTextSize())
	}
	text := widget.NewLabel(what)
	text.SizeName = theme.SizeNameCaptionText
	text.Importance = widget.LowImportance
	text.Truncation = fyne.TextTruncateEllipsis
	lines = append(lines, text)
	natural = max(natural, textWidth(what, fyne.TextStyle{}, theme.CaptionTextSize()))
	bar := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	bar.SetMinSize(fyne.NewSize(3, 0))
	return container.NewBorder(nil, nil, bar, nil, container.New(tightVBox{}, lines...)), natural + 3 + theme.Padding()
}

// replyTo quotes a message above the composer: the next message sent
// answers it.
func (c *composing) replyTo(m app.Message) {
	c.replying = &m
	who, what := quoteSummary(&m, c.conv.chat, c.conv.tab.names)
	c.replyText.SetText(lang.L("Reply to {{.Name}}: {{.Text}}", map[string]any{"Name": who, "Text": what}))
	c.replyBar.Show()
	c.conv.content.Refresh() // the bar takes its place above the composer
	c.conv.tab.u.win.Canvas().Focus(c.field)
}

// cancelReply drops the quote: the next message answers nothing in particular.
func (c *composing) cancelReply() {
	if c.replying == nil {
		return
	}
	c.replying = nil
	c.replyBar.Hide()
	c.conv.content.Refresh()
}

// newReplyBar is the line above the composer that shows what the next
// message replies to, with a button to drop it.
func (c *composing) newReplyBar() *fyne.Container {
	c.replyText = widget.NewLabel("")
	c.replyText.Truncation = fyne.TextTruncateEllipsis
	c.replyText.Importance = widget.MediumImportance
	cancel := widget.NewButtonWithIcon("", theme.CancelIcon(), c.cancelReply)
	cancel.Importance = widget.LowImportance
	bar := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	bar.SetMinSize(fyne.NewSize(3, 0))
	b := container.NewBorder(nil, nil, container.NewHBox(bar, widget.NewIcon(theme.MailReplyIcon())), cancel, c.replyText)
	b.Hide()
	return b
}
