package app

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"c2desk/c2dapi"
	"c2desk/c2dapi/c2dfake"
	"c2desk/storage"
)

// The app against a Chat2Desk that answers as revision 2 of c2d-api.md
// says it does today.

// The first sync asks for its window only: a message older than it is not
// even sent by a server that filters by the DD-MM-YYYY date it is given.
func TestFirstSyncRequestsOnlyItsWindow(t *testing.T) {
	e := newEnv(t)
	now := time.Now().UTC()
	old, _ := e.fake.ClientWrote(5001, "Квартира из весенней рассылки ещё есть?", now.Add(-90*24*time.Hour))
	admin, err := e.app.CreateFirstAdmin(ctx, "Ольга", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Connect(ctx, c2dfake.DemoToken); err != nil {
		t.Fatal(err)
	}
	res, err := e.app.Poll(ctx, nil)
	if err != nil || !res.History || res.Stored == 0 {
		t.Fatalf("%+v %v", res, err)
	}
	windowStart, _ := time.Parse(c2dapi.DateLayout, c2dapi.FormatDate(now.Add(-DefaultHistoryDays*24*time.Hour)))
	if sent := e.fake.OldestMessageSent(); sent.Before(windowStart) {
		t.Fatalf("Chat2Desk was asked for messages from %v, before the window's first day %v", sent, windowStart)
	}
	if msgs, _ := e.store.DialogMessages(ctx, int64(old.DialogID), 0, 1000); containsMessage(msgs, int64(old.ID)) {
		t.Fatal("the 90-day-old message was loaded")
	}
}

func containsMessage(msgs []storage.Message, id int64) bool {
	for _, m := range msgs {
		if m.ID == id {
			return true
		}
	}
	return false
}

// Media sent as objects, coordinates, AI tips: the messages are all there,
// with the links that could be read.
func TestMessagesWithFieldsOfOddKindsAreAllKept(t *testing.T) {
	o := chatsOffice(t) // its first poll read the demo, which has such fields
	var withVideo, total int
	for _, m := range o.fake.Messages() {
		total++
		msgs, err := o.store.DialogMessages(ctx, int64(m.DialogID), int64(m.ID)+1, 1)
		if err != nil || len(msgs) != 1 || msgs[0].ID != int64(m.ID) || msgs[0].Text != string(m.Text) {
			t.Fatalf("message %d (%s) not stored: %+v %v", m.ID, m.Text, msgs, err)
		}
		for _, a := range msgs[0].Attachments {
			if strings.Contains(a.Link, "/video/") {
				withVideo++
			}
		}
	}
	if withVideo == 0 {
		t.Fatal("no video link was read from the video objects")
	}
	// And once more from the start, counting what the poll says it skipped.
	e := newEnv(t)
	admin, _ := e.app.CreateFirstAdmin(ctx, "Ольга", "")
	if _, err := admin.Connect(ctx, c2dfake.DemoToken); err != nil {
		t.Fatal(err)
	}
	res, err := e.app.Poll(ctx, nil)
	if err != nil || res.Skipped != 0 || res.Stored != total {
		t.Fatalf("stored %d of %d, skipped %d: %v", res.Stored, total, res.Skipped, err)
	}
}

// A client list longer than a page of 200 is read whole.
func TestListsLongerThanAPageAreReadWhole(t *testing.T) {
	e := newEnv(t, c2dfake.WithScale(c2dfake.Scale{Clients: 450, Messages: 900, BigDialog: 10}))
	admin, _ := e.app.CreateFirstAdmin(ctx, "Ольга", "")
	if _, err := admin.Connect(ctx, c2dfake.DemoToken); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Poll(ctx, nil); err != nil {
		t.Fatal(err)
	}
	known, err := e.store.KnownClients(ctx, []int64{5001, 5200, 5201, 5401, 5450})
	if err != nil || len(known) != 5 {
		t.Fatalf("clients past the first pages are missing: %v %v", known, err)
	}
}

// Operators as Chat2Desk describes them since 2026: status and access right
// decide; what cannot send is nobody's account.
func TestOperatorsOfThe2026RoleModel(t *testing.T) {
	e, admin, ivan, _ := agency(t)
	ops, err := e.store.Operators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]storage.Operator{}
	for _, o := range ops {
		byID[o.ID] = o
	}
	// Пётр's legacy role still says operator; his status says disabled.
	if o := byID[10]; o.Role != c2dapi.RoleDisabled || OperatorUsable(o) {
		t.Fatalf("disabled operator: %+v", o)
	}
	if o := byID[9]; o.Role != c2dapi.RoleSupervisor || o.RoleName != "Супервайзер" || !OperatorUsable(o) {
		t.Fatalf("supervisor: %+v", o)
	}
	if o := byID[7]; o.Role != c2dapi.RoleAdmin || o.RoleName != "Администратор" {
		t.Fatalf("admin: %+v", o)
	}

	err = admin.SaveMapping(ctx, storage.Mapping{Owners: map[int64]int64{10: ivan.ID}, Default: 8})
	wantProblem(t, err, MsgOwnerNotUsable)
	if got := Explain(err); !strings.Contains(got, "Пётр Кузнецов") || !strings.Contains(got, "Ivan Petrov") {
		t.Fatalf("the sentence does not name them: %s", got)
	}
	wantProblem(t, admin.SaveMapping(ctx, storage.Mapping{Default: 10}), MsgDefaultNotUsable)

	// A mapping made while the operator could send stays savable after
	// Chat2Desk disabled it: its owner sends through the default account.
	if err := admin.SaveMapping(ctx, storage.Mapping{Owners: map[int64]int64{9: ivan.ID}, Default: 8}); err != nil {
		t.Fatal(err)
	}
	e.fake.PutOperator(c2dapi.Operator{ID: 9, FirstName: "Dmitry", LastName: "Ivanov", Status: c2dapi.StatusDeleted})
	if _, _, err := admin.LoadOperators(ctx); err != nil {
		t.Fatal(err)
	}
	if err := admin.SaveMapping(ctx, storage.Mapping{Owners: map[int64]int64{9: ivan.ID}, Default: 7}); err != nil {
		t.Fatalf("re-saving a mapping whose operator was deleted since: %v", err)
	}

	// Importing a file that gives the disabled operator to someone is
	// refused, with the operator's name.
	file, err := admin.ExportConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var f ConfigFile
	json.Unmarshal(file, &f)
	for i := range f.Owners {
		if f.Owners[i].ID == 10 {
			f.Owners[i].Owner = "Ольга Смирнова"
		}
	}
	edited, _ := json.Marshal(f)
	_, err = admin.PlanImport(ctx, edited)
	wantProblem(t, err, MsgOwnerNotUsable)
	if !strings.Contains(Explain(err), "Пётр Кузнецов") {
		t.Fatalf("import refusal does not name the operator: %s", Explain(err))
	}
}

