package app

import (
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"c2desk/c2dapi"
	"c2desk/c2dapi/c2dfake"
	"c2desk/internal/pgtest"
	"c2desk/storage"
)

// The fault matrix: each way Chat2Desk misbehaves, against each thing
// C2Desk asks of it (loading channels and operators, polling messages,
// sending one). For every cell: the sentence the user sees, the database
// unchanged (or, for a message, its outbox state), the integrity check, and
// once the fault clears, the same action bringing everything in, once.

// dbSnapshot is every row of every table, as text; a SQLite file passes
// openChecked's checks first (PostgreSQL checks its own pages and keys).
func dbSnapshot(t *testing.T, e *env) map[string][]string {
	t.Helper()
	if !e.store.Office() {
		openChecked(t, filepath.Join(e.dir, storage.FileName)).Close()
	}
	snap, err := e.store.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// snapshotDiff names the tables whose rows differ, ignoring some.
func snapshotDiff(before, after map[string][]string, ignore ...string) []string {
	var diff []string
	for table := range mergeKeys(before, after) {
		if slices.Contains(ignore, table) {
			continue
		}
		if !slices.Equal(before[table], after[table]) {
			diff = append(diff, table)
		}
	}
	slices.Sort(diff)
	return diff
}

func mergeKeys(a, b map[string][]string) map[string]bool {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}

// A cell's action: it runs against a fault and returns the error the user
// would be shown, and afterwards checks that the fault-free retry brought
// everything in.
type faultAction struct {
	name string
	// prepare sets up what the action brings in (a message from a client,
	// a queued reply) and returns the action.
	prepare func(t *testing.T, o chatOffice) (act func() error, recovered func(t *testing.T))
	// changes are the tables the action may change even when it fails.
	changes []string
}

const (
	incomingText = "Можно посмотреть квартиру в субботу?"
	replyText    = "Да, в субботу в 11:00 удобно?"
)

var faultActions = []faultAction{
	{
		name: "sync",
		prepare: func(t *testing.T, o chatOffice) (func() error, func(*testing.T)) {
			o.fake.PutChannel(c2dapi.Channel{ID: 104, Name: "Коммерческая", Transports: c2dapi.Strings{"telegram"}})
			act := func() error { _, err := o.admin.Sync(ctx); return err }
			return act, func(t *testing.T) {
				chans, _ := o.store.Channels(ctx)
				if !slices.ContainsFunc(chans, func(c storage.Channel) bool { return c.ID == 104 }) {
					t.Fatal("the new channel did not arrive after the fault")
				}
				for _, c := range chans {
					if !c.RemovedAt.IsZero() {
						t.Fatalf("channel %d marked removed", c.ID)
					}
				}
			}
		},
	},
	{
		name: "poll",
		prepare: func(t *testing.T, o chatOffice) (func() error, func(*testing.T)) {
			o.fake.ClientWrites(5001, incomingText)
			act := func() error { _, err := o.app.Poll(ctx, nil); return err }
			return act, func(t *testing.T) {
				conv, err := o.admin.Conversation(ctx, chatOn101, 0, 200)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, m := range conv.Messages {
					if m.Text == incomingText {
						n++
					}
				}
				if n != 1 {
					t.Fatalf("the client's message is in the chat %d times", n)
				}
			}
		},
	},
	{
		name:    "send",
		changes: []string{"outbox"},
		prepare: func(t *testing.T, o chatOffice) (func() error, func(*testing.T)) {
			it, err := o.ivan.Queue(ctx, chatOn101, replyText, KindReply)
			if err != nil {
				t.Fatal(err)
			}
			act := func() error { _, err := o.app.Deliver(ctx, it.ID); return err }
			return act, func(t *testing.T) {
				got, err := o.store.OutboxItemByID(ctx, it.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.State == storage.OutboxFailed { // the user presses Retry
					if got, err = o.ivan.Retry(ctx, it.ID); err != nil {
						t.Fatalf("retry: %v", err)
					}
				}
				if got.State != storage.OutboxSent {
					t.Fatalf("after the fault the reply is %s", got.State)
				}
				if n := len(o.fake.MessagesWithText(replyText)); n != 1 {
					t.Fatalf("the client got the reply %d times", n)
				}
			}
		},
	},
}

// faultCase is one way Chat2Desk misbehaves, with what each action must
// make of it: the sentence ("" for success), and for a send, the outbox
// state the failure leaves.
type faultCase struct {
	name     string
	fault    c2dfake.Fault
	sentence map[string]string // by action; "" means the action succeeds
	outbox   string            // the reply's state after a failed send
	stops    bool              // polling stops until someone acts
}

func allActions(s string) map[string]string {
	return map[string]string{"sync": s, "poll": s, "send": s}
}

var faultCases = []faultCase{
	{name: "401 token revoked", fault: c2dfake.FaultAuth, sentence: allActions(MsgAuth), outbox: storage.OutboxFailed, stops: true},
	{name: "429 with Retry-After", fault: withTimes(c2dfake.FaultRateLimit, 1),
		// Reads are retried as the server asks; a send is not, and waits
		// in the outbox for the next round.
		sentence: map[string]string{"sync": "", "poll": "", "send": MsgRateLimit}, outbox: storage.OutboxQueued},
	{name: "429 without Retry-After", fault: withTimes(c2dfake.Fault{Status: http.StatusTooManyRequests, Body: `{"status":"error","message":"Too Many Requests"}`}, 1),
		sentence: map[string]string{"sync": "", "poll": "", "send": MsgRateLimit}, outbox: storage.OutboxQueued},
	{name: "wrong token answered 200 and a text", fault: c2dfake.Fault{Status: http.StatusOK, Body: `{"status":"error","message":"Token is not correct"}`},
		sentence: allActions(MsgAuth), outbox: storage.OutboxFailed, stops: true},
	{name: "rate limit as a text with 200", fault: withTimes(c2dfake.Fault{Status: http.StatusOK, Body: `{"status":"error","message":"Number of API requests exceeded"}`}, 1),
		sentence: map[string]string{"sync": "", "poll": "", "send": MsgRateLimit}, outbox: storage.OutboxQueued},
	{name: "monthly quota", fault: c2dfake.FaultQuota, sentence: allActions(MsgQuota), outbox: storage.OutboxFailed, stops: true},
	{name: "500", fault: c2dfake.FaultServer, sentence: allActions(MsgServer), outbox: storage.OutboxUnclear},
	{name: "503 once", fault: withTimes(c2dfake.Fault{Status: http.StatusServiceUnavailable, Body: "Service Unavailable"}, 1),
		sentence: map[string]string{"sync": "", "poll": "", "send": MsgServer}, outbox: storage.OutboxUnclear},
	{name: "timeout", fault: c2dfake.Slow(2 * time.Second), sentence: allActions(MsgTimeout), outbox: storage.OutboxUnclear},
	{name: "slow body", fault: c2dfake.Fault{Stall: 2 * time.Second}, sentence: allActions(MsgTimeout), outbox: storage.OutboxUnclear},
	{name: "answer lost", fault: c2dfake.Fault{LoseAnswer: true}, sentence: allActions(MsgTimeout), outbox: storage.OutboxUnclear},
	{name: "truncated JSON", fault: c2dfake.FaultTruncated, sentence: allActions(MsgMalformed), outbox: storage.OutboxUnclear},
	{name: "HTML instead of JSON", fault: c2dfake.FaultMalformed, sentence: allActions(MsgMalformed), outbox: storage.OutboxUnclear},
	{name: "wrong types in every field", fault: c2dfake.Fault{Status: http.StatusOK,
		Body: `{"status":"success","data":{"id":"x","message_id":[1],"dialog_id":{},"text":7,"type":false,"created":"вчера"},"meta":{"total":"many"}}`},
		sentence: allActions(MsgMalformed), outbox: storage.OutboxUnclear},
	// Messages without ids are skipped by the poll, which goes on from the
	// same place; a send confirmed without the message's id is not a
	// confirmation.
	{name: "messages without their ids", fault: c2dfake.Fault{PathContains: "/messages", Status: http.StatusOK, Body: `{"status":"success","data":{"message_id":null}}`},
		sentence: map[string]string{"sync": "", "poll": "", "send": MsgMalformed}, outbox: storage.OutboxUnclear},
}

func withTimes(f c2dfake.Fault, n int) c2dfake.Fault { f.Times = n; return f }

func TestFaultMatrix(t *testing.T) {
	for _, fc := range faultCases {
		for _, action := range faultActions {
			t.Run(fc.name+"/"+action.name, func(t *testing.T) {
				o := chatsOffice(t)
				// Short timeouts keep the slow cells quick.
				o.app.cfg.HTTPClient = &http.Client{Timeout: 500 * time.Millisecond}
				o.app.client = nil
				act, recovered := action.prepare(t, o)
				before := dbSnapshot(t, o.env)
				o.fake.Inject(fc.fault)
				err := act()
				want := fc.sentence[action.name]
				if got := explainOrEmpty(err); got != want {
					t.Fatalf("the user is told %q (%v), want %q", got, err, want)
				}
				after := dbSnapshot(t, o.env)
				if want != "" {
					if diff := snapshotDiff(before, after, action.changes...); len(diff) > 0 {
						t.Fatalf("a failed %s changed %v", action.name, diff)
					}
					if PollStops(err) != fc.stops {
						t.Fatalf("polling stops: %v, want %v", PollStops(err), fc.stops)
					}
					if action.name == "send" {
						checkOutboxState(t, o, fc.outbox, want)
					}
				}
				o.fake.ClearFaults()
				if _, err := o.app.DeliverPending(ctx); err != nil {
					t.Fatalf("after the fault: %v", err)
				}
				if _, err := o.app.Poll(ctx, nil); err != nil {
					t.Fatalf("after the fault: %v", err)
				}
				if action.name == "sync" && want != "" {
					if _, err := o.admin.Sync(ctx); err != nil {
						t.Fatalf("after the fault: %v", err)
					}
				}
				recovered(t)
				dbSnapshot(t, o.env) // integrity once more
			})
		}
	}
}

func explainOrEmpty(err error) string {
	if err == nil {
		return ""
	}
	return Explain(err)
}

func checkOutboxState(t *testing.T, o chatOffice, state, sentence string) {
	t.Helper()
	pending, err := o.store.Pending(ctx)
	if err != nil || len(pending) != 1 {
		t.Fatalf("outbox: %+v %v", pending, err)
	}
	it := pending[0]
	if it.State != state || it.LastError != sentence {
		t.Fatalf("the reply is %s %q, want %s %q", it.State, it.LastError, state, sentence)
	}
	conv, err := o.ivan.Conversation(ctx, chatOn101, 0, 10)
	if err != nil || len(conv.Outbox) != 1 || conv.Outbox[0].Text != replyText {
		t.Fatalf("the chat does not show the unsent reply: %+v %v", conv.Outbox, err)
	}
}

// A list with a record C2Desk cannot read is not the whole list: nothing is
// marked removed because of it, and the rest is loaded.
func TestUnreadableRecordRemovesNothing(t *testing.T) {
	o := chatsOffice(t)
	before := dbSnapshot(t, o.env)
	o.fake.Inject(c2dfake.Fault{PathContains: "/channels", Status: http.StatusOK,
		Body: `{"status":"success","data":[{"id":101,"name":"Продажа","transports":["whatsapp"]},{"id":{"oops":1},"name":["?"]}],"meta":{"total":2,"limit":100,"offset":0}}`})
	res, err := o.admin.Sync(ctx)
	if err != nil || res.Skipped != 1 || res.Channels.Gone != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	chans, _ := o.store.Channels(ctx)
	for _, c := range chans {
		if !c.RemovedAt.IsZero() {
			t.Fatalf("channel %d marked removed because another record was unreadable", c.ID)
		}
	}
	if diff := snapshotDiff(before, dbSnapshot(t, o.env), "channels", "channel_transports", "operators", "operator_groups",
		"settings"); len(diff) > 0 { // settings: when the card's tags and fields were loaded, which moves with the clock

		t.Fatalf("changed %v", diff)
	}
	// The same list without the bad record is whole: the missing ones are gone.
	o.fake.ClearFaults()
	o.fake.RemoveChannel(103)
	if res, err := o.admin.Sync(ctx); err != nil || res.Channels.Gone != 1 {
		t.Fatalf("%+v %v", res, err)
	}
}

// Channels, operators and clients removed in Chat2Desk: their chats stay,
// and sending says what happened in a sentence.
func TestVanishedUpstream(t *testing.T) {
	o := chatsOffice(t)
	chatsBefore := chatIDs(t, o.admin, storage.ChatFilter{})

	// A channel removed in Chat2Desk is marked removed; its chats stay.
	o.fake.RemoveChannel(102)
	if res, err := o.admin.Sync(ctx); err != nil || res.Channels.Gone != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if after := chatIDs(t, o.admin, storage.ChatFilter{}); len(after) != len(chatsBefore) || !after[chatOn102] {
		t.Fatalf("chats of the removed channel went away: %d of %d", len(after), len(chatsBefore))
	}

	// Марина's own operator is removed in Chat2Desk before C2Desk knows.
	o.fake.RemoveOperator(9)
	it, err := o.marina.Queue(ctx, chatOn101, "Фото пришлю вечером", KindReply)
	if err != nil || it.OperatorID != 9 {
		t.Fatalf("%+v %v", it, err)
	}
	got, err := o.app.Deliver(ctx, it.ID)
	if Explain(err) != MsgOperatorGone || got.State != storage.OutboxFailed {
		t.Fatalf("%+v %v", got, err)
	}
	// The admin loads the operators; Retry sends through the default account.
	if _, err := o.admin.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	got, err = o.marina.Retry(ctx, it.ID)
	if err != nil || got.State != storage.OutboxSent || got.OperatorID != 8 {
		t.Fatalf("retry: %+v %v", got, err)
	}
	if sent := o.fake.MessagesWithText("Фото пришлю вечером"); len(sent) != 1 || sent[0].OperatorID != 8 {
		t.Fatalf("%+v", sent)
	}

	// A client deleted in Chat2Desk: the reply is refused with a sentence,
	// and the chat and its history stay.
	o.fake.RemoveClient(5001)
	it, err = o.ivan.Queue(ctx, chatOn101, "Вы ещё ищете квартиру?", KindReply)
	if err != nil {
		t.Fatal(err)
	}
	got, err = o.app.Deliver(ctx, it.ID)
	if Explain(err) != MsgClientGone || got.State != storage.OutboxFailed {
		t.Fatalf("%+v %v", got, err)
	}
	conv, err := o.ivan.Conversation(ctx, chatOn101, 0, 100)
	if err != nil || len(conv.Messages) == 0 || len(conv.Outbox) != 1 || conv.Outbox[0].LastError != MsgClientGone {
		t.Fatalf("%d messages, outbox %+v, %v", len(conv.Messages), conv.Outbox, err)
	}
	if _, err := o.app.Poll(ctx, nil); err != nil {
		t.Fatalf("poll after the client went: %v", err)
	}
	dbSnapshot(t, o.env)
}

// A full disk: polling and sending say so in a sentence, nothing is half
// written, and once there is room everything arrives.
func TestFullDisk(t *testing.T) {
	o := chatsOffice(t)
	// A SQLite file may not grow; the office server's tables are on a
	// small filesystem of their own, which is filled.
	fill, free := func() error { return o.store.LimitPages(ctx, 0) }, func() error { return o.store.LimitPages(ctx, 1_000_000) }
	if o.store.Office() {
		disk := pgtest.MoveToSmallDisk(t, o.store.Path())
		fill, free = disk.Fill, disk.Free
	}
	for i := range 40 {
		o.fake.ClientWrites(5001+c2dapi.ID(i%10), strings.Repeat("Сколько стоит квартира на Лесной? ", 30))
	}
	before := dbSnapshot(t, o.env)
	if err := fill(); err != nil {
		t.Fatal(err)
	}
	_, err := o.app.Poll(ctx, nil)
	if Explain(err) != MsgDiskFull {
		t.Fatalf("poll on a full disk: %v", err)
	}
	_, err = o.ivan.Queue(ctx, chatOn101, strings.Repeat("Ответ ", 200_000), KindReply)
	if Explain(err) != MsgDiskFull {
		t.Fatalf("queue on a full disk: %v", err)
	}
	if diff := snapshotDiff(before, dbSnapshot(t, o.env)); len(diff) > 0 {
		t.Fatalf("a full disk left half-written %v", diff)
	}
	if err := free(); err != nil {
		t.Fatal(err)
	}
	res, err := o.app.Poll(ctx, nil)
	if err != nil || res.Stored != 40 {
		t.Fatalf("after freeing space: %+v %v", res, err)
	}
}

// The token is revoked in the middle of the first history load: the pages
// already stored stay, the load stops with the sentence that asks for a new
// token, and with it the load goes on from where it stopped.
func TestTokenRevokedMidHistoryLoad(t *testing.T) {
	e := newEnv(t, c2dfake.WithScale(c2dfake.Scale{Clients: 150, Messages: 3000, BigDialog: 200}))
	if _, err := e.app.Console().Connect(ctx, c2dfake.DemoToken); err != nil {
		t.Fatal(err)
	}
	pages := 0
	_, err := e.app.Poll(ctx, func(int) {
		if pages++; pages == 3 {
			e.fake.RevokeToken(c2dfake.DemoToken)
		}
	})
	if !NeedsNewToken(err) || !PollStops(err) || Explain(err) != MsgAuth {
		t.Fatalf("revoked mid-load: %v", err)
	}
	kept := dbSnapshot(t, e)["messages"]
	if len(kept) == 0 || len(kept) >= 3000 {
		t.Fatalf("%d messages kept of the pages loaded", len(kept))
	}
	e.fake.AddToken("new-token-2026")
	if _, err := e.app.Console().Connect(ctx, "new-token-2026"); err != nil {
		t.Fatal(err)
	}
	if after := dbSnapshot(t, e)["messages"]; !slices.Equal(after, kept) {
		t.Fatal("connecting with the new token changed the stored messages")
	}
	if _, err := e.app.Poll(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if n := len(dbSnapshot(t, e)["messages"]); n != len(e.fake.Messages()) {
		t.Fatalf("after the new token %d messages, Chat2Desk has %d", n, len(e.fake.Messages()))
	}
}
