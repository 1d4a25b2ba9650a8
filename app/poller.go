package app

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"c2desk/c2dapi"
)

// Poller keeps the database current in the background: it sends what
// waits in the outbox, then polls for new messages, at the adaptive
// interval of NextPollDelay. It stops when the token is refused or the
// quota is used up, until Wake is called. In an office it polls only while
// it holds the poller lease (office.go); otherwise it reports a Refresh
// whenever the office database says another process changed it, and at
// least every CatchUp, so the window shows what the others did.
type Poller struct {
	app      *App
	onResult func(PollResult, error)
	progress func(stored int)
	active   atomic.Bool
	wake     chan struct{}
	done     chan struct{}
	inner    *Poller // the poller App's, on a joined computer (App.UsePoller)

	leaseMu      sync.Mutex
	leaseFailure error

	changed chan struct{} // another process changed the office database
	// templatesDue is when an office's poller next looks whether the
	// stored quick replies need loading again.
	templatesDue time.Time
	// scanDue is when the open dialogs are next compared with Chat2Desk's
	// (only while no trusted webhook brings their changes).
	scanDue time.Time
	// quotaDue is when the account's request count is next read, for
	// the polling budget every PC of the office shows.
	quotaDue time.Time
	// figuresDue is when the report's figures are next kept, whether or
	// not a poll stored messages.
	figuresDue time.Time
	seen       int64 // the newest message this PC has shown

	changeMu   sync.Mutex
	changedSet map[string]bool // tables changed since last reported
	changedAll bool            // or any may have
}

// noteChanges is Watch's callback: it gathers the tables until the next
// Refresh takes them.
func (p *Poller) noteChanges(tables []string) {
	p.changeMu.Lock()
	if tables == nil {
		p.changedAll = true
	}
	for _, t := range tables {
		if p.changedSet == nil {
			p.changedSet = map[string]bool{}
		}
		p.changedSet[t] = true
	}
	p.changeMu.Unlock()
	select {
	case p.changed <- struct{}{}:
	default:
	}
}

// markAllChanged makes the next Refresh re-read everything.
func (p *Poller) markAllChanged() {
	p.changeMu.Lock()
	p.changedAll = true
	p.changeMu.Unlock()
}

// takeChanges is what changed since the last call: a Refresh's Changed.
func (p *Poller) takeChanges() Changed {
	p.changeMu.Lock()
	defer p.changeMu.Unlock()
	all := p.changedAll
	tables := make([]string, 0, len(p.changedSet))
	for t := range p.changedSet {
		tables = append(tables, t)
	}
	p.changedSet, p.changedAll = nil, false
	if all {
		return everything
	}
	return changedFrom(tables)
}

// StartPoller runs the poller until ctx ends. onResult is called from the
// poller's goroutine after each round; progress during a round that loads
// history. Either may be nil.
func (a *App) StartPoller(ctx context.Context, onResult func(PollResult, error), progress func(stored int)) *Poller {
	p := &Poller{app: a, onResult: onResult, progress: progress, wake: make(chan struct{}, 1), done: make(chan struct{}),
		changed: make(chan struct{}, 1), scanDue: time.Now().Add(MirrorScanEvery), quotaDue: time.Now().Add(quotaEvery)}
	p.active.Store(true)
	if a.poller != nil {
		// A joined computer with the poller's credential: its poller App
		// polls and sends; this one shows what the person may see.
		p.inner = a.poller.StartPoller(ctx, nil, nil)
	}
	go p.run(ctx)
	return p
}

// SetActive tells the poller whether the window is in front: it polls
// faster then.
func (p *Poller) SetActive(on bool) {
	p.active.Store(on)
	if p.inner != nil {
		p.inner.SetActive(on)
	}
}

