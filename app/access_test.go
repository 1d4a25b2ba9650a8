package app

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"c2desk/c2dapi"
	"c2desk/storage"
)

// Access, as properties: for random staff, roles, deactivations, channel
// rules, assignments and closed chats, every way an agent reads chats (the
// list in each scope and page by page, search, a conversation, notices, the
// unread count) and every action on a chat agrees with the rule written out
// here in Go, independently of the SQL that enforces it:
//
//	an active person sees a chat when they are an admin, the chat is
//	assigned to them, or its channel is open to everyone or lists them.

type accessWorld struct {
	staff    map[int64]storage.Staff
	rules    map[int64]storage.ChannelRule
	dialogs  map[int64]storage.Dialog
	messages []storage.Message
}

func (w accessWorld) mayView(staffID, dialogID int64) bool {
	st, d := w.staff[staffID], w.dialogs[dialogID]
	if !st.Active {
		return false
	}
	if st.Role == storage.RoleAdmin || d.Assignee == staffID {
		return true
	}
	r := w.rules[d.ChannelID]
	return r.Visibility == storage.VisibleToEveryone || (r.Visibility == storage.VisibleToListed && slices.Contains(r.Staff, staffID))
}

func (w accessWorld) visible(staffID int64, keep func(storage.Dialog) bool) []int64 {
	var out []int64
	for id, d := range w.dialogs {
		if w.mayView(staffID, id) && (keep == nil || keep(d)) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

func sortedIDs(chats []storage.Chat) []int64 {
	out := make([]int64, 0, len(chats))
	for _, c := range chats {
		out = append(out, c.ID)
	}
	slices.Sort(out)
	return out
}

// shuffleWorld gives the office random roles, deactivations, rules,
// assignments and closed chats, and returns them as the model sees them.
func shuffleWorld(t *testing.T, o chatOffice, rng *rand.Rand, people []int64) accessWorld {
	t.Helper()
	w := accessWorld{staff: map[int64]storage.Staff{}, rules: map[int64]storage.ChannelRule{}, dialogs: map[int64]storage.Dialog{}}
	// Everyone active while the rules are set (a rule lists only active
	// people); the deactivations come after, as they do in an office.
	for _, id := range people {
		if err := o.admin.SetStaffActive(ctx, id, true); err != nil {
			t.Fatal(err)
		}
	}
	for _, ch := range []int64{101, 102, 103} {
		r := storage.ChannelRule{ChannelID: ch}
		switch rng.IntN(3) {
		case 0:
			r.Visibility = storage.VisibleToEveryone
		case 1:
			r.Visibility = storage.VisibleToAdmins
		default:
			r.Visibility = storage.VisibleToListed
			for _, id := range people {
				if rng.IntN(3) == 0 {
					r.Staff = append(r.Staff, id)
				}
			}
			if len(r.Staff) == 0 {
				r.Staff = []int64{people[rng.IntN(len(people))]}
			}
		}
		if err := o.admin.SetChannelRule(ctx, r); err != nil {
			t.Fatal(err)
		}
		w.rules[ch] = r
	}
	for _, id := range people {
		if id == o.admin.Staff().ID {
			continue // the one admin who always stays, so changes can be made
		}
		st, err := o.store.StaffByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		role := storage.RoleAgent
		if rng.IntN(5) == 0 {
			role = storage.RoleAdmin
		}
		if _, err := o.admin.UpdateStaff(ctx, id, StaffInput{Name: st.Name, Role: role}); err != nil {
			t.Fatal(err)
		}
		if err := o.admin.SetStaffActive(ctx, id, rng.IntN(6) != 0); err != nil {
			t.Fatal(err)
		}
	}
	all, err := o.admin.Chats(ctx, storage.ChatFilter{Limit: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		assignee := int64(0)
		if rng.IntN(3) == 0 {
			assignee = people[rng.IntN(len(people))] // inactive ones too
		}
		if err := o.store.SetAssignee(ctx, c.ID, assignee); err != nil {
			t.Fatal(err)
		}
		state := c2dapi.DialogOpen
		if rng.IntN(4) == 0 {
			state = c2dapi.DialogClosed
		}
		if err := o.store.SetDialogState(ctx, c.ID, state, c.OperatorID); err != nil {
			t.Fatal(err)
		}
		d, err := o.store.DialogByID(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		w.dialogs[c.ID] = d
		conv, err := o.admin.Conversation(ctx, c.ID, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		w.messages = append(w.messages, conv.Messages...)
	}
	for _, id := range people {
		st, err := o.store.StaffByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		w.staff[id] = st
	}
	return w
}

// searchTerms are what people type: part of a client's name, a word from a
// message, a word's first letters, digits of a phone.
func searchTerms(rng *rand.Rand, w accessWorld, chats []storage.Chat) []string {
	var terms []string
	c := chats[rng.IntN(len(chats))]
	if name := []rune(c.ClientName); len(name) > 3 {
		terms = append(terms, string(name[1:4]))
	}
	if digits := strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, c.ClientPhone); len(digits) > 4 {
		terms = append(terms, digits[len(digits)-4:])
	}
	for len(terms) < 5 {
		m := w.messages[rng.IntN(len(w.messages))]
		words := strings.FieldsFunc(m.Text, func(r rune) bool { return !unicode.IsLetter(r) })
		if len(words) == 0 {
			continue
		}
		word := []rune(words[rng.IntN(len(words))])
		if len(word) > 5 && rng.IntN(2) == 0 {
			word = word[:3]
		}
		terms = append(terms, string(word))
	}
	return terms
}

func TestAccessProperties(t *testing.T) {
	o := chatsOffice(t)
	people := []int64{o.admin.Staff().ID, o.ivan.Staff().ID, o.marina.Staff().ID}
	sessions := []*Session{o.admin, o.ivan, o.marina}
	for i := range 5 {
		st, err := o.admin.AddStaff(ctx, StaffInput{Name: fmt.Sprintf("Агент %d", i+1), Role: storage.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		s, err := o.app.SignIn(ctx, st.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		people, sessions = append(people, st.ID), append(sessions, s)
	}
	rng := rand.New(rand.NewPCG(2026, 11))
	for round := range 25 {
		w := shuffleWorld(t, o, rng, people)
		allChats, _ := o.admin.Chats(ctx, storage.ChatFilter{Limit: 10_000})
		terms := searchTerms(rng, w, allChats)
		for _, s := range sessions {
			checkAccess(t, round, s, w, allChats, terms)
		}
	}
}

func checkAccess(t *testing.T, round int, s *Session, w accessWorld, allChats []storage.Chat, terms []string) {
	t.Helper()
	me := s.Staff().ID
	fail := func(format string, args ...any) {
		t.Helper()
		st := w.staff[me]
		t.Fatalf("round %d, %s (%s, active %v): %s", round, st.Name, st.Role, st.Active, fmt.Sprintf(format, args...))
	}
	list := func(f storage.ChatFilter) []storage.Chat {
		t.Helper()
		chats, err := s.Chats(ctx, f)
		if err != nil {
			fail("chats %+v: %v", f, err)
		}
		return chats
	}
	// The list in each scope.
	scopes := map[string]struct {
		f    storage.ChatFilter
		keep func(storage.Dialog) bool
	}{
		"all":  {storage.ChatFilter{Limit: 10_000}, nil},
		"mine": {storage.ChatFilter{Limit: 10_000, Mine: true}, func(d storage.Dialog) bool { return d.Assignee == me }},
		"open": {storage.ChatFilter{Limit: 10_000, OpenOnly: true}, func(d storage.Dialog) bool { return d.State == c2dapi.DialogOpen }},
	}
	for name, sc := range scopes {
		if got, want := sortedIDs(list(sc.f)), w.visible(me, sc.keep); !slices.Equal(got, want) {
			fail("%s chats %v, the rule says %v", name, got, want)
		}
	}
	// Page by page: the same chats, none twice.
	var paged []int64
	for offset := 0; ; offset += 7 {
		page := list(storage.ChatFilter{Limit: 7, Offset: offset})
		if len(page) == 0 {
			break
		}
		paged = append(paged, sortedIDs(page)...)
	}
	slices.Sort(paged)
	if want := w.visible(me, nil); !slices.Equal(paged, want) {
		fail("paged chats %v, the rule says %v", paged, want)
	}
	// Search, also paged: only visible chats, none twice, and every visible
	// chat whose client's name holds the term.
	for _, term := range terms {
		seen := map[int64]bool{}
		for offset := 0; ; offset += 5 {
			page := list(storage.ChatFilter{Limit: 5, Offset: offset, Search: term})
			if len(page) == 0 {
				break
			}
			for _, c := range page {
				if !w.mayView(me, c.ID) {
					fail("search %q found chat %d", term, c.ID)
				}
				if seen[c.ID] {
					fail("search %q listed chat %d twice", term, c.ID)
				}
				seen[c.ID] = true
			}
		}
		for _, c := range allChats {
			if w.mayView(me, c.ID) && strings.Contains(strings.ToLower(c.ClientName), strings.ToLower(term)) && !seen[c.ID] {
				fail("search %q missed chat %d (%s)", term, c.ID, c.ClientName)
			}
		}
	}
	// Each chat: opening it, and every action on it, only when visible.
	unread := 0
	for _, c := range allChats {
		may := w.mayView(me, c.ID)
		if may && c.Unread > 0 {
			unread++
		}
		conv, err := s.Conversation(ctx, c.ID, 0, 50)
		if may != (err == nil) {
			fail("conversation %d: %v, the rule says %v", c.ID, err, may)
		}
		for _, m := range conv.Messages {
			if m.DialogID != c.ID {
				fail("conversation %d holds message %d of chat %d", c.ID, m.ID, m.DialogID)
			}
		}
		if may {
			continue
		}
		refused := map[string]error{
			"mark read": s.MarkRead(ctx, c.ID),
			"draft":     s.SaveDraft(ctx, c.ID, "x"),
			"assign":    s.Assign(ctx, c.ID, me),
			"close":     s.SetOpen(ctx, c.ID, false),
		}
		_, refused["queue"] = s.Queue(ctx, c.ID, "x", KindReply)
		_, refused["read draft"] = s.Draft(ctx, c.ID)
		for action, err := range refused {
			if !isRefusal(err) {
				fail("%s on chat %d: %v", action, c.ID, err)
			}
		}
	}
	if n, err := s.UnreadChats(ctx); err != nil || n != unread {
		fail("unread chats %d (%v), the rule says %d", n, err, unread)
	}
	// Notices: a client message in any chat is news only to those who see it.
	notes, err := s.Notices(ctx, w.messages)
	if err != nil {
		fail("notices: %v", err)
	}
	for _, n := range notes {
		if !w.mayView(me, n.DialogID) {
			fail("a notice for chat %d", n.DialogID)
		}
	}
}

func isRefusal(err error) bool {
	var p *Problem
	return errors.As(err, &p) && (p.Msg == MsgNotYourChat || p.Msg == MsgNotAllowed)
}

// agentMethods are the Session methods meant for everyone; every other one
// is an admin action.
var agentMethods = []string{
	"AddClientTag", "App", "Assign", "Chats", "ClientCard", "Conversation", "Current", "Discard", "Draft", "IsAdmin", "MarkRead", "MyReach", "NoReplyNeeded", "Notices", "Overdue",
	"Queue", "QueueFiles", "QueueOutgoing", "RefreshChat", "RefreshClientCard", "RefusedChatActions", "RemoveClientTag", "Retry", "SaveDraft", "Send", "SendFiles", "SendingAs", "SetClientComment", "SetClientField", "SetOpen", "SignOut", "Staff", "StartChat", "TemplateFields", "TransferToGroup",
	"UnreadChats", "WritableChannels",
}

// Every admin action refuses an agent, a demoted admin and a deactivated
// one, whatever the arguments, before it touches them: called here with
// zero values, found by reflection so that a new method cannot be missed.
func TestEveryAdminActionRefusesOthers(t *testing.T) {
	e, admin, ivan, marina := agency(t)
	agent, err := e.app.SignIn(ctx, ivan.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	second, err := admin.AddStaff(ctx, StaffInput{Name: "Второй админ", Role: storage.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	demoted, err := e.app.SignIn(ctx, second.ID, "")
	if err != nil || !demoted.IsAdmin() {
		t.Fatal(err)
	}
	if _, err := admin.UpdateStaff(ctx, second.ID, StaffInput{Name: second.Name, Role: storage.RoleAgent}); err != nil {
		t.Fatal(err)
	}
	third, _ := admin.AddStaff(ctx, StaffInput{Name: "Третий админ", Role: storage.RoleAdmin})
	deactivated, err := e.app.SignIn(ctx, third.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.SetStaffActive(ctx, third.ID, false); err != nil {
		t.Fatal(err)
	}
	before := dbSnapshot(t, e)
	typ := reflect.TypeOf(agent)
	admins := 0
	for i := range typ.NumMethod() {
		m := typ.Method(i)
		if slices.Contains(agentMethods, m.Name) {
			continue
		}
		admins++
		for who, s := range map[string]*Session{"agent": agent, "demoted admin": demoted, "deactivated admin": deactivated} {
			args := []reflect.Value{reflect.ValueOf(s)}
			for j := 1; j < m.Type.NumIn(); j++ {
				in := m.Type.In(j)
				if in == reflect.TypeFor[context.Context]() {
					args = append(args, reflect.ValueOf(ctx))
				} else {
					args = append(args, reflect.Zero(in))
				}
			}
			out := m.Func.Call(args)
			last := out[len(out)-1]
			err, _ := last.Interface().(error)
			if !errors.Is(err, ErrNotAllowed) {
				t.Errorf("%s reached %s: %v", who, m.Name, err)
			}
		}
	}
	if admins < 15 {
		t.Fatalf("only %d admin actions found", admins)
	}
	if diff := snapshotDiff(before, dbSnapshot(t, e)); len(diff) > 0 {
		t.Fatalf("refused actions changed %v", diff)
	}
	_ = marina
}
