package app

// The office's working days and hours, in its time zone: polling is quick
// in them, and response times count only them (a client who writes at
// night waits for nobody until the morning).

import (
	"context"
	"encoding/json"
	"sync"
	"time"
	_ "time/tzdata" // the office's time zone also where the system has no zone files (Windows)
)

const settingOfficeHours = "office.hours"

// OfficeHours are the office's working days and hours, in its time zone.
type OfficeHours struct {
	Days [7]bool `json:"days"` // Sunday first, as time.Weekday
	// From and To are minutes after midnight.
	From int    `json:"from_minute"`
	To   int    `json:"to_minute"`
	Zone string `json:"zone,omitempty"` // an IANA name; "": this computer's
}

// DefaultOfficeHours is Monday to Friday, 9:00 to 19:00.
var DefaultOfficeHours = OfficeHours{Days: [7]bool{false, true, true, true, true, true, false}, From: 9 * 60, To: 19 * 60}

// zones keeps loaded time zones: a report asks for one per answer, and
// loading parses the zone's file each time.
var zones sync.Map

// location is the hours' time zone.
func (h OfficeHours) location() *time.Location {
	if h.Zone == "" {
		return time.Local
	}
	if loc, ok := zones.Load(h.Zone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(h.Zone)
	if err != nil {
		return time.Local
	}
	zones.Store(h.Zone, loc)
	return loc
}

// Open reports whether the office works at t.
func (h OfficeHours) Open(t time.Time) bool {
	t = t.In(h.location())
	minute := t.Hour()*60 + t.Minute()
	return h.Days[t.Weekday()] && minute >= h.From && minute < h.To
}

// weeklyHours is how many hours a week the office works.
func (h OfficeHours) weeklyHours() float64 {
	days := 0
	for _, d := range h.Days {
		if d {
			days++
		}
	}
	return float64(days) * float64(max(h.To-h.From, 0)) / 60
}

// Hours are the office's working hours (DefaultOfficeHours until set).
func (a *App) Hours(ctx context.Context) (OfficeHours, error) {
	v, ok, err := a.store.Setting(ctx, settingOfficeHours)
	if err != nil || !ok {
		return DefaultOfficeHours, err
	}
	var h OfficeHours
	if json.Unmarshal([]byte(v), &h) != nil || h.To <= h.From {
		return DefaultOfficeHours, nil
	}
	return h, nil
}

// MsgOfficeHours refuses working hours that are none.
const MsgOfficeHours = "Working hours need at least one day, and an end after their start within the day."

// SetOfficeHours sets the office's working hours; administrators only.
func (s *Session) SetOfficeHours(ctx context.Context, h OfficeHours) error {
	if err := s.requireAdmin(ctx); err != nil {
		return err
	}
	if h.weeklyHours() <= 0 || h.From < 0 || h.To > 24*60 {
		return problem(MsgOfficeHours)
	}
	if _, err := time.LoadLocation(h.Zone); err != nil {
		return problem(MsgOfficeHours)
	}
	b, _ := json.Marshal(h)
	return s.app.store.SetSetting(ctx, settingOfficeHours, string(b))
}

// WorkingTime is how much of the time from a to b falls in working hours.
func (h OfficeHours) WorkingTime(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	loc := h.location()
	a, b = a.In(loc), b.In(loc)
	var total time.Duration
	for day := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, loc); day.Before(b); day = day.AddDate(0, 0, 1) {
		if !h.Days[day.Weekday()] {
			continue
		}
		open := day.Add(time.Duration(h.From) * time.Minute)
		closed := day.Add(time.Duration(h.To) * time.Minute)
		from, to := later(a, open), earlier(b, closed)
		if to.After(from) {
			total += to.Sub(from)
		}
	}
	return total
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
