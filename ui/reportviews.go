package ui

// What the Reports tab shows besides its pictures: the table of figures,
// the chats behind a person's bar, and the table saved as a file.

import (
	"context"
	"strconv"
	"strings"
	"time"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
)

// maxChatsListed bounds the list of a person's chats.
const maxChatsListed = 300

// reportTable is the report's figures, a row per person.
func reportTable(r app.Report) fyne.CanvasObject {
	// Two lines a title where it is long, so the table fits a laptop's
	// screen in Russian too.
	headers := []string{lang.L("Person"), lang.L("Chats"), lang.L("Answers"), lang.L("First response\nmedian"), lang.L("First response\n90%"),
		lang.L("Next response\nmedian"), lang.L("Next response\n90%"), lang.L("Waited\nlong"), lang.L("Notes")}
	var cells []fyne.CanvasObject
	for _, h := range headers {
		cells = append(cells, widget.NewLabelWithStyle(h, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	number := func(n int) fyne.CanvasObject {
		return widget.NewLabelWithStyle(formatCount(n), fyne.TextAlignTrailing, fyne.TextStyle{})
	}
	for _, row := range r.Rows {
		cells = append(cells, widget.NewLabel(rowName(row)), number(row.ChatsAnswered), number(row.Answers),
			responseCell(row.First, false), responseCell(row.First, true), responseCell(row.Next, false), responseCell(row.Next, true),
			number(row.WaitedLong), number(row.Notes))
	}
	grid := container.New(&tableLayout{columns: len(headers)}, cells...)
	legend := paragraph(lang.L("First: from a client's first unanswered message of a request to the answer. Next: the same for their later messages. Median: half were answered within it; 90%: nine in ten. Waited long: chats in which a client waited longer than the reminder time."), widget.LowImportance)
	return container.NewVBox(container.NewHScroll(grid), legend)
}

// responseCell is a response time of the table: the median or the 90th
// percentile, a dash without responses.
func responseCell(r app.Responses, p90 bool) fyne.CanvasObject {
	l := widget.NewLabelWithStyle("–", fyne.TextAlignTrailing, fyne.TextStyle{})
	switch {
	case r.Count == 0:
	case p90:
		l.SetText(durationText(r.P90))
	default:
		l.SetText(durationText(r.Median))
	}
	return l
}

// tableLayout lays cells out in rows of columns, each column as wide as
// its widest cell; the first column takes the room left over.
type tableLayout struct{ columns int }

func (l *tableLayout) widths(objects []fyne.CanvasObject) ([]float32, []float32) {
	widths := make([]float32, l.columns)
	heights := make([]float32, (len(objects)+l.columns-1)/l.columns)
	for i, o := range objects {
		m := o.MinSize()
		widths[i%l.columns] = max(widths[i%l.columns], m.Width)
		heights[i/l.columns] = max(heights[i/l.columns], m.Height)
	}
	return widths, heights
}

func (l *tableLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	widths, heights := l.widths(objects)
	var total float32
	for _, w := range widths {
		total += w
	}
	widths[0] += max(size.Width-total, 0)
	var y float32
	for r, h := range heights {
		var x float32
		for c := range l.columns {
			if i := r*l.columns + c; i < len(objects) {
				objects[i].Move(fyne.NewPos(x, y))
				objects[i].Resize(fyne.NewSize(widths[c], h))
			}
			x += widths[c]
		}
		y += h
	}
}

func (l *tableLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	widths, heights := l.widths(objects)
	var s fyne.Size
	for _, w := range widths {
		s.Width += w
	}
	for _, h := range heights {
		s.Height += h
	}
	return s
}

// showChats lists the chats behind a person's bar (only those the viewer
// may see); a click opens one in the Chats tab.
func (t *reportsTab) showChats(row app.ReportRow) {
	s := t.ui.session
	ids := row.Chats[:min(len(row.Chats), maxChatsListed)]
	background(t.ui, func(ctx context.Context) ([]app.Chat, error) {
		if len(ids) == 0 {
			return nil, nil
		}
		return s.Chats(ctx, app.ChatFilter{IDs: ids, Limit: len(ids)})
	}, func(chats []app.Chat, err error) {
		if err != nil {
			say(t.status, sentence(err), widget.DangerImportance)
			return
		}
		t.chatsDialog(row, chats)
	})
}

func (t *reportsTab) chatsDialog(row app.ReportRow, chats []app.Chat) {
	var d dialog.Dialog
	list := container.NewVBox()
	for _, c := range chats {
		text := chatTitle(c)
		if c.ChannelName != "" {
			text += " · " + c.ChannelName
		}
		if !c.LastAt.IsZero() {
			text += " · " + shortTime(c.LastAt, time.Now())
		}
		b := widget.NewButton(text, func() {
			d.Hide()
			t.openChat(c.ID)
		})
		b.Alignment = widget.ButtonAlignLeading
		list.Add(b)
	}
	intro := lang.L("{{.Count}} chats answered in this period. Click one to open it.", map[string]any{"Count": formatCount(row.ChatsAnswered)})
	if len(chats) == 0 {
		intro = lang.L("No chats to list: this person answered no client whose wait began in this period.")
	} else if len(row.Chats) > len(chats) {
		intro += " " + lang.L("The first {{.Count}} are listed.", map[string]any{"Count": len(chats)})
	}
	scroll := container.NewVScroll(list)
	scroll.SetMinSize(fyne.NewSize(360, min(float32(len(chats))*40, 320)))
	d = dialog.NewCustom(rowName(row), lang.L("Close"), container.NewBorder(paragraph(intro, widget.MediumImportance), nil, nil, nil, scroll), t.ui.win)
	t.ui.showDialog(d)
}

// openChat shows a chat in the Chats tab.
func (t *reportsTab) openChat(id int64) {
	if t.ui.tabs != nil && t.ui.chats != nil {
		t.ui.tabs.SelectIndex(0)
		t.ui.chats.openByID(id)
	}
}

// chooseSave asks where to save the table, then writes it.
func (t *reportsTab) chooseSave(format string) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			say(t.status, sentence(err), widget.DangerImportance)
			return
		}
		if w == nil {
			return // cancelled
		}
		t.saveTo(w, format)
	}, t.ui.win)
	d.SetFileName(reportFileName(t.report, format))
	d.SetFilter(storage.NewExtensionFileFilter([]string{"." + format}))
	t.ui.showDialog(d)
}

// exportLabel translates the words of an exported report (app.ExportLabels).
func exportLabel(s string) string { return lang.L(s) }

// reportFileName names a saved report by its period.
func reportFileName(r app.Report, format string) string {
	period := strings.ReplaceAll(r.PeriodText(), " – ", "_")
	return lang.L("C2Desk report") + " " + period + "." + format
}

// saveTo writes the shown report to w in format and closes w.
func (t *reportsTab) saveTo(w fyne.URIWriteCloser, format string) {
	r := t.report
	background(t.ui, func(context.Context) (struct{}, error) {
		err := app.WriteReport(w, r, format, exportLabel)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		return struct{}{}, err
	}, func(_ struct{}, err error) {
		if err != nil {
			say(t.status, sentence(err), widget.DangerImportance)
			return
		}
		say(t.status, lang.L("The report was saved to {{.File}} ({{.Rows}} rows).", map[string]any{"File": w.URI().Name(), "Rows": strconv.Itoa(len(r.Rows))}), widget.SuccessImportance)
	})
}
