package app

import (
	"testing"
	"time"
)

// The stream is trusted while polls find nothing deliveries did not bring;
// after a disagreement only once a delivery comes again, so that a server
// Chat2Desk cannot reach is never trusted between registrations.
func TestAgreementOfDeliveriesAndPolls(t *testing.T) {
	var g agreement
	g.init()
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	g.registered()
	if g.polled([]int64{1, 2}, at) != 0 || !g.trusted {
		t.Fatal("the catch-up poll proves nothing against the stream")
	}
	g.delivered(3, at)
	if g.polled([]int64{3, 4}, at) != 0 || !g.trusted { // 4: delivered a moment after the poll
		t.Fatal("a message polled before its delivery is no fault yet")
	}
	g.delivered(4, at)
	if g.polled(nil, at) != 0 || !g.trusted {
		t.Fatal("4 came")
	}
	if g.polled([]int64{5}, at) != 0 || g.polled(nil, at) != 1 || g.trusted {
		t.Fatal("5 never came: the stream is not trusted")
	}
	for range 3 { // registered again, the catch-up, a quiet office: still suspect
		g.registered()
		g.polled([]int64{6}, at)
		g.polled(nil, at)
		if g.trusted {
			t.Fatal("trusted again without a delivery")
		}
	}
	g.delivered(7, at)
	if g.polled([]int64{7}, at) != 0 || !g.trusted {
		t.Fatal("deliveries flow again: trusted")
	}
}
