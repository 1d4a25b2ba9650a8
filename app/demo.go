package app

import (
	"context"
	"fmt"

	"c2desk/storage"
)

// SetUpDemoAgency gives the demo account a believable office: an admin
// with her own operator, a supervisor-agent with his, two agents who write
// through the shared office account, a rule per channel, and the month's
// answers written by them. It expects the
// demo Chat2Desk's operators (7 Ольга, 8 Офис Общий, 9 Dmitry) and channels
// (101, 102, 103) to be loaded.
func (s *Session) SetUpDemoAgency(ctx context.Context) error {
	add := func(name, role string) (int64, error) {
		st, err := s.AddStaff(ctx, StaffInput{Name: name, Role: role})
		return st.ID, err
	}
	olga, err := add("Ольга Смирнова", storage.RoleAdmin)
	if err != nil {
		return fmt.Errorf("demo staff: %w", err)
	}
	dmitry, err := add("Dmitry Ivanov", storage.RoleAgent)
	if err != nil {
		return fmt.Errorf("demo staff: %w", err)
	}
	marina, err := add("Марина Орлова", storage.RoleAgent)
	if err != nil {
		return fmt.Errorf("demo staff: %w", err)
	}
	kate, err := add("Kate Wilson", storage.RoleAgent)
	if err != nil {
		return fmt.Errorf("demo staff: %w", err)
	}
	if err := s.SaveMapping(ctx, storage.Mapping{Owners: map[int64]int64{7: olga, 9: dmitry}, Default: 8}); err != nil {
		return fmt.Errorf("demo mapping: %w", err)
	}
	rules := []storage.ChannelRule{
		{ChannelID: 101, Visibility: storage.VisibleToEveryone},
		{ChannelID: 102, Visibility: storage.VisibleToListed, Staff: []int64{dmitry, marina}},
	} // 103 stays new, "administrators only" and highlighted, to show that state
	for _, r := range rules {
		if err := s.SetChannelRule(ctx, r); err != nil {
			return fmt.Errorf("demo rules: %w", err)
		}
	}
	// The month's answers (c2dfake.WithDemoMonth) as if written in C2Desk:
	// Марина and Kate share the office account (8), told apart by
	// channel; Dmitry's answers in Аренда stay his "in Chat2Desk" ones,
	// from its phone app.
	for _, a := range []struct{ operator, channel, staff int64 }{
		{7, 0, olga}, {9, 101, dmitry}, {9, 102, dmitry}, {8, 102, marina}, {8, 0, kate},
	} {
		if err := s.app.store.AttributeAnswers(ctx, a.operator, a.channel, a.staff); err != nil {
			return fmt.Errorf("demo answers: %w", err)
		}
	}
	// The sign-in screen preselects the admin, so the demo opens on the
	// admin's tabs.
	return s.app.store.SetSetting(ctx, s.app.lastStaffKey(), itoa(olga))
}
