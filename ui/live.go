package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"c2desk/app"
)

// startPolling keeps the chats current while someone is signed in: the
// poller sends the outbox and fetches new messages in the background, and
// reports to the chats tab on the UI goroutine.
func (u *UI) startPolling(t *chatsTab) {
	u.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	u.stopPoll = cancel
	u.poller = u.core.StartPoller(ctx,
		func(res app.PollResult, err error) {
			if ctx.Err() == nil {
				u.opts.post(func() { t.polled(res, err) })
			}
		},
		func(stored int) { u.opts.post(func() { t.progress(stored) }) })
	u.poller.SetActive(u.focused)
	// Reminders of waiting chats come on time, with or without news.
	// So do the bars of files being uploaded, while any is shown.
	go func() {
		tick := time.NewTicker(remindEvery)
		defer tick.Stop()
		bars := time.NewTicker(progressEvery)
		defer bars.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				u.opts.post(func() {
					t.remind()
					if r := u.adminTabs.reports; r != nil {
						r.tick()
					}
				})
			case <-bars.C:
				if t.conv.files.uploadsShown.Load() {
					u.opts.post(t.conv.files.showProgress)
				}
			}
		}
	}()
}

// progressEvery is how often an upload's bar moves.
const progressEvery = 250 * time.Millisecond

// remindEvery is how often the chats tab looks for chats waiting too long.
const remindEvery = 30 * time.Second

// Stop ends background polling (on switching profile, or on quit).
func (u *UI) Stop() {
	if u.stopPoll != nil {
		u.stopPoll()
		u.stopPoll, u.poller = nil, nil
	}
}

func (u *UI) setFocused(on bool) {
	u.focused = on
	if u.poller != nil {
		u.poller.SetActive(on)
		if on {
			u.poller.Wake() // back at the desk: fresh messages now
		}
	}
}

func (u *UI) setTitle(title string) {
	u.title = title
	u.win.SetTitle(title)
	u.unread = 0
	u.setTray()
}

// setUnread shows how many chats wait for an answer, in the window title
// and the system tray.
func (u *UI) setUnread(chats int) {
	title := u.title
	if chats > 0 {
		title = fmt.Sprintf("(%d) %s", chats, u.title)
	}
	u.win.SetTitle(title)
	u.unread = chats
	u.setTray()
}

// checkSession ends the session when an administrator, on this PC or
// another of the office, deactivated the person signed in or changed
// their role: the window returns to "Who is working?" saying why.
func (u *UI) checkSession() {
	s := u.session
	if !u.inSession || s == nil {
		return
	}
	background(u, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.Current(ctx)
	}, func(_ struct{}, err error) {
		var p *app.Problem
		if !errors.As(err, &p) || u.session != s || !u.inSession {
			return // a database that did not answer is the banner's to say
		}
		u.signInNotice, u.signInNoticeGood = sentence(err), false
		u.switchProfile()
	})
}

// adminTabs are the administrator's tabs that show what other PCs of the
// office may change; nil when the session has none.
type adminTabs struct {
	channels  *channelsTab
	operators *operatorsTab
	staff     *staffTab
	reports   *reportsTab
}

// refreshAdminTabs reads the admin tabs anew after another PC changed what
// they show: the later write wins, and an edit in progress here (unsaved
// operator mapping) is kept, to be saved over it.
func (u *UI) refreshAdminTabs(changed app.Changed) {
	t := u.adminTabs
	if t.staff != nil && changed.Staff {
		t.staff.reload()
	}
	if t.channels != nil && (changed.Channels || changed.Staff) {
		t.channels.reload()
	}
	if t.operators != nil && (changed.Operators || changed.Staff) {
		t.operators.reload()
	}
	if u.chats != nil && (changed.Staff || changed.Operators) {
		u.chats.loadNames()
	}
}
