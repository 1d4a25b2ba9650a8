package main

import (
	"c2desk/ui"

	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// primaryScreen asks GLFW, which Fyne runs on, for the primary screen and
// its work area; Fyne itself does not tell. Called on the main thread
// after the first window was made (GLFW is initialised then). nil when
// the system does not say.
func primaryScreen() *ui.ScreenArea {
	m := glfw.GetPrimaryMonitor()
	if m == nil {
		return nil
	}
	mode := m.GetVideoMode()
	x, y, w, h := m.GetWorkarea()
	scale, _ := m.GetContentScale()
	if mode == nil || w <= 0 || h <= 0 || scale <= 0 {
		return nil
	}
	units := func(px int) float32 { return float32(px) / scale }
	mx, my := m.GetPos()
	return &ui.ScreenArea{
		Screen:  fyne.NewSize(units(mode.Width), units(mode.Height)),
		WorkPos: fyne.NewPos(units(x-mx), units(y-my)),
		Work:    fyne.NewSize(units(w), units(h)),
	}
}
