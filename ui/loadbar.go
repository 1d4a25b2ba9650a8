package ui

import (
	"context"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// loadBar is a "Load … from Chat2Desk" button with its progress and a line
// that says what the load changed, or why it failed.
type loadBar struct {
	button   *widget.Button
	activity *widget.Activity
	note     *widget.Label
	content  fyne.CanvasObject
}

// newLoadBar runs work in the background when pressed; work returns what
// writes the summary sentence, called on the UI goroutine, where the
// language may change. after runs there too when work succeeded.
func newLoadBar(u *UI, label string, work func(ctx context.Context) (func() string, error), after func()) *loadBar {
	b := &loadBar{activity: widget.NewActivity(), note: paragraph("", widget.MediumImportance)}
	b.activity.Hide()
	b.note.Hide()
	b.button = widget.NewButtonWithIcon(label, theme.DownloadIcon(), func() {
		b.button.Disable()
		b.activity.Show()
		b.activity.Start()
		b.show(lang.L("Loading from Chat2Desk…"), widget.MediumImportance)
		background(u, work, func(summary func() string, err error) {
			b.button.Enable()
			b.activity.Stop()
			b.activity.Hide()
			if err != nil {
				b.show(sentence(err), widget.DangerImportance)
				return
			}
			b.show(summary(), widget.SuccessImportance)
			if after != nil {
				after()
			}
		})
	})
	b.button.Importance = widget.HighImportance
	b.content = container.NewVBox(container.NewHBox(b.button, b.activity), b.note)
	return b
}

func (b *loadBar) show(text string, importance widget.Importance) {
	b.note.Importance = importance
	b.note.SetText(text)
	b.note.Show()
}

// changesSentence says what a load changed, e.g. for channels.
func changesSentence(ch app.Changes, skipped int) string {
	text := lang.L("{{.Total}} in Chat2Desk: {{.New}} new, {{.Updated}} changed, {{.Gone}} gone.",
		map[string]any{"Total": ch.Total(), "New": ch.New, "Updated": ch.Updated, "Gone": ch.Gone})
	if skipped > 0 {
		text += " " + lang.L("Records from Chat2Desk that could not be read and were skipped: {{.Count}}. See the log.", map[string]any{"Count": skipped})
	}
	return text
}
