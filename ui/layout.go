package ui

import (
	"fyne.io/fyne/v2"
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
