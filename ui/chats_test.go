package ui

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"c2desk/app"
	"c2desk/c2dapi"
	"c2desk/c2dapi/c2dfake"
	"c2desk/storage"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// office sets up Ольга (admin, operator 7) and Ivan (agent, no operator
// of his own), the default account 8, channel 101 open to everyone, and
// preselects whoever is named.
func office(t *testing.T, preselect string) func(*app.App) {
	return func(core *app.App) {
		ctx := context.Background()
		olga, err := core.CreateFirstAdmin(ctx, "Ольга Смирнова", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := olga.Connect(ctx, c2dfake.DemoToken); err != nil {
			t.Fatal(err)
		}
		if _, err := olga.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		ivan, err := olga.AddStaff(ctx, app.StaffInput{Name: "Ivan Petrov", Role: storage.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		if err := olga.SaveMapping(ctx, storage.Mapping{Owners: map[int64]int64{7: olga.Staff().ID}, Default: 8}); err != nil {
			t.Fatal(err)
		}
		if err := olga.SetChannelRule(ctx, storage.ChannelRule{ChannelID: 101, Visibility: storage.VisibleToEveryone}); err != nil {
			t.Fatal(err)
		}
		if preselect == "Ivan Petrov" {
			if _, err := core.SignIn(ctx, ivan.ID, ""); err != nil { // remembered for the sign-in screen
				t.Fatal(err)
			}
		}
	}
}

// openChat waits for the chat list and opens the chat with this dialog id.
func (h *harness) openChat(dialogID int64) {
	h.t.Helper()
	h.eventually("the chat list", func() bool { return h.ui.chats != nil && len(h.ui.chats.chats) > 0 })
	h.eventually("the chat "+strconv.FormatInt(dialogID, 10), func() bool {
		for i, c := range h.ui.chats.chats {
			if c.ID == dialogID {
				h.ui.chats.list.Select(i)
				return true
			}
		}
		h.ui.chats.loadMore()
		return false
	})
	h.eventually("the conversation", func() bool { return h.ui.chats.conv.list.count > 0 })
}

func (h *harness) composer() *composerEntry { return h.ui.chats.conv.compose.field }

func pressEnter(e *composerEntry, shift bool) {
	if shift {
		e.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	}
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if shift {
		e.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	}
}

func TestTypeEnterSendsAndShowsTheAuthor(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.signIn()
	h.openChat(9001)
	c := h.composer()
	test.Type(c, "Добрый день!")
	pressEnter(c, true)
	test.Type(c, "Показ в субботу в 12:00.")
	if !strings.Contains(c.Text, "\n") || len(h.fake.MessagesWithText("Добрый день!")) != 0 {
		t.Fatalf("Shift+Enter should start a new line, not send: %q", c.Text)
	}
	pressEnter(c, false)
	if c.Text != "" {
		t.Fatalf("the composer keeps %q after sending", c.Text)
	}
	text := "Добрый день!\nПоказ в субботу в 12:00."
	h.eventually("the sent message with its author", func() bool {
		return h.shows(text) && h.shows("Ольга Смирнова · ") && len(h.fake.MessagesWithText(text)) == 1
	})
	if m := h.fake.MessagesWithText(text)[0]; m.OperatorID != 7 || m.Type != c2dapi.TypeToClient {
		t.Fatalf("sent as %+v", m)
	}
	h.capture("chat-admin")
}

func TestAgentSendsThroughTheDefaultAccountAndSeesOnlyHisChats(t *testing.T) {
	h := start(t, false, office(t, "Ivan Petrov"))
	h.signIn()
	h.openChat(9004)
	for _, c := range h.ui.chats.chats {
		if c.ChannelID != 101 {
			t.Fatalf("Ivan sees chat %d of channel %d", c.ID, c.ChannelID)
		}
	}
	test.Type(h.composer(), "Здравствуйте!")
	pressEnter(h.composer(), false)
	h.eventually("the message through the default account", func() bool {
		return h.shows("Ivan Petrov via the default account") && len(h.fake.MessagesWithText("Здравствуйте!")) == 1
	})
	if m := h.fake.MessagesWithText("Здравствуйте!")[0]; m.OperatorID != 8 {
		t.Fatalf("sent under operator %d", m.OperatorID)
	}

	// An internal note is marked as one.
	h.ui.chats.conv.compose.note.SetChecked(true)
	test.Type(h.composer(), "Перезвонить после обеда")
	pressEnter(h.composer(), false)
	h.eventually("the note", func() bool {
		return h.shows("Перезвонить после обеда") && h.shows("Internal note") && len(h.fake.MessagesWithText("Перезвонить после обеда")) == 1
	})
	if m := h.fake.MessagesWithText("Перезвонить после обеда")[0]; m.Type != c2dapi.TypeComment {
		t.Fatalf("the note went out as %q", m.Type)
	}
	h.capture("chat-agent")
}

func TestRefusedMessageStaysInTheComposer(t *testing.T) {
	h := start(t, false, office(t, "Ivan Petrov"))
	// The default account was disabled in Chat2Desk since.
	h.fake.PutOperator(c2dapi.Operator{ID: 8, FirstName: "Офис", LastName: "Общий", Status: c2dapi.StatusDisabled})
	if _, err := h.core.Console().Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.signIn()
	h.openChat(9001)
	test.Type(h.composer(), "Не потеряется")
	pressEnter(h.composer(), false)
	h.eventually("the reason", func() bool { return h.shows(app.MsgNoOperator) })
	if h.composer().Text != "Не потеряется" {
		t.Fatalf("the composer holds %q", h.composer().Text)
	}
	if len(h.fake.MessagesWithText("Не потеряется")) != 0 {
		t.Fatal("sent without an operator")
	}
}

func TestNewClientMessageArrivesAndCountsUnread(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.signIn()
	h.openChat(9001)
	h.fake.ClientWrites(5004, "Можно посмотреть квартиру сегодня?")
	h.ui.poller.Wake()
	h.eventually("the new message in the list", func() bool {
		return len(h.ui.chats.chats) > 0 && h.ui.chats.chats[0].ID == 9004 && h.ui.chats.chats[0].Unread > 0
	})
	h.eventually("the unread count in the title", func() bool { return strings.HasPrefix(h.win.Title(), "(") })
	h.openChat(9004)
	h.eventually("the chat read", func() bool { return h.ui.chats.chats[0].Unread == 0 })
	if !h.shows("Можно посмотреть квартиру сегодня?") {
		t.Fatalf("the conversation shows %q", h.texts())
	}
}

func TestDraftSurvivesSwitchingChats(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.signIn()
	h.openChat(9001)
	test.Type(h.composer(), "Черновик ответа")
	h.openChat(9004)
	h.eventually("an empty composer", func() bool { return h.composer().Text == "" })
	h.openChat(9001)
	h.eventually("the draft back", func() bool { return h.composer().Text == "Черновик ответа" })

	// Away from the chat for longer than the draft takes to be saved:
	// leaving it must not have saved an empty draft over it.
	h.openChat(9004)
	h.eventually("an empty composer", func() bool { return h.composer().Text == "" })
	time.Sleep(2 * draftSaveDelay)
	h.eventually("the queue drained", func() bool { return true })
	if d, err := h.ui.session.Draft(context.Background(), 9001); err != nil || d != "Черновик ответа" {
		t.Fatalf("after a while in another chat the draft is %q (%v)", d, err)
	}
	h.openChat(9001)
	h.eventually("the draft back again", func() bool { return h.composer().Text == "Черновик ответа" })
}

func TestNewChatWritesFirstAndOpensTheChat(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.signIn()
	h.eventually("the chat list", func() bool { return h.ui.chats != nil && len(h.ui.chats.chats) > 0 })
	test.Tap(h.button("New chat"))
	h.eventually("the new chat form", func() bool { return h.lastButton("Write") != nil })
	var entries []*widget.Entry
	var selects []*widget.Select
	for _, o := range h.objects() {
		switch w := o.(type) {
		case *widget.Entry:
			entries = append(entries, w)
		case *escEntry:
			entries = append(entries, &w.Entry)
		case *widget.Select:
			selects = append(selects, w)
		case *escSelect:
			selects = append(selects, &w.Select)
		}
	}
	// The form's fields come last: phone, then the message.
	phone, text := entries[len(entries)-2], entries[len(entries)-1]
	channel, messenger := selects[len(selects)-2], selects[len(selects)-1]
	test.Type(phone, "+7 (905) 111-22-33")
	channel.SetSelected("Новостройки")
	if messenger.Selected == "" {
		t.Fatal("choosing a channel should offer its messengers")
	}
	messenger.SetSelected("WhatsApp")
	h.fake.SetWriteFirst(false)
	test.Type(text, "Здравствуйте! Вы оставляли заявку.")
	test.Tap(h.lastButton("Write"))
	h.eventually("the tariff sentence", func() bool { return h.shows(app.MsgWriteFirstOff) })
	if text.Text != "Здравствуйте! Вы оставляли заявку." {
		t.Fatal("the typed message was lost")
	}
	h.fake.SetWriteFirst(true)
	test.Tap(h.lastButton("Write"))
	h.eventually("the new chat open", func() bool {
		return h.ui.chats.conv.chat.ClientPhone == "79051112233" && h.shows("Здравствуйте! Вы оставляли заявку.")
	})
	if got := h.fake.MessagesWithText("Здравствуйте! Вы оставляли заявку."); len(got) != 1 || got[0].OperatorID != 7 {
		t.Fatalf("Chat2Desk got %+v", got)
	}
	// Its title is the number as people write it.
	if h.ui.chats.conv.title.Text != "+79051112233" {
		t.Fatalf("the new chat's title: %q", h.ui.chats.conv.title.Text)
	}
}

func TestCloseAndReopenFromTheHeader(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.signIn()
	h.openChat(9001)
	test.Tap(h.button("Close chat"))
	h.eventually("the chat closed", func() bool { return h.button("Reopen") != nil })
	if d, _ := h.fake.Dialog(9001); d.State != c2dapi.DialogClosed {
		t.Fatal("not closed in Chat2Desk")
	}
	// The reopen's own request: the poller may read the dialog meanwhile.
	h.fake.Inject(c2dfake.Fault{PathContains: "/dialogs/9001", Method: http.MethodPut, Status: c2dfake.FaultServer.Status, Body: c2dfake.FaultServer.Body, Times: 1})
	test.Tap(h.button("Reopen"))
	h.eventually("the failure sentence", func() bool { return h.shows(app.MsgServer) })
	test.Tap(h.button("Reopen"))
	h.eventually("the chat open again", func() bool { return h.button("Close chat") != nil })
}

func TestNotificationsSkipTheOpenChatAndHiddenChannels(t *testing.T) {
	h := start(t, false, office(t, "Ivan Petrov"))
	h.signIn()
	h.openChat(9001)
	h.fake.ClientWrites(5001, "В открытом чате") // the chat being read
	h.fake.ClientWrites(5003, "Канал Аренда")    // channel 103: not Ivan's
	h.fake.ClientWrites(5004, "Можно сегодня?")
	h.ui.poller.Wake()
	h.eventually("a notification", func() bool { return len(h.notes) > 0 })
	h.eventually("the chat list updated", func() bool { return h.ui.chats.chats[0].ID == 9004 })
	if len(h.notes) != 1 || h.notes[0].Content != "Можно сегодня?" || h.notes[0].Title == "" {
		t.Fatalf("notifications: %+v", h.notes)
	}
	// With the window in the background, the open chat notifies too.
	h.ui.setFocused(false)
	h.fake.ClientWrites(5001, "Вы здесь?")
	h.ui.poller.Wake()
	h.eventually("the second notification", func() bool { return len(h.notes) == 2 })
	if h.notes[1].Content != "Вы здесь?" {
		t.Fatalf("notifications: %+v", h.notes)
	}
}

func TestHistoryLoadShowsProgressAndTheListFills(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.fake.Inject(c2dfake.Fault{PathContains: "/messages", Delay: 400 * time.Millisecond, Times: 1})
	h.signIn()
	h.eventually("the history bar", func() bool { return h.ui.chats != nil && h.ui.chats.history.Visible() })
	if !h.shows("Loading the chats of the last 30 days") {
		t.Fatalf("the bar says nothing: %q", h.texts())
	}
	h.eventually("the chats after the history load", func() bool {
		return !h.ui.chats.history.Visible() && len(h.ui.chats.chats) > 0
	})
}

func TestDraftStaysWithItsWriterAcrossSwitchProfile(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.signIn()
	h.openChat(9001)
	olga := h.ui.session
	test.Type(h.composer(), "Черновик Ольги")
	// Switch to Ivan before the draft is saved.
	test.Tap(h.button("Switch profile"))
	h.eventually("the sign-in list", func() bool { return h.shows("Who is working?") })
	ivanID := int64(0)
	staff, _ := h.core.StaffList(context.Background())
	for _, st := range staff {
		if st.Name == "Ivan Petrov" {
			ivanID = st.ID
		}
	}
	ivan, err := h.core.SignIn(context.Background(), ivanID, "")
	if err != nil {
		t.Fatal(err)
	}
	h.ui.signedIn(ivan)
	h.eventually("Olga's draft saved", func() bool {
		d, _ := olga.Draft(context.Background(), 9001)
		return d == "Черновик Ольги"
	})
	if d, _ := ivan.Draft(context.Background(), 9001); d != "" {
		t.Fatalf("Ivan got Olga's draft %q", d)
	}
}

// TestSearchShowsTheMatchingMessage: typing a word lists the chats where a
// message has it, with that message as the preview, not the last one.
func TestSearchShowsTheMatchingMessage(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.fake.ClientWrites(5001, "Нужна дача с баней у озера")
	h.fake.ClientWrites(5001, "Жду ответа")
	h.signIn()
	h.eventually("the chat list", func() bool { return h.ui.chats != nil && len(h.ui.chats.chats) > 0 })
	test.Type(h.ui.chats.search, "БАНЕ")
	h.eventually("one found chat", func() bool { return len(h.ui.chats.chats) == 1 })
	if c := h.ui.chats.chats[0]; c.ID != 9001 || c.LastText != "Жду ответа" {
		t.Fatalf("found %+v", c)
	}
	h.eventually("the matching message as the preview", func() bool { return h.shows("Found: Нужна дача с баней у озера") })
}

// A token revoked in Chat2Desk: the admin is asked for a new one and gets
// it in, an agent is told to ask, and the chats stay throughout.
func TestRevokedTokenAsksForANewOneAndKeepsTheChats(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.signIn()
	h.openChat(9001)
	before := len(h.ui.chats.chats)
	h.fake.RevokeToken(c2dfake.DemoToken)
	h.ui.poller.Wake()
	h.eventually("the refused-token banner", func() bool { return h.shows(app.MsgAuth) })
	button := h.button("Enter a new token…")
	if button == nil || !button.Visible() {
		t.Fatalf("the admin is not offered a new token: %q", h.texts())
	}
	h.capture("token-revoked")
	if len(h.ui.chats.chats) < before {
		t.Fatalf("chats went from %d to %d", before, len(h.ui.chats.chats))
	}
	test.Tap(button)
	h.eventually("the connect screen", func() bool { return h.tokenEntry() != nil })
	h.fake.AddToken("new-token-2026")
	test.Type(h.tokenEntry(), "new-token-2026")
	test.Tap(h.button("Add integration"))
	h.eventually("the chats again", func() bool {
		return h.ui.chats != nil && len(h.ui.chats.chats) >= min(before, 30) && !h.shows(app.MsgAuth)
	})
	h.fake.ClientWrites(5004, "Вы меня слышите?")
	h.ui.poller.Wake()
	h.eventually("a new message with the new token", func() bool {
		return len(h.ui.chats.chats) > 0 && h.ui.chats.chats[0].ID == 9004
	})
}

func TestRevokedTokenTellsAnAgentToAsk(t *testing.T) {
	h := start(t, false, office(t, "Ivan Petrov"))
	h.signIn()
	h.eventually("the chat list", func() bool { return h.ui.chats != nil && len(h.ui.chats.chats) > 0 })
	h.fake.RevokeToken(c2dfake.DemoToken)
	h.ui.poller.Wake()
	h.eventually("the ask-an-administrator banner", func() bool { return h.shows("Ask an administrator to enter a new one") })
	if b := h.button("Enter a new token…"); b != nil && b.Visible() {
		t.Fatal("an agent is offered to enter a token")
	}
	h.capture("token-revoked-agent")
}

// An older query's answer that comes back after a newer one's (typing fast
// in search, switching filters) is not shown over it.
func TestStaleChatListAnswersAreNotShown(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.signIn()
	h.eventually("the whole chat list", func() bool { return h.ui.chats != nil && len(h.ui.chats.chats) == 60 })
	tab := h.ui.chats
	release := make(chan struct{})
	var answered atomic.Int32
	source := tab.chatsSource
	tab.chatsSource = func(ctx context.Context, f storage.ChatFilter) ([]storage.Chat, error) {
		if f.Search == "Иван" {
			<-release // the search is slow...
		}
		defer answered.Add(1)
		return source(ctx, f)
	}
	before := tab.queries
	tab.search.SetText("Иван")
	h.eventually("the search asked", func() bool { return tab.queries > before })
	tab.search.SetText("") // ...and the user already cleared it
	h.eventually("the list for no search", func() bool { return answered.Load() >= 1 && !tab.loading })
	close(release)
	h.eventually("the slow search answered", func() bool { return answered.Load() >= 2 })
	h.eventually("its answer handled", func() bool { return len(h.queue) == 0 })
	if len(tab.chats) != 60 || tab.search.Text != "" {
		t.Fatalf("the list shows %d chats for the search %q: a stale answer won", len(tab.chats), tab.search.Text)
	}
}

// New chat says before anyone types that the tariff does not allow writing
// first, with the form off; once Chat2Desk allows it, the form is on again.
func TestNewChatSaysWhenTheTariffDoesNotAllowWritingFirst(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.fake.SetWriteFirst(false)
	if w, err := h.core.CheckWriteFirst(context.Background()); err != nil || w != storage.WriteFirstRefused {
		t.Fatalf("%q %v", w, err)
	}
	h.signIn()
	h.eventually("the chat list", func() bool { return h.ui.chats != nil && len(h.ui.chats.chats) > 0 })
	test.Tap(h.button("New chat"))
	h.eventually("the tariff sentence", func() bool { return h.shows(app.MsgWriteFirstOff) && h.lastButton("Write") != nil })
	if !h.lastButton("Write").Disabled() {
		t.Fatal("Write can be pressed although the tariff does not allow writing first")
	}
	for _, o := range h.objects() {
		if e, ok := o.(*escEntry); ok && !e.Disabled() {
			t.Fatal("the form can be typed in although nothing can be sent")
		}
	}
	h.capture("new-chat-write-first-off")
	test.Tap(h.lastButton("Cancel"))

	h.fake.SetWriteFirst(true) // the agency got the option
	test.Tap(h.button("New chat"))
	h.eventually("the form on again", func() bool {
		b := h.lastButton("Write")
		return b != nil && !b.Disabled() && !h.shows(app.MsgWriteFirstOff)
	})
}

// A site-chat client is shown by the number they gave, or their name; the
// hash Chat2Desk keeps as their "phone" is shown nowhere.
func TestSiteChatClientIsShownWithoutTheHash(t *testing.T) {
	h := start(t, false, office(t, ""))
	var client c2dapi.Customer
	for _, c := range h.fake.Clients() {
		if strings.HasPrefix(string(c.Phone), "[chat]") && c.ClientPhone != "" {
			client = c
			break
		}
	}
	if client.ID == 0 {
		t.Fatal("the demo has no site-chat client with a number")
	}
	h.signIn()
	h.openChat(9001 + int64(client.ID) - 5001)
	h.eventually("the client's number in the header", func() bool { return h.shows(string(client.ClientPhone)) })
	for _, s := range h.texts() {
		if strings.Contains(s, "[chat]") {
			t.Fatalf("the hash is shown: %q", s)
		}
	}
	h.capture("site-chat-client")
}

// Chats whose channel is not loaded yet (right after connecting) say their
// messenger without a stray separator before it.
func TestChatRowWithoutItsChannelYet(t *testing.T) {
	h := start(t, false, connectedAdmin(t, false))
	h.signIn()
	h.eventually("the chats of the first load", func() bool { return h.ui.chats != nil && len(h.ui.chats.chats) > 0 })
	h.eventually("the rows drawn", func() bool { return h.shows("Telegram") })
	for _, s := range h.texts() {
		if strings.HasPrefix(strings.TrimSpace(s), "·") {
			t.Fatalf("a row starts with a separator: %q", s)
		}
	}
}

// selectOffering waits for a shown choice that offers option.
func (h *harness) selectOffering(option string) *widget.Select {
	h.t.Helper()
	var pick *widget.Select
	h.eventually("a choice offering "+option, func() bool {
		for _, s := range h.selects() {
			if slices.Contains(s.Options, option) {
				pick = s
			}
		}
		return pick != nil
	})
	return pick
}

// tapMenuItem taps the item of a shown pop-up menu labelled label, and
// reports whether there was one.
func (h *harness) tapMenuItem(label string) bool {
	for _, o := range h.objects() {
		item, tappable := o.(fyne.Tappable)
		w, isWidget := o.(fyne.Widget)
		if !tappable || !isWidget {
			continue
		}
		for _, c := range test.WidgetRenderer(w).Objects() {
			if t, ok := c.(*canvas.Text); ok && t.Text == label {
				item.Tapped(&fyne.PointEvent{})
				return true
			}
		}
	}
	return false
}

// A quick reply chosen after "/" comes into the composer with the
// client's first name and the sender's name filled in.
func TestQuickReplyFillsItsFields(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.signIn() // Ольга
	h.openChat(9001)
	client := strings.Fields(h.ui.chats.conv.chat.ClientName)
	if len(client) == 0 {
		t.Fatal("the chat's client has no name")
	}
	h.composer().SetText("/hello")
	h.eventually("the quick reply chosen", func() bool { return h.tapMenuItem("/hello — Приветствие") })
	want := "Здравствуйте, " + client[0] + "! Меня зовут Ольга Смирнова, я помогу с подбором квартиры."
	h.eventually("the quick reply filled in", func() bool { return h.composer().Text == want })
	h.capture("quick-reply-filled")
}

// The header names the chat's Chat2Desk operator, and its buttons get the
// width of their labels, set once the chat is known: they used to overlap
// ("Assign…" under "Close chat").
func TestChatHeaderButtonsFit(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.signIn()
	h.openChat(9001)
	v := h.ui.chats.conv
	h.eventually("the header", func() bool { return v.openClose.Text == "Close chat" })
	h.eventually("the chat's operator in the header", func() bool {
		op := h.ui.chats.names.operators[v.chat.OperatorID]
		return op != "" && v.operator.Text == "Chat2Desk operator: "+op
	})
	h.win.Canvas().Refresh(h.win.Content())
	if v.header.Size().Height < v.header.MinSize().Height {
		t.Fatalf("the header has %v of the %v its lines need", v.header.Size().Height, v.header.MinSize().Height)
	}
	if v.openClose.Size().Width < v.openClose.MinSize().Width || v.assign.Position().X+v.assign.Size().Width > v.openClose.Position().X {
		t.Fatalf("Assign… at %v %v, Close chat at %v %v (needs %v)", v.assign.Position(), v.assign.Size(),
			v.openClose.Position(), v.openClose.Size(), v.openClose.MinSize())
	}
}

// The Assign dialog offers Chat2Desk's operator groups after the staff:
// choosing one transfers the chat there, and the header shows the
// operator Chat2Desk gave it.
func TestTransferToAGroupFromTheAssignDialog(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.signIn() // Ольга
	h.openChat(9001)
	test.Tap(h.button("Assign…"))
	group := "Operator group Аренда" // operators 8 (Офис Общий), then 10 (disabled)
	pick := h.selectOffering(group)
	pick.SetSelected(group)
	if !h.shows("Chat2Desk transfers the chat to the group, and one of its operators takes it. In C2Desk the chat is then assigned to nobody.") {
		t.Fatalf("the hint for a group: %q", h.texts())
	}
	h.capture("assign-to-group")
	test.Tap(h.lastButton("Assign"))
	h.eventually("the chat with the group's operator", func() bool {
		d, ok := h.fake.Dialog(9001)
		return ok && d.OperatorID == 8 && h.ui.chats.conv.operator.Text == "Chat2Desk operator: Офис Общий"
	})
}

// In Russian the Assign dialog names the groups and explains the
// transfer in Russian, and the header names the operator so.
func TestTransferToAGroupInRussian(t *testing.T) {
	h := startInRussian(t, office(t, ""))
	h.signInRussian()
	h.openChat(9001)
	h.eventually("the operator in the header", func() bool {
		return h.ui.chats.conv.operator.Text == "Оператор Chat2Desk: Ольга Смирнова"
	})
	test.Tap(h.button("Назначить…"))
	group := "Группа операторов Аренда"
	pick := h.selectOffering(group)
	pick.SetSelected(group)
	if !h.shows("Chat2Desk передаёт чат группе, и его берёт один из её операторов. В C2Desk чат после этого ни за кем не закреплён.") {
		t.Fatalf("the hint for a group: %q", h.texts())
	}
	h.capture("assign-to-group-ru")
}

// A row's time and unread badge get the width of their text: the row was
// laid out for its first, empty text, and the time showed as "1" for
// "11 Nov 16:00".
func TestChatRowShowsTheWholeTime(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.signIn()
	h.openChat(9001)
	rows := 0
	for _, o := range h.objects() {
		if w, ok := o.(*chatRowWidget); ok && w.row.when.Text != "" {
			rows++
			if got, need := w.row.when.Size().Width, w.row.when.MinSize().Width; got < need {
				t.Fatalf("the time %q has %v of the %v it needs", w.row.when.Text, got, need)
			}
			if w.row.badge.Visible() && w.row.badge.Size().Width < w.row.badge.MinSize().Width {
				t.Fatalf("the badge %q has %v of %v", w.row.count.Text, w.row.badge.Size().Width, w.row.badge.MinSize().Width)
			}
		}
	}
	if rows == 0 {
		t.Fatal("no chat rows")
	}
}

// An earlier page that arrives after the reader went to another chat and
// back is dropped: the column it was asked for is gone. It was added to
// whatever column stood then: a column built again (here) got 66
// messages, and an empty one, not yet read again, made the window
// crash (make bench's memory run, three times out of three).
func TestEarlierPageAfterLeavingAndComingBackIsDropped(t *testing.T) {
	h := start(t, false, office(t, ""))
	for i := range pageSize + 10 {
		h.fake.ClientWrites(5001, "Сообщение "+strconv.Itoa(i))
	}
	h.signIn()
	h.openChat(9001)
	v := h.ui.chats.conv
	h.eventually("a full page with earlier messages", func() bool { return v.list.count == pageSize && v.list.older.Visible() })
	var other storage.Chat
	for _, c := range h.ui.chats.chats {
		if c.ID != 9001 {
			other = c
		}
	}
	this := v.chat
	v.list.loadOlder()
	// Its answer is held back while the reader leaves and comes back.
	held := h.holdUntilIdle()
	v.show(other)
	// Until its messages are read, the chat just opened offers nothing
	// earlier: its empty column is scrolled to the top, which asked for
	// the page before the previous chat's oldest message, and that answer
	// found the column empty.
	if v.list.older.Visible() || v.list.oldestID != 0 {
		t.Fatalf("the chat just opened offers the earlier messages of the one before (oldest %d)", v.list.oldestID)
	}
	v.show(this)
	for _, f := range held {
		f()
	}
	h.eventually("the chat shown again", func() bool { return v.chat.ID == 9001 && v.list.count > 0 })
	h.holdUntilIdle()
	if v.list.count != pageSize {
		t.Fatalf("%d messages shown, want the newest %d", v.list.count, pageSize)
	}
}

// holdUntilIdle takes what the window's background work posts, without
// running it, until none is running, and returns it in order.
func (h *harness) holdUntilIdle() []func() {
	h.t.Helper()
	idle := make(chan struct{})
	go func() { h.ui.working.Wait(); close(idle) }()
	var held []func()
	for {
		select {
		case f := <-h.queue:
			held = append(held, f)
		case <-idle:
			for len(h.queue) > 0 {
				held = append(held, <-h.queue)
			}
			return held
		case <-time.After(10 * time.Second):
			h.t.Fatal("the window's background work did not end")
		}
	}
}

// The chat list is as dense as a messenger's: nine chats in 800 pixels
// (it showed five).
func TestChatListIsDense(t *testing.T) {
	test.NewTempApp(t)
	row := newChatRow().MinSize().Height + theme.Padding() // the list's separator
	if n := 800 / row; n < 9 {
		t.Fatalf("a chat row is %v tall: %.1f in 800 px", row, n)
	}
}

// Esc closes the Assign dialog after its drop-down was used (the
// drop-down then has the keyboard), and the header says who the chat is
// assigned to.
func TestAssignDialogEscAndTheAssigneeInTheHeader(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.signIn() // Ольга
	h.openChat(9001)
	v := h.ui.chats.conv
	h.eventually("the header", func() bool { return v.assignee.Text == "Assigned to nobody" })
	test.Tap(h.button("Assign…"))
	pick := h.selectOffering("Ivan Petrov")
	var focused fyne.Focusable
	for _, o := range h.objects() {
		if s, ok := o.(*escSelect); ok && &s.Select == pick {
			focused = s
		}
	}
	h.win.Canvas().Focus(focused)
	pick.SetSelected("Ivan Petrov")
	if h.win.Canvas().Focused() != focused {
		t.Fatal("the drop-down does not have the keyboard")
	}
	h.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if len(h.ui.dialogs) != 0 {
		t.Fatal("Esc from the drop-down left the Assign dialog open")
	}
	test.Tap(h.button("Assign…"))
	h.selectOffering("Ivan Petrov").SetSelected("Ivan Petrov")
	test.Tap(h.lastButton("Assign"))
	h.eventually("the assignee in the header", func() bool { return v.assignee.Text == "Assigned to Ivan Petrov" })
}

// A transfer and a close made in Chat2Desk's own app show as lines in the
// conversation once the chat is opened (it is read again then): in
// English in the dark theme, in Russian in the light one on a small
// screen.
func TestChangesMadeInChat2DeskShowAsLines(t *testing.T) { inBothLooks(t, changesShownIn) }

// inBothLooks runs a test of a screen in English in the dark theme, then
// in Russian in the light one (what Windows users get) on a small screen,
// one subtest each; light says which.
func inBothLooks(t *testing.T, run func(t *testing.T, light bool)) {
	for _, light := range []bool{false, true} {
		t.Run(map[bool]string{false: "dark, English", true: "light, Russian"}[light], func(t *testing.T) { run(t, light) })
	}
}

// startSignedIn starts the window in a look and signs in.
func startSignedIn(t *testing.T, light bool, prepare func(*app.App)) *harness {
	t.Helper()
	if !light {
		h := start(t, false, prepare)
		h.signIn()
		return h
	}
	h := startInRussian(t, prepare)
	h.ui.fyneApp.Settings().SetTheme(lightTheme{newAppTheme()})
	h.win.Resize(smallScreen)
	h.signInRussian()
	return h
}

func changesShownIn(t *testing.T, light bool) {
	h := startSignedIn(t, light, office(t, ""))
	const id = 9001
	if d, _ := h.fake.Dialog(id); d.State != "open" {
		t.Fatalf("the seeded chat %d is %s", id, d.State)
	}
	h.eventually("the chat list", func() bool { return h.ui.chats != nil && len(h.ui.chats.chats) > 0 })
	stored := h.conversation(id).Dialog
	var to c2dapi.Operator
	for _, o := range h.fake.Operators() {
		if int64(o.ID) != stored.OperatorID && o.Role() != c2dapi.RoleDisabled && o.Role() != c2dapi.RoleDeleted {
			to = o
		}
	}
	h.fake.TransferInApp(id, to.ID)
	h.fake.CloseInApp(id)
	h.openChat(id)
	now := shortTime(time.Now(), time.Now())
	closed := lang.L("Closed in Chat2Desk, {{.Time}}", map[string]any{"Time": now})
	h.eventually("the close's line", func() bool { return h.shows(closed) })
	transferred := false
	for _, s := range h.texts() {
		transferred = transferred || strings.Contains(s, "Chat2Desk") && strings.HasSuffix(s, ", "+now) && s != closed &&
			!strings.Contains(s, lang.L("another operator"))
	}
	if !transferred {
		t.Fatalf("no transfer line naming the operator: %q", h.texts())
	}
	h.eventually("the chat shown closed", func() bool { return h.ui.chats.conv.chat.State == "closed" })
	h.capture(map[bool]string{false: "chat-changed-in-chat2desk", true: "chat-changed-in-chat2desk-ru-light"}[light])
}
