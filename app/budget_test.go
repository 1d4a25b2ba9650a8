package app

import (
	"testing"
	"time"
)

func TestDefaultPollingKeepsTheMedianUnderTenSecondsInWorkingHours(t *testing.T) {
	e, admin, ivanStaff, _ := agency(t)
	ivan, err := e.app.SignIn(ctx, ivanStaff.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	monday10 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.Local)
	sunday10 := time.Date(2026, 12, 6, 10, 0, 0, 0, time.Local)
	e.app.cfg.Now = func() time.Time { return monday10 }
	for _, active := range []bool{true, false} {
		for _, quiet := range []int{0, 3, 50} {
			if d := e.app.pollDelay(ctx, active, quiet); d > 2*10*time.Second-2*pollTime {
				t.Fatalf("working hours, window in front %v, %d quiet polls: waits %v", active, quiet, d)
			}
		}
	}
	if c := CostOf(DefaultPollInterval, DefaultOfficeHours); c.MedianDelay > 10*time.Second || c.MonthRequests < 60_000 || c.MonthRequests > 85_000 {
		t.Fatalf("the default costs %+v", c)
	}
	// At night and on days off it backs off as before.
	for _, at := range []time.Time{sunday10, monday10.Add(12 * time.Hour)} {
		e.app.cfg.Now = func() time.Time { return at }
		if d := e.app.pollDelay(ctx, false, 50); d != offHoursInterval {
			t.Fatalf("%v: waits %v", at, d)
		}
	}
	// The administrator chooses; an agent may not; only offered ones.
	if err := ivan.SetPollInterval(ctx, 5*time.Second); err == nil {
		t.Fatal("an agent changed the polling interval")
	}
	if err := admin.SetPollInterval(ctx, 7*time.Second); err == nil {
		t.Fatal("an interval not offered was taken")
	}
	if err := admin.SetPollInterval(ctx, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	e.app.cfg.Now = func() time.Time { return monday10 }
	if d := e.app.pollDelay(ctx, false, 3); d != 30*time.Second {
		t.Fatalf("chosen 30 s, waits %v", d)
	}
	b, err := e.app.Budget(ctx)
	if err != nil || b.Chosen != 30*time.Second || len(b.Choices) != len(PollIntervals) || b.Used == 0 {
		t.Fatalf("budget %+v %v", b, err)
	}
	for i := 1; i < len(b.Choices); i++ {
		if b.Choices[i].MonthRequests >= b.Choices[i-1].MonthRequests || b.Choices[i].MedianDelay <= b.Choices[i-1].MedianDelay {
			t.Fatalf("a longer interval must cost less and wait longer: %+v", b.Choices)
		}
	}
}

func TestOfficeHoursAreTheAdministrators(t *testing.T) {
	e, admin, ivanStaff, _ := agency(t)
	ivan, _ := e.app.SignIn(ctx, ivanStaff.ID, "")
	weekend := OfficeHours{Days: [7]bool{true, false, false, false, false, false, true}, From: 10 * 60, To: 16 * 60, Zone: "Asia/Yekaterinburg"}
	if err := ivan.SetOfficeHours(ctx, weekend); err == nil {
		t.Fatal("an agent set the office's hours")
	}
	for _, bad := range []OfficeHours{{From: 9 * 60, To: 18 * 60}, {Days: weekend.Days, From: 18 * 60, To: 9 * 60}, {Days: weekend.Days, From: 0, To: 25 * 60},
		{Days: weekend.Days, From: 0, To: 60, Zone: "Nowhere/City"}} {
		if err := admin.SetOfficeHours(ctx, bad); err == nil {
			t.Fatalf("%+v taken", bad)
		}
	}
	if err := admin.SetOfficeHours(ctx, weekend); err != nil {
		t.Fatal(err)
	}
	if h, err := e.app.Hours(ctx); err != nil || h != weekend {
		t.Fatalf("%+v %v", h, err)
	}
}

func TestOfficeHours(t *testing.T) {
	h := OfficeHours{Days: DefaultOfficeHours.Days, From: 9 * 60, To: 19 * 60, Zone: "Europe/Moscow"}
	msk := time.FixedZone("MSK", 3*3600)
	for at, open := range map[time.Time]bool{
		time.Date(2026, 12, 7, 9, 0, 0, 0, msk):       true,
		time.Date(2026, 12, 7, 8, 59, 0, 0, msk):      false,
		time.Date(2026, 12, 7, 19, 0, 0, 0, msk):      false,
		time.Date(2026, 12, 7, 6, 30, 0, 0, time.UTC): true,  // 9:30 in Moscow
		time.Date(2026, 12, 12, 12, 0, 0, 0, msk):     false, // Saturday
	} {
		if h.Open(at) != open {
			t.Errorf("%v: open %v", at, !open)
		}
	}
}
