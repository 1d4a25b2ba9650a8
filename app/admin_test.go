package app

import (
	"errors"
	"testing"
	"time"

	"c2desk/c2dapi"
	"c2desk/c2dapi/c2dfake"
	"c2desk/storage"
)

func pin(s string) *string { return &s }

// agency sets up a connected, synced account with an admin (PIN 1234) and
// two agents, and returns the admin's session.
func agency(t *testing.T) (*env, *Session, storage.Staff, storage.Staff) {
	t.Helper()
	e := newEnv(t)
	admin, err := e.app.CreateFirstAdmin(ctx, "  Ольга   Смирнова ", "1234")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Connect(ctx, c2dfake.DemoToken); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	ivan, err := admin.AddStaff(ctx, StaffInput{Name: "Ivan Petrov", Role: storage.RoleAgent})
	if err != nil {
		t.Fatal(err)
	}
	marina, err := admin.AddStaff(ctx, StaffInput{Name: "Марина", Role: storage.RoleAgent, PIN: pin("0000")})
	if err != nil {
		t.Fatal(err)
	}
	return e, admin, ivan, marina
}

func wantProblem(t *testing.T, err error, msg string) {
	t.Helper()
	var p *Problem
	if !errors.As(err, &p) || p.Msg != msg {
		t.Fatalf("got %v, want %q", err, msg)
	}
}

func TestFirstAdminAndSignIn(t *testing.T) {
	e := newEnv(t)
	if first, _ := e.app.NeedsFirstAdmin(ctx); !first {
		t.Fatal("a new installation needs its first admin")
	}
	wantProblem(t, func() error { _, err := e.app.CreateFirstAdmin(ctx, " ", ""); return err }(), MsgNameEmpty)
	wantProblem(t, func() error { _, err := e.app.CreateFirstAdmin(ctx, "Ольга", "12a4"); return err }(), MsgPINFormat)
	s, err := e.app.CreateFirstAdmin(ctx, "Ольга", "1234")
	if err != nil || !s.IsAdmin() || s.Staff().Name != "Ольга" {
		t.Fatalf("%+v %v", s, err)
	}
	if s.Staff().PINHash == "1234" || s.Staff().PINHash == "" {
		t.Fatal("PIN not hashed")
	}
	wantProblem(t, func() error { _, err := e.app.CreateFirstAdmin(ctx, "Eve", ""); return err }(), MsgStaffExists)
	if e.app.LastStaffID(ctx) != s.Staff().ID {
		t.Fatal("last choice not remembered")
	}
	if _, err := e.app.SignIn(ctx, s.Staff().ID, "9999"); !errors.Is(err, ErrWrongPIN) || Explain(err) != MsgWrongPIN {
		t.Fatalf("wrong PIN: %v", err)
	}
	if _, err := e.app.SignIn(ctx, s.Staff().ID, "1234"); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, func() error { _, err := e.app.SignIn(ctx, 999, ""); return err }(), MsgUnknownStaff)
}

