package ui

import "fyne.io/fyne/v2"

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
