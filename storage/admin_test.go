package storage

import (
	"errors"
	"testing"
)

func seedAdmin(t *testing.T, s *Store) (admin, agent int64) {
	t.Helper()
	var err error
	if admin, err = s.CreateStaff(ctx, Staff{Name: "Ольга", Role: RoleAdmin, Active: true, PINHash: "hash"}); err != nil {
		t.Fatal(err)
	}
	if agent, err = s.CreateStaff(ctx, Staff{Name: "Ivan", Role: RoleAgent, Active: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SyncChannels(ctx, []Channel{{ID: 101, Name: "A"}, {ID: 102, Name: "B"}}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SyncOperators(ctx, []Operator{{ID: 7, FirstName: "O"}, {ID: 8, FirstName: "Office"}}, true); err != nil {
		t.Fatal(err)
	}
	return admin, agent
}

func TestStaffCRUD(t *testing.T) {
	s := openTemp(t)
	admin, agent := seedAdmin(t, s)
	st, err := s.StaffByID(ctx, admin)
	if err != nil || st.Name != "Ольга" || st.PINHash != "hash" || !st.Active {
		t.Fatalf("%+v %v", st, err)
	}
	st, _ = s.StaffByID(ctx, agent)
	st.Active, st.Name = false, "Ivan P."
	if err := s.UpdateStaff(ctx, st); err != nil {
		t.Fatal(err)
	}
	all, _ := s.AllStaff(ctx)
	if len(all) != 2 || all[0].ID != admin || all[1].Name != "Ivan P." || all[1].Active || all[1].PINHash != "" {
		t.Fatalf("%+v", all)
	}
	if _, err := s.StaffByID(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	if err := s.UpdateStaff(ctx, Staff{ID: 999, Name: "x", Role: RoleAgent}); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
}

func TestMappingSaveIsAllOrNothing(t *testing.T) {
	s := openTemp(t)
	admin, agent := seedAdmin(t, s)
	m := Mapping{Owners: map[int64]int64{7: admin, 8: agent}, Default: 8}
	if err := s.SaveMapping(ctx, m); err != nil {
		t.Fatal(err)
	}
	got, err := s.LoadMapping(ctx)
	if err != nil || got.Default != 8 || got.Owners[7] != admin || got.Owners[8] != agent {
		t.Fatalf("%+v %v", got, err)
	}
	// One staff member owning two operators is refused, and nothing changes.
	if err := s.SaveMapping(ctx, Mapping{Owners: map[int64]int64{7: admin, 8: admin}, Default: 7}); err == nil {
		t.Fatal("two operators for one person accepted")
	}
	if again, _ := s.LoadMapping(ctx); again.Default != 8 || again.Owners[8] != agent {
		t.Fatalf("half-saved: %+v", again)
	}
	if err := s.SaveMapping(ctx, Mapping{Owners: map[int64]int64{}}); err != nil {
		t.Fatal(err)
	}
	if empty, _ := s.LoadMapping(ctx); empty.Default != 0 || len(empty.Owners) != 0 {
		t.Fatalf("%+v", empty)
	}
}

func TestChannelRules(t *testing.T) {
	s := openTemp(t)
	admin, agent := seedAdmin(t, s)
	rules, _ := s.ChannelRules(ctx)
	if r := rules[101]; r.Visibility != VisibleToAdmins || r.Set {
		t.Fatalf("new channel rule %+v", r)
	}
	if err := s.SetChannelRule(ctx, ChannelRule{ChannelID: 101, Visibility: VisibleToListed, Staff: []int64{agent, admin}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetChannelRule(ctx, ChannelRule{ChannelID: 102, Visibility: VisibleToEveryone, Staff: []int64{agent}}); err != nil {
		t.Fatal(err)
	}
	rules, _ = s.ChannelRules(ctx)
	if r := rules[101]; !r.Set || r.Visibility != VisibleToListed || len(r.Staff) != 2 {
		t.Fatalf("%+v", r)
	}
	if r := rules[102]; len(r.Staff) != 0 {
		t.Fatalf("staff kept for an 'everyone' rule: %+v", r)
	}
	if err := s.DeleteChannel(ctx, 101); err != nil {
		t.Fatal(err)
	}
	rules, _ = s.ChannelRules(ctx)
	chans, _ := s.Channels(ctx)
	if _, ok := rules[101]; ok || len(chans) != 1 {
		t.Fatalf("rule or channel left: %+v %+v", rules, chans)
	}
	if err := s.DeleteChannel(ctx, 101); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
}
