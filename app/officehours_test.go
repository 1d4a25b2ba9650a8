package app

import (
	"testing"
	"time"
)

// Only working time counts: across midnight, over a weekend, at night.
func TestWorkingTimeCountsOnlyWorkingHours(t *testing.T) {
	h := DefaultOfficeHours
	h.Zone = "Europe/Moscow"
	msk, _ := time.LoadLocation("Europe/Moscow")
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 12, day, hour, minute, 0, 0, msk) } // 7 Dec 2026 is a Monday
	for _, tc := range []struct {
		name string
		a, b time.Time
		want time.Duration
	}{
		{"within a morning", at(7, 10, 0), at(7, 10, 5), 5 * time.Minute},
		{"across midnight", at(7, 18, 55), at(8, 9, 3), 8 * time.Minute},
		{"over the weekend", at(11, 18, 0), at(14, 9, 30), 90 * time.Minute},
		{"on a Saturday", at(12, 12, 0), at(12, 15, 0), 0},
		{"from Sunday night", at(13, 23, 0), at(14, 9, 10), 10 * time.Minute},
		{"before the office opens", at(8, 7, 0), at(8, 8, 59), 0},
		{"backwards", at(8, 12, 0), at(8, 11, 0), 0},
		{"a whole week", at(7, 0, 0), at(14, 0, 0), 50 * time.Hour},
		{"read in UTC", at(7, 10, 0).UTC(), at(7, 10, 5).UTC(), 5 * time.Minute},
	} {
		if got := h.WorkingTime(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The report's periods begin at the office's midnight, not this computer's.
func TestReportPeriodsInTheOfficesZone(t *testing.T) {
	h := OfficeHours{Days: DefaultOfficeHours.Days, From: 540, To: 1140, Zone: "Asia/Vladivostok"}
	vl, _ := time.LoadLocation("Asia/Vladivostok")
	// Wednesday 2 December 2026, 23:30 UTC: Thursday 3 December, 9:30 in
	// Vladivostok, a week that began on Monday 30 November (day 0).
	now := time.Date(2026, 12, 2, 23, 30, 0, 0, time.UTC)
	day := func(d int) time.Time { return time.Date(2026, 12, d, 0, 0, 0, 0, vl) }
	for kind, want := range map[string]ReportFilter{
		PeriodToday: {From: day(3), To: day(4)},
		PeriodWeek:  {From: day(0), To: day(4)},
		PeriodMonth: {From: day(1), To: day(4)},
	} {
		if got := h.Period(kind, now); !got.From.Equal(want.From) || !got.To.Equal(want.To) {
			t.Errorf("%s: %v – %v, want %v – %v", kind, got.From, got.To, want.From, want.To)
		}
	}
	got, err := h.Dates("2026-12-01", "2026-12-31")
	if err != nil || !got.From.Equal(day(1)) || !got.To.Equal(day(32)) {
		t.Fatalf("dates: %+v %v", got, err)
	}
	for _, bad := range [][2]string{{"2026-12-31", "2026-12-01"}, {"1.12.2026", "2026-12-31"}, {"", ""}} {
		_, err := h.Dates(bad[0], bad[1])
		wantProblem(t, err, MsgReportDates)
	}
}
