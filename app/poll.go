package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
	// Refresh means another PC or the office's poller may have changed
	// the shared database: lists and the open chat are read anew.
	Refresh bool
	// Changed says what changed, with Refresh: everything after a
	// catch-up or a reconnect, else what the office database named.
	Changed Changed
	// Polled is the ids of the clients' messages a poll read (not a
	// history load): what webhooks should have brought already. (Whether
	// Chat2Desk posts an event for a message sent through the API no
	// source says, so C2Desk's own are not counted.)
	Polled []int64
}

// Poll fetches messages newer than the cursor, with the clients and
// dialogs not seen before, and stores them. When nothing is new it costs
// one API call. The first poll loads the last HistoryDays days. progress,
// if set, is told how many messages were stored so far.
func (a *App) Poll(ctx context.Context, progress func(stored int)) (PollResult, error) {
	var res PollResult
	if lead, err := a.mayPoll(ctx); err != nil || !lead {
		if err != nil {
			return res, err
		}
		return res, problem(MsgOtherPolls)
	}
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
	// The next page is fetched while this one is stored: the API's rate
	// limit, not the disk, sets the pace of a long history load.
	fetchCtx, stopFetching := context.WithCancel(ctx)
	defer stopFetching()
	for f := range a.fetchPages(fetchCtx, client, c2dapi.ID(start), opts) {
		if err := a.storePage(ctx, client, f, known, &res); err != nil {
			return res, err
		}
		if progress != nil {
			progress(res.Stored)
		}
	}
	if res.History {
		a.finishHistory(ctx, client, known, &res)
	}
	if res.Stored > 0 {
		a.keepFigures(ctx)
	}
	if a.store.Office() {
		// The Office database card of every PC shows when this was.
		if err := a.store.LeasePolled(ctx, a.holder); err != nil {
			return res, err
		}
	}
	return res, nil
}

// storePage stores one page of messages with the chats and clients they
// need, and moves the cursor past it, in one transaction; res counts.
func (a *App) storePage(ctx context.Context, client *c2dapi.Client, f fetchedPage, known map[int64]c2dapi.Dialog, res *PollResult) error {
	res.Calls++
	if f.err != nil {
		return fmt.Errorf("load messages: %w", f.err)
	}
	items, unplaced := placeable(f.page.Items)
	res.Skipped += len(f.page.Skipped) + unplaced
	a.logSkipped("messages", f.page.Skipped)
	logLost(a, "messages", f.page)
	if unplaced > 0 {
		a.log.Warn("sync: skipped messages without a readable chat or client", "count", unplaced)
	}
	dialogs, msgs, calls, err := a.prepareMessages(ctx, client, items, known)
	res.Calls += calls
	if err != nil {
		return err
	}
	var cur storage.SyncCursor
	if f.after != f.from {
		cur = storage.SyncCursor{Name: cursorMessages, Value: strconv.FormatInt(int64(f.after), 10)}
	}
	if err := a.store.AddPage(ctx, dialogs, msgs, cur); err != nil {
		return err
	}
	res.Stored += len(msgs)
	for _, m := range msgs {
		if !res.History && m.Type == c2dapi.TypeFromClient {
			res.Polled = append(res.Polled, m.ID)
		}
		if m.Type == c2dapi.TypeFromClient && !m.Read {
			res.Incoming = append(res.Incoming, m)
		}
	}
	return nil
}

// finishHistory follows the first load of past days: the chats still
// waiting from before them, and the database's statistics brought up to
// what it now holds.
func (a *App) finishHistory(ctx context.Context, client *c2dapi.Client, known map[int64]c2dapi.Dialog, res *PollResult) {
	stored, calls, err := a.loadWaitingBeyondHistory(ctx, client, known)
	res.Calls += calls
	res.Stored += stored
	if err != nil {
		// The history stands without them; they come with their client's
		// next message.
		a.log.Warn("sync: load chats waiting since before the history", "err", err)
	}
	if res.Stored > 0 {
		// The database grew from nothing: its planner's statistics are
		// brought up to it now, not at the server's next round.
		if err := a.store.Analyze(ctx); err != nil {
			a.log.Warn("update the database's statistics", "err", err)
		}
	}
}

// maxWaitingBeyondHistory bounds the chats read one by one after the
// history load: an account with hundreds of forgotten ones gets the
// newest, not hundreds of calls.
const maxWaitingBeyondHistory = 100

