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