// Wake makes the poller poll now, also after it stopped on an error that
// needed a person (a new token, a new month).
func (p *Poller) Wake() {
	if p.inner != nil {
		p.inner.Wake()
	}
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Done is closed when the poller has stopped for good.
func (p *Poller) Done() <-chan struct{} { return p.done }

func (p *Poller) run(ctx context.Context) {
	defer close(p.done)
	if p.inner != nil {
		defer func() { <-p.inner.Done() }()
	}
	office := p.app.store.Office()
	if office {
		p.seen, _ = p.app.store.NewestMessageID(ctx)
		p.app.Lead(ctx)
		go p.keepLease(ctx)
		go p.app.store.Watch(ctx, p.noteChanges)
		defer func() {
			c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			p.app.StepDown(c)
		}()
	}
	quiet, failures := 0, 0
	for {
		if !p.app.Polls() {
			// Another process polls for the office: show what it and the
			// other PCs stored, and be ready to take over.
			if p.onResult != nil {
				res, err := p.othersNews(ctx)
				if err == nil {
					err = p.leaseErr()
				}
				p.onResult(res, err)
			}
			if !p.standBy(ctx) {
				return
			}
			continue
		}
		res, err := p.round(ctx)
		if ctx.Err() != nil {
			return
		}
		if office {
			// What this poller stored it reports itself; a PC that
			// takes over later does not notify of it again.
			if id, err := p.app.store.NewestMessageID(ctx); err == nil {
				p.seen = id
			}
			if err == nil && time.Now().After(p.templatesDue) {
				p.keepTemplates(ctx)
			}
		}
		if p.onResult != nil {
			p.onResult(res, err)
		}
		var delay time.Duration = -1
		switch {
		case err != nil && PollStops(err):
			p.app.log.Warn("polling stopped until someone acts", "err", err)
			quiet, failures = 0, 0 // no delay: only Wake resumes
		case err != nil:
			failures++
			delay = NextPollDelay(p.active.Load(), quiet, failures, err)
		default:
			failures = 0
			if res.Stored == 0 {
				quiet++
			} else {
				quiet = 0
			}
			delay = p.app.pollDelay(ctx, p.active.Load(), quiet)
		}
		delay = p.streamDelay(ctx, res, err, delay)
		if err == nil {
			p.scanIfDue(ctx)
			p.countIfDue(ctx)
			p.keepFiguresIfDue(ctx)
		}
		if !p.wait(ctx, office, delay, &quiet) {
			return
		}
	}
}

// scanIfDue compares the open dialogs with Chat2Desk's every
// MirrorScanEvery, unless a trusted webhook brings their changes.
func (p *Poller) scanIfDue(ctx context.Context) {
	if s := p.app.stream.Load(); s != nil && s.Trusted() || time.Now().Before(p.scanDue) {
		return
	}
	p.scanDue = time.Now().Add(MirrorScanEvery)
	if _, err := p.app.scanOpenDialogs(ctx); err != nil {
		p.app.log.Warn("could not compare the open chats with Chat2Desk", "err", err)
	}
}

// quotaEvery is how often the poller reads the account's request count.
const quotaEvery = time.Hour

// countIfDue reads api_info every quotaEvery: the month's request count,
// kept in the database for the budget on every PC.
func (p *Poller) countIfDue(ctx context.Context) {
	if time.Now().Before(p.quotaDue) {
		return
	}
	p.quotaDue = time.Now().Add(quotaEvery)
	if _, err := p.app.refresh(ctx); err != nil {
		p.app.log.Warn("could not read the month's request count", "err", err)
	}
}

// keepFiguresIfDue keeps the report's figures every keepFiguresEvery.
func (p *Poller) keepFiguresIfDue(ctx context.Context) {
	if time.Now().Before(p.figuresDue) {
		return
	}
	p.figuresDue = time.Now().Add(keepFiguresEvery)
	p.app.keepFigures(ctx)
}

// keepTemplates keeps the office's quick replies stored for its PCs
// without the token; a failure is tried again a few minutes later.
func (p *Poller) keepTemplates(ctx context.Context) {
	due, err := p.app.keepOfficeTemplates(ctx)
	if err != nil {
		p.app.log.Warn("could not load the quick replies for the office", "err", err)
		due = time.Now().Add(5 * time.Minute)
	}
	p.templatesDue = due
}

// wait waits delay (forever when negative) or a Wake. An office's poller
// meanwhile sends, every LeaseRenew, what the other PCs queued, and stops
// waiting if it lost the lease. It reports false when ctx ended.
func (p *Poller) wait(ctx context.Context, office bool, delay time.Duration, quiet *int) bool {
	var deadline <-chan time.Time
	if delay >= 0 {
		deadline = time.After(delay)
	}
	var tick <-chan time.Time
	if office {
		t := time.NewTicker(LeaseRenew)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return false
		case <-p.wake:
			*quiet = 0
			return true
		case <-deadline:
			return true
		case <-p.changed:
			if p.onResult != nil {
				p.onResult(PollResult{Refresh: true, Changed: p.takeChanges()}, nil)
			}
		case <-tick:
			if !p.app.Polls() {
				return true
			}
			if sent, err := p.app.DeliverPending(ctx); err != nil {
				p.app.log.Warn("sending other PCs' messages failed", "err", err)
			} else if sent > 0 && p.onResult != nil {
				p.onResult(PollResult{Refresh: true}, nil)
			}
			if _, err := p.app.RunOfficeActions(ctx); err != nil {
				p.app.log.Warn("other PCs' chat actions failed", "err", err)
			}
		}
	}
}

