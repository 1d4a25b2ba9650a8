package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"c2desk/c2dapi"
	"c2desk/storage"
)

const (
	cursorMessages = "messages.start_id"
	pollPageSize   = 200
	// DefaultHistoryDays is how far back the first sync reaches.
	DefaultHistoryDays = 30
)

// HistoryDays is how far back the first load of chats reaches.
func (a *App) HistoryDays() int {
	if a.cfg.HistoryDays <= 0 {
		return DefaultHistoryDays
	}
	return a.cfg.HistoryDays
}

// PollResult says what one poll brought.
type PollResult struct {
	Stored   int               // messages stored or updated
	Incoming []storage.Message // new messages from clients, for notifications
	Calls    int               // API requests made
	Skipped  int               // records Chat2Desk sent that could not be read
	History  bool              // this was the first load of past days, not news
}

// Poll fetches messages newer than the cursor, with the clients and
// dialogs not seen before, and stores them. When nothing is new it costs
// one API call. The first poll loads the last HistoryDays days. progress,
// if set, is told how many messages were stored so far.
func (a *App) Poll(ctx context.Context, progress func(stored int)) (PollResult, error) {
	var res PollResult
	client, err := a.storedClient(ctx)
	if err != nil {
		return res, err
	}
	cur, err := a.store.Cursor(ctx, cursorMessages)
	if err != nil {
		return res, err
	}
	start, _ := strconv.ParseInt(cur, 10, 64)
	opts := c2dapi.MessageListOptions{}
	var known map[int64]c2dapi.Dialog
	if start == 0 {
		res.History = true
		opts.StartDate = a.cfg.Now().Add(-time.Duration(a.HistoryDays()) * 24 * time.Hour)
		var calls int
		known, calls, err = a.preload(ctx, client)
		res.Calls += calls
		if err != nil {
			return res, err
		}
	}
	next := c2dapi.ID(start)
	for {
		page, after, err := client.Messages.Since(ctx, next, pollPageSize, opts)
		res.Calls++
		if err != nil {
			return res, fmt.Errorf("load messages: %w", err)
		}
		res.Skipped += len(page.Skipped)
		a.logSkipped("messages", page.Skipped)
		msgs, calls, err := a.storeMessages(ctx, client, page.Items, known)
		res.Calls += calls
		if err != nil {
			return res, err
		}
		if after != next {
			if err := a.store.SetCursor(ctx, cursorMessages, strconv.FormatInt(int64(after), 10)); err != nil {
				return res, err
			}
		}
		res.Stored += len(msgs)
		for _, m := range msgs {
			if m.Type == c2dapi.TypeFromClient && !m.Read {
				res.Incoming = append(res.Incoming, m)
			}
		}
		if progress != nil {
			progress(res.Stored)
		}
		next = after
		if len(page.Items)+len(page.Skipped) < pollPageSize {
			return res, nil
		}
	}
}

// storeMessages makes sure each message's client and dialog are known,
// fetching the unknown ones, then stores the messages in one transaction.
func (a *App) storeMessages(ctx context.Context, client *c2dapi.Client, items []c2dapi.Message, known map[int64]c2dapi.Dialog) ([]storage.Message, int, error) {
	calls := 0
	seenClient := map[int64]bool{}
	seenDialog := map[int64]bool{}
	var dialogs []storage.Dialog // new or reread, stored with the messages
	out := make([]storage.Message, 0, len(items))
	for _, m := range items {
		if m.ID <= 0 || m.DialogID <= 0 || m.ClientID <= 0 {
			continue
		}
		cid, did := int64(m.ClientID), int64(m.DialogID)
		if !seenClient[cid] {
			seenClient[cid] = true
			n, err := a.ensureClient(ctx, client, cid)
			calls += n
			if err != nil {
				return nil, calls, err
			}
		}
		if !seenDialog[did] {
			seenDialog[did] = true
			d, write, n, err := a.resolveDialog(ctx, client, m, known)
			calls += n
			if err != nil {
				return nil, calls, err
			}
			if write {
				dialogs = append(dialogs, d)
			}
		}
		out = append(out, fromAPIMessage(m))
	}
	return out, calls, a.store.AddMessages(ctx, dialogs, out)
}

func (a *App) ensureClient(ctx context.Context, client *c2dapi.Client, id int64) (int, error) {
	if ok, err := a.store.HasClient(ctx, id); err != nil || ok {
		return 0, err
	}
	c, err := client.Clients.Get(ctx, c2dapi.ID(id))
	var nf *c2dapi.NotFoundError
	switch {
	case errors.As(err, &nf):
		// Deleted in Chat2Desk: keep the chat, known by its id.
		return 1, a.store.UpsertClient(ctx, storage.Client{ID: id})
	case err != nil:
		return 1, fmt.Errorf("load client: %w", err)
	}
	return 1, a.store.UpsertClient(ctx, storage.Client{ID: id, Name: string(c.Name), Phone: string(c.Phone)})
}

