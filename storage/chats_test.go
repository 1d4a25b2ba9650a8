package storage

import (
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// chatFixture: channels 101 (everyone), 102 (listed: agent), 103 (admins);
// one dialog per channel, plus dialog 4 on 103 assigned to the agent.
func chatFixture(t *testing.T) (*Store, int64, int64, int64) {
	t.Helper()
	s := openTemp(t)
	admin, agent := seedAdmin(t, s)
	other, _ := s.CreateStaff(ctx, Staff{Name: "Other", Role: RoleAgent, Active: true})
	s.SyncChannels(ctx, []Channel{{ID: 101, Name: "A"}, {ID: 102, Name: "B"}, {ID: 103, Name: "C"}}, true)
	s.SetChannelRule(ctx, ChannelRule{ChannelID: 101, Visibility: VisibleToEveryone})
	s.SetChannelRule(ctx, ChannelRule{ChannelID: 102, Visibility: VisibleToListed, Staff: []int64{agent}})
	base := time.Unix(1700000000, 0).UTC()
	for i, ch := range []int64{101, 102, 103, 103} {
		id := int64(i + 1)
		s.UpsertClient(ctx, Client{ID: 500 + id, Name: []string{"Иван", "Мария", "John", "Ольга"}[i], Phone: "+7 905 000-00-0" + itoa(i)})
		s.UpsertDialog(ctx, Dialog{ID: id, ClientID: 500 + id, ChannelID: ch, State: "open", Transport: "telegram"})
		s.AddMessages(ctx, nil, []Message{
			{ID: id * 10, DialogID: id, ClientID: 500 + id, ChannelID: ch, Type: "from_client", Text: "квартира " + itoa(i), CreatedAt: base.Add(time.Duration(i) * time.Minute)},
			{ID: id*10 + 1, DialogID: id, ClientID: 500 + id, ChannelID: ch, Type: "to_client", Text: "ответ", Read: true, CreatedAt: base.Add(time.Duration(i)*time.Minute + time.Second)},
		})
	}
	s.SetAssignee(ctx, 4, agent)
	return s, admin, agent, other
}

func dialogIDs(chats []Chat) []int64 {
	var out []int64
	for _, c := range chats {
		out = append(out, c.ID)
	}
	return out
}

func TestChatAccess(t *testing.T) {
	s, admin, agent, other := chatFixture(t)
	cases := []struct {
		name string
		v    Viewer
		f    ChatFilter
		want []int64
	}{
		{"admin sees all, newest first", Viewer{StaffID: admin}, ChatFilter{}, []int64{4, 3, 2, 1}},
		{"agent: everyone + listed + assigned", Viewer{StaffID: agent}, ChatFilter{}, []int64{4, 2, 1}},
		{"other agent: everyone only", Viewer{StaffID: other}, ChatFilter{}, []int64{1}},
		{"mine", Viewer{StaffID: agent}, ChatFilter{Mine: true}, []int64{4}},
		{"search by name", Viewer{StaffID: admin}, ChatFilter{Search: "мари"}, []int64{2}},
		{"search by phone digits", Viewer{StaffID: admin}, ChatFilter{Search: "7905 000 00 02"}, []int64{3}},
		{"search by text", Viewer{StaffID: agent}, ChatFilter{Search: "квартира 2"}, nil}, // dialog 3 is hidden from him
		{"search does not widen access", Viewer{StaffID: other}, ChatFilter{Search: "квартира"}, []int64{1}},
		{"paging", Viewer{StaffID: admin}, ChatFilter{Limit: 2, Offset: 1}, []int64{3, 2}},
		{"chosen chats, within access", Viewer{StaffID: other}, ChatFilter{IDs: []int64{1, 2, 3}}, []int64{1}},
	}
	for _, c := range cases {
		chats, err := s.Chats(ctx, c.v, c.f)
		if err != nil {
			t.Fatal(err)
		}
		if got := dialogIDs(chats); !equalIDs(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	for id, want := range map[int64]bool{1: true, 2: false, 3: false, 4: false} {
		if ok, _ := s.MayView(ctx, Viewer{StaffID: other}, id); ok != want {
			t.Errorf("MayView(other, %d) = %v", id, ok)
		}
	}
	chats, _ := s.Chats(ctx, Viewer{StaffID: admin}, ChatFilter{})
	if c := chats[3]; c.ClientName != "Иван" || c.ChannelName != "A" || c.LastText != "ответ" || c.Unread != 1 {
		t.Fatalf("row %+v", c)
	}
	if newest, err := s.MarkDialogRead(ctx, 1); err != nil || newest == 0 {
		t.Fatalf("newest unread %d, %v", newest, err)
	}
	chats, _ = s.Chats(ctx, Viewer{StaffID: admin}, ChatFilter{})
	if chats[3].Unread != 0 {
		t.Fatal("still unread")
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDialogMessagesPaging(t *testing.T) {
	s, _, _, _ := chatFixture(t)
	var msgs []Message
	for i := int64(0); i < 25; i++ {
		msgs = append(msgs, Message{ID: 1000 + i, DialogID: 1, ClientID: 501, Type: "from_client", Text: "m", CreatedAt: time.Unix(1700001000+i, 0),
			Attachments: []Attachment{{Name: "plan.pdf", Link: "https://x/plan.pdf"}}})
	}
	s.AddMessages(ctx, nil, msgs)
	page, err := s.DialogMessages(ctx, 1, 0, 10)
	if err != nil || len(page) != 10 || page[0].ID != 1015 || page[9].ID != 1024 || page[9].Attachments[0].Name != "plan.pdf" {
		t.Fatalf("%v %v", page, err)
	}
	older, _ := s.DialogMessages(ctx, 1, page[0].ID, 100)
	if len(older) != 17 || older[len(older)-1].ID != 1014 || older[0].ID != 10 {
		t.Fatalf("older: %d", len(older))
	}
}

func TestOutboxLifecycle(t *testing.T) {
	s, _, agent, _ := chatFixture(t)
	id, err := s.Enqueue(ctx, OutboxItem{ClientID: 501, DialogID: 1, Type: "to_client", Text: "Добрый день", Author: agent, OperatorID: 8})
	if err != nil {
		t.Fatal(err)
	}
	s.MarkOutbox(ctx, id, OutboxSending, "")
	s.MarkOutbox(ctx, id, OutboxUnclear, "timeout")
	s.MarkOutbox(ctx, id, OutboxSending, "")
	it, _ := s.OutboxItemByID(ctx, id)
	if it.State != OutboxSending || it.Attempts != 2 || it.Text != "Добрый день" {
		t.Fatalf("%+v", it)
	}
	if p, _ := s.Pending(ctx); len(p) != 1 {
		t.Fatalf("pending %d", len(p))
	}
	if err := s.ConfirmSent(ctx, id, Message{ID: 77, DialogID: 1, ClientID: 501, Type: "to_client", Text: "Добрый день", CreatedAt: time.Now(), OperatorID: 8, Author: agent}); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Pending(ctx); len(p) != 0 {
		t.Fatal("sent item still pending")
	}
	msgs, _ := s.DialogMessages(ctx, 1, 0, 10)
	last := msgs[len(msgs)-1]
	if last.ID != 77 || last.Author != agent {
		t.Fatalf("%+v", last)
	}
	// A later poll of the same message keeps the local author.
	s.AddMessages(ctx, nil, []Message{{ID: 77, DialogID: 1, ClientID: 501, Type: "to_client", Text: "Добрый день", CreatedAt: time.Now(), OperatorID: 8}})
	msgs, _ = s.DialogMessages(ctx, 1, 0, 10)
	if msgs[len(msgs)-1].Author != agent {
		t.Fatal("author lost on re-poll")
	}
	id2, _ := s.Enqueue(ctx, OutboxItem{ClientID: 501, DialogID: 1, Type: "to_client", Text: "x", Author: agent})
	if err := s.Discard(ctx, id2); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.OutboxFor(ctx, 1); len(p) != 0 {
		t.Fatal("discarded item left")
	}
}

func TestDraftsAndCursors(t *testing.T) {
	s, _, agent, _ := chatFixture(t)
	s.SaveDraft(ctx, 1, agent, "черновик")
	if d, _ := s.Draft(ctx, 1, agent); d != "черновик" {
		t.Fatal(d)
	}
	s.SaveDraft(ctx, 1, agent, "  ")
	if d, _ := s.Draft(ctx, 1, agent); d != "" {
		t.Fatal("empty draft kept")
	}
	if v, _ := s.Cursor(ctx, "messages"); v != "" {
		t.Fatal(v)
	}
	s.SetCursor(ctx, "messages", "42")
	if v, _ := s.Cursor(ctx, "messages"); v != "42" {
		t.Fatal(v)
	}
}

// TestSearchFindsWordsByTheirBeginning covers the full-text search: any
// case in any script, "е" for "ё", several words in any order, edits
// re-indexed, and whatever is typed read as words, never as FTS5 syntax.
func TestSearchFindsWordsByTheirBeginning(t *testing.T) {
	s, admin, _, other := chatFixture(t)
	at := time.Unix(1700005000, 0).UTC()
	s.AddMessages(ctx, nil, []Message{
		{ID: 100, DialogID: 1, ClientID: 501, Type: "from_client", Text: "Хочу ИПОТЕКУ на ёлочной улице", CreatedAt: at},
		{ID: 200, DialogID: 2, ClientID: 502, Type: "from_client", Text: "Apartment near the park, 3 rooms? \"quoted\" AND-or", CreatedAt: at},
	})
	cases := []struct {
		search string
		want   []int64
	}{
		{"ипотек", []int64{1}},
		{"Ипотека", nil}, // a word must begin the message's word, not differ from it
		{"ипо", []int64{1}},
		{"ЕЛОЧН", []int64{1}},
		{"ёлочн", []int64{1}},
		{"улиц ипот", []int64{1}},
		{"apart", []int64{2}},
		{"APARTMENT park", []int64{2}},
		{"park apartment rooms", []int64{2}},
		{"partment", nil}, // words match from their beginning
		{`"quoted`, []int64{2}},
		{"AND", []int64{2}},
		{"NEAR(", []int64{2}},
		{"*", nil},
		{"ипотека квартира", nil},
	}
	for _, c := range cases {
		chats, err := s.Chats(ctx, Viewer{StaffID: admin}, ChatFilter{Search: c.search})
		if err != nil {
			t.Fatalf("%q: %v", c.search, err)
		}
		if got := dialogIDs(chats); !equalIDs(got, c.want) {
			t.Errorf("%q: got %v, want %v", c.search, got, c.want)
		}
	}
	first := func(v Viewer, search string) Chat {
		t.Helper()
		chats, err := s.Chats(ctx, v, ChatFilter{Search: search})
		if err != nil || len(chats) == 0 {
			t.Fatalf("%q: %v %v", search, chats, err)
		}
		return chats[0]
	}
	if c := first(Viewer{StaffID: admin}, "ипот"); c.ID != 1 || c.Found != "Хочу ИПОТЕКУ на ёлочной улице" {
		t.Fatalf("found: %+v", c)
	}
	// The newest matching message is shown, not the chat's last one, and
	// chats come in the order of their newest match.
	s.AddMessages(ctx, nil, []Message{
		{ID: 101, DialogID: 1, ClientID: 501, Type: "from_client", Text: "а ипотека под какой процент?", CreatedAt: at.Add(time.Minute)},
		{ID: 102, DialogID: 1, ClientID: 501, Type: "from_client", Text: "жду ответа", CreatedAt: at.Add(2 * time.Minute)},
		{ID: 103, DialogID: 2, ClientID: 502, Type: "to_client", Text: "Про ипотеку расскажу завтра", CreatedAt: at.Add(time.Minute)},
	})
	chats, _ := s.Chats(ctx, Viewer{StaffID: admin}, ChatFilter{Search: "ипот"})
	if len(chats) != 2 || chats[0].ID != 2 || chats[0].Found != "Про ипотеку расскажу завтра" ||
		chats[1].ID != 1 || chats[1].Found != "а ипотека под какой процент?" || chats[1].LastText != "жду ответа" ||
		!chats[1].FoundAt.Equal(at.Add(time.Minute)) || !chats[1].LastAt.Equal(at.Add(2*time.Minute)) {
		t.Fatalf("found: %+v", chats)
	}
	// Name matches come first and show no message.
	s.AddMessages(ctx, nil, []Message{{ID: 104, DialogID: 3, ClientID: 503, Type: "from_client", Text: "John is here", CreatedAt: at.Add(3 * time.Minute)}})
	chats, _ = s.Chats(ctx, Viewer{StaffID: admin}, ChatFilter{Search: "Иван"})
	if len(chats) != 1 || chats[0].ID != 1 || chats[0].Found != "" {
		t.Fatalf("a name match: %+v", chats)
	}
	chats, _ = s.Chats(ctx, Viewer{StaffID: admin}, ChatFilter{Search: "john"})
	if len(chats) != 1 || chats[0].ID != 3 || chats[0].Found != "" {
		t.Fatalf("a name and a message match in one chat: %+v", chats)
	}
	// Paging goes on through the word matches.
	chats, _ = s.Chats(ctx, Viewer{StaffID: admin}, ChatFilter{Search: "ипот", Limit: 1, Offset: 1})
	if len(chats) != 1 || chats[0].ID != 1 {
		t.Fatalf("second page: %+v", chats)
	}
	// Hidden chats stay hidden, also when found by words.
	if chats, _ := s.Chats(ctx, Viewer{StaffID: other}, ChatFilter{Search: "ипот"}); len(chats) != 1 || chats[0].ID != 1 {
		t.Fatalf("other agent: %+v", chats)
	}
	// An edit upstream replaces the words; re-reading an unchanged message
	// keeps them.
	s.AddMessages(ctx, nil, []Message{{ID: 100, DialogID: 1, ClientID: 501, Type: "from_client", Text: "Передумал, снимаю", CreatedAt: at}})
	s.AddMessages(ctx, nil, []Message{{ID: 200, DialogID: 2, ClientID: 502, Type: "from_client", Text: "Apartment near the park, 3 rooms? \"quoted\" AND-or", CreatedAt: at, Read: true}})
	for search, want := range map[string][]int64{"ёлочн": nil, "передум": {1}, "apartment": {2}} {
		chats, _ := s.Chats(ctx, Viewer{StaffID: admin}, ChatFilter{Search: search})
		if got := dialogIDs(chats); !equalIDs(got, want) {
			t.Errorf("after the edit, %q: got %v, want %v", search, got, want)
		}
	}
}

// A common word (more matches than are read at once) is read in pages,
// newest first; a rare one among them is read whole: on both engines
// each way finds the right chats in the right order.
func TestSearchCommonAndRareWords(t *testing.T) {
	s, admin, _, _ := chatFixture(t)
	base := time.Unix(1700100000, 0).UTC()
	var dialogs []Dialog
	var msgs []Message
	for d := int64(1000); d < 1150; d++ {
		s.UpsertClient(ctx, Client{ID: d, Name: "Клиент " + itoa(int(d))})
		dialogs = append(dialogs, Dialog{ID: d, ClientID: d, ChannelID: 101, State: "open", Transport: "telegram"})
	}
	id := int64(10000)
	for i := range fewMatches + 500 {
		d := int64(1000 + i%150)
		text := "Одобрят ли ипотеку? Вопрос " + itoa(i)
		if i == 7 || i == 500 || i == 1999 {
			text = "Квартира на Ботанической, " + itoa(i)
		}
		msgs = append(msgs, Message{ID: id, DialogID: d, ClientID: d, ChannelID: 101, Type: "from_client", Text: text, CreatedAt: base.Add(time.Duration(i) * time.Second)})
		id++
	}
	if err := s.AddMessages(ctx, dialogs, msgs); err != nil {
		t.Fatal(err)
	}
	// On PostgreSQL the newest messages are read first: all of them here,
	// or only 100, so that the older matches are read by the later steps.
	for _, recent := range []int{recentMessages, 100} {
		was := recentMessages
		recentMessages = recent
		chats, err := s.Chats(ctx, Viewer{StaffID: admin}, ChatFilter{Search: "ипот", Limit: 100})
		recentMessages = was
		if err != nil || len(chats) != 100 {
			t.Fatalf("common word (%d newest first): %d chats, %v", recent, len(chats), err)
		}
		// The newest match is the last message written; its chat comes first.
		last := msgs[len(msgs)-1]
		if chats[0].ID != last.DialogID || chats[0].Found != last.Text {
			t.Fatalf("common word (%d newest first), first chat: %+v, want chat %d", recent, chats[0], last.DialogID)
		}
		for i := 1; i < len(chats); i++ {
			if chats[i].FoundAt.After(chats[i-1].FoundAt) {
				t.Fatalf("common word (%d newest first): chat %d found at %v after chat %d at %v", recent, chats[i].ID, chats[i].FoundAt, chats[i-1].ID, chats[i-1].FoundAt)
			}
		}
		recentMessages = recent
		chats, err = s.Chats(ctx, Viewer{StaffID: admin}, ChatFilter{Search: "ботаническ"})
		recentMessages = was
		if got, want := dialogIDs(chats), []int64{1000 + 1999%150, 1000 + 500%150, 1007}; err != nil || !slices.Equal(got, want) {
			t.Fatalf("rare word (%d newest first): %v %v, want %v", recent, got, err, want)
		}
	}
}

// TestSearchIndexesEarlierHistory: a database from before search had its
// indexes gets its clients and messages indexed by the migrations.
func TestSearchIndexesEarlierHistory(t *testing.T) {
	sqliteOnly(t)
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	os.Remove(filepath.Join(dir, FileName))
	db, err := sql.Open(driverName, "file:"+filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	old := newStore(db, sqliteDialect{}, "")
	if err := old.migrateTo(ctx, 3); err != nil {
		t.Fatal(err)
	}
	admin, err := old.CreateStaff(ctx, Staff{Name: "Ольга", Role: RoleAdmin, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO clients (id, name, phone, updated_at) VALUES (501, 'Мария Петрова', '+7 (905) 123-45-67', 0)`,
		`INSERT INTO dialogs (id, client_id, state, last_message_at) VALUES (1, 501, 'open', 1700000000)`,
		`INSERT INTO messages (id, dialog_id, client_id, type, text, created_at) VALUES (10, 1, 501, 'from_client', 'Сколько стоит ремонт?', 1700000000)`,
		// A site-chat client stored before C2Desk knew their "phone" is a hash.
		`INSERT INTO clients (id, name, phone, updated_at) VALUES (502, 'Посетитель', '[chat] 5a1b2c3d4e5f6071', 0)`,
		`INSERT INTO dialogs (id, client_id, state, last_message_at) VALUES (2, 502, 'open', 1700000100)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, search := range []string{"ремонт", "петров", "9051234567"} {
		chats, err := s.Chats(ctx, Viewer{StaffID: admin}, ChatFilter{Search: search})
		if got := dialogIDs(chats); err != nil || !equalIDs(got, []int64{1}) {
			t.Errorf("%q: got %v, %v", search, got, err)
		}
	}
	if c, err := s.ClientByID(ctx, 502); err != nil || c.Phone != "" {
		t.Errorf("site-chat client kept its hash for a phone: %+v %v", c, err)
	}
	if chats, _ := s.Chats(ctx, Viewer{StaffID: admin}, ChatFilter{Search: "5123456071"}); len(chats) != 0 {
		t.Errorf("the hash's digits found a chat: %v", dialogIDs(chats))
	}
}