func TestAgentCannotReachAdminActions(t *testing.T) {
	e, _, ivan, _ := agency(t)
	agent, err := e.app.SignIn(ctx, ivan.ID, "")
	if err != nil || agent.IsAdmin() {
		t.Fatalf("%v %v", agent, err)
	}
	actions := map[string]func() error{
		"add staff": func() error {
			_, err := agent.AddStaff(ctx, StaffInput{Name: "X", Role: storage.RoleAgent})
			return err
		},
		"edit staff": func() error {
			_, err := agent.UpdateStaff(ctx, ivan.ID, StaffInput{Name: "X", Role: storage.RoleAdmin})
			return err
		},
		"deactivate":   func() error { return agent.SetStaffActive(ctx, ivan.ID, false) },
		"connect":      func() error { _, err := agent.Connect(ctx, c2dfake.DemoToken); return err },
		"disconnect":   func() error { return agent.Disconnect(ctx) },
		"refresh":      func() error { _, err := agent.Refresh(ctx); return err },
		"sync":         func() error { _, err := agent.Sync(ctx); return err },
		"load ops":     func() error { _, _, err := agent.LoadOperators(ctx); return err },
		"load chans":   func() error { _, _, err := agent.LoadChannels(ctx); return err },
		"mapping":      func() error { _, err := agent.Mapping(ctx); return err },
		"save mapping": func() error { return agent.SaveMapping(ctx, storage.Mapping{Default: 8}) },
		"channels":     func() error { _, err := agent.Channels(ctx); return err },
		"rule": func() error {
			return agent.SetChannelRule(ctx, storage.ChannelRule{ChannelID: 101, Visibility: storage.VisibleToEveryone})
		},
		"remove channel": func() error { return agent.RemoveChannel(ctx, 101) },
		"export":         func() error { _, err := agent.ExportConfig(ctx); return err },
		"import":         func() error { _, err := agent.PlanImport(ctx, []byte(`{}`)); return err },
	}
	for name, act := range actions {
		if err := act(); !errors.Is(err, ErrNotAllowed) {
			t.Errorf("%s: got %v, want ErrNotAllowed", name, err)
		}
	}
	if st, _ := e.app.Status(ctx); !st.Connected {
		t.Fatal("an agent's disconnect went through")
	}
}