// loadWaitingBeyondHistory stores the chats whose client has waited for
// an answer since before the history's first day, with their last
// messages: Chat2Desk lists them in one call (GET /dialogs/unanswered),
// where reading further back would cost every older day's messages. It
// returns how many messages it stored and the calls it made.
func (a *App) loadWaitingBeyondHistory(ctx context.Context, client *c2dapi.Client, known map[int64]c2dapi.Dialog) (int, int, error) {
	calls := 0
	waiting, skipped, err := c2dapi.All(ctx, pollPageSize, func(ctx context.Context, o c2dapi.ListOptions) (*c2dapi.Page[c2dapi.Dialog], error) {
		calls++
		return client.Dialogs.Unanswered(ctx, o)
	})
	if err != nil {
		return 0, calls, err
	}
	a.logSkipped("unanswered dialogs", skipped)
	ids := make([]int64, 0, len(waiting))
	for _, d := range waiting {
		ids = append(ids, int64(d.ID))
	}
	stored, err := a.store.DialogStates(ctx, ids)
	if err != nil {
		return 0, calls, err
	}
	var missing []int64
	for _, id := range ids {
		if _, ok := stored[id]; !ok && id > 0 {
			missing = append(missing, id)
		}
	}
	if len(missing) > maxWaitingBeyondHistory {
		slices.Sort(missing)
		missing = missing[len(missing)-maxWaitingBeyondHistory:] // ids follow time: the newest
	}
	n := 0
	for _, id := range missing {
		page, err := client.Messages.List(ctx, c2dapi.MessageListOptions{DialogID: c2dapi.ID(id), Order: "desc", ListOptions: c2dapi.ListOptions{Limit: pageOfLastMessages}})
		calls++
		if err != nil {
			return n, calls, err
		}
		items, _ := placeable(page.Items)
		slices.Reverse(items)
		dialogs, msgs, c, err := a.prepareMessages(ctx, client, items, known)
		calls += c
		if err != nil {
			return n, calls, err
		}
		if err := a.store.AddMessages(ctx, dialogs, msgs); err != nil {
			return n, calls, err
		}
		n += len(msgs)
	}
	return n, calls, nil
}

// pageOfLastMessages is how many of a chat's last messages are read for a
// chat waiting since before the history.
const pageOfLastMessages = 50

// fetchedPage is one page of messages from the cursor from to after.
type fetchedPage struct {
	page        *c2dapi.Page[c2dapi.Message]
	from, after c2dapi.ID
	err         error
}

// fetchPages reads message pages from start until a short page or an
// error, one page ahead of the reader.
func (a *App) fetchPages(ctx context.Context, client *c2dapi.Client, start c2dapi.ID, opts c2dapi.MessageListOptions) <-chan fetchedPage {
	out := make(chan fetchedPage, 1)
	go func() {
		defer close(out)
		next := start
		for {
			page, after, err := client.Messages.Since(ctx, next, pollPageSize, opts)
			select {
			case out <- fetchedPage{page: page, from: next, after: after, err: err}:
			case <-ctx.Done():
				return
			}
			if err != nil || !page.Full(pollPageSize) {
				return
			}
			next = after
		}
	}()
	return out
}

// prepareMessages makes sure each message's client and dialog are known,
// fetching the unknown ones, and returns the dialogs to write with the
// messages. What is stored already is looked up once per page.
func (a *App) prepareMessages(ctx context.Context, client *c2dapi.Client, items []c2dapi.Message, known map[int64]c2dapi.Dialog) ([]storage.Dialog, []storage.Message, int, error) {
	var clientIDs, dialogIDs []int64
	seenClient := map[int64]bool{}
	seenDialog := map[int64]bool{}
	out := make([]storage.Message, 0, len(items))
	firsts := make([]c2dapi.Message, 0, len(items)) // each dialog's first message here
	now := a.cfg.Now()
	for _, m := range items {
		if cid := int64(m.ClientID); !seenClient[cid] {
			seenClient[cid] = true
			clientIDs = append(clientIDs, cid)
		}
		if did := int64(m.DialogID); !seenDialog[did] {
			seenDialog[did] = true
			dialogIDs = append(dialogIDs, did)
			firsts = append(firsts, m)
		}
		out = append(out, fromAPIMessage(m, now))
	}
	storedClients, err := a.store.KnownClients(ctx, clientIDs)
	if err != nil {
		return nil, nil, 0, err
	}
	states, err := a.store.DialogStates(ctx, dialogIDs)
	if err != nil {
		return nil, nil, 0, err
	}
	calls := 0
	for _, id := range clientIDs {
		if storedClients[id] {
			continue
		}
		n, err := a.fetchClient(ctx, client, id)
		calls += n
		if err != nil {
			return nil, nil, calls, err
		}
	}
	var dialogs []storage.Dialog // new or reread, stored with the messages
	for _, m := range firsts {
		state, stored := states[int64(m.DialogID)]
		if stored && state == c2dapi.DialogOpen {
			continue
		}
		d, n, err := a.resolveDialog(ctx, client, m, known, stored)
		calls += n
		if err != nil {
			return nil, nil, calls, err
		}
		dialogs = append(dialogs, d)
	}
	return dialogs, out, calls, nil
}

// placeable keeps the messages that say which chat and client they belong
// to; the others cannot be shown anywhere and are counted.
func placeable(items []c2dapi.Message) ([]c2dapi.Message, int) {
	kept := items[:0:0]
	for _, m := range items {
		if m.ID > 0 && m.DialogID > 0 && m.ClientID > 0 {
			kept = append(kept, m)
		}
	}
	return kept, len(items) - len(kept)
}

