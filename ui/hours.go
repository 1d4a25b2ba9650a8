package ui

// The office's working hours: days, from and to, and the time zone they
// are in. Polling is quick in them; reports (later) count only them.

import (
	"fmt"
	"time"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// officeZones are the time zones offered: Russia's, west to east. ""
// is this computer's.
var officeZones = []string{"", "Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk",
	"Asia/Novosibirsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan", "Asia/Kamchatka"}

// hoursEditor edits OfficeHours; every change is saved at once.
type hoursEditor struct {
	content  fyne.CanvasObject
	days     [7]*widget.Check // by time.Weekday
	from, to *widget.Select
	zone     *widget.Select
	zones    []string // the zone select's labels, one per officeZones
	setting  bool     // set is filling the widgets: no saving
	save     func(app.OfficeHours)
}

func newHoursEditor(save func(app.OfficeHours)) *hoursEditor {
	e := &hoursEditor{save: save}
	var times []string
	for m := 0; m <= 24*60; m += 30 {
		times = append(times, clockText(m))
	}
	changed := func(string) { e.changed() }
	e.from, e.to = widget.NewSelect(times, changed), widget.NewSelect(times, changed)
	for _, z := range officeZones {
		label := lang.L("This computer's")
		if z != "" {
			label = z
		}
		e.zones = append(e.zones, label)
	}
	e.zone = widget.NewSelect(e.zones, changed)
	names := dayNames()
	row := container.NewHBox()
	for i := 1; i <= 7; i++ { // Monday first
		d := i % 7
		e.days[d] = widget.NewCheck(names[d], func(bool) { e.changed() })
		row.Add(e.days[d])
	}
	span := container.NewHBox(widget.NewLabel(lang.L("from")), e.from, widget.NewLabel(lang.L("to")), e.to)
	form := widget.NewForm(widget.NewFormItem(lang.L("Working days"), row), widget.NewFormItem(lang.L("Working hours"), span),
		widget.NewFormItem(lang.L("Time zone"), e.zone))
	e.content = form
	return e
}

// set shows h without saving it.
func (e *hoursEditor) set(h app.OfficeHours) {
	e.setting = true
	defer func() { e.setting = false }()
	for d, c := range e.days {
		c.SetChecked(h.Days[d])
	}
	e.from.SetSelected(clockText(h.From))
	e.to.SetSelected(clockText(h.To))
	for i, z := range officeZones {
		if z == h.Zone {
			e.zone.SetSelected(e.zones[i])
		}
	}
}

// changed saves what the widgets say.
func (e *hoursEditor) changed() {
	if e.setting {
		return
	}
	var h app.OfficeHours
	for d, c := range e.days {
		h.Days[d] = c.Checked
	}
	h.From, h.To = clockMinutes(e.from.Selected), clockMinutes(e.to.Selected)
	h.Zone = officeZones[max(e.zone.SelectedIndex(), 0)]
	e.save(h)
}

// dayNames are the weekdays' short names, Sunday first as time.Weekday.
func dayNames() []string {
	return []string{lang.L("Sun"), lang.L("Mon"), lang.L("Tue"), lang.L("Wed"), lang.L("Thu"), lang.L("Fri"), lang.L("Sat")}
}

func clockText(minute int) string { return fmt.Sprintf("%d:%02d", minute/60, minute%60) }

func clockMinutes(text string) int {
	t, err := time.Parse("15:04", text)
	if text == "24:00" {
		return 24 * 60
	}
	if err != nil {
		return 0
	}
	return t.Hour()*60 + t.Minute()
}
