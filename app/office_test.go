package app

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"c2desk/c2dapi/c2dfake"
	"c2desk/internal/pgtest"
	"c2desk/storage"

	"golang.org/x/crypto/bcrypt"
)

// Office tests: several C2Desk processes (Apps, each with its own pool,
// keyring and HTTP client) on one PostgreSQL database and one fake
// Chat2Desk. They run in every pass and fail when PostgreSQL cannot start.

// countingTransport counts one PC's requests to Chat2Desk.
type countingTransport struct{ calls atomic.Int64 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.calls.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

type officePC struct {
	app   *App
	store *storage.Store
	net   *countingTransport
}

// officeOf is chatsOffice on PostgreSQL: the admin's PC, connected.
func officeOf(t *testing.T) chatOffice {
	t.Helper()
	t.Setenv(pgtest.EngineEnv, "postgres")
	return chatsOffice(t)
}

// joinPC starts another PC's C2Desk on the office database, with the
// token in its keyring when withToken.
func joinPC(t *testing.T, o chatOffice, withToken bool) officePC {
	t.Helper()
	store, err := storage.OpenOffice(ctx, o.store.Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	net := &countingTransport{}
	secrets := &Memory{}
	a := New(store, secrets, Config{APIURL: o.srv.URL + "/v1", RequestsPerSecond: -1,
		HTTPClient: &http.Client{Timeout: 2 * time.Second, Transport: net}, Logger: slog.New(slog.DiscardHandler),
		PINHashCost: bcrypt.MinCost, DataDir: t.TempDir(), LocalServers: []string{"127.0.0.1"}, LinksStayLocal: true})
	if withToken {
		acc, err := a.account(ctx)
		if err != nil {
			t.Fatal(err)
		}
		secrets.Set(acc, c2dfake.DemoToken)
	}
	return officePC{app: a, store: store, net: net}
}

func startPolling(t *testing.T, pcs ...officePC) []context.CancelFunc {
	t.Helper()
	var stops []context.CancelFunc
	for _, pc := range pcs {
		c, cancel := context.WithCancel(ctx)
		p := pc.app.StartPoller(c, nil, nil)
		t.Cleanup(func() { cancel(); <-p.Done() })
		stops = append(stops, func() { cancel(); <-p.Done() })
	}
	return stops
}

func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(4 * LeaseTTL)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", 4*LeaseTTL, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func pollers(pcs ...officePC) (n int, which officePC) {
	for _, pc := range pcs {
		if pc.app.Polls() {
			n++
			which = pc
		}
	}
	return n, which
}

// Of three PCs with the token one polls; the others make no call at all,
// and the one without a token never does.
func TestOfficeHasOnePoller(t *testing.T) {
	o := officeOf(t)
	a, b, c := joinPC(t, o, true), joinPC(t, o, true), joinPC(t, o, false)
	startPolling(t, a, b, c)
	eventually(t, "one PC polls", func() bool { n, _ := pollers(a, b, c); return n == 1 })
	_, leader := pollers(a, b, c)
	time.Sleep(2 * LeaseRenew) // a few renewals and polls
	if n, _ := pollers(a, b, c); n != 1 {
		t.Fatalf("%d PCs poll", n)
	}
	for _, pc := range []officePC{a, b, c} {
		if pc.app != leader.app && pc.net.calls.Load() != 0 {
			t.Fatalf("a PC that does not poll called Chat2Desk %d times", pc.net.calls.Load())
		}
	}
	if leader.net.calls.Load() == 0 || c.app.Polls() {
		t.Fatalf("the poller made %d calls; the PC without a token polls: %v", leader.net.calls.Load(), c.app.Polls())
	}
	st, err := c.app.OfficeState(ctx)
	if err != nil || !st.Office || st.Polls || st.Poller == "" || st.PolledAt.IsZero() {
		t.Fatalf("state on the PC without a token (who polls, and when last): %+v %v", st, err)
	}
}

// The poller stops (a clean exit gives the lease up at once) or freezes
// (its lease runs out): another PC takes over, and the frozen one cannot
// take the lease back.
func TestOfficePollerIsReplaced(t *testing.T) {
	o := officeOf(t)
	a, b := joinPC(t, o, true), joinPC(t, o, true)
	stops := startPolling(t, a)
	eventually(t, "a polls", a.app.Polls)
	startPolling(t, b)
	time.Sleep(LeaseRenew + time.Second)
	if b.app.Polls() {
		t.Fatal("b took the lease a holds")
	}
	stops[0]()
	eventually(t, "b polls after a stopped", b.app.Polls)

	// b freezes: c's clock runs past b's lease.
	c := joinPC(t, o, true)
	c.store.SetClock(func() time.Time { return time.Now().Add(LeaseTTL + time.Second) })
	startPolling(t, c)
	eventually(t, "c takes over from frozen b", c.app.Polls)
	eventually(t, "b knows it lost the lease", func() bool { return !b.app.Polls() })
}

// A poller frozen after its last check, right before its request, while
// another PC takes over: the new poller waits the frozen one's claim out
// and sends the item, and the frozen one, thawed, does not send it again.
func TestOfficeFrozenSenderDoesNotSendBesideItsSuccessor(t *testing.T) {
	o := officeOf(t)
	a, b := joinPC(t, o, true), joinPC(t, o, true)
	for _, pc := range []officePC{a, b} {
		pc.app.cfg.LeaseTTL, pc.app.cfg.ClaimTTL = time.Second, 3*time.Second
	}
	if err := o.app.StepDown(ctx); err != nil {
		t.Fatal(err)
	}
	if lead, err := a.app.Lead(ctx); err != nil || !lead {
		t.Fatalf("a does not poll: %v", err)
	}
	const text = "Ключи у консьержа"
	id, err := o.store.Enqueue(ctx, storage.OutboxItem{ClientID: 5001, DialogID: chatOn101, ChannelID: 101, Type: KindReply,
		Text: text, Author: o.ivan.Staff().ID, OperatorID: 8})
	if err != nil {
		t.Fatal(err)
	}
	frozen, thaw := make(chan struct{}), make(chan struct{})
	var once atomic.Bool
	crashPoint = func(name string) {
		if name == "before-request" && once.CompareAndSwap(false, true) {
			close(frozen)
			<-thaw
		}
	}
	t.Cleanup(func() { crashPoint = func(string) {} })
	aDone := make(chan error, 1)
	go func() {
		_, err := a.app.Deliver(ctx, id)
		aDone <- err
	}()
	<-frozen
	eventually(t, "b takes over from frozen a", func() bool {
		lead, _ := b.app.Lead(ctx)
		return lead
	})
	if _, err := b.app.Deliver(ctx, id); err != nil {
		t.Fatal(err)
	}
	if n := len(o.fake.MessagesWithText(text)); n != 0 {
		t.Fatalf("b sent while a's claim ran: Chat2Desk has it %d times", n)
	}
	eventually(t, "b sends once a's claim ran out", func() bool {
		it, err := b.app.Deliver(ctx, id)
		return err == nil && it.State == storage.OutboxSent
	})
	close(thaw)
	if err := <-aDone; err != nil {
		t.Fatalf("a, thawed: %v", err)
	}
	if n := len(o.fake.MessagesWithText(text)); n != 1 {
		t.Fatalf("Chat2Desk has it %d times", n)
	}
	if it, err := o.store.OutboxItemByID(ctx, id); err != nil || it.State != storage.OutboxSent {
		t.Fatalf("after a thawed the item is %+v %v", it, err)
	}
}

// A reply queued on a PC without the token goes out through the poller,
// under its writer's name, and every PC shows who wrote it.
func TestOfficeReplyFromAnotherPCKeepsItsAuthor(t *testing.T) {
	o := officeOf(t)
	poller, desk := joinPC(t, o, true), joinPC(t, o, false)
	startPolling(t, poller)
	eventually(t, "the poller polls", poller.app.Polls)
	ivan, err := desk.app.SignIn(ctx, o.ivan.Staff().ID, "")
	if err != nil {
		t.Fatal(err)
	}
	it, err := ivan.Queue(ctx, chatOn101, "Квартира на Лесной ещё свободна", KindReply)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := desk.app.Deliver(ctx, it.ID); err != nil || got.State != storage.OutboxQueued || desk.net.calls.Load() != 0 {
		t.Fatalf("the PC without a token sent itself: %+v %v, %d calls", got, err, desk.net.calls.Load())
	}
	eventually(t, "the poller sent it", func() bool {
		got, _ := o.store.OutboxItemByID(ctx, it.ID)
		return got.State == storage.OutboxSent
	})
	if n := len(o.fake.MessagesWithText("Квартира на Лесной ещё свободна")); n != 1 {
		t.Fatalf("Chat2Desk has it %d times", n)
	}
	msgs, err := o.store.DialogMessages(ctx, chatOn101, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	last := msgs[len(msgs)-1]
	if last.Text != "Квартира на Лесной ещё свободна" || last.Author != o.ivan.Staff().ID || last.OperatorID != 8 {
		t.Fatalf("stored as %+v", last)
	}
	// The administrator's report on the other PC counts Ivan's answer,
	// written on this one: the author is in the shared database.
	admin, err := poller.app.SignIn(ctx, o.admin.Staff().ID, "1234")
	if err != nil {
		t.Fatal(err)
	}
	r, err := admin.Report(ctx, ReportFilter{From: last.CreatedAt.Add(-time.Hour), To: last.CreatedAt.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(r.Rows, func(row ReportRow) bool { return row.StaffID == o.ivan.Staff().ID })
	if i < 0 || r.Rows[i].Answers != 1 || r.Rows[i].Name != "Ivan Petrov" {
		t.Fatalf("the report on the other PC: %+v", r.Rows)
	}
}

// The office database goes down: the poller and a PC without the token
// say so in one sentence, a reply typed meanwhile is refused with it (the
// window keeps the text), and when the server is back both go on by
// themselves: the poller sends what was queued before.
func TestOfficeDatabaseDownAndBack(t *testing.T) {
	server := pgtest.UseOwn(t)
	o := officeOf(t)
	poller, desk := joinPC(t, o, true), joinPC(t, o, false)
	var pollerErr, deskErr atomic.Value
	for _, pc := range []struct {
		officePC
		last *atomic.Value
	}{{poller, &pollerErr}, {desk, &deskErr}} {
		c, cancel := context.WithCancel(ctx)
		p := pc.app.StartPoller(c, func(_ PollResult, err error) {
			said := ""
			if err != nil {
				said = Explain(err)
			}
			pc.last.Store(said)
		}, nil)
		t.Cleanup(func() { cancel(); <-p.Done() })
	}
	eventually(t, "the poller polls", poller.app.Polls)
	ivan, err := desk.app.SignIn(ctx, o.ivan.Staff().ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := server.Pause(); err != nil {
		t.Fatal(err)
	}
	said := func(v *atomic.Value, want string) func() bool {
		return func() bool { s, _ := v.Load().(string); return s == want }
	}
	eventually(t, "the poller says the database is down", said(&pollerErr, MsgOfficeDown))
	eventually(t, "the other PC says so too", said(&deskErr, MsgOfficeDown))
	if _, err := ivan.Queue(ctx, chatOn101, "Договор пришлю вечером", KindReply); Explain(err) != MsgOfficeDown {
		t.Fatalf("queue while down: %v", err)
	}
	if err := server.Resume(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the poller goes on", said(&pollerErr, ""))
	eventually(t, "the other PC goes on", said(&deskErr, ""))
	it, err := ivan.Queue(ctx, chatOn101, "Договор пришлю вечером", KindReply)
	if err != nil {
		t.Fatalf("queue once back: %v", err)
	}
	eventually(t, "the poller sent it", func() bool {
		got, _ := desk.store.OutboxItemByID(ctx, it.ID)
		return got.State == storage.OutboxSent
	})
}

// A PC without the token closes, transfers and reads a chat: the office
// database has each change at once, the PC makes no call, and the
// office's poller tells Chat2Desk.
func TestOfficeChatActionsGoThroughThePoller(t *testing.T) {
	o := officeOf(t)
	poller, desk := joinPC(t, o, true), joinPC(t, o, false)
	startPolling(t, poller)
	eventually(t, "the poller polls", poller.app.Polls)
	olga, err := desk.app.SignIn(ctx, o.admin.Staff().ID, "1234")
	if err != nil {
		t.Fatal(err)
	}
	if err := olga.SetOpen(ctx, chatOn101, false); err != nil {
		t.Fatal(err)
	}
	if d, _ := desk.store.DialogByID(ctx, chatOn101); d.State != "closed" {
		t.Fatalf("closed here at once: %+v", d)
	}
	if err := olga.Assign(ctx, chatOn101, o.marina.Staff().ID); err != nil { // Марина owns operator 9
		t.Fatal(err)
	}
	if d, _ := desk.store.DialogByID(ctx, chatOn101); d.Assignee != o.marina.Staff().ID || d.OperatorID != 9 {
		t.Fatalf("assigned here at once: %+v", d)
	}
	eventually(t, "Chat2Desk closed the chat and gave it to operator 9", func() bool {
		d, ok := o.fake.Dialog(chatOn101)
		return ok && d.State == "closed" && d.OperatorID == 9
	})
	// Then the client writes (which opens the chat again in Chat2Desk),
	// and it is read on the PC without the token.
	o.fake.ClientWrites(5001, "А можно в субботу?")
	eventually(t, "the client's message in the office", func() bool {
		chats, _ := olga.Chats(ctx, storage.ChatFilter{IDs: []int64{chatOn101}, Limit: 1})
		return len(chats) == 1 && chats[0].Unread > 0
	})
	if err := olga.MarkRead(ctx, chatOn101); err != nil {
		t.Fatal(err)
	}
	// Queued, unless the poller took it already.
	if pending, err := desk.store.PendingActions(ctx); err != nil || len(pending) > 1 || len(pending) == 1 && pending[0].Kind != storage.ActionMarkRead {
		t.Fatalf("mark read queued: %+v %v", pending, err)
	}
	eventually(t, "every action taken", func() bool {
		pending, err := desk.store.PendingActions(ctx)
		return err == nil && len(pending) == 0
	})
	if desk.net.calls.Load() != 0 {
		t.Fatalf("the PC without the token called Chat2Desk %d times", desk.net.calls.Load())
	}
}

// A close made on a PC without the token that Chat2Desk refuses when the
// poller carries it out: the office shows the chat open again, as
// Chat2Desk has it, and the person who closed it is told once.
func TestOfficeRefusedCloseIsUndoneAndTold(t *testing.T) {
	o := officeOf(t)
	if err := o.app.StepDown(ctx); err != nil { // the admin's PC: poller takes over at once
		t.Fatal(err)
	}
	poller, desk := joinPC(t, o, true), joinPC(t, o, false)
	olga, err := desk.app.SignIn(ctx, o.admin.Staff().ID, "1234")
	if err != nil {
		t.Fatal(err)
	}
	o.fake.Inject(c2dfake.Fault{PathContains: "/dialogs/", Method: http.MethodPut, Times: 1, Status: http.StatusBadRequest,
		Body: `{"status":"error","message":"Dialog cannot be closed now"}`})
	if err := olga.SetOpen(ctx, chatOn101, false); err != nil {
		t.Fatal(err)
	}
	startPolling(t, poller)
	eventually(t, "the chat open again in the office", func() bool {
		d, err := desk.store.DialogByID(ctx, chatOn101)
		pending, _ := desk.store.PendingActions(ctx)
		return err == nil && d.State == "open" && len(pending) == 0
	})
	if d, _ := o.fake.Dialog(chatOn101); d.State != "open" {
		t.Fatalf("in Chat2Desk the chat is %s", d.State)
	}
	refused, err := olga.RefusedChatActions(ctx)
	if err != nil || len(refused) != 1 {
		t.Fatalf("told %+v %v", refused, err)
	}
	key, data := refused[0].Msg("Анна Смирнова")
	if r := refused[0]; r.Kind != storage.ActionClose || r.DialogID != chatOn101 || r.Client.ID != 5001 || r.Reason != MsgValidation ||
		key != MsgCloseRefused || data["Client"] != "Анна Смирнова" {
		t.Fatalf("told %+v: %s %v", r, key, data)
	}
	if again, err := olga.RefusedChatActions(ctx); err != nil || len(again) != 0 {
		t.Fatalf("told twice: %+v %v", again, err)
	}
	ivan, err := desk.app.SignIn(ctx, o.ivan.Staff().ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if other, err := ivan.RefusedChatActions(ctx); err != nil || len(other) != 0 {
		t.Fatalf("someone else is told: %+v %v", other, err)
	}
}

// A PC that joined the office without the token works with the office's
// account: its status is connected, its doctor reads the office's quota
// instead of failing on the keyring, and what needs Chat2Desk says where
// the token is, without calling it.
func TestOfficePCWithoutTheTokenUsesTheOfficeAccount(t *testing.T) {
	o := officeOf(t)
	desk := joinPC(t, o, false)
	st, err := desk.app.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Connected || st.TokenHere || st.Connection.Company != c2dfake.DemoCompany || st.Channels == 0 || st.Operators == 0 {
		t.Fatalf("status on the PC without the token: %+v", st)
	}
	var keyringLine, quotaLine Check
	for _, c := range desk.app.Doctor(ctx) {
		switch c.Name {
		case "keyring":
			keyringLine = c
		case "quota":
			quotaLine = c
		}
	}
	if !keyringLine.OK || !strings.Contains(keyringLine.Detail, "no token on this computer") {
		t.Errorf("doctor's keyring line: %+v", keyringLine)
	}
	if !quotaLine.OK || !strings.Contains(quotaLine.Detail, "API requests used this month by the office") {
		t.Errorf("doctor's quota line: %+v", quotaLine)
	}
	olga, err := desk.app.SignIn(ctx, o.admin.Staff().ID, "1234")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := olga.Sync(ctx); Explain(err) != MsgTokenElsewhere {
		t.Errorf("loading channels on the PC without the token: %v", err)
	}
	if desk.net.calls.Load() != 0 {
		t.Fatalf("the PC without the token called Chat2Desk %d times", desk.net.calls.Load())
	}
}

// The quick replies reach a PC without the token through the office
// database: the poller stores them, and the PC never calls Chat2Desk.
func TestOfficeQuickRepliesReachPCsWithoutTheToken(t *testing.T) {
	o := officeOf(t)
	if err := o.app.StepDown(ctx); err != nil { // the admin's PC loaded the history
		t.Fatal(err)
	}
	poller, desk := joinPC(t, o, true), joinPC(t, o, false)
	if _, err := desk.app.Templates(ctx); Explain(err) != MsgTemplatesNotLoaded {
		t.Fatalf("before the poller loaded them: %v", err)
	}
	startPolling(t, poller)
	var got []Template
	eventually(t, "the quick replies on the PC without the token", func() bool {
		var err error
		got, err = desk.app.Templates(ctx)
		return err == nil
	})
	want, err := o.app.Templates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || !slices.Equal(got, want) {
		t.Fatalf("the PC without the token has %+v, Chat2Desk %+v", got, want)
	}
	if desk.net.calls.Load() != 0 {
		t.Fatalf("the PC without the token called Chat2Desk %d times", desk.net.calls.Load())
	}
}

// A transfer to an operator group made on a PC without the token is
// queued, and the office's poller carries it out.
func TestOfficeTransferToGroupGoesThroughThePoller(t *testing.T) {
	o := officeOf(t)
	if _, _, err := o.admin.LoadOperators(ctx); err != nil {
		t.Fatal(err)
	}
	if err := o.app.StepDown(ctx); err != nil {
		t.Fatal(err)
	}
	poller, desk := joinPC(t, o, true), joinPC(t, o, false)
	olga, err := desk.app.SignIn(ctx, o.admin.Staff().ID, "1234")
	if err != nil {
		t.Fatal(err)
	}
	groups, err := desk.app.OperatorGroups(ctx)
	if err != nil || len(groups) != 2 {
		t.Fatalf("%+v %v", groups, err)
	}
	if err := olga.TransferToGroup(ctx, chatOn101, groups[0].ID); err != nil { // Аренда: 8, then 10 (disabled)
		t.Fatal(err)
	}
	if pending, err := desk.store.PendingActions(ctx); err != nil || len(pending) != 1 || pending[0].Kind != storage.ActionTransferGroup {
		t.Fatalf("queued: %+v %v", pending, err)
	}
	startPolling(t, poller)
	eventually(t, "the chat with operator 8 on every PC", func() bool {
		d, err := desk.store.DialogByID(ctx, chatOn101)
		fd, ok := o.fake.Dialog(chatOn101)
		return err == nil && d.OperatorID == 8 && ok && fd.OperatorID == 8
	})
	if desk.net.calls.Load() != 0 {
		t.Fatalf("the PC without the token called Chat2Desk %d times", desk.net.calls.Load())
	}
}

// On a PC without the token the card's changes show at once and reach
// Chat2Desk through the office's poller; the card is read through it too.
func TestOfficeClientCardGoesThroughThePoller(t *testing.T) {
	o := officeOf(t)
	if _, err := o.admin.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := o.app.StepDown(ctx); err != nil {
		t.Fatal(err)
	}
	poller, desk := joinPC(t, o, true), joinPC(t, o, false)
	olga, err := desk.app.SignIn(ctx, o.admin.Staff().ID, "1234")
	if err != nil {
		t.Fatal(err)
	}
	card, err := olga.RefreshClientCard(ctx, chatOn101)
	if err != nil {
		t.Fatal(err)
	}
	budget, _ := fieldValue(card, "Бюджет, ₽")
	if err := olga.SetClientComment(ctx, chatOn101, "Только вечером"); err != nil {
		t.Fatal(err)
	}
	if err := olga.SetClientField(ctx, chatOn101, budget.ID, "7000000"); err != nil {
		t.Fatal(err)
	}
	if err := olga.AddClientTag(ctx, chatOn101, 45); err != nil {
		t.Fatal(err)
	}
	if err := olga.RemoveClientTag(ctx, chatOn101, 44); err != nil {
		t.Fatal(err)
	}
	shown, err := olga.ClientCard(ctx, chatOn101)
	if err != nil || shown.Comment != "Только вечером" || tagLabels(shown.Tags) != "Интерес/Ипотека, Интерес/Покупка, Статус/Горячий" {
		t.Fatalf("the change does not show at once: %+v %v", shown, err)
	}
	startPolling(t, poller)
	eventually(t, "the card's changes in Chat2Desk", func() bool {
		c, _ := o.fake.Client(5001)
		return c.Comment == "Только вечером" && c.FieldValues()["1"] == "7000000" &&
			tagLabels(tagsFromAPI(c.Tags)) == "Интерес/Ипотека, Интерес/Покупка, Статус/Горячий"
	})
	// A change made in Chat2Desk reaches the card when it is opened.
	o.fake.TagClient(5001, 44)
	if _, err := olga.RefreshClientCard(ctx, chatOn101); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the office's card as Chat2Desk has it", func() bool {
		c, err := desk.app.Console().ClientCard(ctx, chatOn101)
		return err == nil && c.Comment == "Только вечером" && c.Values[budget.ID] == "7000000"
	})
	eventually(t, "the card read again through the poller", func() bool {
		c, err := olga.ClientCard(ctx, chatOn101)
		return err == nil && strings.Contains(tagLabels(c.Tags), "VIP")
	})
	if desk.net.calls.Load() != 0 {
		t.Fatalf("the PC without the token called Chat2Desk %d times", desk.net.calls.Load())
	}
}

// A transfer and a close made in Chat2Desk's own app reach every PC of an
// office within seconds: the office server receives the webhook, and the
// PCs without the token read the change from the shared database.
func TestOfficeSeesChangesMadeInChat2DesksOwnApp(t *testing.T) {
	o := officeOf(t)
	t.Cleanup(o.fake.Close)
	server, deskA, deskB := joinPC(t, o, true), joinPC(t, o, false), joinPC(t, o, false)
	var stream *Stream
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { stream.ServeHTTP(w, r) }))
	t.Cleanup(hs.Close)
	var err error
	if stream, err = server.app.NewStream(ctx, hs.URL); err != nil {
		t.Fatal(err)
	}
	startPolling(t, server, deskA, deskB)
	eventually(t, "the server polls", server.app.Polls)
	if err := stream.Register(ctx); err != nil {
		t.Fatal(err)
	}
	olga, err := deskA.app.SignIn(ctx, o.admin.Staff().ID, "1234")
	if err != nil {
		t.Fatal(err)
	}
	ivan, err := deskB.app.SignIn(ctx, o.ivan.Staff().ID, "")
	if err != nil {
		t.Fatal(err)
	}
	o.fake.TransferInApp(chatOn101, 9)
	o.fake.CloseInApp(chatOn101)
	for _, s := range []*Session{olga, ivan} {
		eventually(t, s.Staff().Name+" sees both changes", func() bool {
			c, err := s.Conversation(ctx, chatOn101, 0, 50)
			return err == nil && len(c.Events) == 2 && c.Events[0].Kind == EventTransferred && c.Events[0].OperatorID == 9 &&
				c.Events[1].Kind == EventClosed && c.Dialog.State == "closed"
		})
	}
	if deskA.net.calls.Load()+deskB.net.calls.Load() != 0 {
		t.Fatal("a PC without the token called Chat2Desk")
	}
}
