package ui

// The polling budget, in the This computer card for administrators: how
// often C2Desk asks Chat2Desk for news in working hours, what that costs
// in the account's monthly requests, and how long a message then waits.

import (
	"context"
	"math"
	"time"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// budgetSection is the card's part on polling: the intro, the interval
// with its cost, the office's hours, the month's count.
type budgetSection struct {
	u       *UI
	intro   *widget.Label
	choice  *widget.Select
	hours   *hoursEditor
	used    *widget.Label
	status  *widget.Label
	budget  app.Budget
	choices []string // the choice's labels, one per budget.Choices
}

// newPollingSection reads the budget in the background and shows the
// choice when it has it.
func newPollingSection(u *UI) fyne.CanvasObject {
	s := &budgetSection{u: u, intro: paragraph("", widget.MediumImportance), used: paragraph("", widget.LowImportance),
		status: paragraph("", widget.MediumImportance), choice: widget.NewSelect(nil, nil)}
	s.status.Hide()
	s.choice.Disable()
	s.hours = newHoursEditor(s.saveHours)
	box := container.NewVBox(widget.NewLabelWithStyle(lang.L("Checking for new messages"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.intro, s.choice, s.hours.content, s.used, s.status)
	background(u, u.core.Budget, func(b app.Budget, err error) {
		if err != nil {
			say(s.status, sentence(err), widget.DangerImportance)
			return
		}
		s.show(b)
		s.hours.set(b.Hours)
		s.choice.OnChanged = s.chooseInterval
		s.choice.Enable()
		if !b.UsedRead.IsZero() {
			s.used.SetText(lang.L("API requests this month: {{.Count}} (Chat2Desk's count at {{.Time}}).",
				map[string]any{"Count": formatCount(b.Used), "Time": shortTime(b.UsedRead, time.Now())}))
		}
	})
	return box
}

// show writes the intro and the choices' costs for the budget's hours.
func (s *budgetSection) show(b app.Budget) {
	s.budget = b
	s.intro.SetText(budgetIntro(b))
	s.choices = make([]string, len(b.Choices))
	selected := ""
	for i, c := range b.Choices {
		s.choices[i] = costLabel(c)
		if c.Interval == b.Chosen {
			selected = s.choices[i]
		}
	}
	changed := s.choice.OnChanged
	s.choice.OnChanged = nil // showing is not choosing
	s.choice.Options = s.choices
	s.choice.SetSelected(selected)
	s.choice.OnChanged = changed
}

// chooseInterval saves the interval chosen.
func (s *budgetSection) chooseInterval(label string) {
	for i, l := range s.choices {
		if l != label {
			continue
		}
		d := s.budget.Choices[i].Interval
		session := s.u.session
		background(s.u, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, session.SetPollInterval(ctx, d)
		}, func(_ struct{}, err error) {
			if err != nil {
				say(s.status, sentence(err), widget.DangerImportance)
				return
			}
			s.budget.Chosen = d
			say(s.status, lang.L("Saved: every computer of the office polls at this interval from its next poll."), widget.SuccessImportance)
		})
	}
}

// saveHours saves the office's hours and shows the costs at them.
func (s *budgetSection) saveHours(h app.OfficeHours) {
	session := s.u.session
	background(s.u, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, session.SetOfficeHours(ctx, h)
	}, func(_ struct{}, err error) {
		if err != nil {
			say(s.status, sentence(err), widget.DangerImportance)
			return
		}
		b := s.budget
		b.Hours = h
		for i := range b.Choices {
			b.Choices[i] = app.CostOf(b.Choices[i].Interval, h)
		}
		s.show(b)
		say(s.status, lang.L("Saved: the office's working hours."), widget.SuccessImportance)
	})
}

// budgetIntro says what the interval is for.
func budgetIntro(b app.Budget) string {
	if b.Webhooks {
		return lang.L("Chat2Desk's webhooks bring new messages within seconds; C2Desk polls only to check that nothing was missed. The interval below counts if they stop.")
	}
	return lang.L("C2Desk asks Chat2Desk for new messages. In working hours ({{.Hours}}) it asks at the interval chosen here, whether or not the window is in front; at night and on days off every 2 minutes. Each question counts against the account's monthly API requests.",
		map[string]any{"Hours": hoursText(b.Hours)})
}

// costLabel is one choice: "Every 15 s: about 8 s delay, about 76,000
// requests a month".
func costLabel(c app.PollCost) string {
	return lang.L("Every {{.Interval}} s: about {{.Delay}} s delay, about {{.Requests}} requests a month", map[string]any{
		"Interval": int(c.Interval.Seconds()), "Delay": int(math.Round(c.MedianDelay.Seconds())),
		"Requests": formatCount(int(math.Round(float64(c.MonthRequests)/1000)) * 1000)})
}

// hoursText is the office's hours: "Mon–Fri 9:00–19:00".
func hoursText(h app.OfficeHours) string {
	names := dayNames()
	days := ""
	for i := 1; i <= 7; i++ { // Monday first
		d := i % 7
		if !h.Days[d] {
			continue
		}
		start := d
		for i+1 <= 7 && h.Days[(i+1)%7] {
			i++
		}
		if days != "" {
			days += ", "
		}
		days += names[start]
		if end := i % 7; end != start {
			days += "–" + names[end]
		}
	}
	return days + " " + clockText(h.From) + "–" + clockText(h.To)
}
