package ui

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"c2desk/app"
	"c2desk/c2dapi/c2dfake"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/xuri/excelize/v2"
)

// demoMonth sets the demo agency up as the built-in demo does: its
// account loaded, the month's messages, its four people as their writers.
func demoMonth(t *testing.T) func(*app.App) {
	return func(core *app.App) {
		ctx := context.Background()
		console := core.Console()
		if _, err := console.Connect(ctx, c2dfake.DemoToken); err != nil {
			t.Fatal(err)
		}
		if _, err := console.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := core.Poll(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if err := console.SetUpDemoAgency(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// startReports opens the Reports tab on the demo's month, in a look.
func startReports(t *testing.T, light bool) (*harness, *reportsTab) {
	t.Helper()
	fa := test.NewTempApp(t)
	if light {
		inRussian(t, fa)
	}
	h := startWith(t, fa, false, demoMonth(t), c2dfake.WithDemoMonth())
	if light {
		h.ui.fyneApp.Settings().SetTheme(lightTheme{newAppTheme()})
		h.win.Resize(smallScreen)
		h.signInRussian()
		h.tab("Отчёты")
	} else {
		h.signIn()
		h.tab("Reports")
	}
	r := h.ui.adminTabs.reports
	h.eventually("the report", func() bool { return !r.saveXLSX.Disabled() }) // saved once one is on screen
	return h, r
}

// bar is a person's bar in the chart.
func (h *harness) bar(name string) *tapArea {
	for _, o := range h.objects() {
		if a, ok := o.(*tapArea); ok && a.label == name {
			return a
		}
	}
	return nil
}

func TestReportsTab(t *testing.T) {
	inBothLooks(t, reportsTabIn)
}

func reportsTabIn(t *testing.T, light bool) {
	h, r := startReports(t, light)
	// The pictures: a bar for each of the four, one for Dmitry's answers
	// from Chat2Desk's phone app; the daily line and the heat map beside.
	for _, name := range []string{"Марина Орлова", "Kate Wilson", "Dmitry Ivanov", "Ольга Смирнова", "Dmitry Ivanov (" + lang.L("in Chat2Desk") + ")"} {
		if h.bar(name) == nil {
			t.Fatalf("no bar for %q; screen: %q", name, h.texts())
		}
	}
	for _, want := range []string{lang.L("When clients write"), lang.L("Office's median first response, by day"), lang.L("The figures")} {
		if !h.shows(want) {
			t.Fatalf("no %q", want)
		}
	}
	// The live strip: the demo has clients waiting.
	h.eventually("the live strip", func() bool {
		return r.now.bands[2].Text != "" && r.now.longest.Text != lang.L("· nobody is waiting")
	})
	h.capture(map[bool]string{false: "reports-dark-en", true: "reports-light-ru"}[light])
	h.captureReportPage(r.body.Objects[len(r.body.Objects)-1], map[bool]string{false: "reports-table-dark-en", true: "reports-table-light-ru"}[light])

	// A click on Марина's bar lists her chats; one opens in the Chats tab.
	test.Tap(h.bar("Марина Орлова"))
	h.eventually("her chats", func() bool { return h.shows(lang.L("Close")) })
	h.capture(map[bool]string{false: "reports-chats-dark-en", true: "reports-chats-light-ru"}[light])
	var marina app.ReportRow
	for _, row := range r.report.Rows {
		if row.Name == "Марина Орлова" {
			marina = row
		}
	}
	var first *widget.Button
	for _, o := range h.objects() {
		if b, ok := o.(*widget.Button); ok && b.Alignment == widget.ButtonAlignLeading && strings.Contains(b.Text, "Вторичка") {
			first = b
			break
		}
	}
	if first == nil || len(marina.Chats) == 0 {
		t.Fatalf("no chat listed for %+v; screen: %q", marina, h.texts())
	}
	test.Tap(first)
	h.eventually("the chat open", func() bool {
		return h.tabs().SelectedIndex() == 0 && h.ui.chats.conv.chat.ID != 0 && slices.Contains(marina.Chats, h.ui.chats.conv.chat.ID)
	})
	h.tab(lang.L("Reports"))

	// One channel: Kate answers none of Вторичка's chats.
	r.channel.SetSelected("Вторичка / Resale")
	h.eventually("the channel's report", func() bool { return r.report.Filter.ChannelID == 102 })
	if h.bar("Kate Wilson") != nil || h.bar("Марина Орлова") == nil {
		t.Fatalf("Вторичка's bars: %q", h.texts())
	}
	// Dates: refused when they are none, counted when they are.
	r.channel.SetSelectedIndex(0)
	r.period.SetSelectedIndex(3)
	r.from.SetText("31.12.2026")
	test.Tap(r.show)
	h.eventually("the refusal", func() bool { return h.shows(lang.L(app.MsgReportDates)) })
	r.from.SetText(r.to.Text)
	test.Tap(r.show)
	h.eventually("one day's report", func() bool { return r.status.Hidden && len(r.report.Days) == 1 })

	// Saved as a workbook, read back with the same library.
	path := filepath.Join(t.TempDir(), "report.xlsx")
	w, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	r.saveTo(w, app.FormatXLSX)
	h.eventually("saved", func() bool { return strings.Contains(r.status.Text, "report.xlsx") })
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Sheet1")
	if err != nil || len(rows) < 6 || rows[0][0] != lang.L("Office") || rows[0][1] != c2dfake.DemoCompany || rows[5][0] != lang.L("Person") {
		t.Fatalf("the workbook: %q %v", rows, err)
	}
}

// captureReportPage captures the Reports tab scrolled to show obj.
func (h *harness) captureReportPage(obj fyne.CanvasObject, name string) {
	h.scrollInto(obj)
	h.capture(name)
}
