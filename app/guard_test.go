package app

import (
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"c2desk/storage"

	"golang.org/x/crypto/bcrypt"
)

// Office PCs that joined with an invitation: they connect as the office
// PCs' role (password authentication, pgtest's scram-sha-256), and the
// office database signs people in and limits what they read and write.

type guardedOffice struct {
	chatOffice
	pcAddress string // the office's address for the PCs' role
	pcRole    storage.Credential
}

// securedOffice is officeOf with the guard's roles made by the owner, a
// PIN for everyone (Ivan had none), and the poller still the owner's PC.
func securedOffice(t *testing.T) guardedOffice {
	t.Helper()
	o := officeOf(t)
	made, err := o.store.SecureOffice(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ivan := o.ivan.Staff()
	h, _ := bcrypt.GenerateFromPassword([]byte("5555"), bcrypt.MinCost)
	ivan.PINHash = string(h)
	if err := o.store.UpdateStaff(ctx, ivan); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(o.store.Path())
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(made[storage.RolePC].Role)
	return guardedOffice{chatOffice: o, pcAddress: u.String(), pcRole: made[storage.RolePC]}
}

// ownerInvites is the first invitation, the owner's (office create's).
func (o guardedOffice) ownerInvites(t *testing.T, name string) string {
	t.Helper()
	secret, err := o.store.InviteComputer(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return invitation{Database: o.pcAddress, Password: o.pcRole.Password, Invitation: secret}.code()
}

// joinWith joins a new PC with an invitation's code, as c2desk office join
// and the first screen's Join an office do.
func (o guardedOffice) joinWith(t *testing.T, code string) (*App, error) {
	t.Helper()
	secrets := &Memory{}
	store, err := JoinOffice(ctx, secrets, code)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { store.Close() })
	return New(store, secrets, Config{APIURL: o.srv.URL + "/v1", RequestsPerSecond: -1,
		HTTPClient: &http.Client{Timeout: 2 * time.Second}, Logger: slog.New(slog.DiscardHandler),
		PINHashCost: bcrypt.MinCost, DataDir: t.TempDir(), LocalServers: []string{"127.0.0.1"}, LinksStayLocal: true}), nil
}

func staffID(t *testing.T, a *App, name string) int64 {
	t.Helper()
	st, err := a.StaffNamed(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return st.ID
}

func TestJoinedPCSignsInThroughTheOfficeDatabase(t *testing.T) {
	o := securedOffice(t)
	pc, err := o.joinWith(t, o.ownerInvites(t, "Ресепшн"))
	if err != nil {
		t.Fatal(err)
	}
	if !pc.store.Guarded() {
		t.Fatal("a joined PC connects as the office PCs' role")
	}
	if first, err := pc.NeedsFirstAdmin(ctx); first || err != nil {
		t.Fatalf("a joined PC never starts an office of its own: %v %v", first, err)
	}
	list, err := pc.StaffList(ctx)
	if err != nil || len(list) != 3 {
		t.Fatalf("who is working: %+v %v", list, err)
	}
	for _, st := range list {
		if !st.HasPIN || st.PINHash != "" {
			t.Fatalf("the list says who has a PIN, never the hash: %+v", st)
		}
	}
	ivan := staffID(t, pc, "Ivan Petrov")
	// Nobody signed in: the PC reads nothing.
	if chats, err := pc.store.Chats(ctx, storage.Viewer{StaffID: ivan}, storage.ChatFilter{}); err != nil || len(chats) != 0 {
		t.Fatalf("before sign-in the PC read %d chats (%v)", len(chats), err)
	}
	if _, err := pc.SignIn(ctx, ivan, "0000"); err != ErrWrongPIN {
		t.Fatalf("a wrong PIN: %v", err)
	}
	pc.SignIn(ctx, ivan, "0001")
	_, err = pc.SignIn(ctx, ivan, "0002")
	wantProblem(t, err, MsgPINWait)
	// The pause is the server's: another PC meets it too.
	other, err := o.joinWith(t, o.ownerInvites(t, "Переговорная"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = other.SignIn(ctx, ivan, "5555")
	wantProblem(t, err, MsgPINWait)

	marina, err := pc.SignIn(ctx, staffID(t, pc, "Марина"), "0000")
	if err != nil {
		t.Fatal(err)
	}
	if pc.LastStaffID(ctx) != marina.Staff().ID {
		t.Fatal("the office remembers who signed in last on this computer")
	}
	seen := chatIDs(t, marina, storage.ChatFilter{})
	if !seen[chatOn101] || !seen[chatOn102] || seen[chatOn103] {
		t.Fatalf("Марина sees %v", seen)
	}
	if _, err := marina.Conversation(ctx, chatOn103, 0, 50); err == nil {
		t.Fatal("a chat of the administrators' channel opened for an agent")
	}
	if err := marina.SaveDraft(ctx, chatOn102, "Черновик"); err != nil {
		t.Fatal(err)
	}
	if err := marina.MarkRead(ctx, chatOn102); err != nil {
		t.Fatal(err)
	}
	// Her reply waits for the office's poller, under her own operator.
	it, err := marina.Queue(ctx, chatOn102, "Да, квартира свободна", KindReply)
	if err != nil {
		t.Fatal(err)
	}
	if it.Author != marina.Staff().ID || it.OperatorID != 9 {
		t.Fatalf("queued as %+v", it)
	}
	startPolling(t, officePC{app: o.app}) // the owner's PC, which holds the token
	eventually(t, "the poller sent it", func() bool {
		got, _ := o.store.OutboxItemByID(ctx, it.ID)
		return got.State == storage.OutboxSent
	})
	if n := len(o.fake.MessagesWithText("Да, квартира свободна")); n != 1 {
		t.Fatalf("Chat2Desk has it %d times", n)
	}
	// An agent's command-line session is hers only; without --as, none.
	if _, err := pc.CommandSession(ctx, "", nil); err == nil {
		t.Fatal("a joined PC's command line acted for nobody")
	}
	if err := marina.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	if chats, _ := pc.store.Chats(ctx, storage.Viewer{StaffID: marina.Staff().ID}, storage.ChatFilter{}); len(chats) != 0 {
		t.Fatal("signed out, the PC still reads her chats")
	}
}

func TestAdministratorInvitesAndRemovesComputers(t *testing.T) {
	o := securedOffice(t)
	pc, err := o.joinWith(t, o.ownerInvites(t, "Кабинет"))
	if err != nil {
		t.Fatal(err)
	}
	olga, err := pc.SignIn(ctx, staffID(t, pc, "Ольга Смирнова"), "1234")
	if err != nil {
		t.Fatal(err)
	}
	code, err := olga.Invite(ctx, "Ресепшн", false)
	if err != nil || !strings.HasPrefix(code, invitationPrefix) {
		t.Fatalf("invitation: %q %v", code, err)
	}
	reception, err := o.joinWith(t, "  "+code[:20]+"\n"+code[20:]+"\n")
	if err != nil {
		t.Fatalf("a code broken over two lines: %v", err)
	}
	_, err = o.joinWith(t, code)
	wantProblem(t, err, MsgInvitationInvalid)
	_, err = o.joinWith(t, "c2desk-invite:abc")
	wantProblem(t, err, MsgInvitationFormat)

	// An agent cannot invite, list or remove computers.
	marina, err := reception.SignIn(ctx, staffID(t, reception, "Марина"), "0000")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := marina.Invite(ctx, "Чужой", false); err != ErrNotAllowed {
		t.Fatalf("an agent invited: %v", err)
	}
	// The poller's credential is given only by a computer that keeps it.
	_, err = olga.Invite(ctx, "Сервер", true)
	wantProblem(t, err, MsgNoPollerHere)
	if reception.CanPoll() {
		t.Fatal("a joined computer without the poller's credential would poll")
	}
	// New staff in an office need a PIN: the database checks it.
	_, err = olga.AddStaff(ctx, StaffInput{Name: "Павел", Role: storage.RoleAgent})
	wantProblem(t, err, MsgPINRequired)
	pavel, err := olga.AddStaff(ctx, StaffInput{Name: "Павел", Role: storage.RoleAgent, PIN: pin("7777")})
	if err != nil || !pavel.HasPIN {
		t.Fatalf("added: %+v %v", pavel, err)
	}
	if _, err := reception.SignIn(ctx, pavel.ID, "7777"); err != nil {
		t.Fatalf("the new person signs in on another PC: %v", err)
	}
	// The live strip says who works where: each computer's newest
	// session (Marina's at the reception gave way to Pavel's).
	now, err := olga.Now(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var working []string
	for _, w := range now.Working {
		working = append(working, w.Computer+": "+w.Staff)
	}
	if !slices.Equal(working, []string{"Кабинет: Ольга Смирнова", "Ресепшн: Павел"}) {
		t.Fatalf("working: %q", working)
	}
	if _, err := marina.Now(ctx, time.Now()); err != ErrNotAllowed {
		t.Fatalf("an agent read the live strip: %v", err)
	}

	computers, err := olga.Computers(ctx)
	if err != nil || len(computers) != 2 {
		t.Fatalf("computers: %+v %v", computers, err)
	}
	var receptionID int64
	for _, c := range computers {
		if c.Name != "Кабинет" {
			receptionID = c.ID
			if c.LastStaff != "Павел" || c.JoinedAt.IsZero() || c.LastUsed.IsZero() {
				t.Fatalf("the reception as listed: %+v", c)
			}
		}
	}
	if err := olga.RemoveComputer(ctx, receptionID); err != nil {
		t.Fatal(err)
	}
	_, err = reception.SignIn(ctx, pavel.ID, "7777")
	wantProblem(t, err, MsgComputerRemoved)
	if chats, _ := reception.store.Chats(ctx, storage.Viewer{StaffID: pavel.ID}, storage.ChatFilter{}); len(chats) != 0 {
		t.Fatal("a removed computer's session still reads")
	}
}

// A day's work on a joined PC, as the window does it: each use case goes
// through the office database's rights, and what the poller must do
// (tell Chat2Desk, send) is queued for it.
func TestJoinedPCDoesAPersonsWork(t *testing.T) {
	o := securedOffice(t)
	pc, err := o.joinWith(t, o.ownerInvites(t, "Ресепшн"))
	if err != nil {
		t.Fatal(err)
	}
	marina, err := pc.SignIn(ctx, staffID(t, pc, "Марина"), "0000")
	if err != nil {
		t.Fatal(err)
	}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	st, err := pc.Status(ctx)
	must("status", err)
	if !st.Connected || st.TokenHere || st.Channels == 0 {
		t.Fatalf("status: %+v", st)
	}
	_, err = pc.StaffNames(ctx)
	must("staff names", err)
	_, err = pc.OperatorNames(ctx)
	must("operator names", err)
	_, err = pc.OfficeState(ctx)
	must("office state", err)
	_, err = pc.RemindAfter(ctx)
	must("remind after", err)
	_, err = marina.MyReach(ctx)
	must("reach", err)
	_, err = marina.UnreadChats(ctx)
	must("unread", err)
	_, err = marina.Overdue(ctx, time.Now())
	must("overdue", err)
	conv, err := marina.Conversation(ctx, chatOn102, 0, 50)
	must("conversation", err)
	_, err = marina.Queue(ctx, chatOn102, "Заметка для себя", KindNote)
	must("note", err)
	it, err := marina.Queue(ctx, chatOn102, "Передумала", KindReply)
	must("reply", err)
	must("discard", marina.Discard(ctx, it.ID))
	card, err := marina.ClientCard(ctx, chatOn102)
	must("card", err)
	must("comment", marina.SetClientComment(ctx, chatOn102, "Звонить после 18"))
	if len(card.Fields) > 0 {
		must("field", marina.SetClientField(ctx, chatOn102, card.Fields[0].ID, "1"))
	}
	if len(card.AllTags) > 0 {
		must("tag", marina.AddClientTag(ctx, chatOn102, card.AllTags[0].ID))
	}
	must("assign", marina.Assign(ctx, chatOn102, marina.Staff().ID))
	if len(conv.Messages) > 0 {
		must("no reply needed", marina.NoReplyNeeded(ctx, chatOn102, conv.Messages[len(conv.Messages)-1].ID))
	}
	must("close", marina.SetOpen(ctx, chatOn102, false))
	_, err = marina.RefusedChatActions(ctx)
	must("refused actions", err)
	// The administrator's setup, through the database's rights.
	olga, err := pc.SignIn(ctx, staffID(t, pc, "Ольга Смирнова"), "1234")
	must("admin sign-in", err)
	must("rule", olga.SetChannelRule(ctx, storage.ChannelRule{ChannelID: 103, Visibility: storage.VisibleToEveryone}))
	m, err := olga.Mapping(ctx)
	must("mapping", err)
	must("save mapping", olga.SaveMapping(ctx, m.Mapping))
	must("remind after", olga.SetRemindAfter(ctx, 20*time.Minute))
	// The storage's secret key is kept where files are uploaded: not here.
	err = olga.SetFileStorage(ctx, FileStorage{Endpoint: "storage.yandexcloud.net", Bucket: "c2desk", KeyID: "k", LinkDays: 7}, "s")
	wantProblem(t, err, MsgStorageWherePolls)
	_, err = olga.ExportConfig(ctx)
	must("export", err)
	_, err = olga.UpdateStaff(ctx, marina.Staff().ID, StaffInput{Name: "Марина Орлова", Role: storage.RoleAgent})
	must("rename", err)
}

// The poller checks each item again as it sends: rules changed since it
// was written stop it, with a sentence, and nothing reaches Chat2Desk.
func TestPollerChecksAnItemAgainBeforeSending(t *testing.T) {
	o := officeOf(t)
	queue := func(text string) storage.OutboxItem {
		t.Helper()
		it, err := o.marina.Queue(ctx, chatOn102, text, KindReply)
		if err != nil {
			t.Fatal(err)
		}
		return it
	}
	refused := func(it storage.OutboxItem, why string) {
		t.Helper()
		got, err := o.app.Deliver(ctx, it.ID)
		wantProblem(t, err, MsgMayNoLongerSend)
		if got.State != storage.OutboxFailed || len(o.fake.MessagesWithText(it.Text)) != 0 {
			t.Fatalf("%s: %+v, Chat2Desk has it %d times", why, got, len(o.fake.MessagesWithText(it.Text)))
		}
	}
	// Her operator given to another: she would speak as them.
	under9 := queue("Под оператором 9")
	m, err := o.admin.Mapping(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m.Mapping.Owners = map[int64]int64{7: o.admin.Staff().ID}
	if err := o.admin.SaveMapping(ctx, m.Mapping); err != nil {
		t.Fatal(err)
	}
	refused(under9, "operator changed")
	// Sent again, it goes under the operator she has now (the default).
	if got, err := o.marina.Retry(ctx, under9.ID); err != nil || got.State != storage.OutboxSent || got.OperatorID != 8 {
		t.Fatalf("retried: %+v %v", got, err)
	}
	// The chat's channel closed to her.
	hidden := queue("Канал закрыт")
	if err := o.admin.SetChannelRule(ctx, storage.ChannelRule{ChannelID: 102, Visibility: storage.VisibleToAdmins}); err != nil {
		t.Fatal(err)
	}
	refused(hidden, "chat hidden")
	if err := o.admin.SetChannelRule(ctx, storage.ChannelRule{ChannelID: 102, Visibility: storage.VisibleToEveryone}); err != nil {
		t.Fatal(err)
	}
	// Deactivated.
	gone := queue("Уже не работает")
	if err := o.admin.SetStaffActive(ctx, o.marina.Staff().ID, false); err != nil {
		t.Fatal(err)
	}
	refused(gone, "author deactivated")
}

// The PC that created the office: it works in it as a joined computer,
// and polls and sends through the poller's role with the token it keeps.
func TestCreatorsPCPollsThroughThePollerRole(t *testing.T) {
	o := officeOf(t)
	if err := o.app.StepDown(ctx); err != nil {
		t.Fatal(err)
	}
	secrets := &Memory{}
	acc, err := o.app.account(ctx)
	if err != nil {
		t.Fatal(err)
	}
	secrets.Set(acc, "demo-token-c2desk")
	secrets.Set(officePasswordAccount(o.store.Path()), "the owner's")
	store, err := SecureOffice(ctx, secrets, o.store)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := secrets.Get(officePasswordAccount(o.store.Path())); err != ErrNoToken {
		t.Fatal("the owner's password stays on the PC that created the office")
	}
	pollStore, err := OpenPoller(ctx, secrets, store.Path())
	if err != nil || pollStore == nil {
		t.Fatalf("the poller's credential: %v", err)
	}
	t.Cleanup(func() { pollStore.Close() })
	cfg := Config{APIURL: o.srv.URL + "/v1", RequestsPerSecond: -1, HTTPClient: &http.Client{Timeout: 2 * time.Second},
		Logger: slog.New(slog.DiscardHandler), PINHashCost: bcrypt.MinCost, DataDir: t.TempDir(), LocalServers: []string{"127.0.0.1"}, LinksStayLocal: true}
	pc := New(store, secrets, cfg)
	pc.UsePoller(New(pollStore, secrets, cfg))
	startPolling(t, officePC{app: pc})
	eventually(t, "the poller's role polls", func() bool { st, _ := pc.OfficeState(ctx); return st.Polls })

	marina, err := pc.SignIn(ctx, staffID(t, pc, "Марина"), "0000")
	if err != nil {
		t.Fatal(err)
	}
	it, err := marina.Queue(ctx, chatOn102, "Отправлено ролью поллера", KindReply)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := pc.Deliver(ctx, it.ID); err != nil || got.State != storage.OutboxSent {
		t.Fatalf("sent at once by this PC's poller: %+v %v", got, err)
	}
	msgs, err := marina.Conversation(ctx, chatOn102, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	last := msgs.Messages[len(msgs.Messages)-1]
	if last.Text != "Отправлено ролью поллера" || last.Author != marina.Staff().ID || last.OperatorID != 9 {
		t.Fatalf("stored as %+v", last)
	}
	// Writing first: Chat2Desk's new client is kept by the poller's role,
	// the message queued as hers and sent, the new chat assigned to her.
	first, err := marina.StartChat(ctx, NewChat{Phone: "+7 905 111-22-33", ChannelID: 101, Transport: "whatsapp", Text: "Здравствуйте! Вы оставляли заявку."})
	if err != nil || first.State != storage.OutboxSent || first.Author != marina.Staff().ID {
		t.Fatalf("write first: %+v %v", first, err)
	}
	if mine := chatIDs(t, marina, storage.ChatFilter{Mine: true}); !mine[first.DialogID] {
		t.Fatalf("the new chat is not hers: %v", mine)
	}
	// An administrator's use of the token goes through the poller's role.
	if _, err := marina.Sync(ctx); err != ErrNotAllowed {
		t.Fatalf("an agent synced: %v", err)
	}
	olga, err := pc.SignIn(ctx, staffID(t, pc, "Ольга Смирнова"), "1234")
	if err != nil {
		t.Fatal(err)
	}
	if res, err := olga.Sync(ctx); err != nil || res.Channels.Total() != 3 {
		t.Fatalf("sync: %+v %v", res, err)
	}
	// The office's server joins with the poller's credential, from here.
	code, err := olga.Invite(ctx, "Сервер", true)
	if err != nil {
		t.Fatal(err)
	}
	serverKeyring := &Memory{}
	serverStore, err := JoinOffice(ctx, serverKeyring, code)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { serverStore.Close() })
	serverPoller, err := OpenPoller(ctx, serverKeyring, store.Path())
	if err != nil || serverPoller == nil {
		t.Fatalf("the server's poller: %v", err)
	}
	t.Cleanup(func() { serverPoller.Close() })
	server := New(serverStore, serverKeyring, cfg)
	server.UsePoller(New(serverPoller, serverKeyring, cfg))
	// The file storage set up here; its secret kept on the server too,
	// which uploads when it polls.
	s3 := newS3(t)
	if err := olga.SetFileStorage(ctx, s3.storage(), "secret-key"); err != nil {
		t.Fatal(err)
	}
	onServer, err := server.SignIn(ctx, staffID(t, server, "Ольга Смирнова"), "1234")
	if err != nil {
		t.Fatal(err)
	}
	if server.FileStorageSecretHere(ctx) {
		t.Fatal("the server has the secret before it was given")
	}
	wantProblem(t, onServer.KeepFileStorageSecret(ctx, " "), MsgStorageKeys)
	if err := onServer.KeepFileStorageSecret(ctx, "secret-key"); err != nil || !server.FileStorageSecretHere(ctx) {
		t.Fatalf("the server keeps the secret: %v", err)
	}
	// A chat action is queued and carried out by the poller.
	if err := olga.SetOpen(ctx, chatOn103, false); err != nil {
		t.Fatal(err)
	}
	eventually(t, "Chat2Desk closed the chat", func() bool {
		d, ok := o.fake.Dialog(chatOn103)
		return ok && d.State == "closed"
	})
}
