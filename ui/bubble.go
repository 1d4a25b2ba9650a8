package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

// Where a message sits in the conversation: the client's on the left, the
// agency's on the right, Chat2Desk's own (system, autoreply) in the middle.
type side int

const (
	sideLeft side = iota
	sideRight
	sideCenter
)

// bubbleLayout lays out one message row: a rounded background and the
// message's content, as wide as the text needs up to most of the row.
// Objects are [background, content].
type bubbleLayout struct {
	side    side
	natural float32 // the content's width without wrapping
}

const bubblePad = 8

func (l *bubbleLayout) bubbleWidth(row float32) float32 {
	limit := row * 0.72
	if l.side == sideCenter {
		limit = row * 0.9
	}
	return max(min(l.natural+2*bubblePad, limit), min(160, row))
}

// heightFor is the row's height at a given row width: the content wraps to
// the bubble's width.
func (l *bubbleLayout) heightFor(objects []fyne.CanvasObject, row float32) float32 {
	content := objects[1]
	w := l.bubbleWidth(row) - 2*bubblePad
	content.Resize(fyne.NewSize(w, content.Size().Height))
	return content.MinSize().Height + 2*bubblePad
}

func (l *bubbleLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	w := l.bubbleWidth(size.Width)
	x := float32(0)
	switch l.side {
	case sideRight:
		x = size.Width - w
	case sideCenter:
		x = (size.Width - w) / 2
	}
	h := l.heightFor(objects, size.Width)
	objects[0].Move(fyne.NewPos(x, 0))
	objects[0].Resize(fyne.NewSize(w, h))
	objects[1].Move(fyne.NewPos(x+bubblePad, bubblePad))
	objects[1].Resize(fyne.NewSize(w-2*bubblePad, h-2*bubblePad))
}

func (l *bubbleLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(min(l.natural, 160)+2*bubblePad, objects[1].MinSize().Height+2*bubblePad)
}

// newBubble builds a message row around content whose unwrapped width is
// natural.
func newBubble(content fyne.CanvasObject, natural float32, s side, fill color.Color) *fyne.Container {
	bg := canvas.NewRectangle(fill)
	bg.CornerRadius = theme.Padding() * 3
	return &fyne.Container{Layout: &bubbleLayout{side: s, natural: natural}, Objects: []fyne.CanvasObject{bg, content}}
}

// textWidth is the width of the longest line of text in the body font.
func textWidth(text string, style fyne.TextStyle, size float32) float32 {
	w := float32(0)
	for line := range strings.SplitSeq(text, "\n") {
		w = max(w, fyne.MeasureText(line, size, style).Width)
	}
	return w + theme.InnerPadding()*2
}

// messagesLayout stacks message rows from the top with a gap, giving each
// bubble row the height its text needs at the column's current width.
// width is the visible column's width (the scroll's), known before the
// scroll asks for the content's size.
type messagesLayout struct{ width func() float32 }

func (l messagesLayout) rowHeight(o fyne.CanvasObject, width float32) float32 {
	if c, ok := o.(*fyne.Container); ok {
		if b, ok := c.Layout.(*bubbleLayout); ok {
			return b.heightFor(c.Objects, width)
		}
	}
	return o.MinSize().Height
}

func (l messagesLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	y := theme.Padding()
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		h := l.rowHeight(o, size.Width)
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h + theme.Padding()
	}
}

func (l messagesLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	width := l.width()
	if width <= 0 {
		width = 600
	}
	h := theme.Padding()
	for _, o := range objects {
		if o.Visible() {
			h += l.rowHeight(o, width) + theme.Padding()
		}
	}
	return fyne.NewSize(0, h)
}

// bubbleFill is a message's background: an internal note's, ours (right),
// a system message's (centre) or the client's.
func bubbleFill(th fyne.Theme, variant fyne.ThemeVariant, note bool, s side) color.Color {
	switch {
	case note:
		return tint(th.Color(theme.ColorNameWarning, variant), 0x2c)
	case s == sideRight:
		return tint(th.Color(theme.ColorNamePrimary, variant), 0x24)
	case s == sideCenter:
		return tint(th.Color(theme.ColorNameForeground, variant), 0x0c)
	}
	return th.Color(theme.ColorNameInputBackground, variant)
}

// tint is c with alpha a, for backgrounds that keep text readable in light
// and dark themes.
func tint(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}
