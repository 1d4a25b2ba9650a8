package storage

import (
	"errors"
	"net/url"
	"slices"
	"sync"
	"testing"
)

// A PC's store, as C2Desk opens it with the credential a joined computer
// keeps: it reads nothing until a person signs in, then what they may see,
// on every pooled connection; signing out or in as another changes that
// at once.

func (o *guardOffice) openAs(t *testing.T, c Credential) *Store {
	t.Helper()
	u, err := url.Parse(o.address)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(c.Role, c.Password)
	s, err := OpenOfficeAs(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func chatIDs(t *testing.T, s *Store, person int64) []int64 {
	t.Helper()
	return listedIDs(t, s, person, ChatFilter{})
}

// listedIDs are the chats a list or search shows the person, sorted.
func listedIDs(t *testing.T, s *Store, person int64, f ChatFilter) []int64 {
	t.Helper()
	chats, err := s.Chats(ctx, Viewer{StaffID: person}, f)
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, c := range chats {
		out = append(out, c.ID)
	}
	slices.Sort(out)
	return out
}

func TestPCStoreActsForThePersonSignedIn(t *testing.T) {
	o := newGuardOffice(t)
	s := o.openAs(t, o.pc)
	if got := chatIDs(t, s, olga); len(got) != 0 {
		t.Fatalf("nobody signed in, the administrator's list shows %v", got)
	}
	list, err := s.SignInList(ctx, o.computer)
	if err != nil || len(list) != 5 {
		t.Fatalf("sign-in list: %+v %v", list, err)
	}
	for _, c := range list {
		if c.HasPIN != (c.ID != gleb) || c.PINHash != "" {
			t.Errorf("sign-in list: %+v", c)
		}
	}
	if r, err := s.SignInAt(ctx, o.computer, anna, "0000"); err != nil || r.Outcome != WrongPIN {
		t.Fatalf("a wrong PIN: %+v %v", r, err)
	}
	if got := chatIDs(t, s, anna); len(got) != 0 {
		t.Fatalf("after a wrong PIN: %v", got)
	}
	if r, err := s.SignInAt(ctx, o.computer, anna, "2222"); err != nil || r.Outcome != SignedIn {
		t.Fatalf("sign in: %+v %v", r, err)
	}
	// Every connection of the pool carries her session.
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if got := chatIDs(t, s, anna); !slices.Equal(got, []int64{9001, 9004}) {
				t.Errorf("Анна's chats: %v", got)
			}
		})
	}
	wg.Wait()
	// Asking as the administrator changes nothing: the database knows who
	// signed in, and gives her chats, not all.
	if got := chatIDs(t, s, olga); !slices.Equal(got, []int64{9001, 9004}) {
		t.Errorf("Анна asking as the administrator reads %v", got)
	}
	if _, err := s.Invite(ctx, "ещё один"); !errors.Is(err, ErrForbidden) {
		t.Errorf("an agent invites a computer: %v", err)
	}
	if err := s.SetChannelRule(ctx, ChannelRule{ChannelID: 103, Visibility: VisibleToEveryone}); !errors.Is(err, ErrForbidden) {
		t.Errorf("an agent opens a channel: %v", err)
	}
	if err := s.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	if got := chatIDs(t, s, anna); len(got) != 0 {
		t.Fatalf("signed out, she still reads %v", got)
	}
	if r, err := s.SignInAt(ctx, o.computer, olga, "1111"); err != nil || r.Outcome != SignedIn {
		t.Fatalf("the administrator signs in: %+v %v", r, err)
	}
	if got := chatIDs(t, s, olga); !slices.Equal(got, []int64{9001, 9002, 9003, 9004}) {
		t.Errorf("the administrator's chats: %v", got)
	}
	invitation, err := s.Invite(ctx, "Бухгалтерия")
	if err != nil {
		t.Fatal(err)
	}
	other := o.openAs(t, o.pc)
	if secret, err := other.JoinOffice(ctx, invitation, ""); err != nil || len(secret) != 64 {
		t.Fatalf("join: %q %v", secret, err)
	}
	if _, err := other.JoinOffice(ctx, invitation, ""); !errors.Is(err, ErrInvitationInvalid) {
		t.Fatalf("an invitation used twice: %v", err)
	}
	computers, err := s.Computers(ctx)
	if err != nil || len(computers) != 2 || computers[1].Name != "Бухгалтерия" || computers[1].JoinedAt.IsZero() || computers[0].LastStaff != "Ольга" {
		t.Fatalf("computers: %+v %v", computers, err)
	}
}