// CatchUp is how often a PC that does not poll reads the shared database
// anew although no notice came: a lost notice never leaves a screen stale
// for longer.
const CatchUp = 30 * time.Second

// standBy waits, on a PC that does not poll, for a notice that another
// process changed the database, the catch-up, a Wake, or the lease (which
// keepLease tries to take every LeaseRenew). It reports false when ctx ended.
func (p *Poller) standBy(ctx context.Context) bool {
	catchUp := time.After(CatchUp)
	tick := time.NewTicker(LeaseRenew)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-p.wake:
			p.markAllChanged()
			return true
		case <-p.changed:
			return true
		case <-catchUp:
			p.markAllChanged()
			return true
		case <-tick.C:
			if p.app.Polls() || p.leaseErr() != nil {
				return true
			}
		}
	}
}

// othersNews is a Refresh with the client messages another process
// stored since this one last looked, for notifications.
func (p *Poller) othersNews(ctx context.Context) (PollResult, error) {
	res := PollResult{Refresh: true, Changed: p.takeChanges()}
	incoming, err := p.app.store.IncomingAfter(ctx, p.seen, 100)
	if err != nil {
		return res, err
	}
	if len(incoming) > 0 {
		p.seen = incoming[len(incoming)-1].ID
		res.Incoming = incoming
	}
	return res, nil
}

// keepLease renews (or tries to take) the office's poller lease every
// LeaseRenew, also while a long round runs, so that the lease outlives a
// history load and a dead poller is replaced within LeaseTTL.
func (p *Poller) keepLease(ctx context.Context) {
	t := time.NewTicker(LeaseRenew)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_, err := p.app.Lead(ctx)
			p.leaseMu.Lock()
			p.leaseFailure = err
			p.leaseMu.Unlock()
		}
	}
}

// leaseErr is why the office database could not be asked about the
// lease, nil when it answered.
func (p *Poller) leaseErr() error {
	p.leaseMu.Lock()
	defer p.leaseMu.Unlock()
	return p.leaseFailure
}

// NeedsNewToken reports whether err means Chat2Desk refused the stored
// token: nothing works until an admin enters a new one.
func NeedsNewToken(err error) bool {
	var auth *c2dapi.AuthError
	return errors.As(err, &auth)
}

// round sends the outbox, then polls.
func (p *Poller) round(ctx context.Context) (PollResult, error) {
	if !p.app.Polls() {
		return PollResult{Refresh: true}, nil // the lease went a moment ago
	}
	if _, err := p.app.DeliverPending(ctx); err != nil && PollStops(err) {
		return PollResult{}, err
	}
	if _, err := p.app.RunOfficeActions(ctx); err != nil && PollStops(err) {
		return PollResult{}, err
	}
	return p.app.Poll(ctx, p.progress)
}
