package ui

// The Reports tab's live strip: the clients waiting right now, in the
// three bands of time without an answer, the longest wait, and who is
// signed in on which of the office's computers. Read again on every
// reminder tick and poll while the tab is in front.

import (
	"context"
	"strings"
	"time"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

type nowStrip struct {
	ui      *UI
	bands   [3]*widget.Label
	longest *widget.Label
	working *widget.Label
	content fyne.CanvasObject
}

func newNowStrip(u *UI) *nowStrip {
	n := &nowStrip{ui: u, longest: widget.NewLabel(""), working: paragraph("", widget.MediumImportance)}
	n.working.Hide()
	row := container.NewHBox(widget.NewLabelWithStyle(lang.L("Waiting now"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	limits := []time.Duration{app.WaitGreen, app.WaitOrange, app.WaitOrange + time.Second}
	for i := range n.bands {
		n.bands[i] = widget.NewLabel("")
		row.Add(container.NewHBox(bandDot(limits[i]), n.bands[i]))
	}
	row.Add(n.longest)
	n.content = container.NewVBox(container.NewHScroll(row), n.working)
	return n
}

// bandDot is the band's colour, as the charts use it.
func bandDot(wait time.Duration) fyne.CanvasObject {
	return newDrawing(fyne.NewSize(14, 14), func(size fyne.Size) []fyne.CanvasObject {
		d := min(size.Width, size.Height, 14)
		return []fyne.CanvasObject{rect(waitColour(wait), (size.Width-d)/2, (size.Height-d)/2, d, d)}
	})
}

// refresh reads the strip again.
func (n *nowStrip) refresh() {
	s := n.ui.session
	background(n.ui, func(ctx context.Context) (app.Now, error) {
		return s.Now(ctx, time.Now())
	}, func(now app.Now, err error) {
		if err != nil {
			n.longest.SetText(sentence(err))
			return
		}
		n.show(now)
	})
}

func (n *nowStrip) show(now app.Now) {
	n.bands[0].SetText(lang.L("{{.N}} up to 3 min", map[string]any{"N": formatCount(now.Waiting[0])}))
	n.bands[1].SetText(lang.L("{{.N}} up to 10 min", map[string]any{"N": formatCount(now.Waiting[1])}))
	n.bands[2].SetText(lang.L("{{.N}} longer", map[string]any{"N": formatCount(now.Waiting[2])}))
	if now.Waiting == [3]int{} {
		n.longest.SetText(lang.L("· nobody is waiting"))
	} else {
		n.longest.SetText(lang.L("· the longest for {{.Wait}}", map[string]any{"Wait": waitedFor(now.Longest)}))
	}
	if len(now.Working) == 0 {
		n.working.Hide()
		return
	}
	var who []string
	for _, w := range now.Working {
		who = append(who, lang.L("{{.Staff}} on {{.Computer}}", map[string]any{"Staff": w.Staff, "Computer": w.Computer}))
	}
	say(n.working, lang.L("Signed in: {{.Who}}", map[string]any{"Who": strings.Join(who, ", ")}), widget.MediumImportance)
}
