package app

// Whether the stream of webhook deliveries can be trusted: only while
// deliveries and polls agree. A quiet stream may be a quiet office or a
// webhook Chat2Desk switched off, so every safety-net poll checks that
// each message it read was delivered too (by the next poll at the latest:
// a delivery may come a moment after the poll).

import (
	"sync"
	"time"
)

// maxRemembered bounds the delivered ids kept for the polls to confirm.
const maxRemembered = 50000

type agreement struct {
	mu           sync.Mutex
	brought      map[int64]bool      // delivered, not yet seen by a poll
	unconfirmed  map[int64]time.Time // polled, not delivered (yet)
	polls        int                 // polls since the webhook was (re)registered
	lastDelivery time.Time
	deliveries   int
	trusted      bool
	// suspect: a disagreement was noticed and no delivery has come since.
	// The stream is not trusted again before one does: a server Chat2Desk
	// cannot reach would otherwise be trusted after each registration.
	suspect   bool
	problem   string // the last disagreement noticed, said until the next
	problemAt time.Time
}

func (g *agreement) init() {
	g.brought, g.unconfirmed = map[int64]bool{}, map[int64]time.Time{}
}

// registered starts over: the first poll after it catches up on what
// came while nobody listened, and proves nothing.
func (g *agreement) registered() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.polls, g.trusted = 0, false
	clear(g.unconfirmed)
}

// delivered notes a message a delivery brought.
func (g *agreement) delivered(id int64, at time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.brought) >= maxRemembered {
		clear(g.brought)
	}
	g.brought[id] = true
	g.lastDelivery = at
	g.deliveries++
	g.suspect = false
}

// polled checks a poll's messages against the deliveries and returns how
// many messages no delivery brought by now.
func (g *agreement) polled(ids []int64, at time.Time) (missed int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for id := range g.unconfirmed {
		if !g.brought[id] {
			missed++
		}
		delete(g.brought, id)
		delete(g.unconfirmed, id)
	}
	for _, id := range ids {
		switch {
		case g.brought[id]:
			delete(g.brought, id)
		case g.polls > 0: // the catch-up poll's news came before the webhook
			g.unconfirmed[id] = at
		}
	}
	g.polls++
	if missed > 0 {
		g.problem, g.problemAt, g.suspect = MsgWebhookMissed, at, true
	}
	g.trusted = !g.suspect
	return missed
}

// fault marks the stream untrusted for a reason.
func (g *agreement) fault(why string, at time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.trusted, g.problem, g.problemAt, g.suspect = false, why, at, true
}

// Messages that say why webhooks are not trusted.
const (
	MsgWebhookMissed = "Chat2Desk's webhook did not bring every message that polling found; C2Desk registered it again and polls as usual meanwhile."
	MsgWebhookOff    = "Chat2Desk had switched the webhook off (it does after hours of failed deliveries); C2Desk switched it on again."
)
