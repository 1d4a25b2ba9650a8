package ui

// The Reports tab (administrators): how fast each person answers, for a
// period and a channel — pictures first, the numbers in a table below,
// the office right now in a strip on top.

import (
	"context"
	"time"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// reportWorkTimeout bounds a report's reading: ten months of a big
// agency take a second or two.
const reportWorkTimeout = 2 * time.Minute

// countingAfter is how long a report may take before the tab says it is
// counting.
const countingAfter = 300 * time.Millisecond

type reportsTab struct {
	ui *UI

	now     *nowStrip
	period  *widget.Select
	from    *widget.Entry
	to      *widget.Entry
	show    *widget.Button
	dates   *fyne.Container
	channel *widget.Select
	// channelIDs are the channel choice's ids, in its order (0: all).
	channelIDs []int64
	saveXLSX   *widget.Button
	saveCSV    *widget.Button
	status     *widget.Label
	body       *fyne.Container

	// inFront: the Reports tab is the one shown, so its strip is kept current.
	inFront bool
	// seen: the tab was in front once; it counts nothing before (most
	// sign-ins never look at it), and again each time it comes to front.
	seen   bool
	report app.Report
	// asked counts the reports asked for: an older answer is dropped.
	asked   int
	content fyne.CanvasObject
}

func newReportsTab(u *UI) *reportsTab {
	t := &reportsTab{ui: u, now: newNowStrip(u)}
	periods := []string{lang.L("Today"), lang.L("This week"), lang.L("This month"), lang.L("Dates…")}
	t.period = widget.NewSelect(periods, func(string) { t.periodChanged() })
	t.from, t.to = widget.NewEntry(), widget.NewEntry()
	t.from.SetPlaceHolder("2026-12-01")
	t.to.SetPlaceHolder("2026-12-31")
	t.show = widget.NewButton(lang.L("Show"), t.load)
	t.dates = container.NewHBox(widget.NewLabel(lang.L("from")), container.New(fixedWidth{120}, t.from),
		widget.NewLabel(lang.L("to")), container.New(fixedWidth{120}, t.to), t.show)
	t.dates.Hide()
	t.channel = widget.NewSelect([]string{lang.L("All channels")}, func(string) { t.load() })
	t.channelIDs = []int64{0}
	t.saveXLSX = widget.NewButtonWithIcon(lang.L("Save as Excel"), theme.DocumentSaveIcon(), func() { t.chooseSave(app.FormatXLSX) })
	t.saveCSV = widget.NewButtonWithIcon(lang.L("Save as CSV"), theme.DocumentSaveIcon(), func() { t.chooseSave(app.FormatCSV) })
	t.saveXLSX.Disable()
	t.saveCSV.Disable()
	t.status = paragraph("", widget.MediumImportance)
	t.status.Hide()
	t.body = container.NewVBox()
	choice := container.NewHBox(widget.NewLabel(lang.L("Period")), t.period, t.dates, widget.NewLabel(lang.L("Channel")), t.channel)
	saves := container.NewHBox(t.saveXLSX, t.saveCSV)
	page := container.NewVBox(t.now.content, widget.NewSeparator(), container.NewHScroll(choice), container.NewHBox(saves, layout.NewSpacer()), t.status, t.body)
	t.content = container.NewVScroll(container.NewPadded(page))
	t.channel.SetSelectedIndex(0)
	t.period.SetSelectedIndex(2) // this month: what a head of agency looks at first
	t.loadChannels()
	return t
}

// watch keeps the live strip current while the tab is in front, beside
// what the tabs already do when another is chosen.
func (t *reportsTab) watch(tabs *container.AppTabs, mine *container.TabItem) {
	before := tabs.OnSelected
	tabs.OnSelected = func(next *container.TabItem) {
		if before != nil {
			before(next)
		}
		t.inFront = tabs.Selected() == mine
		if t.inFront { // counted again each time: answers came in meanwhile
			t.seen = true
			t.now.refresh()
			t.load()
		}
	}
}

// tick reads the live strip again, when it is in front.
func (t *reportsTab) tick() {
	if t.inFront {
		t.now.refresh()
	}
}

// periodChanged shows the date fields for a range, else counts the chosen
// period at once.
func (t *reportsTab) periodChanged() {
	if t.period.SelectedIndex() == 3 {
		t.dates.Show()
		if t.from.Text == "" {
			f := app.DefaultOfficeHours.Period(app.PeriodMonth, time.Now())
			t.from.SetText(f.From.Format(time.DateOnly))
			t.to.SetText(time.Now().Format(time.DateOnly))
		}
		return
	}
	t.dates.Hide()
	t.load()
}

// loadChannels fills the channel choice.
func (t *reportsTab) loadChannels() {
	s := t.ui.session
	background(t.ui, s.Channels, func(chans []app.ChannelView, err error) {
		if err != nil {
			return // "All channels" still counts; the list of chats says the rest
		}
		names, ids := []string{lang.L("All channels")}, []int64{0}
		for _, c := range chans {
			if c.RemovedAt.IsZero() {
				names, ids = append(names, c.Name), append(ids, c.ID)
			}
		}
		t.channelIDs = ids
		t.channel.SetOptions(names)
	})
}

// reportChoice is what the tab's controls say, read on the UI's
// goroutine for the work off it.
type reportChoice struct {
	period   int
	from, to string
	channel  int64
}

func (t *reportsTab) choice() reportChoice {
	c := reportChoice{period: t.period.SelectedIndex(), from: t.from.Text, to: t.to.Text}
	if i := t.channel.SelectedIndex(); i > 0 && i < len(t.channelIDs) {
		c.channel = t.channelIDs[i]
	}
	return c
}

// filter is the chosen period and channel, in the office's hours.
func (c reportChoice) filter(h app.OfficeHours, now time.Time) (app.ReportFilter, error) {
	var f app.ReportFilter
	var err error
	switch c.period {
	case 0:
		f = h.Period(app.PeriodToday, now)
	case 1:
		f = h.Period(app.PeriodWeek, now)
	case 3:
		f, err = h.Dates(c.from, c.to)
	default:
		f = h.Period(app.PeriodMonth, now)
	}
	f.ChannelID = c.channel
	return f, err
}

// load counts the chosen period in the background; a line says so when
// it takes more than a moment.
func (t *reportsTab) load() {
	if !t.seen || t.period.SelectedIndex() < 0 {
		return
	}
	t.asked++
	asked, s, choice := t.asked, t.ui.session, t.choice()
	done := false
	t.ui.working.Add(1) // the timer's post, unless stopped first
	timer := time.AfterFunc(countingAfter, func() {
		defer t.ui.working.Done()
		t.ui.opts.post(func() {
			if !done && asked == t.asked {
				say(t.status, lang.L("Counting the period's answers…"), widget.MediumImportance)
			}
		})
	})
	backgroundWithin(t.ui, reportWorkTimeout, func(ctx context.Context) (app.Report, error) {
		h, err := s.App().Hours(ctx)
		if err != nil {
			return app.Report{}, err
		}
		f, err := choice.filter(h, time.Now())
		if err != nil {
			return app.Report{}, err
		}
		return s.Report(ctx, f)
	}, func(r app.Report, err error) {
		done = true
		if timer.Stop() {
			t.ui.working.Done()
		}
		if asked != t.asked {
			return
		}
		if err != nil {
			say(t.status, sentence(err), widget.DangerImportance)
			return
		}
		t.status.Hide()
		t.showReport(r)
	})
}

// showReport draws the report: the bars, the daily line and the heat map,
// then the table.
func (t *reportsTab) showReport(r app.Report) {
	t.report = r
	t.saveXLSX.Enable()
	t.saveCSV.Enable()
	title := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	heading := paragraph(lang.L("{{.Period}} · only the office's working hours count · click a person to see their chats",
		map[string]any{"Period": r.PeriodText()}), widget.MediumImportance)
	if len(r.Rows) == 0 {
		t.body.Objects = []fyne.CanvasObject{heading, paragraph(lang.L("Nobody answered a client in this period."), widget.MediumImportance)}
		t.body.Refresh()
		return
	}
	bars := container.NewVBox(title(lang.L("First response by person")), t.barRows(r), paragraph(
		lang.L("Bar: half the chats were answered within this time (median); line: nine in ten (90%)."), widget.LowImportance))
	days := container.NewVBox(title(lang.L("Office's median first response, by day")), dayChart(r.Days))
	heat := container.NewVBox(title(lang.L("When clients write")), heatChart(r.Written))
	t.body.Objects = []fyne.CanvasObject{heading, bars, container.NewGridWithColumns(2, days, heat),
		title(lang.L("The figures")), reportTable(r)}
	t.body.Refresh()
}

// barRows is a row per person: name, bar, and the times in words; a
// click lists the chats behind it.
func (t *reportsTab) barRows(r app.Report) fyne.CanvasObject {
	var scale time.Duration
	for _, row := range r.Rows {
		scale = max(scale, row.First.P90)
	}
	scale = niceScale(scale)
	// The names' and the times' columns as wide as their widest (the
	// names' at most 280): the bars start and end level.
	type line struct {
		row         app.ReportRow
		name, value *widget.Label
	}
	var lines []line
	var nameW, valueW float32
	for _, row := range r.Rows {
		if row.First.Count == 0 {
			continue // no bar to draw (notes only, or answers to waits before the period): the table has them
		}
		name := widget.NewLabel(rowName(row))
		nameW = max(nameW, min(widget.NewLabel(name.Text).MinSize().Width+2, 280)) // +2: a label just its width truncates
		name.Truncation = fyne.TextTruncateEllipsis
		value := widget.NewLabel(lang.L("{{.Median}} · 90% within {{.P90}}", map[string]any{"Median": durationText(row.First.Median), "P90": durationText(row.First.P90)}))
		valueW = max(valueW, value.MinSize().Width)
		lines = append(lines, line{row, name, value})
	}
	rows := container.NewVBox()
	for _, l := range lines {
		row := l.row
		bar := container.NewBorder(nil, nil, container.New(exactWidth{nameW}, l.name), container.New(exactWidth{valueW}, l.value), responseBar(row.First, scale))
		rows.Add(newTapArea(bar, l.name.Text, func() { t.showChats(row) }))
	}
	return rows
}

// exactWidth lays its objects out at one width, whatever they ask for.
type exactWidth struct{ width float32 }

func (l exactWidth) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(l.width, size.Height))
	}
}

func (l exactWidth) MinSize(objects []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(l.width, 0)
	for _, o := range objects {
		s.Height = max(s.Height, o.MinSize().Height)
	}
	return s
}

// rowName is the row's person, or the operator for answers written in
// Chat2Desk's own app.
func rowName(row app.ReportRow) string {
	return app.RowName(row, exportLabel)
}

// durationText is a response time: "45 s", "4 min 20 s", "2 min", "14 min", "2 h 5 min".
func durationText(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return lang.L("{{.S}} s", map[string]any{"S": int(d / time.Second)})
	case d < 10*time.Minute && d%time.Minute != 0:
		return lang.L("{{.M}} min {{.S}} s", map[string]any{"M": int(d / time.Minute), "S": int(d%time.Minute) / int(time.Second)})
	}
	return waitedFor(d)
}

// minutesText is an axis's label: "0", "5 min", "2 h".
func minutesText(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d < time.Hour || d%time.Hour != 0:
		return lang.L("{{.M}} min", map[string]any{"M": int(d / time.Minute)})
	}
	return lang.L("{{.H}} h", map[string]any{"H": int(d / time.Hour)})
}
