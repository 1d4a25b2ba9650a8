package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// segmented is a row of buttons of which one is chosen, each as wide as
// its label: the chat list's scopes. A horizontal radio group gives every
// option the widest one's width, and four of them in Russian did not fit
// the list's column.
type segmented struct {
	options   []string
	buttons   []*widget.Button
	Selected  string
	OnChanged func(string)
	content   *fyne.Container
}

func newSegmented(options []string, changed func(string)) *segmented {
	s := &segmented{options: options, OnChanged: changed}
	row := container.NewHBox()
	for _, o := range options {
		b := widget.NewButton(o, func() { s.SetSelected(o) })
		s.buttons = append(s.buttons, b)
		row.Add(b)
	}
	s.content = row
	s.show()
	return s
}

// SetSelected chooses an option, as a tap on it does.
func (s *segmented) SetSelected(option string) {
	if option == s.Selected {
		return
	}
	s.Selected = option
	s.show()
	if s.OnChanged != nil {
		s.OnChanged(option)
	}
}

func (s *segmented) show() {
	for i, b := range s.buttons {
		b.Importance = widget.LowImportance
		if s.options[i] == s.Selected {
			b.Importance = widget.HighImportance
		}
		b.Refresh()
	}
}