// A PC never changes the schema: an office behind this C2Desk waits for
// its administrator, one ahead is refused as always.
func TestPCStoreRefusesASchemaItWouldHaveToChange(t *testing.T) {
	o := newGuardOffice(t)
	latest := o.owner.LatestVersion()
	for _, c := range []struct {
		version int
		want    func(error) bool
	}{
		{latest - 1, func(err error) bool { return errors.Is(err, ErrOfficeBehind) }},
		{latest + 1, func(err error) bool { var tn *TooNewError; return errors.As(err, &tn) }},
	} {
		if _, err := o.owner.db.ExecContext(ctx, `UPDATE c2desk_schema SET version = ?`, c.version); err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(o.address)
		u.User = url.UserPassword(o.pc.Role, o.pc.Password)
		s, err := OpenOfficeAs(ctx, u.String())
		if err == nil {
			s.Close()
		}
		if !c.want(err) {
			t.Errorf("schema %d (this C2Desk: %d): %v", c.version, latest, err)
		}
	}
}

// A person's search goes through the guard's functions, which use the
// words' index, and finds only what they may see; the owner's finds all.
func TestPCStoreSearchesOnlyWhatThePersonSees(t *testing.T) {
	o := newGuardOffice(t)
	s := o.openAs(t, o.pc)
	search := func(who int64, words string) []int64 {
		t.Helper()
		return listedIDs(t, s, who, ChatFilter{Search: words})
	}
	if got := search(olga, "аренда"); len(got) != 0 {
		t.Fatalf("nobody signed in finds %v", got)
	}
	if r, err := s.SignInAt(ctx, o.computer, anna, "2222"); err != nil || r.Outcome != SignedIn {
		t.Fatalf("sign in: %+v %v", r, err)
	}
	if got := search(anna, "аренда"); !slices.Equal(got, []int64{9004}) {
		t.Fatalf("Анна finds %v", got)
	}
	if got := search(anna, "ответ"); len(got) != 0 {
		t.Fatalf("Анна finds the administrators' answer in %v", got)
	}
	if got := search(anna, "нин"); !slices.Equal(got, []int64{9004}) {
		t.Fatalf("Анна finds her client by name in %v", got)
	}
	if got := search(anna, "мари"); len(got) != 0 {
		t.Fatalf("Анна finds a hidden client by name in %v", got)
	}
	if got := search(anna, "+7999000000"); !slices.Equal(got, []int64{9001, 9004}) {
		t.Fatalf("Анна finds her clients by phone in %v", got)
	}
	if r, err := s.SignInAt(ctx, o.computer, olga, "1111"); err != nil || r.Outcome != SignedIn {
		t.Fatalf("sign in: %+v %v", r, err)
	}
	if got := search(olga, "аренда"); !slices.Equal(got, []int64{9003, 9004}) {
		t.Fatalf("the administrator finds %v", got)
	}
	// The functions themselves keep to the person: called directly with
	// nobody signed in, they return nothing.
	if err := s.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	pc := o.connect(t, o.pc)
	var n int
	if err := pc.QueryRow(ctx, `SELECT (SELECT count(*) FROM c2desk_word_search('аренда:*', 1000000, 100, 0, false))
		+ (SELECT count(*) FROM c2desk_word_search('аренда:*', 1000000, 100, 0, true))
		+ (SELECT count(*) FROM c2desk_word_search('аренда:*', 0, 0, 100, false))`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("nobody signed in, the search functions return %d rows (%v)", n, err)
	}
}