// Closing a chat that is closed in Chat2Desk already, transferring and
// reopening: Chat2Desk answers a bare status, and none of it is a failure.
func TestChatActionsAgainstBareStatusAnswers(t *testing.T) {
	o := chatsOffice(t)
	client, _ := o.app.storedClient(ctx)
	if err := client.Dialogs.Update(ctx, chatOn101, c2dapi.DialogUpdate{State: c2dapi.DialogClosed}); err != nil {
		t.Fatal(err) // closed in Chat2Desk by someone there
	}
	if err := o.ivan.SetOpen(ctx, chatOn101, false); err != nil {
		t.Fatalf("closing a chat closed already: %v", err)
	}
	if d, _ := o.store.DialogByID(ctx, chatOn101); d.State != c2dapi.DialogClosed {
		t.Fatal("not closed here")
	}
	if err := o.ivan.SetOpen(ctx, chatOn101, true); err != nil {
		t.Fatalf("reopen: %v", err)
	}
	if err := o.admin.Assign(ctx, chatOn101, o.marina.Staff().ID); err != nil {
		t.Fatalf("transfer: %v", err)
	}
	if d, _ := o.fake.Dialog(chatOn101); d.OperatorID != 9 || d.State != c2dapi.DialogOpen {
		t.Fatalf("Chat2Desk has %+v", d)
	}
	if d, _ := o.store.DialogByID(ctx, chatOn101); d.OperatorID != 9 || d.Assignee != o.marina.Staff().ID {
		t.Fatalf("stored %+v", d)
	}
}