// preload reads every client and dialog page by page before the first
// history load, so the history costs a few list calls, not two per chat.
// Clients are stored; dialogs are returned, to be stored with their first
// message, which says their client and channel.
func (a *App) preload(ctx context.Context, client *c2dapi.Client) (map[int64]c2dapi.Dialog, int, error) {
	calls := 0
	clients, skipped, err := c2dapi.All(ctx, pollPageSize, func(ctx context.Context, o c2dapi.ListOptions) (*c2dapi.Page[c2dapi.Customer], error) {
		calls++
		return client.Clients.List(ctx, c2dapi.ClientListOptions{ListOptions: o})
	})
	if err != nil {
		return nil, calls, fmt.Errorf("load clients: %w", err)
	}
	a.logSkipped("clients", skipped)
	rows := make([]storage.Client, 0, len(clients))
	for _, c := range clients {
		if c.ID > 0 {
			rows = append(rows, storage.Client{ID: int64(c.ID), Name: string(c.Name), Phone: string(c.Phone)})
		}
	}
	if err := a.store.UpsertClients(ctx, rows); err != nil {
		return nil, calls, err
	}
	dialogs, skipped, err := c2dapi.All(ctx, pollPageSize, func(ctx context.Context, o c2dapi.ListOptions) (*c2dapi.Page[c2dapi.Dialog], error) {
		calls++
		return client.Dialogs.List(ctx, c2dapi.DialogListOptions{ListOptions: o})
	})
	if err != nil {
		return nil, calls, fmt.Errorf("load dialogs: %w", err)
	}
	a.logSkipped("dialogs", skipped)
	out := make(map[int64]c2dapi.Dialog, len(dialogs))
	for _, d := range dialogs {
		out[int64(d.ID)] = d
	}
	return out, calls, nil
}

// resolveDialog returns a message's dialog when it must be written: a new
// one (from the preloaded list or read from Chat2Desk), or one closed here
// that the message may have reopened.
func (a *App) resolveDialog(ctx context.Context, client *c2dapi.Client, m c2dapi.Message, preloaded map[int64]c2dapi.Dialog) (storage.Dialog, bool, int, error) {
	id := int64(m.DialogID)
	stored, err := a.store.DialogByID(ctx, id)
	closedHere := err == nil
	switch {
	case err == nil && stored.State == c2dapi.DialogOpen:
		return stored, false, 0, nil
	case err != nil && !errors.Is(err, storage.ErrNotFound):
		return stored, false, 0, err
	}
	d := storage.Dialog{ID: id, ClientID: int64(m.ClientID), ChannelID: int64(m.ChannelID), Transport: string(m.Transport), State: c2dapi.DialogOpen}
	calls := 0
	got, ok := preloaded[id]
	if !ok || closedHere {
		fetched, err := client.Dialogs.Get(ctx, m.DialogID)
		calls++
		var nf *c2dapi.NotFoundError
		switch {
		case errors.As(err, &nf):
		case err != nil:
			return d, false, calls, fmt.Errorf("load dialog: %w", err)
		default:
			got, ok = *fetched, true
		}
	}
	if ok {
		if got.State != "" {
			d.State = string(got.State)
		}
		d.OperatorID, d.BeginAt, d.EndAt = int64(got.OperatorID), got.Begin.Time, got.End.Time
	}
	return d, true, calls, nil
}

func fromAPIMessage(m c2dapi.Message) storage.Message {
	out := storage.Message{
		ID: int64(m.ID), DialogID: int64(m.DialogID), ClientID: int64(m.ClientID), ChannelID: int64(m.ChannelID),
		Transport: string(m.Transport), Type: string(m.Type), Text: string(m.Text), Read: bool(m.Read),
		CreatedAt: m.Created.Time, OperatorID: int64(m.OperatorID),
	}
	if out.Type == "" {
		out.Type = c2dapi.TypeFromClient
	}
	for _, at := range m.Attachments {
		out.Attachments = append(out.Attachments, storage.Attachment{Name: string(at.Name), Link: string(at.Link)})
	}
	for _, link := range []c2dapi.String{m.Photo, m.Video, m.Audio, m.PDF} {
		if link != "" {
			out.Attachments = append(out.Attachments, storage.Attachment{Link: string(link)})
		}
	}
	return out
}

// NextPollDelay is the adaptive polling interval: quick while the window is
// active and chats are moving, slower when idle, and backing off on errors;
// a rate limit's Retry-After is honoured.
func NextPollDelay(active bool, quietPolls, failures int, err error) time.Duration {
	if err != nil {
		var rl *c2dapi.RateLimitError
		if errors.As(err, &rl) && rl.RetryAfter > 0 {
			return max(rl.RetryAfter, 5*time.Second)
		}
		return min(5*time.Second<<min(failures, 6), 5*time.Minute)
	}
	base := 5 * time.Second
	if !active {
		base = 30 * time.Second
	}
	return min(base+time.Duration(quietPolls)*base/2, 2*time.Minute)
}

// PollStops reports whether polling must stop until a person acts: the
// token was refused or the month's quota is used up.
func PollStops(err error) bool {
	var auth *c2dapi.AuthError
	var quota *c2dapi.QuotaError
	return errors.As(err, &auth) || errors.As(err, &quota) || errors.Is(err, ErrNoToken)
}