func TestStaffRules(t *testing.T) {
	e, admin, ivan, marina := agency(t)
	wantProblem(t, func() error {
		_, err := admin.AddStaff(ctx, StaffInput{Name: "ivan petrov", Role: storage.RoleAgent})
		return err
	}(), MsgNameTaken)
	wantProblem(t, func() error { _, err := admin.AddStaff(ctx, StaffInput{Name: "Z", Role: "boss"}); return err }(), MsgBadRole)
	wantProblem(t, admin.SetStaffActive(ctx, admin.Staff().ID, false), MsgNotYourself)
	wantProblem(t, func() error {
		_, err := admin.UpdateStaff(ctx, admin.Staff().ID, StaffInput{Name: "Ольга Смирнова", Role: storage.RoleAgent})
		return err
	}(), MsgLastAdmin)

	// Promote Ivan; now Ольга may step down, and Ivan may deactivate her.
	if _, err := admin.UpdateStaff(ctx, ivan.ID, StaffInput{Name: "Ivan Petrov", Role: storage.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	ivanS, _ := e.app.SignIn(ctx, ivan.ID, "")
	if err := ivanS.SetStaffActive(ctx, admin.Staff().ID, false); err != nil {
		t.Fatal(err)
	}
	// The deactivated admin's session loses its rights at once.
	if _, err := admin.AddStaff(ctx, StaffInput{Name: "Q", Role: storage.RoleAgent}); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("deactivated admin still acts: %v", err)
	}
	wantProblem(t, func() error { _, err := e.app.SignIn(ctx, admin.Staff().ID, "1234"); return err }(), MsgStaffInactive)

	// PIN: nil keeps it, "" removes it.
	if _, err := ivanS.UpdateStaff(ctx, marina.ID, StaffInput{Name: "Марина Орлова", Role: storage.RoleAgent}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.SignIn(ctx, marina.ID, ""); !errors.Is(err, ErrWrongPIN) {
		t.Fatalf("PIN lost on rename: %v", err)
	}
	if _, err := ivanS.UpdateStaff(ctx, marina.ID, StaffInput{Name: "Марина Орлова", Role: storage.RoleAgent, PIN: pin("")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.SignIn(ctx, marina.ID, ""); err != nil {
		t.Fatalf("PIN not removed: %v", err)
	}
}

func TestMappingRulesAndSummary(t *testing.T) {
	_, admin, ivan, marina := agency(t)
	me := admin.Staff().ID
	wantProblem(t, admin.SaveMapping(ctx, storage.Mapping{Owners: map[int64]int64{7: me}}), MsgNeedDefault)
	wantProblem(t, admin.SaveMapping(ctx, storage.Mapping{Owners: map[int64]int64{7: me, 9: me}, Default: 8}), MsgOwnerTwice)
	wantProblem(t, admin.SaveMapping(ctx, storage.Mapping{Default: 10}), MsgDefaultNotUsable) // 10 is disabled
	wantProblem(t, admin.SaveMapping(ctx, storage.Mapping{Default: 404}), MsgUnknownOperator)
	wantProblem(t, admin.SaveMapping(ctx, storage.Mapping{Owners: map[int64]int64{7: 999}, Default: 8}), MsgOwnerUnknownStaff)

	m := storage.Mapping{Owners: map[int64]int64{7: me, 9: ivan.ID}, Default: 8}
	if err := admin.SaveMapping(ctx, m); err != nil {
		t.Fatal(err)
	}
	v, err := admin.Mapping(ctx)
	if err != nil || v.Mapping.Default != 8 || v.Mapping.Owners[9] != ivan.ID {
		t.Fatalf("%+v %v", v.Mapping, err)
	}
	sum := Summarize(v, v.Mapping)
	if sum != (MappingSummary{Own: 2, ViaDefault: 1, DefaultName: "Офис Общий"}) {
		t.Fatalf("summary %+v", sum)
	}
	// No default: Marina cannot send.
	if sum := Summarize(v, storage.Mapping{Owners: m.Owners}); sum.Cannot != 1 || sum.Own != 2 {
		t.Fatalf("summary without default %+v", sum)
	}
	// A deactivated staff member cannot own an operator.
	if err := admin.SetStaffActive(ctx, marina.ID, false); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, admin.SaveMapping(ctx, storage.Mapping{Owners: map[int64]int64{8: marina.ID}, Default: 8}), MsgOwnerInactive)
}

func TestResolveOperator(t *testing.T) {
	ops := map[int64]storage.Operator{
		7:  {ID: 7, Role: c2dapi.RoleAdmin},
		8:  {ID: 8, Role: c2dapi.RoleOperator},
		10: {ID: 10, Role: c2dapi.RoleDisabled},
	}
	m := storage.Mapping{Owners: map[int64]int64{7: 1, 10: 2}, Default: 8}
	cases := []struct {
		staff      int64
		op         int64
		viaDefault bool
		ok         bool
	}{
		{1, 7, false, true}, // own operator
		{2, 8, true, true},  // own operator disabled: default
		{3, 8, true, true},  // no operator: default
	}
	for _, c := range cases {
		op, via, ok := ResolveOperator(c.staff, m, ops)
		if op != c.op || via != c.viaDefault || ok != c.ok {
			t.Errorf("staff %d: %d %v %v", c.staff, op, via, ok)
		}
	}
	m.Default = 10
	if _, _, ok := ResolveOperator(3, m, ops); ok {
		t.Error("a disabled default account must not send")
	}
}

func TestChannelRulesAndRemoval(t *testing.T) {
	e, admin, ivan, marina := agency(t)
	chans, err := admin.Channels(ctx)
	if err != nil || len(chans) != 3 || chans[0].Rule.Visibility != storage.VisibleToAdmins || chans[0].Rule.Set {
		t.Fatalf("%+v %v", chans, err)
	}
	wantProblem(t, admin.SetChannelRule(ctx, storage.ChannelRule{ChannelID: 101, Visibility: storage.VisibleToListed}), MsgRuleNeedsStaff)
	wantProblem(t, admin.SetChannelRule(ctx, storage.ChannelRule{ChannelID: 101, Visibility: "friends"}), MsgBadVisibility)
	wantProblem(t, admin.SetChannelRule(ctx, storage.ChannelRule{ChannelID: 999, Visibility: storage.VisibleToEveryone}), MsgUnknownChannel)
	if err := admin.SetChannelRule(ctx, storage.ChannelRule{ChannelID: 101, Visibility: storage.VisibleToListed, Staff: []int64{ivan.ID, marina.ID}}); err != nil {
		t.Fatal(err)
	}
	admin.SetStaffActive(ctx, marina.ID, false)
	wantProblem(t, admin.SetChannelRule(ctx, storage.ChannelRule{ChannelID: 102, Visibility: storage.VisibleToListed, Staff: []int64{marina.ID}}), MsgStaffInactive)

	wantProblem(t, admin.RemoveChannel(ctx, 101), MsgChannelStillLive)
	e.fake.RemoveChannel(101)
	if _, _, err := admin.LoadChannels(ctx); err != nil {
		t.Fatal(err)
	}
	if err := admin.RemoveChannel(ctx, 101); err != nil {
		t.Fatal(err)
	}
	if chans, _ := admin.Channels(ctx); len(chans) != 2 {
		t.Fatalf("%d channels", len(chans))
	}
}

func TestTransportName(t *testing.T) {
	for raw, want := range map[string]string{"telegram": "Telegram", "wa_dialog": "WhatsApp", "wa_cloud": "WhatsApp", "vk": "VK", "max_messenger": "max_messenger", "": ""} {
		if got := TransportName(raw); got != want {
			t.Errorf("%q: %q", raw, got)
		}
	}
}

func TestWrongPINsPauseSignIn(t *testing.T) {
	e, admin, _, marina := agency(t)
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	e.app.cfg.Now = func() time.Time { return now }
	wantWait := func(pin string, seconds int) {
		t.Helper()
		_, err := e.app.SignIn(ctx, marina.ID, pin)
		var p *Problem
		if !errors.As(err, &p) || p.Msg != MsgPINWait || p.Data["Seconds"] != seconds {
			t.Fatalf("PIN %s: got %v, want a pause of %d s", pin, err, seconds)
		}
	}
	for range 2 {
		if _, err := e.app.SignIn(ctx, marina.ID, "1111"); !errors.Is(err, ErrWrongPIN) {
			t.Fatalf("%v", err)
		}
	}
	wantWait("2222", 30) // the third wrong one
	wantWait("0000", 30) // during the pause even the right PIN is not compared
	now = now.Add(29 * time.Second)
	wantWait("0000", 1)
	// Restarting C2Desk does not lift it.
	reopened := New(e.store, Keyring{}, e.app.cfg)
	if _, err := reopened.SignIn(ctx, marina.ID, "0000"); err == nil {
		t.Fatal("a restart lifted the pause")
	}
	// Others sign in meanwhile.
	if _, err := e.app.SignIn(ctx, admin.Staff().ID, "1234"); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Second)
	wantWait("3333", 60) // the fourth: the pause doubles
	now = now.Add(time.Minute)
	if _, err := e.app.SignIn(ctx, marina.ID, "0000"); err != nil {
		t.Fatalf("after the pause: %v", err)
	}
	// The right PIN starts the count again.
	if _, err := e.app.SignIn(ctx, marina.ID, "1111"); !errors.Is(err, ErrWrongPIN) {
		t.Fatalf("%v", err)
	}
	// An admin's new PIN lifts a pause at once.
	for range 5 {
		e.app.SignIn(ctx, marina.ID, "1111")
	}
	if _, err := admin.UpdateStaff(ctx, marina.ID, StaffInput{Name: "Марина", Role: storage.RoleAgent, PIN: pin("4321")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.SignIn(ctx, marina.ID, "4321"); err != nil {
		t.Fatalf("after a new PIN: %v", err)
	}
	if PINWait(2) != 0 || PINWait(3) != 30*time.Second || PINWait(7) != 8*time.Minute || PINWait(8) != maxPINWait || PINWait(200) != maxPINWait {
		t.Fatal("the pause schedule changed")
	}
}