// Writing first to a number that is a client already opens their chat and
// sends there; a chat the writer may not see is not opened that way.
func TestWriteFirstToAnExistingClient(t *testing.T) {
	o := chatsOffice(t)
	clients := o.fake.ClientCount()
	known, _ := o.store.ClientByID(ctx, 5004) // on channel 101, which ivan sees
	phone := storage.PhoneDigits(known.Phone)
	it, err := o.ivan.StartChat(ctx, NewChat{Phone: phone, ChannelID: 101, Transport: "telegram", Text: "Добрый день! Напоминаю о показе."})
	if err != nil || it.State != storage.OutboxSent {
		t.Fatalf("%+v %v", it, err)
	}
	if it.ClientID != 5004 || it.DialogID != 9004 || o.fake.ClientCount() != clients {
		t.Fatalf("wrote to client %d in dialog %d (%d clients now)", it.ClientID, it.DialogID, o.fake.ClientCount())
	}
	if got := o.fake.MessagesWithText("Добрый день! Напоминаю о показе."); len(got) != 1 || got[0].ClientID != 5004 {
		t.Fatalf("Chat2Desk got %+v", got)
	}

	// Client 5003's chat is on channel 103, for administrators only.
	hidden, _ := o.store.ClientByID(ctx, 5003)
	_, err = o.ivan.StartChat(ctx, NewChat{Phone: storage.PhoneDigits(hidden.Phone), ChannelID: 101, Transport: "telegram", Text: "Здравствуйте"})
	wantProblem(t, err, MsgClientNotYours)
	if got := o.fake.MessagesWithText("Здравствуйте"); len(got) != 0 {
		t.Fatal("a message went to a client whose chat ivan may not see")
	}
	if ok, _ := o.store.MayView(ctx, storage.Viewer{StaffID: o.ivan.Staff().ID}, chatOn103); ok {
		t.Fatal("the hidden chat became visible")
	}
}

// After an unclear answer to a first message, neither the background
// delivery nor pressing Write again sends it twice.
func TestWriteFirstIsNeverSentTwice(t *testing.T) {
	o := chatsOffice(t)
	o.app.cfg.HTTPClient = &http.Client{Timeout: 300 * time.Millisecond}
	o.app.client = nil
	text := "Здравствуйте! Вы оставляли заявку на сайте."
	nc := NewChat{Phone: "+7 905 111-22-33", ChannelID: 101, Transport: "whatsapp", Text: text}
	o.fake.Inject(c2dfake.Fault{PathContains: "/messages", LoseAnswer: true, Times: 1})
	it, err := o.ivan.StartChat(ctx, nc)
	if err == nil || it.State != storage.OutboxUnclear || it.DialogID != 0 {
		t.Fatalf("lost answer: %+v %v", it, err)
	}
	// The user presses Write again.
	again, err := o.ivan.StartChat(ctx, nc)
	if err != nil || again.ID != it.ID || again.State != storage.OutboxSent {
		t.Fatalf("second press: %+v %v", again, err)
	}
	// And the background sender finds nothing left to do.
	if _, err := o.app.DeliverPending(ctx); err != nil {
		t.Fatal(err)
	}
	if got := o.fake.MessagesWithText(text); len(got) != 1 {
		t.Fatalf("the client got the first message %d times", len(got))
	}
	if pending, _ := o.store.Pending(ctx); len(pending) != 0 {
		t.Fatalf("outbox: %+v", pending)
	}
	if d, err := o.store.DialogByID(ctx, again.DialogID); err != nil || d.Assignee != o.ivan.Staff().ID {
		t.Fatalf("the new chat is not ivan's: %+v %v", d, err)
	}
}

