package app

// The report's periods, in the office's time zone: a day begins at the
// office's midnight, wherever the computer asking is.

import "time"

// The periods the Reports tab offers besides a range of dates.
const (
	PeriodToday = "today"
	PeriodWeek  = "week"
	PeriodMonth = "month"
)

// MsgReportDates refuses dates that are not YYYY-MM-DD.
const MsgReportDates = "Write dates as YYYY-MM-DD, for example 2026-12-01, the first day not after the last."

// Period is today, this week (from Monday) or this month until the end of
// today, at now in the office's time zone.
func (h OfficeHours) Period(kind string, now time.Time) ReportFilter {
	now = now.In(h.location())
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	f := ReportFilter{From: today, To: today.AddDate(0, 0, 1)}
	switch kind {
	case PeriodWeek:
		f.From = today.AddDate(0, 0, -int((today.Weekday()+6)%7))
	case PeriodMonth:
		f.From = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
	}
	return f
}

// Dates is the period from the first day to the last, both included,
// written YYYY-MM-DD, in the office's time zone.
func (h OfficeHours) Dates(first, last string) (ReportFilter, error) {
	loc := h.location()
	from, err1 := time.ParseInLocation(time.DateOnly, first, loc)
	to, err2 := time.ParseInLocation(time.DateOnly, last, loc)
	if err1 != nil || err2 != nil || to.Before(from) {
		return ReportFilter{}, problem(MsgReportDates)
	}
	return ReportFilter{From: from, To: to.AddDate(0, 0, 1)}, nil
}

// wholeDays widens a period to whole days of the office: the report keeps
// its figures by day.
func (h OfficeHours) wholeDays(f ReportFilter) ReportFilter {
	loc := h.location()
	from, to := f.From.In(loc), f.To.In(loc)
	f.From = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
	end := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, loc)
	if end.Before(to) {
		end = end.AddDate(0, 0, 1)
	}
	f.To = end
	return f
}
