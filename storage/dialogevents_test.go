package storage

import (
	"sync"
	"testing"
	"time"
)

// A transfer and a close made outside C2Desk are recorded once, however
// often (and however concurrently) they are reported; a reopen and what
// the database already knew record nothing.
func TestMirrorDialogRecordsEachChangeOnce(t *testing.T) {
	s := openTemp(t)
	if err := s.UpsertDialog(ctx, Dialog{ID: 9001, ClientID: 501, State: "open", OperatorID: 11, Transport: "telegram"}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 7, 14, 2, 0, 0, time.UTC)
	var wg sync.WaitGroup
	recorded := make([]int, 4)
	for i := range recorded {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ev, err := s.MirrorDialog(ctx, 9001, "open", 12, at)
			if err != nil {
				t.Error(err)
			}
			recorded[i] = len(ev)
		}()
	}
	wg.Wait()
	if total := recorded[0] + recorded[1] + recorded[2] + recorded[3]; total != 1 {
		t.Fatalf("the transfer was recorded %d times", total)
	}
	ev, err := s.MirrorDialog(ctx, 9001, "closed", 12, at.Add(time.Minute))
	if err != nil || len(ev) != 1 || ev[0].Kind != EventClosed {
		t.Fatalf("close: %+v %v", ev, err)
	}
	d, _ := s.DialogByID(ctx, 9001)
	if d.State != "closed" || d.OperatorID != 12 || !d.EndAt.Equal(at.Add(time.Minute)) {
		t.Fatalf("dialog %+v", d)
	}
	if ev, err := s.MirrorDialog(ctx, 9001, "open", 12, at.Add(2*time.Minute)); err != nil || len(ev) != 0 {
		t.Fatalf("a reopen recorded %+v %v", ev, err)
	}
	if ev, err := s.MirrorDialog(ctx, 424242, "closed", 3, at); err != nil || len(ev) != 0 {
		t.Fatalf("a dialog not stored: %+v %v", ev, err)
	}
	all, err := s.DialogEvents(ctx, 9001, time.Time{})
	if err != nil || len(all) != 2 || all[0].Kind != EventTransferred || all[0].OperatorID != 12 || !all[0].At.Equal(at) || all[1].Kind != EventClosed {
		t.Fatalf("events %+v %v", all, err)
	}
	if later, _ := s.DialogEvents(ctx, 9001, at.Add(30*time.Second)); len(later) != 1 {
		t.Fatalf("since: %+v", later)
	}
}
