package storage

import (
	"testing"
	"time"
)

func TestOnePollerHoldsTheLeaseUntilItExpires(t *testing.T) {
	s := openTemp(t)
	now := time.Unix(1_800_000_000, 0)
	s.SetClock(func() time.Time { return now })
	take := func(holder string) bool {
		t.Helper()
		ok, err := s.TakeLease(ctx, holder, "PC "+holder, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !take("a") || take("b") || !take("a") {
		t.Fatal("a takes it, b cannot, a renews")
	}
	now = now.Add(9 * time.Second)
	if take("b") {
		t.Fatal("b took a lease a renewed 9 s ago")
	}
	if err := s.LeasePolled(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if l, ok, _ := s.CurrentLease(ctx); !ok || l.Holder != "a" || l.Computer != "PC a" || !l.PolledAt.Equal(now) {
		t.Fatalf("%+v %v", l, ok)
	}
	now = now.Add(10 * time.Second) // a froze or died: its lease ran out
	if !take("b") || take("a") {
		t.Fatal("b takes over an expired lease, and a cannot take it back")
	}
	if l, _, _ := s.CurrentLease(ctx); l.Holder != "b" || !l.PolledAt.IsZero() || !l.AcquiredAt.Equal(now) {
		t.Fatalf("after the take-over: %+v", l)
	}
	if err := s.ReleaseLease(ctx, "b"); err != nil || !take("a") {
		t.Fatalf("a released lease is free at once: %v", err)
	}
}

func TestOutboxClaimsKeepOneSender(t *testing.T) {
	s := openTemp(t)
	now := time.Unix(1_800_000_000, 0)
	s.SetClock(func() time.Time { return now })
	staff, _ := s.CreateStaff(ctx, Staff{Name: "Иван", Role: RoleAgent, Active: true})
	id, err := s.Enqueue(ctx, OutboxItem{ClientID: 1, DialogID: 1, Type: "to_client", Text: "Добрый день", Author: staff})
	if err != nil {
		t.Fatal(err)
	}
	claim := func(holder string) bool {
		t.Helper()
		ok, err := s.ClaimOutbox(ctx, id, holder, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !claim("a") || claim("b") {
		t.Fatal("a claims it, b cannot")
	}
	if err := s.ReleaseOutbox(ctx, id, "b"); err != nil || claim("b") {
		t.Fatal("b cannot release a's claim")
	}
	now = now.Add(time.Minute)
	if !claim("b") {
		t.Fatal("an expired claim is free")
	}
	if err := s.ReleaseOutbox(ctx, id, "b"); err != nil || !claim("a") {
		t.Fatal("a released claim is free at once")
	}
	if err := s.ConfirmSent(ctx, id, Message{ID: 77, DialogID: 1, ClientID: 1, Type: "to_client", Text: "Добрый день", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseOutbox(ctx, id, "a"); err != nil || claim("b") {
		t.Fatal("a sent item cannot be claimed")
	}
	// A frozen process's late failure does not undo the delivery.
	if err := s.MarkOutbox(ctx, id, OutboxUnclear, "timeout"); err != nil {
		t.Fatal(err)
	}
	if it, err := s.OutboxItemByID(ctx, id); err != nil || it.State != OutboxSent {
		t.Fatalf("a sent item became %+v %v", it, err)
	}
}
