package app

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"c2desk/c2dapi"
)

// Poller keeps the database current in the background: it sends what
// waits in the outbox, then polls for new messages, at the adaptive
// interval of NextPollDelay. It stops when the token is refused or the
// quota is used up, until Wake is called.
type Poller struct {
	app      *App
	onResult func(PollResult, error)
	progress func(stored int)
	active   atomic.Bool
	wake     chan struct{}
	done     chan struct{}
}

// StartPoller runs the poller until ctx ends. onResult is called from the
// poller's goroutine after each round; progress during a round that loads
// history. Either may be nil.
func (a *App) StartPoller(ctx context.Context, onResult func(PollResult, error), progress func(stored int)) *Poller {
	p := &Poller{app: a, onResult: onResult, progress: progress, wake: make(chan struct{}, 1), done: make(chan struct{})}
	p.active.Store(true)
	go p.run(ctx)
	return p
}

// SetActive tells the poller whether the window is in front: it polls
// faster then.
func (p *Poller) SetActive(on bool) { p.active.Store(on) }

// Wake makes the poller poll now, also after it stopped on an error that
// needed a person (a new token, a new month).
func (p *Poller) Wake() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Done is closed when the poller has stopped for good.
func (p *Poller) Done() <-chan struct{} { return p.done }

func (p *Poller) run(ctx context.Context) {
	defer close(p.done)
	quiet, failures := 0, 0
	for {
		res, err := p.round(ctx)
		if ctx.Err() != nil {
			return
		}
		if p.onResult != nil {
			p.onResult(res, err)
		}
		var wait <-chan time.Time
		switch {
		case err != nil && PollStops(err):
			p.app.log.Warn("polling stopped until someone acts", "err", err)
			quiet, failures = 0, 0 // nil wait: only Wake resumes
		case err != nil:
			failures++
			wait = time.After(NextPollDelay(p.active.Load(), quiet, failures, err))
		default:
			failures = 0
			if res.Stored == 0 {
				quiet++
			} else {
				quiet = 0
			}
			wait = time.After(NextPollDelay(p.active.Load(), quiet, 0, nil))
		}
		select {
		case <-ctx.Done():
			return
		case <-p.wake:
			quiet = 0
		case <-wait:
		}
	}
}

// NeedsNewToken reports whether err means Chat2Desk refused the stored
// token: nothing works until an admin enters a new one.
func NeedsNewToken(err error) bool {
	var auth *c2dapi.AuthError
	return errors.As(err, &auth)
}

// round sends the outbox, then polls.
func (p *Poller) round(ctx context.Context) (PollResult, error) {
	if _, err := p.app.DeliverPending(ctx); err != nil && PollStops(err) {
		return PollResult{}, err
	}
	return p.app.Poll(ctx, p.progress)
}