// An unclear first message delivered later is found by its client, as it
// has no dialog to be looked for in.
func TestUnclearFirstMessageIsFoundByItsClient(t *testing.T) {
	o := chatsOffice(t)
	o.app.cfg.HTTPClient = &http.Client{Timeout: 300 * time.Millisecond}
	o.app.client = nil
	o.fake.Inject(c2dfake.Fault{PathContains: "/messages", LoseAnswer: true, Times: 1})
	it, _ := o.ivan.StartChat(ctx, NewChat{Phone: "79051112244", ChannelID: 101, Transport: "whatsapp", Text: "Добрый день"})
	if it.State != storage.OutboxUnclear {
		t.Fatalf("%+v", it)
	}
	if _, err := o.app.DeliverPending(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := o.store.OutboxItemByID(ctx, it.ID)
	if got.State != storage.OutboxSent || got.DialogID == 0 || len(o.fake.MessagesWithText("Добрый день")) != 1 {
		t.Fatalf("%+v, %d in Chat2Desk", got, len(o.fake.MessagesWithText("Добрый день")))
	}
}

// New chat knows before anyone types that the tariff does not allow writing
// first, from api_info; and learns it from a refusal too.
func TestWriteFirstOptionIsKnownBeforeWriting(t *testing.T) {
	o := chatsOffice(t)
	if w, err := o.app.WriteFirst(ctx); err != nil || w != storage.WriteFirstAllowed {
		t.Fatalf("%q %v", w, err)
	}
	o.fake.SetWriteFirst(false)
	if w, err := o.app.CheckWriteFirst(ctx); err != nil || w != storage.WriteFirstRefused {
		t.Fatalf("%q %v", w, err)
	}
	if w, _ := o.app.WriteFirst(ctx); w != storage.WriteFirstRefused {
		t.Fatalf("not kept: %q", w)
	}
	o.fake.SetWriteFirst(true)
	o.app.CheckWriteFirst(ctx)
	// Chat2Desk refusing a write-first is remembered as well.
	o.fake.SetWriteFirst(false)
	_, err := o.ivan.StartChat(ctx, NewChat{Phone: "79051112255", ChannelID: 101, Transport: "whatsapp", Text: "Здравствуйте"})
	wantProblem(t, err, MsgWriteFirstOff)
	if w, _ := o.app.WriteFirst(ctx); w != storage.WriteFirstRefused {
		t.Fatalf("the refusal was not remembered: %q", w)
	}
}

// Site-chat clients: a hash in Chat2Desk's phone field is no number.
func TestSiteChatClientsHaveNoHashForAPhone(t *testing.T) {
	o := chatsOffice(t)
	var withNumber, without int
	for id := int64(5001); id < 5061; id++ {
		c, err := o.store.ClientByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(c.Phone, "[chat]") {
			t.Fatalf("client %d: phone %q", id, c.Phone)
		}
		d, _ := o.store.DialogByID(ctx, 9001+id-5001)
		if d.Transport != "widget" {
			continue
		}
		if c.Phone == "" {
			without++
			continue
		}
		withNumber++
		// The number they gave finds them; the hash's digits find nothing.
		chats, _ := o.admin.Chats(ctx, storage.ChatFilter{Search: storage.PhoneDigits(c.Phone)})
		if len(chats) != 1 || chats[0].ClientID != id {
			t.Fatalf("client %d not found by %s: %+v", id, c.Phone, chats)
		}
	}
	if withNumber == 0 || without == 0 {
		t.Fatalf("site-chat clients with a number %d, without %d", withNumber, without)
	}
	for _, c := range o.fake.Clients() {
		hash := string(c.Phone)
		if !strings.HasPrefix(hash, "[chat]") {
			continue
		}
		if chats, _ := o.admin.Chats(ctx, storage.ChatFilter{Search: storage.PhoneDigits(hash)}); len(chats) != 0 {
			t.Fatalf("the digits of the hash %q found chats %+v", hash, chats)
		}
	}
}

// Reading a chat marks its newest client message read in Chat2Desk, not
// our own answer after it; with nothing unread Chat2Desk is not asked.
func TestMarkReadMarksTheClientsMessage(t *testing.T) {
	o := chatsOffice(t)
	in, _ := o.fake.ClientWrites(5001, "Можно в субботу?")
	if _, err := o.app.Poll(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// Someone answers in Chat2Desk itself before this person reads.
	client, _ := o.app.storedClient(ctx)
	reply, err := client.Messages.Send(ctx, c2dapi.OutgoingMessage{ClientID: 5001, Text: "Да, в 12:00", OperatorID: 8})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.app.Poll(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := o.ivan.MarkRead(ctx, chatOn101); err != nil {
		t.Fatal(err)
	}
	if o.fake.RequestsTo("GET /messages/"+strconv.FormatInt(int64(in.ID), 10)+"/read") != 1 ||
		o.fake.RequestsTo("GET /messages/"+strconv.FormatInt(int64(reply.MessageID), 10)+"/read") != 0 {
		t.Fatal("marked the wrong message read")
	}
	before := o.fake.RequestsThisMonth()
	if err := o.ivan.MarkRead(ctx, chatOn101); err != nil {
		t.Fatal(err)
	}
	if o.fake.RequestsThisMonth() != before {
		t.Fatal("a chat with nothing unread cost a request")
	}
}

// A first message Chat2Desk refused is the one sent when Write is pressed
// again: it does not stay behind, unseen, beside its second try.
func TestRefusedFirstMessageIsSentOnTheSecondTry(t *testing.T) {
	o := chatsOffice(t)
	o.fake.Inject(c2dfake.Fault{PathContains: "/messages", Status: http.StatusBadRequest, Times: 1,
		Body: `{"status":"error","errors":{"text":["can't be blank"]}}`})
	nc := NewChat{Phone: "79051113344", ChannelID: 101, Transport: "whatsapp", Text: "Добрый вечер"}
	it, err := o.ivan.StartChat(ctx, nc)
	if err == nil || it.State != storage.OutboxFailed {
		t.Fatalf("%+v %v", it, err)
	}
	again, err := o.ivan.StartChat(ctx, nc)
	if err != nil || again.ID != it.ID || again.State != storage.OutboxSent {
		t.Fatalf("%+v %v", again, err)
	}
	if pending, _ := o.store.Pending(ctx); len(pending) != 0 {
		t.Fatalf("left in the outbox: %+v", pending)
	}
	if n := len(o.fake.MessagesWithText("Добрый вечер")); n != 1 {
		t.Fatalf("sent %d times", n)
	}
}
