package app

// The supervisor's live strip: how many clients wait right now, in the
// bands peers colour time without an answer, and who works where.

import (
	"context"
	"time"

	"c2desk/storage"
)

// The bands of time without an answer: green up to WaitGreen, orange up
// to WaitOrange, red beyond.
const (
	WaitGreen  = 3 * time.Minute
	WaitOrange = 10 * time.Minute
)

// Now is the office at one moment.
type Now struct {
	// Waiting counts the chats whose client waits, by band: up to
	// WaitGreen, up to WaitOrange, longer.
	Waiting [3]int
	Longest time.Duration
	// Working: who is signed in on which computer (an office; none on
	// one PC's file).
	Working []storage.Working
}

// Now reads the live strip at now; administrators only. The waits are
// clock time: a client who wrote at night has waited all night.
func (s *Session) Now(ctx context.Context, now time.Time) (Now, error) {
	var out Now
	if err := s.requireAdmin(ctx); err != nil {
		return out, err
	}
	waits, err := s.app.store.WaitingSince(ctx, s.viewer())
	if err != nil {
		return out, err
	}
	for _, since := range waits {
		wait := max(now.Sub(since), 0)
		out.Longest = max(out.Longest, wait)
		switch {
		case wait <= WaitGreen:
			out.Waiting[0]++
		case wait <= WaitOrange:
			out.Waiting[1]++
		default:
			out.Waiting[2]++
		}
	}
	out.Working, err = s.app.store.Working(ctx)
	return out, err
}
