package app

// How the webhooks stand, kept in the database for doctor and for every
// PC's Office card, and what the poller does with them after each poll.

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// settingWebhook is where the listening process keeps WebhookStatus (a
// "conn." key: the office's poller may write it).
const settingWebhook = "conn.webhook"

// WebhookStatus is how Chat2Desk's webhooks stand.
type WebhookStatus struct {
	Address      string    `json:"address"` // where Chat2Desk posts, without the secret; "" once stopped
	Trusted      bool      `json:"trusted"` // deliveries and polls agree: polling is only the safety net
	Deliveries   int       `json:"deliveries"`
	LastDelivery time.Time `json:"last_delivery"`
	Checked      time.Time `json:"checked"` // the last poll that compared
	Problem      string    `json:"problem,omitempty"`
	ProblemAt    time.Time `json:"problem_at"`
}

// Listening reports whether a server still receives webhooks: it said
// so within a few safety-net polls.
func (w WebhookStatus) Listening(now time.Time) bool {
	return w.Address != "" && now.Sub(w.Checked) < 4*SafetyNetInterval
}

// Serving reports whether webhooks bring Chat2Desk's changes now: a
// server listens and its deliveries are trusted.
func (w WebhookStatus) Serving(now time.Time) bool { return w.Trusted && w.Listening(now) }

// WebhookStatus reads how the webhooks stand; false when no server ever
// listened for them.
func (a *App) WebhookStatus(ctx context.Context) (WebhookStatus, bool, error) {
	var w WebhookStatus
	raw, ok, err := a.store.Setting(ctx, settingWebhook)
	if err != nil || !ok {
		return w, false, err
	}
	if json.Unmarshal([]byte(raw), &w) != nil {
		return w, false, nil
	}
	return w, true, nil
}

// Trusted reports whether the deliveries are trusted now.
func (s *Stream) Trusted() bool {
	s.agree.mu.Lock()
	defer s.agree.mu.Unlock()
	return s.agree.trusted
}

// status is the stream as WebhookStatus says it.
func (s *Stream) status(now time.Time) WebhookStatus {
	g := &s.agree
	g.mu.Lock()
	defer g.mu.Unlock()
	return WebhookStatus{Address: s.base, Trusted: g.trusted, Deliveries: g.deliveries, LastDelivery: g.lastDelivery,
		Checked: now, Problem: g.problem, ProblemAt: g.problemAt}
}

func (s *Stream) saveStatus(ctx context.Context, w WebhookStatus) {
	b, _ := json.Marshal(w)
	if err := s.app.store.SetSetting(ctx, settingWebhook, string(b)); err != nil {
		s.app.log.Warn("webhook: could not keep its status", "err", err)
	}
}

// afterPoll compares the poll with the deliveries: messages no delivery
// brought make the stream untrusted and the webhook is registered again;
// every webhookCheckEvery its status is read (Chat2Desk switches a
// failing one off).
func (s *Stream) afterPoll(ctx context.Context, res PollResult, err error) {
	if err != nil || res.History {
		return
	}
	now := s.app.cfg.Now()
	if !s.isRegistered() {
		s.reRegister(ctx) // it failed at start: Chat2Desk or the network was down
	}
	if missed := s.agree.polled(res.Polled, now); missed > 0 {
		s.app.log.Warn("webhook: polling found messages no delivery brought; registering again", "missed", missed)
		s.reRegister(ctx)
	} else if now.Sub(s.checked) >= webhookCheckEvery {
		s.checkHook(ctx, now)
	}
	s.saveStatus(ctx, s.status(now))
}

// checkHook reads the webhook's status and switches it on again when
// Chat2Desk switched it off or it is gone.
func (s *Stream) checkHook(ctx context.Context, now time.Time) {
	client, err := s.app.storedClient(ctx)
	if err != nil {
		return
	}
	hooks, err := client.Webhooks.List(ctx)
	s.checked = now
	if err != nil {
		s.app.log.Warn("webhook: could not read its status", "err", err)
		return
	}
	for _, h := range hooks {
		if h.ID == s.hookID && h.Enabled() && string(h.URL) == s.url() {
			return
		}
	}
	s.app.log.Warn("webhook: Chat2Desk had switched it off or removed it; registering again")
	s.agree.fault(MsgWebhookOff, now)
	s.reRegister(ctx)
}

func (s *Stream) isRegistered() bool {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	return s.hookID != 0
}

func (s *Stream) reRegister(ctx context.Context) {
	if err := s.Register(ctx); err != nil {
		s.app.log.Warn("webhook: could not register it again", "err", err)
	}
}

// Stopped records that nobody listens any more.
func (s *Stream) Stopped(ctx context.Context) {
	w := s.status(s.app.cfg.Now())
	w.Address, w.Trusted = "", false
	s.saveStatus(ctx, w)
}

// streamDelay is the poller's wait after a round: the safety net's while
// the stream of deliveries is trusted, else delay.
func (p *Poller) streamDelay(ctx context.Context, res PollResult, err error, delay time.Duration) time.Duration {
	s := p.app.stream.Load()
	if s == nil {
		return delay
	}
	s.afterPoll(ctx, res, err)
	if err == nil && delay >= 0 && s.Trusted() {
		return SafetyNetInterval
	}
	return delay
}

// webhookCheck is doctor's line on the webhooks.
func (a *App) webhookCheck(ctx context.Context) Check {
	w, ok, err := a.WebhookStatus(ctx)
	now := a.cfg.Now()
	switch {
	case err != nil:
		return Check{Name: "webhooks", Detail: Explain(err)}
	case !ok:
		return Check{Name: "webhooks", OK: true, Detail: "not used: C2Desk polls Chat2Desk (an office server with `c2desk poll --listen` would receive them within seconds)"}
	case w.Address == "":
		return Check{Name: "webhooks", OK: true, Detail: "not received since the server stopped at " + clock(w.Checked) + ": C2Desk polls Chat2Desk"}
	case !w.Listening(now):
		return Check{Name: "webhooks", Detail: fmt.Sprintf("the server that receives them at %s has said nothing since %s: is `c2desk poll --listen` running there?", w.Address, clock(w.Checked))}
	case !w.Trusted:
		return Check{Name: "webhooks", Detail: w.Problem + " (" + clock(w.ProblemAt) + ")"}
	}
	detail := fmt.Sprintf("received at %s: %d deliveries", w.Address, w.Deliveries)
	if !w.LastDelivery.IsZero() {
		detail += ", the last at " + clock(w.LastDelivery)
	}
	detail += fmt.Sprintf("; polling every %d s only to prove nothing was missed", int(SafetyNetInterval.Seconds()))
	if w.Problem != "" && now.Sub(w.ProblemAt) < 24*time.Hour {
		detail += "; at " + clock(w.ProblemAt) + ": " + w.Problem
	}
	return Check{Name: "webhooks", OK: true, Detail: detail}
}

// clock is a time as doctor says it: the day and the minute, local.
func clock(t time.Time) string { return t.Local().Format("2006-01-02 15:04") }
