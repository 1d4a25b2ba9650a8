package app

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"c2desk/c2dapi"
	"c2desk/c2dapi/c2dfake"
	"c2desk/storage"
)

// office with chats: the admin owns operator 7, Марина owns 9, Ivan writes
// through the default account 8. Channel 101 is open to everyone, 102 to
// Марина only, 103 to admins only. History is loaded.
type chatOffice struct {
	*env
	admin, ivan, marina *Session
}

func chatsOffice(t *testing.T) chatOffice {
	t.Helper()
	e, admin, ivan, marina := agency(t)
	if err := admin.SaveMapping(ctx, storage.Mapping{Owners: map[int64]int64{7: admin.Staff().ID, 9: marina.ID}, Default: 8}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []storage.ChannelRule{
		{ChannelID: 101, Visibility: storage.VisibleToEveryone},
		{ChannelID: 102, Visibility: storage.VisibleToListed, Staff: []int64{marina.ID}},
		{ChannelID: 103, Visibility: storage.VisibleToAdmins},
	} {
		if err := admin.SetChannelRule(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.app.Poll(ctx, nil); err != nil {
		t.Fatal(err)
	}
	ivanS, err := e.app.SignIn(ctx, ivan.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	marinaS, err := e.app.SignIn(ctx, marina.ID, "0000")
	if err != nil {
		t.Fatal(err)
	}
	return chatOffice{env: e, admin: admin, ivan: ivanS, marina: marinaS}
}

// Seeded client 5001+i has dialog 9001+i on channel 101, 102, 103 for i%3 = 0, 1, 2.
const (
	chatOn101 = 9001
	chatOn102 = 9002
	chatOn103 = 9003
)

func chatIDs(t *testing.T, s *Session, f storage.ChatFilter) map[int64]bool {
	t.Helper()
	f.Limit = 1000
	chats, err := s.Chats(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]bool{}
	for _, c := range chats {
		out[c.ID] = true
	}
	return out
}

func TestFirstPollLoadsHistoryThenOneCallWhenNothingIsNew(t *testing.T) {
	o := chatsOffice(t)
	stored, err := o.store.DialogMessages(ctx, chatOn101, 0, 1000)
	if err != nil || len(stored) == 0 {
		t.Fatalf("history not loaded: %d %v", len(stored), err)
	}
	if n := len(chatIDs(t, o.admin, storage.ChatFilter{})); n != 60 {
		t.Fatalf("admin sees %d chats after the first poll, want 60", n)
	}

	before := o.fake.RequestsThisMonth()
	res, err := o.app.Poll(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.History {
		t.Fatal("a later poll is news, not history")
	}
	if res.Calls != 1 || o.fake.RequestsThisMonth()-before != 1 || res.Stored != 0 {
		t.Fatalf("poll with nothing new: %+v, %d requests", res, o.fake.RequestsThisMonth()-before)
	}

	m, _ := o.fake.ClientWrites(5001, "Можно посмотреть сегодня в 18:00?")
	res, err = o.app.Poll(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stored != 1 || len(res.Incoming) != 1 || res.Incoming[0].ID != int64(m.ID) {
		t.Fatalf("new client message: %+v", res)
	}
	chats, _ := o.ivan.Chats(ctx, storage.ChatFilter{Limit: 1})
	if len(chats) != 1 || chats[0].ID != chatOn101 || chats[0].LastText != "Можно посмотреть сегодня в 18:00?" || chats[0].Unread == 0 {
		t.Fatalf("the chat with the new message is not first and unread: %+v", chats)
	}
	if err := o.ivan.MarkRead(ctx, chatOn101); err != nil {
		t.Fatal(err)
	}
	chats, _ = o.ivan.Chats(ctx, storage.ChatFilter{Limit: 1})
	if chats[0].Unread != 0 {
		t.Fatal("still unread after reading")
	}
}

// TestHistoryLoadCostsOnlyListCalls: the first load reads clients, dialogs
// and messages page by page and nothing one by one, also for closed chats
// whose messages span several pages.
func TestHistoryLoadCostsOnlyListCalls(t *testing.T) {
	sc := c2dfake.Scale{Clients: 300, Messages: 3000, BigDialog: 400}
	e := newEnv(t, c2dfake.WithScale(sc))
	admin, err := e.app.CreateFirstAdmin(ctx, "Ольга", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Connect(ctx, c2dfake.DemoToken); err != nil {
		t.Fatal(err)
	}
	before := e.fake.RequestsThisMonth()
	res, err := e.app.Poll(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	pages := func(n int) int { return n/pollPageSize + 1 }
	// Messages, clients and dialogs in pages, and one page of the chats
	// waiting for an answer (all within the history here).
	want := pages(sc.Messages) + pages(sc.Clients) + pages(sc.Clients) + 1
	if res.Stored != sc.Messages || res.Calls > want || e.fake.RequestsThisMonth()-before != res.Calls {
		t.Fatalf("history load: %+v, %d requests, want at most %d", res, e.fake.RequestsThisMonth()-before, want)
	}
}

func TestFirstPollReachesBackHistoryDays(t *testing.T) {
	e, admin, _, _ := agency(t)
	e.app.cfg.HistoryDays = 2
	before := e.fake.RequestsThisMonth()
	res, err := e.app.Poll(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.History {
		t.Fatal("the first poll is the history load")
	}
	chats, err := admin.Chats(ctx, storage.ChatFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// Chat2Desk filters by whole days: the window starts at the day's
	// start. Older chats are there only when their client still waits
	// for an answer, each read in one call after Chat2Desk listed them.
	cut, _ := time.Parse(c2dapi.DateLayout, c2dapi.FormatDate(time.Now().Add(-48*time.Hour)))
	older := 0
	for _, c := range chats {
		if c.LastAt.Before(cut.Add(-time.Minute)) {
			if c.WaitingSince.IsZero() || c.State != c2dapi.DialogOpen {
				t.Fatalf("chat %d with last message %v loaded with a 2-day history, and nobody waits in it", c.ID, c.LastAt)
			}
			older++
		}
	}
	if older == 0 {
		t.Fatal("no chat waiting since before the history was loaded")
	}
	// Clients and dialogs come in pages, not one request per chat; the
	// waiting ones cost a list and one request each.
	if spent := e.fake.RequestsThisMonth() - before; spent != res.Calls || spent > 4+1+older {
		t.Fatalf("the first poll spent %d requests (counted %d) for %d older waiting chats", spent, res.Calls, older)
	}
	if len(chats) == 0 || len(chats) == 60 {
		t.Fatalf("2 days of history gave %d chats", len(chats))
	}
}

func TestPollFailuresKeepCursorAndStopOnQuota(t *testing.T) {
	o := chatsOffice(t)
	cur, _ := o.store.Cursor(ctx, cursorMessages)
	o.fake.ClientWrites(5001, "hello")

	o.fake.Inject(c2dfake.Fault{Status: c2dfake.FaultQuota.Status, Body: c2dfake.FaultQuota.Body, Times: 1})
	_, err := o.app.Poll(ctx, nil)
	if !PollStops(err) || Explain(err) != MsgQuota {
		t.Fatalf("quota: %v", err)
	}
	o.fake.Inject(c2dfake.Fault{Status: c2dfake.FaultMalformed.Status, Body: c2dfake.FaultMalformed.Body, Times: 1})
	_, err = o.app.Poll(ctx, nil)
	if err == nil || PollStops(err) || Explain(err) != MsgMalformed {
		t.Fatalf("malformed: %v", err)
	}
	if after, _ := o.store.Cursor(ctx, cursorMessages); after != cur {
		t.Fatalf("failed polls moved the cursor from %s to %s", cur, after)
	}
	res, err := o.app.Poll(ctx, nil)
	if err != nil || res.Stored != 1 {
		t.Fatalf("the poll after the failures missed the message: %+v %v", res, err)
	}
	o.fake.Inject(c2dfake.Fault{Status: c2dfake.FaultAuth.Status, Body: c2dfake.FaultAuth.Body, Times: 1})
	if _, err := o.app.Poll(ctx, nil); !PollStops(err) || Explain(err) != MsgAuth {
		t.Fatalf("revoked token: %v", err)
	}
}

func TestNextPollDelayAdaptsAndBacksOff(t *testing.T) {
	if active, idle := NextPollDelay(true, 0, 0, nil), NextPollDelay(false, 0, 0, nil); active >= idle {
		t.Fatalf("active %v should poll faster than idle %v", active, idle)
	}
	if moving, quiet := NextPollDelay(true, 0, 0, nil), NextPollDelay(true, 10, 0, nil); moving >= quiet {
		t.Fatalf("moving chats %v should poll faster than quiet ones %v", moving, quiet)
	}
	if NextPollDelay(true, 1000, 0, nil) > 2*time.Minute {
		t.Fatal("quiet polling must stay within two minutes")
	}
	boom := &c2dapi.ServerError{}
	prev := time.Duration(0)
	for f := 1; f <= 4; f++ {
		d := NextPollDelay(true, 0, f, boom)
		if d <= prev {
			t.Fatalf("failure %d: %v does not back off from %v", f, d, prev)
		}
		prev = d
	}
	if NextPollDelay(true, 0, 100, boom) > 5*time.Minute {
		t.Fatal("backoff must be capped")
	}
	rl := &c2dapi.RateLimitError{RetryAfter: 42 * time.Second}
	if d := NextPollDelay(true, 0, 1, rl); d != 42*time.Second {
		t.Fatalf("Retry-After not honoured: %v", d)
	}
}

func TestPollerPollsDeliversAndWaitsAfterQuota(t *testing.T) {
	o := chatsOffice(t)
	results := make(chan error, 10)
	pctx, cancel := context.WithCancel(ctx)
	p := o.app.StartPoller(pctx, func(r PollResult, err error) {
		if !r.Refresh || err != nil { // a poll round, not an office database notice
			results <- err
		}
	}, nil)
	defer func() { cancel(); <-p.Done() }()
	next := func() error {
		t.Helper()
		select {
		case err := <-results:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("the poller did not report")
			return nil
		}
	}
	if err := next(); err != nil {
		t.Fatal(err)
	}
	// A message typed while offline goes out with the next round.
	it, err := o.ivan.Queue(ctx, chatOn101, "Добрый вечер!", KindReply)
	if err != nil {
		t.Fatal(err)
	}
	p.Wake()
	if err := next(); err != nil {
		t.Fatal(err)
	}
	if got, _ := o.store.OutboxItemByID(ctx, it.ID); got.State != storage.OutboxSent {
		t.Fatalf("outbox item %+v not delivered by the poller", got)
	}
	o.fake.Inject(c2dfake.FaultQuota)
	p.Wake()
	if err := next(); !PollStops(err) {
		t.Fatalf("want the quota error, got %v", err)
	}
	o.fake.ClearFaults()
	p.Wake() // e.g. the admin pressed "Try again" in the next month
	if err := next(); err != nil {
		t.Fatal(err)
	}
}

func TestSendAsOwnOperatorOrDefaultOrRefuse(t *testing.T) {
	o := chatsOffice(t)
	for _, tc := range []struct {
		who  *Session
		chat int64
		op   c2dapi.ID
	}{{o.admin, chatOn103, 7}, {o.marina, chatOn102, 9}, {o.ivan, chatOn101, 8}} {
		text := "Ответ от " + tc.who.Staff().Name
		it, err := tc.who.Queue(ctx, tc.chat, text, KindReply)
		if err != nil {
			t.Fatal(err)
		}
		if it.OperatorID != int64(tc.op) {
			t.Fatalf("%s queued under operator %d, want %d", tc.who.Staff().Name, it.OperatorID, tc.op)
		}
		sent, err := o.app.Deliver(ctx, it.ID)
		if err != nil || sent.State != storage.OutboxSent {
			t.Fatalf("%+v %v", sent, err)
		}
		got := o.fake.MessagesWithText(text)
		if len(got) != 1 || got[0].OperatorID != tc.op || got[0].Type != c2dapi.TypeToClient {
			t.Fatalf("Chat2Desk got %+v", got)
		}
		conv, err := tc.who.Conversation(ctx, tc.chat, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		last := conv.Messages[len(conv.Messages)-1]
		if last.Text != text || last.Author != tc.who.Staff().ID || last.OperatorID != int64(tc.op) || len(conv.Outbox) != 0 {
			t.Fatalf("conversation shows %+v, outbox %+v", last, conv.Outbox)
		}
	}

	// A note stays inside Chat2Desk.
	note, err := o.ivan.Queue(ctx, chatOn101, "Клиент просил перезвонить", KindNote)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.app.Deliver(ctx, note.ID); err != nil {
		t.Fatal(err)
	}
	if got := o.fake.MessagesWithText("Клиент просил перезвонить"); len(got) != 1 || got[0].Type != c2dapi.TypeComment {
		t.Fatalf("note arrived as %+v", got)
	}

	// Without a default account Ivan has no operator: nothing is queued.
	if err := o.store.SaveMapping(ctx, storage.Mapping{Owners: map[int64]int64{7: o.admin.Staff().ID}}); err != nil {
		t.Fatal(err)
	}
	_, err = o.ivan.Queue(ctx, chatOn101, "не уйдёт", KindReply)
	wantProblem(t, err, MsgNoOperator)
	if pending, _ := o.store.Pending(ctx); len(pending) != 0 {
		t.Fatalf("a refused message was queued: %+v", pending)
	}
	_, err = o.ivan.Queue(ctx, chatOn101, "   ", KindReply)
	wantProblem(t, err, MsgEmptyMessage)

	// The operator is resolved when sending: Marina's operator is disabled
	// in Chat2Desk now, and the default is gone, so she is refused too.
	o.fake.PutOperator(c2dapi.Operator{ID: 9, FirstName: "Dmitry", Status: c2dapi.StatusDisabled})
	if _, err := o.admin.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = o.marina.Queue(ctx, chatOn102, "тоже не уйдёт", KindReply)
	wantProblem(t, err, MsgNoOperator)
}

// Send is the composer's: queued, the draft cleared, delivered now; a
// refused delivery stays queued with its reason, the draft cleared all
// the same (the message shows, with Retry).
func TestSendQueuesClearsTheDraftAndDelivers(t *testing.T) {
	o := chatsOffice(t)
	if err := o.ivan.SaveDraft(ctx, chatOn101, "Добрый день! Да, "); err != nil {
		t.Fatal(err)
	}
	delivery, err := o.ivan.Send(ctx, Outgoing{DialogID: chatOn101, Text: "Добрый день! Да, квартира свободна."})
	if err != nil || delivery != nil {
		t.Fatalf("send: %v, delivery %v", err, delivery)
	}
	if got := o.fake.MessagesWithText("Добрый день! Да, квартира свободна."); len(got) != 1 || got[0].OperatorID != 8 {
		t.Fatalf("Chat2Desk got %+v", got)
	}
	if d, _ := o.ivan.Draft(ctx, chatOn101); d != "" {
		t.Fatalf("the draft stays: %q", d)
	}
	o.fake.Inject(c2dfake.FaultServer)
	delivery, err = o.ivan.Send(ctx, Outgoing{DialogID: chatOn101, Text: "Перезвоню через час."})
	o.fake.ClearFaults()
	if err != nil || delivery == nil {
		t.Fatalf("a refused delivery: %v, delivery %v", err, delivery)
	}
	if pending, _ := o.store.Pending(ctx); len(pending) != 1 || pending[0].Text != "Перезвоню через час." {
		t.Fatalf("the undelivered message is not kept: %+v", pending)
	}
	if _, err := o.ivan.Send(ctx, Outgoing{DialogID: chatOn101, Text: "  "}); err == nil {
		t.Fatal("an empty message was sent")
	}
}

func TestRefusedSendFailsAndCanBeRetriedOrDiscarded(t *testing.T) {
	o := chatsOffice(t)
	it, err := o.ivan.Queue(ctx, chatOn101, "Повторите, пожалуйста", KindReply)
	if err != nil {
		t.Fatal(err)
	}
	o.fake.Inject(c2dfake.Fault{Status: 400, Body: `{"status":"error","message":"Validation failed","errors":{"text":["is too long"]}}`, Times: 1})
	got, err := o.app.Deliver(ctx, it.ID)
	if err == nil || got.State != storage.OutboxFailed {
		t.Fatalf("refusal: %+v %v", got, err)
	}
	if stored, _ := o.store.OutboxItemByID(ctx, it.ID); stored.LastError != MsgValidation {
		t.Fatalf("the failure reads %q", stored.LastError)
	}
	// Failed items wait for the person: the background sender leaves them.
	if n, _ := o.app.DeliverPending(ctx); n != 0 {
		t.Fatal("a failed item was resent without the user asking")
	}
	if _, err := o.marina.Retry(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	if got := o.fake.MessagesWithText("Повторите, пожалуйста"); len(got) != 1 {
		t.Fatalf("retry gave %d messages", len(got))
	}

	other, _ := o.ivan.Queue(ctx, chatOn101, "передумал", KindReply)
	wantProblem(t, o.marina.Discard(ctx, func() int64 {
		hidden, _ := o.admin.Queue(ctx, chatOn103, "секрет", KindReply)
		return hidden.ID
	}()), MsgNotYourChat)
	if err := o.ivan.Discard(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := o.store.OutboxItemByID(ctx, other.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("discarded item still there: %v", err)
	}
}

// reopen simulates a restart: a new App on the same database and keyring.
func (o chatOffice) reopen() *App {
	return New(o.store, Keyring{}, o.app.cfg)
}

func TestOutboxRecoversAfterCrash(t *testing.T) {
	o := chatsOffice(t)
	// Crash after the outbox write, before any network call.
	if _, err := o.ivan.Queue(ctx, chatOn101, "Записала вас на 12:00", KindReply); err != nil {
		t.Fatal(err)
	}
	// Crash after the request left but before the answer was stored: the
	// item is still "sending" and Chat2Desk has the message.
	midway, err := o.admin.Queue(ctx, chatOn103, "Договор готов", KindReply)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.store.MarkOutbox(ctx, midway.ID, storage.OutboxSending, ""); err != nil {
		t.Fatal(err)
	}
	sendDirect(t, o, midway)
	// Crash while sending, before the request left.
	lost, err := o.marina.Queue(ctx, chatOn102, "Фото отправлю вечером", KindReply)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.store.MarkOutbox(ctx, lost.ID, storage.OutboxSending, ""); err != nil {
		t.Fatal(err)
	}

	restarted := o.reopen()
	sent, err := restarted.DeliverPending(ctx)
	if err != nil || sent != 3 {
		t.Fatalf("after restart %d sent, %v", sent, err)
	}
	for _, text := range []string{"Записала вас на 12:00", "Договор готов", "Фото отправлю вечером"} {
		if got := o.fake.MessagesWithText(text); len(got) != 1 {
			t.Fatalf("%q reached Chat2Desk %d times", text, len(got))
		}
	}
	if pending, _ := o.store.Pending(ctx); len(pending) != 0 {
		t.Fatalf("left in the outbox: %+v", pending)
	}
}

func TestSameTextTwiceIsNotTakenForDelivered(t *testing.T) {
	o := chatsOffice(t)
	first, err := o.ivan.Queue(ctx, chatOn101, "Да", KindReply)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.app.Deliver(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	// The second "Да" crashed after being marked sending, before its
	// request left: the first one in the dialog must not be taken for it.
	second, err := o.ivan.Queue(ctx, chatOn101, "Да", KindReply)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.store.MarkOutbox(ctx, second.ID, storage.OutboxSending, ""); err != nil {
		t.Fatal(err)
	}
	got, err := o.reopen().Deliver(ctx, second.ID)
	if err != nil || got.State != storage.OutboxSent {
		t.Fatalf("%+v %v", got, err)
	}
	if n := len(o.fake.MessagesWithText("Да")); n != 2 {
		t.Fatalf("Chat2Desk has %d of the two messages", n)
	}
	again, _ := o.store.OutboxItemByID(ctx, first.ID)
	if again.MessageID == got.MessageID {
		t.Fatalf("both items confirmed as message %d", got.MessageID)
	}
}

// sendDirect sends an outbox item to the fake outside the app, as the
// crashed process did before it died.
func sendDirect(t *testing.T, o chatOffice, it storage.OutboxItem) {
	t.Helper()
	client, err := o.app.storedClient(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Messages.Send(ctx, c2dapi.OutgoingMessage{ClientID: c2dapi.ID(it.ClientID), Text: it.Text, Type: it.Type,
		OperatorID: c2dapi.ID(it.OperatorID), ChannelID: c2dapi.ID(it.ChannelID), Transport: it.Transport}); err != nil {
		t.Fatal(err)
	}
}

func TestNoDuplicateAfterTimeout(t *testing.T) {
	o := chatsOffice(t)
	it, err := o.ivan.Queue(ctx, chatOn101, "Адрес: Лесная, 5", KindReply)
	if err != nil {
		t.Fatal(err)
	}
	o.fake.Inject(c2dfake.Fault{PathContains: "/messages", LoseAnswer: true, Times: 1})
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	got, err := o.app.Deliver(short, it.ID)
	cancel()
	if err == nil || got.State != storage.OutboxUnclear || Explain(err) != MsgTimeout {
		t.Fatalf("lost answer: %+v %v", got, err)
	}
	conv, _ := o.ivan.Conversation(ctx, chatOn101, 0, 10)
	if len(conv.Outbox) != 1 || conv.Outbox[0].State != storage.OutboxUnclear {
		t.Fatalf("the chat should show the unclear message: %+v", conv.Outbox)
	}
	got, err = o.app.Deliver(ctx, it.ID)
	if err != nil || got.State != storage.OutboxSent {
		t.Fatalf("second try: %+v %v", got, err)
	}
	if n := len(o.fake.MessagesWithText("Адрес: Лесная, 5")); n != 1 {
		t.Fatalf("the client got the message %d times", n)
	}
	// The poll that brings the message back keeps its author.
	if _, err := o.app.Poll(ctx, nil); err != nil {
		t.Fatal(err)
	}
	conv, _ = o.ivan.Conversation(ctx, chatOn101, 0, 10)
	last := conv.Messages[len(conv.Messages)-1]
	if last.Text != "Адрес: Лесная, 5" || last.Author != o.ivan.Staff().ID {
		t.Fatalf("%+v", last)
	}
}

// An item whose answer was lost is looked for among every message since
// it was queued, however many came after it: a look at the newest fifty
// sent it again once 300 messages had followed (two PCs, one frozen past
// its claim, showed it).
func TestNoDuplicateWhenManyMessagesFollowedTheLostAnswer(t *testing.T) {
	o := chatsOffice(t)
	it, err := o.ivan.Queue(ctx, chatOn101, "Договор пришлю завтра", KindReply)
	if err != nil {
		t.Fatal(err)
	}
	o.fake.Inject(c2dfake.Fault{PathContains: "/messages", LoseAnswer: true, Times: 1})
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	if got, _ := o.app.Deliver(short, it.ID); got.State != storage.OutboxUnclear {
		t.Fatalf("lost answer: %+v", got)
	}
	cancel()
	for i := range 300 {
		o.fake.ClientWrites(5001, fmt.Sprintf("Сообщение %d", i))
	}
	got, err := o.app.Deliver(ctx, it.ID)
	if err != nil || got.State != storage.OutboxSent {
		t.Fatalf("second try: %+v %v", got, err)
	}
	if n := len(o.fake.MessagesWithText("Договор пришлю завтра")); n != 1 {
		t.Fatalf("the client got the message %d times", n)
	}
}

func TestAgentsSeeOnlyTheirChatsAdminsAll(t *testing.T) {
	o := chatsOffice(t)
	admin, ivan, marina := chatIDs(t, o.admin, storage.ChatFilter{}), chatIDs(t, o.ivan, storage.ChatFilter{}), chatIDs(t, o.marina, storage.ChatFilter{})
	if len(admin) != 60 || len(ivan) != 20 || len(marina) != 40 {
		t.Fatalf("admin %d, ivan %d, marina %d chats", len(admin), len(ivan), len(marina))
	}
	for id := range ivan {
		if (id-9001)%3 != 0 {
			t.Fatalf("ivan sees chat %d of another channel", id)
		}
	}
	// Search never widens access: a phrase present in every channel.
	for id := range chatIDs(t, o.ivan, storage.ChatFilter{Search: "квартир"}) {
		if !ivan[id] {
			t.Fatalf("search showed ivan chat %d", id)
		}
	}
	_, err := o.ivan.Conversation(ctx, chatOn103, 0, 10)
	wantProblem(t, err, MsgNotYourChat)
	_, err = o.ivan.Queue(ctx, chatOn102, "hi", KindReply)
	wantProblem(t, err, MsgNotYourChat)
	wantProblem(t, o.ivan.MarkRead(ctx, chatOn103), MsgNotYourChat)
	wantProblem(t, o.ivan.Assign(ctx, chatOn103, o.ivan.Staff().ID), MsgNotYourChat)
	wantProblem(t, o.ivan.SetOpen(ctx, chatOn103, false), MsgNotYourChat)

	// An assigned chat is visible to its assignee, whatever its channel.
	if err := o.admin.Assign(ctx, chatOn103, o.ivan.Staff().ID); err != nil {
		t.Fatal(err)
	}
	if mine := chatIDs(t, o.ivan, storage.ChatFilter{Mine: true}); len(mine) != 1 || !mine[chatOn103] {
		t.Fatalf("ivan's own chats: %v", mine)
	}
	if _, err := o.ivan.Conversation(ctx, chatOn103, 0, 10); err != nil {
		t.Fatal(err)
	}
	// A deactivated agent's old session sees nothing new.
	if err := o.admin.SetStaffActive(ctx, o.marina.Staff().ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := o.app.SignIn(ctx, o.marina.Staff().ID, "0000"); err == nil {
		t.Fatal("a deactivated agent signed in")
	}
	if still := chatIDs(t, o.marina, storage.ChatFilter{}); len(still) != 0 {
		t.Fatalf("a deactivated agent's open session still lists %d chats", len(still))
	}
	_, err = o.marina.Conversation(ctx, chatOn101, 0, 10)
	wantProblem(t, err, MsgNotYourChat)

	// An administrator made an agent loses the other chats at once.
	boss, err := o.admin.AddStaff(ctx, StaffInput{Name: "Boss", Role: storage.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	bossS, err := o.app.SignIn(ctx, boss.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(chatIDs(t, bossS, storage.ChatFilter{})); n != 60 {
		t.Fatalf("a new admin sees %d chats", n)
	}
	if _, err := o.admin.UpdateStaff(ctx, boss.ID, StaffInput{Name: "Boss", Role: storage.RoleAgent}); err != nil {
		t.Fatal(err)
	}
	if n := len(chatIDs(t, bossS, storage.ChatFilter{})); n != 20 {
		t.Fatalf("after the demotion the open session sees %d chats, want channel 101's 20", n)
	}
}

func TestAssignTransfersToOwnOperatorAndCloseReopen(t *testing.T) {
	o := chatsOffice(t)
	if err := o.ivan.Assign(ctx, chatOn101, o.marina.Staff().ID); err != nil {
		t.Fatal(err)
	}
	if d, _ := o.fake.Dialog(chatOn101); d.OperatorID != 9 {
		t.Fatalf("the dialog's operator in Chat2Desk is %d, want Марина's 9", d.OperatorID)
	}
	before, _ := o.fake.Dialog(chatOn101)
	// Ivan has no operator: the assignment is local only.
	if err := o.marina.Assign(ctx, chatOn101, o.ivan.Staff().ID); err != nil {
		t.Fatal(err)
	}
	if d, _ := o.fake.Dialog(chatOn101); d.OperatorID != before.OperatorID {
		t.Fatal("assigning to someone without an operator changed Chat2Desk")
	}
	local, _ := o.store.DialogByID(ctx, chatOn101)
	if local.Assignee != o.ivan.Staff().ID {
		t.Fatalf("assignee %d", local.Assignee)
	}
	inactive, _ := o.admin.AddStaff(ctx, StaffInput{Name: "Gone", Role: storage.RoleAgent})
	_ = o.admin.SetStaffActive(ctx, inactive.ID, false)
	wantProblem(t, o.ivan.Assign(ctx, chatOn101, inactive.ID), MsgNoSuchStaff)

	if err := o.ivan.SetOpen(ctx, chatOn101, false); err != nil {
		t.Fatal(err)
	}
	if d, _ := o.fake.Dialog(chatOn101); d.State != c2dapi.DialogClosed {
		t.Fatal("not closed in Chat2Desk")
	}
	if open := chatIDs(t, o.ivan, storage.ChatFilter{OpenOnly: true}); open[chatOn101] {
		t.Fatal("closed chat listed as open")
	}
	if err := o.ivan.SetOpen(ctx, chatOn101, true); err != nil {
		t.Fatal(err)
	}
	if d, _ := o.store.DialogByID(ctx, chatOn101); d.State != c2dapi.DialogOpen {
		t.Fatal("not reopened locally")
	}
	o.fake.Inject(c2dfake.Fault{Status: c2dfake.FaultServer.Status, Body: c2dfake.FaultServer.Body, Times: 3})
	if err := o.ivan.SetOpen(ctx, chatOn101, false); err == nil || Explain(err) != MsgServer {
		t.Fatalf("server error: %v", err)
	}
	if d, _ := o.store.DialogByID(ctx, chatOn101); d.State != c2dapi.DialogOpen {
		t.Fatal("a failed close changed the local state")
	}
}

func TestStartChatWritesFirst(t *testing.T) {
	o := chatsOffice(t)
	_, err := o.ivan.StartChat(ctx, NewChat{Phone: "12345", ChannelID: 101, Transport: "whatsapp", Text: "Здравствуйте"})
	wantProblem(t, err, MsgPhoneFormat)
	_, err = o.ivan.StartChat(ctx, NewChat{Phone: "+7 905 111-22-33", ChannelID: 103, Transport: "telegram", Text: "Здравствуйте"})
	wantProblem(t, err, MsgChannelNotOpen)
	_, err = o.ivan.StartChat(ctx, NewChat{Phone: "+7 905 111-22-33", ChannelID: 101, Transport: "sms", Text: "Здравствуйте"})
	wantProblem(t, err, MsgNewChatRejected)
	o.fake.SetWriteFirst(false)
	_, err = o.ivan.StartChat(ctx, NewChat{Phone: "+7 905 111-22-33", ChannelID: 101, Transport: "whatsapp", Text: "Здравствуйте"})
	wantProblem(t, err, MsgWriteFirstOff)
	if pending, _ := o.store.Pending(ctx); len(pending) != 0 {
		t.Fatal("a refused new chat left a message in the outbox")
	}

	o.fake.SetWriteFirst(true)
	it, err := o.ivan.StartChat(ctx, NewChat{Phone: "+7 905 111-22-33", ChannelID: 101, Transport: "whatsapp", Text: "Здравствуйте! Вы оставляли заявку на сайте."})
	if err != nil || it.State != storage.OutboxSent || it.DialogID == 0 {
		t.Fatalf("%+v %v", it, err)
	}
	mine, err := o.ivan.Chats(ctx, storage.ChatFilter{Mine: true})
	if err != nil || len(mine) != 1 || mine[0].ID != it.DialogID || mine[0].ClientPhone != "79051112233" ||
		mine[0].LastText != "Здравствуйте! Вы оставляли заявку на сайте." {
		t.Fatalf("the new chat in ivan's list: %+v %v", mine, err)
	}
	if got := o.fake.MessagesWithText("Здравствуйте! Вы оставляли заявку на сайте."); len(got) != 1 || got[0].OperatorID != 8 {
		t.Fatalf("Chat2Desk got %+v", got)
	}
}

func TestTemplatesAndDraftsSurviveRestart(t *testing.T) {
	o := chatsOffice(t)
	all, err := o.app.Templates(ctx)
	if err != nil || len(all) != 4 {
		t.Fatalf("%+v %v", all, err)
	}
	before := o.fake.RequestsThisMonth()
	if _, err := o.app.Templates(ctx); err != nil || o.fake.RequestsThisMonth() != before {
		t.Fatal("quick replies are loaded once per run")
	}
	if got := MatchTemplates(all, "/pl"); len(got) != 1 || got[0].Command != "plan" {
		t.Fatalf("/pl matched %+v", got)
	}
	if got := MatchTemplates(all, "/"); len(got) != 4 {
		t.Fatalf("/ matched %d", len(got))
	}
	if err := o.ivan.SaveDraft(ctx, chatOn101, "Добрый день, по поводу"); err != nil {
		t.Fatal(err)
	}
	restarted := o.reopen()
	again, err := restarted.SignIn(ctx, o.ivan.Staff().ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := again.Draft(ctx, chatOn101); d != "Добрый день, по поводу" {
		t.Fatalf("draft after restart: %q", d)
	}
	if d, _ := o.marina.Draft(ctx, chatOn101); d != "" {
		t.Fatal("a draft is personal")
	}
}

func TestNoticesOnlyForChatsTheAgentMaySee(t *testing.T) {
	o := chatsOffice(t)
	for _, s := range []*Session{o.admin, o.ivan} {
		for _, id := range []int64{chatOn101, chatOn103} {
			if err := s.MarkRead(ctx, id); err != nil && s == o.admin {
				t.Fatal(err)
			}
		}
	}
	unreadBefore, _ := o.ivan.UnreadChats(ctx)
	o.fake.ClientWrites(5001, "Первое")
	o.fake.ClientWrites(5001, "Второе")
	o.fake.ClientWrites(5003, "Секретный канал")
	res, err := o.app.Poll(ctx, nil)
	if err != nil || len(res.Incoming) != 3 {
		t.Fatalf("%+v %v", res, err)
	}
	notes, err := o.ivan.Notices(ctx, res.Incoming)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || notes[0].DialogID != chatOn101 || notes[0].Text != "Второе" || notes[0].Title == "" {
		t.Fatalf("ivan's notices: %+v", notes)
	}
	if all, _ := o.admin.Notices(ctx, res.Incoming); len(all) != 2 {
		t.Fatalf("admin's notices: %+v", all)
	}
	if after, _ := o.ivan.UnreadChats(ctx); after != unreadBefore+1 {
		t.Fatalf("ivan's unread chats went from %d to %d", unreadBefore, after)
	}
}

func TestConcurrentDeliveriesSendOnce(t *testing.T) {
	o := chatsOffice(t)
	it, err := o.ivan.Queue(ctx, chatOn101, "Один раз", KindReply)
	if err != nil {
		t.Fatal(err)
	}
	o.fake.Inject(c2dfake.Fault{PathContains: "/messages", Delay: 200 * time.Millisecond, Times: 1})
	done := make(chan error, 2)
	for range 2 { // the composer and the background sender at once
		go func() { _, err := o.app.Deliver(ctx, it.ID); done <- err }()
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if n := len(o.fake.MessagesWithText("Один раз")); n != 1 {
		t.Fatalf("sent %d times", n)
	}
}
