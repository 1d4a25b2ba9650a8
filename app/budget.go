package app

// The polling budget, where no server receives webhooks: how often the
// poller asks Chat2Desk during the office's working hours, what that costs
// a month in requests, and how long a client's message then waits to be
// seen. An administrator chooses the interval against the account's
// monthly quota; at night and on days off the poller backs off.

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"
	_ "time/tzdata" // the office's time zone also where the system has no zone files (Windows)
)

// PollIntervals are the intervals an administrator may choose.
var PollIntervals = []time.Duration{3 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second, time.Minute}

// DefaultPollInterval keeps the median delay under 10 s in working hours,
// window in front or not (a message waits half an interval on average,
// plus the poll itself).
const DefaultPollInterval = 15 * time.Second

// offHoursInterval is the poller's pace at night and on days off, when
// nothing moved for a while.
const offHoursInterval = 2 * time.Minute

const (
	settingPollInterval = "polling.interval_seconds"
	settingOfficeHours  = "office.hours"
)

// MsgPollInterval refuses an interval not offered.
const MsgPollInterval = "Choose one of the offered polling intervals."

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

// location is the hours' time zone.
func (h OfficeHours) location() *time.Location {
	if h.Zone != "" {
		if loc, err := time.LoadLocation(h.Zone); err == nil {
			return loc
		}
	}
	return time.Local
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

// PollInterval is the office's chosen interval for working hours.
func (a *App) PollInterval(ctx context.Context) (time.Duration, error) {
	v, ok, err := a.store.Setting(ctx, settingPollInterval)
	if err != nil || !ok {
		return DefaultPollInterval, err
	}
	secs, err := strconv.Atoi(v)
	if err != nil || secs <= 0 {
		return DefaultPollInterval, nil
	}
	return time.Duration(secs) * time.Second, nil
}

// SetPollInterval chooses the interval; administrators only.
func (s *Session) SetPollInterval(ctx context.Context, d time.Duration) error {
	if err := s.requireAdmin(ctx); err != nil {
		return err
	}
	valid := false
	for _, p := range PollIntervals {
		valid = valid || p == d
	}
	if !valid {
		return problem(MsgPollInterval)
	}
	return s.app.store.SetSetting(ctx, settingPollInterval, strconv.Itoa(int(d/time.Second)))
}

// PollCost is what an interval costs and gives.
type PollCost struct {
	Interval      time.Duration
	MedianDelay   time.Duration // how long a client's message waits to be seen, half the time
	MonthRequests int           // polls a month at the office's hours, nothing else counted
}

// pollTime is how long a poll takes, on top of the wait for it.
const pollTime = 500 * time.Millisecond

// scanCalls is what a comparison of the open dialogs usually costs: a
// page of them and a dialog read again.
const scanCalls = 2

// CostOf is an interval's cost at the office's hours: a poll every
// interval in working hours, every offHoursInterval outside them, and
// the open dialogs compared every MirrorScanEvery.
func CostOf(interval time.Duration, h OfficeHours) PollCost {
	const weeksPerMonth = 30.44 / 7
	month := 7 * 24 * 3600 * weeksPerMonth
	work := h.weeklyHours() * 3600 * weeksPerMonth
	rest := month - work
	calls := work/interval.Seconds() + rest/offHoursInterval.Seconds() + month/MirrorScanEvery.Seconds()*scanCalls
	return PollCost{Interval: interval, MedianDelay: interval/2 + pollTime, MonthRequests: int(calls)}
}

// Budget is the Polling card: the choices with their cost, the chosen
// one, the hours, and what the account used this month.
type Budget struct {
	Choices  []PollCost
	Chosen   time.Duration
	Hours    OfficeHours
	Used     int       // requests this month, Chat2Desk's count as last read
	UsedRead time.Time // when it was read; zero: never
	// Webhooks: a server receives them and they are trusted, so the
	// interval matters only when they fail.
	Webhooks bool
}

// Budget reads the polling budget.
func (a *App) Budget(ctx context.Context) (Budget, error) {
	var b Budget
	var err error
	if b.Hours, err = a.Hours(ctx); err != nil {
		return b, err
	}
	if b.Chosen, err = a.PollInterval(ctx); err != nil {
		return b, err
	}
	for _, d := range PollIntervals {
		b.Choices = append(b.Choices, CostOf(d, b.Hours))
	}
	conn, connected, err := a.store.LoadConnection(ctx)
	if err != nil && !errors.Is(err, ErrNoToken) {
		return b, err
	}
	if connected {
		b.Used, b.UsedRead = conn.RequestsThisMonth, conn.CheckedAt
	}
	if w, ok, err := a.WebhookStatus(ctx); err == nil && ok {
		b.Webhooks = w.Trusted && w.Listening(a.cfg.Now())
	}
	return b, nil
}

// pollDelay is the poller's wait after a round without error: the chosen
// interval in working hours (shorter while the window is in front and
// chats move), else NextPollDelay's back-off up to offHoursInterval.
func (a *App) pollDelay(ctx context.Context, active bool, quiet int) time.Duration {
	h, err := a.Hours(ctx)
	if err == nil && h.Open(a.cfg.Now()) {
		interval, err := a.PollInterval(ctx)
		if err != nil {
			interval = DefaultPollInterval
		}
		if active && quiet == 0 {
			return min(interval, 5*time.Second)
		}
		return interval
	}
	return NextPollDelay(active, quiet, 0, nil)
}
