package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// paragraph is a label that wraps at word boundaries, coloured by
// importance: the one way this UI shows sentences to the user.
func paragraph(text string, importance widget.Importance) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = importance
	return l
}

// columnLayout centres its objects in a column at most width wide, stacked
// from the top: readable line lengths on a wide window, full width on a
// narrow one.
type columnLayout struct{ width float32 }

func (l columnLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	w := min(size.Width, l.width)
	x := (size.Width - w) / 2
	for _, o := range objects {
		o.Resize(fyne.NewSize(w, size.Height))
		o.Move(fyne.NewPos(x, 0))
	}
}

func (l columnLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objects {
		s = s.Max(o.MinSize())
	}
	return s
}

// say shows a sentence in a paragraph label with the given importance.
func say(l *widget.Label, text string, importance widget.Importance) {
	l.Importance = importance
	l.SetText(text)
	l.Show()
}

// newColumnTable is a table with a bold header row of titles, fixed column
// widths, and rows counted by rows().
// wheelCatcher lies over a field of a scrolling page and hands
// the mouse wheel to the page: Fyne gives the wheel to the deepest
// scroller under the mouse, the field's own, and the page stopped
// scrolling wherever a field came under the mouse. It takes nothing
// else: clicks, the cursor and the keyboard still reach the field.
type wheelCatcher struct {
	widget.BaseWidget
	page *container.Scroll
}

// wheelToPage covers o with a wheelCatcher for page.
func wheelToPage(page *container.Scroll, o fyne.CanvasObject) fyne.CanvasObject {
	w := &wheelCatcher{page: page}
	w.ExtendBaseWidget(w)
	return container.NewStack(o, w)
}

func (w *wheelCatcher) Scrolled(ev *fyne.ScrollEvent) { w.page.Scrolled(ev) }

func (w *wheelCatcher) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// belowTableHeader places o over a column table's body, under its header
// row, where a sentence about the empty table reads as its content: not
// over the titles, nor crossed by the column lines.
func belowTableHeader(o fyne.CanvasObject) fyne.CanvasObject {
	header := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}).MinSize().Height
	gap := canvas.NewRectangle(color.Transparent)
	gap.SetMinSize(fyne.NewSize(0, header+theme.Padding()))
	return container.NewBorder(gap, nil, nil, nil, container.NewStack(canvas.NewRectangle(theme.Color(theme.ColorNameBackground)), o))
}

func newColumnTable(titles []string, widths []float32, rows func() int, create func() fyne.CanvasObject, update func(widget.TableCellID, fyne.CanvasObject)) *widget.Table {
	t := widget.NewTableWithHeaders(func() (int, int) { return rows(), len(widths) }, create, update)
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText(titles[id.Col])
		}
	}
	for i, w := range widths {
		t.SetColumnWidth(i, w)
	}
	return t
}

// denseVBox stacks lines of text closer than a VBox does, as chat lists
// and headers need: each line keeps its box (the text is drawn inside its
// padding), but the next begins squeeze sooner. Hidden lines take no room.
type denseVBox struct{ squeeze float32 }

func (d denseVBox) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	y := -d.squeeze / 2
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h - d.squeeze
	}
}

func (d denseVBox) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objects {
		if o.Visible() {
			m := o.MinSize()
			s.Width = max(s.Width, m.Width)
			s.Height += m.Height - d.squeeze
		}
	}
	return s
}
