package app

// The polling budget, where no server receives webhooks: how often the
// poller asks Chat2Desk during the office's working hours, what that costs
// a month in requests, and how long a client's message then waits to be
// seen. An administrator chooses the interval against the account's
// monthly quota; at night and on days off the poller backs off.

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"
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
)

// MsgPollInterval refuses an interval not offered.
const MsgPollInterval = "Choose one of the offered polling intervals."

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
	if !slices.Contains(PollIntervals, d) {
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
		b.Webhooks = w.Serving(a.cfg.Now())
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