// fetchClient reads a client not stored yet from Chat2Desk and stores it.
func (a *App) fetchClient(ctx context.Context, client *c2dapi.Client, id int64) (int, error) {
	c, err := client.Clients.Get(ctx, c2dapi.ID(id))
	var nf *c2dapi.NotFoundError
	switch {
	case errors.As(err, &nf):
		// Deleted in Chat2Desk: keep the chat, known by its id.
		return 1, a.store.UpsertClient(ctx, storage.Client{ID: id})
	case err != nil:
		return 1, fmt.Errorf("load client: %w", err)
	}
	return 1, a.store.UpsertClient(ctx, clientFromAPI(*c))
}

// clientFromAPI is a Chat2Desk client as C2Desk keeps it: the name the
// agency gave, else the client's own, and a phone number only when there
// is one (a site-chat client's "phone" is a hash).
func clientFromAPI(c c2dapi.Customer) storage.Client {
	out := storage.Client{ID: int64(c.ID), Name: c.DisplayName(), Phone: c.PhoneNumber()}
	if c.Tags != nil { // listed with the client: its tags as they are now
		out.Tags = tagsFromAPI(c.Tags)
	}
	return out
}

// preload reads every client and dialog page by page before the first
// history load, so the history costs a few list calls, not two per chat.
// Clients are stored; dialogs are returned, to be stored with their first
// message, which says their client and channel.
func (a *App) preload(ctx context.Context, client *c2dapi.Client) (map[int64]c2dapi.Dialog, int, error) {
	calls := 0
	clients, skipped, err := c2dapi.All(ctx, pollPageSize, lostLogged(a, "clients", func(ctx context.Context, o c2dapi.ListOptions) (*c2dapi.Page[c2dapi.Customer], error) {
		calls++
		return client.Clients.List(ctx, c2dapi.ClientListOptions{ListOptions: o})
	}))
	if err != nil {
		return nil, calls, fmt.Errorf("load clients: %w", err)
	}
	a.logSkipped("clients", skipped)
	rows := make([]storage.Client, 0, len(clients))
	for _, c := range clients {
		if c.ID > 0 {
			rows = append(rows, clientFromAPI(c))
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

// resolveDialog returns a message's dialog to be written: a new one (from
// the preloaded list or read from Chat2Desk), or one closed here
// (closedHere) that the message may have reopened, read again.
func (a *App) resolveDialog(ctx context.Context, client *c2dapi.Client, m c2dapi.Message, preloaded map[int64]c2dapi.Dialog, closedHere bool) (storage.Dialog, int, error) {
	id := int64(m.DialogID)
	d := storage.Dialog{ID: id, ClientID: int64(m.ClientID), ChannelID: int64(m.ChannelID), Transport: string(m.Transport), State: c2dapi.DialogOpen}
	calls := 0
	// During the first load the preloaded list is as fresh as it gets; after
	// it, a dialog closed here is read again, as a new message may have
	// reopened it.
	got, ok := preloaded[id]
	if !ok || (closedHere && preloaded == nil) {
		fetched, err := client.Dialogs.Get(ctx, m.DialogID)
		calls++
		var nf *c2dapi.NotFoundError
		switch {
		case errors.As(err, &nf):
		case err != nil:
			return d, calls, fmt.Errorf("load dialog: %w", err)
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
	return d, calls, nil
}

// fromAPIMessage is a message as stored. One whose time could not be read
// is placed when it arrived (now), so that it sorts among the news.
func fromAPIMessage(m c2dapi.Message, now time.Time) storage.Message {
	out := storage.Message{
		ID: int64(m.ID), DialogID: int64(m.DialogID), ClientID: int64(m.ClientID), ChannelID: int64(m.ChannelID),
		Transport: string(m.Transport), Type: string(m.Type), Text: string(m.Text), Read: bool(m.Read),
		CreatedAt: m.Created.Time, OperatorID: int64(m.OperatorID), ReplyTo: int64(m.ReplyMessageID), RequestID: int64(m.RequestID),
	}
	if out.CreatedAt.IsZero() {
		out.CreatedAt = now.UTC().Truncate(time.Second)
	}
	if out.Type == "" {
		out.Type = c2dapi.TypeFromClient
	}
	seen := map[string]bool{}
	for _, at := range m.Attachments {
		seen[string(at.Link)] = true
		out.Attachments = append(out.Attachments, storage.Attachment{Name: string(at.Name), Link: string(at.Link),
			Kind: AttachmentKind(string(at.Name)+" "+string(at.Link), "")})
	}
	// The media fields say what they hold; a link also listed among the
	// attachments is shown once.
	for _, media := range []struct {
		link c2dapi.Link
		kind string
	}{{m.Photo, KindPhoto}, {m.Video, KindVideo}, {m.Audio, KindAudio}, {m.PDF, KindPDF}} {
		if media.link != "" && !seen[string(media.link)] {
			out.Attachments = append(out.Attachments, storage.Attachment{Link: string(media.link), Kind: media.kind})
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
